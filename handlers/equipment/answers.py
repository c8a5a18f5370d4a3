"""The participant's equipment (/alat): each item's state, answers, proof photos and notes, BAST.

Buttons carry `alat:<action>[:<allocation id>[:<answer>]]` and work in the middle of another
flow (a handover request can arrive at any time). After a "not received" or "damaged" answer
the short `alat` flow waits for a photo and a note until `Lanjut`.
"""

from __future__ import annotations

from typing import Final

from handlers.conversation import flows
from handlers.conversation.messages import Button, Document, Reply
from handlers.conversation.router import Desk, Feature, on
from handlers.conversation.turn import Turn
from handlers.equipment.bast import bast_filename, load_bast, render_bast
from handlers.equipment.buttons import (
    AddProof,
    AnswerItem,
    AskItem,
    EquipmentButton,
    GoOn,
    OwnBast,
)
from handlers.equipment.cases import add_note, add_photo, record_answer
from handlers.equipment.messages import (
    answer_label,
    item_text,
    question,
    unanswered,
)
from handlers.equipment.rules import (
    ANSWER_CODES,
    PROBLEMS,
    EquipmentRefused,
    read_note,
)
from storage.models import Allocation, Confirmation, Participant

PROOF: Final = "proof"
MAX_BUTTON_ITEM: Final = 30


async def show(turn: Turn, _arg: str) -> None:
    """List every allocated item with its state, and buttons to answer, change or get the BAST."""
    participant = await turn.participant()
    if participant is None:
        turn.say_with_menu("profile.not_registered")
        return
    allocations = await turn.storage.allocations.for_participant(participant.id)
    if not allocations:
        turn.say_with_menu("alat.none")
        return
    lines = [await _line(turn, number, a) for number, a in enumerate(allocations, start=1)]
    buttons = [
        (Button(_item_button_label(turn, a), AskItem(a.id).pack()),)
        for a in allocations
        if a.handed_over_at is not None
    ]
    if buttons:
        buttons.append((Button(turn.t("alat.btn.bast"), OwnBast().pack()),))
    turn.say("alat.list", buttons=tuple(buttons), lines="\n\n".join(lines))


async def _line(turn: Turn, number: int, allocation: Allocation) -> str:
    state = answer_label(turn.language, allocation)
    line = f"{number}. {item_text(turn.language, allocation)}\n   {state}"
    if allocation.open_case_id is not None:
        line += turn.t("alat.case.open", case=allocation.open_case_id)
    elif allocation.confirmation in PROBLEMS:
        case = await turn.storage.equipment_cases.latest_for_allocation(allocation.id)
        if case is not None and case.resolution:
            line += turn.t("alat.case.resolved", case=case.id, resolution=case.resolution)
    return line + _extras(turn, allocation)


def _extras(turn: Turn, allocation: Allocation) -> str:
    extras = []
    if allocation.photo_file_id:
        extras.append(turn.t("alat.extra.photo"))
    if allocation.note:
        extras.append(turn.t("alat.extra.note", note=allocation.note))
    return "".join(f"\n   {extra}" for extra in extras)


def _item_button_label(turn: Turn, allocation: Allocation) -> str:
    key = "alat.btn.confirm" if allocation.confirmation is None else "alat.btn.change"
    return turn.t(key, item=allocation.item_name[:MAX_BUTTON_ITEM])


async def send_own_bast(turn: Turn, _pressed: OwnBast) -> None:
    """Send the participant's BAST."""
    participant = await turn.participant()
    if participant is None:
        turn.say("stale_button")
        return
    await _send_bast(turn, participant)


async def go_on(turn: Turn, _pressed: GoOn) -> None:
    """Leave the photo-and-note step and ask about the next item."""
    participant = await turn.participant()
    if participant is None:
        turn.say("stale_button")
        return
    if _in_own_flow(turn):
        await turn.end_flow()
    await _next_or_thanks(turn, participant)


async def ask_item(turn: Turn, pressed: AskItem) -> None:
    """Ask (again) whether one item arrived in good condition."""
    allocation = await _answerable(turn, pressed.allocation_id)
    if allocation is not None:
        _ask(turn, allocation)


