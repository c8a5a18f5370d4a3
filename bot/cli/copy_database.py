"""`python -m bot copy-database --to postgresql://...`: a pilot's SQLite data into PostgreSQL."""

from __future__ import annotations

import argparse

from bot.cli.common import CliError, Subparsers
from bot.settings import Settings
from handlers.conversation.clock import SystemClock
from storage.copy import CopyMismatch, TargetNotEmpty, copy_database
from storage.db import Database, is_postgres_url


def register(commands: Subparsers) -> None:
    """Add the copy-database command to the CLI's sub-parsers."""
    parser = commands.add_parser(
        "copy-database",
        help="copy the SQLite database (DATABASE_PATH) into an empty PostgreSQL database",
    )
    parser.add_argument(
        "--to", required=True, dest="target", help="postgresql://user:password@host/db (empty)"
    )
    parser.set_defaults(func=copy_command)


async def copy_command(settings: Settings, args: argparse.Namespace) -> int:
    """Copy every table, advance the sequences, and compare counts and checksums."""
    source_path, target_url = settings.database_path, str(args.target)
    if not is_postgres_url(target_url):
        raise CliError("--to must be a postgresql:// URL")
    if not source_path.is_file():
        raise CliError(f"{source_path}: no database here (DATABASE_PATH)")
    try:
        target = await Database.connect(target_url)
    except (OSError, ValueError) as error:
        raise CliError(f"cannot connect to the target: {error}") from error
    except Exception as error:  # asyncpg's own errors: bad password, no such database
        raise CliError(f"cannot connect to the target: {error}") from error
    source = await Database.connect(source_path)
    try:
        tables = await copy_database(source, target, SystemClock().now())
    except (TargetNotEmpty, CopyMismatch) as error:
        raise CliError(str(error)) from error
    finally:
        await source.close()
        await target.close()
    for table in tables:
        print(f"{table.name}\t{table.rows} rows\tsha256 {table.checksum[:16]}")
    total = sum(table.rows for table in tables)
    print(f"copied {len(tables)} tables, {total} rows; counts and checksums match")
    return 0
