"""The participant's side of the help desk: free text answered by the FAQ, own data or a ticket.

Only what nothing else answered comes here: commands, menu buttons and answers to a running
flow are routed before (the router's `free_text` takers run last), so the FAQ costs ordinary
updates nothing.
"""

from __future__ import annotations

from typing import Final

from handlers.conversation import flows
from handlers.conversation.messages import Button, Inbound
from handlers.conversation.router import Feature, on
from handlers.conversation.timefmt import format_datetime
from handlers.conversation.turn import Turn
from handlers.equipment import answers as equipment
from handlers.helpdesk.matching import FaqIndex, FaqMatch, own_data_question
from handlers.helpdesk.payloads import Answered, AskOfficer, Done
from handlers.helpdesk.policy import HelpdeskPolicy
from handlers.helpdesk.rules import MAX_MESSAGE, TicketRefused
from handlers.helpdesk.tickets import Incoming, Received, close_by_participant, receive
from handlers.sessions import schedule
from storage.helpdesk import Question


async def is_officer(turn: Turn) -> bool:
    """Tell whether the sender is an officer (officers do not open tickets)."""
    sender = turn.inbound.sender_id
    if not sender:
        return False
    return await turn.storage.officers.get(turn.inbound.channel, sender) is not None


def incoming_of(inbound: Inbound) -> Incoming | None:
    """Return what an inbound event brings to the desk, or None when it brings nothing."""
    text = inbound.text.replace("\x00", "").strip()[:MAX_MESSAGE] or None
    if inbound.kind == "text":
        return None if text is None else Incoming("text", text)
    if inbound.kind == "photo" and inbound.photo_id:
        return Incoming("photo", text, inbound.photo_id)
    if inbound.kind in ("document", "voice") and inbound.media_id:
        return Incoming(inbound.kind, text, inbound.media_id)
    return None


async def on_free_text(turn: Turn) -> bool:
    """Answer what a person wrote outside any flow; False for officers and empty events."""
    if turn.inbound.kind not in ("text", "photo", "document", "voice"):
        return False
    if await is_officer(turn):
        return False
    incoming = incoming_of(turn.inbound)
    if incoming is None:
        turn.say("tanya.empty")
        return True
    participant = await turn.participant()
    current = await turn.storage.tickets.current_for_chat(
        turn.contact.channel,
        turn.contact.address,
        None if participant is None else participant.id,
        turn.now - turn.services.need(HelpdeskPolicy).followup,
    )
    if current is not None:
        await to_ticket(turn, incoming)
        return True
    if incoming.kind == "text" and incoming.text is not None:
        if participant is not None and await _own_data(turn, incoming.text):
            return True
        match = await faq_match(turn, incoming.text)
        if match is not None:
            await _faq_answer(turn, match, incoming.text)
            return True
        await turn.storage.questions.record(
            turn.contact.channel, turn.contact.address, "ticket", turn.now
        )
    await to_ticket(turn, incoming)
    return True


async def faq_match(turn: Turn, text: str) -> FaqMatch | None:
    """Match against the FAQ, re-reading the entries only when they changed."""
    index = turn.services.need(FaqIndex)
    version = await turn.storage.faqs.version()
    if version != index.version:
        index.rebuild(version, await turn.storage.faqs.list_all())
    return index.match(text)


async def _own_data(turn: Turn, text: str) -> bool:
    kind = own_data_question(text)
    if kind is None:
        return False
    question_id = await turn.storage.questions.record(
        turn.contact.channel, turn.contact.address, "own_data", turn.now, text=text
    )
    if kind == "schedule":
        await schedule.show(turn, "")
    else:
        await equipment.show(turn, "")
    ask = Button(turn.t("tanya.btn.ask"), AskOfficer(question_id).pack())
    turn.say("tanya.own_more", buttons=((ask,),))
    return True


async def _faq_answer(turn: Turn, match: FaqMatch, text: str) -> None:
    question_id = await turn.storage.questions.record(
        turn.contact.channel, turn.contact.address, "faq", turn.now, faq_id=match.faq.id, text=text
    )
    buttons = (
        (
            Button(turn.t("tanya.btn.answered"), Answered(question_id).pack()),
            Button(turn.t("tanya.btn.ask"), AskOfficer(question_id).pack()),
        ),
    )
    turn.say("tanya.faq", buttons=buttons, answer=match.faq.answer)


