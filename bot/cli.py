"""The command line: `python -m bot <command>`; parses, then calls the composition root."""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from collections.abc import Callable, Coroutine, Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from bot import admin_cli, broadcast_cli, copy_database_cli, equipment_cli, officer_cli
from bot.app import run_bot, run_demo
from bot.logs import configure_logging
from bot.settings import MissingSetting, Settings


class CliError(Exception):
    """Bad input on the command line: printed as one line, exit status 2."""


def build_parser() -> argparse.ArgumentParser:
    """Describe every command and its options."""
    parser = argparse.ArgumentParser(prog="python -m bot", description="WUB IKM Bot")
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser("demo", help="console chat on a fresh demo database, no token")
    demo.add_argument("--database", type=Path, help="keep the demo database in this file")
    commands.add_parser("run", help="run the bot: Telegram and/or WhatsApp, as configured")
    commands.add_parser("migrate", help="create or upgrade the database")
    _add_sessions(commands)
    _add_attendance(commands)
    _add_officers(commands)
    equipment_cli.add_parsers(commands)
    _add_export(commands)
    broadcast_cli.add_parsers(commands)
    admin_cli.add_parsers(commands)
    copy_database_cli.register(commands)
    return parser


def _add_export(commands: Any) -> None:
    exports = commands.add_parser("export", help="export spreadsheets (CSV or XLSX)")
    kinds = exports.add_subparsers(dest="action", required=True)
    equipment_cli.add_export_parser(kinds)
    admin_cli.add_export_parsers(kinds)


def _add_sessions(commands: Any) -> None:
    sessions = commands.add_parser("sessions", help="bimtek sessions").add_subparsers(
        dest="action", required=True
    )
    add = sessions.add_parser("add", help="create a session (times in TIMEZONE)")
    add.add_argument("--code", required=True)
    add.add_argument("--title", required=True)
    add.add_argument("--venue", required=True)
    add.add_argument("--starts-at", required=True, help='e.g. "2026-12-01 09:00"')
    add.add_argument("--ends-at", required=True, help='e.g. "2026-12-01 16:00"')
    add.add_argument("--capacity", required=True, type=int)
    add.add_argument("--maps-url")
    sessions.add_parser("list", help="list sessions with places and check-in codes")
    for action, purpose in (
        ("cancel", "cancel a session and tell everyone enrolled or waiting"),
        ("open", "open a session for registration"),
        ("close", "close a session for registration"),
    ):
        sessions.add_parser(action, help=purpose).add_argument("--code", required=True)
    move = sessions.add_parser("move", help="give a session new times and tell everyone enrolled")
    move.add_argument("--code", required=True)
    move.add_argument("--starts-at", required=True, help='e.g. "2026-12-01 09:00"')
    move.add_argument("--ends-at", required=True, help='e.g. "2026-12-01 16:00"')
    qr = sessions.add_parser("qr", help="write the QR code of a session's check-in link")
    qr.add_argument("--code", required=True)
    qr.add_argument("--out", required=True, type=Path, help="PNG file to write")


def _add_attendance(commands: Any) -> None:
    attendance = commands.add_parser("attendance", help="attendance at sessions").add_subparsers(
        dest="action", required=True
    )
    mark = attendance.add_parser("mark", help="record by hand that a participant came")
    mark.add_argument("--code", required=True, help="session code")
    mark.add_argument("--nik", required=True)


def _add_officers(commands: Any) -> None:
    officers = commands.add_parser("officers", help="officers and admins").add_subparsers(
        dest="action", required=True
    )
    add = officers.add_parser("add", help="make a Telegram user an officer or admin")
    add.add_argument("--telegram-id", required=True, type=int)
    add.add_argument("--role", required=True, choices=("admin", "officer"))
    officers.add_parser("list", help="list officers")
    admin_cli.add_officer_parsers(officers)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command and return the exit status."""
    args = build_parser().parse_args(argv)
    try:
        settings = Settings()
    except ValidationError as error:
        return _fail(f"invalid configuration: {_first_error(error)}")
    configure_logging(settings.log_level)
    try:
        return _dispatch(args, settings)
    except MissingSetting as error:
        return _fail(str(error))
    except CliError as error:
        return _fail(str(error))
    except ValidationError as error:
        return _fail(_first_error(error))
    except KeyboardInterrupt:
        return 130


def _dispatch(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "run":
        from bot.app import AlreadyPolling
        from bot.webhook import ListenError

        settings.check_channels()
        try:
            asyncio.run(run_bot(settings))
        except (ListenError, AlreadyPolling) as error:
            raise CliError(str(error)) from error
        return 0
    if args.command == "demo":
        return _demo(args, settings)
    if hasattr(args, "func"):  # commands that register themselves with set_defaults(func=...)
        try:
            return int(asyncio.run(args.func(settings, args)))
        except copy_database_cli.CopyError as error:
            raise CliError(str(error)) from error
    handlers: dict[tuple[str, str | None], Callable[..., Coroutine[Any, Any, int]]] = {
        ("migrate", None): officer_cli.migrate_database,
        ("sessions", "add"): officer_cli.add_session,
        ("sessions", "list"): officer_cli.list_sessions,
        ("sessions", "cancel"): officer_cli.cancel_session,
        ("sessions", "move"): officer_cli.move_session,
        ("sessions", "open"): officer_cli.open_session,
        ("sessions", "close"): officer_cli.close_session,
        ("sessions", "qr"): officer_cli.session_qr,
        ("attendance", "mark"): officer_cli.mark_attendance,
        ("officers", "add"): officer_cli.add_officer,
        ("officers", "list"): officer_cli.list_officers,
        **equipment_cli.HANDLERS,
        **broadcast_cli.HANDLERS,
        **admin_cli.HANDLERS,
    }
    handler = handlers[(args.command, getattr(args, "action", None))]
    try:
        return asyncio.run(handler(settings, args))
    except officer_cli.CommandError as error:
        raise CliError(str(error)) from error


def _demo(args: argparse.Namespace, settings: Settings) -> int:
    if args.database is not None:
        asyncio.run(run_demo(settings, args.database, sys.stdin, sys.stdout))
        return 0
    with tempfile.TemporaryDirectory(prefix="wub-ikm-demo-") as folder:
        asyncio.run(run_demo(settings, Path(folder) / "demo.sqlite3", sys.stdin, sys.stdout))
    return 0


def _first_error(error: ValidationError) -> str:
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"])
    return f"{where}: {first['msg']}" if where else first["msg"]


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2
