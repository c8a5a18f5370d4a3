"""Conversation state, saved in the same transaction as the data a step writes."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from storage.db import Database, db_time
from storage.models import Conversation


class ConversationRepository:
    """Read and write where each person is in a flow."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, channel: str, address: str) -> Conversation | None:
        """Return the person's current conversation, if any."""
        row = await self._db.fetch_one(
            "SELECT * FROM conversation WHERE channel = ? AND address = ?", (channel, address)
        )
        return None if row is None else Conversation.model_validate(dict(row))

    async def save(
        self,
        channel: str,
        address: str,
        flow: str,
        step: str,
        data: dict[str, Any],
        now: datetime,
    ) -> None:
        """Store the person's flow, step and answers so far."""
        await self._db.execute(
            "INSERT INTO conversation (channel, address, flow, step, data, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (channel, address) DO UPDATE SET flow = excluded.flow,"
            " step = excluded.step, data = excluded.data, updated_at = excluded.updated_at",
            (channel, address, flow, step, json.dumps(data, ensure_ascii=False), db_time(now)),
        )

    async def clear(self, channel: str, address: str) -> None:
        """End the person's conversation."""
        await self._db.execute(
            "DELETE FROM conversation WHERE channel = ? AND address = ?", (channel, address)
        )
