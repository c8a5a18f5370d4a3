"""`sessions ...`: create, list, cancel, move, open and close bimtek sessions; their QR codes."""

from __future__ import annotations

import argparse
import asyncio
from datetime import datetime
from pathlib import Path
from typing import Final, Self

from pydantic import BaseModel, Field, HttpUrl, model_validator

from bot.app import open_services
from bot.cli.common import ACTOR, CliError, Subparsers, session_by_code
from bot.settings import Settings
from handlers import qr, session_admin
from handlers.textnorm import clean_line
from handlers.timefmt import format_datetime, format_time, parse_local_datetime
from storage.sessions import SessionCodeTaken

STARTS_HELP: Final = 'e.g. "2026-12-01 09:00"'
ENDS_HELP: Final = 'e.g. "2026-12-01 16:00"'


def register(commands: Subparsers) -> None:
    """Add `sessions add|list|cancel|open|close|move|qr`."""
    sessions = commands.add_parser("sessions", help="bimtek sessions").add_subparsers(
        dest="action", required=True
    )
    add = sessions.add_parser("add", help="create a session (times in TIMEZONE)")
    add.add_argument("--code", required=True)
    add.add_argument("--title", required=True)
    add.add_argument("--venue", required=True)
    add.add_argument("--starts-at", required=True, help=STARTS_HELP)
    add.add_argument("--ends-at", required=True, help=ENDS_HELP)
    add.add_argument("--capacity", required=True, type=int)
    add.add_argument("--maps-url")
    add.set_defaults(func=add_session)
    listing = sessions.add_parser("list", help="list sessions with places and check-in codes")
    listing.set_defaults(func=list_sessions)
    for action, purpose, body in (
        ("cancel", "cancel a session and tell everyone enrolled or waiting", cancel_session),
        ("open", "open a session for registration", open_session),
        ("close", "close a session for registration", close_session),
    ):
        parser = sessions.add_parser(action, help=purpose)
        parser.add_argument("--code", required=True)
        parser.set_defaults(func=body)
    move = sessions.add_parser("move", help="give a session new times and tell everyone enrolled")
    move.add_argument("--code", required=True)
    move.add_argument("--starts-at", required=True, help=STARTS_HELP)
    move.add_argument("--ends-at", required=True, help=ENDS_HELP)
    move.set_defaults(func=move_session)
    qr_code = sessions.add_parser("qr", help="write the QR code of a session's check-in link")
    qr_code.add_argument("--code", required=True)
    qr_code.add_argument("--out", required=True, type=Path, help="PNG file to write")
    qr_code.set_defaults(func=session_qr)


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


def local_time(text: str, settings: Settings, option: str) -> datetime:
    """Read a time typed in TIMEZONE; a bad one is a CliError naming the option."""
    try:
        return parse_local_datetime(text, settings.zone)
    except ValueError as error:
        raise CliError(f"{option}: {error}") from error


async def add_session(settings: Settings, args: argparse.Namespace) -> int:
    """Create a bimtek session."""
    session_input = SessionInput(
        code=args.code,
        title=clean_line(args.title),
        venue=clean_line(args.venue),
        starts_at=local_time(args.starts_at, settings, "--starts-at"),
        ends_at=local_time(args.ends_at, settings, "--ends-at"),
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
                await storage.audit.record(ACTOR, "session.add", session.code, now)
        except SessionCodeTaken as error:
            raise CliError(f"a session with code {error} already exists") from error
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


async def cancel_session(settings: Settings, args: argparse.Namespace) -> int:
    """Cancel a session and queue a notice to everyone enrolled or waiting."""
    async with open_services(settings) as services:
        storage, now = services.storage, services.clock.now()
        session = await session_by_code(storage, args.code)
        try:
            told = await session_admin.cancel_session(
                storage, session.id, actor=ACTOR, now=now, zone=settings.zone
            )
        except session_admin.SessionChangeRefused as error:
            raise CliError(f"{session.code}: {error}") from error
    print(f"session {session.code} cancelled; notice queued for {told} participant(s)")
    return 0


async def move_session(settings: Settings, args: argparse.Namespace) -> int:
    """Give a session new times and queue a notice to everyone enrolled."""
    starts_at = local_time(args.starts_at, settings, "--starts-at")
    ends_at = local_time(args.ends_at, settings, "--ends-at")
    async with open_services(settings) as services:
        storage, now = services.storage, services.clock.now()
        session = await session_by_code(storage, args.code)
        try:
            told = await session_admin.move_session(
                storage, session.id, starts_at, ends_at, actor=ACTOR, now=now, zone=settings.zone
            )
        except session_admin.SessionChangeRefused as error:
            raise CliError(f"{session.code}: {error}") from error
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
        session = await session_by_code(storage, code)
        try:
            await session_admin.set_registration(
                storage, session.id, is_open, actor=ACTOR, now=now
            )
        except session_admin.SessionChangeRefused as error:
            raise CliError(f"{session.code}: {error}") from error
    print(f"session {session.code}: registration {'open' if is_open else 'closed'}")
    return 0


async def session_qr(settings: Settings, args: argparse.Namespace) -> int:
    """Write the QR code of a session's check-in deep link to a PNG file."""
    async with open_services(settings) as services:
        storage = services.storage
        session = await session_by_code(storage, args.code)
        try:
            username = await qr.bot_username(storage, services.policy)
        except qr.BotUsernameUnknown as error:
            raise CliError(str(error)) from error
        link = qr.checkin_link(username, session.checkin_code)
        image = qr.checkin_qr_png(link)
        try:
            await asyncio.to_thread(args.out.write_bytes, image)
        except OSError as error:
            raise CliError(f"--out: cannot write {args.out}: {error.strerror}") from error
        await storage.audit.record(ACTOR, "session.qr", session.code, services.clock.now())
    print(f"wrote {args.out} ({len(image)} bytes), QR of {link}")
    return 0
