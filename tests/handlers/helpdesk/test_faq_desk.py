"""The FAQ desk in chat (/faq): list, add, change, remove; officers only; bad input refused."""

from __future__ import annotations

import pytest

from handlers.conversation.router import Router
from handlers.conversation.turn import Services
from storage import Storage
from tests.support.chat import NOW, Chat
from tests.support.officers import OFFICER, make_officer

SEEDED = 6


@pytest.fixture
async def desk(router: Router, services: Services, storage: Storage) -> Chat:
    """An officer at /faq."""
    await make_officer(storage, OFFICER)
    chat = Chat(router, services, OFFICER)
    await chat.text("/faq")
    return chat


async def entries(storage: Storage) -> list[tuple[str, str, str]]:
    return [(faq.question, faq.answer, faq.keywords) for faq in await storage.faqs.list_all()]


async def actions(storage: Storage) -> list[str]:
    return [entry.action for entry in await storage.audit.latest(5)]


async def test_the_seeded_entries_are_listed(desk: Chat) -> None:
    assert "Kapan jadwal bimtek?" in desk.said
    assert "➕ Tambah FAQ" in desk.labels()
    assert len([label for label in desk.labels() if label.startswith("🗑")]) == SEEDED


async def test_add_an_entry(desk: Chat, storage: Storage) -> None:
    await desk.press("➕ Tambah FAQ")
    await desk.text("Boleh bawa anak ke lokasi?")
    await desk.text("Boleh, asal didampingi dan tidak mengganggu peserta lain.")
    await desk.text("anak,  bawa anak ")
    assert "FAQ ditambahkan" in desk.said
    assert (
        "Boleh bawa anak ke lokasi?",
        "Boleh, asal didampingi dan tidak mengganggu peserta lain.",
        "anak, bawa anak",
    ) in await entries(storage)
    assert "faq.add" in await actions(storage)
    assert await storage.conversations.get("telegram", OFFICER) is None


async def test_add_without_keywords_by_button_or_typed_label(desk: Chat, storage: Storage) -> None:
    await desk.press("➕ Tambah FAQ")
    await desk.text("Apakah ada makan siang?")
    await desk.text("Ada, disediakan panitia.")
    await desk.text("tanpa kata kunci")
    assert ("Apakah ada makan siang?", "Ada, disediakan panitia.", "") in await entries(storage)


@pytest.mark.parametrize("typed", ["ab", "x" * 501, "Kapan jadwal bimtek?"])
async def test_a_bad_or_taken_question_is_asked_again(
    desk: Chat, storage: Storage, typed: str
) -> None:
    before = await entries(storage)
    await desk.press("➕ Tambah FAQ")
    await desk.text(typed)
    assert "Sudah ada entri" in desk.said or "3 sampai 500 karakter" in desk.said
    conversation = await storage.conversations.get("telegram", OFFICER)
    assert conversation is not None and conversation.step == "question"
    assert await entries(storage) == before


async def test_change_an_answer(desk: Chat, storage: Storage) -> None:
    await desk.press(desk.labels()[0])
    assert "Bagian mana yang diubah?" in desk.said
    await desk.press("jawaban")
    await desk.text("Lihat /jadwal.")
    assert "FAQ diubah" in desk.said
    first = (await storage.faqs.list_all())[0]
    assert first.answer == "Lihat /jadwal."
    assert "faq.edit" in await actions(storage)


async def test_remove_an_entry_after_confirming(desk: Chat, storage: Storage) -> None:
    await desk.press("🗑 #1")
    assert "Hapus entri ini?" in desk.said
    await desk.press("Ya, hapus")
    assert await storage.faqs.get(1) is None
    assert len(await entries(storage)) == SEEDED - 1
    assert "faq.remove" in await actions(storage)


@pytest.mark.parametrize("action", ["/faq", "faq:list", "faq:add", "faq:edit:1", "faq:rmok:1"])
async def test_participants_are_refused_and_audited(
    router: Router, services: Services, storage: Storage, action: str
) -> None:
    chat = Chat(router, services, "1")
    before = await entries(storage)
    if action.startswith("/"):
        await chat.text(action)
    else:
        await chat.payload(action)
    assert "hanya untuk petugas" in chat.said
    assert (await actions(storage))[0].startswith("denied:faq")
    assert await entries(storage) == before


async def test_a_forged_entry_id_changes_nothing(desk: Chat, storage: Storage) -> None:
    before = await entries(storage)
    for payload in ("faq:rmok:999999", "faq:edit:-1", "faq:rm:x", "faq:rmok:1:2"):
        await desk.payload(payload)
    assert await entries(storage) == before


async def test_the_audit_log_names_the_officer_by_display_name(
    desk: Chat, storage: Storage
) -> None:
    officer = await storage.officers.add(
        "telegram", OFFICER, "officer", NOW, display_name="Bu Rina"
    )
    await desk.press("🗑 #1")
    await desk.press("Ya, hapus")
    entry = (await storage.audit.latest(1))[0]
    assert (entry.actor, entry.actor_name, entry.action) == (
        f"officer:{officer.id}",
        "Bu Rina",
        "faq.remove",
    )
