"""`export participants|enrollments|allocations`: the officer spreadsheets, CSV or XLSX."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Final

from bot.app import open_services
from bot.cli.common import ACTOR, CliError, Subparsers, check_folder, export_format, progress_bar
from bot.desk import give_the_bot_the_cpu_first
from bot.settings import Settings
from handlers.exports import FORMATS
from handlers.participant_exports import EXPORTS, ExportKind, write_export

PURPOSES: Final[dict[ExportKind, str]] = {
    "allocations": "rekap penerima bantuan",
    "participants": "data peserta",
    "enrollments": "daftar hadir per session",
}
# What the closing line counts, per export.
COUNTED: Final[dict[ExportKind, str]] = {
    "allocations": "allocation(s)",
    "participants": "row(s)",
    "enrollments": "row(s)",
}


def register(commands: Subparsers) -> None:
    """Add `export participants|enrollments|allocations --format F --out FILE`."""
    exports = commands.add_parser("export", help="export spreadsheets (CSV or XLSX)")
    kinds = exports.add_subparsers(dest="action", required=True)
    for kind, purpose in PURPOSES.items():
        parser = kinds.add_parser(kind, help=purpose)
        parser.add_argument("--format", choices=FORMATS, help="default: from the --out suffix")
        parser.add_argument("--out", required=True)
        parser.set_defaults(func=export)


async def export(settings: Settings, args: argparse.Namespace) -> int:
    """Write one export as CSV or XLSX."""
    give_the_bot_the_cpu_first()
    kind: ExportKind = args.action
    out = Path(args.out)
    chosen = export_format(args.format, out)
    check_folder(out)
    async with open_services(settings) as services:
        storage = services.storage
        total = await EXPORTS[kind].count(storage)
        with progress_bar(f"export {kind}", total) as advance:
            try:
                written = await write_export(
                    storage, settings.zone, kind, out, chosen, on_row=advance
                )
            except OSError as error:
                raise CliError(f"{out}: {error.strerror or error}") from error
        await storage.audit.record(
            ACTOR, f"export.{kind}.{chosen}", str(written), services.clock.now()
        )
    print(f"{out}: {written} {COUNTED[kind]}")
    return 0
