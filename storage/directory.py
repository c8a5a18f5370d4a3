"""The participant list officers page through in the web console: search, filter, sort."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final, Literal, get_args

from storage.db import Database
from storage.models import Model

SortKey = Literal["name", "registered", "kecamatan", "sector"]
SORT_KEYS: Final[tuple[SortKey, ...]] = get_args(SortKey)
StatusFilter = Literal["enrolled", "waitlisted", "attended", "none"]
STATUS_FILTERS: Final[tuple[StatusFilter, ...]] = get_args(StatusFilter)
EquipmentFilter = Literal["none", "not_handed_over", "unconfirmed", "received", "problem"]
EQUIPMENT_FILTERS: Final[tuple[EquipmentFilter, ...]] = get_args(EquipmentFilter)
MAX_PAGE_SIZE: Final = 200

# Column names and conditions come from these constants, never from input.
_ORDER: Final[dict[SortKey, str]] = {
    "name": "p.full_name COLLATE NOCASE",
    "registered": "p.created_at",
    "kecamatan": "p.kecamatan",
    "sector": "p.sector",
}
_SESSION_STATUS: Final[dict[StatusFilter, str]] = {
    "enrolled": "e.status = 'enrolled'",
    "waitlisted": "e.status = 'waitlisted'",
    "attended": "e.attended_at IS NOT NULL",
    "none": "e.status IN ('enrolled', 'waitlisted')",
}
_EQUIPMENT: Final[dict[EquipmentFilter, str]] = {
    "none": "NOT EXISTS (SELECT 1 FROM allocation a WHERE a.participant_id = p.id)",
    "not_handed_over": "EXISTS (SELECT 1 FROM allocation a WHERE a.participant_id = p.id"
    " AND a.handed_over_at IS NULL)",
    "unconfirmed": "EXISTS (SELECT 1 FROM allocation a WHERE a.participant_id = p.id"
    " AND a.handed_over_at IS NOT NULL AND a.confirmation IS NULL)",
    "received": "EXISTS (SELECT 1 FROM allocation a WHERE a.participant_id = p.id"
    " AND a.confirmation = 'received')",
    "problem": "EXISTS (SELECT 1 FROM allocation a JOIN equipment_case c"
    " ON c.allocation_id = a.id WHERE a.participant_id = p.id AND c.resolved_at IS NULL)",
}
_COLUMNS: Final = (
    "SELECT p.id, p.nik, p.full_name, p.phone, p.business_name, p.sector, p.kecamatan,"
    " p.created_at,"
    " (SELECT group_concat(s.code, ' ') FROM enrollment e JOIN bimtek_session s"
    " ON s.id = e.session_id WHERE e.participant_id = p.id AND e.status <> 'cancelled')"
    " AS sessions,"
    " (SELECT COUNT(*) FROM allocation a WHERE a.participant_id = p.id) AS allocations"
    " FROM participant p"
)


class DirectoryRow(Model):
    """One line of the participant list."""

    id: int
    nik: str | None
    full_name: str | None
    phone: str | None
    business_name: str | None
    sector: str | None
    kecamatan: str | None
    created_at: datetime
    sessions: str | None
    allocations: int


@dataclass(frozen=True)
class DirectoryQuery:
    """What an officer asked of the list; every field already checked against its choices."""

    text: str = ""
    session_id: int | None = None
    status: StatusFilter | None = None
    kecamatan: str | None = None
    sector: str | None = None
    equipment: EquipmentFilter | None = None
    sort: SortKey = "name"
    descending: bool = False
    page: int = 1
    page_size: int = 50


@dataclass(frozen=True)
class DirectoryPage:
    """One page of the list and how many rows match in all."""

    rows: list[DirectoryRow]
    total: int


def _search(text: str) -> tuple[str, list[object]]:
    """Return the condition and values of a free-text search."""
    compact = "".join(char for char in text if char not in " .-")
    digits = compact.lstrip("+")
    if digits.isascii() and digits.isdigit():
        # A NIK starts with these digits, or a phone number holds them (08… stored as +628…).
        phone = "62" + digits[1:] if digits.startswith("0") else digits
        return "(p.nik LIKE ? OR p.phone LIKE ?)", [f"{digits}%", f"%{phone}%"]
    pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return (
        "(p.full_name LIKE ? ESCAPE '\\' OR p.business_name LIKE ? ESCAPE '\\')",
        [pattern, pattern],
    )


def _where(query: DirectoryQuery) -> tuple[str, list[object]]:
    conditions = ["p.deleted_at IS NULL"]
    values: list[object] = []
    if query.text.strip():
        condition, found = _search(query.text.strip())
        conditions.append(condition)
        values.extend(found)
    if query.session_id is not None or query.status is not None:
        enrollment = ["e.participant_id = p.id"]
        if query.session_id is not None:
            enrollment.append("e.session_id = ?")
            values.append(query.session_id)
        # No status: anyone holding a place or waiting in the session.
        enrollment.append(_SESSION_STATUS[query.status or "none"])
        # Every condition joined here is a constant of this module; values go through `?`.
        exists = "EXISTS (SELECT 1 FROM enrollment e WHERE " + " AND ".join(enrollment) + ")"  # noqa: S608
        conditions.append(f"NOT {exists}" if query.status == "none" else exists)
    for column, value in (("p.kecamatan", query.kecamatan), ("p.sector", query.sector)):
        if value:
            conditions.append(f"{column} = ?")
            values.append(value)
    if query.equipment is not None:
        conditions.append(_EQUIPMENT[query.equipment])
    return " WHERE " + " AND ".join(conditions), values


class ParticipantDirectory:
    """Search, filter, sort and page the participants."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def page(self, query: DirectoryQuery) -> DirectoryPage:
        """Return one page of participants matching the query, and the total."""
        where, values = _where(query)
        total = int(
            await self._db.fetch_value("SELECT COUNT(*) FROM participant p" + where, values)  # noqa: S608
        )
        size = max(1, min(query.page_size, MAX_PAGE_SIZE))
        direction = "DESC" if query.descending else "ASC"
        order = f" ORDER BY {_ORDER[query.sort]} {direction}, p.id {direction}"
        rows = await self._db.fetch_all(
            _COLUMNS + where + order + " LIMIT ? OFFSET ?",
            (*values, size, (max(1, query.page) - 1) * size),
        )
        return DirectoryPage([DirectoryRow.model_validate(dict(row)) for row in rows], total)

    async def allocations(self, query: AllocationQuery) -> tuple[list[AllocationRow], int]:
        """Return one page of allocations with their participants, and the total."""
        return await allocation_page(self._db, query)


