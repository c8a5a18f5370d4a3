"""`backup FILE`: copy the database with SQLite's online backup API, safe while the bot runs."""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
from contextlib import nullcontext
from pathlib import Path

from rich.console import Console

from bot.app import open_services
from bot.cli.common import ACTOR, CliError, Subparsers
from bot.settings import Settings


def register(commands: Subparsers) -> None:
    """Add `backup FILE`."""
    backup_parser = commands.add_parser(
        "backup", help="copy the database to FILE (SQLite online backup, safe while running)"
    )
    backup_parser.add_argument("file", help="the backup file to write (must not exist)")
    backup_parser.set_defaults(func=backup)


async def backup(settings: Settings, args: argparse.Namespace) -> int:
    """Copy the database with SQLite's online backup API; safe while the bot runs."""
    if settings.database_url:
        raise CliError("backup copies the SQLite file; on PostgreSQL use pg_dump (see the README)")
    source, target = settings.database_path, Path(args.file)
    _check_backup_paths(source, target)
    console = Console(stderr=True)
    with console.status("backing up…") if console.is_terminal else nullcontext():
        try:
            pages, size = await asyncio.to_thread(copy_database, source, target)
        except (OSError, sqlite3.Error) as error:
            raise CliError(f"backup failed: {error}") from error
    async with open_services(settings) as services, services.storage.db.transaction():
        await services.storage.audit.record(ACTOR, "backup", target.name, services.clock.now())
    print(f"{target}: backup of {source} ({pages} pages, {size} bytes)")
    return 0


def _check_backup_paths(source: Path, target: Path) -> None:
    if not source.is_file():
        raise CliError(f"{source}: no database here (DATABASE_PATH)")
    if target.exists():
        raise CliError(f"{target}: already exists; choose a new file name")
    if not target.parent.is_dir():
        raise CliError(f"{target.parent}: no such folder")


def copy_database(source: Path, target: Path) -> tuple[int, int]:
    """Copy a live database in one consistent step, check it; return its pages and bytes.

    One step (pages=-1) reads one snapshot: in WAL mode the bot keeps writing meanwhile and
    the copy never restarts. The copy is written beside the target and renamed when it
    checked out, so a failed backup never leaves a half file under the target's name.
    """
    partial = target.with_name(target.name + ".part")
    partial.unlink(missing_ok=True)
    origin = sqlite3.connect(source, timeout=30)
    try:
        copy = sqlite3.connect(partial)
        try:
            origin.backup(copy, pages=-1)
            check = copy.execute("PRAGMA integrity_check").fetchone()
            if check is None or check[0] != "ok":
                raise sqlite3.DatabaseError(f"the copy failed its integrity check: {check}")
            # A single self-contained file: no -wal beside it needed to read it.
            copy.execute("PRAGMA journal_mode=DELETE")
            pages = int(copy.execute("PRAGMA page_count").fetchone()[0])
        finally:
            copy.close()
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        origin.close()
    partial.rename(target)
    return pages, target.stat().st_size
