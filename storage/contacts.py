"""Contacts: the chat addresses through which people reach the bot."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Final

from storage.db import Database, db_time
from storage.models import Contact

# Addresses per look-up: well below either engine's limit on parameters in one statement.
_ADDRESSES_PER_QUERY: Final = 500


class ContactRepository:
    """Read and write contacts."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, channel: str, address: str) -> Contact | None:
        """Return the contact for this channel address."""
        row = await self._db.fetch_one(
            "SELECT * FROM contact WHERE channel = ? AND address = ?", (channel, address)
        )
        return None if row is None else Contact.model_validate(dict(row))

    async def get_many(self, channel: str, addresses: Iterable[str]) -> dict[str, Contact]:
        """Return the contacts of these addresses on one channel, by address (the known ones)."""
        wanted = sorted(set(addresses))
        found: dict[str, Contact] = {}
        for start in range(0, len(wanted), _ADDRESSES_PER_QUERY):
            chunk = wanted[start : start + _ADDRESSES_PER_QUERY]
            marks = ", ".join("?" * len(chunk))
            rows = await self._db.fetch_all(
                f"SELECT * FROM contact WHERE channel = ? AND address IN ({marks})",  # noqa: S608
                (channel, *chunk),
            )
            for row in rows:
                contact = Contact.model_validate(dict(row))
                found[contact.address] = contact
        return found

    async def touch(self, channel: str, address: str, now: datetime) -> Contact:
        """Create the contact if new and record that it just wrote to us."""
        stamp = db_time(now)
        # RETURNING (SQLite 3.35+, PostgreSQL) saves a second query on every update.
        row = await self._db.fetch_one(
            "INSERT INTO contact (channel, address, last_inbound_at, created_at)"
            " VALUES (?, ?, ?, ?)"
            " ON CONFLICT (channel, address)"
            # Writing to us proves the person no longer blocks the bot.
            " DO UPDATE SET last_inbound_at = excluded.last_inbound_at, blocked_at = NULL"
            " RETURNING *",
            (channel, address, stamp, stamp),
        )
        assert row is not None  # noqa: S101 - an upsert always returns its row
        return Contact.model_validate(dict(row))

    async def link(self, channel: str, address: str, participant_id: int) -> None:
        """Attach the contact to a participant."""
        await self._db.execute(
            "UPDATE contact SET participant_id = ? WHERE channel = ? AND address = ?",
            (participant_id, channel, address),
        )

    async def set_language(self, channel: str, address: str, language: str) -> None:
        """Record the language this contact reads."""
        await self._db.execute(
            "UPDATE contact SET language = ? WHERE channel = ? AND address = ?",
            (language, channel, address),
        )

    async def for_participant(self, participant_id: int) -> list[Contact]:
        """Return every contact of a participant."""
        rows = await self._db.fetch_all(
            "SELECT * FROM contact WHERE participant_id = ? ORDER BY id", (participant_id,)
        )
        return [Contact.model_validate(dict(row)) for row in rows]

    async def participants_with_contacts(self, participant_ids: Sequence[int]) -> set[int]:
        """Return which of these participants (at most a few hundred) have a chat contact."""
        marks = ", ".join("?" * len(participant_ids))
        rows = await self._db.fetch_all(
            f"SELECT DISTINCT participant_id FROM contact WHERE participant_id IN ({marks})",  # noqa: S608
            tuple(participant_ids),
        )
        return {int(row[0]) for row in rows}

    async def delete_for_participant(self, participant_id: int) -> None:
        """Forget every chat address of a participant."""
        await self._db.execute("DELETE FROM contact WHERE participant_id = ?", (participant_id,))

    async def mark_blocked(self, channel: str, address: str, now: datetime) -> None:
        """Record that this address blocked the bot, so later broadcasts skip it."""
        await self._db.execute(
            "UPDATE contact SET blocked_at = COALESCE(blocked_at, ?)"
            " WHERE channel = ? AND address = ?",
            (db_time(now), channel, address),
        )

    async def set_opted_out(
        self, channel: str, address: str, opted_out: bool, now: datetime
    ) -> bool:
        """Stop (or resume) broadcasts to this address; False when nothing changed."""
        if opted_out:
            sql = (
                "UPDATE contact SET opted_out_at = ?"
                " WHERE channel = ? AND address = ? AND opted_out_at IS NULL"
            )
            params: tuple[object, ...] = (db_time(now), channel, address)
        else:
            sql = (
                "UPDATE contact SET opted_out_at = NULL"
                " WHERE channel = ? AND address = ? AND opted_out_at IS NOT NULL"
            )
            params = (channel, address)
        return await self._db.execute(sql, params) == 1
