"""`bast`: write a participant's Berita Acara Serah Terima (handover record) as PDF."""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.app import open_services
from bot.cli.common import Subparsers, equipment_refusals, write_file
from bot.settings import Settings
from handlers.bast import load_bast, render_bast
from handlers.equipment_admin import find_participant


def register(commands: Subparsers) -> None:
    """Add `bast --nik N --out FILE`."""
    record = commands.add_parser("bast", help="a participant's handover record (PDF)")
    record.add_argument("--nik", required=True)
    record.add_argument("--out", required=True)
    record.set_defaults(func=bast)


async def bast(settings: Settings, args: argparse.Namespace) -> int:
    """Write a participant's Berita Acara Serah Terima as PDF."""
    out = Path(args.out)
    async with open_services(settings) as services:
        with equipment_refusals():
            participant = await find_participant(services.storage, args.nik)
            document = await load_bast(services.storage, participant)
        content = render_bast(document, settings.zone, services.clock.now())
    write_file(out, content)
    print(f"{out}: BAST {document.number}, {len(document.allocations)} item(s)")
    return 0
