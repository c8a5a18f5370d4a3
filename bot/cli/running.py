"""`run` (the bot, as configured) and `demo` (a console chat on a fresh demo database)."""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path

from bot.app import run_bot, run_demo
from bot.cli.common import CliError, Subparsers
from bot.settings import Settings


def register(commands: Subparsers) -> None:
    """Add `demo [--database FILE]` and `run`."""
    demo_parser = commands.add_parser(
        "demo", help="console chat on a fresh demo database, no token"
    )
    demo_parser.add_argument("--database", type=Path, help="keep the demo database in this file")
    demo_parser.set_defaults(func=demo)
    commands.add_parser(
        "run", help="run the bot: Telegram and/or WhatsApp, as configured"
    ).set_defaults(func=run)


def run(settings: Settings, _args: argparse.Namespace) -> int:
    """Run the configured channels until a signal."""
    from bot.app import AlreadyPolling
    from bot.webhook import ListenError

    # Before the event loop starts, so a missing setting is the only line printed.
    settings.check_channels()
    try:
        asyncio.run(run_bot(settings))
    except (ListenError, AlreadyPolling) as error:
        raise CliError(str(error)) from error
    return 0


async def demo(settings: Settings, args: argparse.Namespace) -> int:
    """Chat with the bot in the console; the database is temporary unless --database."""
    if args.database is not None:
        await run_demo(settings, args.database, sys.stdin, sys.stdout)
        return 0
    with tempfile.TemporaryDirectory(prefix="wub-ikm-demo-") as folder:
        await run_demo(settings, Path(folder) / "demo.sqlite3", sys.stdin, sys.stdout)
    return 0
