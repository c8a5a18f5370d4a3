"""Answers to a reminder: "I'll attend" or "I can't", which frees the place."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from handlers.conversation.payloads import Payload
from handlers.conversation.router import Feature, on
from handlers.conversation.turn import Turn
from handlers.sessions.waitlist import offer_free_places


@dataclass(frozen=True)
class Rsvp(Payload, prefix="rsvp"):
    """`rsvp:<enrollment>:yes|no`, the buttons of a reminder."""

    enrollment_id: int
    answer: Literal["yes", "no"]


async def on_rsvp_button(turn: Turn, pressed: Rsvp) -> None:
    """Store the answer; a "cannot attend" gives the place to the waiting list."""
    participant = await turn.participant()
    enrollment = await turn.storage.enrollments.get(pressed.enrollment_id)
    if participant is None or enrollment is None or enrollment.participant_id != participant.id:
        turn.say("stale_button")
        return
    session = await turn.storage.sessions.get(enrollment.session_id)
    assert session is not None  # noqa: S101 - enrollments reference existing sessions
    if session.cancelled_at is not None or turn.now >= session.starts_at:
        turn.say("rsvp.too_late", title=session.title)
        return
    if enrollment.status != "enrolled":
        turn.say("rsvp.released", title=session.title)
        return
    answer = pressed.answer
    await turn.storage.enrollments.set_rsvp(enrollment.id, answer, turn.now)
    await turn.storage.audit.record(turn.actor, f"rsvp.{answer}", session.code, turn.now)
    if answer == "yes":
        turn.say("rsvp.thanks_yes", title=session.title)
        return
    await turn.storage.enrollments.set_status(enrollment.id, "cancelled", turn.now)
    await offer_free_places(
        turn.storage, session.id, turn.now, turn.services.policy, turn.services.zone
    )
    turn.say("rsvp.thanks_no", title=session.title)


FEATURE = Feature("sessions.rsvp", buttons=(on(Rsvp, on_rsvp_button),))
