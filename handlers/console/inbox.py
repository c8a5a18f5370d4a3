"""Tiket: the help desk inbox. Lists as `/tiket` in chat, a ticket's thread, reply, take, close.

Every action calls the help desk's own service (`handlers/helpdesk/tickets.py`) in one
transaction, as the CLI does, so the rows and audit entries are those of chat but for `via`.
"""

from __future__ import annotations

from typing import Final, Literal

from starlette.exceptions import HTTPException
from starlette.responses import Response

from handlers.console import services as svc
from handlers.console.web import Desk, MenuEntry, Page
from handlers.helpdesk.policy import HelpdeskPolicy
from storage.helpdesk import Ticket
from storage.models import Participant

Which = Literal["open", "mine", "answered", "closed"]
LISTS: Final[tuple[Which, ...]] = ("open", "mine", "answered", "closed")
LIST_LIMIT: Final = 200
THREAD_LIMIT: Final = 200
# The list follows new questions by reloading itself (the thread does not: it holds a draft).
REFRESH_SECONDS: Final = 60
# How a message's media is served: a photo shows in the page, a voice note plays there, a
# document is downloaded (never shown inline: its content is the sender's).
_DOCUMENT_TYPES: Final = frozenset({"application/pdf"})


async def inbox(desk: Desk) -> Response:
    """List tickets: open ones oldest first, the officer's own, answered, or closed."""
    raw = desk.query("which", "open")
    which: Which = raw if raw in LISTS else "open"
    tickets = desk.storage.tickets
    if which == "mine":
        found = await tickets.list_for_officer(desk.officer.id, LIST_LIMIT)
    else:
        found = await tickets.list_by_status((which,), LIST_LIMIT)
    return desk.render(
        "inbox.html",
        nav="inbox",
        refresh=REFRESH_SECONDS,
        which=which,
        lists=LISTS,
        tickets=found,
        counts=await tickets.counts(),
        people=await _people(desk, [t.participant_id for t in found]),
        officers=await _officers(desk, {t.officer_id for t in found}),
    )


async def _people(desk: Desk, ids: list[int | None]) -> dict[int, Participant]:
    found = {}
    for participant_id in {i for i in ids if i is not None}:
        participant = await desk.storage.participants.get(participant_id)
        if participant is not None:
            found[participant_id] = participant
    return found


async def _officers(desk: Desk, ids: set[int | None]) -> dict[int, str]:
    found = {}
    for officer_id in ids:
        officer = None if officer_id is None else await desk.storage.officers.get_by_id(officer_id)
        if officer is not None:
            found[officer.id] = svc.officer_label(officer)
    return found


async def _ticket(desk: Desk) -> Ticket:
    ticket = await desk.storage.tickets.get(desk.int_param("ticket_id"))
    if ticket is None:
        raise HTTPException(404)
    return ticket


async def show_thread(
    desk: Desk, *, error: str | None = None, draft: str = "", status: int = 200
) -> Response:
    """Show a ticket: who asked, its state and the whole thread, with the officer's forms."""
    ticket = await _ticket(desk)
    storage = desk.storage
    participant = (
        None
        if ticket.participant_id is None
        else await storage.participants.get(ticket.participant_id)
    )
    messages = await storage.tickets.messages(ticket.id, THREAD_LIMIT)
    officers = await _officers(desk, {ticket.officer_id, *(m.officer_id for m in messages)})
    return desk.render(
        "ticket.html",
        status=status,
        nav="inbox",
        ticket=ticket,
        person=participant,
        messages=messages,
        officers=officers,
        channel=svc.CHANNEL_NAMES.get(ticket.channel, ticket.channel),
        actionable=ticket.status != "closed" and ticket.erased_at is None,
        max_message=svc.MAX_MESSAGE,
        max_note=svc.MAX_NOTE,
        draft=draft,
        error=error,
    )


