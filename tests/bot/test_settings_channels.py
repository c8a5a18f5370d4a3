"""Which channels `run` starts, and the one-line error when their settings are incomplete."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from bot.settings import MissingSetting, Settings, WhatsAppTemplates

CHANNEL_NAMES = (
    "TELEGRAM_BOT_TOKEN",
    "TELEGRAM_WEBHOOK_URL",
    "TELEGRAM_WEBHOOK_SECRET",
    "WHATSAPP_TOKEN",
    "WHATSAPP_PHONE_NUMBER_ID",
    "WHATSAPP_APP_SECRET",
    "WHATSAPP_VERIFY_TOKEN",
    "WHATSAPP_API_BASE_URL",
    "WHATSAPP_RATE_PER_SECOND",
    "WHATSAPP_TEMPLATE_REMINDER",
    "WHATSAPP_TEMPLATE_NOTICE",
    "WEBHOOK_HOST",
    "WEBHOOK_PORT",
)
WHATSAPP = {
    "WHATSAPP_TOKEN": "EAAG",
    "WHATSAPP_PHONE_NUMBER_ID": "1098",
    "WHATSAPP_APP_SECRET": "secret",
    "WHATSAPP_VERIFY_TOKEN": "verify",
}


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in CHANNEL_NAMES:
        monkeypatch.delenv(name, raising=False)


def load(monkeypatch: pytest.MonkeyPatch, **env: str) -> Settings:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return Settings(_env_file=None)  # type: ignore[call-arg]


def test_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = load(monkeypatch)
    assert settings.whatsapp_api_base_url == "https://graph.facebook.com/v21.0"
    assert settings.whatsapp_rate_per_second == 80  # Meta's default throughput per number
    assert (settings.webhook_host, settings.webhook_port) == ("127.0.0.1", 8080)
    assert settings.whatsapp_templates == WhatsAppTemplates()
    assert not settings.whatsapp_enabled and not settings.telegram_webhook


def test_nothing_configured_names_the_telegram_token(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(MissingSetting) as raised:
        load(monkeypatch).check_channels()
    assert raised.value.name == "TELEGRAM_BOT_TOKEN"


def test_whatsapp_alone_is_enough(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = load(monkeypatch, **WHATSAPP)
    settings.check_channels()
    assert settings.whatsapp_enabled and not settings.telegram_enabled


@pytest.mark.parametrize("missing", sorted(WHATSAPP))
def test_partial_whatsapp_settings_name_the_missing_one(
    monkeypatch: pytest.MonkeyPatch, missing: str
) -> None:
    given = {name: value for name, value in WHATSAPP.items() if name != missing}
    with pytest.raises(MissingSetting) as raised:
        load(monkeypatch, TELEGRAM_BOT_TOKEN="1:x", **given).check_channels()
    assert raised.value.name == missing
    assert str(raised.value).startswith(f"{missing} is not set (")


@pytest.mark.parametrize(
    ("env", "missing"),
    [
        (
            {"TELEGRAM_BOT_TOKEN": "1:x", "TELEGRAM_WEBHOOK_URL": "https://h/telegram"},
            "TELEGRAM_WEBHOOK_SECRET",
        ),
        ({"TELEGRAM_BOT_TOKEN": "1:x", "TELEGRAM_WEBHOOK_SECRET": "s"}, "TELEGRAM_WEBHOOK_URL"),
        (
            {"TELEGRAM_WEBHOOK_URL": "https://h/telegram", "TELEGRAM_WEBHOOK_SECRET": "s"},
            "TELEGRAM_BOT_TOKEN",
        ),
    ],
)
def test_partial_telegram_webhook_settings_name_the_missing_one(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], missing: str
) -> None:
    with pytest.raises(MissingSetting) as raised:
        load(monkeypatch, **env).check_channels()
    assert raised.value.name == missing


def test_telegram_webhook_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = load(
        monkeypatch,
        TELEGRAM_BOT_TOKEN="1:x",
        TELEGRAM_WEBHOOK_URL="https://bot.example.org/telegram",
        TELEGRAM_WEBHOOK_SECRET="abc_DEF-123",
    )
    settings.check_channels()
    assert settings.telegram_webhook


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("TELEGRAM_WEBHOOK_SECRET", "has space"),
        ("TELEGRAM_WEBHOOK_SECRET", "x" * 257),
        ("TELEGRAM_WEBHOOK_URL", "ftp://bot.example.org"),
        ("WHATSAPP_RATE_PER_SECOND", "0"),
        ("WEBHOOK_PORT", "70000"),
    ],
)
def test_invalid_values_are_refused(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    with pytest.raises(ValidationError):
        load(monkeypatch, **{name: value})


def test_templates_and_base_url(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = load(
        monkeypatch,
        WHATSAPP_TEMPLATE_REMINDER="wub_pengingat",
        WHATSAPP_TEMPLATE_NOTICE="",
        WHATSAPP_API_BASE_URL="http://127.0.0.1:9000/v21.0/",
    )
    assert settings.whatsapp_templates == WhatsAppTemplates(reminder="wub_pengingat")
    assert settings.whatsapp_api_base_url == "http://127.0.0.1:9000/v21.0"
