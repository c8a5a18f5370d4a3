"""What officers change about sessions, shared by the CLI and the /sesi chat.

Each change is one transaction: the session row (bumping updated_at, which the running
bot watches to re-plan reminders), the notices to participants in the outbox, the audit entry.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Final
from zoneinfo import ZoneInfo

from pydantic import HttpUrl, TypeAdapter
from pydantic import ValidationError as PydanticError

from handlers.conversation import texts
from handlers.conversation.messages import Reply
from handlers.conversation.outbox import notify_participant
from handlers.conversation.payloads import read_number
from handlers.conversation.textnorm import clean_line
from handlers.conversation.timefmt import format_datetime, format_time
from handlers.conversation.turn import Policy
from handlers.sessions.waitlist import offer_free_places
from storage import Storage
from storage.models import BimtekSession, Enrollment, EnrollmentStatus
from storage.sessions import SessionCodeTaken

CODE_PATTERN: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,31}")
MAX_LABEL: Final = 200
MAX_CAPACITY: Final = 10_000
NO_MAPS: Final = "-"
_URL: Final = TypeAdapter(HttpUrl)

# Reasons double as catalogue keys (`sesi.invalid.<reason>`) in chat; the CLI prints the text.
REASONS: Final = {
    "gone": "no such session",
    "cancelled": "the session is already cancelled",
    "past": "the new start time has already passed",
    "end_before_start": "the session must end after it starts",
    "code": "a session code has letters, digits, - and _ only (32 at most)",
    "code_taken": "a session with this code already exists",
    "text": "title and venue must be 1 to 200 characters",
    "capacity": "the capacity must be a whole number from 1 to 10000",
    "maps_url": "the map link must be an http(s) URL",
    "not_enrolled": "the participant holds no place in this session",
    "time": "expected a time like 2026-12-01 09:00",
    "capacity_below": "{count} participant(s) hold a place: the capacity cannot be lower",
}
_CHAT_KEYS: Final = {"gone": "sesi.gone", "cancelled": "sesi.is_cancelled"}


class SessionChangeRefused(Exception):
    """An officer's change cannot be made as asked; `reason` says why."""

    def __init__(self, reason: str, **values: object) -> None:
        super().__init__(REASONS[reason].format(**values))
        self.reason = reason
        self.values = values

    @property
    def text_key(self) -> str:
        """Return the catalogue key that explains the refusal in chat."""
        return _CHAT_KEYS.get(self.reason, f"sesi.invalid.{self.reason}")


@dataclass(frozen=True)
class NewSession:
    """A session's fields, validated, before it is stored."""

    code: str
    title: str
    venue: str
    starts_at: datetime
    ends_at: datetime
    capacity: int
    maps_url: str | None = None


@dataclass(frozen=True)
class SessionEdit:
    """New title, venue, map link and capacity of a session, validated."""

    title: str
    venue: str
    capacity: int
    maps_url: str | None = None


def read_code(text: str) -> str:
    """Return a valid session code or refuse."""
    code = text.strip()
    if not CODE_PATTERN.fullmatch(code):
        raise SessionChangeRefused("code")
    return code


def read_label(text: str) -> str:
    """Return a title or venue normalised (see handlers/textnorm.py), or refuse."""
    if len(text) > 10 * MAX_LABEL:
        raise SessionChangeRefused("text")
    label = clean_line(text)
    if not 1 <= len(label) <= MAX_LABEL:
        raise SessionChangeRefused("text")
    return label


def read_capacity(text: str) -> int:
    """Return a capacity from 1 to 10000 or refuse."""
    capacity = read_number(text.strip(), MAX_CAPACITY)
    if capacity is None or capacity < 1:
        raise SessionChangeRefused("capacity")
    return capacity


def read_maps_url(text: str) -> str | None:
    """Return a map link, None for `-`, or refuse."""
    stripped = text.strip()
    if stripped == NO_MAPS:
        return None
    try:
        return str(_URL.validate_python(stripped))
    except PydanticError as error:
        raise SessionChangeRefused("maps_url") from error


def check_times(starts_at: datetime, ends_at: datetime, now: datetime) -> None:
    """Refuse a start in the past or an end that is not after the start."""
    if starts_at <= now:
        raise SessionChangeRefused("past")
    if ends_at <= starts_at:
        raise SessionChangeRefused("end_before_start")


async def _active_session(storage: Storage, session_id: int) -> BimtekSession:
    session = await storage.sessions.get(session_id)
    if session is None:
        raise SessionChangeRefused("gone")
    if session.cancelled_at is not None:
        raise SessionChangeRefused("cancelled")
    return session


async def create_session(
    storage: Storage, new: NewSession, *, actor: str, now: datetime
) -> BimtekSession:
    """Store a new session with a fresh check-in code."""
    check_times(new.starts_at, new.ends_at, now)
    async with storage.db.transaction():
        try:
            session = await storage.sessions.add(
                code=new.code,
                title=new.title,
                venue=new.venue,
                starts_at=new.starts_at,
                ends_at=new.ends_at,
                capacity=new.capacity,
                maps_url=new.maps_url,
                now=now,
            )
        except SessionCodeTaken as error:
            raise SessionChangeRefused("code_taken") from error
        await storage.audit.record(actor, "session.add", session.code, now)
    return session


