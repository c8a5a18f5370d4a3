"""Files in MEDIA_DIR waiting to be deleted after their owner's data was erased."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Final

from storage.db import Database, db_time

# The references of files this store keeps on disk (see bot/channels/media.py).
STORED_PREFIX: Final = "media:"


class MediaErasureRepository:
    """Queue stored media for deletion, in the erasure's transaction; hand them to the bot."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def queue(self, references: Iterable[str | None], now: datetime) -> int:
        """Queue the stored files among these references; return how many were new."""
        stored = sorted({ref for ref in references if ref and ref.startswith(STORED_PREFIX)})
        queued = 0
        for reference in stored:
            queued += await self._db.execute(
                "INSERT INTO media_erasure (reference, queued_at) VALUES (?, ?)"
                " ON CONFLICT (reference) DO NOTHING",
                (reference, db_time(now)),
            )
        return queued

    async def pending(self, limit: int = 500) -> list[str]:
        """Return queued references, oldest first."""
        rows = await self._db.fetch_all(
            "SELECT reference FROM media_erasure ORDER BY queued_at, reference LIMIT ?", (limit,)
        )
        return [str(row["reference"]) for row in rows]

    async def done(self, references: Iterable[str]) -> None:
        """Forget references whose files are gone."""
        for reference in references:
            await self._db.execute("DELETE FROM media_erasure WHERE reference = ?", (reference,))
