"""What an officer does at a desk: the CLI commands over the same database as the bot."""

from __future__ import annotations

import argparse
import asyncio
from datetime import datetime
from typing import Self

from pydantic import BaseModel, Field, HttpUrl, model_validator

from bot.app import open_services
from bot.settings import Settings
from handlers import qr, session_admin
from handlers.clock import SystemClock
from handlers.textnorm import clean_line
from handlers.timefmt import format_datetime, format_time, parse_local_datetime
from handlers.validation import InvalidNik, mask_nik, normalize_nik
from storage import Storage
from storage.migrate import migrate
from storage.models import BimtekSession
from storage.sessions import SessionCodeTaken


class CommandError(Exception):
    """The command cannot be carried out as asked."""


class SessionInput(BaseModel):
    """A session as typed on the command line, validated."""

    code: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")
    title: str = Field(min_length=1, max_length=200)
    venue: str = Field(min_length=1, max_length=200)
    starts_at: datetime
    ends_at: datetime
    capacity: int = Field(ge=1, le=10_000)
    maps_url: HttpUrl | None = None

    @model_validator(mode="after")
    def _ends_after_start(self) -> Self:
        if self.ends_at <= self.starts_at:
            raise ValueError("the session must end after it starts")
        return self


def _local_time(text: str, settings: Settings, option: str) -> datetime:
    try:
        return parse_local_datetime(text, settings.zone)
    except ValueError as error:
        raise CommandError(f"{option}: {error}") from error


async def migrate_database(settings: Settings, _args: argparse.Namespace) -> int:
    """Create or upgrade the database schema."""
    clock = SystemClock()
    async with open_services(settings, clock) as services:
        applied = await migrate(services.storage.db, clock.now())
    print(f"database {settings.database_label}: up to date ({len(applied)} migration(s) applied)")
    return 0


async def add_session(settings: Settings, args: argparse.Namespace) -> int:
    """Create a bimtek session."""
    session_input = SessionInput(
        code=args.code,
        title=clean_line(args.title),
        venue=clean_line(args.venue),
        starts_at=_local_time(args.starts_at, settings, "--starts-at"),
        ends_at=_local_time(args.ends_at, settings, "--ends-at"),
        capacity=args.capacity,
        maps_url=args.maps_url,
    )
    maps_url = None if session_input.maps_url is None else str(session_input.maps_url)
    async with open_services(settings) as services:
        storage, now = services.storage, services.clock.now()
        try:
            async with storage.db.transaction():
                session = await storage.sessions.add(
                    code=session_input.code,
                    title=session_input.title,
                    venue=session_input.venue,
                    starts_at=session_input.starts_at,
                    ends_at=session_input.ends_at,
                    capacity=session_input.capacity,
                    maps_url=maps_url,
                    now=now,
                )
                await storage.audit.record("cli", "session.add", session.code, now)
        except SessionCodeTaken as error:
            raise CommandError(f"a session with code {error} already exists") from error
    when = format_datetime(session.starts_at, settings.zone)
    print(f"session {session.code} created: {session.title}, {when}, capacity {session.capacity}")
    print(f"check-in code: {session.checkin_code}")
    return 0


async def list_sessions(settings: Settings, _args: argparse.Namespace) -> int:
    """Print every session with its places and check-in code."""
    async with open_services(settings) as services:
        sessions = await services.storage.sessions.list_availability()
    if not sessions:
        print("no sessions yet")
        return 0
    print("code\tstarts\tenrolled/capacity\twaitlisted\topen\tcheck-in code\ttitle")
    for item in sessions:
        session = item.session
        state = "yes" if session.registration_open else "no"
        if session.cancelled_at is not None:
            state = "cancelled"
        print(
            f"{session.code}\t{format_datetime(session.starts_at, settings.zone)}\t"
            f"{item.enrolled}/{session.capacity}\t{item.waitlisted}\t{state}\t"
            f"{session.checkin_code}\t{session.title}"
        )
    return 0


async def _session_by_code(storage: Storage, code: str) -> BimtekSession:
    session = await storage.sessions.get_by_code(code)
    if session is None:
        raise CommandError(f"no session with code {code!r}")
    return session


async def cancel_session(settings: Settings, args: argparse.Namespace) -> int:
    """Cancel a session and queue a notice to everyone enrolled or waiting."""
    async with open_services(settings) as services:
        storage, now = services.storage, services.clock.now()
        session = await _session_by_code(storage, args.code)
        try:
            told = await session_admin.cancel_session(
                storage, session.id, actor="cli", now=now, zone=settings.zone
            )
        except session_admin.SessionChangeRefused as error:
            raise CommandError(f"{session.code}: {error}") from error
    print(f"session {session.code} cancelled; notice queued for {told} participant(s)")
    return 0