async def cancel_session(
    storage: Storage, session_id: int, *, actor: str, now: datetime, zone: ZoneInfo
) -> int:
    """Cancel a session and tell everyone enrolled or waiting; return how many were told."""
    async with storage.db.transaction():
        session = await _active_session(storage, session_id)
        await storage.sessions.cancel(session.id, now)

        def compose(language: str) -> Reply:
            when = format_datetime(session.starts_at, zone, language)
            return Reply(
                texts.text(language, "notice.session_cancelled", title=session.title, when=when)
            )

        key = f"session-cancelled:{session.id}"
        told = await _tell_members(storage, session, ("enrolled", "waitlisted"), key, compose, now)
        await storage.audit.record(actor, "session.cancel", session.code, now)
    return told


async def move_session(
    storage: Storage,
    session_id: int,
    starts_at: datetime,
    ends_at: datetime,
    *,
    actor: str,
    now: datetime,
    zone: ZoneInfo,
) -> int:
    """Give a session new times and tell everyone enrolled; return how many were told."""
    check_times(starts_at, ends_at, now)
    async with storage.db.transaction():
        session = await _active_session(storage, session_id)
        await storage.sessions.move(session.id, starts_at, ends_at, now)

        def compose(language: str) -> Reply:
            return Reply(
                texts.text(
                    language,
                    "notice.session_moved",
                    title=session.title,
                    when=format_datetime(starts_at, zone, language),
                    ends=format_time(ends_at, zone, language),
                    venue=session.venue,
                    old=format_datetime(session.starts_at, zone, language),
                )
            )

        key = f"session-moved:{session.id}:{int(starts_at.timestamp())}"
        told = await _tell_members(storage, session, ("enrolled",), key, compose, now)
        await storage.audit.record(actor, "session.move", session.code, now)
    return told


async def _tell_members(
    storage: Storage,
    session: BimtekSession,
    statuses: tuple[EnrollmentStatus, ...],
    key: str,
    compose: Callable[[str], Reply],
    now: datetime,
) -> int:
    """Queue one notice per member; the key ends in the participant id, so once each."""
    told = 0
    for member in await storage.enrollments.members(session.id, statuses):
        participant_id = member.participant.id
        queued = await notify_participant(
            storage, participant_id, f"{key}:{participant_id}", compose, now
        )
        told += int(queued > 0)
    return told


async def edit_session(
    storage: Storage,
    session_id: int,
    edit: SessionEdit,
    *,
    actor: str,
    now: datetime,
    policy: Policy,
    zone: ZoneInfo,
) -> BimtekSession:
    """Change a session's title, venue, map link and capacity.

    The capacity cannot go below the places already taken (the refusal says how many); a
    higher one offers the new places to the waiting list at once.
    """
    async with storage.db.transaction():
        session = await _active_session(storage, session_id)
        enrolled = await storage.enrollments.count(session.id, "enrolled")
        if edit.capacity < enrolled:
            raise SessionChangeRefused("capacity_below", count=enrolled)
        await storage.sessions.edit(
            session.id,
            title=edit.title,
            venue=edit.venue,
            maps_url=edit.maps_url,
            capacity=edit.capacity,
            now=now,
        )
        await storage.audit.record(actor, "session.edit", session.code, now)
        if edit.capacity > session.capacity:
            await offer_free_places(storage, session.id, now, policy, zone)
        changed = await storage.sessions.get(session.id)
    assert changed is not None  # noqa: S101 - checked above, in the same transaction
    return changed


async def set_registration(
    storage: Storage, session_id: int, is_open: bool, *, actor: str, now: datetime
) -> BimtekSession:
    """Open or close a session for registration."""
    async with storage.db.transaction():
        session = await _active_session(storage, session_id)
        await storage.sessions.set_registration_open(session.id, is_open, now)
        action = "session.open" if is_open else "session.close"
        await storage.audit.record(actor, action, session.code, now)
        changed = await storage.sessions.get(session.id)
    assert changed is not None  # noqa: S101 - checked above, in the same transaction
    return changed


async def mark_attended_by_officer(
    storage: Storage, session_id: int, enrollment_id: int, *, actor: str, now: datetime
) -> tuple[Enrollment, bool]:
    """Record by hand that an enrolled participant came; False when already recorded."""
    async with storage.db.transaction():
        session = await _active_session(storage, session_id)
        enrollment = await storage.enrollments.get(enrollment_id)
        if (
            enrollment is None
            or enrollment.session_id != session.id
            or enrollment.status != "enrolled"
        ):
            raise SessionChangeRefused("not_enrolled")
        marked = await storage.enrollments.mark_attended(enrollment.id, now)
        if marked:
            await storage.audit.record(
                actor, "attendance.mark", f"{session.code}:enrollment:{enrollment.id}", now
            )
    return enrollment, marked
