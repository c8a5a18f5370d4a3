"""Officers' equipment desk in chat (/kelolaalat, /kasus): allocate, hand over, cases, BAST.

Buttons carry `alatp:<action>[:<id>]` and re-check the officer role on every press; the
multi-step parts (allocate, hand over, resolve a case, BAST by NIK) are stored flows whose own
buttons carry `<flow>:<step>:<value>`. Ids are re-read from the database before any change.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Final

from handlers.conversation import flows, texts
from handlers.conversation.access import OfficersOnly, officer_actor, require_officer
from handlers.conversation.messages import Button, Document, Reply, rows
from handlers.conversation.router import Feature, on
from handlers.conversation.turn import Turn
from handlers.equipment.bast import bast_filename, load_bast, render_bast
from handlers.equipment.buttons import (
    DeskMenu,
    OpenCases,
    ParticipantBast,
    ResolveCase,
    ShowCase,
    StartAllocation,
    StartBast,
    StartHandover,
)
from handlers.equipment.cases import load_case, officer_message, resolve_case
from handlers.equipment.messages import bullet_list, item_text
from handlers.equipment.rules import EquipmentRefused, read_note, read_quantity, state_of
from handlers.equipment.service import find_participant, hand_over, set_allocation
from handlers.participants.validation import mask_nik
from storage.models import Participant

CONFIRM: Final = "confirm"
CASES_SHOWN: Final = 10
MAX_LABEL: Final = 60


async def open_desk(turn: Turn, _arg: str) -> None:
    """Show the equipment desk (/kelolaalat)."""
    if await require_officer(turn, "equipment") is not None:
        await _menu(turn)


async def open_cases(turn: Turn, _arg: str) -> None:
    """List the open problem cases (/kasus)."""
    if await require_officer(turn, "equipment.cases") is not None:
        await _cases(turn)


async def _menu(turn: Turn) -> None:
    count = await turn.storage.equipment_cases.count_open()
    choices = [
        Button(turn.t("alatp.btn.allocate"), StartAllocation().pack()),
        Button(turn.t("alatp.btn.handover"), StartHandover().pack()),
        Button(turn.t("alatp.btn.cases", count=count), OpenCases().pack()),
        Button(turn.t("alatp.btn.bast"), StartBast().pack()),
    ]
    turn.say("alatp.menu", buttons=rows(choices, 2))


async def start_allocation(turn: Turn, _pressed: StartAllocation) -> None:
    """Begin allocating items: ask the participant's NIK."""
    await ALLOCATE_FLOW.begin(turn)


async def start_handover(turn: Turn, _pressed: StartHandover) -> None:
    """Begin recording a handover: ask the participant's NIK."""
    await HANDOVER_FLOW.begin(turn)


async def start_bast(turn: Turn, _pressed: StartBast) -> None:
    """Begin finding a BAST: ask the participant's NIK."""
    await BAST_FLOW.begin(turn)


async def show_menu(turn: Turn, _pressed: DeskMenu) -> None:
    """Show the desk's menu."""
    await _menu(turn)


async def show_cases(turn: Turn, _pressed: OpenCases) -> None:
    """List the open cases."""
    await _cases(turn)


async def _cases(turn: Turn) -> None:
    storage = turn.storage
    count = await storage.equipment_cases.count_open()
    if count == 0:
        turn.say("alatp.cases.empty")
        return
    choices = []
    for case in await storage.equipment_cases.list_open(CASES_SHOWN):
        view = await load_case(storage, case.id)
        assert view is not None  # noqa: S101 - listed just now in this transaction
        label = turn.t(
            "alatp.case.label",
            case=case.id,
            item=view.allocation.item_name,
            name=view.participant.full_name or "-",
            kind=turn.t(f"alat.answer.{case.kind}"),
        )
        choices.append(Button(label[:MAX_LABEL], ShowCase(case.id).pack()))
    turn.say("alatp.cases", buttons=rows(choices, 1), count=count, shown=len(choices))


