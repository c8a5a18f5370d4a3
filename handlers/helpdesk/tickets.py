"""Tickets: the one service chat, CLI and scheduler call. Runs in the caller's transaction.

Messages to officers and participants go through the outbox, with keys that say what they
are: `ticket:<id>:m<message>:o<officer>` is an alert (the Telegram message an officer can
reply to), `ticketedit:<id>:<event>:o<officer>:<alert>` replaces an alert's text,
`ticketanswer:<id>:m<message>` is an answer to the participant (on WhatsApp outside the
24-hour window it goes as the notice template).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final, Literal
from zoneinfo import ZoneInfo

from handlers.conversation import texts
from handlers.conversation.messages import Button, Reply
from handlers.conversation.outbox import stored
from handlers.helpdesk.payloads import CloseTicket, Done, TakeTicket
from handlers.helpdesk.policy import HelpdeskPolicy
from handlers.helpdesk.rules import TicketRefused, after, check_actionable, clean_text
from storage import Storage
from storage.helpdesk import MessageKind, Ticket, TicketMessage, hour_ago
from storage.models import Channel, Officer, Participant

ALERT_PREFIX: Final = "ticket:"
EDIT_PREFIX: Final = "ticketedit:"
ANSWER_PREFIX: Final = "ticketanswer:"
_ALERT_KEY = re.compile(r"^ticket:(\d{1,12}):m\d+:o(\d{1,12})$")
AlertState = Literal["taken", "answered", "closed"]
ERASED_TEXT: Final = "(dihapus)"
CHANNEL_NAMES: Final = {"telegram": "Telegram", "whatsapp": "WhatsApp", "console": "Console"}


@dataclass(frozen=True)
class Incoming:
    """What a participant sent to the desk: a text, or a photo, document or voice note."""

    kind: MessageKind
    text: str | None = None
    media: str | None = None


@dataclass(frozen=True)
class Received:
    """Where a participant's message went: its ticket, new or not, and whether officers saw it."""

    ticket: Ticket
    new: bool
    alerted: bool


def alert_key(ticket_id: int, message_id: int, officer_id: int) -> str:
    """Return the outbox key of one officer's alert about one message."""
    return f"{ALERT_PREFIX}{ticket_id}:m{message_id}:o{officer_id}"


def alert_of(key: str) -> tuple[int, int] | None:
    """Return (ticket id, officer id) of an alert's outbox key, or None for other keys."""
    match = _ALERT_KEY.match(key)
    return None if match is None else (int(match.group(1)), int(match.group(2)))


def officer_label(officer: Officer) -> str:
    """Return how officers see each other named: the display name, or the officer id."""
    return officer.display_name or f"#{officer.id}"


async def receive(
    storage: Storage,
    policy: HelpdeskPolicy,
    zone: ZoneInfo,
    *,
    channel: Channel,
    address: str,
    participant: Participant | None,
    incoming: Incoming,
    now: datetime,
) -> Received:
    """Open a ticket or add to the person's current one, and alert officers within limits."""
    participant_id = None if participant is None else participant.id
    ticket = await storage.tickets.current_for_chat(
        channel, address, participant_id, now - policy.followup
    )
    new = ticket is None
    if ticket is None:
        ticket = await storage.tickets.open(channel, address, participant_id, now)
    else:
        after(ticket.status, "participant_message")
        await storage.tickets.reopen(ticket.id)
    alerted = await storage.tickets.alerts_since(ticket.id, hour_ago(now)) < (
        policy.max_alerts_per_hour
    )
    message_id = await storage.tickets.add_message(
        ticket.id,
        "participant",
        incoming.kind,
        incoming.text,
        incoming.media,
        now,
        alerted=alerted,
    )
    if alerted:
        await _alert(storage, ticket, participant, message_id, incoming, new, now, zone)
    fresh = await storage.tickets.get(ticket.id)
    assert fresh is not None  # noqa: S101 - written in this transaction
    return Received(fresh, new, alerted)


async def _alert(
    storage: Storage,
    ticket: Ticket,
    participant: Participant | None,
    message_id: int,
    incoming: Incoming,
    new: bool,
    now: datetime,
    zone: ZoneInfo,
) -> None:
    who = await describe_person(storage, ticket, participant, zone)
    for officer in await storage.officers.list_all():
        if not officer.helpdesk_alerts:
            continue
        language = await _language(storage, officer.channel, officer.address)
        reply = alert_reply(language, ticket.id, who, incoming, new)
        await storage.outbox.enqueue(
            alert_key(ticket.id, message_id, officer.id),
            officer.channel,
            officer.address,
            stored(reply),
            now,
        )


