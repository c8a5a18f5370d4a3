"""Configuration from the environment and `.env`, validated by pydantic-settings."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from handlers.timefmt import parse_durations


class MissingSetting(Exception):
    """A setting the requested mode needs is not set."""

    def __init__(self, name: str) -> None:
        super().__init__(f"{name} is not set (put it in the environment or in .env)")
        self.name = name


class Settings(BaseSettings):
    """Every setting of the bot; the names match the environment variables."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    telegram_bot_token: str | None = None
    telegram_api_base_url: str = "https://api.telegram.org"
    telegram_bot_username: str | None = None
    database_path: Path = Path("wub_ikm.sqlite3")
    timezone: str = "Asia/Jakarta"
    admin_telegram_ids: Annotated[tuple[int, ...], NoDecode] = ()
    reminder_offsets: Annotated[tuple[timedelta, ...], NoDecode] = (
        timedelta(days=1),
        timedelta(hours=2),
    )
    broadcast_rate_per_second: float = Field(default=25.0, gt=0, le=30)
    log_level: str = "INFO"

    @field_validator("telegram_api_base_url")
    @classmethod
    def _strip_slash(cls, value: str) -> str:
        return value.rstrip("/")

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

    @property
    def zone(self) -> ZoneInfo:
        """Return the configured time zone."""
        return ZoneInfo(self.timezone)

    def require_telegram_token(self) -> str:
        """Return the Telegram token or raise MissingSetting."""
        if not self.telegram_bot_token:
            raise MissingSetting("TELEGRAM_BOT_TOKEN")
        return self.telegram_bot_token
