"""The participant's side of equipment: handover request, answers, proof, /alat, BAST."""

from __future__ import annotations

import pytest

from handlers.conversation.messages import Document, Reply
from handlers.conversation.outbox import reply_of
from handlers.conversation.router import Router
from handlers.conversation.turn import Services
from storage import Storage
from tests.support.chat import NOW, OTHER_NIK, Chat
from tests.support.equipment import (
    PARTICIPANT,
    allocate,
    from_outbox,
    handed_over,
    officer_chat,
    outbox_to,
    participant_with_chat,
    photo,
)

ANSWERS = ["Sudah diterima", "Belum diterima", "Rusak / tidak sesuai"]


@pytest.fixture
async def person(router: Router, services: Services, storage: Storage) -> Chat:
    """Return the chat of a participant who was handed an oven and five cantings."""
    participant = await participant_with_chat(storage)
    await handed_over(storage, participant, ("Oven", 1), ("Canting batik", 5))
    return Chat(router, services, PARTICIPANT)


async def answers(storage: Storage) -> list[tuple[str, str | None, int | None]]:
    rows = await storage.allocations.for_participant(1)
    return [(a.item_name, a.confirmation, a.open_case_id) for a in rows]


async def test_handover_request_lists_items_and_asks_about_the_first(
    person: Chat, storage: Storage
) -> None:
    [message] = await outbox_to(storage, PARTICIPANT)
    assert message.key == "handover:1:1:c1"
    reply = reply_of(message.body)
    assert "Oven — 1 unit" in reply.text and "Canting batik — 5 buah" in reply.text
    assert [b.label for row in reply.buttons for b in row] == ANSWERS


async def test_each_answer_asks_the_next_item_then_thanks(person: Chat, storage: Storage) -> None:
    await from_outbox(person)
    await person.press("Sudah diterima")
    assert "Tercatat: Oven — 1 unit — Sudah diterima." in person.said
    assert "Canting batik — 5 buah" in person.said
    assert person.labels()[-3:] == ANSWERS
    await person.press("Sudah diterima")
    assert "Terima kasih! Yang kami catat:" in person.said
    assert "• Oven — 1 unit: ✅ sudah diterima" in person.said
    assert await answers(storage) == [
        ("Oven", "received", None),
        ("Canting batik", "received", None),
    ]
    assert await storage.equipment_cases.count_open() == 0


async def test_damaged_opens_a_case_takes_photo_and_note_then_thanks(
    person: Chat, router: Router, services: Services, storage: Storage
) -> None:
    await officer_chat(router, services)
    await from_outbox(person)
    await person.press("Rusak / tidak sesuai")
    assert "kasus #1" in person.said
    assert "Kirim foto Oven" in person.said
    [alert] = [m for m in await outbox_to(storage, "9001") if m.key == "case:1:officer:1"]
    assert "Masalah bantuan alat — kasus #1" in alert.body.text
    assert "Siti Aminah" in alert.body.text and "************0002" in alert.body.text
    await photo(person, "AgACAgProof1")
    assert "diteruskan ke petugas (kasus #1)" in person.said
    photo_alert = (await outbox_to(storage, "9001"))[-1]
    assert photo_alert.body.photo_file_id == "AgACAgProof1"
    assert "Foto baru untuk kasus #1" in photo_alert.body.text
    await person.text("  Pintu oven   penyok  ")
    assert "Catatan untuk Oven sudah disimpan" in person.said
    assert "Catatan peserta: Pintu oven penyok" in (await outbox_to(storage, "9001"))[-1].body.text
    await person.press("Lanjut ›")
    assert "Canting batik — 5 buah" in person.said
    await person.press("Belum diterima")
    await person.press("Lanjut ›")
    assert "Terima kasih! Yang kami catat:" in person.said
    assert await answers(storage) == [
        ("Oven", "damaged", 1),
        ("Canting batik", "not_received", 2),
    ]
    oven = await storage.allocations.get(1)
    assert oven is not None and oven.photo_file_id == "AgACAgProof1"
    assert oven.note == "Pintu oven penyok"
    case = await storage.equipment_cases.get(1)
    assert case is not None and (case.photo_file_id, case.note) == ("AgACAgProof1", oven.note)
    assert await storage.conversations.get("telegram", PARTICIPANT) is None


async def test_alat_shows_each_state_and_lets_a_wrong_answer_change(
    person: Chat, storage: Storage
) -> None:
    participant = await storage.participants.get(1)
    assert participant is not None
    await allocate(storage, participant, ("Tangga", 1))
    await from_outbox(person)
    await person.press("Belum diterima")
    await person.text("/batal")
    await person.text("/alat")
    said = person.said
    assert "1. Oven — 1 unit\n   ❌ belum diterima" in said
    assert "sedang ditangani petugas (kasus #1)" in said
    assert "2. Canting batik — 5 buah\n   ⏳ menunggu konfirmasi Anda" in said
    assert "3. Tangga — 1 buah\n   📦 akan diserahkan petugas" in said
    assert person.labels() == [
        "Ubah jawaban: Oven",
        "Konfirmasi: Canting batik",
        "📄 Unduh BAST",
    ]
    await person.press("Ubah jawaban: Oven")
    assert "Jawaban Anda sekarang: ❌ belum diterima" in person.said
    await person.press("Sudah diterima")
    assert await answers(storage) == [
        ("Oven", "received", None),
        ("Canting batik", None, None),
        ("Tangga", None, None),
    ]
    case = await storage.equipment_cases.get(1)
    assert case is not None and case.resolved_by == "participant:1" and case.resolution is None
    assert "Canting batik" in person.said  # the next unanswered item is asked at once


