"""Equipment: items, allocations (handover and confirmation) and problem cases."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import datetime
from typing import Final

from storage.db import Database, db_time
from storage.models import (
    Allocation,
    AllocationRecord,
    CaseKind,
    Confirmation,
    EquipmentCase,
    EquipmentItem,
)

_ALLOCATIONS: Final = (
    "SELECT a.*, i.name AS item_name, i.unit AS item_unit,"
    " (SELECT c.id FROM equipment_case c WHERE c.allocation_id = a.id AND c.resolved_at IS NULL)"
    " AS open_case_id"
    " FROM allocation a JOIN equipment_item i ON i.id = a.item_id"
)
_RECORDS: Final = (
    "SELECT a.id, p.nik, p.full_name, p.phone, p.business_name, p.kecamatan,"
    " i.name AS item_name, i.unit AS item_unit, a.quantity, a.handed_over_at,"
    " a.handed_over_by, a.confirmation, a.confirmed_at, a.note,"
    " (SELECT c.id FROM equipment_case c WHERE c.allocation_id = a.id AND c.resolved_at IS NULL)"
    " AS open_case_id"
    " FROM allocation a JOIN equipment_item i ON i.id = a.item_id"
    " JOIN participant p ON p.id = a.participant_id"
    " WHERE a.id > ? ORDER BY a.id LIMIT ?"
)


def item_key(name: str) -> str:
    """Return the form under which an item name is unique: casefolded, spaces collapsed."""
    return " ".join(name.split()).casefold()


class ItemNameTaken(Exception):
    """Another item already has this name."""


class EquipmentItemRepository:
    """Read and write the kinds of equipment."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def list_all(self) -> list[EquipmentItem]:
        """Return every item in the order they were added."""
        rows = await self._db.fetch_all("SELECT id, name, unit FROM equipment_item ORDER BY id")
        return [EquipmentItem.model_validate(dict(row)) for row in rows]

    async def get(self, item_id: int) -> EquipmentItem | None:
        """Return the item with this id."""
        row = await self._db.fetch_one(
            "SELECT id, name, unit FROM equipment_item WHERE id = ?", (item_id,)
        )
        return None if row is None else EquipmentItem.model_validate(dict(row))

    async def get_by_name(self, name: str) -> EquipmentItem | None:
        """Return the item with this name, whatever its case and spacing."""
        row = await self._db.fetch_one(
            "SELECT id, name, unit FROM equipment_item WHERE name_key = ?", (item_key(name),)
        )
        return None if row is None else EquipmentItem.model_validate(dict(row))

    async def add(self, name: str, unit: str) -> EquipmentItem:
        """Store a new item; raise ItemNameTaken when the name is in use."""
        if await self.get_by_name(name) is not None:
            raise ItemNameTaken(name)
        item_id = await self._db.insert(
            "INSERT INTO equipment_item (name, name_key, unit) VALUES (?, ?, ?)",
            (name, item_key(name), unit),
        )
        return EquipmentItem(id=item_id, name=name, unit=unit)

    async def update(self, item_id: int, name: str, unit: str) -> EquipmentItem:
        """Rename an item or change its unit; raise ItemNameTaken when the name is in use."""
        other = await self.get_by_name(name)
        if other is not None and other.id != item_id:
            raise ItemNameTaken(name)
        await self._db.execute(
            "UPDATE equipment_item SET name = ?, name_key = ?, unit = ? WHERE id = ?",
            (name, item_key(name), unit, item_id),
        )
        return EquipmentItem(id=item_id, name=name, unit=unit)


