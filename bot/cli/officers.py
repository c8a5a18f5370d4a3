"""`officers add|list|remove`: who may use the officer tools in chat."""

from __future__ import annotations

import argparse

from bot.app import open_services
from bot.cli.common import ACTOR, CliError, Subparsers
from bot.settings import Settings


def register(commands: Subparsers) -> None:
    """Add `officers add|list|remove`."""
    officers = commands.add_parser("officers", help="officers and admins").add_subparsers(
        dest="action", required=True
    )
    add = officers.add_parser("add", help="make a Telegram user an officer or admin")
    add.add_argument("--telegram-id", required=True, type=int)
    add.add_argument("--role", required=True, choices=("admin", "officer"))
    add.set_defaults(func=add_officer)
    officers.add_parser("list", help="list officers").set_defaults(func=list_officers)
    remove = officers.add_parser("remove", help="take the officer role away from a user")
    remove.add_argument("--telegram-id", required=True, type=int)
    remove.set_defaults(func=remove_officer)


async def add_officer(settings: Settings, args: argparse.Namespace) -> int:
    """Make a Telegram user an officer or admin."""
    if args.telegram_id <= 0:
        raise CliError("--telegram-id must be a positive Telegram user id")
    async with open_services(settings) as services:
        storage, now = services.storage, services.clock.now()
        async with storage.db.transaction():
            officer = await storage.officers.add("telegram", str(args.telegram_id), args.role, now)
            await storage.audit.record(ACTOR, f"officer.add.{officer.role}", officer.address, now)
    print(f"telegram user {officer.address} is now {officer.role}")
    return 0


async def list_officers(settings: Settings, _args: argparse.Namespace) -> int:
    """Print every officer."""
    async with open_services(settings) as services:
        officers = await services.storage.officers.list_all()
    for officer in officers:
        print(f"{officer.channel}\t{officer.address}\t{officer.role}")
    if not officers:
        print("no officers yet")
    return 0


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
        raise CliError(f"telegram user {address} is not an officer")
    print(f"telegram user {address} is no longer an officer")
    if args.telegram_id in settings.admin_telegram_ids:
        print(
            "note: this id is in ADMIN_TELEGRAM_IDS and becomes admin again when the bot starts;"
            " remove it there too"
        )
    return 0
