"""The officer's side of the help desk: /tiket, /peserta, answering by replying to an alert.

Every command, button and flow step re-checks the officer role (a participant is refused and
the attempt audited: the buttons' family says so, the flows re-read the role at each answer);
every action on a ticket is audited by the service it calls.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Final

from handlers.conversation import flows
from handlers.conversation.access import OfficersOnly, officer_actor, require_officer
from handlers.conversation.messages import Button, Reply, parse_command, rows
from handlers.conversation.router import Feature, on
from handlers.conversation.timefmt import format_datetime
from handlers.conversation.turn import Turn
from handlers.helpdesk.payloads import (
    AnsweredTickets,
    CloseTicket,
    MessageParticipant,
    MyTickets,
    OpenTickets,
    ReplyTicket,
    ShowTicket,
    SwitchAlerts,
    TakeTicket,
)
from handlers.helpdesk.policy import HelpdeskPolicy
from handlers.helpdesk.rules import TicketRefused, clean_text
from handlers.helpdesk.tickets import (
    alert_of,
    answer,
    close,
    describe_person,
    officer_label,
    start_by_officer,
    take,
)
from handlers.participants.validation import ValidationError as InvalidInput
from handlers.participants.validation import mask_nik, normalize_nik, normalize_phone
from storage.helpdesk import Ticket, TicketStatus
from storage.media import STORED_PREFIX
from storage.models import Officer

LIST_LIMIT: Final = 10
THREAD_LIMIT: Final = 10
LINE_LIMIT: Final = 300
SEARCH_MAX: Final = 100


async def desk_command(turn: Turn, _arg: str) -> None:
    """/tiket: counts, lists and the officer's alert switch."""
    officer = await require_officer(turn, "tiket")
    if officer is None:
        return
    await _menu(turn, officer)


async def _menu(turn: Turn, officer: Officer) -> None:
    counts = await turn.storage.tickets.counts()
    alerts = turn.t("tiket.alerts.on" if officer.helpdesk_alerts else "tiket.alerts.off")
    toggle = (
        Button(turn.t("tiket.btn.mute"), SwitchAlerts("off").pack())
        if officer.helpdesk_alerts
        else Button(turn.t("tiket.btn.unmute"), SwitchAlerts("on").pack())
    )
    buttons = (
        (
            Button(turn.t("tiket.btn.open", count=counts["open"]), OpenTickets().pack()),
            Button(turn.t("tiket.btn.mine"), MyTickets().pack()),
        ),
        (Button(turn.t("tiket.btn.answered"), AnsweredTickets().pack()), toggle),
    )
    turn.say(
        "tiket.menu",
        buttons=buttons,
        alerts=alerts,
        open=counts["open"],
        answered=counts["answered"],
        closed=counts["closed"],
    )


async def list_open(turn: Turn, _pressed: OpenTickets) -> None:
    """The open tickets, oldest first."""
    await _list(turn, turn.checked_officer(), "open")


async def list_mine(turn: Turn, _pressed: MyTickets) -> None:
    """The tickets this officer took."""
    await _list(turn, turn.checked_officer(), "mine")


async def list_answered(turn: Turn, _pressed: AnsweredTickets) -> None:
    """The answered tickets."""
    await _list(turn, turn.checked_officer(), "answered")


async def switch_alerts(turn: Turn, pressed: SwitchAlerts) -> None:
    """Turn the officer's own alerts on or off."""
    officer = turn.checked_officer()
    on_now = pressed.to == "on"
    await turn.storage.officers.set_helpdesk_alerts(officer.id, on_now)
    action = "ticket.alerts.on" if on_now else "ticket.alerts.off"
    await turn.storage.audit.record(officer_actor(officer), action, None, turn.now)
    turn.say("tiket.alerts.now_on" if on_now else "tiket.alerts.now_off")


async def show_ticket(turn: Turn, pressed: ShowTicket) -> None:
    """The ticket, who asked and its latest messages."""
    await turn.storage.audit.record(
        officer_actor(turn.checked_officer()),
        "ticket.view",
        f"ticket:{pressed.ticket_id}",
        turn.now,
    )
    await _show(turn, pressed.ticket_id)