class AllocationRepository:
    """Read and write allocations: quantity, handover, confirmation, proof and nudges."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, allocation_id: int) -> Allocation | None:
        """Return the allocation with this id."""
        row = await self._db.fetch_one(_ALLOCATIONS + " WHERE a.id = ?", (allocation_id,))
        return None if row is None else Allocation.model_validate(dict(row))

    async def get_for(self, participant_id: int, item_id: int) -> Allocation | None:
        """Return a participant's allocation of an item."""
        row = await self._db.fetch_one(
            _ALLOCATIONS + " WHERE a.participant_id = ? AND a.item_id = ?",
            (participant_id, item_id),
        )
        return None if row is None else Allocation.model_validate(dict(row))

    async def for_participant(self, participant_id: int) -> list[Allocation]:
        """Return every allocation of a participant, oldest first."""
        rows = await self._db.fetch_all(
            _ALLOCATIONS + " WHERE a.participant_id = ? ORDER BY a.id", (participant_id,)
        )
        return [Allocation.model_validate(dict(row)) for row in rows]

    async def create(
        self, participant_id: int, item_id: int, quantity: int, now: datetime
    ) -> Allocation:
        """Allocate a quantity of an item to a participant."""
        stamp = db_time(now)
        allocation_id = await self._db.insert(
            "INSERT INTO allocation (participant_id, item_id, quantity, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (participant_id, item_id, quantity, stamp, stamp),
        )
        return await self._must_get(allocation_id)

    async def set_quantity(self, allocation_id: int, quantity: int, now: datetime) -> Allocation:
        """Change the allocated quantity."""
        await self._db.execute(
            "UPDATE allocation SET quantity = ?, updated_at = ? WHERE id = ?",
            (quantity, db_time(now), allocation_id),
        )
        return await self._must_get(allocation_id)

    async def mark_handed_over(
        self, allocation_ids: Sequence[int], handed_over_by: str, now: datetime
    ) -> int:
        """Record the handover of allocations not handed over yet; return how many changed."""
        stamp = db_time(now)
        changed = 0
        for allocation_id in allocation_ids:
            changed += await self._db.execute(
                "UPDATE allocation SET handed_over_at = ?, handed_over_by = ?, updated_at = ?"
                " WHERE id = ? AND handed_over_at IS NULL",
                (stamp, handed_over_by, stamp, allocation_id),
            )
        return changed

    async def confirm(self, allocation_id: int, answer: Confirmation, now: datetime) -> None:
        """Store the participant's answer about a handed-over allocation."""
        stamp = db_time(now)
        await self._db.execute(
            "UPDATE allocation SET confirmation = ?, confirmed_at = ?, updated_at = ?"
            " WHERE id = ? AND handed_over_at IS NOT NULL",
            (answer, stamp, stamp, allocation_id),
        )

    async def set_photo(self, allocation_id: int, photo_file_id: str, now: datetime) -> None:
        """Keep the latest proof photo of an allocation."""
        await self._db.execute(
            "UPDATE allocation SET photo_file_id = ?, updated_at = ? WHERE id = ?",
            (photo_file_id, db_time(now), allocation_id),
        )

    async def set_note(self, allocation_id: int, note: str, now: datetime) -> None:
        """Keep the participant's latest note about an allocation."""
        await self._db.execute(
            "UPDATE allocation SET note = ?, updated_at = ? WHERE id = ?",
            (note, db_time(now), allocation_id),
        )

    async def due_for_nudge(
        self, quiet_since: datetime, max_nudges: int, limit: int = 500
    ) -> list[Allocation]:
        """Return unconfirmed handovers untouched since `quiet_since` that may get a nudge."""
        rows = await self._db.fetch_all(
            _ALLOCATIONS + " WHERE a.confirmation IS NULL AND a.handed_over_at IS NOT NULL"
            " AND a.nudges_sent < ? AND COALESCE(a.last_nudged_at, a.handed_over_at) <= ?"
            " ORDER BY a.participant_id, a.id LIMIT ?",
            (max_nudges, db_time(quiet_since), limit),
        )
        return [Allocation.model_validate(dict(row)) for row in rows]

    async def record_nudge(self, allocation_ids: Sequence[int], now: datetime) -> None:
        """Count a nudge for each of these allocations."""
        stamp = db_time(now)
        await self._db.executemany(
            "UPDATE allocation SET nudges_sent = nudges_sent + 1, last_nudged_at = ? WHERE id = ?",
            [(stamp, allocation_id) for allocation_id in allocation_ids],
        )

    async def records(self, page_size: int = 1000) -> AsyncIterator[AllocationRecord]:
        """Yield every allocation with its participant's data, a page at a time."""
        after = 0
        while True:
            rows = await self._db.fetch_all(_RECORDS, (after, page_size))
            for row in rows:
                yield AllocationRecord.model_validate(dict(row))
            if len(rows) < page_size:
                return
            after = int(rows[-1]["id"])

    async def _must_get(self, allocation_id: int) -> Allocation:
        allocation = await self.get(allocation_id)
        assert allocation is not None  # noqa: S101 - written just before, same transaction
        return allocation

    async def erase_personal(self, participant_id: int) -> None:
        """Forget the photos and notes a participant gave with their allocations."""
        await self._db.execute(
            "UPDATE allocation SET photo_file_id = NULL, note = NULL WHERE participant_id = ?",
            (participant_id,),
        )


