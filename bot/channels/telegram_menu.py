"""Telegram's command menu (the "/" button), from the catalogue, per language and per role.

Everyone sees the participant commands: in Indonesian by default, in English when their
Telegram app is set to English (`language_code`). An officer's own chat
(`BotCommandScopeChat`) also lists the officer commands, and an admin's /petugas. The
officers table is the truth: the running bot compares it every couple of seconds with what it
last published, so an officer added or removed in chat or with the CLI (another process) sees
the menu change within seconds. What was published is kept in `bot_setting`, so someone
removed while the bot was down loses the officer menu when it starts again.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta
from typing import Final

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger
from telegram import Bot, BotCommand, BotCommandScopeChat
from telegram.error import TelegramError

from handlers import texts
from handlers.clock import Clock
from storage import Storage
from storage.models import Role

logger = logging.getLogger(__name__)

PARTICIPANT_COMMANDS: Final = (
    "start",
    "daftar",
    "jadwal",
    "alat",
    "profil",
    "hapus",
    "bahasa",
    "batal",
    "bantuan",
)
OFFICER_COMMANDS: Final = ("sesi", "kelolaalat", "kasus", "siaran", "rekap", "ekspor")
ADMIN_COMMANDS: Final = ("petugas",)
# Each catalogue language and the Telegram language code its menu is set for: the menu set
# without a code is the default, shown to every other language.
MENU_LANGUAGES: Final[tuple[tuple[str, str | None], ...]] = (("id", None), ("en", "en"))
PUBLISHED_KEY: Final = "telegram_menu_officers"
WATCH_JOB: Final = "telegram-menu"
# A chat Telegram refused (an officer who never opened the bot) is tried again this late.
RETRY_AFTER: Final = timedelta(minutes=1)


def menu_commands(language: str, role: Role | None) -> list[BotCommand]:
    """Return the menu of a participant (role None), an officer or an admin in a language."""
    names: tuple[str, ...] = PARTICIPANT_COMMANDS
    if role is not None:
        names += OFFICER_COMMANDS
    if role == "admin":
        names += ADMIN_COMMANDS
    return [BotCommand(name, texts.text(language, f"command.{name}")) for name in names]


class CommandMenu:
    """Publish the menus, then keep the officers' chats in step with the officers table."""

    def __init__(
        self, bot: Bot, storage: Storage, clock: Clock, every: timedelta = timedelta(seconds=2)
    ) -> None:
        self._bot = bot
        self._storage = storage
        self._clock = clock
        self._every = every
        # Telegram user id -> the role whose menu its chat shows; None until published.
        self._published: dict[str, Role] | None = None
        self._retry_at: dict[str, datetime] = {}
        self._warned: set[str] = set()

    async def publish(self) -> None:
        """Set everyone's menu and every officer's; take it away from former officers."""
        for language, code in MENU_LANGUAGES:
            try:
                await self._bot.set_my_commands(menu_commands(language, None), language_code=code)
            except TelegramError as error:
                logger.warning(
                    "telegram: could not set the command menu (%s)", type(error).__name__
                )
        stored = await self._storage.bot_settings.get(PUBLISHED_KEY)
        self._published = _read_published(stored)
        await self._sync(republish=True)

    async def refresh(self) -> None:
        """Publish what changed in the officers table since the last look."""
        if self._published is None:
            return
        try:
            await self._sync(republish=False)
        except Exception:
            logger.exception("telegram: refreshing the officers' command menus failed")

    def add_to(self, scheduler: AsyncIOScheduler) -> None:
        """Watch the officers table on the bot's scheduler."""
        scheduler.add_job(
            self.refresh,
            IntervalTrigger(seconds=self._every.total_seconds()),
            id=WATCH_JOB,
            replace_existing=True,
            coalesce=True,
            max_instances=1,
        )

    async def _sync(self, *, republish: bool) -> None:
        published = self._published
        assert published is not None  # noqa: S101 - set by publish()
        officers = await self._storage.officers.list_all()
        wanted = {
            officer.address: officer.role
            for officer in officers
            if officer.channel == "telegram" and officer.address.isdigit()
        }
        now = self._clock.now()
        before = dict(published)
        for address in sorted(set(published) - set(wanted)):
            if self._may_try(address, now) and await self._clear(address, now):
                del published[address]
        for address, role in sorted(wanted.items()):
            if published.get(address) == role and not republish:
                continue
            if not self._may_try(address, now):
                continue
            if await self._set(address, role, now):
                published[address] = role
            else:
                # Not shown as published, so the watch tries it again after RETRY_AFTER.
                published.pop(address, None)
        if published != before or republish:
            async with self._storage.db.transaction():
                await self._storage.bot_settings.put(PUBLISHED_KEY, json.dumps(published))

    def _may_try(self, address: str, now: datetime) -> bool:
        retry_at = self._retry_at.get(address)
        return retry_at is None or now >= retry_at

    async def _set(self, address: str, role: Role, now: datetime) -> bool:
        scope = BotCommandScopeChat(int(address))
        try:
            for language, code in MENU_LANGUAGES:
                commands = menu_commands(language, role)
                await self._bot.set_my_commands(commands, scope=scope, language_code=code)
        except TelegramError as error:
            self._failed(address, now, "set", error)
            return False
        self._succeeded(address)
        return True

    async def _clear(self, address: str, now: datetime) -> bool:
        scope = BotCommandScopeChat(int(address))
        try:
            for _, code in MENU_LANGUAGES:
                await self._bot.delete_my_commands(scope=scope, language_code=code)
        except TelegramError as error:
            self._failed(address, now, "clear", error)
            return False
        self._succeeded(address)
        return True

    def _failed(self, address: str, now: datetime, action: str, error: TelegramError) -> None:
        self._retry_at[address] = now + RETRY_AFTER
        # Once at WARNING per chat, then quietly: an officer who never opened the bot would
        # otherwise log a line a minute. No user id: the log stays free of personal data.
        level = logging.DEBUG if address in self._warned else logging.WARNING
        self._warned.add(address)
        logger.log(
            level,
            "telegram: could not %s an officer's command menu (%s: %s); trying again later",
            action,
            type(error).__name__,
            error,
        )

    def _succeeded(self, address: str) -> None:
        self._retry_at.pop(address, None)
        self._warned.discard(address)


def _read_published(stored: str | None) -> dict[str, Role]:
    """Read what an earlier run published; anything unreadable counts as nothing."""
    if not stored:
        return {}
    try:
        loaded = json.loads(stored)
    except ValueError:
        return {}
    if not isinstance(loaded, dict):
        return {}
    return {
        str(address): role
        for address, role in loaded.items()
        if role in ("admin", "officer") and str(address).isdigit()
    }
