"""Enrollments: who holds a place, or waits for one, in which session."""

from __future__ import annotations

from datetime import datetime

from storage.db import Database, db_time
from storage.models import BimtekSession, EnrolledSession, Enrollment, EnrollmentStatus


class EnrollmentRepository:
    """Read and write enrollments."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def enroll(
        self, participant_id: int, session_id: int, status: EnrollmentStatus, now: datetime
    ) -> Enrollment:
        """Give the participant a place or a waiting-list entry in the session."""
        stamp = db_time(now)
        await self._db.execute(
            "INSERT INTO enrollment (participant_id, session_id, status, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (participant_id, session_id)"
            " DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at",
            (participant_id, session_id, status, stamp, stamp),
        )
        row = await self._db.fetch_one(
            "SELECT * FROM enrollment WHERE participant_id = ? AND session_id = ?",
            (participant_id, session_id),
        )
        assert row is not None  # noqa: S101 - upserted just above
        return Enrollment.model_validate(dict(row))

    async def for_participant(self, participant_id: int) -> list[EnrolledSession]:
        """Return the participant's enrollments with their sessions, soonest first."""
        rows = await self._db.fetch_all(
            "SELECT e.id AS e_id, e.participant_id, e.session_id, e.status, e.rsvp,"
            " e.attended_at, e.created_at AS e_created_at, s.* FROM enrollment e"
            " JOIN bimtek_session s ON s.id = e.session_id"
            " WHERE e.participant_id = ? ORDER BY s.starts_at",
            (participant_id,),
        )
        result = []
        for row in rows:
            data = dict(row)
            enrollment = Enrollment(
                id=data["e_id"],
                participant_id=data["participant_id"],
                session_id=data["session_id"],
                status=data["status"],
                rsvp=data["rsvp"],
                attended_at=data["attended_at"],
                created_at=data["e_created_at"],
            )
            result.append(
                EnrolledSession(enrollment=enrollment, session=BimtekSession.model_validate(data))
            )
        return result

    async def count(self, session_id: int, status: EnrollmentStatus) -> int:
        """Return how many enrollments of a session have this status."""
        value = await self._db.fetch_value(
            "SELECT COUNT(*) FROM enrollment WHERE session_id = ? AND status = ?",
            (session_id, status),
        )
        return int(value)
