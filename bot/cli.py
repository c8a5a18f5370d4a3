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

from bot import officer_cli
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
    commands.add_parser("run", help="run the bot (Telegram long polling)")
    commands.add_parser("migrate", help="create or upgrade the database")
    _add_sessions(commands)
    _add_officers(commands)
    return parser


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


def _add_officers(commands: Any) -> None:
    officers = commands.add_parser("officers", help="officers and admins").add_subparsers(
        dest="action", required=True
    )
    add = officers.add_parser("add", help="make a Telegram user an officer or admin")
    add.add_argument("--telegram-id", required=True, type=int)
    add.add_argument("--role", required=True, choices=("admin", "officer"))
    officers.add_parser("list", help="list officers")


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
        settings.require_telegram_token()
        asyncio.run(run_bot(settings))
        return 0
    if args.command == "demo":
        return _demo(args, settings)
    handlers: dict[tuple[str, str | None], Callable[..., Coroutine[Any, Any, int]]] = {
        ("migrate", None): officer_cli.migrate_database,
        ("sessions", "add"): officer_cli.add_session,
        ("sessions", "list"): officer_cli.list_sessions,
        ("officers", "add"): officer_cli.add_officer,
        ("officers", "list"): officer_cli.list_officers,
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
