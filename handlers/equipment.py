"""The participant's equipment (/alat): each item's state, answers, proof photos and notes, BAST.

Buttons carry `alat:<action>[:<allocation id>[:<answer>]]` and work in the middle of another
flow (a handover request can arrive at any time). After a "not received" or "damaged" answer
the short `alat` flow waits for a photo and a note until `Lanjut`.
"""

from __future__ import annotations

from typing import Final

from handlers import fields
from handlers.bast import bast_filename, load_bast, render_bast
from handlers.core import Button, Document, Reply
from handlers.equipment_cases import add_note, add_photo, record_answer
from handlers.equipment_messages import (
    PREFIX,
    answer_label,
    item_text,
    question,
    unanswered,
)
from handlers.equipment_rules import (
    ANSWER_CODES,
    PROBLEMS,
    EquipmentRefused,
    read_note,
)
from handlers.payload_ids import parse_id
from handlers.router import Feature
from handlers.turn import Turn
from storage.models import Allocation, Confirmation, Participant

FLOW: Final = PREFIX
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
        (Button(_item_button_label(turn, a), f"{PREFIX}:item:{a.id}"),)
        for a in allocations
        if a.handed_over_at is not None
    ]
    if buttons:
        buttons.append((Button(turn.t("alat.btn.bast"), f"{PREFIX}:bast"),))
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


async def on_button(turn: Turn, payload: str) -> None:
    """Answer about an item, open an item's question or proof step, go on, or send the BAST."""
    participant = await turn.participant()
    parts = payload.split(":")
    action = parts[1] if len(parts) > 1 else ""
    if participant is None:
        turn.say("stale_button")
    elif action == "bast" and len(parts) == 2:
        await _send_bast(turn, participant)
    elif action == "next" and len(parts) == 2:
        if _in_own_flow(turn):
            await turn.end_flow()
        await _next_or_thanks(turn, participant)
    elif action in ("ans", "item", "proof") and len(parts) == (4 if action == "ans" else 3):
        await _on_item_button(turn, participant, action, parts)
    else:
        turn.say("stale_button")


async def _on_item_button(
    turn: Turn, participant: Participant, action: str, parts: list[str]
) -> None:
    allocation = await _own_allocation(turn, participant, parts[2])
    if allocation is None:
        turn.say("stale_button")
    elif allocation.handed_over_at is None:
        turn.say("alat.not_handed_over", item=allocation.item_name)
    elif action == "item":
        _ask(turn, allocation)
    elif action == "proof":
        await _start_proof(turn, allocation)
    elif parts[3] in ANSWER_CODES:
        await _answer(turn, participant, allocation, ANSWER_CODES[parts[3]])
    else:
        turn.say("stale_button")


async def _own_allocation(turn: Turn, participant: Participant, value: str) -> Allocation | None:
    allocation_id = parse_id(value)
    if allocation_id is None:
        return None
    allocation = await turn.storage.allocations.get(allocation_id)
    if allocation is None or allocation.participant_id != participant.id:
        return None
    return allocation


def _ask(turn: Turn, allocation: Allocation) -> None:
    ask = question(turn.language, allocation)
    buttons = ask.buttons
    if allocation.confirmation is not None:
        proof = Button(turn.t("alat.proof.button"), f"{PREFIX}:proof:{allocation.id}")
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
    proof = Button(turn.t("alat.proof.button"), f"{PREFIX}:proof:{recorded.id}")
    turn.say("alat.recorded", buttons=((proof,),), item=item, answer=said)
    if _in_own_flow(turn):
        await turn.end_flow()
    await _next_or_thanks(turn, participant)


def _in_own_flow(turn: Turn) -> bool:
    return turn.conversation is not None and turn.conversation.flow == FLOW


async def _start_proof(turn: Turn, allocation: Allocation) -> None:
    """Wait for a photo and a note about the item, unless another flow is running."""
    if turn.conversation is not None and not _in_own_flow(turn):
        turn.say("alat.proof.later")
        return
    await turn.save_state(FLOW, PROOF, {"allocation_id": allocation.id})
    _ask_proof(turn, allocation)


def _ask_proof(turn: Turn, allocation: Allocation) -> None:
    go_on = Button(turn.t("alat.proof.next"), f"{PREFIX}:next")
    turn.say("alat.proof.ask", buttons=((go_on,),), item=allocation.item_name)


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


class ProofFlow:
    """After an answer: a photo and a note about the item, until `Lanjut`."""

    name = FLOW

    async def prompt(self, turn: Turn) -> None:
        """Ask again for a photo or a note."""
        allocation = await self._allocation(turn)
        if allocation is not None:
            _ask_proof(turn, allocation)

    async def resume(self, turn: Turn) -> None:
        """Keep a photo or a note; buttons go to the equipment buttons."""
        inbound = turn.inbound
        if inbound.kind == "button":
            await on_button(turn, inbound.payload)
            return
        allocation = await self._allocation(turn)
        if allocation is None:
            return
        if inbound.kind == "photo" and inbound.photo_id:
            await self._photo(turn, allocation, inbound.photo_id)
        elif inbound.kind == "text":
            await self._note(turn, allocation, inbound.text)
        else:
            turn.say("alat.proof.expected")
            _ask_proof(turn, allocation)

    async def _allocation(self, turn: Turn) -> Allocation | None:
        assert turn.conversation is not None  # noqa: S101 - the router checks
        participant = await turn.participant()
        allocation = None
        if participant is not None:
            allocation_id = turn.conversation.data.get("allocation_id")
            allocation = await _own_allocation(turn, participant, str(allocation_id))
        if allocation is None:
            await turn.end_flow()
            turn.say_with_menu("stale_button")
        return allocation

    async def _photo(self, turn: Turn, allocation: Allocation, photo_id: str) -> None:
        case_id = await add_photo(
            turn.storage,
            allocation,
            photo_id,
            actor=turn.actor,
            now=turn.now,
            zone=turn.services.zone,
        )
        _saved(turn, "photo", allocation, case_id)

    async def _note(self, turn: Turn, allocation: Allocation, text: str) -> None:
        try:
            note = read_note(text[: fields.MAX_TEXT])
        except EquipmentRefused:
            turn.say("alat.note.invalid")
            _ask_proof(turn, allocation)
            return
        case_id = await add_note(
            turn.storage,
            allocation,
            note,
            actor=turn.actor,
            now=turn.now,
            zone=turn.services.zone,
        )
        _saved(turn, "note", allocation, case_id)


def _saved(turn: Turn, proof: str, allocation: Allocation, case_id: int | None) -> None:
    go_on = Button(turn.t("alat.proof.next"), f"{PREFIX}:next")
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


FEATURE = Feature(
    commands={"alat": show, "equipment": show},
    flows={FLOW: ProofFlow()},
    buttons={PREFIX: on_button},
    menu={"menu.equipment": "alat"},
    photos=take_photo,
)