def alert_reply(language: str, ticket_id: int, who: str, incoming: Incoming, new: bool) -> Reply:
    """Compose an officer's alert: who asked, what, and the take / close buttons."""
    header = texts.text(
        language, "tiket.alert.new" if new else "tiket.alert.more", ticket=ticket_id
    )
    body = incoming.text or texts.text(language, f"tiket.kind.{incoming.kind}")
    text = "\n".join((header, who, "", body, "", texts.text(language, "tiket.alert.hint")))
    return Reply(
        text,
        buttons=alert_buttons(language, ticket_id),
        photo_file_id=incoming.media if incoming.kind == "photo" else None,
        document_file_id=incoming.media if incoming.kind == "document" else None,
        voice_file_id=incoming.media if incoming.kind == "voice" else None,
    )


def alert_buttons(language: str, ticket_id: int) -> tuple[tuple[Button, ...], ...]:
    """Return the buttons under an alert."""
    return (
        (
            Button(texts.text(language, "tiket.btn.take"), TakeTicket(ticket_id).pack()),
            Button(texts.text(language, "tiket.btn.close"), CloseTicket(ticket_id).pack()),
        ),
    )


async def describe_person(
    storage: Storage, ticket: Ticket, participant: Participant | None, zone: ZoneInfo
) -> str:
    """Return the lines naming who asked: name, session, kecamatan, channel."""
    channel = CHANNEL_NAMES.get(ticket.channel, ticket.channel)
    if participant is None or participant.deleted_at is not None:
        return texts.text(texts.DEFAULT_LANGUAGE, "tiket.who.unregistered", channel=channel)
    sessions = await storage.enrollments.for_participant(participant.id)
    active = [item.session.code for item in sessions if item.enrollment.status != "cancelled"]
    return texts.text(
        texts.DEFAULT_LANGUAGE,
        "tiket.who",
        name=participant.full_name or "-",
        session=", ".join(active) or "-",
        kecamatan=participant.kecamatan or "-",
        channel=channel,
    )


async def answer(
    storage: Storage,
    policy: HelpdeskPolicy,
    ticket_id: int,
    officer: Officer | None,
    text: str,
    now: datetime,
    *,
    actor: str,
    photo: str | None = None,
) -> Ticket:
    """Send an officer's answer to the participant through the outbox and record it."""
    ticket = check_actionable(await storage.tickets.get(ticket_id))
    after(ticket.status, "officer_answer")
    body = clean_text(text) if text.strip() or photo is None else ""
    officer_id = None if officer is None else officer.id
    message_id = await storage.tickets.add_message(
        ticket.id,
        "officer",
        "photo" if photo else "text",
        body or None,
        photo,
        now,
        officer_id=officer_id,
    )
    signature = (
        officer_label(officer) if officer is not None and policy.show_officer_name else None
    )
    language = await _language(storage, ticket.channel, ticket.address)
    reply = answer_reply(language, ticket.id, body, signature, photo)
    await storage.outbox.enqueue(
        f"{ANSWER_PREFIX}{ticket.id}:m{message_id}",
        ticket.channel,
        ticket.address,
        stored(reply),
        now,
    )
    answered_by = "cli" if officer is None else officer_label(officer)
    await storage.tickets.record_answer(ticket.id, officer_id, answered_by, now)
    await storage.audit.record(actor, "ticket.answer", f"ticket:{ticket.id}", now)
    await update_alerts(storage, ticket.id, "answered", officer, now)
    fresh = await storage.tickets.get(ticket.id)
    assert fresh is not None  # noqa: S101 - written in this transaction
    return fresh


def answer_reply(
    language: str, ticket_id: int, body: str, signature: str | None, photo: str | None
) -> Reply:
    """Compose the answer a participant reads."""
    who = signature or texts.text(language, "tiket.answer.team")
    text = texts.text(language, "tiket.answer", text=body or "📷", who=who, ticket=ticket_id)
    done = Button(texts.text(language, "tanya.btn.done"), Done(ticket_id).pack())
    return Reply(text, buttons=((done,),), photo_file_id=photo)


async def take(storage: Storage, ticket_id: int, officer: Officer, now: datetime) -> Ticket:
    """Record that an officer handles the ticket, and show it on the others' alerts."""
    ticket = check_actionable(await storage.tickets.get(ticket_id))
    after(ticket.status, "take")
    await storage.tickets.take(ticket.id, officer.id)
    await storage.audit.record(_actor(officer), "ticket.take", f"ticket:{ticket.id}", now)
    await update_alerts(storage, ticket.id, "taken", officer, now)
    fresh = await storage.tickets.get(ticket.id)
    assert fresh is not None  # noqa: S101 - written in this transaction
    return fresh


async def close(
    storage: Storage,
    ticket_id: int,
    officer: Officer | None,
    note: str | None,
    now: datetime,
    *,
    actor: str,
    event: Literal["close", "autoclose"] = "close",
) -> Ticket:
    """Close a ticket with an optional note."""
    ticket = await storage.tickets.get(ticket_id)
    if ticket is None:
        raise TicketRefused("unknown")
    after(ticket.status, event)
    cleaned = None if note is None or not note.strip() else clean_text(note, 500)
    await storage.tickets.close(ticket.id, cleaned, now)
    await storage.audit.record(actor, f"ticket.{event}", f"ticket:{ticket.id}", now)
    await update_alerts(storage, ticket.id, "closed", officer, now)
    fresh = await storage.tickets.get(ticket.id)
    assert fresh is not None  # noqa: S101 - written in this transaction
    return fresh


