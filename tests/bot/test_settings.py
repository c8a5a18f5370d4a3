"""Settings from the environment: parsing, validation and the clear missing-setting error."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.app import channel_limits
from bot.settings import MissingSetting, Settings

NAMES = (
    "TELEGRAM_BOT_TOKEN",
    "TELEGRAM_API_BASE_URL",
    "TELEGRAM_BOT_USERNAME",
    "DATABASE_PATH",
    "TIMEZONE",
    "ADMIN_TELEGRAM_IDS",
    "REMINDER_OFFSETS",
    "BROADCAST_RATE_PER_SECOND",
    "TELEGRAM_RATE_PER_SECOND",
    "LOG_LEVEL",
)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Start every test without any of the bot's variables set."""
    for name in NAMES:
        monkeypatch.delenv(name, raising=False)


def load() -> Settings:
    return Settings(_env_file=None)  # type: ignore[call-arg]


def test_defaults() -> None:
    settings = load()
    assert settings.telegram_bot_token is None
    assert settings.telegram_api_base_url == "https://api.telegram.org"
    assert settings.database_path == Path("wub_ikm.sqlite3")
    assert settings.timezone == "Asia/Jakarta"
    assert settings.zone.key == "Asia/Jakarta"
    assert settings.admin_telegram_ids == ()
    assert settings.reminder_offsets == (timedelta(days=1), timedelta(hours=2))


@pytest.mark.parametrize(
    ("raw", "offsets"),
    [
        ("1d,2h", (timedelta(days=1), timedelta(hours=2))),
        ("1d,2h,30m", (timedelta(days=1), timedelta(hours=2), timedelta(minutes=30))),
        ("30m, 1d ,2h", (timedelta(days=1), timedelta(hours=2), timedelta(minutes=30))),
        ("2h,2h", (timedelta(hours=2),)),
        ("1h30m", (timedelta(hours=1, minutes=30),)),
        ("1W", (timedelta(weeks=1),)),
    ],
)
def test_reminder_offsets_parsing(
    monkeypatch: pytest.MonkeyPatch, raw: str, offsets: tuple[timedelta, ...]
) -> None:
    monkeypatch.setenv("REMINDER_OFFSETS", raw)
    assert load().reminder_offsets == offsets


@pytest.mark.parametrize("raw", ["", "1d,,2h", "tomorrow", "0m", "-1h", "2 jam"])
def test_bad_reminder_offsets_are_refused(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    monkeypatch.setenv("REMINDER_OFFSETS", raw)
    with pytest.raises(ValidationError, match="reminder_offsets"):
        load()


@pytest.mark.parametrize(
    ("raw", "ids"),
    [
        ("1, 2", (1, 2)),
        ("1,2", (1, 2)),
        ("123456789", (123456789,)),
        (" 7 ,, 8 ", (7, 8)),
        ("", ()),
    ],
)
def test_admin_telegram_ids_parsing(
    monkeypatch: pytest.MonkeyPatch, raw: str, ids: tuple[int, ...]
) -> None:
    monkeypatch.setenv("ADMIN_TELEGRAM_IDS", raw)
    assert load().admin_telegram_ids == ids


@pytest.mark.parametrize("raw", ["abc", "1;2", "1.5"])
def test_bad_admin_telegram_ids_are_refused(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    monkeypatch.setenv("ADMIN_TELEGRAM_IDS", raw)
    with pytest.raises(ValidationError, match="admin_telegram_ids"):
        load()


@pytest.mark.parametrize("zone", ["Mars/Olympus", "WIB", "", "../etc/passwd"])
def test_bad_timezone_is_refused(monkeypatch: pytest.MonkeyPatch, zone: str) -> None:
    monkeypatch.setenv("TIMEZONE", zone)
    with pytest.raises(ValidationError, match="unknown time zone"):
        load()


@pytest.mark.parametrize("zone", ["Asia/Makassar", "Asia/Jayapura", "UTC"])
def test_other_timezones_are_accepted(monkeypatch: pytest.MonkeyPatch, zone: str) -> None:
    monkeypatch.setenv("TIMEZONE", zone)
    assert load().zone.key == zone


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("http://127.0.0.1:8081/", "http://127.0.0.1:8081"),
        ("http://127.0.0.1:8081//", "http://127.0.0.1:8081"),
        ("https://api.telegram.org", "https://api.telegram.org"),
    ],
)
def test_base_url_trailing_slash_is_stripped(
    monkeypatch: pytest.MonkeyPatch, raw: str, stored: str
) -> None:
    monkeypatch.setenv("TELEGRAM_API_BASE_URL", raw)
    assert load().telegram_api_base_url == stored


@pytest.mark.parametrize("token", [None, ""])
def test_missing_token_names_the_setting(
    monkeypatch: pytest.MonkeyPatch, token: str | None
) -> None:
    if token is not None:
        monkeypatch.setenv("TELEGRAM_BOT_TOKEN", token)
    with pytest.raises(MissingSetting, match="TELEGRAM_BOT_TOKEN") as raised:
        load().require_telegram_token()
    assert raised.value.name == "TELEGRAM_BOT_TOKEN"


def test_token_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456:ABC-def_ghi")
    assert load().require_telegram_token() == "123456:ABC-def_ghi"


def test_env_file_is_read_and_the_environment_wins(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("TIMEZONE=Asia/Makassar\nADMIN_TELEGRAM_IDS=5, 6\n", encoding="utf-8")
    monkeypatch.setenv("ADMIN_TELEGRAM_IDS", "7")
    settings = Settings(_env_file=env_file)  # type: ignore[call-arg]
    assert settings.timezone == "Asia/Makassar"
    assert settings.admin_telegram_ids == (7,)


@pytest.mark.parametrize("name", ["TELEGRAM_RATE_PER_SECOND", "BROADCAST_RATE_PER_SECOND"])
@pytest.mark.parametrize("rate", ["0", "-1", "31", "lots"])
def test_telegram_rate_is_bounded(monkeypatch: pytest.MonkeyPatch, name: str, rate: str) -> None:
    monkeypatch.setenv(name, rate)
    with pytest.raises(ValidationError, match=name.lower()):
        load()


RATES = [
    # TELEGRAM_RATE_PER_SECOND, BROADCAST_RATE_PER_SECOND, rate used, warning at start
    (None, None, 28.0, None),
    ("25", None, 25.0, None),
    ("", "", 28.0, None),  # empty, as in a copied .env.example: unset
    (None, "20", 20.0, "rename it TELEGRAM_RATE_PER_SECOND (using 20/s for Telegram)"),
    ("25", "20", 25.0, "deprecated and ignored: TELEGRAM_RATE_PER_SECOND is set"),
]


@pytest.mark.parametrize(("new", "old", "rate", "warning"), RATES)
def test_the_old_broadcast_rate_name_still_works_with_a_warning(
    monkeypatch: pytest.MonkeyPatch,
    new: str | None,
    old: str | None,
    rate: float,
    warning: str | None,
) -> None:
    for name, value in (("TELEGRAM_RATE_PER_SECOND", new), ("BROADCAST_RATE_PER_SECOND", old)):
        if value is not None:
            monkeypatch.setenv(name, value)
    settings = load()
    assert settings.telegram_rate == rate
    assert channel_limits(settings)["telegram"].rate_per_second == rate
    warnings = settings.deprecations()
    assert warnings == [] if warning is None else len(warnings) == 1 and warning in warnings[0]