async def add_proof(turn: Turn, pressed: AddProof) -> None:
    """Wait for a photo and a note about one item."""
    allocation = await _answerable(turn, pressed.allocation_id)
    if allocation is not None:
        await _start_proof(turn, allocation)


async def answer_item(turn: Turn, pressed: AnswerItem) -> None:
    """Record the participant's answer about one item."""
    participant = await turn.participant()
    allocation = await _answerable(turn, pressed.allocation_id)
    if participant is not None and allocation is not None:
        await _answer(turn, participant, allocation, ANSWER_CODES[pressed.answer])


async def _answerable(turn: Turn, allocation_id: int) -> Allocation | None:
    """Return the person's own handed-over allocation, or say why not."""
    participant = await turn.participant()
    allocation = None
    if participant is not None:
        allocation = await turn.storage.allocations.get(allocation_id)
    if allocation is None or participant is None or allocation.participant_id != participant.id:
        turn.say("stale_button")
        return None
    if allocation.handed_over_at is None:
        turn.say("alat.not_handed_over", item=allocation.item_name)
        return None
    return allocation


async def _own_allocation(
    turn: Turn, participant: Participant, allocation_id: object
) -> Allocation | None:
    if not isinstance(allocation_id, int):
        return None
    allocation = await turn.storage.allocations.get(allocation_id)
    if allocation is None or allocation.participant_id != participant.id:
        return None
    return allocation


def _ask(turn: Turn, allocation: Allocation) -> None:
    ask = question(turn.language, allocation)
    buttons = ask.buttons
    if allocation.confirmation is not None:
        proof = Button(turn.t("alat.proof.button"), AddProof(allocation.id).pack())
        buttons = (*buttons, (proof,))
    turn.replies.append(Reply(ask.text, buttons=buttons))


async def _answer(
    turn: Turn, participant: Participant, allocation: Allocation, answer: Confirmation
) -> None:
    outcome = await record_answer(
        turn.storage,
        allocation,
        answer,
        actor=turn.actor,
        now=turn.now,
        zone=turn.services.zone,
    )
    recorded = outcome.allocation
    item = item_text(turn.language, recorded)
    said = turn.t(f"alat.answer.{answer}")
    if answer in PROBLEMS:
        turn.say("alat.recorded.case", item=item, answer=said, case=outcome.case_id)
        await _start_proof(turn, recorded)
        return
    proof = Button(turn.t("alat.proof.button"), AddProof(recorded.id).pack())
    turn.say("alat.recorded", buttons=((proof,),), item=item, answer=said)
    if _in_own_flow(turn):
        await turn.end_flow()
    await _next_or_thanks(turn, participant)


def _in_own_flow(turn: Turn) -> bool:
    return turn.conversation is not None and turn.conversation.flow == PROOF_FLOW.name


async def _start_proof(turn: Turn, allocation: Allocation) -> None:
    """Wait for a photo and a note about the item, unless another flow is running."""
    if turn.conversation is not None and not _in_own_flow(turn):
        turn.say("alat.proof.later")
        return
    await PROOF_FLOW.begin(turn, {"allocation_id": allocation.id})


async def _next_or_thanks(turn: Turn, participant: Participant) -> None:
    """Ask about the next unanswered item, or thank and list what was recorded."""
    allocations = await turn.storage.allocations.for_participant(participant.id)
    waiting = unanswered(allocations)
    if waiting:
        _ask(turn, waiting[0])
        return
    lines = [
        turn.t(
            "alat.thanks.line",
            item=item_text(turn.language, allocation),
            answer=answer_label(turn.language, allocation),
        )
        + _extras(turn, allocation)
        for allocation in allocations
        if allocation.handed_over_at is not None
    ]
    turn.say_with_menu("alat.thanks", lines="\n".join(lines))


async def _send_bast(turn: Turn, participant: Participant) -> None:
    try:
        bast = await load_bast(turn.storage, participant)
    except EquipmentRefused:
        turn.say("alat.bast.none")
        return
    content = render_bast(bast, turn.services.zone, turn.now)
    turn.replies.append(
        Document(bast_filename(bast), content, caption=turn.t("alat.bast.caption"))
    )