async def close_by_participant(storage: Storage, ticket: Ticket, now: datetime) -> bool:
    """Close the participant's own ticket after "Terjawab"; False when it was already closed."""
    if ticket.status == "closed" or ticket.erased_at is not None:
        return False
    await close(storage, ticket.id, None, None, now, actor=f"ticket-owner:{ticket.id}")
    return True


async def autoclose(storage: Storage, policy: HelpdeskPolicy, now: datetime) -> int:
    """Close answered tickets that had no follow-up for HELPDESK_AUTOCLOSE; return how many."""
    closed = 0
    for ticket_id in await storage.tickets.due_for_autoclose(now - policy.autoclose):
        async with storage.db.transaction():
            try:
                await close(storage, ticket_id, None, None, now, actor="system", event="autoclose")
            except TicketRefused:
                continue
            closed += 1
    # Question texts kept for a later "Tanya petugas" are not kept longer than a follow-up.
    async with storage.db.transaction():
        await storage.questions.forget_texts(now - policy.followup)
    return closed


async def start_by_officer(
    storage: Storage,
    policy: HelpdeskPolicy,
    participant: Participant,
    officer: Officer,
    text: str,
    now: datetime,
) -> Ticket:
    """Open a ticket to a participant from the officer's side and send the first message."""
    contacts = [
        c for c in await storage.contacts.for_participant(participant.id) if not c.blocked_at
    ]
    if not contacts:
        raise TicketRefused("no_contact")
    contact = contacts[0]
    clean_text(text)
    ticket = await storage.tickets.open(
        contact.channel, contact.address, participant.id, now, started_by="officer"
    )
    await storage.tickets.take(ticket.id, officer.id)
    await storage.audit.record(_actor(officer), "ticket.start", f"ticket:{ticket.id}", now)
    return await answer(storage, policy, ticket.id, officer, text, now, actor=_actor(officer))


async def update_alerts(
    storage: Storage, ticket_id: int, state: AlertState, officer: Officer | None, now: datetime
) -> int:
    """Show on every other officer's alerts who took, answered or closed the ticket."""
    done_by = texts.text(texts.DEFAULT_LANGUAGE, "tiket.by_system")
    if officer is not None:
        done_by = officer_label(officer)
    edited = 0
    for row in await storage.outbox.with_key_prefix(f"{ALERT_PREFIX}{ticket_id}:"):
        found = alert_of(row.key)
        if found is None or row.channel != "telegram" or row.status in ("failed", "blocked"):
            continue
        if officer is not None and found[1] == officer.id:
            continue
        language = await _language(storage, row.channel, row.address)
        status = texts.text(language, f"tiket.state.{state}", who=done_by)
        original = row.body.text.split("\n\n— ", 1)[0]
        buttons = () if state == "closed" else alert_buttons(language, ticket_id)
        reply = Reply(
            f"{original}\n\n— {status}",
            buttons=buttons,
            photo_file_id=row.body.photo_file_id,
            document_file_id=row.body.document_file_id,
            voice_file_id=row.body.voice_file_id,
            edits=row.key,
        )
        key = f"{EDIT_PREFIX}{ticket_id}:{state}:{now.timestamp():.6f}:{row.id}"
        edited += int(
            await storage.outbox.enqueue(key, row.channel, row.address, stored(reply), now)
        )
    return edited


async def erase_for(
    storage: Storage, participant_id: int, chats: Sequence[tuple[str, str]], now: datetime
) -> list[str]:
    """Erase the texts and media of a person's tickets; return the media references."""
    ids = await storage.tickets.ids_for(participant_id, list(chats))
    media = await storage.tickets.media_of(ids)
    await storage.tickets.erase(ids, now)
    for ticket_id in ids:
        for prefix in (ALERT_PREFIX, EDIT_PREFIX, ANSWER_PREFIX):
            await storage.outbox.scrub(f"{prefix}{ticket_id}:", ERASED_TEXT, now)
    for channel, address in chats:
        await storage.questions.erase_chat(channel, address)
    return media


async def thread(storage: Storage, ticket_id: int, limit: int = 10) -> list[TicketMessage]:
    """Return the latest messages of a ticket."""
    return await storage.tickets.messages(ticket_id, limit)


async def _language(storage: Storage, channel: str, address: str) -> str:
    contact = await storage.contacts.get(channel, address)
    return contact.language if contact is not None else texts.DEFAULT_LANGUAGE


def _actor(officer: Officer) -> str:
    return f"officer:{officer.id}"
