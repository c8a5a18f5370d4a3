"""Participants: registration, profile edits and erasure."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Final

from storage.db import Database, db_time
from storage.models import NewParticipant, Participant

EDITABLE_FIELDS: Final = ("full_name", "phone", "business_name", "sector", "kecamatan")


class NikTaken(Exception):
    """The NIK belongs to another participant."""


class ParticipantRepository:
    """Read and write participants."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, participant_id: int) -> Participant | None:
        """Return the participant with this id."""
        row = await self._db.fetch_one("SELECT * FROM participant WHERE id = ?", (participant_id,))
        return None if row is None else Participant.model_validate(dict(row))

    async def get_by_nik(self, nik: str) -> Participant | None:
        """Return the participant with this NIK."""
        row = await self._db.fetch_one("SELECT * FROM participant WHERE nik = ?", (nik,))
        return None if row is None else Participant.model_validate(dict(row))

    async def by_niks(self, niks: Sequence[str]) -> dict[str, Participant]:
        """Return the participants with these NIKs (at most a few hundred), by NIK."""
        marks = ", ".join("?" * len(niks))
        rows = await self._db.fetch_all(
            f"SELECT * FROM participant WHERE nik IN ({marks})",  # noqa: S608 - only marks
            tuple(niks),
        )
        found = (Participant.model_validate(dict(row)) for row in rows)
        return {participant.nik: participant for participant in found if participant.nik}

    async def create_many(self, new: Sequence[NewParticipant], now: datetime) -> None:
        """Store participants whose NIKs the caller checked are free, in its transaction."""
        stamp = db_time(now)
        await self._db.executemany(
            "INSERT INTO participant (nik, full_name, phone, business_name, sector, kecamatan,"
            " language, consent_at, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (p.nik, p.full_name, p.phone, p.business_name, p.sector, p.kecamatan,
                 p.language, stamp, stamp, stamp)
                for p in new
            ],
        )  # fmt: skip

    async def replace_editable_many(
        self, changes: Sequence[tuple[int, NewParticipant]], now: datetime
    ) -> None:
        """Give each participant id the editable fields of its new record."""
        stamp = db_time(now)
        await self._db.executemany(
            "UPDATE participant SET full_name = ?, phone = ?, business_name = ?, sector = ?,"
            " kecamatan = ?, updated_at = ? WHERE id = ?",
            [
                (p.full_name, p.phone, p.business_name, p.sector, p.kecamatan, stamp, pid)
                for pid, p in changes
            ],
        )  # fmt: skip

    async def create(self, new: NewParticipant, now: datetime) -> Participant:
        """Store a new participant who consented now; raise NikTaken on a duplicate NIK."""
        if await self.get_by_nik(new.nik) is not None:
            raise NikTaken(new.nik)
        stamp = db_time(now)
        participant_id = await self._db.insert(
            "INSERT INTO participant (nik, full_name, phone, business_name, sector, kecamatan,"
            " language, consent_at, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                new.nik,
                new.full_name,
                new.phone,
                new.business_name,
                new.sector,
                new.kecamatan,
                new.language,
                stamp,
                stamp,
                stamp,
            ),
        )
        created = await self.get(participant_id)
        assert created is not None  # noqa: S101 - just inserted in this transaction
        return created

    async def update_field(
        self, participant_id: int, field: str, value: str, now: datetime
    ) -> None:
        """Change one editable field of a participant."""
        if field not in EDITABLE_FIELDS:
            raise ValueError(f"field {field!r} cannot be edited")
        # The column name comes from the EDITABLE_FIELDS constant, never from input.
        await self._db.execute(
            f"UPDATE participant SET {field} = ?, updated_at = ? WHERE id = ?",  # noqa: S608
            (value, db_time(now), participant_id),
        )

    async def set_language(self, participant_id: int, language: str, now: datetime) -> None:
        """Record the participant's chosen language."""
        await self._db.execute(
            "UPDATE participant SET language = ?, updated_at = ? WHERE id = ?",
            (language, db_time(now), participant_id),
        )

    async def erase(self, participant_id: int, now: datetime) -> None:
        """Erase personal data, keeping sector and kecamatan for anonymous counts."""
        stamp = db_time(now)
        await self._db.execute(
            "UPDATE participant SET nik = NULL, full_name = NULL, phone = NULL,"
            " business_name = NULL, desa = NULL, updated_at = ?, deleted_at = ? WHERE id = ?",
            (stamp, stamp, participant_id),
        )

    async def count_active(self) -> int:
        """Return how many participants have not been erased."""
        value = await self._db.fetch_value(
            "SELECT COUNT(*) FROM participant WHERE deleted_at IS NULL"
        )
        return int(value)