async def take_ticket(turn: Turn, pressed: TakeTicket) -> None:
    """✋ Saya tangani."""
    await _take(turn, turn.checked_officer(), pressed.ticket_id)


async def start_reply(turn: Turn, pressed: ReplyTicket) -> None:
    """✍️ Balas: ask for the answer."""
    await _start(turn, REPLY_FLOW, pressed.ticket_id)


async def start_close(turn: Turn, pressed: CloseTicket) -> None:
    """✅ Tutup: ask for an optional closing note."""
    await _start(turn, CLOSE_FLOW, pressed.ticket_id)


async def _list(turn: Turn, officer: Officer, which: str) -> None:
    tickets = turn.storage.tickets
    if which == "mine":
        found = await tickets.list_for_officer(officer.id, LIST_LIMIT)
    else:
        status: TicketStatus = "open" if which == "open" else "answered"
        found = await tickets.list_by_status((status,), LIST_LIMIT)
    if not found:
        turn.say("tiket.list.none")
        return
    choices = [
        Button(await _row_label(turn, ticket), ShowTicket(ticket.id).pack()) for ticket in found
    ]
    turn.say("tiket.list", buttons=rows(choices, 1), what=turn.t(f"tiket.list.{which}"))


async def _row_label(turn: Turn, ticket: Ticket) -> str:
    name = "-"
    if ticket.participant_id is not None:
        participant = await turn.storage.participants.get(ticket.participant_id)
        name = (participant.full_name if participant is not None else None) or "-"
    return turn.t(
        "tiket.row",
        ticket=ticket.id,
        name=name[:24],
        status=turn.t(f"tiket.status.{ticket.status}"),
    )[:64]


async def _show(turn: Turn, ticket_id: int) -> None:
    storage = turn.storage
    ticket = await storage.tickets.get(ticket_id)
    if ticket is None:
        turn.say("tiket.refused.unknown")
        return
    participant = (
        None
        if ticket.participant_id is None
        else await storage.participants.get(ticket.participant_id)
    )
    zone, language = turn.services.zone, turn.language
    lines = []
    for message in await storage.tickets.messages(ticket.id, THREAD_LIMIT):
        text = message.text or (
            turn.t(f"tiket.kind.{message.kind}")
            if message.media
            else turn.t("tiket.thread.erased")
        )
        lines.append(
            turn.t(
                f"tiket.line.{message.author}",
                when=format_datetime(message.created_at, zone, language),
                text=text[:LINE_LIMIT],
            )
        )
    handler = (
        None if ticket.officer_id is None else await storage.officers.get_by_id(ticket.officer_id)
    )
    body = turn.t(
        "tiket.show",
        ticket=ticket.id,
        status=turn.t(f"tiket.status.{ticket.status}"),
        who=await describe_person(storage, ticket, participant, zone),
        opened=format_datetime(ticket.opened_at, zone, language),
        officer="-" if handler is None else officer_label(handler),
        thread="\n".join(lines) or "-",
    )
    buttons: tuple[tuple[Button, ...], ...] = ()
    if ticket.status != "closed" and ticket.erased_at is None:
        buttons = (
            (
                Button(turn.t("tiket.btn.take"), TakeTicket(ticket.id).pack()),
                Button(turn.t("tiket.btn.reply"), ReplyTicket(ticket.id).pack()),
                Button(turn.t("tiket.btn.close"), CloseTicket(ticket.id).pack()),
            ),
        )
    turn.replies.append(Reply(body, buttons=buttons))


async def _take(turn: Turn, officer: Officer, ticket_id: int) -> None:
    try:
        await take(turn.storage, ticket_id, officer, turn.now)
    except TicketRefused as refused:
        turn.say(f"tiket.refused.{refused.reason}")
        return
    turn.say("tiket.taken", ticket=ticket_id)


async def _start(turn: Turn, flow: flows.Flow, ticket_id: int) -> None:
    """Begin writing an answer or a closing note (the router keeps other flows out)."""
    ticket = await turn.storage.tickets.get(ticket_id)
    if ticket is None or ticket.erased_at is not None or ticket.status == "closed":
        reason = "unknown" if ticket is None else "erased" if ticket.erased_at else "closed"
        turn.say(f"tiket.refused.{reason}")
        return
    await flow.begin(turn, {"ticket_id": ticket_id})


