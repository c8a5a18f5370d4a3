"""The .ics calendar of a participant's sessions, offered from /jadwal."""

from __future__ import annotations

from datetime import UTC, timedelta

from icalendar import Calendar

from handlers.conversation.messages import Document
from handlers.sessions.calendar import FILENAME, sessions_ics
from storage import Storage
from storage.models import BimtekSession, Enrollment
from tests.support.chat import NOW, Chat, add_session, register


def document(chat: Chat) -> Document:
    found = [reply for reply in chat.last if isinstance(reply, Document)]
    assert len(found) == 1, chat.last
    return found[0]


def events(content: bytes) -> list[Calendar]:
    return list(Calendar.from_ical(content).walk("VEVENT"))


async def with_maps(storage: Storage, session: BimtekSession) -> BimtekSession:
    await storage.db.execute(
        "UPDATE bimtek_session SET maps_url = ? WHERE id = ?",
        ("https://maps.google.com/?q=Cikarang", session.id),
    )
    found = await storage.sessions.get(session.id)
    assert found is not None
    return found


async def my_enrollment(storage: Storage, session: BimtekSession) -> Enrollment:
    found = await storage.enrollments.get_for(1, session.id)
    assert found is not None
    return found


async def test_jadwal_button_sends_ics_that_parses(chat: Chat, storage: Storage) -> None:
    session = await with_maps(storage, await add_session(storage))
    await register(chat)
    await chat.text("/jadwal")
    assert "Jadwal bimtek Anda" in chat.said
    await chat.press("📅 Simpan ke kalender")
    sent = document(chat)
    assert sent.filename == FILENAME == "jadwal-bimtek.ics"
    assert "kalender" in sent.caption
    [event] = events(sent.content)
    assert str(event["UID"]) == f"session-{session.id}@wub-ikm"
    assert event.decoded("DTSTART") == session.starts_at
    assert event.decoded("DTSTART").tzinfo is not None
    assert event.decoded("DTSTART").utcoffset() == timedelta(0)
    assert event.decoded("DTEND") == session.ends_at
    assert str(event["SUMMARY"]) == "Bimtek Batik Tulis"
    assert str(event["LOCATION"]) == "Aula Disperindag"
    assert str(event["URL"]) == "https://maps.google.com/?q=Cikarang"
    assert "Status: terdaftar" in str(event["DESCRIPTION"])
    assert str(event["STATUS"]) == "CONFIRMED"
    assert b"DTSTART:20261130T030000Z" in sent.content


async def test_calendar_has_enrolled_and_waitlisted_not_cancelled(
    chat: Chat, storage: Storage
) -> None:
    first = await add_session(storage)
    await register(chat)
    waiting = await add_session(storage, "BTK-02", starts_in=timedelta(days=5), title="Roti")
    gone = await add_session(storage, "BTK-03", starts_in=timedelta(days=6), title="Kemasan")
    left = await add_session(storage, "BTK-04", starts_in=timedelta(days=7), title="Mixer")
    for session, status in ((waiting, "waitlisted"), (gone, "enrolled"), (left, "cancelled")):
        await storage.enrollments.enroll(1, session.id, status, NOW)  # type: ignore[arg-type]
    await storage.sessions.cancel(gone.id, NOW)
    await chat.payload("ics:all")
    found = {str(event["UID"]): event for event in events(document(chat).content)}
    assert set(found) == {f"session-{first.id}@wub-ikm", f"session-{waiting.id}@wub-ikm"}
    assert str(found[f"session-{waiting.id}@wub-ikm"]["STATUS"]) == "TENTATIVE"
    assert "daftar tunggu" in str(found[f"session-{waiting.id}@wub-ikm"]["DESCRIPTION"])


async def test_no_button_when_nothing_to_save(chat: Chat, storage: Storage) -> None:
    session = await add_session(storage)
    await register(chat)
    await storage.sessions.cancel(session.id, NOW)
    await chat.text("/jadwal")
    assert "sesi dibatalkan" in chat.said
    assert chat.labels() == []
    await chat.payload("ics:all")
    assert "Tidak ada sesi aktif" in chat.said


async def test_calendar_button_works_mid_flow(chat: Chat, storage: Storage) -> None:
    await add_session(storage)
    await register(chat)
    await chat.text("/profil")
    await chat.press("Ubah nama")
    before = await storage.conversations.get("telegram", chat.address)
    await chat.payload("ics:all")
    assert document(chat).filename == FILENAME
    assert await storage.conversations.get("telegram", chat.address) == before


async def test_unregistered_person_gets_no_file(chat: Chat, storage: Storage) -> None:
    await add_session(storage)
    await chat.payload("ics:all")
    assert "Anda belum terdaftar" in chat.said
    assert not [reply for reply in chat.last if isinstance(reply, Document)]


async def test_jadwal_shows_rsvp_and_checkin(chat: Chat, storage: Storage) -> None:
    session = await add_session(storage)
    await register(chat)
    enrollment = await my_enrollment(storage, session)
    await storage.enrollments.set_rsvp(enrollment.id, "yes", NOW)
    await chat.text("/jadwal")
    assert "Status: terdaftar · Anda menyatakan akan hadir" in chat.said
    await storage.enrollments.mark_attended(enrollment.id, NOW)
    await chat.text("/jadwal")
    assert "Status: terdaftar · sudah check-in ✅" in chat.said


async def test_english_calendar(chat: Chat, storage: Storage) -> None:
    await add_session(storage)
    await register(chat)
    await chat.text("/bahasa")
    await chat.press("English")
    await chat.text("/jadwal")
    await chat.press("📅 Save to calendar")
    [event] = events(document(chat).content)
    assert "Status: enrolled" in str(event["DESCRIPTION"])


async def test_sessions_ics_is_valid_for_no_sessions() -> None:
    parsed = Calendar.from_ical(sessions_ics([], NOW.astimezone(UTC), "id"))
    assert str(parsed["VERSION"]) == "2.0"
    assert list(parsed.walk("VEVENT")) == []
