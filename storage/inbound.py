"""Inbound updates seen by any bot process, so each is handled exactly once."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from storage.db import Database, db_time

InboundChannel = Literal["telegram", "whatsapp"]


class InboundUpdateRepository:
    """Record update ids; the first process to record one handles it."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def first_time(self, channel: InboundChannel, key: str, now: datetime) -> bool:
        """Record an update id; False when it was recorded before (a redelivery)."""
        added = await self._db.execute(
            "INSERT INTO inbound_update (channel, update_key, received_at) VALUES (?, ?, ?)"
            " ON CONFLICT (channel, update_key) DO NOTHING",
            (channel, key, db_time(now)),
        )
        return added == 1

    async def prune(self, received_before: datetime) -> int:
        """Forget update ids received before the moment; return how many."""
        return await self._db.execute(
            "DELETE FROM inbound_update WHERE received_at < ?", (db_time(received_before),)
        )
