"""Telegram's command menu through the real process: officers added in chat or by the CLI."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fake_telegram import FakeTelegram
from harness import BotProcess, Person

from bot.channels.telegram_menu import ADMIN_COMMANDS, OFFICER_COMMANDS, PARTICIPANT_COMMANDS

ADMIN, OFFICER, HELPER = 6000, 6001, 6002
EVERYONE = list(PARTICIPANT_COMMANDS)
OFFICERS = [*PARTICIPANT_COMMANDS, *OFFICER_COMMANDS]
ADMINS = [*OFFICERS, *ADMIN_COMMANDS]


@pytest.fixture
def admin_bot(fake: FakeTelegram, tmp_path: Path) -> Iterator[BotProcess]:
    """The real bot, with one admin from ADMIN_TELEGRAM_IDS."""
    process = BotProcess(fake, tmp_path, {"ADMIN_TELEGRAM_IDS": str(ADMIN)})
    process.start()
    try:
        yield process
    finally:
        process.stop()


def menu_becomes(fake: FakeTelegram, chat: int, language: str, expected: list[str]) -> None:
    """Wait until the person in `chat` sees `expected` in the "/" menu."""
    deadline = time.monotonic() + 15
    while fake.menu_seen(chat, language) != expected:
        if time.monotonic() > deadline:
            raise AssertionError(f"menu of {chat}: {fake.menu_seen(chat, language)}")
        time.sleep(0.05)


def test_the_menu_follows_officers_added_and_removed_by_the_cli(
    fake: FakeTelegram, admin_bot: BotProcess
) -> None:
    menu_becomes(fake, ADMIN, "id", ADMINS)
    assert fake.menu_seen(OFFICER, "id") == EVERYONE
    english = [
        command["description"] for command in fake.calls("setMyCommands")[1].params["commands"]
    ]
    assert english[1] == "Register for a bimtek"

    admin_bot.cli("officers", "add", "--telegram-id", str(OFFICER), "--role", "officer")
    menu_becomes(fake, OFFICER, "en", OFFICERS)
    menu_becomes(fake, OFFICER, "id", OFFICERS)

    admin_bot.cli("officers", "remove", "--telegram-id", str(OFFICER))
    menu_becomes(fake, OFFICER, "id", EVERYONE)
    menu_becomes(fake, OFFICER, "en", EVERYONE)
    assert fake.menu_seen(ADMIN, "en") == ADMINS


def test_the_menu_follows_an_officer_added_in_chat(
    fake: FakeTelegram, admin_bot: BotProcess
) -> None:
    admin = Person(fake, ADMIN)
    admin.says("/petugas")
    assert "Kirim ID Telegram" in admin.presses("➕ Tambah petugas")
    assert f"Peran untuk {HELPER}" in admin.says(str(HELPER))
    assert "sekarang petugas" in admin.presses("petugas")
    menu_becomes(fake, HELPER, "id", OFFICERS)
