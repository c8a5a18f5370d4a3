"""The commands everyone meets first: /start, /bantuan, /batal and /bahasa."""

from __future__ import annotations

import pytest

from handlers.conversation import texts
from handlers.conversation.messages import Reply
from storage import Storage
from tests.support.chat import GOOD_NIK, Chat, add_session, register
from tests.support.registration import conversation_of, says


def menu_of(chat: Chat) -> tuple[tuple[str, ...], ...]:
    menus = [reply.menu for reply in chat.last if isinstance(reply, Reply) and reply.menu]
    assert menus, chat.said
    return menus[-1]


async def test_start_welcomes_a_new_person_with_the_menu(chat: Chat, storage: Storage) -> None:
    await chat.text("/start")
    assert chat.said == texts.ID["welcome"]
    assert menu_of(chat) == chat.router.main_menu("id")
    assert await conversation_of(storage, chat) is None
    assert await storage.participants.count_active() == 0


async def test_start_greets_a_registered_person_by_name(chat: Chat, storage: Storage) -> None:
    await add_session(storage)
    await register(chat)
    await chat.text("/start")
    assert says(chat, "welcome.registered")
    assert "Selamat datang kembali, Siti Aminah!" in chat.said
    assert menu_of(chat) == chat.router.main_menu("id")


@pytest.mark.parametrize("typed", ["/bantuan", "/help", "❓ Bantuan", "❓ Help", "/BANTUAN"])
async def test_help_lists_the_commands(chat: Chat, typed: str) -> None:
    await chat.text(typed)
    assert says(chat, "help")
    for command in ("/daftar", "/jadwal", "/profil", "/hapus", "/bahasa", "/batal"):
        assert command in chat.said
    assert menu_of(chat) == chat.router.main_menu("id")


async def test_help_during_a_flow_keeps_the_flow(chat: Chat, storage: Storage) -> None:
    await chat.text("/daftar")
    await chat.press("Setuju")
    await chat.text("/bantuan")
    assert says(chat, "help")
    state = await conversation_of(storage, chat)
    assert state is not None and state[1] == "full_name"


async def test_cancel_with_nothing_to_cancel(chat: Chat) -> None:
    await chat.text("/batal")
    assert says(chat, "nothing_to_cancel")
    assert menu_of(chat) == chat.router.main_menu("id")


async def test_language_switches_to_english_and_back(chat: Chat, storage: Storage) -> None:
    await chat.text("/bahasa")
    assert says(chat, "language.ask")
    assert chat.labels() == ["Bahasa Indonesia", "English"]
    await chat.press("English")
    assert chat.said == texts.EN["language.set"]
    assert menu_of(chat) == chat.router.main_menu("en")
    contact = await storage.contacts.get("telegram", chat.address)
    assert contact is not None and contact.language == "en"

    await chat.text("/bantuan")
    assert says(chat, "help", "en")
    await chat.text("/start")
    assert says(chat, "welcome", "en")
    await chat.text("/batal")
    assert says(chat, "nothing_to_cancel", "en")
    await chat.text("hello?")
    assert says(chat, "tanya.opened", "en")

    await chat.text("🌐 Language")
    assert says(chat, "language.ask", "en")
    await chat.press("Bahasa Indonesia")
    assert chat.said == texts.ID["language.set"]
    await chat.text("/bantuan")
    assert says(chat, "help")
    contact = await storage.contacts.get("telegram", chat.address)
    assert contact is not None and contact.language == "id"


async def test_language_of_a_registered_person_is_stored_on_the_participant(
    chat: Chat, storage: Storage
) -> None:
    await add_session(storage)
    await register(chat)
    await chat.text("/bahasa")
    await chat.press("English")
    participant = await storage.participants.get_by_nik(GOOD_NIK)
    assert participant is not None and participant.language == "en"
    await chat.text("/start")
    assert "Welcome back, Siti Aminah!" in chat.said


async def test_language_change_in_the_middle_of_registration_keeps_the_step(
    chat: Chat, storage: Storage
) -> None:
    await chat.text("/daftar")
    await chat.press("Setuju")
    await chat.text("Siti Aminah")
    await chat.payload("lang:en")
    assert says(chat, "language.set", "en")
    assert says(chat, "reg.ask.nik", "en")
    state = await conversation_of(storage, chat)
    assert state is not None and state[1] == "nik" and state[2]["full_name"] == "Siti Aminah"


@pytest.mark.parametrize("forged", ["lang:xx", "lang:", "lang", "lang:en:extra", "lang:ID"])
async def test_forged_language_button_changes_nothing(
    chat: Chat, storage: Storage, forged: str
) -> None:
    await chat.payload(forged)
    assert says(chat, "stale_button")
    contact = await storage.contacts.get("telegram", chat.address)
    assert contact is not None and contact.language == "id"