AllocationState = Literal[
    "not_handed_over", "unconfirmed", "received", "not_received", "damaged", "problem"
]
ALLOCATION_STATES: Final[tuple[AllocationState, ...]] = get_args(AllocationState)
_ALLOCATION_STATE: Final[dict[AllocationState, str]] = {
    "not_handed_over": "a.handed_over_at IS NULL",
    "unconfirmed": "a.handed_over_at IS NOT NULL AND a.confirmation IS NULL",
    "received": "a.confirmation = 'received'",
    "not_received": "a.confirmation = 'not_received'",
    "damaged": "a.confirmation = 'damaged'",
    "problem": "EXISTS (SELECT 1 FROM equipment_case c WHERE c.allocation_id = a.id"
    " AND c.resolved_at IS NULL)",
}


_ALLOCATION_COLUMNS: Final = (
    "SELECT a.id, a.participant_id, p.full_name, p.nik, p.kecamatan, i.name AS item_name,"
    " i.unit AS item_unit, a.quantity, a.handed_over_at, a.handed_over_by, a.confirmation,"
    " a.confirmed_at, (SELECT MAX(c.id) FROM equipment_case c WHERE c.allocation_id = a.id"
    " AND c.resolved_at IS NULL) AS open_case_id"
)


class AllocationRow(Model):
    """One line of the allocations table."""

    id: int
    participant_id: int
    full_name: str | None
    nik: str | None
    kecamatan: str | None
    item_name: str
    item_unit: str
    quantity: int
    handed_over_at: datetime | None
    handed_over_by: str | None
    confirmation: str | None
    confirmed_at: datetime | None
    open_case_id: int | None


@dataclass(frozen=True)
class AllocationQuery:
    """Filters of the allocations table, already checked against their choices."""

    text: str = ""
    item_id: int | None = None
    state: AllocationState | None = None
    session_id: int | None = None
    page: int = 1
    page_size: int = 50


async def allocation_page(db: Database, query: AllocationQuery) -> tuple[list[AllocationRow], int]:
    """Return one page of allocations matching the filters, and the total."""
    conditions = ["p.deleted_at IS NULL"]
    values: list[object] = []
    if query.text.strip():
        condition, found = _search(query.text.strip())
        conditions.append(condition)
        values.extend(found)
    if query.item_id is not None:
        conditions.append("a.item_id = ?")
        values.append(query.item_id)
    if query.state is not None:
        conditions.append(_ALLOCATION_STATE[query.state])
    if query.session_id is not None:
        conditions.append(
            "EXISTS (SELECT 1 FROM enrollment e WHERE e.participant_id = p.id"
            " AND e.session_id = ? AND e.status = 'enrolled')"
        )
        values.append(query.session_id)
    where = " WHERE " + " AND ".join(conditions)
    base = " FROM allocation a JOIN participant p ON p.id = a.participant_id"
    base += " JOIN equipment_item i ON i.id = a.item_id"
    total = int(await db.fetch_value("SELECT COUNT(*)" + base + where, values))
    size = max(1, min(query.page_size, MAX_PAGE_SIZE))
    # Conditions are constants of this module; values go through `?`.
    sql = _ALLOCATION_COLUMNS + base + where  # noqa: S608
    rows = await db.fetch_all(
        sql + " ORDER BY p.full_name COLLATE NOCASE, p.id, i.name LIMIT ? OFFSET ?",
        (*values, size, (max(1, query.page) - 1) * size),
    )
    return [AllocationRow.model_validate(dict(row)) for row in rows], total
