"""Officers' equipment desk in chat (/kelolaalat, /kasus): allocate, hand over, cases, BAST.

Buttons carry `alatp:<action>[:<id>]` and re-check the officer role on every press; the
multi-step parts (allocate, hand over, resolve a case, BAST by NIK) are stored flows whose own
buttons carry `<flow>:<step>:<value>`. Ids are re-read from the database before any change.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Final

from handlers import fields, texts
from handlers.bast import bast_filename, load_bast, render_bast
from handlers.core import Button, Document, Reply, rows
from handlers.equipment_admin import find_participant, hand_over, set_allocation
from handlers.equipment_cases import load_case, officer_message, resolve_case
from handlers.equipment_messages import bullet_list, item_text
from handlers.equipment_rules import EquipmentRefused, read_note, read_quantity, state_of
from handlers.officers_auth import officer_actor, require_officer
from handlers.payload_ids import parse_id
from handlers.router import Feature
from handlers.turn import Flow, Turn
from handlers.validation import mask_nik
from storage.models import Officer, Participant

PREFIX: Final = "alatp"
ALLOCATE: Final = "alatp_alloc"
HANDOVER: Final = "alatp_handover"
RESOLVE: Final = "alatp_resolve"
BAST: Final = "alatp_bast"
CASES_SHOWN: Final = 10
MAX_LABEL: Final = 60

Action = Callable[[Turn, Officer, int | None], Awaitable[None]]


def payload(action: str, value: int | None = None) -> str:
    """Return the payload of an equipment-desk button."""
    return f"{PREFIX}:{action}" if value is None else f"{PREFIX}:{action}:{value}"


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
        Button(turn.t("alatp.btn.allocate"), payload("alloc")),
        Button(turn.t("alatp.btn.handover"), payload("handover")),
        Button(turn.t("alatp.btn.cases", count=count), payload("cases")),
        Button(turn.t("alatp.btn.bast"), payload("bast")),
    ]
    turn.say("alatp.menu", buttons=rows(choices, 2))


async def on_button(turn: Turn, pressed: str) -> None:
    """Carry out a desk button after checking the role and the id it carries."""
    parts = pressed.split(":")
    name = parts[1] if len(parts) > 1 and parts[1] in ACTIONS else "unknown"
    officer = await require_officer(turn, f"equipment.{name}")
    if officer is None:
        return
    needs_id, action = ACTIONS.get(name, (False, _stale))
    value = parse_id(parts[2]) if len(parts) == 3 else None
    # An extra part, even one that is not an id, makes the payload forged or broken.
    if len(parts) != (3 if needs_id else 2) or (needs_id and value is None):
        await _stale(turn, officer, None)
        return
    await action(turn, officer, value)


async def _stale(turn: Turn, _officer: Officer, _value: int | None) -> None:
    turn.say("stale_button")


def _busy(turn: Turn) -> bool:
    """Tell (and say) whether a flow runs, which a new one must not overwrite."""
    if turn.conversation is None:
        return False
    turn.say("busy", flow=turn.t(f"flow.{turn.conversation.flow}"))
    return True


async def _start(flow: str, turn: Turn, _officer: Officer, _value: int | None) -> None:
    if _busy(turn):
        return
    await turn.save_state(flow, "nik", {})
    turn.say("alatp.ask_nik")


async def _show_menu(turn: Turn, _officer: Officer, _value: int | None) -> None:
    await _menu(turn)


async def _show_cases(turn: Turn, _officer: Officer, _value: int | None) -> None:
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
        choices.append(Button(label[:MAX_LABEL], payload("case", case.id)))
    turn.say("alatp.cases", buttons=rows(choices, 1), count=count, shown=len(choices))


async def _show_case(turn: Turn, _officer: Officer, case_id: int | None) -> None:
    view = None if case_id is None else await load_case(turn.storage, case_id)
    if view is None:
        turn.say("alatp.case_gone")
        return
    message = officer_message(turn.language, view, turn.services.zone, "detail")
    extra = (
        Button(turn.t("alatp.btn.cases_back"), payload("cases")),
        Button(turn.t("alatp.btn.bast"), payload("bastp", view.participant.id)),
    )
    turn.replies.append(
        Reply(message.text, buttons=(*message.buttons, extra), photo_file_id=message.photo_file_id)
    )


async def _start_resolve(turn: Turn, _officer: Officer, case_id: int | None) -> None:
    case = None if case_id is None else await turn.storage.equipment_cases.get(case_id)
    if case is None:
        turn.say("alatp.case_gone")
    elif case.resolved_at is not None:
        turn.say("alatp.resolve.already", case=case.id)
    elif not _busy(turn):
        await turn.save_state(RESOLVE, "note", {"case_id": case.id})
        turn.say("alatp.resolve.ask", case=case.id)


async def _bast_of(turn: Turn, _officer: Officer, participant_id: int | None) -> None:
    participant = None
    if participant_id is not None:
        participant = await turn.storage.participants.get(participant_id)
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


ACTIONS: Final[dict[str, tuple[bool, Action]]] = {
    "menu": (False, _show_menu),
    "alloc": (False, lambda turn, officer, value: _start(ALLOCATE, turn, officer, value)),
    "handover": (False, lambda turn, officer, value: _start(HANDOVER, turn, officer, value)),
    "bast": (False, lambda turn, officer, value: _start(BAST, turn, officer, value)),
    "cases": (False, _show_cases),
    "case": (True, _show_case),
    "resolve": (True, _start_resolve),
    "bastp": (True, _bast_of),
}


# The stored flows


async def _officer_answer(turn: Turn, action: str) -> Officer | None:
    """Re-check the role at every step; end the flow for someone no longer an officer."""
    officer = await require_officer(turn, action)
    if officer is None:
        await turn.end_flow()
    return officer


def _typed(turn: Turn) -> str | None:
    """Return the typed text of this step, or say that text is expected."""
    if turn.inbound.kind == "text":
        return turn.inbound.text[: fields.MAX_TEXT]
    turn.say("stale_button" if turn.inbound.kind == "button" else "alatp.text_expected")
    return None


async def _participant_by_nik(turn: Turn) -> Participant | None:
    typed = _typed(turn)
    if typed is None:
        turn.say("alatp.ask_nik")
        return None
    try:
        return await find_participant(turn.storage, typed)
    except EquipmentRefused as error:
        turn.say("alatp.nik_invalid" if error.reason == "nik" else "alatp.nik_unknown")
        turn.say("alatp.ask_nik")
        return None


async def _data_participant(turn: Turn, data: dict[str, Any]) -> Participant | None:
    participant = await turn.storage.participants.get(int(data["participant_id"]))
    if participant is None or participant.deleted_at is not None:
        await turn.end_flow()
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


class AllocateFlow:
    """NIK, item, quantity; then another item, the handover, or done."""

    name = ALLOCATE

    async def prompt(self, turn: Turn) -> None:
        """Ask again what the current step needs."""
        assert turn.conversation is not None  # noqa: S101 - the router checks
        await self._ask(turn, turn.conversation.step, dict(turn.conversation.data))

    async def _ask(self, turn: Turn, step: str, data: dict[str, Any]) -> None:
        if step == "nik":
            turn.say("alatp.ask_nik")
            return
        participant = await _data_participant(turn, data)
        if participant is None:
            return
        if step == "item":
            items = await turn.storage.equipment_items.list_all()
            choices = [
                Button(item.name[:MAX_LABEL], fields.payload(ALLOCATE, "item", str(item.id)))
                for item in items
            ]
            turn.say("alatp.ask_item", buttons=rows(choices, 2), who=_who(turn, participant))
        elif step == "qty":
            item = await turn.storage.equipment_items.get(int(data["item_id"]))
            name, unit = (item.name, item.unit) if item is not None else ("-", "-")
            turn.say("alatp.ask_qty", item=name, unit=unit, name=participant.full_name or "-")
        else:
            await self._ask_more(turn, participant)

    async def _ask_more(self, turn: Turn, participant: Participant) -> None:
        allocations = await turn.storage.allocations.for_participant(participant.id)
        choices = [
            Button(turn.t("alatp.btn.more"), fields.payload(ALLOCATE, "more", "item")),
            Button(turn.t("alatp.btn.hand_now"), fields.payload(ALLOCATE, "more", "handover")),
            Button(turn.t("alatp.btn.done"), fields.payload(ALLOCATE, "more", "done")),
        ]
        lines = "\n".join(
            f"• {item_text(turn.language, a)} — {turn.t(f'alatp.state.{state_of(a)}')}"
            for a in allocations
        )
        turn.say(
            "alatp.allocations", buttons=rows(choices, 1), who=_who(turn, participant), lines=lines
        )

    async def resume(self, turn: Turn) -> None:
        """Handle the answer at the current step."""
        assert turn.conversation is not None  # noqa: S101 - the router checks
        officer = await _officer_answer(turn, "equipment.alloc")
        if officer is None:
            return
        step, data = turn.conversation.step, dict(turn.conversation.data)
        if step == "nik":
            participant = await _participant_by_nik(turn)
            if participant is not None:
                await self._go(turn, "item", {"participant_id": participant.id})
        elif step == "item":
            await self._on_item(turn, data)
        elif step == "qty":
            await self._on_quantity(turn, officer, data)
        else:
            await self._on_more(turn, data)

    async def _go(self, turn: Turn, step: str, data: dict[str, Any]) -> None:
        await turn.save_state(ALLOCATE, step, data)
        await self._ask(turn, step, data)

    async def _on_item(self, turn: Turn, data: dict[str, Any]) -> None:
        item_id = parse_id(fields.button_value(turn, ALLOCATE, "item"))
        item = None if item_id is None else await turn.storage.equipment_items.get(item_id)
        if item is None:
            turn.say("invalid.choice")
            await self._ask(turn, "item", data)
            return
        await self._go(turn, "qty", {**data, "item_id": item.id})

    async def _on_quantity(self, turn: Turn, officer: Officer, data: dict[str, Any]) -> None:
        typed = _typed(turn)
        participant = await _data_participant(turn, data)
        item = await turn.storage.equipment_items.get(int(data["item_id"]))
        if typed is None or participant is None or item is None:
            if participant is not None:
                await self._ask(turn, "qty", data)
            return
        try:
            quantity = read_quantity(typed)
            await set_allocation(
                turn.storage,
                participant,
                item,
                quantity,
                actor=officer_actor(officer),
                now=turn.now,
            )
        except EquipmentRefused as error:
            turn.say(f"alatp.refused.{error.reason}")
            await self._ask(turn, "qty" if error.reason == "quantity" else "item", data)
            return
        turn.say("alatp.allocated", item=item.name, qty=quantity, unit=item.unit)
        await self._go(turn, "more", data)

    async def _on_more(self, turn: Turn, data: dict[str, Any]) -> None:
        choice = fields.button_value(turn, ALLOCATE, "more")
        if choice == "item":
            await self._go(turn, "item", data)
        elif choice == "handover":
            participant = await _data_participant(turn, data)
            if participant is not None:
                await turn.end_flow()
                await _ask_handover(turn, participant)
        elif choice == "done":
            await turn.end_flow()
            turn.say("alatp.done")
        else:
            turn.say("invalid.choice")
            await self._ask(turn, "more", data)


async def _ask_handover(turn: Turn, participant: Participant) -> None:
    """Show what waits for handover and ask to confirm it, or say there is nothing."""
    pending = [
        a
        for a in await turn.storage.allocations.for_participant(participant.id)
        if a.handed_over_at is None
    ]
    if not pending:
        await turn.end_flow()
        turn.say("alatp.handover.nothing", name=participant.full_name or "-")
        return
    await turn.save_state(HANDOVER, "confirm", {"participant_id": participant.id})
    buttons = (
        (
            Button(turn.t("alatp.handover.yes"), fields.payload(HANDOVER, "confirm", "yes")),
            Button(turn.t("alatp.handover.no"), fields.payload(HANDOVER, "confirm", "no")),
        ),
    )
    turn.say(
        "alatp.handover.confirm",
        buttons=buttons,
        who=_who(turn, participant),
        lines=bullet_list(turn.language, pending),
    )


class HandoverFlow:
    """NIK, then confirm that everything waiting was handed over now."""

    name = HANDOVER

    async def prompt(self, turn: Turn) -> None:
        """Ask again what the current step needs."""
        assert turn.conversation is not None  # noqa: S101 - the router checks
        if turn.conversation.step == "nik":
            turn.say("alatp.ask_nik")
            return
        participant = await _data_participant(turn, dict(turn.conversation.data))
        if participant is not None:
            await _ask_handover(turn, participant)

    async def resume(self, turn: Turn) -> None:
        """Handle the NIK or the confirmation."""
        assert turn.conversation is not None  # noqa: S101 - the router checks
        officer = await _officer_answer(turn, "equipment.handover")
        if officer is None:
            return
        if turn.conversation.step == "nik":
            participant = await _participant_by_nik(turn)
            if participant is not None:
                await _ask_handover(turn, participant)
            return
        participant = await _data_participant(turn, dict(turn.conversation.data))
        if participant is None:
            return
        answer = fields.button_value(turn, HANDOVER, "confirm")
        if answer == "yes":
            await turn.end_flow()
            await self._hand_over(turn, officer, participant)
        elif answer == "no":
            await turn.end_flow()
            turn.say("alatp.handover.aborted")
        else:
            turn.say("invalid.choice")
            await _ask_handover(turn, participant)

    async def _hand_over(self, turn: Turn, officer: Officer, participant: Participant) -> None:
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
            return
        key = "alatp.handover.done" if done.asked else "alatp.handover.no_contact"
        bast = Button(turn.t("alatp.btn.bast"), payload("bastp", participant.id))
        turn.say(
            key, buttons=((bast,),), name=participant.full_name or "-", count=len(done.allocations)
        )


class ResolveFlow:
    """The officer's note that closes a case; the participant is told."""

    name = RESOLVE

    async def prompt(self, turn: Turn) -> None:
        """Ask for the note again."""
        assert turn.conversation is not None  # noqa: S101 - the router checks
        turn.say("alatp.resolve.ask", case=turn.conversation.data.get("case_id"))

    async def resume(self, turn: Turn) -> None:
        """Resolve the case with the typed note."""
        assert turn.conversation is not None  # noqa: S101 - the router checks
        officer = await _officer_answer(turn, "equipment.resolve")
        if officer is None:
            return
        case_id = int(turn.conversation.data["case_id"])
        typed = _typed(turn)
        if typed is None:
            await self.prompt(turn)
            return
        try:
            note = read_note(typed)
        except EquipmentRefused:
            turn.say("alatp.note_invalid")
            await self.prompt(turn)
            return
        await turn.end_flow()
        try:
            await resolve_case(
                turn.storage, case_id, note, actor=officer_actor(officer), now=turn.now
            )
        except EquipmentRefused:
            turn.say("alatp.resolve.already", case=case_id)
            return
        turn.say("alatp.resolve.done", case=case_id)


class BastFlow:
    """NIK, then the participant's BAST as a PDF."""

    name = BAST

    async def prompt(self, turn: Turn) -> None:
        """Ask for the NIK again."""
        turn.say("alatp.ask_nik")

    async def resume(self, turn: Turn) -> None:
        """Send the BAST of the participant with the typed NIK."""
        if await _officer_answer(turn, "equipment.bast") is None:
            return
        participant = await _participant_by_nik(turn)
        if participant is not None:
            await turn.end_flow()
            await _send_bast(turn, participant)


FLOWS: Final[dict[str, Flow]] = {
    ALLOCATE: AllocateFlow(),
    HANDOVER: HandoverFlow(),
    RESOLVE: ResolveFlow(),
    BAST: BastFlow(),
}

FEATURE = Feature(
    commands={"kelolaalat": open_desk, "kasus": open_cases},
    flows=FLOWS,
    flow_role="officer",
    buttons={PREFIX: on_button},
)
