"""Equipment at the desk: items, allocations (one or a whole sheet), handover, BAST, rekap."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Final

from rich.console import Console
from rich.progress import Progress, TaskID

from bot.app import open_services
from bot.desk import give_the_bot_the_cpu_first
from bot.officer_cli import CommandError
from bot.settings import Settings
from handlers.allocation_import import ParsedSheet, SheetError, parse_sheet
from handlers.bast import load_bast, render_bast
from handlers.equipment_admin import (
    add_item,
    allocate_by_nik,
    edit_item,
    find_participant,
    hand_over,
    import_allocations,
)
from handlers.equipment_export import export_allocations
from handlers.equipment_rules import EquipmentRefused, read_quantity
from handlers.exports import FORMATS, ExportFormat
from handlers.tables import TableError, TableLimits, read_table
from handlers.validation import mask_nik

ACTOR: Final = "cli"
DEFAULT_OFFICER: Final = "Petugas (CLI)"
# Imports larger than this show a progress bar (on a terminal).
PROGRESS_FROM: Final = 200


@contextmanager
def _refusals() -> Iterator[None]:
    """Turn a refused equipment action into the CLI's one-line error."""
    try:
        yield
    except EquipmentRefused as error:
        raise CommandError(str(error)) from error


async def items(settings: Settings, args: argparse.Namespace) -> int:
    """Add, edit or list the kinds of equipment."""
    async with open_services(settings) as services:
        storage, now = services.storage, services.clock.now()
        with _refusals():
            if args.item_action == "add":
                item = await add_item(storage, args.name, args.unit, actor=ACTOR, now=now)
                print(f"item {item.id} added: {item.name} ({item.unit})")
            elif args.item_action == "edit":
                item = await edit_item(
                    storage,
                    args.name,
                    new_name=args.new_name,
                    unit=args.unit,
                    actor=ACTOR,
                    now=now,
                )
                print(f"item {item.id} is now: {item.name} ({item.unit})")
            else:
                for item in await storage.equipment_items.list_all():
                    print(f"{item.id}\t{item.name}\t{item.unit}")
    return 0


async def allocate(settings: Settings, args: argparse.Namespace) -> int:
    """Allocate a quantity of an item to the participant with a NIK (again: the new quantity)."""
    async with open_services(settings) as services:
        with _refusals():
            quantity = read_quantity(args.qty)
            done = await allocate_by_nik(
                services.storage,
                args.nik,
                args.item,
                quantity,
                actor=ACTOR,
                now=services.clock.now(),
            )
    allocation = done.allocation
    nik = mask_nik(done.participant.nik or "")
    print(
        f"{nik}: {allocation.item_name} x{allocation.quantity} {allocation.item_unit}"
        f" ({done.change.kind})"
    )
    return 0


async def import_sheet(settings: Settings, args: argparse.Namespace) -> int:
    """Import allocations from a .csv/.xlsx sheet; exit 2 when some rows were bad."""
    give_the_bot_the_cpu_first()
    path = Path(args.file)
    sheet = _read_sheet(path, TableLimits(max_rows=settings.import_max_rows))
    async with open_services(settings) as services:
        with _progress(len(sheet.rows)) as advance:
            report = await import_allocations(
                services.storage,
                sheet.rows,
                actor=ACTOR,
                now=services.clock.now(),
                on_row=advance,
            )
    bad = sorted(sheet.bad + report.bad, key=lambda row: row.line)
    for row in bad:
        print(row, file=sys.stderr)
    print(
        f"{path.name}: {report.new} new, {report.changed} changed, {report.unchanged} unchanged,"
        f" {len(bad)} bad row(s)"
    )
    return 2 if bad else 0


def _read_sheet(path: Path, limits: TableLimits) -> ParsedSheet:
    if not path.is_file():
        raise CommandError(f"{path}: no such file")
    try:
        return parse_sheet(read_table(path, limits))
    except (TableError, SheetError) as error:
        raise CommandError(str(error)) from error


