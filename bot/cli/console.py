"""`console link --telegram-id N`: a one-time sign-in link for the web console, at the desk."""

from __future__ import annotations

import argparse

from bot.app import open_services
from bot.cli.common import ACTOR, CliError, Subparsers
from bot.settings import Settings
from handlers.console.signin import SignInRefused, issue_link


def register(commands: Subparsers) -> None:
    """Add `console link`."""
    console = commands.add_parser("console", help="the officer web console")
    actions = console.add_subparsers(dest="action", required=True)
    link = actions.add_parser(
        "link", help="print a one-time sign-in link (10 minutes) for an officer"
    )
    link.add_argument("--telegram-id", required=True, type=int)
    link.set_defaults(func=print_link)


async def print_link(settings: Settings, args: argparse.Namespace) -> int:
    """Print a sign-in link for the officer with this Telegram id."""
    if not settings.public_base_url:
        raise CliError("PUBLIC_BASE_URL is not set: the web console is off")
    address = str(args.telegram_id)
    async with open_services(settings) as services:
        storage, now = services.storage, services.clock.now()
        officer = await storage.officers.get("telegram", address)
        if officer is None:
            async with storage.db.transaction():
                await storage.audit.record(ACTOR, "denied:console.link", address, now)
            raise CliError(f"telegram user {address} is not an officer")
        try:
            link = await issue_link(storage, officer, settings.public_base_url, now)
        except SignInRefused as error:
            raise CliError(
                "too many sign-in links for this officer in the last 10 minutes"
            ) from error
    print(link)
    return 0
