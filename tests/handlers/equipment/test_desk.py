"""The officers' equipment desk in chat: roles, allocate, hand over, cases, BAST."""

from __future__ import annotations

import pytest

from handlers.conversation.messages import Document, Reply
from handlers.conversation.router import Router
from handlers.conversation.turn import Services
from storage import Storage
from tests.support.chat import GOOD_NIK, OTHER_NIK, Chat
from tests.support.equipment import (
    OFFICER,
    PARTICIPANT,
    allocate,
    from_outbox,
    handed_over,
    officer_chat,
    outbox_to,
    participant_with_chat,
    photo,
)


@pytest.fixture
async def desk(router: Router, services: Services, storage: Storage) -> Chat:
    """Return an officer's chat, with one registered participant (no allocations yet)."""
    await participant_with_chat(storage)
    return await officer_chat(router, services)


async def report_damage(router: Router, services: Services, storage: Storage) -> Chat:
    """Hand an oven over; the participant answers "damaged" and sends a photo."""
    participant = await storage.participants.get_by_nik(GOOD_NIK)
    assert participant is not None
    await handed_over(storage, participant, ("Oven", 1))
    person = Chat(router, services, PARTICIPANT)
    await from_outbox(person)
    await person.press("Rusak / tidak sesuai")
    await photo(person, "AgACAgDamage")
    await person.press("Lanjut ›")
    return person


@pytest.mark.parametrize(
    ("typed", "action"), [("/kelolaalat", "equipment"), ("/kasus", "equipment.cases")]
)
async def test_participants_are_refused_and_audited(
    router: Router, services: Services, storage: Storage, typed: str, action: str
) -> None:
    await participant_with_chat(storage)
    chat = Chat(router, services, PARTICIPANT)
    await chat.text(typed)
    assert chat.said == "Maaf, perintah ini hanya untuk petugas."
    await chat.payload("alatp:case:1")
    assert chat.said == "Maaf, perintah ini hanya untuk petugas."
    actions = [entry.action for entry in await storage.audit.latest()]
    assert actions[:2] == ["denied:equipment.case", f"denied:{action}"]


async def test_allocate_then_hand_over_in_chat(desk: Chat, storage: Storage) -> None:
    await desk.text("/kelolaalat")
    assert desk.labels() == [
        "➕ Catat alokasi",
        "🤝 Serah terima",
        "⚠️ Kasus terbuka (0)",
        "📄 BAST peserta",
    ]
    await desk.press("➕ Catat alokasi")
    await desk.text("1234")
    assert "NIK itu tidak valid" in desk.said
    await desk.text("3216013102900002")  # 31 February
    assert "NIK itu tidak valid" in desk.said and "tanggal lahir" in desk.said
    await desk.text("9916011508900002")  # no province 99
    assert "NIK itu tidak valid" in desk.said and "kode provinsi" in desk.said
    await desk.text(OTHER_NIK)
    assert "Tidak ada peserta terdaftar" in desk.said
    await desk.text(GOOD_NIK)
    assert "Siti Aminah (NIK ************0002), Batik Siti" in desk.said
    assert desk.labels()[:5] == ["Canting batik", "Kompor batik", "Oven", "Mixer", "Tangga"]
    await desk.text("oven")  # typed, it counts as pressing the button
    assert "Berapa jumlah Oven" in desk.said
    await desk.text("nol")
    assert "Jumlah harus angka 1 sampai 1000" in desk.said
    await desk.text("2")
    assert "Alokasi tercatat: Oven, 2 unit." in desk.said
    assert "• Oven — 2 unit — belum diserahkan" in desk.said
    await desk.press("➕ Alat lain")
    await desk.press("Canting batik")
    await desk.text("10")
    await desk.press("🤝 Tandai sudah diserahkan")
    assert "• Oven — 2 unit\n• Canting batik — 10 buah" in desk.said
    await desk.press("Ya, sudah diserahkan")
    assert "Serah terima 2 jenis alat kepada Siti Aminah tercatat" in desk.said
    allocations = await storage.allocations.for_participant(1)
    assert {a.handed_over_by for a in allocations} == {"Petugas #1"}
    [request] = await outbox_to(storage, PARTICIPANT)
    assert "Oven — 2 unit" in request.body.text
    await desk.press("📄 BAST peserta")
    [document] = desk.last
    assert isinstance(document, Document) and document.content.startswith(b"%PDF")
    actions = [entry.action for entry in reversed(await storage.audit.latest())]
    assert actions[-3:] == ["allocation.new", "allocation.new", "allocation.handover"]


async def test_handover_with_nothing_waiting(desk: Chat) -> None:
    await desk.text("/kelolaalat")
    await desk.press("🤝 Serah terima")
    await desk.text(GOOD_NIK)
    assert "Tidak ada alat Siti Aminah yang menunggu serah terima" in desk.said


