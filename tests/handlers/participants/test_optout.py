"""BERHENTI / STOP and MULAI / START: broadcasts stop and resume, reminders keep coming."""

from __future__ import annotations

from datetime import timedelta

import pytest

from handlers.broadcasts.audiences import Audience
from handlers.broadcasts.service import start_broadcast
from handlers.conversation.turn import Services
from handlers.sessions.reminders import ReminderSlot, fire_reminder
from storage import Storage
from tests.support.chat import NOW, Chat, add_session
from tests.support.officers import enroll, outbox_rows, person


async def opted_out(storage: Storage, address: str) -> bool:
    contact = await storage.contacts.get("telegram", address)
    assert contact is not None
    return contact.opted_out_at is not None


@pytest.mark.parametrize("word", ["BERHENTI", "berhenti", " Stop ", "STOP", "/berhenti"])
async def test_stop_words_opt_out_and_say_how_to_undo(
    chat: Chat, storage: Storage, word: str
) -> None:
    await person(storage, 1001)
    await chat.text(word)
    assert "tidak akan menerima pengumuman" in chat.said
    assert "Pengingat untuk sesi bimtek yang Anda ikuti tetap dikirim" in chat.said
    assert "Ketik MULAI" in chat.said
    assert await opted_out(storage, "1001")
    await chat.text(word)
    assert "sudah berhenti menerima pengumuman" in chat.said


@pytest.mark.parametrize("word", ["MULAI", "mulai", "START", "Start"])
async def test_start_words_opt_back_in(chat: Chat, storage: Storage, word: str) -> None:
    await chat.text("BERHENTI")
    await chat.text(word)
    assert "akan menerima pengumuman lagi" in chat.said
    assert not await opted_out(storage, "1001")
    await chat.text(word)
    assert "sudah menerima pengumuman" in chat.said


async def test_the_answer_is_in_english_for_english_readers(chat: Chat) -> None:
    await chat.text("/bahasa")
    await chat.press("English")
    await chat.text("STOP")
    assert "you will get no more announcements" in chat.said
    assert "Reply START" in chat.said


async def test_words_inside_a_sentence_or_a_slash_start_are_not_keywords(
    chat: Chat, storage: Storage
) -> None:
    await chat.text("tolong stop kirim pesan")
    await chat.text("/start")
    assert "Selamat datang" in chat.said
    assert not await opted_out(storage, "1001")


async def test_stop_works_in_the_middle_of_a_flow_which_goes_on(
    chat: Chat, storage: Storage
) -> None:
    await add_session(storage)
    await chat.text("/daftar")
    await chat.press("Setuju")
    await chat.text("STOP")
    assert "tidak akan menerima pengumuman" in chat.said
    assert "nama lengkap" in chat.said  # the registration asks its question again
    conversation = await storage.conversations.get("telegram", "1001")
    assert conversation is not None and conversation.step == "full_name"


async def test_opted_out_people_get_reminders_but_no_broadcasts(
    chat: Chat, storage: Storage, services: Services
) -> None:
    session = await add_session(storage)
    participant = await person(storage, 1001)
    await enroll(storage, participant, session)
    await chat.text("BERHENTI")
    _, count = await start_broadcast(
        services, author="cli", text="Info", audience=Audience("all"), now=NOW
    )
    assert count == 0
    slot = ReminderSlot(session.id, timedelta(days=1), session.starts_at - timedelta(days=1))
    async with storage.db.transaction():
        await fire_reminder(storage, slot, slot.due_at, services.zone)
    assert [address for address, _ in await outbox_rows(storage)] == ["1001"]
    actions = [entry.action for entry in await storage.audit.latest()]
    assert "broadcast.opt_out" in actions
