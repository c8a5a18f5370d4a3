"""The officers' /sesi desk: roles, details, QR, attendance, cancel, move, open/close, create."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from handlers.conversation.messages import Photo, Reply
from handlers.conversation.router import Router
from handlers.conversation.turn import Services
from storage import Storage
from storage.models import BimtekSession
from tests.support.chat import NOW, OTHER_NIK, Chat, add_session, register
from tests.support.clock import FrozenClock

OFFICER = "9001"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
async def desk(router: Router, services: Services, storage: Storage) -> Chat:
    """Return the chat of an officer."""
    await storage.officers.add("telegram", OFFICER, "officer", NOW)
    return Chat(router, services, OFFICER)


async def officer_id(storage: Storage) -> int:
    officer = await storage.officers.get("telegram", OFFICER)
    assert officer is not None
    return officer.id


async def fresh(storage: Storage, session: BimtekSession) -> BimtekSession:
    found = await storage.sessions.get(session.id)
    assert found is not None
    return found


async def outbox(storage: Storage) -> list[tuple[str, str, str]]:
    rows = await storage.db.fetch_all("SELECT key, address, body FROM outbox ORDER BY key")
    return [(row["key"], row["address"], row["body"]) for row in rows]


async def audit(storage: Storage) -> list[tuple[str, str, str | None]]:
    return [(e.actor, e.action, e.target) for e in reversed(await storage.audit.latest())]


async def people(router: Router, services: Services, storage: Storage) -> BimtekSession:
    """Return a session with one enrolled (chat 2001) and one waitlisted (chat 2002) person."""
    session = await add_session(storage)
    await register(Chat(router, services, "2001"))
    await register(Chat(router, services, "2002"), nik=OTHER_NIK)
    second = await storage.enrollments.get_for(2, session.id)
    assert second is not None
    await storage.enrollments.set_status(second.id, "waitlisted", NOW)
    members = await storage.enrollments.members(session.id, ("enrolled", "waitlisted"))
    assert [member.enrollment.status for member in members] == ["enrolled", "waitlisted"]
    return session


# Authorisation


async def test_sesi_refused_to_participant(chat: Chat, storage: Storage) -> None:
    await add_session(storage)
    await register(chat)
    replies = await chat.text("/sesi")
    assert [reply.text for reply in replies if isinstance(reply, Reply)] == [
        "Maaf, perintah ini hanya untuk petugas."
    ]
    assert len(replies) == 1
    assert (await audit(storage))[-1] == ("participant:1", "denied:sesi", None)


FORGED = [
    "sesi:list",
    "sesi:show:{sid}",
    "sesi:qr:{sid}",
    "sesi:hadir:{sid}:0",
    "sesi:mark:{sid}:{eid}",
    "sesi:cancel:{sid}",
    "sesi:cancelok:{sid}",
    "sesi:open:{sid}",
    "sesi:close:{sid}",
    "sesi:move:{sid}",
    "sesi:new",
    "sesi:bogus:1",
    "sesi",
]


@pytest.mark.parametrize("forged", FORGED)
async def test_forged_buttons_do_nothing_for_participants(
    chat: Chat, storage: Storage, clock: FrozenClock, forged: str
) -> None:
    session = await add_session(storage)
    await register(chat)
    before = await fresh(storage, session)
    clock.advance(timedelta(minutes=5))
    enrollment = await storage.enrollments.get_for(1, session.id)
    assert enrollment is not None
    replies = await chat.payload(forged.format(sid=session.id, eid=enrollment.id))
    assert len(replies) == 1
    assert chat.said == "Maaf, perintah ini hanya untuk petugas."
    actor, action, _ = (await audit(storage))[-1]
    assert actor == "participant:1"
    assert action.startswith("denied:sesi")
    assert await fresh(storage, session) == before
    assert await storage.enrollments.get_for(1, session.id) == enrollment
    assert await outbox(storage) == []
    assert await storage.conversations.get("telegram", chat.address) is None


async def test_refusal_mid_registration_keeps_the_flow(chat: Chat, storage: Storage) -> None:
    await add_session(storage)
    await chat.text("/daftar")
    await chat.payload("sesi:new")
    assert chat.said.startswith("Maaf, perintah ini hanya untuk petugas.\n")
    assert "persetujuan" in chat.said
    assert (await audit(storage))[-1][1] == "denied:sesi.new"
    conversation = await storage.conversations.get("telegram", chat.address)
    assert conversation is not None and conversation.flow == "registration"


async def test_officer_removed_mid_flow_is_stopped(desk: Chat, storage: Storage) -> None:
    session = await add_session(storage)
    await desk.payload(f"sesi:move:{session.id}")
    await storage.db.execute("DELETE FROM officer")
    await desk.text("2026-12-05 09:00")
    assert desk.said == "Maaf, perintah ini hanya untuk petugas."
    assert await storage.conversations.get("telegram", OFFICER) is None
    assert (await fresh(storage, session)).starts_at == session.starts_at
    assert (await audit(storage))[-1][1] == "denied:sesi.move"


# List and details


async def test_list_and_detail(desk: Chat, storage: Storage) -> None:
    session = await add_session(storage)
    await add_session(storage, "OLD-01", starts_in=timedelta(days=-40))
    await desk.text("/sesi")
    assert "Sesi bimtek" in desk.said
    assert desk.labels() == [
        "BTK-01 — Bimtek Batik Tulis — Senin, 30 November 2026 (0/30)",
        "➕ Sesi baru",
    ]
    await desk.press(desk.labels()[0])
    assert "BTK-01 — Bimtek Batik Tulis" in desk.said
    assert "Senin, 30 November 2026 pukul 10.00 WIB sampai 17.00 WIB" in desk.said
    assert "Terdaftar: 0/30 · daftar tunggu: 0 · hadir: 0" in desk.said
    assert f"Kode check-in: {session.checkin_code}" in desk.said
    assert "Pendaftaran: dibuka" in desk.said
    assert desk.labels() == [
        "QR check-in",
        "Daftar hadir",
        "Pindah jadwal",
        "Batalkan sesi",
        "Tutup pendaftaran",
        "« Daftar sesi",
    ]


async def test_empty_list_offers_new_session(desk: Chat) -> None:
    await desk.text("/sesi")
    assert "Belum ada sesi" in desk.said
    assert desk.labels() == ["➕ Sesi baru"]


async def test_unknown_session_id_is_gone(desk: Chat) -> None:
    await desk.payload("sesi:show:999")
    assert "tidak ditemukan" in desk.said
    await desk.payload("sesi:show:abc")
    assert "pesan lama" in desk.said
    await desk.payload("sesi:show:1:2")
    assert "pesan lama" in desk.said


# QR


async def test_qr_photo_with_configured_username(
    router: Router, services: Services, storage: Storage, desk: Chat
) -> None:
    policy = dataclasses.replace(services.policy, bot_username="wubikm_bot")
    officer = Chat(router, dataclasses.replace(services, policy=policy), OFFICER)
    session = await add_session(storage)
    await officer.payload(f"sesi:qr:{session.id}")
    [photo] = officer.last
    assert isinstance(photo, Photo)
    assert photo.content.startswith(PNG_SIGNATURE)
    link = f"https://t.me/wubikm_bot?start=hadir_{session.checkin_code}"
    assert link in photo.caption
    assert (await audit(storage))[-1] == (
        f"officer:{await officer_id(storage)}",
        "session.qr",
        "BTK-01",
    )


async def test_qr_uses_recorded_username_or_explains(desk: Chat, storage: Storage) -> None:
    session = await add_session(storage)
    await desk.payload(f"sesi:qr:{session.id}")
    assert "jalankan bot sekali atau isi TELEGRAM_BOT_USERNAME" in desk.said
    await storage.bot_settings.put("telegram_username", "wubikm_test_bot")
    await desk.payload(f"sesi:qr:{session.id}")
    [photo] = desk.last
    assert isinstance(photo, Photo)
    assert f"https://t.me/wubikm_test_bot?start=hadir_{session.checkin_code}" in photo.caption


# Attendance


async def test_attendance_list_and_marking_by_hand(
    router: Router, services: Services, storage: Storage, desk: Chat
) -> None:
    session = await add_session(storage)
    await register(Chat(router, services, "2001"))
    await register(Chat(router, services, "2002"), nik=OTHER_NIK)
    await desk.payload(f"sesi:show:{session.id}")
    await desk.press("Daftar hadir")
    assert "Hadir 0 dari 2 peserta" in desk.said
    assert "⬜ 1. Siti Aminah" in desk.said
    assert desk.labels()[:2] == ["Tandai hadir: Siti Aminah", "Tandai hadir: Siti Aminah"]
    await desk.press("Tandai hadir: Siti Aminah")
    assert "✅ Siti Aminah ditandai hadir." in desk.said
    assert "✅ 1. Siti Aminah" in desk.said
    assert "⬜ 2. Siti Aminah" in desk.said
    assert "Hadir 1 dari 2 peserta" in desk.said
    first = await storage.enrollments.get_for(1, session.id)
    assert first is not None and first.attended_at == NOW
    await desk.payload(f"sesi:mark:{session.id}:{first.id}")
    assert "sudah tercatat hadir" in desk.said
    actions = [action for _, action, _ in await audit(storage)]
    assert actions.count("attendance.mark") == 1
    assert "attendance.view" in actions


async def test_mark_payload_must_belong_to_the_session(desk: Chat, storage: Storage) -> None:
    session = await add_session(storage)
    other = await add_session(storage, "BTK-02", starts_in=timedelta(days=4))
    await register(Chat(desk.router, desk.services, "2001"))
    enrollment = await storage.enrollments.get_for(1, session.id)
    assert enrollment is not None
    await desk.payload(f"sesi:mark:{other.id}:{enrollment.id}")
    assert "tidak memegang tempat di sesi ini" in desk.said
    await desk.payload(f"sesi:mark:{session.id}:99999")
    assert "tidak memegang tempat di sesi ini" in desk.said
    assert (await storage.enrollments.get(enrollment.id)) == enrollment


async def test_attendance_pages(desk: Chat, storage: Storage) -> None:
    session = await add_session(storage)
    for number in range(20):
        participant = await storage.db.insert(
            "INSERT INTO participant (nik, full_name, language, created_at, updated_at)"
            " VALUES (?, ?, 'id', ?, ?)",
            (
                f"32160155059{number:05d}",
                f"Peserta {number:02d}",
                NOW.isoformat(),
                NOW.isoformat(),
            ),
        )
        await storage.enrollments.enroll(participant, session.id, "enrolled", NOW)
    await desk.payload(f"sesi:hadir:{session.id}:0")
    assert "Halaman 1 dari 2" in desk.said
    assert "Berikutnya ›" in desk.labels()
    await desk.press("Berikutnya ›")
    assert "Halaman 2 dari 2" in desk.said
    assert "⬜ 16. Peserta 15" in desk.said
    await desk.press("Tandai hadir: Peserta 19")
    assert "Halaman 2 dari 2" in desk.said
    assert "✅ 20. Peserta 19" in desk.said


# Cancel


async def test_cancel_tells_enrolled_and_waitlisted(
    router: Router, services: Services, storage: Storage, desk: Chat, clock: FrozenClock
) -> None:
    session = await people(router, services, storage)
    await desk.payload(f"sesi:show:{session.id}")
    clock.advance(timedelta(minutes=1))
    await desk.press("Batalkan sesi")
    assert "1 peserta terdaftar dan 1 di daftar tunggu akan diberi tahu" in desk.said
    assert (await fresh(storage, session)).cancelled_at is None
    await desk.press("Ya, batalkan sesi")
    assert "Sesi BTK-01 dibatalkan. Pemberitahuan dikirim ke 2 peserta." in desk.said
    assert "sesi dibatalkan" in desk.said
    assert desk.labels() == ["Daftar hadir", "« Daftar sesi"]
    cancelled = await fresh(storage, session)
    assert cancelled.cancelled_at == clock.moment
    rows = await outbox(storage)
    assert [(key.rsplit(":", 1)[0], address) for key, address, _ in rows] == [
        (f"session-cancelled:{session.id}:1", "2001"),
        (f"session-cancelled:{session.id}:2", "2002"),
    ]
    assert "DIBATALKAN" in rows[0][2]
    assert "Senin, 30 November 2026 pukul 10.00 WIB" in rows[0][2]
    updated = await storage.db.fetch_value(
        "SELECT updated_at FROM bimtek_session WHERE id = ?", (session.id,)
    )
    assert datetime.fromisoformat(updated) == clock.moment
    assert (await audit(storage))[-1] == (
        f"officer:{await officer_id(storage)}",
        "session.cancel",
        "BTK-01",
    )
    await desk.payload(f"sesi:cancelok:{session.id}")
    assert "sudah dibatalkan" in desk.said
    assert len(await outbox(storage)) == 2


# Open and close


async def test_close_and_open_registration(
    desk: Chat, storage: Storage, clock: FrozenClock
) -> None:
    session = await add_session(storage)
    await desk.payload(f"sesi:show:{session.id}")
    clock.advance(timedelta(minutes=1))
    await desk.press("Tutup pendaftaran")
    assert "Pendaftaran sesi BTK-01 ditutup." in desk.said
    assert "Buka pendaftaran" in desk.labels()
    assert not (await fresh(storage, session)).registration_open
    assert await storage.sessions.open_for_registration(clock.moment) == []
    await desk.press("Buka pendaftaran")
    assert (await fresh(storage, session)).registration_open
    actions = [action for _, action, _ in await audit(storage)]
    assert actions[-2:] == ["session.close", "session.open"]


# Move


async def test_move_flow_validates_then_moves_and_tells_enrolled(
    router: Router, services: Services, storage: Storage, desk: Chat, clock: FrozenClock
) -> None:
    session = await people(router, services, storage)
    await desk.payload(f"sesi:show:{session.id}")
    await desk.press("Pindah jadwal")
    assert "Tulis waktu MULAI yang baru" in desk.said
    await desk.text("besok pagi")
    assert "Format waktu tidak dikenali" in desk.said
    await desk.text("2026-11-01 09:00")
    assert "sudah lewat" in desk.said
    await desk.payload("sesi_move:confirm:yes")
    assert "pesan lama" in desk.said
    await desk.text("2026-12-03 09:00")
    assert "Tulis waktu SELESAI" in desk.said
    await desk.text("2026-12-03 08:00")
    assert "harus sesudah waktu mulai (Kamis, 3 Desember 2026 pukul 09.00 WIB)" in desk.said
    await desk.text("2026-12-03 15:30")
    assert "dari Senin, 30 November 2026 pukul 10.00 WIB" in desk.said
    assert "ke Kamis, 3 Desember 2026 pukul 09.00 WIB sampai 15.30 WIB" in desk.said
    assert "1 peserta terdaftar akan diberi tahu" in desk.said
    clock.advance(timedelta(minutes=2))
    await desk.press("Ya, pindahkan")
    assert "Jadwal sesi BTK-01 dipindah ke Kamis, 3 Desember 2026 pukul 09.00 WIB" in desk.said
    moved = await fresh(storage, session)
    new_start = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)
    assert (moved.starts_at, moved.ends_at) == (
        new_start,
        datetime(2026, 12, 3, 8, 30, tzinfo=UTC),
    )
    rows = await outbox(storage)
    assert [(key.rsplit(":", 1)[0], address) for key, address, _ in rows] == [
        (f"session-moved:{session.id}:{int(new_start.timestamp())}:1", "2001"),
    ]
    assert "Jadwal baru: Kamis, 3 Desember 2026 pukul 09.00 WIB sampai 15.30 WIB" in rows[0][2]
    assert "Jadwal lama: Senin, 30 November 2026 pukul 10.00 WIB" in rows[0][2]
    assert await storage.conversations.get("telegram", OFFICER) is None
    assert (await audit(storage))[-1][1:] == ("session.move", "BTK-01")


async def test_move_can_be_abandoned(desk: Chat, storage: Storage) -> None:
    session = await add_session(storage)
    await desk.payload(f"sesi:move:{session.id}")
    await desk.text("2026-12-03 09:00")
    await desk.text("2026-12-03 15:00")
    await desk.press("Tidak jadi")
    assert "jadwal tidak diubah" in desk.said
    assert await fresh(storage, session) == session
    assert await outbox(storage) == []


async def test_move_of_session_cancelled_meanwhile(desk: Chat, storage: Storage) -> None:
    session = await add_session(storage)
    await desk.payload(f"sesi:move:{session.id}")
    await desk.text("2026-12-03 09:00")
    await desk.text("2026-12-03 15:00")
    await storage.sessions.cancel(session.id, NOW)
    await desk.press("Ya, pindahkan")
    assert "sudah dibatalkan" in desk.said
    assert (await fresh(storage, session)).starts_at == session.starts_at
    assert await storage.conversations.get("telegram", OFFICER) is None


# Create


async def test_new_session_flow(desk: Chat, storage: Storage) -> None:
    await add_session(storage)
    await desk.text("/sesi")
    await desk.press("➕ Sesi baru")
    assert "Tulis KODE sesi" in desk.said
    await desk.text("BTK 05!")
    assert "Kode hanya boleh" in desk.said
    await desk.text("BTK-01")
    assert "Kode BTK-01 sudah dipakai" in desk.said
    await desk.text("BTK-05")
    assert "JUDUL" in desk.said
    await desk.text("   ")
    assert "1 sampai 200 huruf" in desk.said
    await desk.text("Bimtek  Roti dan Kue")
    await desk.kind("sticker")
    await desk.text("Balai Desa Sukamaju")
    assert "waktu MULAI" in desk.said
    await desk.text("2026-12-10 09:00")
    await desk.text("2026-12-10 09:00")
    assert "harus sesudah waktu mulai" in desk.said
    await desk.text("2026-12-10 15:00")
    await desk.text("0")
    assert "Kapasitas harus angka 1 sampai 10000" in desk.said
    await desk.text("25")
    await desk.text("peta di sebelah")
    assert "tidak valid" in desk.said
    await desk.text("-")
    assert "Kode: BTK-05" in desk.said
    assert "Judul: Bimtek Roti dan Kue" in desk.said
    assert "Mulai: Kamis, 10 Desember 2026 pukul 09.00 WIB" in desk.said
    assert "Kapasitas: 25" in desk.said
    assert "Peta: -" in desk.said
    await desk.press("Simpan")
    created = await storage.sessions.get_by_code("BTK-05")
    assert created is not None
    assert f"Sesi BTK-05 dibuat. Kode check-in: {created.checkin_code}" in desk.said
    assert created.title == "Bimtek Roti dan Kue"
    assert created.venue == "Balai Desa Sukamaju"
    assert created.starts_at == datetime(2026, 12, 10, 2, 0, tzinfo=UTC)
    assert created.capacity == 25
    assert created.maps_url is None
    assert (await audit(storage))[-1][1:] == ("session.add", "BTK-05")
    assert await storage.conversations.get("telegram", OFFICER) is None


async def test_new_session_code_taken_at_confirm(desk: Chat, storage: Storage) -> None:
    await desk.payload("sesi:new")
    for answer in (
        "BTK-09",
        "Judul",
        "Tempat",
        "2026-12-10 09:00",
        "2026-12-10 15:00",
        "10",
        "https://maps.google.com/?q=Bekasi",
    ):
        await desk.text(answer)
    assert "Peta: https://maps.google.com/?q=Bekasi" in desk.said
    await add_session(storage, "BTK-09")
    await desk.press("Simpan")
    assert "Kode BTK-09 sudah dipakai" in desk.said
    conversation = await storage.conversations.get("telegram", OFFICER)
    assert conversation is not None and conversation.step == "code"
    await desk.text("BTK-10")
    await desk.press("Simpan")
    created = await storage.sessions.get_by_code("BTK-10")
    assert created is not None and created.maps_url == "https://maps.google.com/?q=Bekasi"


async def test_officer_mid_flow_sesi_command_is_busy(desk: Chat) -> None:
    await desk.payload("sesi:new")
    await desk.text("/sesi")
    assert "Anda sedang mengisi pembuatan sesi baru" in desk.said
    await desk.text("/batal")
    assert "dibatalkan" in desk.said
