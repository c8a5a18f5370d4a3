"""`attendance mark`: record by hand that a participant came to a session."""

from __future__ import annotations

import argparse

from bot.app import open_services
from bot.cli.common import (
    ACTOR,
    CliError,
    Subparsers,
    participant_by_nik,
    read_nik,
    session_by_code,
)
from bot.settings import Settings
from handlers.participants.validation import mask_nik
from handlers.sessions import service as session_service


def register(commands: Subparsers) -> None:
    """Add `attendance mark`."""
    attendance = commands.add_parser("attendance", help="attendance at sessions").add_subparsers(
        dest="action", required=True
    )
    mark = attendance.add_parser("mark", help="record by hand that a participant came")
    mark.add_argument("--code", required=True, help="session code")
    mark.add_argument("--nik", required=True)
    mark.set_defaults(func=mark_attendance)


async def mark_attendance(settings: Settings, args: argparse.Namespace) -> int:
    """Record by hand that a participant came to a session."""
    nik = read_nik(args.nik)
    async with open_services(settings) as services:
        storage, now = services.storage, services.clock.now()
        session = await session_by_code(storage, args.code)
        participant = await participant_by_nik(storage, nik)
        enrollment = await storage.enrollments.get_for(participant.id, session.id)
        try:
            if enrollment is None:
                raise session_service.SessionChangeRefused("not_enrolled")
            _, marked = await session_service.mark_attended_by_officer(
                storage, session.id, enrollment.id, actor=ACTOR, now=now
            )
        except session_service.SessionChangeRefused as error:
            raise CliError(f"{session.code}: {error}") from error
    state = "recorded" if marked else "was already recorded"
    print(f"attendance of {mask_nik(nik)} at {session.code} {state}")
    return 0
