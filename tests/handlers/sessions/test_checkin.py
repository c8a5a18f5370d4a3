"""Check-in through the deep link: once, inside the window, only for the enrolled."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest

from handlers.conversation.router import Router
from handlers.conversation.turn import Services
from handlers.sessions.checkin import CheckinWindow, checkin_code_of, refusal
from storage import Storage
from storage.models import BimtekSession
from tests.support.chat import OTHER_NIK, Chat, add_session, register
from tests.support.clock import FrozenClock


async def attended_at(storage: Storage, session: BimtekSession) -> list[object]:
    rows = await storage.db.fetch_all(
        "SELECT attended_at FROM enrollment WHERE session_id = ?", (session.id,)
    )
    return [row["attended_at"] for row in rows]


async def actions(storage: Storage) -> list[str]:
    return [entry.action for entry in await storage.audit.latest()]


async def registered_in(chat: Chat, storage: Storage) -> BimtekSession:
    session = await add_session(storage)
    await register(chat)
    return session


async def test_deep_link_marks_attendance(
    chat: Chat, storage: Storage, clock: FrozenClock
) -> None:
    session = await registered_in(chat, storage)
    clock.moment = session.starts_at - timedelta(minutes=30)
    await chat.text(f"/start hadir_{session.checkin_code}")
    assert "Kehadiran Anda tercatat" in chat.said
    assert "Bimtek Batik Tulis" in chat.said
    assert "Senin, 30 November 2026 pukul 10.00 WIB" in chat.said
    assert "Aula Disperindag" in chat.said
    assert await attended_at(storage, session) == [clock.moment.isoformat(timespec="microseconds")]
    assert (await actions(storage))[0] == "attendance.checkin"


async def test_checkin_counts_once(chat: Chat, storage: Storage, clock: FrozenClock) -> None:
    session = await registered_in(chat, storage)
    clock.moment = session.starts_at
    await chat.text(f"/start hadir_{session.checkin_code}")
    first = await attended_at(storage, session)
    clock.advance(timedelta(minutes=10))
    await chat.text(f"/start hadir_{session.checkin_code}")
    assert "sudah tercatat sejak Senin, 30 November 2026 pukul 10.00 WIB" in chat.said
    assert await attended_at(storage, session) == first
    assert (await actions(storage)).count("attendance.checkin") == 1


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        ("opens", "Kehadiran Anda tercatat"),
        (
            "second_before_open",
            "belum dibuka. Check-in dibuka Senin, 30 November 2026 pukul 08.00",
        ),
        ("ends", "Kehadiran Anda tercatat"),
        ("second_after_end", "sudah selesai (Senin, 30 November 2026 pukul 17.00 WIB)"),
    ],
)
async def test_checkin_window_edges(
    chat: Chat, storage: Storage, clock: FrozenClock, moment: str, expected: str
) -> None:
    session = await registered_in(chat, storage)
    opens = session.starts_at - timedelta(hours=2)
    clock.moment = {
        "opens": opens,
        "second_before_open": opens - timedelta(seconds=1),
        "ends": session.ends_at,
        "second_after_end": session.ends_at + timedelta(seconds=1),
    }[moment]
    await chat.text(f"/start hadir_{session.checkin_code}")
    assert expected in chat.said
    marked = await attended_at(storage, session) != [None]
    assert marked == ("tercatat" in expected)


async def test_window_follows_policy(
    router: Router, services: Services, storage: Storage, clock: FrozenClock
) -> None:
    late_opening = dataclasses.replace(services.policy, checkin_opens_before=timedelta(minutes=30))
    chat = Chat(router, dataclasses.replace(services, policy=late_opening))
    session = await registered_in(chat, storage)
    clock.moment = session.starts_at - timedelta(hours=1)
    await chat.text(f"/start hadir_{session.checkin_code}")
    assert "pukul 09.30 WIB" in chat.said
    clock.moment = session.starts_at - timedelta(minutes=30)
    await chat.text(f"/start hadir_{session.checkin_code}")
    assert "Kehadiran Anda tercatat" in chat.said


@pytest.mark.parametrize(
    "text",
    [
        "/start hadir_TIDAKADA123",
        "/start hadir_",
        "/start hadir_../../etc",
        "/start hadir_" + "A" * 500,
        "/hadir salah",
    ],
)
async def test_unknown_code(chat: Chat, storage: Storage, clock: FrozenClock, text: str) -> None:
    session = await registered_in(chat, storage)
    clock.moment = session.starts_at
    await chat.text(text)
    assert "Kode check-in itu tidak dikenal" in chat.said
    assert await attended_at(storage, session) == [None]


async def test_typed_hadir_command_checks_in(
    chat: Chat, storage: Storage, clock: FrozenClock
) -> None:
    session = await registered_in(chat, storage)
    clock.moment = session.starts_at
    await chat.text(f"/hadir {session.checkin_code}")
    assert "Kehadiran Anda tercatat" in chat.said


async def test_not_registered_is_pointed_to_daftar(
    chat: Chat, storage: Storage, clock: FrozenClock
) -> None:
    session = await add_session(storage)
    clock.moment = session.starts_at
    await chat.text(f"/start hadir_{session.checkin_code}")
    assert "Anda belum terdaftar" in chat.said
    assert "/daftar" in chat.said


async def test_enrolled_elsewhere_is_not_checked_in(
    chat: Chat, storage: Storage, clock: FrozenClock
) -> None:
    mine = await registered_in(chat, storage)
    other = await add_session(storage, "BTK-02", title="Bimtek Roti", starts_in=timedelta(days=5))
    clock.moment = other.starts_at
    await chat.text(f"/start hadir_{other.checkin_code}")
    assert "tidak terdaftar di sesi «Bimtek Roti»" in chat.said
    assert await attended_at(storage, mine) == [None]


async def test_waitlisted_and_cancelled_enrollments_are_refused(
    chat: Chat, storage: Storage, clock: FrozenClock
) -> None:
    session = await registered_in(chat, storage)
    participant = await storage.participants.get(1)
    assert participant is not None
    enrollment = await storage.enrollments.get_for(participant.id, session.id)
    assert enrollment is not None
    clock.moment = session.starts_at
    await storage.enrollments.set_status(enrollment.id, "waitlisted", clock.moment)
    await chat.text(f"/start hadir_{session.checkin_code}")
    assert "masih di daftar tunggu" in chat.said
    await storage.enrollments.set_status(enrollment.id, "cancelled", clock.moment)
    await chat.text(f"/start hadir_{session.checkin_code}")
    assert "tidak terdaftar di sesi" in chat.said
    assert await attended_at(storage, session) == [None]


async def test_cancelled_session_has_no_checkin(
    chat: Chat, storage: Storage, clock: FrozenClock
) -> None:
    session = await registered_in(chat, storage)
    await storage.sessions.cancel(session.id, clock.moment)
    clock.moment = session.starts_at
    await chat.text(f"/start hadir_{session.checkin_code}")
    assert "dibatalkan, jadi tidak ada check-in" in chat.said
    assert await attended_at(storage, session) == [None]


async def test_deep_link_works_in_the_middle_of_a_flow(
    chat: Chat, storage: Storage, clock: FrozenClock
) -> None:
    session = await registered_in(chat, storage)
    await chat.text("/profil")
    await chat.press("Ubah nama")
    before = await storage.conversations.get("telegram", chat.address)
    assert before is not None
    clock.moment = session.starts_at
    await chat.text(f"/start hadir_{session.checkin_code}")
    assert "Kehadiran Anda tercatat" in chat.said
    assert await storage.conversations.get("telegram", chat.address) == before
    await chat.text("/start")
    assert "Anda sedang mengisi" in chat.said


async def test_english_reader_gets_english(
    chat: Chat, storage: Storage, clock: FrozenClock
) -> None:
    session = await registered_in(chat, storage)
    await chat.text("/bahasa")
    await chat.press("English")
    clock.moment = session.starts_at - timedelta(hours=3)
    await chat.text(f"/start hadir_{session.checkin_code}")
    assert "is not open yet. It opens Monday, 30 November 2026 at 08:00 WIB" in chat.said


def test_deep_link_argument() -> None:
    assert checkin_code_of("hadir_AbC123") == "AbC123"
    assert checkin_code_of("hadir_") == ""
    assert checkin_code_of("promo_x") is None
    assert checkin_code_of("") is None


async def test_refusal_rules_in_order(storage: Storage) -> None:
    session = await add_session(storage)
    window = CheckinWindow.of(session, timedelta(hours=2))
    now = session.starts_at
    assert refusal(session, None, registered=False, window=window, now=now) == "not_registered"
    assert refusal(session, None, registered=True, window=window, now=now) == "not_enrolled"
    cancelled = session.model_copy(update={"cancelled_at": now})
    assert refusal(cancelled, None, registered=False, window=window, now=now) == "cancelled"


async def test_two_people_check_in_independently(
    router: Router, services: Services, storage: Storage, clock: FrozenClock
) -> None:
    first = Chat(router, services, "2001")
    second = Chat(router, services, "2002")
    session = await add_session(storage)
    await register(first)
    await register(second, nik=OTHER_NIK)
    clock.moment = session.starts_at
    await first.text(f"/start hadir_{session.checkin_code}")
    await second.text(f"/start hadir_{session.checkin_code}")
    assert "Kehadiran Anda tercatat" in first.said
    assert "Kehadiran Anda tercatat" in second.said
    assert None not in await attended_at(storage, session)
