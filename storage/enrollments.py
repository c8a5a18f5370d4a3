"""Enrollments: who holds a place, or waits for one, in which session."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from storage.db import Database, db_time
from storage.models import (
    BimtekSession,
    EnrolledSession,
    Enrollment,
    EnrollmentStatus,
    Participant,
    Rsvp,
    SessionMember,
)

_ENROLLMENT_COLUMNS = (
    "e.id AS e_id, e.participant_id AS e_participant_id, e.session_id AS e_session_id,"
    " e.status AS e_status, e.rsvp AS e_rsvp, e.attended_at AS e_attended_at,"
    " e.created_at AS e_created_at, e.enrolled_at AS e_enrolled_at"
)


def _enrollment(row: dict[str, Any]) -> Enrollment:
    return Enrollment(
        id=row["e_id"],
        participant_id=row["e_participant_id"],
        session_id=row["e_session_id"],
        status=row["e_status"],
        rsvp=row["e_rsvp"],
        attended_at=row["e_attended_at"],
        created_at=row["e_created_at"],
        enrolled_at=row["e_enrolled_at"],
    )


class EnrollmentRepository:
    """Read and write enrollments."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def enroll(
        self, participant_id: int, session_id: int, status: EnrollmentStatus, now: datetime
    ) -> Enrollment:
        """Give the participant a place or a waiting-list entry in the session."""
        stamp = db_time(now)
        enrolled_at = stamp if status == "enrolled" else None
        await self._db.execute(
            "INSERT INTO enrollment (participant_id, session_id, status, created_at, updated_at,"
            " enrolled_at) VALUES (?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (participant_id, session_id)"
            " DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at,"
            " enrolled_at = excluded.enrolled_at, rsvp = NULL",
            (participant_id, session_id, status, stamp, stamp, enrolled_at),
        )
        found = await self.get_for(participant_id, session_id)
        assert found is not None  # noqa: S101 - upserted just above
        return found

    async def get(self, enrollment_id: int) -> Enrollment | None:
        """Return the enrollment with this id."""
        row = await self._db.fetch_one(
            f"SELECT {_ENROLLMENT_COLUMNS} FROM enrollment e WHERE e.id = ?",  # noqa: S608
            (enrollment_id,),
        )
        return None if row is None else _enrollment(dict(row))

    async def get_for(self, participant_id: int, session_id: int) -> Enrollment | None:
        """Return the participant's enrollment in the session."""
        row = await self._db.fetch_one(
            f"SELECT {_ENROLLMENT_COLUMNS} FROM enrollment e"  # noqa: S608
            " WHERE e.participant_id = ? AND e.session_id = ?",
            (participant_id, session_id),
        )
        return None if row is None else _enrollment(dict(row))

    async def for_participant(self, participant_id: int) -> list[EnrolledSession]:
        """Return the participant's enrollments with their sessions, soonest first."""
        rows = await self._db.fetch_all(
            f"SELECT {_ENROLLMENT_COLUMNS}, s.* FROM enrollment e"  # noqa: S608
            " JOIN bimtek_session s ON s.id = e.session_id"
            " WHERE e.participant_id = ? ORDER BY s.starts_at",
            (participant_id,),
        )
        return [
            EnrolledSession(
                enrollment=_enrollment(dict(row)), session=BimtekSession.model_validate(dict(row))
            )
            for row in rows
        ]

    async def members(
        self, session_id: int, statuses: tuple[EnrollmentStatus, ...] = ("enrolled",)
    ) -> list[SessionMember]:
        """Return the session's enrollments of these statuses with their participants."""
        marks = ", ".join("?" for _ in statuses)
        rows = await self._db.fetch_all(
            f"SELECT {_ENROLLMENT_COLUMNS}, p.* FROM enrollment e"  # noqa: S608
            " JOIN participant p ON p.id = e.participant_id"
            f" WHERE e.session_id = ? AND e.status IN ({marks}) AND p.deleted_at IS NULL"
            " ORDER BY e.created_at, e.id",
            (session_id, *statuses),
        )
        return [
            SessionMember(
                enrollment=_enrollment(dict(row)),
                participant=Participant.model_validate(dict(row)),
            )
            for row in rows
        ]

    async def enrolled_by(self, session_id: int, moment: datetime) -> list[SessionMember]:
        """Return who holds a place now and already held it at the given moment."""
        members = await self.members(session_id)
        return [
            member
            for member in members
            if member.enrollment.enrolled_at is not None
            and member.enrollment.enrolled_at <= moment
        ]

    async def set_status(
        self, enrollment_id: int, status: EnrollmentStatus, now: datetime
    ) -> None:
        """Change an enrollment's status (a new place records when it was taken)."""
        stamp = db_time(now)
        await self._db.execute(
            "UPDATE enrollment SET status = ?, updated_at = ?,"
            " enrolled_at = CASE WHEN ? = 'enrolled' THEN ? ELSE enrolled_at END WHERE id = ?",
            (status, stamp, status, stamp, enrollment_id),
        )

    async def set_rsvp(self, enrollment_id: int, rsvp: Rsvp, now: datetime) -> None:
        """Record whether the participant says they will come."""
        await self._db.execute(
            "UPDATE enrollment SET rsvp = ?, updated_at = ? WHERE id = ?",
            (rsvp, db_time(now), enrollment_id),
        )

    async def mark_attended(self, enrollment_id: int, now: datetime) -> bool:
        """Record attendance once; False when it was already recorded."""
        changed = await self._db.execute(
            "UPDATE enrollment SET attended_at = ?, updated_at = ?"
            " WHERE id = ? AND attended_at IS NULL",
            (db_time(now), db_time(now), enrollment_id),
        )
        return changed == 1

    async def count(self, session_id: int, status: EnrollmentStatus) -> int:
        """Return how many enrollments of a session have this status."""
        value = await self._db.fetch_value(
            "SELECT COUNT(*) FROM enrollment WHERE session_id = ? AND status = ?",
            (session_id, status),
        )
        return int(value)