async def to_ticket(turn: Turn, incoming: Incoming) -> Received:
    """Put the message in the person's ticket and tell them where it went."""
    policy = turn.services.need(HelpdeskPolicy)
    received = await receive(
        turn.storage,
        policy,
        turn.services.zone,
        channel=turn.contact.channel,
        address=turn.contact.address,
        participant=await turn.participant(),
        incoming=incoming,
        now=turn.now,
    )
    if received.new:
        turn.say("tanya.opened", ticket=received.ticket.id)
    else:
        turn.say("tanya.joined", ticket=received.ticket.id)
    zone = turn.services.zone
    if received.new and not policy.hours.is_open(turn.now, zone):
        back = policy.hours.next_opening(turn.now, zone)
        if back is not None:
            turn.say("tanya.after_hours", when=format_datetime(back, zone, turn.language))
    return received


async def ask_command(turn: Turn, arg: str) -> None:
    """/tanya [text]: send the text to the officers, or ask for it."""
    if await is_officer(turn):
        turn.say("tanya.officer")
        return
    text = arg.replace("\x00", "").strip()[:MAX_MESSAGE]
    if text:
        await turn.storage.questions.record(
            turn.contact.channel, turn.contact.address, "ticket", turn.now
        )
        await to_ticket(turn, Incoming("text", text))
        return
    await ASK_FLOW.begin(turn)


async def _ask_question(turn: Turn, _data: flows.Data) -> flows.Prompt:
    return flows.Prompt(turn.t("tanya.ask"))


async def _on_question(turn: Turn, _data: flows.Data, _answer: flows.Answer) -> flows.Outcome:
    """Take the question (text, photo, document or voice note) into a ticket."""
    incoming = incoming_of(turn.inbound)
    if incoming is None:
        turn.say("tanya.empty")
        return flows.Stay()
    await turn.end_flow()
    await to_ticket(turn, incoming)
    return flows.End()


async def _question(turn: Turn, pressed: Answered | AskOfficer) -> Question | None:
    """Return the logged question a button is about, if it is this chat's."""
    question = await turn.storage.questions.get(pressed.question_id)
    if question is None or (question.channel, question.address) != (
        turn.contact.channel,
        turn.contact.address,
    ):
        turn.say_with_menu("stale_button")
        return None
    return question


async def answered(turn: Turn, pressed: Answered) -> None:
    """👍 Terjawab under an FAQ answer."""
    question = await _question(turn, pressed)
    if question is None:
        return
    await turn.storage.questions.settle(question.id, question.outcome)
    turn.say_with_menu("tanya.thanks")


async def ask_officer(turn: Turn, pressed: AskOfficer) -> None:
    """💬 Tanya petugas under an FAQ or own-data answer: the question becomes a ticket."""
    question = await _question(turn, pressed)
    if question is None:
        return
    text = question.text
    await turn.storage.questions.settle(question.id, "ticket")
    if text is None:
        await ASK_FLOW.begin(turn)
        return
    await to_ticket(turn, Incoming("text", text))


async def done(turn: Turn, pressed: Done) -> None:
    """👍 under an officer's answer: the participant closes their ticket."""
    ticket_id = pressed.ticket_id
    ticket = await turn.storage.tickets.get(ticket_id)
    participant_id = turn.contact.participant_id
    mine = ticket is not None and (
        (ticket.channel, ticket.address) == (turn.contact.channel, turn.contact.address)
        or (participant_id is not None and ticket.participant_id == participant_id)
    )
    if ticket is None or not mine:
        turn.say_with_menu("stale_button")
        return
    try:
        closed = await close_by_participant(turn.storage, ticket, turn.now)
    except TicketRefused:
        closed = False
    turn.say_with_menu("tanya.closed" if closed else "tanya.already_closed", ticket=ticket.id)


# Waiting for the question after /tanya or the menu button.
ASK_FLOW: Final = flows.Flow("tanya_ask", {"question": flows.Step(_ask_question, _on_question)})

FEATURE = Feature(
    "helpdesk.questions",
    commands={"tanya": ask_command},
    flows=(ASK_FLOW,),
    buttons=(
        on(Answered, answered),
        on(AskOfficer, ask_officer),
        on(Done, done),
    ),
    menu={"menu.ask": "tanya"},
    free_text=on_free_text,
)
