"""What the exports read: participants and enrollments, a page at a time, in id order."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Final

from storage.db import Database
from storage.models import EnrollmentStatus, Model, Rsvp

_PARTICIPANTS: Final = (
    "SELECT id, nik, full_name, phone, business_name, sector, kecamatan, created_at"
    " FROM participant WHERE deleted_at IS NULL AND id > ? ORDER BY id LIMIT ?"
)
_ENROLLMENTS: Final = (
    "SELECT e.id, s.code AS session_code, p.nik, p.full_name, e.status, e.rsvp, e.attended_at"
    " FROM enrollment e JOIN bimtek_session s ON s.id = e.session_id"
    " JOIN participant p ON p.id = e.participant_id"
    " WHERE p.deleted_at IS NULL AND e.id > ? ORDER BY e.id LIMIT ?"
)


class ParticipantRow(Model):
    """One participant as the participants export shows it."""

    id: int
    nik: str
    full_name: str
    phone: str | None
    business_name: str | None
    sector: str | None
    kecamatan: str | None
    created_at: datetime


class EnrollmentRow(Model):
    """One enrollment as the daftar hadir shows it."""

    id: int
    session_code: str
    nik: str
    full_name: str
    status: EnrollmentStatus
    rsvp: Rsvp | None
    attended_at: datetime | None


class ExportRepository:
    """Stream the rows of the participant and enrollment exports."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def count_participants(self) -> int:
        """Return how many rows the participants export has."""
        value = await self._db.fetch_value(
            "SELECT COUNT(*) FROM participant WHERE deleted_at IS NULL"
        )
        return int(value)

    async def count_enrollments(self) -> int:
        """Return how many rows the enrollments export has."""
        value = await self._db.fetch_value(
            "SELECT COUNT(*) FROM enrollment e JOIN participant p ON p.id = e.participant_id"
            " WHERE p.deleted_at IS NULL"
        )
        return int(value)

    async def count_allocations(self) -> int:
        """Return how many rows the allocations export has."""
        value = await self._db.fetch_value("SELECT COUNT(*) FROM allocation")
        return int(value)

    async def participants(self, page_size: int = 1000) -> AsyncIterator[ParticipantRow]:
        """Yield every registered participant, a page at a time."""
        after = 0
        while True:
            rows = await self._db.fetch_all(_PARTICIPANTS, (after, page_size))
            for row in rows:
                yield ParticipantRow.model_validate(dict(row))
            if len(rows) < page_size:
                return
            after = int(rows[-1]["id"])

    async def enrollments(self, page_size: int = 1000) -> AsyncIterator[EnrollmentRow]:
        """Yield every enrollment of a registered participant, a page at a time."""
        after = 0
        while True:
            rows = await self._db.fetch_all(_ENROLLMENTS, (after, page_size))
            for row in rows:
                yield EnrollmentRow.model_validate(dict(row))
            if len(rows) < page_size:
                return
            after = int(rows[-1]["id"])
