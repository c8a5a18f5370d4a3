"""Live numbers for officers (/rekap): registrations, sessions, equipment."""

from __future__ import annotations

from datetime import datetime
from typing import Final, Literal

from storage.db import Database, db_time
from storage.models import Model

GroupColumn = Literal["sector", "kecamatan"]
# The column names come from this constant, never from input.
_GROUP_SQL: Final[dict[GroupColumn, str]] = {
    "sector": (
        "SELECT COALESCE(sector, '-') AS name, COUNT(*) AS n FROM participant"
        " WHERE deleted_at IS NULL GROUP BY COALESCE(sector, '-') ORDER BY n DESC, name"
    ),
    "kecamatan": (
        "SELECT COALESCE(kecamatan, '-') AS name, COUNT(*) AS n FROM participant"
        " WHERE deleted_at IS NULL GROUP BY COALESCE(kecamatan, '-') ORDER BY n DESC, name"
    ),
}
_SESSIONS: Final = (
    "SELECT s.code, s.title, s.starts_at, s.capacity,"
    " COALESCE(SUM(CASE WHEN e.status = 'enrolled' THEN 1 ELSE 0 END), 0) AS enrolled,"
    " COALESCE(SUM(CASE WHEN e.status = 'waitlisted' THEN 1 ELSE 0 END), 0) AS waitlisted,"
    " COALESCE(SUM(CASE WHEN e.status = 'enrolled' AND e.rsvp = 'yes' THEN 1 ELSE 0 END), 0)"
    " AS rsvp_yes,"
    " COALESCE(SUM(CASE WHEN e.rsvp = 'no' THEN 1 ELSE 0 END), 0) AS rsvp_no,"
    " COALESCE(SUM(CASE WHEN e.attended_at IS NOT NULL THEN 1 ELSE 0 END), 0) AS attended"
    " FROM bimtek_session s LEFT JOIN enrollment e ON e.session_id = s.id"
    " WHERE s.cancelled_at IS NULL AND s.ends_at > ?"
    " GROUP BY s.id, s.code, s.title, s.starts_at, s.capacity"
    " ORDER BY s.starts_at, s.code LIMIT ?"
)
_EQUIPMENT: Final = (
    "SELECT COUNT(*) AS allocations,"
    " COALESCE(SUM(CASE WHEN handed_over_at IS NULL THEN 1 ELSE 0 END), 0) AS not_handed_over,"
    " COALESCE(SUM(CASE WHEN handed_over_at IS NOT NULL AND confirmation IS NULL"
    " THEN 1 ELSE 0 END), 0) AS unconfirmed,"
    " COALESCE(SUM(CASE WHEN confirmation = 'received' THEN 1 ELSE 0 END), 0) AS received,"
    " COALESCE(SUM(CASE WHEN confirmation = 'not_received' THEN 1 ELSE 0 END), 0)"
    " AS not_received,"
    " COALESCE(SUM(CASE WHEN confirmation = 'damaged' THEN 1 ELSE 0 END), 0) AS damaged"
    " FROM allocation"
)


class GroupCount(Model):
    """How many participants share one value (a sector, a kecamatan)."""

    name: str
    count: int


class SessionNumbers(Model):
    """One session's places, waiting list, RSVPs and attendance."""

    code: str
    title: str
    starts_at: datetime
    capacity: int
    enrolled: int
    waitlisted: int
    rsvp_yes: int
    rsvp_no: int
    attended: int


class EquipmentNumbers(Model):
    """Allocations by handover and confirmation state, and open problem cases."""

    allocations: int
    not_handed_over: int
    unconfirmed: int
    received: int
    not_received: int
    damaged: int
    open_cases: int


class StatsRepository:
    """Count what officers follow; every number is computed when asked."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def registrations(self) -> int:
        """Return how many participants are registered (erased ones excluded)."""
        value = await self._db.fetch_value(
            "SELECT COUNT(*) FROM participant WHERE deleted_at IS NULL"
        )
        return int(value)

    async def registrations_by(self, column: GroupColumn) -> list[GroupCount]:
        """Return registrations per sector or per kecamatan, largest first."""
        rows = await self._db.fetch_all(_GROUP_SQL[column])
        return [GroupCount(name=row["name"], count=int(row["n"])) for row in rows]

    async def sessions(self, ended_after: datetime, limit: int = 30) -> list[SessionNumbers]:
        """Return the numbers of sessions not cancelled that end after a moment."""
        rows = await self._db.fetch_all(_SESSIONS, (db_time(ended_after), limit))
        return [SessionNumbers.model_validate(dict(row)) for row in rows]

    async def equipment(self) -> EquipmentNumbers:
        """Return allocations by state and the number of open problem cases."""
        row = await self._db.fetch_one(_EQUIPMENT)
        cases = await self._db.fetch_value(
            "SELECT COUNT(*) FROM equipment_case WHERE resolved_at IS NULL"
        )
        assert row is not None  # noqa: S101 - an aggregate always returns one row
        return EquipmentNumbers.model_validate({**dict(row), "open_cases": int(cases)})