async def show_case(turn: Turn, pressed: ShowCase) -> None:
    """Show one case with its photo and the buttons to resolve it or get the BAST."""
    view = await load_case(turn.storage, pressed.case_id)
    if view is None:
        turn.say("alatp.case_gone")
        return
    message = officer_message(turn.language, view, turn.services.zone, "detail")
    extra = (
        Button(turn.t("alatp.btn.cases_back"), OpenCases().pack()),
        Button(turn.t("alatp.btn.bast"), ParticipantBast(view.participant.id).pack()),
    )
    turn.replies.append(
        Reply(message.text, buttons=(*message.buttons, extra), photo_file_id=message.photo_file_id)
    )


async def start_resolve(turn: Turn, pressed: ResolveCase) -> None:
    """Ask for the note that closes a case."""
    case = await turn.storage.equipment_cases.get(pressed.case_id)
    if case is None:
        turn.say("alatp.case_gone")
    elif case.resolved_at is not None:
        turn.say("alatp.resolve.already", case=case.id)
    else:
        await RESOLVE_FLOW.begin(turn, {"case_id": case.id})


async def participant_bast(turn: Turn, pressed: ParticipantBast) -> None:
    """Send the BAST of the participant a case or a handover named."""
    participant = await turn.storage.participants.get(pressed.participant_id)
    if participant is None or participant.deleted_at is not None:
        turn.say("alatp.nik_unknown")
        return
    await _send_bast(turn, participant)


async def _send_bast(turn: Turn, participant: Participant) -> None:
    try:
        bast = await load_bast(turn.storage, participant)
    except EquipmentRefused:
        turn.say("alatp.bast.none", name=participant.full_name or "-")
        return
    content = render_bast(bast, turn.services.zone, turn.now)
    caption = turn.t("alatp.bast.caption", name=participant.full_name or "-")
    turn.replies.append(Document(bast_filename(bast), content, caption=caption))


# The stored flows


def _typed(turn: Turn, answer: flows.Answer) -> str | None:
    """Return the typed text of this step, or say that text is expected."""
    if answer.text is None:
        turn.say("alatp.text_expected")
    return answer.text


async def _ask_nik(turn: Turn, _data: flows.Data) -> flows.Prompt:
    return flows.Prompt(turn.t("alatp.ask_nik"))


async def _participant_by_nik(turn: Turn, answer: flows.Answer) -> Participant | None:
    """Return the participant with the typed NIK, or say why not."""
    typed = _typed(turn, answer)
    if typed is None:
        return None
    try:
        return await find_participant(turn.storage, typed)
    except EquipmentRefused as error:
        turn.say("alatp.nik_invalid" if error.reason == "nik" else "alatp.nik_unknown")
        return None


def _nik_step(found: Callable[[Turn, Participant], Awaitable[flows.Outcome]]) -> flows.Step:
    """The step that asks a participant's NIK; `found` says what happens next."""

    async def read(turn: Turn, _data: flows.Data, answer: flows.Answer) -> flows.Outcome:
        participant = await _participant_by_nik(turn, answer)
        return flows.Stay() if participant is None else await found(turn, participant)

    return flows.Step(_ask_nik, read, saves="participant_id")


async def _data_participant(turn: Turn, data: flows.Data) -> Participant | None:
    participant = await turn.storage.participants.get(int(data["participant_id"]))
    if participant is None or participant.deleted_at is not None:
        turn.say("alatp.nik_unknown")
        return None
    return participant


def _who(turn: Turn, participant: Participant) -> str:
    return turn.t(
        "alatp.participant",
        name=participant.full_name or "-",
        nik=mask_nik(participant.nik or ""),
        business=participant.business_name or "-",
    )


# Allocating: NIK, item, quantity; then another item, the handover, or done.


async def _allocate_to(_turn: Turn, participant: Participant) -> flows.Outcome:
    return flows.Go("item", {"participant_id": participant.id})


async def _ask_item(turn: Turn, data: flows.Data) -> flows.Prompt | flows.End:
    participant = await _data_participant(turn, data)
    if participant is None:
        return flows.End()
    return flows.Prompt(turn.t("alatp.ask_item", who=_who(turn, participant)))


async def _item_choices(turn: Turn, _data: flows.Data) -> flows.Rows:
    items = await turn.storage.equipment_items.list_all()
    return rows([flows.Choice(item.name[:MAX_LABEL], item.id) for item in items], 2)


