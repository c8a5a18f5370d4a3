"""Small facts the running bot learns and records, such as its username."""

from __future__ import annotations

from storage.db import Database


class BotSettingRepository:
    """Read and write key-value facts about the bot."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, key: str) -> str | None:
        """Return the value stored under key."""
        value = await self._db.fetch_value("SELECT value FROM bot_setting WHERE key = ?", (key,))
        return None if value is None else str(value)

    async def put(self, key: str, value: str) -> None:
        """Store value under key."""
        await self._db.execute(
            "INSERT INTO bot_setting (key, value) VALUES (?, ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )
