"""`broadcast ...`: queue an announcement (now or at a time), follow it, list, cancel.

The CLI never prompts and never sends: it writes the broadcast and its outbox rows (or only
the broadcast, when scheduled) and returns; the running bot delivers them and keeps the
final counts.
"""

from __future__ import annotations

import argparse
from datetime import datetime
from typing import Final

from bot.app import open_services
from bot.cli.common import ACTOR, CliError, Subparsers
from bot.settings import Settings
from handlers.audience import InvalidAudience, parse_audience
from handlers.broadcasting import (
    BroadcastRefused,
    BroadcastReport,
    cancel_scheduled,
    format_reasons,
    report,
    start_broadcast,
)
from handlers.timefmt import format_datetime, format_time, parse_duration, parse_local_datetime

SPEC_HELP: Final = (
    "all | session:CODE | waitlist:CODE | kecamatan:NAME | sector:NAME | unconfirmed | noshow:CODE"
)
CHANNEL_NAMES: Final = {"telegram": "Telegram", "whatsapp": "WhatsApp"}
REFUSALS: Final = {
    "text_empty": "--text: the announcement is empty",
    "text_too_long": "--text: the announcement is longer than 3500 characters",
    "past": "--at: that time has passed",
}


def register(commands: Subparsers) -> None:
    """Add `broadcast --text T --audience A [--at|--in]` and `broadcast status|list|cancel`."""
    broadcast = commands.add_parser(
        "broadcast",
        help="send an announcement to an audience (queued; the running bot sends it)",
    )
    broadcast.add_argument("--text", help="the announcement")
    broadcast.add_argument("--audience", help=SPEC_HELP)
    when = broadcast.add_mutually_exclusive_group()
    when.add_argument("--at", help='send at this time in TIMEZONE, e.g. "2026-12-01 08:00"')
    when.add_argument("--in", dest="after", help="send after this long, e.g. 30m or 2h")
    broadcast.set_defaults(func=send)
    actions = broadcast.add_subparsers(dest="action")
    following = actions.add_parser("status", help="progress and report of a broadcast")
    following.add_argument("id", type=int)
    following.set_defaults(func=status)
    actions.add_parser("list", help="the latest broadcasts").set_defaults(func=list_broadcasts)
    cancelling = actions.add_parser("cancel", help="cancel a broadcast that waits for its time")
    cancelling.add_argument("id", type=int)
    cancelling.set_defaults(func=cancel)


async def send(settings: Settings, args: argparse.Namespace) -> int:
    """Queue a broadcast now, or schedule it; print its id and recipient count."""
    if not args.text or not args.audience:
        raise CliError("broadcast needs --text and --audience (or: status ID, list, cancel ID)")
    try:
        audience = parse_audience(args.audience)
    except InvalidAudience as error:
        raise CliError(f"--audience: {_audience_problem(error)}") from error
    async with open_services(settings) as services:
        now = services.clock.now()
        at = _when(args, settings, now)
        try:
            broadcast, count = await start_broadcast(
                services, author=ACTOR, text=args.text, audience=audience, now=now, at=at
            )
        except InvalidAudience as error:
            raise CliError(f"--audience: {_audience_problem(error)}") from error
        except BroadcastRefused as error:
            raise CliError(REFUSALS.get(error.reason, error.reason)) from error
    if at is None:
        print(
            f"broadcast {broadcast.id} queued for {count} recipient(s)"
            f" (skipped: {broadcast.skipped_blocked} blocked, "
            f"{broadcast.skipped_opted_out} opted out)"
        )
    else:
        when = format_datetime(at, settings.zone)
        print(f"broadcast {broadcast.id} scheduled for {when}: {count} recipient(s) today")
    print(f"follow it with: python -m bot broadcast status {broadcast.id}")
    return 0


def _when(args: argparse.Namespace, settings: Settings, now: datetime) -> datetime | None:
    try:
        if args.at:
            return parse_local_datetime(args.at, settings.zone)
        if args.after:
            return now + parse_duration(args.after)
    except ValueError as error:
        option = "--at" if args.at else "--in"
        raise CliError(f"{option}: {error}") from error
    return None


