"""Answers to a reminder: "I'll attend" or "I can't", which frees the place."""

from __future__ import annotations

from handlers.payload_ids import parse_id
from handlers.router import Feature
from handlers.turn import Turn
from handlers.waitlist import offer_free_places


async def on_rsvp_button(turn: Turn, payload: str) -> None:
    """Store the answer; a "cannot attend" gives the place to the waiting list."""
    parts = payload.split(":")
    participant = await turn.participant()
    enrollment = None
    enrollment_id = parse_id(parts[1]) if len(parts) == 3 else None
    if enrollment_id is not None and parts[2] in ("yes", "no"):
        enrollment = await turn.storage.enrollments.get(enrollment_id)
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
    answer = parts[2]
    await turn.storage.enrollments.set_rsvp(enrollment.id, answer, turn.now)  # type: ignore[arg-type]
    await turn.storage.audit.record(turn.actor, f"rsvp.{answer}", session.code, turn.now)
    if answer == "yes":
        turn.say("rsvp.thanks_yes", title=session.title)
        return
    await turn.storage.enrollments.set_status(enrollment.id, "cancelled", turn.now)
    await offer_free_places(
        turn.storage, session.id, turn.now, turn.services.policy, turn.services.zone
    )
    turn.say("rsvp.thanks_no", title=session.title)


FEATURE = Feature(buttons={"rsvp": on_rsvp_button})
