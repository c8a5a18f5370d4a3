"""`participants import FILE`: pre-registered participants from a .csv/.xlsx sheet."""

from __future__ import annotations

import argparse
import sys
from functools import partial
from pathlib import Path

from bot.app import open_services
from bot.cli.common import ACTOR, Subparsers, progress_bar, read_sheet
from bot.desk import give_the_bot_the_cpu_first
from bot.settings import Settings
from handlers.participant_import import Choices, import_participants, parse_sheet


def register(commands: Subparsers) -> None:
    """Add `participants import FILE`."""
    participants = commands.add_parser("participants", help="participants").add_subparsers(
        dest="action", required=True
    )
    sheet = participants.add_parser(
        "import",
        help="pre-registered participants: columns nik,full_name,phone,business_name,"
        "sector,kecamatan",
    )
    sheet.add_argument("file", help="a .csv or .xlsx file")
    sheet.set_defaults(func=import_sheet)


async def import_sheet(settings: Settings, args: argparse.Namespace) -> int:
    """Import pre-registered participants; exit 2 when some rows were bad."""
    give_the_bot_the_cpu_first()
    path = Path(args.file)
    async with open_services(settings) as services:
        choices = Choices(services.sectors, services.region.kecamatan)
        sheet = read_sheet(path, partial(parse_sheet, choices=choices), settings)
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
