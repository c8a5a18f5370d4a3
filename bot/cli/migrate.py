"""`migrate`: create or upgrade the database."""

from __future__ import annotations

import argparse

from bot.app import open_services
from bot.cli.common import Subparsers
from bot.settings import Settings
from handlers.conversation.clock import SystemClock
from storage.migrate import migrate


def register(commands: Subparsers) -> None:
    """Add `migrate`."""
    parser = commands.add_parser("migrate", help="create or upgrade the database")
    parser.set_defaults(func=migrate_database)


async def migrate_database(settings: Settings, _args: argparse.Namespace) -> int:
    """Create or upgrade the database schema."""
    clock = SystemClock()
    async with open_services(settings, clock) as services:
        applied = await migrate(services.storage.db, clock.now())
    print(f"database {settings.database_label}: up to date ({len(applied)} migration(s) applied)")
    return 0
