"""`faq add|list|edit|remove|import` and `tickets list|show|reply|close`: the help desk.

Answers typed here go out through the outbox, so the running bot delivers them; the tickets
export is `export tickets` (bot/cli/export.py).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from bot.app import open_services
from bot.cli.common import ACTOR, CliError, Subparsers
from bot.settings import Settings
from handlers.conversation.timefmt import format_datetime
from handlers.helpdesk.faqs import (
    FaqInput,
    describe,
    import_faqs,
    read_faq_sheet,
)
from handlers.helpdesk.policy import HelpdeskPolicy
from handlers.helpdesk.rules import TicketRefused
from handlers.helpdesk.tickets import answer, close
from handlers.spreadsheets.reading import SheetError
from handlers.spreadsheets.reasons import from_validation, render_reasons
from storage.helpdesk import TICKET_STATUSES


def register(commands: Subparsers) -> None:
    """Add the `faq` and `tickets` command groups."""
    _register_faq(commands)
    _register_tickets(commands)


def _register_faq(commands: Subparsers) -> None:
    faq = commands.add_parser("faq", help="questions and answers the bot gives at once")
    actions = faq.add_subparsers(dest="action", required=True)
    add = actions.add_parser("add", help="add a question and its answer")
    add.add_argument("--question", required=True)
    add.add_argument("--answer", required=True)
    add.add_argument("--keywords", default="", help='e.g. "oven, alat diambil"')
    add.set_defaults(func=faq_add)
    actions.add_parser("list", help="list every entry").set_defaults(func=faq_list)
    edit = actions.add_parser("edit", help="change an entry")
    edit.add_argument("id", type=int)
    edit.add_argument("--question")
    edit.add_argument("--answer")
    edit.add_argument("--keywords")
    edit.set_defaults(func=faq_edit)
    remove = actions.add_parser("remove", help="remove an entry")
    remove.add_argument("id", type=int)
    remove.set_defaults(func=faq_remove)
    sheet = actions.add_parser("import", help="entries from .csv/.xlsx: question,answer,keywords")
    sheet.add_argument("file", type=Path)
    sheet.set_defaults(func=faq_import)


def _register_tickets(commands: Subparsers) -> None:
    tickets = commands.add_parser("tickets", help="participants' questions (help desk)")
    actions = tickets.add_subparsers(dest="action", required=True)
    listing = actions.add_parser("list", help="list tickets, oldest first")
    listing.add_argument("--status", choices=TICKET_STATUSES)
    listing.set_defaults(func=tickets_list)
    show = actions.add_parser("show", help="a ticket and its messages")
    show.add_argument("id", type=int)
    show.set_defaults(func=tickets_show)
    reply = actions.add_parser("reply", help="answer a ticket (the running bot delivers it)")
    reply.add_argument("id", type=int)
    reply.add_argument("--text", required=True)
    reply.set_defaults(func=tickets_reply)
    closing = actions.add_parser("close", help="close a ticket")
    closing.add_argument("id", type=int)
    closing.add_argument("--note")
    closing.set_defaults(func=tickets_close)


def _entry(**values: Any) -> FaqInput:
    try:
        return FaqInput(**values)
    except ValidationError as error:
        raise CliError(render_reasons(from_validation(error), "en")) from error


async def faq_add(settings: Settings, args: argparse.Namespace) -> int:
    """Add an FAQ entry."""
    entry = _entry(question=args.question, answer=args.answer, keywords=args.keywords)
    async with open_services(settings) as services:
        storage, now = services.storage, services.clock.now()
        async with storage.db.transaction():
            if await storage.faqs.get_by_question(entry.question) is not None:
                raise CliError("an entry with this question exists: use faq edit")
            faq = await storage.faqs.add(entry.question, entry.answer, entry.keywords, now)
            await storage.audit.record(ACTOR, "faq.add", f"faq:{faq.id}", now)
    print(f"faq #{faq.id} added")
    return 0


async def faq_list(settings: Settings, _args: argparse.Namespace) -> int:
    """Print every FAQ entry."""
    async with open_services(settings) as services:
        faqs = await services.storage.faqs.list_all()
    for faq in faqs:
        print(describe(faq))
    if not faqs:
        print("no FAQ entries yet")
    return 0


async def faq_edit(settings: Settings, args: argparse.Namespace) -> int:
    """Change an FAQ entry's question, answer or keywords."""
    async with open_services(settings) as services:
        storage, now = services.storage, services.clock.now()
        async with storage.db.transaction():
            faq = await storage.faqs.get(args.id)
            if faq is None:
                raise CliError(f"no FAQ entry #{args.id}")
            entry = _entry(
                question=faq.question if args.question is None else args.question,
                answer=faq.answer if args.answer is None else args.answer,
                keywords=faq.keywords if args.keywords is None else args.keywords,
            )
            same = await storage.faqs.get_by_question(entry.question)
            if same is not None and same.id != faq.id:
                raise CliError(f"entry #{same.id} already has this question")
            await storage.faqs.update(faq.id, entry.question, entry.answer, entry.keywords, now)
            await storage.audit.record(ACTOR, "faq.edit", f"faq:{faq.id}", now)
    print(f"faq #{args.id} changed")
    return 0


