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
    """Add `demo [--database FILE] [--web [--port N]]` and `run`."""
    demo_parser = commands.add_parser(
        "demo", help="console chat on a fresh demo database, no token"
    )
    demo_parser.add_argument("--database", type=Path, help="keep the demo database in this file")
    demo_parser.add_argument(
        "--web", action="store_true", help="also serve the officer web console on 127.0.0.1"
    )
    demo_parser.add_argument(
        "--port", type=int, default=8080, help="the web console's port (with --web)"
    )
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
    """Chat with the bot in the console; the database is temporary unless --database.

    With --web, the officer web console is served on 127.0.0.1 beside the chat.
    """
    from bot.webhook import ListenError

    web = args.port if args.web else None
    if web is not None and not 1 <= web <= 65535:
        raise CliError("--port must be from 1 to 65535")
    try:
        if args.database is not None:
            await run_demo(settings, args.database, sys.stdin, sys.stdout, web_port=web)
            return 0
        with tempfile.TemporaryDirectory(prefix="wub-ikm-demo-") as folder:
            database = Path(folder) / "demo.sqlite3"
            await run_demo(settings, database, sys.stdin, sys.stdout, web_port=web)
    except ListenError as error:
        raise CliError(str(error)) from error
    return 0