async def _on_item(turn: Turn, data: flows.Data, answer: flows.Answer) -> flows.Outcome:
    item_id = answer.number
    item = None if item_id is None else await turn.storage.equipment_items.get(item_id)
    if item is None:
        turn.say("invalid.choice")
        return flows.Stay()
    return flows.Go("qty", {**data, "item_id": item.id})


async def _ask_quantity(turn: Turn, data: flows.Data) -> flows.Prompt | flows.End:
    participant = await _data_participant(turn, data)
    if participant is None:
        return flows.End()
    item = await turn.storage.equipment_items.get(int(data["item_id"]))
    name, unit = (item.name, item.unit) if item is not None else ("-", "-")
    return flows.Prompt(
        turn.t("alatp.ask_qty", item=name, unit=unit, name=participant.full_name or "-")
    )


async def _on_quantity(turn: Turn, data: flows.Data, answer: flows.Answer) -> flows.Outcome:
    typed = _typed(turn, answer)
    participant = await _data_participant(turn, data)
    if participant is None:
        return flows.End()
    item = await turn.storage.equipment_items.get(int(data["item_id"]))
    if typed is None or item is None:
        return flows.Stay()
    actor = officer_actor(turn.checked_officer())
    try:
        quantity = read_quantity(typed)
        await set_allocation(turn.storage, participant, item, quantity, actor=actor, now=turn.now)
    except EquipmentRefused as error:
        turn.say(f"alatp.refused.{error.reason}")
        return flows.Stay() if error.reason == "quantity" else flows.Go("item", data)
    turn.say("alatp.allocated", item=item.name, qty=quantity, unit=item.unit)
    return flows.Go("more", data)


async def _ask_more(turn: Turn, data: flows.Data) -> flows.Prompt | flows.End:
    participant = await _data_participant(turn, data)
    if participant is None:
        return flows.End()
    allocations = await turn.storage.allocations.for_participant(participant.id)
    lines = "\n".join(
        f"• {item_text(turn.language, a)} — {turn.t(f'alatp.state.{state_of(a)}')}"
        for a in allocations
    )
    return flows.Prompt(turn.t("alatp.allocations", who=_who(turn, participant), lines=lines))


async def _more_choices(turn: Turn, _data: flows.Data) -> flows.Rows:
    return (
        (flows.Choice(turn.t("alatp.btn.more"), "item"),),
        (flows.Choice(turn.t("alatp.btn.hand_now"), "handover"),),
        (flows.Choice(turn.t("alatp.btn.done"), "done"),),
    )


async def _on_more(turn: Turn, data: flows.Data, answer: flows.Answer) -> flows.Outcome:
    if answer.value == "item":
        return flows.Go("item", data)
    if answer.value == "handover":
        return flows.Switch(HANDOVER_FLOW, {"participant_id": data["participant_id"]}, CONFIRM)
    if answer.value == "done":
        turn.say("alatp.done")
        return flows.End()
    turn.say("invalid.choice")
    return flows.Stay()


# Handing over: NIK, then confirm that everything waiting was handed over now.


async def _hand_over_to(_turn: Turn, participant: Participant) -> flows.Outcome:
    return flows.Go(CONFIRM, {"participant_id": participant.id})


async def _ask_handover(turn: Turn, data: flows.Data) -> flows.Prompt | flows.End:
    """Show what waits for handover and ask to confirm it, or say there is nothing."""
    participant = await _data_participant(turn, data)
    if participant is None:
        return flows.End()
    pending = [
        a
        for a in await turn.storage.allocations.for_participant(participant.id)
        if a.handed_over_at is None
    ]
    if not pending:
        turn.say("alatp.handover.nothing", name=participant.full_name or "-")
        return flows.End()
    return flows.Prompt(
        turn.t(
            "alatp.handover.confirm",
            who=_who(turn, participant),
            lines=bullet_list(turn.language, pending),
        )
    )