def _audience_problem(error: InvalidAudience) -> str:
    messages = {
        "malformed": f"expected {SPEC_HELP}",
        "unknown_kind": f"unknown audience {error.value!r}; expected {SPEC_HELP}",
        "no_value_expected": f"{error.value} takes no value",
        "value_missing": f"{error.value} needs a value, e.g. {error.value}:...",
        "unknown_session": f"no session with code {error.value!r}",
        "unknown_kecamatan": f"unknown kecamatan {error.value!r}",
        "unknown_sector": f"unknown sector {error.value!r}",
        "not_started": f"session {error.value} has not started: no no-shows yet",
    }
    return messages.get(error.reason, str(error))


async def status(settings: Settings, args: argparse.Namespace) -> int:
    """Print a broadcast's progress and report."""
    async with open_services(settings) as services:
        storage = services.storage
        result = await report(storage, args.id)
        if result is None:
            raise CliError(f"no broadcast with id {args.id}")
        waiting_on = await storage.outbox.waiting_by_channel(args.id)
        down = {
            channel: since
            for channel, since in (await storage.channel_states.down_since()).items()
            if waiting_on.get(channel)
        }
        now = services.clock.now()
    for line in status_lines(result, settings, down=down, now=now):
        print(line)
    return 0


def status_lines(
    result: BroadcastReport,
    settings: Settings,
    *,
    down: dict[str, datetime] | None = None,
    now: datetime | None = None,
) -> list[str]:
    """Return the lines `broadcast status` prints.

    `down` names the channels this broadcast's waiting messages are on that are down, and
    since when: those messages wait for the platform, they have not failed.
    """
    broadcast = result.broadcast
    reasons = format_reasons(result.failed_by_reason(), "en")
    lines = [
        f"broadcast {broadcast.id}: {broadcast.status}",
        f"author: {broadcast.author}",
        f"audience: {broadcast.audience}",
    ]
    if broadcast.scheduled_at is not None:
        lines.append(f"scheduled: {format_datetime(broadcast.scheduled_at, settings.zone)}")
    if broadcast.status in ("scheduled", "cancelled"):
        return lines
    lines += [
        f"recipients: {result.total} (skipped: {broadcast.skipped_blocked} blocked before,"
        f" {broadcast.skipped_opted_out} opted out)",
        f"progress: {result.total - result.waiting}/{result.total}",
        f"sent: {result.sent}",
        f"failed: {result.failed}" + (f" ({reasons})" if reasons else ""),
        f"blocked: {result.blocked}",
        f"waiting: {result.waiting}" + _waiting_for(down or {}, settings, now),
    ]
    return lines


def _waiting_for(down: dict[str, datetime], settings: Settings, now: datetime | None) -> str:
    """Return " (waiting for Telegram since 14.05 WIB)" for the channels that are down."""
    if not down:
        return ""
    parts = []
    for channel, since in sorted(down.items()):
        same_day = now is not None and (
            since.astimezone(settings.zone).date() == now.astimezone(settings.zone).date()
        )
        when = (
            format_time(since, settings.zone)
            if same_day
            else format_datetime(since, settings.zone)
        )
        parts.append(f"waiting for {CHANNEL_NAMES.get(channel, channel)} since {when}")
    return f" ({'; '.join(parts)})"


async def list_broadcasts(settings: Settings, _args: argparse.Namespace) -> int:
    """Print the latest broadcasts."""
    async with open_services(settings) as services:
        broadcasts = await services.storage.broadcasts.recent(20)
    if not broadcasts:
        print("no broadcasts yet")
        return 0
    print("id\tstatus\tscheduled\trecipients\taudience\ttext")
    for item in broadcasts:
        when = (
            "" if item.scheduled_at is None else format_datetime(item.scheduled_at, settings.zone)
        )
        recipients = "" if item.recipients is None else str(item.recipients)
        first_line = item.text.splitlines()[0][:40]
        print(f"{item.id}\t{item.status}\t{when}\t{recipients}\t{item.audience}\t{first_line}")
    return 0


async def cancel(settings: Settings, args: argparse.Namespace) -> int:
    """Cancel a broadcast that has not gone out yet."""
    async with open_services(settings) as services:
        storage = services.storage
        found = await storage.broadcasts.get(args.id)
        if found is None:
            raise CliError(f"no broadcast with id {args.id}")
        if not await cancel_scheduled(storage, args.id, ACTOR, services.clock.now()):
            raise CliError(
                f"broadcast {args.id} is {found.status}: only a scheduled one can be cancelled"
            )
    print(f"broadcast {args.id} cancelled")
    return 0
