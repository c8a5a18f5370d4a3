"""Session reminders: which are due when, and queueing one for everyone enrolled."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Literal
from zoneinfo import ZoneInfo

from handlers import texts
from handlers.core import Button, Reply
from handlers.notify import notify_participant
from handlers.timefmt import format_datetime
from storage import Storage
from storage.models import BimtekSession

logger = logging.getLogger(__name__)

FireOutcome = Literal["queued", "dropped", "already", "stale"]


@dataclass(frozen=True)
class ReminderSlot:
    """One reminder of one session: its offset before the start and its due time."""

    session_id: int
    offset: timedelta
    due_at: datetime

    @property
    def job_id(self) -> str:
        """Return the scheduler job id: stable per session and offset."""
        return f"reminder:{self.session_id}:{int(self.offset.total_seconds())}"


@dataclass(frozen=True)
class ReminderPlan:
    """What to do with every reminder slot at a moment: schedule, fire now, or drop."""

    upcoming: list[ReminderSlot]
    overdue: list[ReminderSlot]
    missed: list[ReminderSlot]


def slots_for(session: BimtekSession, offsets: tuple[timedelta, ...]) -> list[ReminderSlot]:
    """Return the session's reminder slots, one per offset."""
    return [ReminderSlot(session.id, offset, session.starts_at - offset) for offset in offsets]


async def plan_reminders(
    storage: Storage, offsets: tuple[timedelta, ...], now: datetime
) -> ReminderPlan:
    """Sort the reminder slots of every active session by what is to be done with them."""
    plan = ReminderPlan([], [], [])
    for session in await storage.sessions.active_since(now - max(offsets, default=timedelta())):
        for slot in slots_for(session, offsets):
            if slot.due_at > now:
                plan.upcoming.append(slot)
            elif await storage.reminder_runs.has_run(slot.session_id, slot.offset, slot.due_at):
                continue
            elif now < session.starts_at:
                plan.overdue.append(slot)
            else:
                plan.missed.append(slot)
    return plan


async def fire_reminder(
    storage: Storage, slot: ReminderSlot, now: datetime, zone: ZoneInfo
) -> tuple[FireOutcome, int]:
    """Queue the reminder for everyone enrolled at its due time (once); return what happened."""
    async with storage.db.transaction():
        runs = storage.reminder_runs
        if await runs.has_run(slot.session_id, slot.offset, slot.due_at):
            return "already", 0
        session = await storage.sessions.get(slot.session_id)
        if (
            session is None
            or session.cancelled_at is not None
            or session.starts_at - slot.offset != slot.due_at
        ):
            # The session was cancelled or moved since this slot was planned.
            return "stale", 0
        if now >= session.starts_at:
            await runs.record(slot.session_id, slot.offset, slot.due_at, "dropped", 0, now)
            logger.warning("reminder %s dropped: session already started", slot.job_id)
            return "dropped", 0
        queued = 0
        for member in await storage.enrollments.enrolled_by(session.id, slot.due_at):
            enrollment_id = member.enrollment.id
            queued += await notify_participant(
                storage,
                member.participant.id,
                f"{slot.job_id}:{int(slot.due_at.timestamp())}:p{member.participant.id}",
                partial(reminder_message, session=session, enrollment_id=enrollment_id, zone=zone),
                now,
                expires_at=session.starts_at,
            )
        await runs.record(slot.session_id, slot.offset, slot.due_at, "queued", queued, now)
        logger.info("reminder %s queued for %d contact(s)", slot.job_id, queued)
        return "queued", queued


def reminder_message(
    language: str, session: BimtekSession, enrollment_id: int, zone: ZoneInfo
) -> Reply:
    """Compose a reminder with the attend / cannot-attend buttons."""
    maps = texts.text(language, "session.maps", url=session.maps_url) if session.maps_url else ""
    body = texts.text(
        language,
        "reminder.body",
        title=session.title,
        when=format_datetime(session.starts_at, zone, language),
        venue=session.venue,
        maps=maps,
    )
    buttons = (
        (
            Button(texts.text(language, "rsvp.yes"), f"rsvp:{enrollment_id}:yes"),
            Button(texts.text(language, "rsvp.no"), f"rsvp:{enrollment_id}:no"),
        ),
    )
    return Reply(body, buttons=buttons)
