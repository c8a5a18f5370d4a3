"""Officers and their roles."""

from __future__ import annotations

from datetime import datetime

from storage.db import Database, db_time
from storage.models import Channel, Officer, Role


class OfficerRepository:
    """Read and write officers."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def add(self, channel: Channel, address: str, role: Role, now: datetime) -> Officer:
        """Make the address an officer with this role (changing the role if already one)."""
        await self._db.execute(
            "INSERT INTO officer (channel, address, role, created_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (channel, address) DO UPDATE SET role = excluded.role",
            (channel, address, role, db_time(now)),
        )
        officer = await self.get(channel, address)
        assert officer is not None  # noqa: S101 - upserted just above
        return officer

    async def get(self, channel: str, address: str) -> Officer | None:
        """Return the officer at this address, if any."""
        row = await self._db.fetch_one(
            "SELECT * FROM officer WHERE channel = ? AND address = ?", (channel, address)
        )
        return None if row is None else Officer.model_validate(dict(row))

    async def list_all(self) -> list[Officer]:
        """Return every officer."""
        rows = await self._db.fetch_all("SELECT * FROM officer ORDER BY id")
        return [Officer.model_validate(dict(row)) for row in rows]

    async def remove(self, channel: str, address: str) -> bool:
        """Take the officer role away from an address; False when it had none."""
        removed = await self._db.execute(
            "DELETE FROM officer WHERE channel = ? AND address = ?", (channel, address)
        )
        return removed == 1
