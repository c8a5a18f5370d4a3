"""Equipment rules and an allocation's life: allocated, handed over, answered, cases."""

from __future__ import annotations

from datetime import timedelta

import pytest

from handlers.equipment.cases import record_answer, resolve_case
from handlers.equipment.rules import (
    EquipmentRefused,
    case_action,
    quantity_change,
    read_note,
    read_quantity,
    state_of,
)
from handlers.equipment.service import hand_over, set_allocation
from storage import Storage
from storage.models import Allocation, CaseKind, Confirmation
from tests.support.chat import NOW, ZONE
from tests.support.equipment import allocate, handed_over, participant_with_chat


@pytest.mark.parametrize(
    ("previous", "answer", "has_open_case", "action"),
    [
        (None, "received", False, "none"),
        (None, "not_received", False, "open"),
        (None, "damaged", False, "open"),
        ("received", "damaged", False, "open"),
        ("damaged", "damaged", True, "none"),
        ("damaged", "not_received", True, "change"),
        ("not_received", "damaged", True, "change"),
        ("damaged", "received", True, "close"),
        ("not_received", "received", False, "none"),  # an officer already resolved it
        ("not_received", "not_received", False, "open"),  # resolved, but still missing
    ],
)
def test_what_an_answer_does_to_the_case(
    previous: Confirmation | None, answer: Confirmation, has_open_case: bool, action: str
) -> None:
    assert case_action(previous, answer, has_open_case) == action


@pytest.mark.parametrize(
    ("typed", "expected"), [("1", 1), (" 25 ", 25), ("1000", 1000), ("007", 7)]
)
def test_good_quantities(typed: str, expected: int) -> None:
    assert read_quantity(typed) == expected


@pytest.mark.parametrize("typed", ["0", "1001", "-1", "1.5", "", "dua", "١٢", "²", "99999"])
def test_bad_quantities(typed: str) -> None:
    with pytest.raises(EquipmentRefused) as refused:
        read_quantity(typed)
    assert refused.value.reason == "quantity"


def test_notes_are_collapsed_and_bounded() -> None:
    assert read_note("  pintu\n\nrusak ") == "pintu rusak"
    assert read_note("x" * 500) == "x" * 500
    for bad in ("", "   ", "x" * 501):
        with pytest.raises(EquipmentRefused):
            read_note(bad)


async def test_quantity_changes_until_handover(storage: Storage) -> None:
    participant = await participant_with_chat(storage)
    [oven] = await allocate(storage, participant, ("Oven", 1))
    assert quantity_change(None, 1).kind == "new"
    assert quantity_change(oven, 1).kind == "unchanged"
    assert quantity_change(oven, 2).kind == "changed"
    item = await storage.equipment_items.get(oven.item_id)
    assert item is not None
    done = await set_allocation(storage, participant, item, 2, actor="cli", now=NOW)
    assert (done.change.kind, done.allocation.quantity) == ("changed", 2)
    await hand_over(storage, participant, officer="Budi", actor="cli", now=NOW)
    with pytest.raises(EquipmentRefused) as refused:
        await set_allocation(storage, participant, item, 3, actor="cli", now=NOW)
    assert refused.value.reason == "handed_over"
    assert "already handed over (2 unit)" in str(refused.value)
    same = await set_allocation(storage, participant, item, 2, actor="cli", now=NOW)
    assert same.change.kind == "unchanged"


async def fresh(storage: Storage, allocation_id: int = 1) -> Allocation:
    found = await storage.allocations.get(allocation_id)
    assert found is not None
    return found


async def answer(storage: Storage, given: Confirmation, minutes: int = 0) -> Allocation:
    outcome = await record_answer(
        storage,
        await fresh(storage),
        given,
        actor="participant:1",
        now=NOW + timedelta(minutes=minutes),
        zone=ZONE,
    )
    return outcome.allocation


async def cases(storage: Storage) -> list[tuple[int, CaseKind, bool]]:
    rows = await storage.db.fetch_all("SELECT id, kind, resolved_at FROM equipment_case")
    return [(row["id"], row["kind"], row["resolved_at"] is not None) for row in rows]


async def test_the_life_of_an_allocation(storage: Storage) -> None:
    participant = await participant_with_chat(storage)
    [oven] = await allocate(storage, participant, ("Oven", 1))
    assert state_of(oven) == "allocated"
    with pytest.raises(EquipmentRefused) as refused:
        await answer(storage, "received")
    assert refused.value.reason == "not_handed_over"
    await hand_over(storage, participant, officer="Budi", actor="cli", now=NOW)
    assert state_of(await fresh(storage)) == "awaiting"
    damaged = await answer(storage, "damaged", 1)
    assert (state_of(damaged), damaged.open_case_id) == ("damaged", 1)
    assert damaged.confirmed_at == NOW + timedelta(minutes=1)
    missing = await answer(storage, "not_received", 2)
    assert (state_of(missing), missing.open_case_id) == ("not_received", 1)
    assert await cases(storage) == [(1, "not_received", False)]
    received = await answer(storage, "received", 3)
    assert (state_of(received), received.open_case_id) == ("received", None)
    assert await cases(storage) == [(1, "not_received", True)]
    again = await answer(storage, "damaged", 4)
    assert again.open_case_id == 2
    await resolve_case(storage, 2, "diganti", actor="officer:1", now=NOW)
    resolved = await fresh(storage)
    assert (state_of(resolved), resolved.open_case_id) == ("damaged", None)
    assert await cases(storage) == [(1, "not_received", True), (2, "damaged", True)]
    actions = [entry.action for entry in reversed(await storage.audit.latest())]
    assert actions[-6:] == [
        "allocation.handover",
        "allocation.confirm.damaged",
        "allocation.confirm.not_received",
        "allocation.confirm.received",
        "allocation.confirm.damaged",
        "case.resolve",
    ]


async def test_resolving_twice_is_refused(storage: Storage) -> None:
    participant = await participant_with_chat(storage)
    await handed_over(storage, participant, ("Oven", 1))
    await answer(storage, "not_received")
    _, told = await resolve_case(storage, 1, "sudah diantar", actor="officer:1", now=NOW)
    assert told == 1
    for case_id, reason in ((1, "case_closed"), (7, "unknown_case")):
        with pytest.raises(EquipmentRefused) as refused:
            await resolve_case(storage, case_id, "lagi", actor="officer:1", now=NOW)
        assert refused.value.reason == reason
