"""Retention: participants whose every session ended before a cut-off."""

from __future__ import annotations

from datetime import datetime
from typing import Final

from storage.db import Database, db_time

_EXPIRED: Final = (
    "SELECT p.id FROM participant p WHERE p.deleted_at IS NULL"
    " AND EXISTS (SELECT 1 FROM enrollment e WHERE e.participant_id = p.id)"
    " AND NOT EXISTS (SELECT 1 FROM enrollment e JOIN bimtek_session s ON s.id = e.session_id"
    " WHERE e.participant_id = p.id AND s.ends_at >= ?)"
    " ORDER BY p.id LIMIT ?"
)


class RetentionRepository:
    """Find the participants whose personal data has been kept long enough."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def expired(self, cutoff: datetime, limit: int = 500) -> list[int]:
        """Return ids of participants with sessions, every one of which ended before cutoff."""
        rows = await self._db.fetch_all(_EXPIRED, (db_time(cutoff), limit))
        return [int(row["id"]) for row in rows]
