"""Desk work on the data: backups, participant exports and imports, removing officers."""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import sys
from contextlib import nullcontext
from pathlib import Path
from typing import Final

from rich.console import Console

from bot.app import open_services
from bot.desk import give_the_bot_the_cpu_first
from bot.officer_cli import CommandError
from bot.progress import progress_bar
from bot.settings import Settings
from handlers.exports import FORMATS, ExportFormat
from handlers.participant_exports import EXPORTS, ExportKind, write_export
from handlers.participant_import import (
    Choices,
    ParsedSheet,
    SheetError,
    import_participants,
    parse_sheet,
)
from handlers.tables import TableError, TableLimits, read_table

ACTOR: Final = "cli"
# The participant and enrollment exports; `export allocations` is the equipment CLI's.
EXPORT_KINDS: Final[tuple[ExportKind, ...]] = ("participants", "enrollments")


def add_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Describe `backup FILE` and `participants import FILE`."""
    backup_parser = commands.add_parser(
        "backup", help="copy the database to FILE (SQLite online backup, safe while running)"
    )
    backup_parser.add_argument("file", help="the backup file to write (must not exist)")
    participants = commands.add_parser("participants", help="participants").add_subparsers(
        dest="action", required=True
    )
    sheet = participants.add_parser(
        "import",
        help="pre-registered participants: columns nik,full_name,phone,business_name,"
        "sector,kecamatan",
    )
    sheet.add_argument("file", help="a .csv or .xlsx file")


def add_export_parsers(kinds: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Describe `export participants` and `export enrollments`."""
    purposes = {"participants": "data peserta", "enrollments": "daftar hadir per session"}
    for kind in EXPORT_KINDS:
        parser = kinds.add_parser(kind, help=purposes[kind])
        parser.add_argument("--format", choices=FORMATS, help="default: from the --out suffix")
        parser.add_argument("--out", required=True)


def add_officer_parsers(officers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Describe `officers remove`."""
    remove = officers.add_parser("remove", help="take the officer role away from a user")
    remove.add_argument("--telegram-id", required=True, type=int)


async def export(settings: Settings, args: argparse.Namespace) -> int:
    """Write the participants or enrollments export as CSV or XLSX."""
    give_the_bot_the_cpu_first()
    kind: ExportKind = args.action
    out = Path(args.out)
    export_format = _format(args.format, out)
    _check_folder(out)
    async with open_services(settings) as services:
        storage = services.storage
        total = await EXPORTS[kind].count(storage)
        with progress_bar(f"export {kind}", total) as advance:
            try:
                written = await write_export(
                    storage, settings.zone, kind, out, export_format, on_row=advance
                )
            except OSError as error:
                raise CommandError(f"{out}: {error.strerror or error}") from error
        await storage.audit.record(
            ACTOR, f"export.{kind}.{export_format}", str(written), services.clock.now()
        )
    print(f"{out}: {written} row(s)")
    return 0


def _check_folder(out: Path) -> None:
    if not out.parent.is_dir():
        raise CommandError(f"{out.parent}: no such folder")


def _format(given: str | None, out: Path) -> ExportFormat:
    chosen = given or out.suffix.lower().lstrip(".")
    for known in FORMATS:
        if chosen == known:
            return known
    raise CommandError("--format must be csv or xlsx (or give --out a .csv/.xlsx name)")


async def import_sheet(settings: Settings, args: argparse.Namespace) -> int:
    """Import pre-registered participants; exit 2 when some rows were bad."""
    give_the_bot_the_cpu_first()
    path = Path(args.file)
    async with open_services(settings) as services:
        choices = Choices(services.sectors, services.region.kecamatan)
        sheet = _read_sheet(path, choices, TableLimits(max_rows=settings.import_max_rows))
        with progress_bar("import", len(sheet.rows)) as advance:
            result = await import_participants(
                services.storage,
                sheet.rows,
                actor=ACTOR,
                now=services.clock.now(),
                on_row=advance,
            )
    for row in sheet.bad:
        print(row, file=sys.stderr)
    print(
        f"{path.name}: {result.new} new, {result.changed} changed,"
        f" {result.unchanged} unchanged, {len(sheet.bad)} bad row(s)"
    )
    return 2 if sheet.bad else 0


def _read_sheet(path: Path, choices: Choices, limits: TableLimits) -> ParsedSheet:
    if not path.is_file():
        raise CommandError(f"{path}: no such file")
    try:
        return parse_sheet(read_table(path, limits), choices)
    except (TableError, SheetError) as error:
        raise CommandError(str(error)) from error


async def backup(settings: Settings, args: argparse.Namespace) -> int:
    """Copy the database with SQLite's online backup API; safe while the bot runs."""
    if settings.database_url:
        raise CommandError(
            "backup copies the SQLite file; on PostgreSQL use pg_dump (see the README)"
        )
    source, target = settings.database_path, Path(args.file)
    _check_backup_paths(source, target)
    console = Console(stderr=True)
    with console.status("backing up…") if console.is_terminal else nullcontext():
        try:
            pages, size = await asyncio.to_thread(copy_database, source, target)
        except (OSError, sqlite3.Error) as error:
            raise CommandError(f"backup failed: {error}") from error
    async with open_services(settings) as services, services.storage.db.transaction():
        await services.storage.audit.record(ACTOR, "backup", target.name, services.clock.now())
    print(f"{target}: backup of {source} ({pages} pages, {size} bytes)")
    return 0


def _check_backup_paths(source: Path, target: Path) -> None:
    if not source.is_file():
        raise CommandError(f"{source}: no database here (DATABASE_PATH)")
    if target.exists():
        raise CommandError(f"{target}: already exists; choose a new file name")
    if not target.parent.is_dir():
        raise CommandError(f"{target.parent}: no such folder")


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


async def remove_officer(settings: Settings, args: argparse.Namespace) -> int:
    """Take the officer role away from a Telegram user."""
    address = str(args.telegram_id)
    async with open_services(settings) as services:
        storage, now = services.storage, services.clock.now()
        async with storage.db.transaction():
            removed = await storage.officers.remove("telegram", address)
            if removed:
                await storage.audit.record(ACTOR, "officer.remove", address, now)
    if not removed:
        raise CommandError(f"telegram user {address} is not an officer")
    print(f"telegram user {address} is no longer an officer")
    if args.telegram_id in settings.admin_telegram_ids:
        print(
            "note: this id is in ADMIN_TELEGRAM_IDS and becomes admin again when the bot starts;"
            " remove it there too"
        )
    return 0


HANDLERS: Final = {
    ("backup", None): backup,
    ("participants", "import"): import_sheet,
    ("export", "participants"): export,
    ("export", "enrollments"): export,
    ("officers", "remove"): remove_officer,
}
