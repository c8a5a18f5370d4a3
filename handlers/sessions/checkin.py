"""Check-in at the venue: `/start hadir_<code>` from the QR code marks attendance once."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final, Literal

from handlers.conversation.messages import Command
from handlers.conversation.router import Feature
from handlers.conversation.timefmt import format_datetime
from handlers.conversation.turn import Turn
from storage.models import BimtekSession, Enrollment

DEEP_LINK_PREFIX: Final = "hadir_"
# Codes come from secrets.token_urlsafe with - and _ replaced: letters and digits only.
_CODE: Final = re.compile(r"[A-Za-z0-9]{1,64}")

Refusal = Literal[
    "cancelled", "not_registered", "not_enrolled", "waitlisted", "already", "too_early", "over"
]


@dataclass(frozen=True)
class CheckinWindow:
    """When check-in for a session is open: from `opens_at` until `ends_at`, both included."""

    opens_at: datetime
    ends_at: datetime

    @classmethod
    def of(cls, session: BimtekSession, opens_before: timedelta) -> CheckinWindow:
        """Return the window of a session under the configured opening lead."""
        return cls(session.starts_at - opens_before, session.ends_at)


def refusal(
    session: BimtekSession,
    enrollment: Enrollment | None,
    registered: bool,
    window: CheckinWindow,
    now: datetime,
) -> Refusal | None:
    """Return why this person cannot check in to this session now, or None when they can."""
    if session.cancelled_at is not None:
        return "cancelled"
    if not registered:
        return "not_registered"
    if enrollment is None or enrollment.status == "cancelled":
        return "not_enrolled"
    if enrollment.status == "waitlisted":
        return "waitlisted"
    if enrollment.attended_at is not None:
        return "already"
    if now < window.opens_at:
        return "too_early"
    if now > window.ends_at:
        return "over"
    return None


def checkin_code_of(arg: str) -> str | None:
    """Return the check-in code in a deep-link argument such as `hadir_AbC123`."""
    if not arg.startswith(DEEP_LINK_PREFIX):
        return None
    return arg.removeprefix(DEEP_LINK_PREFIX).strip()


async def check_in(turn: Turn, code: str) -> None:
    """Mark the person's attendance at the session with this check-in code, or say why not."""
    session = None
    if _CODE.fullmatch(code):
        session = await turn.storage.sessions.get_by_checkin_code(code)
    if session is None:
        turn.say_with_menu("checkin.unknown")
        return
    participant = await turn.participant()
    enrollment = None
    if participant is not None:
        enrollment = await turn.storage.enrollments.get_for(participant.id, session.id)
    window = CheckinWindow.of(session, turn.services.policy.checkin_opens_before)
    reason = refusal(session, enrollment, participant is not None, window, turn.now)
    if reason is None and enrollment is not None:
        if await turn.storage.enrollments.mark_attended(enrollment.id, turn.now):
            target = f"{session.code}:enrollment:{enrollment.id}"
            await turn.storage.audit.record(turn.actor, "attendance.checkin", target, turn.now)
            when = _when(turn, session.starts_at)
            turn.say_with_menu("checkin.ok", title=session.title, when=when, venue=session.venue)
            return
        reason = "already"
    _explain(turn, session, enrollment, window, reason)


def _explain(
    turn: Turn,
    session: BimtekSession,
    enrollment: Enrollment | None,
    window: CheckinWindow,
    reason: Refusal | None,
) -> None:
    values: dict[str, object] = {"title": session.title}
    if reason == "already" and enrollment is not None:
        # No stored time means another scan recorded it a moment ago, within this second.
        values["at"] = _when(turn, enrollment.attended_at or turn.now)
    elif reason == "too_early":
        values["opens"] = _when(turn, window.opens_at)
    elif reason == "over":
        values["ended"] = _when(turn, window.ends_at)
    turn.say_with_menu(f"checkin.{reason}", **values)


def _when(turn: Turn, moment: datetime) -> str:
    return format_datetime(moment, turn.services.zone, turn.language)


async def check_in_command(turn: Turn, arg: str) -> None:
    """Check in with a code typed after /hadir (with or without the `hadir_` prefix)."""
    code = checkin_code_of(arg)
    await check_in(turn, arg.strip() if code is None else code)


def is_checkin(command: Command) -> bool:
    """Tell whether a command is a check-in, which may interrupt any flow."""
    return command.name == "hadir"


FEATURE = Feature(
    "sessions.checkin", commands={"hadir": check_in_command}, interrupting=is_checkin
)
