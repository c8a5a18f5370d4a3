"""Equipment rules: quantities, notes, answers, an allocation's state and what an answer does.

Pure functions only, so the CLI, the chat and the tests share them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal, get_args

from handlers.conversation.payloads import read_number
from handlers.conversation.textnorm import clean_line
from storage.models import Allocation, CaseKind, Confirmation

MAX_QUANTITY: Final = 1000
MAX_NOTE: Final = 500
MAX_ITEM_NAME: Final = 100
MAX_UNIT: Final = 30
MAX_OFFICER_LABEL: Final = 100
# Typed text this many times over a field's limit is refused before it is normalised.
RAW_LENGTH_FACTOR: Final = 10
ANSWERS: Final[tuple[Confirmation, ...]] = get_args(Confirmation)
PROBLEMS: Final[frozenset[str]] = frozenset(get_args(CaseKind))
# Button payloads carry one letter per answer: they must stay under Telegram's 64 bytes.
AnswerCode = Literal["r", "n", "d"]
ANSWER_CODES: Final[dict[AnswerCode, Confirmation]] = {
    "r": "received",
    "n": "not_received",
    "d": "damaged",
}

AllocationState = Literal["allocated", "awaiting", "received", "not_received", "damaged"]
CaseAction = Literal["none", "open", "change", "close"]


class EquipmentRefused(Exception):
    """An equipment action cannot be carried out as asked; `reason` names why."""

    REASONS: Final = {
        "quantity": f"the quantity must be a whole number from 1 to {MAX_QUANTITY}",
        "item_name": f"an item name has 1 to {MAX_ITEM_NAME} characters",
        "unit": f"a unit has 1 to {MAX_UNIT} characters",
        "item_taken": "an item with this name already exists",
        "unknown_item": "no such item",
        "nik": "not a valid NIK",
        "unknown_nik": "no participant with this NIK",
        "handed_over": "already handed over ({detail}); the quantity cannot change now",
        "nothing_to_hand_over": "nothing allocated to this participant is waiting for handover",
        "not_handed_over": "this item has not been handed over yet",
        "case_closed": "this case is already resolved",
        "unknown_case": "no such case",
        "note": f"a note has 1 to {MAX_NOTE} characters",
        "officer": f"the officer's name has 1 to {MAX_OFFICER_LABEL} characters",
        "nothing_handed_over": "nothing has been handed over to this participant yet",
    }

    def __init__(self, reason: str, detail: str = "") -> None:
        message = self.REASONS[reason]
        if "{detail}" in message:
            message = message.format(detail=detail)
        elif detail:
            message = f"{message}: {detail}"
        super().__init__(message)
        self.reason = reason
        self.detail = detail


def read_quantity(text: str) -> int:
    """Return a quantity from 1 to MAX_QUANTITY typed as plain digits, or refuse."""
    quantity = read_number(text.strip(), MAX_QUANTITY)
    if quantity is None or quantity < 1:
        raise EquipmentRefused("quantity")
    return quantity


def read_note(text: str) -> str:
    """Return a note normalised (see handlers/textnorm.py), or refuse an empty or long one."""
    if len(text) > MAX_NOTE * RAW_LENGTH_FACTOR:
        raise EquipmentRefused("note")
    note = clean_line(text)
    if not 1 <= len(note) <= MAX_NOTE:
        raise EquipmentRefused("note")
    return note


def read_label(text: str, limit: int, reason: str) -> str:
    """Return an item name, unit or officer name normalised, or refuse."""
    if len(text) > limit * RAW_LENGTH_FACTOR:
        raise EquipmentRefused(reason)
    label = clean_line(text)
    if not 1 <= len(label) <= limit:
        raise EquipmentRefused(reason)
    return label


def state_of(allocation: Allocation) -> AllocationState:
    """Return where an allocation stands: allocated, awaiting an answer, or the answer."""
    if allocation.handed_over_at is None:
        return "allocated"
    if allocation.confirmation is None:
        return "awaiting"
    return allocation.confirmation


def case_action(
    previous: Confirmation | None, answer: Confirmation, has_open_case: bool
) -> CaseAction:
    """Return what an answer does to the allocation's problem case.

    A problem answer opens a case, or changes the open one when the problem is another;
    "received" closes an open case (the participant got it after all).
    """
    if answer in PROBLEMS:
        if not has_open_case:
            return "open"
        return "change" if previous != answer else "none"
    return "close" if has_open_case else "none"


def problem(answer: Confirmation) -> CaseKind:
    """Return the case kind of a problem answer; "received" is none."""
    if answer == "received":
        raise ValueError("'received' opens no case")
    return answer


def check_answerable(allocation: Allocation) -> None:
    """Refuse an answer about an allocation that has not been handed over."""
    if allocation.handed_over_at is None:
        raise EquipmentRefused("not_handed_over")


@dataclass(frozen=True)
class QuantityChange:
    """What setting an allocation's quantity does: create, change, or nothing."""

    kind: Literal["new", "changed", "unchanged"]


def quantity_change(existing: Allocation | None, quantity: int) -> QuantityChange:
    """Decide what setting a quantity does; a handed-over allocation cannot change."""
    if existing is None:
        return QuantityChange("new")
    if existing.quantity == quantity:
        return QuantityChange("unchanged")
    if existing.handed_over_at is not None:
        raise EquipmentRefused("handed_over", f"{existing.quantity} {existing.item_unit}")
    return QuantityChange("changed")