@contextmanager
def _progress(total: int) -> Iterator[_Advance]:
    if total < PROGRESS_FROM or not sys.stderr.isatty():
        yield _Advance(None, None)
        return
    with Progress(console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("importing", total=total)
        yield _Advance(progress, task)


class _Advance:
    """Move the progress bar one row on; nothing without a bar."""

    def __init__(self, progress: Progress | None, task: TaskID | None) -> None:
        self._progress = progress
        self._task = task

    def __call__(self) -> None:
        if self._progress is not None and self._task is not None:
            self._progress.advance(self._task)


async def handover(settings: Settings, args: argparse.Namespace) -> int:
    """Record the handover of everything allocated to a participant; ask them to confirm."""
    async with open_services(settings) as services:
        with _refusals():
            participant = await find_participant(services.storage, args.nik)
            done = await hand_over(
                services.storage,
                participant,
                officer=args.officer,
                actor=ACTOR,
                now=services.clock.now(),
            )
    nik = mask_nik(participant.nik or "")
    handed = ", ".join(f"{a.item_name} x{a.quantity}" for a in done.allocations)
    print(f"{nik}: handed over {handed}")
    if done.asked:
        print(f"the participant is asked to confirm ({done.asked} chat(s))")
    else:
        print("warning: the participant has no chat with the bot; ask them to confirm in person")
    return 0


async def bast(settings: Settings, args: argparse.Namespace) -> int:
    """Write a participant's Berita Acara Serah Terima as PDF."""
    out = Path(args.out)
    async with open_services(settings) as services:
        with _refusals():
            participant = await find_participant(services.storage, args.nik)
            document = await load_bast(services.storage, participant)
        content = render_bast(document, settings.zone, services.clock.now())
    _write(out, content)
    print(f"{out}: BAST {document.number}, {len(document.allocations)} item(s)")
    return 0


async def export(settings: Settings, args: argparse.Namespace) -> int:
    """Export the rekap penerima bantuan (allocations) as CSV or XLSX."""
    give_the_bot_the_cpu_first()
    out = Path(args.out)
    export_format = _format(args.format, out)
    _check_folder(out)
    async with open_services(settings) as services:
        written = await export_allocations(services.storage, settings.zone, out, export_format)
    print(f"{out}: {written} allocation(s)")
    return 0


def _format(given: str | None, out: Path) -> ExportFormat:
    chosen = given or out.suffix.lower().lstrip(".")
    for known in FORMATS:
        if chosen == known:
            return known
    raise CommandError("--format must be csv or xlsx")


def _check_folder(out: Path) -> None:
    if not out.parent.is_dir():
        raise CommandError(f"{out.parent}: no such folder")


def _write(out: Path, content: bytes) -> None:
    try:
        out.write_bytes(content)
    except OSError as error:
        raise CommandError(f"{out}: {error.strerror or error}") from error


def add_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Describe `equipment ...`, `bast` and `export allocations`."""
    equipment = commands.add_parser("equipment", help="equipment items, allocations, handover")
    actions = equipment.add_subparsers(dest="action", required=True)
    item_actions = actions.add_parser("items", help="kinds of equipment").add_subparsers(
        dest="item_action", required=True
    )
    add = item_actions.add_parser("add", help="add a kind of equipment")
    add.add_argument("--name", required=True)
    add.add_argument("--unit", default="buah", help="e.g. buah, unit, set (default: buah)")
    edit = item_actions.add_parser("edit", help="rename an item or change its unit")
    edit.add_argument("--name", required=True)
    edit.add_argument("--new-name")
    edit.add_argument("--unit")
    item_actions.add_parser("list", help="list the items")
    allocation = actions.add_parser("allocate", help="allocate an item to a participant")
    allocation.add_argument("--nik", required=True)
    allocation.add_argument("--item", required=True)
    allocation.add_argument("--qty", required=True)
    sheet = actions.add_parser("import", help="import allocations: columns nik,item,qty")
    sheet.add_argument("file", help="a .csv or .xlsx file")
    handed = actions.add_parser("handover", help="mark a participant's allocations handed over")
    handed.add_argument("--nik", required=True)
    handed.add_argument("--officer", default=DEFAULT_OFFICER, help="name shown on the BAST")
    record = commands.add_parser("bast", help="a participant's handover record (PDF)")
    record.add_argument("--nik", required=True)
    record.add_argument("--out", required=True)


def add_export_parser(exports: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Describe `export allocations`."""
    rekap = exports.add_parser("allocations", help="rekap penerima bantuan")
    rekap.add_argument("--format", choices=FORMATS, help="default: from the --out suffix")
    rekap.add_argument("--out", required=True)


HANDLERS: Final = {
    ("equipment", "items"): items,
    ("equipment", "allocate"): allocate,
    ("equipment", "import"): import_sheet,
    ("equipment", "handover"): handover,
    ("bast", None): bast,
    ("export", "allocations"): export,
}
