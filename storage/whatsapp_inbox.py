"""The WhatsApp inbox: webhook messages kept once per message id until they are processed."""

from __future__ import annotations

from datetime import datetime

from storage.db import Database, db_time
from storage.models import Model


class InboxEntry(Model):
    """One accepted webhook message waiting to be processed."""

    id: int
    message_id: str
    address: str
    event: str
    received_at: datetime


class WhatsAppInboxRepository:
    """Record webhook messages (dropping redeliveries) and mark them processed."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def record(
        self, message_id: str, address: str, event: str, now: datetime
    ) -> InboxEntry | None:
        """Keep a new message; return None when this message id was seen before."""
        stamp = db_time(now)
        async with self._db.transaction():
            added = await self._db.execute(
                "INSERT INTO whatsapp_inbox (message_id, address, event, received_at, claimed_at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (message_id) DO NOTHING",
                (message_id, address, event, stamp, stamp),
            )
            if added != 1:
                return None
            row = await self._db.fetch_one(
                "SELECT id, message_id, address, event, received_at FROM whatsapp_inbox"
                " WHERE message_id = ?",
                (message_id,),
            )
        assert row is not None  # noqa: S101 - inserted just above
        return InboxEntry.model_validate(dict(row))

    async def pending(self) -> list[InboxEntry]:
        """Return the messages not processed yet, oldest first."""
        rows = await self._db.fetch_all(
            "SELECT id, message_id, address, event, received_at FROM whatsapp_inbox"
            " WHERE processed_at IS NULL ORDER BY id"
        )
        return [InboxEntry.model_validate(dict(row)) for row in rows]

    async def claim_stale(self, now: datetime, claimed_before: datetime) -> list[InboxEntry]:
        """Claim the unprocessed messages nobody claimed after the moment; oldest first.

        With several processes, a message another process recorded a moment ago is being
        processed there: only claims made at or before `claimed_before` are taken over, and the
        claim itself is one statement, so two processes never take the same message.
        """
        rows = await self._db.fetch_all(
            "UPDATE whatsapp_inbox SET claimed_at = ? WHERE processed_at IS NULL"
            " AND (claimed_at IS NULL OR claimed_at <= ?)"
            " RETURNING id, message_id, address, event, received_at",
            (db_time(now), db_time(claimed_before)),
        )
        entries = [InboxEntry.model_validate(dict(row)) for row in rows]
        return sorted(entries, key=lambda entry: entry.id)

    async def mark_processed(self, entry_id: int, now: datetime) -> None:
        """Record that the message was handled and forget its content."""
        await self._db.execute(
            "UPDATE whatsapp_inbox SET processed_at = ?, event = NULL"
            " WHERE id = ? AND processed_at IS NULL",
            (db_time(now), entry_id),
        )

    async def prune(self, processed_before: datetime) -> int:
        """Forget the ids of messages processed before the moment; return how many."""
        return await self._db.execute(
            "DELETE FROM whatsapp_inbox WHERE processed_at IS NOT NULL AND processed_at < ?",
            (db_time(processed_before),),
        )
