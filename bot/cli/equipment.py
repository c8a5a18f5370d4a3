"""`equipment ...`: kinds of equipment, allocations (one or a whole sheet), handover."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Final

from bot.app import open_services
from bot.cli.common import ACTOR, Subparsers, equipment_refusals, progress_bar, read_sheet
from bot.desk import give_the_bot_the_cpu_first
from bot.settings import Settings
from handlers.allocation_import import parse_sheet
from handlers.equipment_admin import (
    add_item,
    allocate_by_nik,
    edit_item,
    find_participant,
    hand_over,
    import_allocations,
)
from handlers.equipment_rules import read_quantity
from handlers.validation import mask_nik

DEFAULT_OFFICER: Final = "Petugas (CLI)"


def register(commands: Subparsers) -> None:
    """Add `equipment items|allocate|import|handover`."""
    equipment = commands.add_parser("equipment", help="equipment items, allocations, handover")
    actions = equipment.add_subparsers(dest="action", required=True)
    item_actions = actions.add_parser("items", help="kinds of equipment").add_subparsers(
        dest="item_action", required=True
    )
    add = item_actions.add_parser("add", help="add a kind of equipment")
    add.add_argument("--name", required=True)
    add.add_argument("--unit", default="buah", help="e.g. buah, unit, set (default: buah)")
    add.set_defaults(func=add_items)
    edit = item_actions.add_parser("edit", help="rename an item or change its unit")
    edit.add_argument("--name", required=True)
    edit.add_argument("--new-name")
    edit.add_argument("--unit")
    edit.set_defaults(func=edit_items)
    item_actions.add_parser("list", help="list the items").set_defaults(func=list_items)
    allocation = actions.add_parser("allocate", help="allocate an item to a participant")
    allocation.add_argument("--nik", required=True)
    allocation.add_argument("--item", required=True)
    allocation.add_argument("--qty", required=True)
    allocation.set_defaults(func=allocate)
    sheet = actions.add_parser("import", help="import allocations: columns nik,item,qty")
    sheet.add_argument("file", help="a .csv or .xlsx file")
    sheet.set_defaults(func=import_sheet)
    handed = actions.add_parser("handover", help="mark a participant's allocations handed over")
    handed.add_argument("--nik", required=True)
    handed.add_argument("--officer", default=DEFAULT_OFFICER, help="name shown on the BAST")
    handed.set_defaults(func=handover)


async def add_items(settings: Settings, args: argparse.Namespace) -> int:
    """Add a kind of equipment."""
    async with open_services(settings) as services:
        with equipment_refusals():
            item = await add_item(
                services.storage, args.name, args.unit, actor=ACTOR, now=services.clock.now()
            )
    print(f"item {item.id} added: {item.name} ({item.unit})")
    return 0


async def edit_items(settings: Settings, args: argparse.Namespace) -> int:
    """Rename a kind of equipment or change its unit."""
    async with open_services(settings) as services:
        with equipment_refusals():
            item = await edit_item(
                services.storage,
                args.name,
                new_name=args.new_name,
                unit=args.unit,
                actor=ACTOR,
                now=services.clock.now(),
            )
    print(f"item {item.id} is now: {item.name} ({item.unit})")
    return 0


async def list_items(settings: Settings, _args: argparse.Namespace) -> int:
    """Print every kind of equipment."""
    async with open_services(settings) as services:
        for item in await services.storage.equipment_items.list_all():
            print(f"{item.id}\t{item.name}\t{item.unit}")
    return 0


async def allocate(settings: Settings, args: argparse.Namespace) -> int:
    """Allocate a quantity of an item to the participant with a NIK (again: the new quantity)."""
    async with open_services(settings) as services:
        with equipment_refusals():
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
    sheet = read_sheet(path, parse_sheet, settings)
    async with open_services(settings) as services:
        with progress_bar("importing", len(sheet.rows)) as advance:
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


async def handover(settings: Settings, args: argparse.Namespace) -> int:
    """Record the handover of everything allocated to a participant; ask them to confirm."""
    async with open_services(settings) as services:
        with equipment_refusals():
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
