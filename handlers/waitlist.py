"""The waiting list: a freed place is offered to the next person and held for a while."""

from __future__ import annotations

import logging
from datetime import datetime
from functools import partial
from zoneinfo import ZoneInfo

from handlers import texts
from handlers.core import Button, Reply
from handlers.notify import notify_participant
from handlers.payload_ids import parse_id
from handlers.router import Feature
from handlers.sessions_view import session_details
from handlers.timefmt import format_datetime
from handlers.turn import Policy, Turn
from storage import Storage
from storage.models import BimtekSession, WaitlistOffer

logger = logging.getLogger(__name__)


async def offer_free_places(
    storage: Storage, session_id: int, now: datetime, policy: Policy, zone: ZoneInfo
) -> int:
    """Offer every free place of a session to the next people in line; return offers made."""
    session = await storage.sessions.get(session_id)
    if session is None or session.cancelled_at is not None or now >= session.starts_at:
        return 0
    made = 0
    while True:
        taken = await storage.enrollments.count(session_id, "enrolled")
        held = await storage.waitlist.open_offers(session_id)
        if taken + held >= session.capacity:
            return made
        candidate = await storage.waitlist.next_in_line(session_id)
        if candidate is None:
            return made
        expires_at = min(now + policy.waitlist_hold, session.starts_at)
        offer = await storage.waitlist.create(candidate, now, expires_at)
        await notify_participant(
            storage,
            candidate.participant_id,
            f"offer:{offer.id}",
            partial(offer_message, session=session, offer=offer, zone=zone),
            now,
            expires_at=offer.expires_at,
        )
        made += 1


def offer_message(
    language: str, session: BimtekSession, offer: WaitlistOffer, zone: ZoneInfo
) -> Reply:
    """Compose the offer with its take / skip buttons."""
    body = texts.text(
        language,
        "waitlist.offer",
        title=session.title,
        when=format_datetime(session.starts_at, zone, language),
        venue=session.venue,
        until=format_datetime(offer.expires_at, zone, language),
    )
    buttons = (
        (
            Button(texts.text(language, "waitlist.take"), f"offer:{offer.id}:take"),
            Button(texts.text(language, "waitlist.skip"), f"offer:{offer.id}:skip"),
        ),
    )
    return Reply(body, buttons=buttons)


async def expire_offers(storage: Storage, now: datetime, policy: Policy, zone: ZoneInfo) -> int:
    """Close offers whose hold time is over and pass the places on; return how many expired."""
    expired = 0
    async with storage.db.transaction():
        for offer in await storage.waitlist.expired(now):
            if await storage.waitlist.answer(offer.id, "expired", now):
                expired += 1
                await offer_free_places(storage, offer.session_id, now, policy, zone)
    if expired:
        logger.info("waiting list: %d offer(s) expired and passed on", expired)
    return expired


async def on_offer_button(turn: Turn, payload: str) -> None:
    """Take or skip an offered place."""
    parts = payload.split(":")
    offer = None
    offer_id = parse_id(parts[1]) if len(parts) == 3 else None
    if offer_id is not None:
        offer = await turn.storage.waitlist.get(offer_id)
    participant = await turn.participant()
    enrollment = None if offer is None else await turn.storage.enrollments.get(offer.enrollment_id)
    if (
        offer is None
        or participant is None
        or enrollment is None
        or enrollment.participant_id != participant.id
        or parts[2] not in ("take", "skip")
    ):
        turn.say("stale_button")
        return
    session = await turn.storage.sessions.get(offer.session_id)
    assert session is not None  # noqa: S101 - offers reference existing sessions
    if offer.status != "open" or turn.now >= offer.expires_at:
        turn.say("waitlist.expired", title=session.title)
        return
    if parts[2] == "take":
        await _take(turn, offer, session)
    else:
        await _skip(turn, offer, session)


async def _take(turn: Turn, offer: WaitlistOffer, session: BimtekSession) -> None:
    await turn.storage.waitlist.answer(offer.id, "accepted", turn.now)
    await turn.storage.enrollments.set_status(offer.enrollment_id, "enrolled", turn.now)
    await turn.storage.audit.record(turn.actor, "waitlist.accept", session.code, turn.now)
    turn.say_text(session_details(turn, session, "waitlist.taken"))


async def _skip(turn: Turn, offer: WaitlistOffer, session: BimtekSession) -> None:
    await turn.storage.waitlist.answer(offer.id, "declined", turn.now)
    await turn.storage.audit.record(turn.actor, "waitlist.decline", session.code, turn.now)
    await offer_free_places(
        turn.storage, session.id, turn.now, turn.services.policy, turn.services.zone
    )
    turn.say("waitlist.skipped", title=session.title)


FEATURE = Feature(buttons={"offer": on_offer_button})
