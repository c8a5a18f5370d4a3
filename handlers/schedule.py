"""The participant's sessions (/jadwal)."""

from __future__ import annotations

from handlers.core import Reply
from handlers.router import Feature
from handlers.sessions_view import session_when
from handlers.turn import Turn, main_menu


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
                status=turn.t(f"status.{status}"),
            )
        )
    turn.replies.append(Reply("\n\n".join(lines), menu=main_menu(turn.language)))


FEATURE = Feature(commands={"jadwal": show}, menu={"menu.schedule": "jadwal"})