async def _handover_choices(turn: Turn, _data: flows.Data) -> flows.Rows:
    return (
        (
            flows.Choice(turn.t("alatp.handover.yes"), "yes"),
            flows.Choice(turn.t("alatp.handover.no"), "no"),
        ),
    )


async def _on_handover(turn: Turn, data: flows.Data, answer: flows.Answer) -> flows.Outcome:
    participant = await _data_participant(turn, data)
    if participant is None:
        return flows.End()
    if answer.value == "no":
        turn.say("alatp.handover.aborted")
        return flows.End()
    if answer.value != "yes":
        turn.say("invalid.choice")
        return flows.Stay()
    officer = turn.checked_officer()
    try:
        done = await hand_over(
            turn.storage,
            participant,
            officer=texts.text("id", "alatp.officer_label", id=officer.id),
            actor=officer_actor(officer),
            now=turn.now,
        )
    except EquipmentRefused:
        turn.say("alatp.handover.nothing", name=participant.full_name or "-")
        return flows.End()
    key = "alatp.handover.done" if done.asked else "alatp.handover.no_contact"
    bast = Button(turn.t("alatp.btn.bast"), ParticipantBast(participant.id).pack())
    turn.say(
        key, buttons=((bast,),), name=participant.full_name or "-", count=len(done.allocations)
    )
    return flows.End()


# Resolving a case: the officer's note closes it; the participant is told.


async def _ask_note(turn: Turn, data: flows.Data) -> flows.Prompt:
    return flows.Prompt(turn.t("alatp.resolve.ask", case=data.get("case_id")))


async def _on_note(turn: Turn, data: flows.Data, answer: flows.Answer) -> flows.Outcome:
    case_id = int(data["case_id"])
    typed = _typed(turn, answer)
    if typed is None:
        return flows.Stay()
    try:
        note = read_note(typed)
    except EquipmentRefused:
        turn.say("alatp.note_invalid")
        return flows.Stay()
    actor = officer_actor(turn.checked_officer())
    try:
        await resolve_case(turn.storage, case_id, note, actor=actor, now=turn.now)
    except EquipmentRefused:
        turn.say("alatp.resolve.already", case=case_id)
        return flows.End()
    turn.say("alatp.resolve.done", case=case_id)
    return flows.End()


# A BAST by NIK.


async def _bast_for(turn: Turn, participant: Participant) -> flows.Outcome:
    await _send_bast(turn, participant)
    return flows.End()


ALLOCATE_FLOW: Final = flows.Flow(
    "alatp_alloc",
    {
        "nik": _nik_step(_allocate_to),
        "item": flows.Step(_ask_item, _on_item, _item_choices, saves="item_id"),
        "qty": flows.Step(_ask_quantity, _on_quantity),
        "more": flows.Step(_ask_more, _on_more, _more_choices),
    },
    officers=OfficersOnly("equipment.alloc"),
)
HANDOVER_FLOW: Final = flows.Flow(
    "alatp_handover",
    {
        "nik": _nik_step(_hand_over_to),
        CONFIRM: flows.Step(_ask_handover, _on_handover, _handover_choices),
    },
    officers=OfficersOnly("equipment.handover"),
)
RESOLVE_FLOW: Final = flows.Flow(
    "alatp_resolve",
    {"note": flows.Step(_ask_note, _on_note)},
    officers=OfficersOnly("equipment.resolve"),
    context=("case_id",),
)
BAST_FLOW: Final = flows.Flow(
    "alatp_bast", {"nik": _nik_step(_bast_for)}, officers=OfficersOnly("equipment.bast")
)

FEATURE = Feature(
    "equipment.desk",
    commands={"kelolaalat": open_desk, "kasus": open_cases},
    flows=(ALLOCATE_FLOW, HANDOVER_FLOW, RESOLVE_FLOW, BAST_FLOW),
    buttons=(
        on(DeskMenu, show_menu),
        on(StartAllocation, start_allocation, starts_flow=True),
        on(StartHandover, start_handover, starts_flow=True),
        on(StartBast, start_bast, starts_flow=True),
        on(OpenCases, show_cases),
        on(ShowCase, show_case),
        on(ResolveCase, start_resolve, starts_flow=True),
        on(ParticipantBast, participant_bast),
    ),
)