def _ticket_of(data: flows.Data) -> int:
    value = data.get("ticket_id")
    return value if isinstance(value, int) else 0


async def _ask_reply(turn: Turn, data: flows.Data) -> flows.Prompt:
    return flows.Prompt(turn.t("tiket.ask_reply", ticket=_ticket_of(data)))


async def _on_reply(turn: Turn, data: flows.Data, reply: flows.Answer) -> flows.Outcome:
    inbound = turn.inbound
    photo = inbound.photo_id if inbound.kind == "photo" else None
    if reply.text is None and photo is None:
        turn.say("tiket.text_expected")
        return flows.Stay()
    return await _finish(turn, _answer(turn, _ticket_of(data), reply.text or inbound.text, photo))


async def _ask_note(turn: Turn, data: flows.Data) -> flows.Prompt:
    return flows.Prompt(turn.t("tiket.ask_note", ticket=_ticket_of(data)))


async def _note_choices(turn: Turn, _data: flows.Data) -> flows.Rows:
    return ((flows.Choice(turn.t("tiket.btn.no_note"), "none"),),)


async def _on_note(turn: Turn, data: flows.Data, note: flows.Answer) -> flows.Outcome:
    if note.value not in (None, "none"):
        # Only "no note" is offered: any other value is forged.
        turn.say("stale_button")
        return flows.Stay()
    if note.value is None and note.text is None:
        turn.say("tiket.text_expected")
        return flows.Stay()
    officer = turn.checked_officer()
    ticket_id = _ticket_of(data)

    async def closing() -> None:
        await close(
            turn.storage,
            ticket_id,
            officer,
            None if note.value == "none" else note.text,
            turn.now,
            actor=officer_actor(officer),
        )
        turn.say("tiket.closed", ticket=ticket_id)

    return await _finish(turn, closing())


async def _ask_message(turn: Turn, data: flows.Data) -> flows.Prompt:
    return flows.Prompt(turn.t("peserta.ask_message", name=str(data.get("name", "-"))))


async def _on_message(turn: Turn, data: flows.Data, message: flows.Answer) -> flows.Outcome:
    if message.text is None:
        turn.say("tiket.text_expected")
        return flows.Stay()
    participant_id = data.get("participant_id")
    if not isinstance(participant_id, int):
        turn.say("peserta.gone")
        return flows.End()
    return await _finish(turn, _message_participant(turn, participant_id, message.text))


async def _finish(turn: Turn, action: Awaitable[None]) -> flows.Outcome:
    """Run a flow's last action; an empty text asks again, any other refusal ends the flow."""
    try:
        await action
    except TicketRefused as refused:
        turn.say(f"tiket.refused.{refused.reason}")
        if refused.reason == "empty":
            return flows.Stay()
    return flows.End()


async def _answer(turn: Turn, ticket_id: int, text: str, photo: str | None) -> None:
    officer = turn.checked_officer()
    ticket = await turn.storage.tickets.get(ticket_id)
    # A Telegram file id means nothing on WhatsApp; a photo the channel stored in MEDIA_DIR
    # goes anywhere. Without one, only the caption would arrive.
    foreign = ticket is not None and ticket.channel != "telegram"
    if photo is not None and foreign and not photo.startswith(STORED_PREFIX):
        photo = None
        if not text.strip():
            raise TicketRefused("empty")
    policy = turn.services.need(HelpdeskPolicy)
    await answer(
        turn.storage,
        policy,
        ticket_id,
        officer,
        text,
        turn.now,
        actor=officer_actor(officer),
        photo=photo,
    )
    turn.say("tiket.sent", ticket=ticket_id)


async def _message_participant(turn: Turn, participant_id: int, text: str) -> None:
    officer = turn.checked_officer()
    participant = await turn.storage.participants.get(participant_id)
    if participant is None or participant.deleted_at is not None:
        turn.say("peserta.gone")
        return
    ticket = await start_by_officer(
        turn.storage, turn.services.need(HelpdeskPolicy), participant, officer, text, turn.now
    )
    turn.say("tiket.sent", ticket=ticket.id)