class EquipmentCaseRepository:
    """Open, amend and resolve problem cases."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, case_id: int) -> EquipmentCase | None:
        """Return the case with this id."""
        row = await self._db.fetch_one("SELECT * FROM equipment_case WHERE id = ?", (case_id,))
        return None if row is None else EquipmentCase.model_validate(dict(row))

    async def open(
        self,
        allocation_id: int,
        kind: CaseKind,
        now: datetime,
        *,
        photo_file_id: str | None = None,
        note: str | None = None,
    ) -> EquipmentCase:
        """Open a case about an allocation that has none open."""
        stamp = db_time(now)
        case_id = await self._db.insert(
            "INSERT INTO equipment_case (allocation_id, kind, opened_at, updated_at,"
            " photo_file_id, note) VALUES (?, ?, ?, ?, ?, ?)",
            (allocation_id, kind, stamp, stamp, photo_file_id, note),
        )
        return await self._must_get(case_id)

    async def set_kind(self, case_id: int, kind: CaseKind, now: datetime) -> None:
        """Change what the open case is about."""
        await self._db.execute(
            "UPDATE equipment_case SET kind = ?, updated_at = ? WHERE id = ?",
            (kind, db_time(now), case_id),
        )

    async def set_photo(self, case_id: int, photo_file_id: str, now: datetime) -> None:
        """Attach the latest proof photo to the case."""
        await self._db.execute(
            "UPDATE equipment_case SET photo_file_id = ?, updated_at = ? WHERE id = ?",
            (photo_file_id, db_time(now), case_id),
        )

    async def set_note(self, case_id: int, note: str, now: datetime) -> None:
        """Attach the participant's latest note to the case."""
        await self._db.execute(
            "UPDATE equipment_case SET note = ?, updated_at = ? WHERE id = ?",
            (note, db_time(now), case_id),
        )

    async def resolve(
        self, case_id: int, resolved_by: str, resolution: str | None, now: datetime
    ) -> bool:
        """Close an open case; return False when it was already closed."""
        stamp = db_time(now)
        changed = await self._db.execute(
            "UPDATE equipment_case SET resolved_at = ?, resolved_by = ?, resolution = ?,"
            " updated_at = ? WHERE id = ? AND resolved_at IS NULL",
            (stamp, resolved_by, resolution, stamp, case_id),
        )
        return changed == 1

    async def latest_for_allocation(self, allocation_id: int) -> EquipmentCase | None:
        """Return the newest case about an allocation, open or not."""
        row = await self._db.fetch_one(
            "SELECT * FROM equipment_case WHERE allocation_id = ? ORDER BY id DESC LIMIT 1",
            (allocation_id,),
        )
        return None if row is None else EquipmentCase.model_validate(dict(row))

    async def latest_open_for_participant(self, participant_id: int) -> EquipmentCase | None:
        """Return the participant's most recently opened case that is still open."""
        row = await self._db.fetch_one(
            "SELECT c.* FROM equipment_case c JOIN allocation a ON a.id = c.allocation_id"
            " WHERE a.participant_id = ? AND c.resolved_at IS NULL ORDER BY c.id DESC LIMIT 1",
            (participant_id,),
        )
        return None if row is None else EquipmentCase.model_validate(dict(row))

    async def list_open(self, limit: int, offset: int = 0) -> list[EquipmentCase]:
        """Return open cases, oldest first."""
        rows = await self._db.fetch_all(
            "SELECT * FROM equipment_case WHERE resolved_at IS NULL ORDER BY id LIMIT ? OFFSET ?",
            (limit, offset),
        )
        return [EquipmentCase.model_validate(dict(row)) for row in rows]

    async def count_open(self) -> int:
        """Return how many cases are open."""
        value = await self._db.fetch_value(
            "SELECT COUNT(*) FROM equipment_case WHERE resolved_at IS NULL"
        )
        return int(value)

    async def _must_get(self, case_id: int) -> EquipmentCase:
        found = await self.get(case_id)
        assert found is not None  # noqa: S101 - written just before, same transaction
        return found

    async def photos_of(self, participant_id: int) -> list[str]:
        """Return the proof photos a participant attached to their problem cases."""
        rows = await self._db.fetch_all(
            "SELECT photo_file_id FROM equipment_case WHERE photo_file_id IS NOT NULL"
            " AND allocation_id IN (SELECT id FROM allocation WHERE participant_id = ?)",
            (participant_id,),
        )
        return [str(row[0]) for row in rows]

    async def erase_personal(self, participant_id: int) -> None:
        """Forget the photos and notes a participant gave with their problem cases."""
        await self._db.execute(
            "UPDATE equipment_case SET photo_file_id = NULL, note = NULL WHERE allocation_id IN"
            " (SELECT id FROM allocation WHERE participant_id = ?)",
            (participant_id,),
        )
