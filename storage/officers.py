"""Officers and their roles."""

from __future__ import annotations

from datetime import datetime

from storage.db import Database, db_time
from storage.models import Channel, Officer, Role


class OfficerRepository:
    """Read and write officers."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def add(
        self,
        channel: Channel,
        address: str,
        role: Role,
        now: datetime,
        display_name: str | None = None,
    ) -> Officer:
        """Make the address an officer with this role (changing the role if already one).

        A changed role ends the officer's web console sessions at once, whoever changed it.
        A name given here replaces the stored one; None keeps it.
        """
        await self._db.execute(
            "INSERT INTO officer (channel, address, role, created_at, display_name)"
            " VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (channel, address) DO UPDATE SET role = excluded.role,"
            " display_name = COALESCE(excluded.display_name, officer.display_name)",
            (channel, address, role, db_time(now), display_name),
        )
        officer = await self.get(channel, address)
        assert officer is not None  # noqa: S101 - upserted just above
        await self._db.execute(
            "DELETE FROM console_session WHERE officer_id = ? AND role <> ?",
            (officer.id, officer.role),
        )
        return officer

    async def get_by_id(self, officer_id: int) -> Officer | None:
        """Return the officer with this id, if any."""
        row = await self._db.fetch_one("SELECT * FROM officer WHERE id = ?", (officer_id,))
        return None if row is None else Officer.model_validate(dict(row))

    async def set_display_name(self, officer_id: int, display_name: str | None) -> bool:
        """Name an officer as colleagues, alerts and the audit log show them (None: address)."""
        changed = await self._db.execute(
            "UPDATE officer SET display_name = ? WHERE id = ?", (display_name, officer_id)
        )
        return changed == 1

    async def set_helpdesk_alerts(self, officer_id: int, on: bool) -> None:
        """Turn the officer's ticket alerts on or off."""
        await self._db.execute(
            "UPDATE officer SET helpdesk_alerts = ? WHERE id = ?", (int(on), officer_id)
        )

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
        """Take the officer role away from an address; False when it had none.

        Their web console sessions and unused sign-in links go with it.
        """
        officer = await self.get(channel, address)
        if officer is None:
            return False
        await self._db.execute("DELETE FROM console_session WHERE officer_id = ?", (officer.id,))
        await self._db.execute("DELETE FROM console_login WHERE officer_id = ?", (officer.id,))
        removed = await self._db.execute(
            "DELETE FROM officer WHERE channel = ? AND address = ?", (channel, address)
        )
        return removed == 1
