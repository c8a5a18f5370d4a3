"""The audit log: every officer action and every refused attempt."""

from __future__ import annotations

from datetime import datetime

from storage.db import Database, db_time
from storage.models import AuditEntry

MAX_FIELD = 120


class AuditRepository:
    """Append to and read the audit log."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def record(self, actor: str, action: str, target: str | None, now: datetime) -> None:
        """Append one entry (action and target cut to a sane length: forged input reaches them)."""
        action = action[:MAX_FIELD]
        target = None if target is None else target[:MAX_FIELD]
        await self._db.execute(
            "INSERT INTO audit_log (actor, action, target, at) VALUES (?, ?, ?, ?)",
            (actor, action, target, db_time(now)),
        )

    async def latest(self, limit: int = 50) -> list[AuditEntry]:
        """Return the newest entries first."""
        rows = await self._db.fetch_all(
            "SELECT * FROM audit_log ORDER BY id DESC LIMIT ?", (limit,)
        )
        return [AuditEntry.model_validate(dict(row)) for row in rows]