async def on_reply(turn: Turn) -> bool:
    """Answer a ticket when an officer replies to its alert; False for everything else."""
    inbound = turn.inbound
    if inbound.kind not in ("text", "photo") or not inbound.sender_id:
        return False
    if inbound.kind == "text" and parse_command(inbound.text) is not None:
        return False
    officer = await turn.storage.officers.get(inbound.channel, inbound.sender_id)
    if officer is None:
        return False
    row = await turn.storage.outbox.get_by_provider_id(f"{inbound.address}:{inbound.reply_to}")
    found = None if row is None else alert_of(row.key)
    if found is None:
        if turn.conversation is not None:
            return False
        turn.say("tiket.not_alert")
        return True
    photo = inbound.photo_id if inbound.kind == "photo" else None
    try:
        if photo is None:
            clean_text(inbound.text)
        turn.officer = officer
        await _answer(turn, found[0], inbound.text, photo)
    except TicketRefused as refused:
        turn.say(f"tiket.refused.{refused.reason}")
    return True


async def search_command(turn: Turn, arg: str) -> None:
    """/peserta TEXT: find participants by name, NIK or phone, offer to message them."""
    officer = await require_officer(turn, "peserta")
    if officer is None:
        return
    query = arg.strip()[:SEARCH_MAX]
    if not query:
        turn.say("peserta.ask")
        return
    exact = _normalised(query)
    found = await turn.storage.participants.search(exact)
    await turn.storage.audit.record(officer_actor(officer), "participant.search", None, turn.now)
    if not found:
        turn.say("peserta.none")
        return
    lines = "\n".join(
        turn.t(
            "peserta.line",
            name=p.full_name or "-",
            nik=mask_nik(p.nik or ""),
            kecamatan=p.kecamatan or "-",
        )
        for p in found
    )
    choices = [
        Button(
            turn.t("peserta.btn.message", name=(p.full_name or "-")[:30])[:64],
            MessageParticipant(p.id).pack(),
        )
        for p in found
    ]
    turn.say("peserta.found", buttons=rows(choices, 1), lines=lines)


def _normalised(query: str) -> str:
    """Return a typed NIK or phone in its stored form, other text as typed."""
    for normalise in (normalize_nik, normalize_phone):
        try:
            return normalise(query)
        except InvalidInput:
            continue
    return query


async def start_message(turn: Turn, pressed: MessageParticipant) -> None:
    """✉️ Kirim pesan: ask for the first message to a participant."""
    participant = await turn.storage.participants.get(pressed.participant_id)
    if participant is None or participant.deleted_at is not None:
        turn.say("peserta.gone")
        return
    await NEW_FLOW.begin(
        turn, {"participant_id": participant.id, "name": participant.full_name or "-"}
    )


# An officer's answer to a ticket (text or photo).
REPLY_FLOW: Final = flows.Flow(
    "tiket_reply",
    {"text": flows.Step(_ask_reply, _on_reply)},
    officers=OfficersOnly("tiket.reply"),
    context=("ticket_id",),
)
# Closing a ticket, with an optional note.
CLOSE_FLOW: Final = flows.Flow(
    "tiket_close",
    {"note": flows.Step(_ask_note, _on_note, _note_choices)},
    officers=OfficersOnly("tiket.close"),
    context=("ticket_id",),
)
# The first message of a conversation an officer starts from /peserta.
NEW_FLOW: Final = flows.Flow(
    "tiket_new",
    {"text": flows.Step(_ask_message, _on_message)},
    officers=OfficersOnly("peserta.message"),
    context=("participant_id", "name"),
)

FEATURE = Feature(
    "helpdesk.desk",
    commands={"tiket": desk_command, "peserta": search_command},
    flows=(REPLY_FLOW, CLOSE_FLOW, NEW_FLOW),
    buttons=(
        on(OpenTickets, list_open),
        on(MyTickets, list_mine),
        on(AnsweredTickets, list_answered),
        on(SwitchAlerts, switch_alerts),
        on(ShowTicket, show_ticket),
        on(TakeTicket, take_ticket),
        on(ReplyTicket, start_reply, starts_flow=True),
        on(CloseTicket, start_close, starts_flow=True),
        on(MessageParticipant, start_message, starts_flow=True),
    ),
    replies=on_reply,
)