async def move_session(settings: Settings, args: argparse.Namespace) -> int:
    """Give a session new times and queue a notice to everyone enrolled."""
    starts_at = _local_time(args.starts_at, settings, "--starts-at")
    ends_at = _local_time(args.ends_at, settings, "--ends-at")
    async with open_services(settings) as services:
        storage, now = services.storage, services.clock.now()
        session = await _session_by_code(storage, args.code)
        try:
            told = await session_admin.move_session(
                storage, session.id, starts_at, ends_at, actor="cli", now=now, zone=settings.zone
            )
        except session_admin.SessionChangeRefused as error:
            raise CommandError(f"{session.code}: {error}") from error
    when = format_datetime(starts_at, settings.zone)
    until = format_time(ends_at, settings.zone)
    print(f"session {session.code} moved to {when} – {until}")
    print(f"notice queued for {told} participant(s)")
    return 0


async def open_session(settings: Settings, args: argparse.Namespace) -> int:
    """Open a session for registration."""
    return await _set_registration(settings, args.code, True)


async def close_session(settings: Settings, args: argparse.Namespace) -> int:
    """Close a session for registration."""
    return await _set_registration(settings, args.code, False)


async def _set_registration(settings: Settings, code: str, is_open: bool) -> int:
    async with open_services(settings) as services:
        storage, now = services.storage, services.clock.now()
        session = await _session_by_code(storage, code)
        try:
            await session_admin.set_registration(
                storage, session.id, is_open, actor="cli", now=now
            )
        except session_admin.SessionChangeRefused as error:
            raise CommandError(f"{session.code}: {error}") from error
    print(f"session {session.code}: registration {'open' if is_open else 'closed'}")
    return 0


async def session_qr(settings: Settings, args: argparse.Namespace) -> int:
    """Write the QR code of a session's check-in deep link to a PNG file."""
    async with open_services(settings) as services:
        storage = services.storage
        session = await _session_by_code(storage, args.code)
        try:
            username = await qr.bot_username(storage, services.policy)
        except qr.BotUsernameUnknown as error:
            raise CommandError(str(error)) from error
        link = qr.checkin_link(username, session.checkin_code)
        image = qr.checkin_qr_png(link)
        try:
            await asyncio.to_thread(args.out.write_bytes, image)
        except OSError as error:
            raise CommandError(f"--out: cannot write {args.out}: {error.strerror}") from error
        await storage.audit.record("cli", "session.qr", session.code, services.clock.now())
    print(f"wrote {args.out} ({len(image)} bytes), QR of {link}")
    return 0


async def mark_attendance(settings: Settings, args: argparse.Namespace) -> int:
    """Record by hand that a participant came to a session."""
    try:
        nik = normalize_nik(args.nik)
    except InvalidNik as error:
        raise CommandError(f"--nik: not a valid NIK ({error})") from error
    async with open_services(settings) as services:
        storage, now = services.storage, services.clock.now()
        session = await _session_by_code(storage, args.code)
        participant = await storage.participants.get_by_nik(nik)
        if participant is None:
            raise CommandError(f"no participant with NIK {mask_nik(nik)}")
        enrollment = await storage.enrollments.get_for(participant.id, session.id)
        try:
            if enrollment is None:
                raise session_admin.SessionChangeRefused("not_enrolled")
            _, marked = await session_admin.mark_attended_by_officer(
                storage, session.id, enrollment.id, actor="cli", now=now
            )
        except session_admin.SessionChangeRefused as error:
            raise CommandError(f"{session.code}: {error}") from error
    state = "recorded" if marked else "was already recorded"
    print(f"attendance of {mask_nik(nik)} at {session.code} {state}")
    return 0


async def add_officer(settings: Settings, args: argparse.Namespace) -> int:
    """Make a Telegram user an officer or admin."""
    if args.telegram_id <= 0:
        raise CommandError("--telegram-id must be a positive Telegram user id")
    async with open_services(settings) as services:
        storage, now = services.storage, services.clock.now()
        async with storage.db.transaction():
            officer = await storage.officers.add("telegram", str(args.telegram_id), args.role, now)
            await storage.audit.record("cli", f"officer.add.{officer.role}", officer.address, now)
    print(f"telegram user {officer.address} is now {officer.role}")
    return 0


async def list_officers(settings: Settings, _args: argparse.Namespace) -> int:
    """Print every officer."""
    async with open_services(settings) as services:
        officers = await services.storage.officers.list_all()
    for officer in officers:
        print(f"{officer.channel}\t{officer.address}\t{officer.role}")
    if not officers:
        print("no officers yet")
    return 0