async def _proof_allocation(turn: Turn, data: flows.Data) -> Allocation | None:
    """Return the item the photo-and-note step is about, or say it is gone."""
    participant = await turn.participant()
    allocation = None
    if participant is not None:
        allocation = await _own_allocation(turn, participant, data.get("allocation_id"))
    if allocation is None:
        turn.say_with_menu("stale_button")
    return allocation


async def _ask_proof(turn: Turn, data: flows.Data) -> flows.Prompt | flows.End:
    allocation = await _proof_allocation(turn, data)
    if allocation is None:
        return flows.End()
    return flows.Prompt(turn.t("alat.proof.ask", item=allocation.item_name))


async def _proof_choices(turn: Turn, _data: flows.Data) -> flows.Rows:
    return ((flows.Choice(turn.t("alat.proof.next"), GoOn()),),)


async def _on_proof(turn: Turn, data: flows.Data, answer: flows.Answer) -> flows.Outcome:
    """Keep a photo or a note; buttons go to the equipment buttons."""
    allocation = await _proof_allocation(turn, data)
    if allocation is None:
        return flows.End()
    photo_id = turn.inbound.photo_id
    if turn.inbound.kind == "photo" and photo_id:
        case_id = await add_photo(
            turn.storage,
            allocation,
            photo_id,
            actor=turn.actor,
            now=turn.now,
            zone=turn.services.zone,
        )
        _saved(turn, "photo", allocation, case_id)
        return flows.Stay(ask=False)
    if answer.text is None:
        turn.say("alat.proof.expected")
        return flows.Stay()
    try:
        note = read_note(answer.text)
    except EquipmentRefused:
        turn.say("alat.note.invalid")
        return flows.Stay()
    case_id = await add_note(
        turn.storage, allocation, note, actor=turn.actor, now=turn.now, zone=turn.services.zone
    )
    _saved(turn, "note", allocation, case_id)
    return flows.Stay(ask=False)


def _saved(turn: Turn, proof: str, allocation: Allocation, case_id: int | None) -> None:
    go_on = Button(turn.t("alat.proof.next"), GoOn().pack())
    outcome = "forwarded" if case_id is not None else "saved"
    key = f"alat.proof.{proof}.{outcome}"
    turn.say(key, buttons=((go_on,),), item=allocation.item_name, case=case_id)


async def take_photo(turn: Turn) -> bool:
    """Keep a photo sent outside a flow as proof: for the open case, or the only item."""
    participant = await turn.participant()
    photo_id = turn.inbound.photo_id
    if participant is None or not photo_id:
        return False
    storage = turn.storage
    case = await storage.equipment_cases.latest_open_for_participant(participant.id)
    if case is not None:
        target = await storage.allocations.get(case.allocation_id)
    else:
        handed = [
            a
            for a in await storage.allocations.for_participant(participant.id)
            if a.handed_over_at
        ]
        if not handed:
            return False
        if len(handed) > 1:
            turn.say("alat.photo.where")
            return True
        target = handed[0]
    assert target is not None  # noqa: S101 - cases reference existing allocations
    case_id = await add_photo(
        storage, target, photo_id, actor=turn.actor, now=turn.now, zone=turn.services.zone
    )
    _saved(turn, "photo", target, case_id)
    return True


BUTTONS: Final = (
    on(AskItem, ask_item),
    on(AnswerItem, answer_item),
    on(AddProof, add_proof),
    on(GoOn, go_on),
    on(OwnBast, send_own_bast),
)
# After an answer: a photo and a note about the item, until `Lanjut`. Buttons pressed meanwhile
# are the equipment buttons themselves (another item's answer, `Lanjut`).
PROOF_FLOW: Final = flows.Flow(
    EquipmentButton.prefix,
    {PROOF: flows.Step(_ask_proof, _on_proof, _proof_choices)},
    context=("allocation_id",),
    desk=Desk.of(BUTTONS),
)

FEATURE = Feature(
    "equipment.answers",
    commands={"alat": show, "equipment": show},
    flows=(PROOF_FLOW,),
    buttons=BUTTONS,
    menu={"menu.equipment": "alat"},
    photos=take_photo,
)
