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

    async def first_time(
        self,
        channel: InboundChannel,
        key: str,
        now: datetime,
        chat: str | None = None,
        seq: int | None = None,
    ) -> bool:
        """Record an update id (with its chat and order); False when it was seen before."""
        added = await self._db.execute(
            "INSERT INTO inbound_update (channel, update_key, received_at, chat, seq)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (channel, update_key) DO NOTHING",
            (channel, key, db_time(now), chat, seq),
        )
        return added == 1

    async def earlier_unhandled(
        self, channel: InboundChannel, chat: str, seq: int, received_since: datetime
    ) -> bool:
        """Tell whether an earlier update of the chat, received since the moment, is unhandled."""
        row = await self._db.fetch_one(
            "SELECT 1 FROM inbound_update WHERE channel = ? AND chat = ? AND seq < ?"
            " AND handled_at IS NULL AND received_at >= ? LIMIT 1",
            (channel, chat, seq, db_time(received_since)),
        )
        return row is not None

    async def mark_handled(self, channel: InboundChannel, key: str, now: datetime) -> None:
        """Record that the update was handled (whatever the outcome)."""
        await self._db.execute(
            "UPDATE inbound_update SET handled_at = ? WHERE channel = ? AND update_key = ?"
            " AND handled_at IS NULL",
            (db_time(now), channel, key),
        )

    async def prune(self, received_before: datetime) -> int:
        """Forget update ids received before the moment; return how many."""
        return await self._db.execute(
            "DELETE FROM inbound_update WHERE received_at < ?", (db_time(received_before),)
        )
