"""`attendance mark`: record by hand that a participant came to a session."""

from __future__ import annotations

import argparse

from bot.app import open_services
from bot.cli.common import ACTOR, CliError, Subparsers, session_by_code
from bot.settings import Settings
from handlers import session_admin
from handlers.validation import InvalidNik, mask_nik, normalize_nik


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
    try:
        nik = normalize_nik(args.nik)
    except InvalidNik as error:
        raise CliError(f"--nik: not a valid NIK ({error})") from error
    async with open_services(settings) as services:
        storage, now = services.storage, services.clock.now()
        session = await session_by_code(storage, args.code)
        participant = await storage.participants.get_by_nik(nik)
        if participant is None:
            raise CliError(f"no participant with NIK {mask_nik(nik)}")
        enrollment = await storage.enrollments.get_for(participant.id, session.id)
        try:
            if enrollment is None:
                raise session_admin.SessionChangeRefused("not_enrolled")
            _, marked = await session_admin.mark_attended_by_officer(
                storage, session.id, enrollment.id, actor=ACTOR, now=now
            )
        except session_admin.SessionChangeRefused as error:
            raise CliError(f"{session.code}: {error}") from error
    state = "recorded" if marked else "was already recorded"
    print(f"attendance of {mask_nik(nik)} at {session.code} {state}")
    return 0
