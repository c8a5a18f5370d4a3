"""Configuration from the environment and `.env`, validated by pydantic-settings."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from handlers.conversation.timefmt import parse_duration, parse_durations
from handlers.evaluations.numbering import check_number_format
from handlers.evaluations.policy import (
    DEFAULT_NUMBER_FORMAT,
    EvaluationPolicy,
    Requirement,
    parse_requirements,
)
from handlers.helpdesk.hours import OfficeHours


class MissingSetting(Exception):
    """A setting the requested mode needs is not set."""

    def __init__(self, name: str, reason: str = "") -> None:
        why = f"{reason}; " if reason else ""
        super().__init__(f"{name} is not set ({why}put it in the environment or in .env)")
        self.name = name


WHATSAPP_REQUIRED = (
    "whatsapp_token",
    "whatsapp_phone_number_id",
    "whatsapp_app_secret",
    "whatsapp_verify_token",
)
TELEGRAM_WEBHOOK_REQUIRED = ("telegram_webhook_url", "telegram_webhook_secret")
TELEGRAM_RATE = 28.0
MIN_GIVE_UP = timedelta(minutes=1)
MAX_GIVE_UP = timedelta(days=30)
MIN_RETRY = timedelta(seconds=1)
MAX_RETRY = timedelta(hours=1)
# Telegram allows 1-256 characters A-Z, a-z, 0-9, _ and - in a webhook secret token.
_TELEGRAM_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


@dataclass(frozen=True)
class WhatsAppTemplates:
    """Approved template names per kind of message sent outside the 24-hour window."""

    reminder: str | None = None
    offer: str | None = None
    equipment: str | None = None
    broadcast: str | None = None
    notice: str | None = None


class Settings(BaseSettings):
    """Every setting of the bot; the names match the environment variables."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    telegram_bot_token: str | None = None
    telegram_api_base_url: str = "https://api.telegram.org"
    telegram_bot_username: str | None = None
    database_path: Path = Path("wub_ikm.sqlite3")
    # postgresql://user:password@host/db selects PostgreSQL instead of the SQLite file.
    database_url: str | None = None
    timezone: str = "Asia/Jakarta"
    admin_telegram_ids: Annotated[tuple[int, ...], NoDecode] = ()
    reminder_offsets: Annotated[tuple[timedelta, ...], NoDecode] = (
        timedelta(days=1),
        timedelta(hours=2),
    )
    waitlist_hold: Annotated[timedelta, NoDecode] = timedelta(hours=24)
    checkin_opens_before: Annotated[timedelta, NoDecode] = timedelta(hours=2)
    equipment_nudge_after: Annotated[timedelta, NoDecode] = timedelta(days=2)
    equipment_nudge_max: int = Field(default=3, ge=0, le=20)
    # The bot's own messages per second on each platform (Telegram allows about 30 a second;
    # a WhatsApp number 80 by default, up to 1,000 after Meta's upgrade).
    telegram_rate_per_second: float | None = Field(default=None, gt=0, le=30)
    # Deprecated: the old name of TELEGRAM_RATE_PER_SECOND, still honoured when that is unset.
    broadcast_rate_per_second: float | None = Field(default=None, gt=0, le=30)
    # Outages: how long a message waits for delivery before it is given up (reminders wait
    # until their session starts, waiting-list offers until their hold ends).
    broadcast_give_up_after: Annotated[timedelta, NoDecode] = timedelta(hours=24)
    notice_give_up_after: Annotated[timedelta, NoDecode] = timedelta(hours=24)
    # The longest pause between two tries of one message, and between two probes of a channel
    # that is down.
    outbox_retry_max_interval: Annotated[timedelta, NoDecode] = timedelta(minutes=5)
    channel_probe_max_interval: Annotated[timedelta, NoDecode] = timedelta(seconds=30)
    # Officer tools: erase participants whose every session ended this many days ago (0: never).
    retention_days: int = Field(default=365, ge=0, le=36500)
    # Replies to what people type are not capped by default (0): a 429 is waited out.
    telegram_reply_rate_per_second: float = Field(default=0.0, ge=0)
    log_level: str = "INFO"
    # The most rows (below the header) an imported sheet may have.
    import_max_rows: int = Field(default=100_000, ge=1, le=1_000_000)
    # Telegram webhook mode (long polling when unset).
    telegram_webhook_url: str | None = None
    telegram_webhook_secret: str | None = None
    # WhatsApp Cloud API (the channel is on when the four credentials are set).
    whatsapp_token: str | None = None
    whatsapp_phone_number_id: str | None = None
    whatsapp_app_secret: str | None = None
    whatsapp_verify_token: str | None = None
    whatsapp_api_base_url: str = "https://graph.facebook.com/v21.0"
    whatsapp_rate_per_second: float = Field(default=80.0, gt=0, le=1000)
    whatsapp_template_reminder: str | None = None
    whatsapp_template_offer: str | None = None
    whatsapp_template_equipment: str | None = None
    whatsapp_template_broadcast: str | None = None
    whatsapp_template_notice: str | None = None
    media_dir: Path = Path("media")
    # Help desk: when officers answer, how long a follow-up joins a ticket, alert limits.
    helpdesk_hours: str = "Mon-Fri 08:00-16:00"
    helpdesk_followup: Annotated[timedelta, NoDecode] = timedelta(hours=24)
    helpdesk_max_alerts_per_hour: int = Field(default=5, ge=1, le=100)
    helpdesk_autoclose: Annotated[timedelta, NoDecode] = timedelta(days=3)
    helpdesk_show_officer_name: bool = False
    # The webhook server (WhatsApp, Telegram webhook mode, /healthz).
    webhook_host: str = "127.0.0.1"
    webhook_port: int = Field(default=8080, ge=1, le=65535)
    # The address people open in a browser (https in production): the officer web console
    # lives under it at /console, certificate QR codes point to <PUBLIC_BASE_URL>/v/<code>;
    # when set, `run` serves the web app even without WhatsApp.
    public_base_url: str | None = None
    # Evaluations: pre-test, post-test and the evaluation form, and certificates.
    pretest_before: Annotated[timedelta, NoDecode] = timedelta(days=1)
    evaluation_after: Annotated[timedelta, NoDecode] = timedelta(minutes=30)
    evaluation_nudge_max: int = Field(default=2, ge=0, le=10)
    evaluation_closes_after: Annotated[timedelta, NoDecode] = timedelta(days=7)
    certificate_requires: Annotated[frozenset[Requirement], NoDecode] = frozenset(
        {"attendance", "evaluasi"}
    )
    certificate_min_posttest: int = Field(default=60, ge=0, le=100)
    certificate_number_format: str = DEFAULT_NUMBER_FORMAT
    certificate_signatory_name: str | None = Field(default=None, max_length=100)
    certificate_signatory_title: str = Field(
        default="Kepala Dinas Perindustrian", min_length=1, max_length=150
    )
    # Several processes: how soon a follower takes over the scheduler when the leader dies.
    leader_takeover: Annotated[timedelta, NoDecode] = timedelta(seconds=15)

    @field_validator("telegram_rate_per_second", "broadcast_rate_per_second", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @property
    def telegram_rate(self) -> float:
        """Return the Telegram rate: TELEGRAM_RATE_PER_SECOND, else the deprecated name."""
        return self.telegram_rate_per_second or self.broadcast_rate_per_second or TELEGRAM_RATE

    def deprecations(self) -> list[str]:
        """Return a warning for each deprecated setting in use, for the log at start."""
        if self.broadcast_rate_per_second is None:
            return []
        if self.telegram_rate_per_second is not None:
            return [
                "BROADCAST_RATE_PER_SECOND is deprecated and ignored:"
                " TELEGRAM_RATE_PER_SECOND is set; remove the old name"
            ]
        return [
            "BROADCAST_RATE_PER_SECOND is deprecated: rename it TELEGRAM_RATE_PER_SECOND"
            f" (using {self.broadcast_rate_per_second:g}/s for Telegram)"
        ]

    @field_validator("telegram_api_base_url", "whatsapp_api_base_url")
    @classmethod
    def _strip_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @field_validator("database_url")
    @classmethod
    def _postgres_url(cls, value: str | None) -> str | None:
        if value and not value.startswith(("postgresql://", "postgres://")):
            raise ValueError("must be a postgresql:// URL (leave it empty for SQLite)")
        return value or None

    @property
    def database(self) -> str | Path:
        """Return what the bot opens: the PostgreSQL URL when set, else the SQLite file."""
        return self.database_url or self.database_path

    @property
    def database_label(self) -> str:
        """Return the database for messages: the file, or the URL without its password."""
        if self.database_url is None:
            return str(self.database_path)
        return _without_password(self.database_url)

    @field_validator("telegram_webhook_secret")
    @classmethod
    def _telegram_secret(cls, value: str | None) -> str | None:
        if value and not _TELEGRAM_SECRET.match(value):
            raise ValueError("use 1 to 256 characters: letters, digits, _ and -")
        return value or None

    @field_validator("telegram_webhook_url")
    @classmethod
    def _https_url(cls, value: str | None) -> str | None:
        if value and not value.startswith(("https://", "http://")):
            raise ValueError("must be an https:// URL")
        return value or None

    @field_validator("public_base_url")
    @classmethod
    def _public_url(cls, value: str | None) -> str | None:
        if not value:
            return None
        if not value.startswith(("https://", "http://")) or any(c in value for c in '?#"\\ '):
            raise ValueError("must be an https:// address such as https://wub.example.go.id")
        return value.rstrip("/")

    @property
    def console_enabled(self) -> bool:
        """Tell whether the web console is served (PUBLIC_BASE_URL is set)."""
        return self.public_base_url is not None

    @field_validator("certificate_requires", mode="before")
    @classmethod
    def _requirements(cls, value: object) -> object:
        return parse_requirements(value) if isinstance(value, str) else value

    @field_validator("certificate_number_format")
    @classmethod
    def _number_format(cls, value: str) -> str:
        return check_number_format(value)

    @field_validator("certificate_signatory_name")
    @classmethod
    def _signatory(cls, value: str | None) -> str | None:
        return value.strip() or None if value else None

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"unknown time zone {value!r}") from error
        return value

    @field_validator("admin_telegram_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(int(part) for part in value.replace(" ", "").split(",") if part)
        return value

    @field_validator("reminder_offsets", mode="before")
    @classmethod
    def _parse_offsets(cls, value: object) -> object:
        return parse_durations(value) if isinstance(value, str) else value

    @field_validator(
        "waitlist_hold",
        "checkin_opens_before",
        "equipment_nudge_after",
        "pretest_before",
        "evaluation_after",
        "evaluation_closes_after",
        "leader_takeover",
        "broadcast_give_up_after",
        "notice_give_up_after",
        "outbox_retry_max_interval",
        "channel_probe_max_interval",
        "helpdesk_followup",
        "helpdesk_autoclose",
        mode="before",
    )
    @classmethod
    def _parse_duration(cls, value: object) -> object:
        return parse_duration(value) if isinstance(value, str) else value

    @field_validator("leader_takeover")
    @classmethod
    def _sane_takeover(cls, value: timedelta) -> timedelta:
        if not timedelta(seconds=1) <= value <= timedelta(minutes=10):
            raise ValueError("must be between 1s and 10m")
        return value

    @field_validator("broadcast_give_up_after", "notice_give_up_after")
    @classmethod
    def _give_up_range(cls, value: timedelta) -> timedelta:
        if not MIN_GIVE_UP <= value <= MAX_GIVE_UP:
            raise ValueError("use a duration between 1m and 30d")
        return value

    @field_validator("outbox_retry_max_interval", "channel_probe_max_interval")
    @classmethod
    def _retry_range(cls, value: timedelta) -> timedelta:
        if not MIN_RETRY <= value <= MAX_RETRY:
            raise ValueError("use a duration between 1s and 1h")
        return value

    @field_validator("helpdesk_hours")
    @classmethod
    def _office_hours(cls, value: str) -> str:
        OfficeHours.parse(value)
        return value

    @property
    def office_hours(self) -> OfficeHours:
        """Return HELPDESK_HOURS, read."""
        return OfficeHours.parse(self.helpdesk_hours)

    @property
    def zone(self) -> ZoneInfo:
        """Return the configured time zone."""
        return ZoneInfo(self.timezone)

    @property
    def evaluation_policy(self) -> EvaluationPolicy:
        """Return the evaluation and certificate rules."""
        return EvaluationPolicy(
            pretest_before=self.pretest_before,
            evaluation_after=self.evaluation_after,
            nudge_max=self.evaluation_nudge_max,
            closes_after=self.evaluation_closes_after,
            certificate_requires=self.certificate_requires,
            min_posttest=self.certificate_min_posttest,
            number_format=self.certificate_number_format,
            signatory_name=self.certificate_signatory_name,
            signatory_title=self.certificate_signatory_title,
            public_base_url=self.public_base_url,
        )

    def require_telegram_token(self) -> str:
        """Return the Telegram token or raise MissingSetting."""
        if not self.telegram_bot_token:
            raise MissingSetting("TELEGRAM_BOT_TOKEN")
        return self.telegram_bot_token

    @property
    def telegram_enabled(self) -> bool:
        """Tell whether `run` serves Telegram."""
        return bool(self.telegram_bot_token)

    @property
    def telegram_webhook(self) -> bool:
        """Tell whether Telegram updates come by webhook rather than long polling."""
        return bool(self.telegram_webhook_url)

    @property
    def whatsapp_enabled(self) -> bool:
        """Tell whether `run` serves WhatsApp."""
        return all(getattr(self, name) for name in WHATSAPP_REQUIRED)

    @property
    def whatsapp_templates(self) -> WhatsAppTemplates:
        """Return the configured template names."""
        return WhatsAppTemplates(
            reminder=self.whatsapp_template_reminder or None,
            offer=self.whatsapp_template_offer or None,
            equipment=self.whatsapp_template_equipment or None,
            broadcast=self.whatsapp_template_broadcast or None,
            notice=self.whatsapp_template_notice or None,
        )

    def check_channels(self) -> None:
        """Raise MissingSetting unless at least one channel is fully configured.

        A channel whose settings are only partly set is an error too, naming the first
        missing one, so a typo never silently turns a channel off.
        """
        _require_all_or_none(self, WHATSAPP_REQUIRED)
        _require_all_or_none(self, TELEGRAM_WEBHOOK_REQUIRED)
        if self.telegram_webhook and not self.telegram_enabled:
            raise MissingSetting("TELEGRAM_BOT_TOKEN", "TELEGRAM_WEBHOOK_URL is set")
        if not self.telegram_enabled and not self.whatsapp_enabled:
            # Telegram is the default channel; WhatsApp-only deployments set WHATSAPP_*.
            raise MissingSetting("TELEGRAM_BOT_TOKEN")


def _require_all_or_none(settings: Settings, names: tuple[str, ...]) -> None:
    present = [name for name in names if getattr(settings, name)]
    if present and len(present) < len(names):
        missing = next(name for name in names if not getattr(settings, name))
        raise MissingSetting(missing.upper(), f"{present[0].upper()} is set")


def _without_password(url: str) -> str:
    scheme, _, rest = url.partition("://")
    credentials, at, place = rest.rpartition("@")
    if not at:
        return url
    user = credentials.split(":", 1)[0]
    return f"{scheme}://{user}@{place}"