async def thread_page(desk: Desk) -> Response:
    """Show a ticket's thread (looking is audited, as in chat)."""
    ticket = await _ticket(desk)
    await desk.storage.audit.record(desk.actor, "ticket.view", f"ticket:{ticket.id}", desk.now)
    return await show_thread(desk)


def _refused(desk: Desk, refused: svc.TicketRefused, limit: int) -> str:
    return desk.t(f"tiket.refused.{refused.reason}", limit=limit)


async def reply(desk: Desk) -> Response:
    """Send the officer's answer to the participant through the outbox, as chat does."""
    ticket = await _ticket(desk)
    text = desk.value("text")
    try:
        svc.check_length(text, svc.MAX_MESSAGE)
        async with desk.storage.db.transaction():
            await svc.answer_ticket(
                desk.storage,
                desk.services.need(HelpdeskPolicy),
                ticket.id,
                desk.officer,
                text,
                desk.now,
                actor=desk.actor,
            )
    except svc.TicketRefused as refused:
        error = _refused(desk, refused, svc.MAX_MESSAGE)
        return await show_thread(desk, error=error, draft=text[: svc.MAX_MESSAGE], status=422)
    return desk.redirect(f"/tiket/{ticket.id}", "ok.ticket_sent")


async def take(desk: Desk) -> Response:
    """ "Saya tangani": the officer handles the ticket; the other officers' alerts say so."""
    ticket = await _ticket(desk)
    try:
        async with desk.storage.db.transaction():
            await svc.take_ticket(desk.storage, ticket.id, desk.officer, desk.now)
    except svc.TicketRefused as refused:
        return await show_thread(desk, error=_refused(desk, refused, svc.MAX_MESSAGE), status=422)
    return desk.redirect(f"/tiket/{ticket.id}", "ok.ticket_taken")


async def close(desk: Desk) -> Response:
    """Close the ticket with an optional note."""
    ticket = await _ticket(desk)
    note = desk.value("note")
    try:
        svc.check_actionable(ticket)
        svc.check_length(note, svc.MAX_NOTE)
        async with desk.storage.db.transaction():
            await svc.close_ticket(
                desk.storage, ticket.id, desk.officer, note, desk.now, actor=desk.actor
            )
    except svc.TicketRefused as refused:
        return await show_thread(desk, error=_refused(desk, refused, svc.MAX_NOTE), status=422)
    return desk.redirect(f"/tiket/{ticket.id}", "ok.ticket_closed")


async def media(desk: Desk) -> Response:
    """Serve a photo, voice note or document of the thread (officers only, like photos)."""
    ticket = await _ticket(desk)
    message = await desk.storage.tickets.message(ticket.id, desk.int_param("message_id"))
    source = desk.console.photos
    if message is None or message.media is None or ticket.erased_at is not None or not source:
        raise HTTPException(404)
    found = await source.fetch(message.media)
    if found is None:
        raise HTTPException(404)
    content, media_type = found
    headers = {"cache-control": "private, max-age=300"}
    if message.kind == "document":
        if media_type not in _DOCUMENT_TYPES:
            media_type = "application/octet-stream"
        suffix = ".pdf" if media_type == "application/pdf" else ""
        name = f"tiket-{ticket.id}-{message.id}{suffix}"
        headers["content-disposition"] = f'attachment; filename="{name}"'
    return Response(content, media_type=media_type, headers=headers)


MENU: Final = (MenuEntry("inbox", "/tiket"),)

PAGES: Final = (
    Page("/tiket", inbox),
    Page("/tiket/{ticket_id}", thread_page),
    Page("/tiket/{ticket_id}/balas", reply, methods=("POST",)),
    Page("/tiket/{ticket_id}/tangani", take, methods=("POST",)),
    Page("/tiket/{ticket_id}/tutup", close, methods=("POST",)),
    Page("/tiket/{ticket_id}/media/{message_id}", media),
)
