"""Telegram's command menu: from the catalogue, per language, officers' own in their chats.

The real TelegramChannel (python-telegram-bot's Application) talks to the fake Bot API; the
fake keeps each menu by scope and language and resolves what a person sees as Telegram does.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.channels.telegram import TelegramChannel
from bot.channels.telegram_menu import (
    ADMIN_COMMANDS,
    OFFICER_COMMANDS,
    PARTICIPANT_COMMANDS,
    PUBLISHED_KEY,
    RETRY_AFTER,
)
from bot.features import build_router
from bot.settings import Settings
from handlers.conversation import texts
from handlers.conversation.turn import Services
from storage import Storage
from storage.models import Role
from tests.support.clock import FrozenClock
from tests.support.fake_telegram import FakeTelegram

TOKEN = "123456:TEST-menu"
OFFICER, ADMIN, NEWCOMER, PARTICIPANT = 9001, 9002, 9003, 5555
EVERYONE = list(PARTICIPANT_COMMANDS)
OFFICERS = [*PARTICIPANT_COMMANDS, *OFFICER_COMMANDS]
ADMINS = [*OFFICERS, *ADMIN_COMMANDS]


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    with FakeTelegram() as server:
        yield server


@pytest.fixture
def settings(fake: FakeTelegram, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.chdir(tmp_path)  # away from any .env
    return Settings(
        telegram_bot_token=TOKEN,
        telegram_api_base_url=fake.base_url,
        database_path=tmp_path / "test.sqlite3",
    )


async def set_officer(
    storage: Storage, address: int, role: Role | None, clock: FrozenClock
) -> None:
    """Make an address an officer or admin, or (None) take the role away."""
    async with storage.db.transaction():
        if role is None:
            await storage.officers.remove("telegram", str(address))
        else:
            await storage.officers.add("telegram", str(address), role, clock.now())


class Running:
    """Start and stop channels the way the bot does, stopping any left running."""

    def __init__(self, settings: Settings, services: Services) -> None:
        self.settings = settings
        self.services = services
        self.started: list[TelegramChannel] = []

    async def start(self) -> TelegramChannel:
        channel = TelegramChannel(self.settings, build_router(), self.services)
        await channel.start()
        self.started.append(channel)
        return channel

    async def stop(self) -> None:
        while self.started:
            await self.started.pop().stop()


@pytest.fixture
async def running(settings: Settings, services: Services) -> AsyncIterator[Running]:
    channels = Running(settings, services)
    try:
        yield channels
    finally:
        await channels.stop()


def menu_calls(fake: FakeTelegram, since: int = 0) -> list[tuple[str, object, str]]:
    """Return (method, scope, language code) of every menu call after the first `since`."""
    calls = [call for call in fake.calls() if call.method.lower().endswith("mycommands")]
    return [
        (call.method, call.params.get("scope"), call.params.get("language_code") or "")
        for call in calls[since:]
    ]


def chat(address: int) -> dict[str, object]:
    return {"type": "chat", "chat_id": address}


async def test_everyone_gets_the_menu_in_their_language_and_officers_their_own(
    fake: FakeTelegram, running: Running, storage: Storage, clock: FrozenClock
) -> None:
    await set_officer(storage, OFFICER, "officer", clock)
    await set_officer(storage, ADMIN, "admin", clock)
    await running.start()

    assert menu_calls(fake) == [
        ("setMyCommands", None, ""),
        ("setMyCommands", None, "en"),
        ("setMyCommands", chat(OFFICER), ""),
        ("setMyCommands", chat(OFFICER), "en"),
        ("setMyCommands", chat(ADMIN), ""),
        ("setMyCommands", chat(ADMIN), "en"),
    ]
    for language in ("id", "en", "de"):
        assert fake.menu_seen(PARTICIPANT, language) == EVERYONE
        assert fake.menu_seen(OFFICER, language) == OFFICERS
        assert fake.menu_seen(ADMIN, language) == ADMINS
    default, english = fake.calls("setMyCommands")[:2]
    assert [command["description"] for command in default.params["commands"]] == [
        texts.ID[f"command.{name}"] for name in EVERYONE
    ]
    assert [command["description"] for command in english.params["commands"]] == [
        texts.EN[f"command.{name}"] for name in EVERYONE
    ]
    assert texts.EN["command.daftar"] != texts.ID["command.daftar"]


def test_every_command_in_the_menu_is_one_the_bot_answers() -> None:
    assert set(ADMINS) <= set(build_router().commands)
    for name in ADMINS:
        for catalogue in texts.CATALOGUES.values():
            assert 3 <= len(catalogue[f"command.{name}"]) <= 256


async def test_officers_added_removed_or_changed_are_followed(
    fake: FakeTelegram, running: Running, storage: Storage, clock: FrozenClock
) -> None:
    await set_officer(storage, OFFICER, "officer", clock)
    await set_officer(storage, ADMIN, "admin", clock)
    channel = await running.start()
    seen = len(menu_calls(fake))

    await channel.menu.refresh()
    assert menu_calls(fake, seen) == [], "nothing changed, nothing is sent"

    await set_officer(storage, NEWCOMER, "officer", clock)
    await set_officer(storage, OFFICER, None, clock)
    await set_officer(storage, ADMIN, "officer", clock)
    await channel.menu.refresh()
    assert sorted(menu_calls(fake, seen), key=str) == sorted(
        [
            ("deleteMyCommands", chat(OFFICER), ""),
            ("deleteMyCommands", chat(OFFICER), "en"),
            ("setMyCommands", chat(ADMIN), ""),
            ("setMyCommands", chat(ADMIN), "en"),
            ("setMyCommands", chat(NEWCOMER), ""),
            ("setMyCommands", chat(NEWCOMER), "en"),
        ],
        key=str,
    )
    assert fake.menu_seen(OFFICER, "id") == EVERYONE
    assert fake.menu_seen(ADMIN, "en") == OFFICERS
    assert fake.menu_seen(NEWCOMER, "id") == OFFICERS


async def test_an_officer_removed_while_the_bot_was_down_loses_the_menu_at_start(
    fake: FakeTelegram, running: Running, storage: Storage, clock: FrozenClock
) -> None:
    await set_officer(storage, OFFICER, "officer", clock)
    await running.start()
    await running.stop()
    assert await storage.bot_settings.get(PUBLISHED_KEY) == f'{{"{OFFICER}": "officer"}}'

    await set_officer(storage, OFFICER, None, clock)
    seen = len(menu_calls(fake))
    await running.start()
    assert ("deleteMyCommands", chat(OFFICER), "en") in menu_calls(fake, seen)
    assert fake.menu_seen(OFFICER, "en") == EVERYONE
    assert await storage.bot_settings.get(PUBLISHED_KEY) == "{}"


async def test_a_chat_telegram_refuses_is_tried_again_later_and_logged_once(
    fake: FakeTelegram,
    running: Running,
    storage: Storage,
    clock: FrozenClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    channel = await running.start()
    await set_officer(storage, NEWCOMER, "officer", clock)
    fake.fail_next("setMyCommands", 400, "Bad Request: chat not found", count=2)
    with caplog.at_level(logging.DEBUG, logger="bot.channels.telegram_menu"):
        await channel.menu.refresh()
        await channel.menu.refresh()  # too soon: not tried again
        assert len(fake.rejected_calls("setMyCommands")) == 1
        clock.advance(RETRY_AFTER)
        await channel.menu.refresh()  # refused again, now quietly
        assert len(fake.rejected_calls("setMyCommands")) == 2
        clock.advance(RETRY_AFTER)
        await channel.menu.refresh()
    assert fake.menu_seen(NEWCOMER, "id") == OFFICERS
    warnings = [record for record in caplog.records if record.levelno >= logging.WARNING]
    assert len(warnings) == 1 and "chat not found" in warnings[0].getMessage().lower()
    assert str(NEWCOMER) not in caplog.text


async def test_a_failing_default_menu_does_not_stop_the_bot(
    fake: FakeTelegram, running: Running, caplog: pytest.LogCaptureFixture
) -> None:
    fake.fail_next("setMyCommands", 502, "Bad Gateway", count=2)
    await running.start()
    assert "could not set the command menu" in caplog.text
    await asyncio.to_thread(fake.wait_until_polling)