async def test_handover_can_be_called_off(desk: Chat, storage: Storage) -> None:
    participant = await storage.participants.get(1)
    assert participant is not None
    await allocate(storage, participant, ("Mixer", 1))
    await desk.text("/kelolaalat")
    await desk.press("🤝 Serah terima")
    await desk.text(GOOD_NIK)
    await desk.press("Tidak jadi")
    assert "serah terima tidak dicatat" in desk.said
    mixer = await storage.allocations.get(1)
    assert mixer is not None and mixer.handed_over_at is None


async def test_quantity_of_a_handed_over_item_cannot_change(desk: Chat, storage: Storage) -> None:
    participant = await storage.participants.get(1)
    assert participant is not None
    await handed_over(storage, participant, ("Oven", 1))
    await desk.text("/kelolaalat")
    await desk.press("➕ Catat alokasi")
    await desk.text(GOOD_NIK)
    await desk.press("Oven")
    await desk.text("3")
    assert "jumlahnya tidak bisa diubah lagi" in desk.said
    oven = await storage.allocations.get(1)
    assert oven is not None and oven.quantity == 1


async def test_a_new_flow_waits_for_the_current_one(desk: Chat) -> None:
    await desk.text("/kelolaalat")
    await desk.press("➕ Catat alokasi")
    await desk.payload("alatp:handover")
    assert "Anda sedang mengisi pencatatan alokasi alat" in desk.said
    assert "Tulis NIK peserta" in desk.said


async def test_officers_see_the_case_and_resolve_it(
    desk: Chat, router: Router, services: Services, storage: Storage
) -> None:
    person = await report_damage(router, services, storage)
    await desk.text("/kasus")
    assert "Kasus terbuka: 1" in desk.said
    await desk.press("#1 Oven — Siti Aminah: Rusak / tidak sesuai")
    [detail] = desk.last
    assert isinstance(detail, Reply) and detail.photo_file_id == "AgACAgDamage"
    assert "Jawaban peserta: Rusak / tidak sesuai" in detail.text
    assert "Diserahkan: Jumat, 27 November 2026 pukul 10.00 WIB oleh Budi" in detail.text
    await desk.press("✅ Selesaikan kasus #1")
    await desk.text("")
    assert "Catatan harus 1 sampai 500 huruf" in desk.said
    await desk.text("Oven pengganti diantar Senin")
    assert "Kasus #1 selesai" in desk.said
    case = await storage.equipment_cases.get(1)
    assert case is not None and case.resolution == "Oven pengganti diantar Senin"
    assert case.resolved_by == "officer:1"
    notice = await from_outbox(person)
    assert "sudah ditangani petugas" in notice.text
    assert "Catatan petugas: Oven pengganti diantar Senin" in notice.text
    await person.press("Ubah jawaban: Oven")
    await person.press("Sudah diterima")
    oven = await storage.allocations.get(1)
    assert oven is not None and oven.confirmation == "received"
    await desk.text("/kasus")
    assert "Tidak ada kasus alat yang terbuka" in desk.said
    await desk.payload("alatp:resolve:1")
    assert "sudah diselesaikan sebelumnya" in desk.said


async def test_case_alert_reaches_every_officer_once(
    desk: Chat, router: Router, services: Services, storage: Storage
) -> None:
    await officer_chat(router, services, "9002")
    await report_damage(router, services, storage)
    for address in (OFFICER, "9002"):
        keys = [m.key for m in await outbox_to(storage, address)]
        assert keys[0].startswith("case:1:officer:")
        assert len(keys) == 2  # the report, then the photo
        assert keys[1].startswith("case:1:photo:")


async def test_bast_by_nik(desk: Chat, storage: Storage) -> None:
    await desk.text("/kelolaalat")
    await desk.press("📄 BAST peserta")
    await desk.text(GOOD_NIK)
    assert "BAST belum bisa dibuat" in desk.said
    participant = await storage.participants.get(1)
    assert participant is not None
    await handed_over(storage, participant, ("Tangga", 2))
    await desk.text("/kelolaalat")
    await desk.press("📄 BAST peserta")
    await desk.text(GOOD_NIK)
    [document] = desk.last
    assert isinstance(document, Document) and document.filename == "BAST-00001.pdf"


@pytest.mark.parametrize("payload", ["alatp:case", "alatp:case:x", "alatp:menu:3", "alatp:nope"])
async def test_malformed_desk_buttons(desk: Chat, payload: str) -> None:
    await desk.payload(payload)
    assert "sudah tidak berlaku" in desk.said


async def test_unknown_case(desk: Chat) -> None:
    await desk.payload("alatp:case:42")
    assert "Kasus itu tidak ditemukan" in desk.said
    await desk.payload("alatp:resolve:42")
    assert "Kasus itu tidak ditemukan" in desk.said
