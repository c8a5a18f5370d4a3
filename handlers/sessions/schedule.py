"""The participant's sessions (/jadwal)."""

from __future__ import annotations

from handlers.conversation.messages import Reply
from handlers.conversation.router import Feature
from handlers.conversation.turn import Turn
from handlers.sessions.calendar import calendar_button, in_calendar
from handlers.sessions.views import session_when
from storage.models import EnrolledSession


async def show(turn: Turn, _arg: str) -> None:
    """List the participant's sessions with time, venue, map link and status."""
    participant = await turn.participant()
    if participant is None:
        turn.say_with_menu("profile.not_registered")
        return
    enrolled = await turn.storage.enrollments.for_participant(participant.id)
    if not enrolled:
        turn.say_with_menu("schedule.none")
        return
    lines = [turn.t("schedule.header")]
    for item in enrolled:
        session = item.session
        status = (
            "session_cancelled" if session.cancelled_at is not None else item.enrollment.status
        )
        maps = turn.t("schedule.maps", url=session.maps_url) if session.maps_url else ""
        lines.append(
            turn.t(
                "schedule.item",
                title=session.title,
                when=session_when(turn, session),
                venue=session.venue,
                maps=maps,
                status=_status_text(turn, item, status),
            )
        )
    # The calendar button rides on the list itself, so it is plain which sessions it saves.
    buttons = ((calendar_button(turn.language),),) if any(map(in_calendar, enrolled)) else ()
    turn.replies.append(Reply("\n\n".join(lines), buttons=buttons, menu=turn.main_menu()))


def _status_text(turn: Turn, item: EnrolledSession, status: str) -> str:
    """Return the status with the person's RSVP answer and check-in, when there are any."""
    parts = [turn.t(f"status.{status}")]
    if item.enrollment.attended_at is not None:
        parts.append(turn.t("schedule.attended"))
    elif item.enrollment.rsvp is not None and status != "session_cancelled":
        parts.append(turn.t(f"schedule.rsvp.{item.enrollment.rsvp}"))
    return " · ".join(parts)


FEATURE = Feature("sessions.schedule", commands={"jadwal": show}, menu={"menu.schedule": "jadwal"})