async def faq_remove(settings: Settings, args: argparse.Namespace) -> int:
    """Remove an FAQ entry."""
    async with open_services(settings) as services:
        storage, now = services.storage, services.clock.now()
        async with storage.db.transaction():
            if not await storage.faqs.remove(args.id):
                raise CliError(f"no FAQ entry #{args.id}")
            await storage.audit.record(ACTOR, "faq.remove", f"faq:{args.id}", now)
    print(f"faq #{args.id} removed")
    return 0


async def faq_import(settings: Settings, args: argparse.Namespace) -> int:
    """Import entries from a sheet; exit 2 when some rows were bad."""
    try:
        good, problems = read_faq_sheet(args.file)
    except SheetError as error:
        raise CliError(f"{args.file}: {error}") from error
    async with open_services(settings) as services:
        storage, now = services.storage, services.clock.now()
        result = await import_faqs(storage, good, now)
        async with storage.db.transaction():
            await storage.audit.record(ACTOR, "faq.import", str(len(good)), now)
    for problem in problems:
        print(problem)
    print(
        f"{result.added} added, {result.changed} changed, {result.unchanged} unchanged,"
        f" {len(problems)} bad line(s)"
    )
    return 2 if problems else 0


async def tickets_list(settings: Settings, args: argparse.Namespace) -> int:
    """Print tickets, oldest first."""
    statuses = TICKET_STATUSES if args.status is None else (args.status,)
    async with open_services(settings) as services:
        found = await services.storage.tickets.list_by_status(statuses, limit=500)
        zone = services.zone
    for ticket in found:
        opened = format_datetime(ticket.opened_at, zone, "en")
        print(f"#{ticket.id}\t{ticket.status}\t{ticket.channel}\t{opened}")
    if not found:
        print("no tickets")
    return 0


async def tickets_show(settings: Settings, args: argparse.Namespace) -> int:
    """Print a ticket and its messages."""
    async with open_services(settings) as services:
        storage, zone = services.storage, services.zone
        ticket = await storage.tickets.get(args.id)
        if ticket is None:
            raise CliError(f"no ticket #{args.id}")
        messages = await storage.tickets.messages(ticket.id)
        async with storage.db.transaction():
            await storage.audit.record(
                ACTOR, "ticket.view", f"ticket:{ticket.id}", services.clock.now()
            )
    print(
        f"ticket #{ticket.id}: {ticket.status}, {ticket.channel}, opened "
        f"{format_datetime(ticket.opened_at, zone, 'en')}"
    )
    for message in messages:
        text = message.text or (f"({message.kind})" if message.media else "(erased)")
        when = format_datetime(message.created_at, zone, "en")
        print(f"{when}\t{message.author}\t{text}")
    return 0


async def tickets_reply(settings: Settings, args: argparse.Namespace) -> int:
    """Queue an answer to the participant; the running bot sends it."""
    async with open_services(settings) as services:
        storage, now = services.storage, services.clock.now()
        try:
            async with storage.db.transaction():
                await answer(
                    storage,
                    services.need(HelpdeskPolicy),
                    args.id,
                    None,
                    args.text,
                    now,
                    actor=ACTOR,
                )
        except TicketRefused as refused:
            raise CliError(_refusal(args.id, refused)) from refused
    print(f"answer to ticket #{args.id} queued")
    return 0


async def tickets_close(settings: Settings, args: argparse.Namespace) -> int:
    """Close a ticket."""
    async with open_services(settings) as services:
        storage, now = services.storage, services.clock.now()
        try:
            async with storage.db.transaction():
                await close(storage, args.id, None, args.note, now, actor=ACTOR)
        except TicketRefused as refused:
            raise CliError(_refusal(args.id, refused)) from refused
    print(f"ticket #{args.id} closed")
    return 0


def _refusal(ticket_id: int, refused: TicketRefused) -> str:
    reasons = {
        "unknown": f"no ticket #{ticket_id}",
        "closed": f"ticket #{ticket_id} is closed",
        "erased": f"ticket #{ticket_id} belongs to erased data",
        "empty": "the text is empty",
    }
    return reasons.get(refused.reason, f"ticket #{ticket_id}: {refused.reason}")
