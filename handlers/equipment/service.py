"""What officers record about equipment, shared by the CLI and the chat.

Each action is one transaction: the rows, the audit entry and any message to the participant.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from handlers.conversation.textnorm import clean_line
from handlers.equipment.imports import ImportRow, refusal_reason
from handlers.equipment.messages import queue_handover_request
from handlers.equipment.rules import (
    MAX_ITEM_NAME,
    MAX_OFFICER_LABEL,
    MAX_UNIT,
    EquipmentRefused,
    QuantityChange,
    quantity_change,
    read_label,
)
from handlers.participants.validation import ValidationError, normalize_nik
from handlers.spreadsheets.reasons import BadRow, reason
from storage import Storage
from storage.equipment import ItemNameTaken, item_key
from storage.models import Allocation, EquipmentItem, Participant


@dataclass(frozen=True)
class Allocated:
    """An allocation as it is after an officer set its quantity, and what changed."""

    participant: Participant
    allocation: Allocation
    change: QuantityChange


@dataclass
class ImportReport:
    """How an import went: rows created, changed, already so, and refused."""

    new: int = 0
    changed: int = 0
    unchanged: int = 0
    bad: list[BadRow] = field(default_factory=list)


@dataclass(frozen=True)
class Handover:
    """What a handover recorded and how many of the participant's chats were asked."""

    participant: Participant
    allocations: list[Allocation]
    asked: int


async def add_item(
    storage: Storage, name: str, unit: str, *, actor: str, now: datetime
) -> EquipmentItem:
    """Add a kind of equipment."""
    clean_name = read_label(name, MAX_ITEM_NAME, "item_name")
    clean_unit = read_label(unit, MAX_UNIT, "unit")
    async with storage.db.transaction():
        try:
            item = await storage.equipment_items.add(clean_name, clean_unit)
        except ItemNameTaken as error:
            raise EquipmentRefused("item_taken", clean_name) from error
        await storage.audit.record(actor, "equipment.item.add", f"item:{item.id}", now)
    return item


async def edit_item(
    storage: Storage,
    name: str,
    *,
    new_name: str | None,
    unit: str | None,
    actor: str,
    now: datetime,
) -> EquipmentItem:
    """Rename an item or change its unit."""
    async with storage.db.transaction():
        item = await find_item(storage, name)
        renamed = (
            item.name if new_name is None else read_label(new_name, MAX_ITEM_NAME, "item_name")
        )
        clean_unit = item.unit if unit is None else read_label(unit, MAX_UNIT, "unit")
        try:
            updated = await storage.equipment_items.update(item.id, renamed, clean_unit)
        except ItemNameTaken as error:
            raise EquipmentRefused("item_taken", renamed) from error
        await storage.audit.record(actor, "equipment.item.edit", f"item:{item.id}", now)
    return updated


async def find_item(storage: Storage, name: str) -> EquipmentItem:
    """Return the item with this name or refuse."""
    typed = clean_line(name[: MAX_ITEM_NAME * 10])
    item = await storage.equipment_items.get_by_name(typed)
    if item is None:
        raise EquipmentRefused("unknown_item", repr(typed))
    return item


async def find_participant(storage: Storage, nik_text: str) -> Participant:
    """Return the participant with this NIK (typed with spaces or dots) or refuse."""
    try:
        nik = normalize_nik(nik_text)
    except ValidationError as error:
        raise EquipmentRefused("nik", str(error)) from error
    participant = await storage.participants.get_by_nik(nik)
    if participant is None:
        raise EquipmentRefused("unknown_nik")
    return participant


async def set_allocation(
    storage: Storage,
    participant: Participant,
    item: EquipmentItem,
    quantity: int,
    *,
    actor: str,
    now: datetime,
) -> Allocated:
    """Allocate a quantity of an item to a participant (the same again changes nothing)."""
    async with storage.db.transaction():
        existing = await storage.allocations.get_for(participant.id, item.id)
        change = quantity_change(existing, quantity)
        if existing is None:
            allocation = await storage.allocations.create(participant.id, item.id, quantity, now)
        elif change.kind == "changed":
            allocation = await storage.allocations.set_quantity(existing.id, quantity, now)
        else:
            allocation = existing
        if change.kind != "unchanged":
            target = f"allocation:{allocation.id}"
            await storage.audit.record(actor, f"allocation.{change.kind}", target, now)
    return Allocated(participant, allocation, change)


