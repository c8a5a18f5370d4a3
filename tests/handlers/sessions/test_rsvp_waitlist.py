"""RSVP answers and the waiting list: a freed place is offered, held, taken or passed on."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from handlers.conversation.router import Router
from handlers.conversation.turn import Services
from handlers.sessions.waitlist import expire_offers
from storage import Storage
from tests.support.chat import OTHER_NIK, ZONE, Chat, add_session, register
from tests.support.clock import FrozenClock

THIRD_NIK = "3216016203880004"


async def join_waitlist(chat: Chat, nik: str, name: str) -> None:
    await chat.text("/daftar")
    await chat.press("Setuju")
    await chat.text(name)
    await chat.text(nik)
    await chat.contact("081298765432")
    await chat.text("Usaha Contoh")
    await chat.press("Kerajinan")
    await chat.text("Setu")
    await chat.press(chat.labels()[0])
    await chat.press("Masuk daftar tunggu")
    await chat.press("Benar")
    assert "daftar tunggu" in chat.said


@pytest.fixture
async def full_session(
    chat: Chat, storage: Storage, router: Router, services: Services
) -> tuple[Chat, Chat, Chat]:
    await add_session(storage, capacity=1)
    await register(chat)
    second = Chat(router, services, address="2002")
    third = Chat(router, services, address="3003")
    await join_waitlist(second, OTHER_NIK, "Budi Santoso")
    await join_waitlist(third, THIRD_NIK, "Citra Lestari")
    return chat, second, third


async def offer_payloads(storage: Storage, address: str) -> list[str]:
    rows = await storage.db.fetch_all(
        "SELECT body FROM outbox WHERE address = ? AND key LIKE 'offer:%' ORDER BY id", (address,)
    )
    return [row["body"] for row in rows]


async def statuses(storage: Storage) -> list[tuple[int, str, str | None]]:
    rows = await storage.db.fetch_all(
        "SELECT participant_id, status, rsvp FROM enrollment ORDER BY participant_id"
    )
    return [(row[0], row[1], row[2]) for row in rows]


async def test_yes_is_recorded(full_session: tuple[Chat, Chat, Chat], storage: Storage) -> None:
    first, _, _ = full_session
    await first.payload("rsvp:1:yes")
    assert "Kehadiran Anda" in first.said
    assert (await statuses(storage))[0] == (1, "enrolled", "yes")


async def test_cannot_attend_offers_the_place_and_take_enrolls(
    full_session: tuple[Chat, Chat, Chat], storage: Storage
) -> None:
    first, second, third = full_session
    await first.payload("rsvp:1:no")
    assert "kami berikan kepada peserta lain" in first.said
    assert len(await offer_payloads(storage, "2002")) == 1
    assert await offer_payloads(storage, "3003") == []
    await second.payload("offer:1:take")
    assert "Selamat! Anda sekarang terdaftar" in second.said
    assert await statuses(storage) == [
        (1, "cancelled", "no"),
        (2, "enrolled", None),
        (3, "waitlisted", None),
    ]
    await second.payload("offer:1:take")  # pressing again changes nothing
    assert "sudah habis" in second.said
    await first.payload("rsvp:1:yes")  # changing one's mind after the place went
    assert "sudah dilepas" in first.said


async def test_skip_and_expiry_pass_the_place_on(
    full_session: tuple[Chat, Chat, Chat],
    storage: Storage,
    services: Services,
    clock: FrozenClock,
) -> None:
    first, second, third = full_session
    await first.payload("rsvp:1:no")
    await second.payload("offer:1:skip")
    assert "peserta berikutnya" in second.said
    assert len(await offer_payloads(storage, "3003")) == 1
    clock.advance(services.policy.waitlist_hold + timedelta(seconds=1))
    assert await expire_offers(storage, clock.now(), services.policy, ZONE) == 1
    await third.payload("offer:2:take")
    assert "sudah habis" in third.said
    assert [status for _, status, _ in await statuses(storage)] == [
        "cancelled",
        "waitlisted",
        "waitlisted",
    ]


async def test_offer_is_held_no_longer_than_the_session_start(
    full_session: tuple[Chat, Chat, Chat], storage: Storage, services: Services
) -> None:
    first, _, _ = full_session
    policy = replace(services.policy, waitlist_hold=timedelta(days=30))
    object.__setattr__(services, "policy", policy)
    await first.payload("rsvp:1:no")
    offer = await storage.waitlist.get(1)
    session = await storage.sessions.get(1)
    assert offer is not None and session is not None
    assert offer.expires_at == session.starts_at


@pytest.mark.parametrize(
    "payload",
    ["rsvp:2:no", "rsvp:999:no", "rsvp:1:maybe", "rsvp:x:no", "rsvp:", "offer:1:take"],
)
async def test_forged_or_foreign_buttons_change_nothing(
    full_session: tuple[Chat, Chat, Chat], storage: Storage, payload: str
) -> None:
    first, _, _ = full_session
    before = await statuses(storage)
    await first.payload(payload)
    assert "sudah tidak berlaku" in first.said
    assert await statuses(storage) == before


async def test_reminder_button_mid_registration_keeps_the_flow(
    full_session: tuple[Chat, Chat, Chat], storage: Storage, router: Router, services: Services
) -> None:
    first, _, _ = full_session
    await first.text("/profil")
    await first.press("Ubah nama usaha")
    await first.payload("rsvp:1:yes")
    assert "Kehadiran Anda" in first.said
    assert "nama usaha" in first.said  # the question of the running flow is asked again
    await first.text("Batik Baru")
    assert "berhasil diubah" in first.said


async def test_rsvp_after_start_is_refused(
    full_session: tuple[Chat, Chat, Chat], storage: Storage, clock: FrozenClock
) -> None:
    first, _, _ = full_session
    clock.advance(timedelta(days=4))
    await first.payload("rsvp:1:no")
    assert "sudah dimulai" in first.said
    assert (await statuses(storage))[0] == (1, "enrolled", None)
