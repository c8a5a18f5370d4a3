"""/jadwal: the person's sessions in the configured zone, with venue, map link and status."""

from __future__ import annotations

from datetime import timedelta

from storage import Storage
from storage.db import db_time
from storage.models import BimtekSession
from tests.support.chat import GOOD_NIK, NOW, Chat, add_session, register
from tests.support.registration import says

MAPS = "https://maps.google.com/?q=Aula+Disperindag"


async def add_mapped_session(
    storage: Storage, code: str, starts_in: timedelta, title: str
) -> BimtekSession:
    async with storage.db.transaction():
        return await storage.sessions.add(
            code=code,
            title=title,
            venue="Aula Disperindag, Cikarang Pusat",
            starts_at=NOW + starts_in,
            ends_at=NOW + starts_in + timedelta(hours=7),
            capacity=30,
            now=NOW,
            maps_url=MAPS,
        )


async def participant_id(storage: Storage) -> int:
    participant = await storage.participants.get_by_nik(GOOD_NIK)
    assert participant is not None
    return participant.id


async def test_schedule_shows_time_in_wib_with_venue_and_map_link(
    chat: Chat, storage: Storage
) -> None:
    # NOW is 03:00 UTC; three days later at 03:00 UTC is Monday 10.00 in Jakarta.
    await add_mapped_session(storage, "BTK-01", timedelta(days=3), "Bimtek Batik Tulis")
    await register(chat)
    await chat.text("/jadwal")
    assert says(chat, "schedule.header")
    assert "Bimtek Batik Tulis" in chat.said
    assert "Senin, 30 November 2026 pukul 10.00 WIB" in chat.said
    assert "Aula Disperindag, Cikarang Pusat" in chat.said
    assert MAPS in chat.said
    assert "Status: terdaftar" in chat.said


async def test_schedule_crosses_midnight_in_the_configured_zone(
    chat: Chat, storage: Storage
) -> None:
    # 20:00 UTC on Monday is 03.00 on Tuesday in Jakarta.
    await add_session(storage, starts_in=timedelta(days=3, hours=17))
    await register(chat)
    await chat.text("/jadwal")
    assert "Selasa, 1 Desember 2026 pukul 03.00 WIB" in chat.said


async def test_schedule_without_map_link_has_no_map_line(chat: Chat, storage: Storage) -> None:
    await add_session(storage)
    await register(chat)
    await chat.text("📅 Jadwal saya")
    assert "pukul 10.00 WIB" in chat.said
    assert "🗺" not in chat.said


async def test_schedule_lists_soonest_first_with_each_status(chat: Chat, storage: Storage) -> None:
    first = await add_mapped_session(storage, "B", timedelta(days=3), "Bimtek Batik Tulis")
    later = await add_session(
        storage, "R", starts_in=timedelta(days=10), title="Bimtek Roti dan Kue"
    )
    cancelled = await add_session(
        storage, "K", starts_in=timedelta(days=6), title="Bimtek Kemasan"
    )
    await register(chat)
    person = await participant_id(storage)
    await storage.enrollments.enroll(person, later.id, "waitlisted", NOW)
    await storage.enrollments.enroll(person, cancelled.id, "enrolled", NOW)
    await storage.db.execute(
        "UPDATE bimtek_session SET cancelled_at = ? WHERE id = ?", (db_time(NOW), cancelled.id)
    )
    await chat.text("/jadwal")
    said = chat.said
    positions = [said.index(title) for title in ("Batik Tulis", "Kemasan", "Roti dan Kue")]
    assert positions == sorted(positions)
    assert "Status: terdaftar" in said
    assert "Status: daftar tunggu" in said
    assert "Status: sesi dibatalkan" in said
    assert first.title in said


async def test_schedule_in_english(chat: Chat, storage: Storage) -> None:
    await add_session(storage)
    await register(chat)
    await chat.text("/bahasa")
    await chat.press("English")
    await chat.text("/jadwal")
    assert says(chat, "schedule.header", "en")
    assert "Monday, 30 November 2026 at 10:00 WIB" in chat.said
    assert "Status: enrolled" in chat.said


async def test_schedule_of_a_person_without_sessions(chat: Chat, storage: Storage) -> None:
    await register_without_session(chat)
    await chat.text("/jadwal")
    assert says(chat, "schedule.none")


async def test_schedule_of_a_stranger(chat: Chat) -> None:
    await chat.text("/jadwal")
    assert says(chat, "profile.not_registered")


async def register_without_session(chat: Chat) -> None:
    await chat.text("/daftar")
    await chat.press("Setuju")
    await chat.text("Siti Aminah")
    await chat.text(GOOD_NIK)
    await chat.contact("081234567890")
    await chat.text("Batik Siti")
    await chat.press("Batik & Tekstil")
    await chat.text("Setu")
    await chat.press("Daftar tanpa sesi")
    await chat.press("Benar")
    assert says(chat, "reg.done")