async def test_alat_menu_button_and_nothing_allocated(
    router: Router, services: Services, storage: Storage
) -> None:
    await participant_with_chat(storage)
    chat = Chat(router, services, PARTICIPANT)
    await chat.text("🧰 Alat saya")
    assert "Belum ada bantuan alat" in chat.said
    stranger = Chat(router, services, "3003")
    await stranger.text("/alat")
    assert "belum terdaftar" in stranger.said.lower()


async def test_photo_sent_later_follows_the_open_case(
    person: Chat, router: Router, services: Services, storage: Storage
) -> None:
    await officer_chat(router, services)
    await from_outbox(person)
    await person.press("Rusak / tidak sesuai")
    await person.press("Lanjut ›")
    await person.text("/batal")
    await photo(person, "AgACAgLater")
    assert "diteruskan ke petugas (kasus #1)" in person.said
    case = await storage.equipment_cases.get(1)
    assert case is not None and case.photo_file_id == "AgACAgLater"
    assert (await outbox_to(storage, "9001"))[-1].body.photo_file_id == "AgACAgLater"


async def test_photo_without_a_case(router: Router, services: Services, storage: Storage) -> None:
    one = await participant_with_chat(storage)
    await handed_over(storage, one, ("Oven", 1))
    single = Chat(router, services, PARTICIPANT)
    await photo(single, "AgACAgOnly")
    assert "Foto Oven sudah disimpan" in single.said
    two = await participant_with_chat(storage, "2002", nik=OTHER_NIK)
    await handed_over(storage, two, ("Oven", 1), ("Mixer", 1))
    several = Chat(router, services, "2002")
    await photo(several, "AgACAgWhich")
    assert "buka /alat, pilih alatnya" in several.said
    nobody = Chat(router, services, "3003")
    await photo(nobody, "AgACAgStranger")
    # Nobody's photo is a question for the officers (a ticket), never "not understood".
    assert "tiket #1" in nobody.said


@pytest.mark.parametrize(
    "payload",
    [
        "alat:ans:3:r",  # another participant's allocation
        "alat:ans:1:x",
        "alat:ans:99:r",
        "alat:ans:1",
        "alat:ans:abc:r",
        "alat:item:²",
        "alat:nothing",
        "alat",
    ],
)
async def test_forged_or_old_buttons_change_nothing(
    person: Chat, storage: Storage, payload: str
) -> None:
    other = await participant_with_chat(storage, "2002", nik=OTHER_NIK)
    await handed_over(storage, other, ("Oven", 1))
    await person.payload(payload)
    assert "sudah tidak berlaku" in person.said
    assert await answers(storage) == [("Oven", None, None), ("Canting batik", None, None)]


async def test_item_not_handed_over_cannot_be_answered(
    router: Router, services: Services, storage: Storage
) -> None:
    participant = await participant_with_chat(storage)
    await allocate(storage, participant, ("Oven", 1))
    chat = Chat(router, services, PARTICIPANT)
    await chat.payload("alat:ans:1:r")
    assert "belum diserahkan petugas" in chat.said
    allocation = await storage.allocations.get(1)
    assert allocation is not None and allocation.confirmation is None


async def test_answer_during_another_flow_keeps_that_flow(person: Chat, storage: Storage) -> None:
    await person.text("/profil")
    await person.press("Ubah nama")
    await person.payload("alat:ans:1:d")
    assert "kasus #1" in person.said
    assert "nanti lewat /alat" in person.said
    conversation = await storage.conversations.get("telegram", PARTICIPANT)
    assert conversation is not None and conversation.flow == "profile"


async def test_proof_step_refuses_a_long_note_and_other_input(
    person: Chat, storage: Storage
) -> None:
    await person.payload("alat:ans:1:n")
    await person.text("x" * 501)
    assert "Catatan harus 1 sampai 500 huruf" in person.said
    await person.kind("location")
    assert "kirim foto atau tulis catatan" in person.said
    await person.text("/jadwal")
    assert "Selesaikan dulu" in person.said
    allocation = await storage.allocations.get(1)
    assert allocation is not None and allocation.note is None


async def test_proof_step_survives_a_restart(
    person: Chat, services: Services, storage: Storage
) -> None:
    from bot.features import build_router

    await person.payload("alat:ans:1:d")
    restarted = Chat(build_router(), services, PARTICIPANT)
    await restarted.text("kaca pecah")
    assert "Catatan untuk Oven sudah disimpan" in restarted.said


async def test_bast_download_from_alat(person: Chat) -> None:
    await person.text("/alat")
    await person.press("📄 Unduh BAST")
    [document] = person.last
    assert isinstance(document, Document)
    assert document.filename == "BAST-00001.pdf"
    assert document.content.startswith(b"%PDF")


async def test_bast_before_any_handover(
    router: Router, services: Services, storage: Storage
) -> None:
    participant = await participant_with_chat(storage)
    await allocate(storage, participant, ("Oven", 1))
    chat = Chat(router, services, PARTICIPANT)
    await chat.payload("alat:bast")
    assert "BAST belum tersedia" in chat.said


async def test_answers_in_english(person: Chat, storage: Storage) -> None:
    await storage.contacts.set_language("telegram", PARTICIPANT, "en")
    await person.text("/alat")
    await person.press("Confirm: Oven")
    assert person.labels()[:3] == ["Received", "Not received", "Damaged / not as described"]
    await person.press("Received")
    assert "Recorded: Oven — 1 unit — Received." in person.said
    assert all(isinstance(reply, Reply) for reply in person.last)
    oven = await storage.allocations.get(1)
    assert oven is not None and oven.confirmed_at == NOW
