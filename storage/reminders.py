"""Which reminders ran: one row per session, offset and due time."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from storage.db import Database, db_time


class ReminderRunRepository:
    """Record and look up reminder runs."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def has_run(self, session_id: int, offset: timedelta, due_at: datetime) -> bool:
        """Tell whether this reminder was already queued or dropped."""
        value = await self._db.fetch_value(
            "SELECT COUNT(*) FROM reminder_run"
            " WHERE session_id = ? AND offset_seconds = ? AND due_at = ?",
            (session_id, int(offset.total_seconds()), db_time(due_at)),
        )
        return int(value) > 0

    async def record(
        self,
        session_id: int,
        offset: timedelta,
        due_at: datetime,
        outcome: Literal["queued", "dropped"],
        recipients: int,
        now: datetime,
    ) -> bool:
        """Record a run; False if it was already recorded."""
        changed = await self._db.execute(
            "INSERT INTO reminder_run (session_id, offset_seconds, due_at, outcome, recipients,"
            " ran_at) VALUES (?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (session_id, offset_seconds, due_at) DO NOTHING",
            (
                session_id,
                int(offset.total_seconds()),
                db_time(due_at),
                outcome,
                recipients,
                db_time(now),
            ),
        )
        return changed == 1

    async def count(self, outcome: Literal["queued", "dropped"]) -> int:
        """Return how many runs had this outcome."""
        value = await self._db.fetch_value(
            "SELECT COUNT(*) FROM reminder_run WHERE outcome = ?", (outcome,)
        )
        return int(value)