async def allocate_by_nik(
    storage: Storage, nik: str, item_name: str, quantity: int, *, actor: str, now: datetime
) -> Allocated:
    """Allocate by NIK and item name, as typed on the command line."""
    async with storage.db.transaction():
        participant = await find_participant(storage, nik)
        item = await find_item(storage, item_name)
        return await set_allocation(storage, participant, item, quantity, actor=actor, now=now)


# Rows per transaction: a few hundred set_allocation calls hold the write lock for tens of
# milliseconds, so the running bot never waits long for it.
IMPORT_CHUNK_ROWS = 200


async def import_allocations(
    storage: Storage,
    rows: Sequence[ImportRow],
    *,
    actor: str,
    now: datetime,
    on_row: Callable[[], None] | None = None,
    chunk_rows: int = IMPORT_CHUNK_ROWS,
) -> ImportReport:
    """Store the good rows in short transactions; collect `line N: reason` for the others.

    Each chunk commits by itself and the import makes way for other writers between chunks;
    an import cut short keeps what it stored, and running it again completes it (setting a
    quantity twice changes nothing).
    """
    report = ImportReport()
    participants: dict[str, Participant | None] = {}
    items = {item_key(item.name): item for item in await storage.equipment_items.list_all()}
    known = ", ".join(item.name for item in items.values())
    for start in range(0, len(rows), chunk_rows):
        async with storage.db.transaction():
            for row in rows[start : start + chunk_rows]:
                if row.nik not in participants:
                    participants[row.nik] = await storage.participants.get_by_nik(row.nik)
                participant = participants[row.nik]
                item = items.get(item_key(row.item))
                if participant is None:
                    report.bad.append(BadRow(row.line, (reason("equipment.no_participant"),)))
                elif item is None:
                    unknown = reason("equipment.unknown_item", item=row.item, known=known)
                    report.bad.append(BadRow(row.line, (unknown,)))
                else:
                    await _import_row(storage, report, row, participant, item, actor, now)
                if on_row is not None:
                    on_row()
        await storage.db.make_way()
    imported = report.new + report.changed
    await storage.audit.record(actor, "allocation.import", f"rows:{imported}", now)
    return report


async def _import_row(
    storage: Storage,
    report: ImportReport,
    row: ImportRow,
    participant: Participant,
    item: EquipmentItem,
    actor: str,
    now: datetime,
) -> None:
    try:
        allocated = await set_allocation(storage, participant, item, row.qty, actor=actor, now=now)
    except EquipmentRefused as error:
        report.bad.append(BadRow(row.line, (refusal_reason(error),)))
        return
    kind = allocated.change.kind
    report.new += kind == "new"
    report.changed += kind == "changed"
    report.unchanged += kind == "unchanged"


async def hand_over(
    storage: Storage, participant: Participant, *, officer: str, actor: str, now: datetime
) -> Handover:
    """Record that everything allocated and not yet handed over was handed over now.

    `officer` is the name shown on the BAST; the participant is asked through the outbox to
    confirm each item.
    """
    label = read_label(officer, MAX_OFFICER_LABEL, "officer")
    async with storage.db.transaction():
        pending = [
            allocation
            for allocation in await storage.allocations.for_participant(participant.id)
            if allocation.handed_over_at is None
        ]
        if not pending:
            raise EquipmentRefused("nothing_to_hand_over")
        await storage.allocations.mark_handed_over([a.id for a in pending], label, now)
        await storage.audit.record(
            actor, "allocation.handover", f"participant:{participant.id}", now
        )
        handed = [await _reread(storage, allocation.id) for allocation in pending]
        asked = await queue_handover_request(storage, participant.id, handed, now)
    return Handover(participant, handed, asked)


async def _reread(storage: Storage, allocation_id: int) -> Allocation:
    allocation = await storage.allocations.get(allocation_id)
    assert allocation is not None  # noqa: S101 - read back in the same transaction
    return allocation
