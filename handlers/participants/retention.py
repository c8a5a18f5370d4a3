"""Retention: erase the personal data of participants whose sessions ended long ago."""

from __future__ import annotations

from datetime import datetime, timedelta

from handlers.participants.erasure import erase_participant
from storage import Storage


async def erase_expired(storage: Storage, now: datetime, keep_for: timedelta) -> int:
    """Erase participants whose every session ended more than `keep_for` ago; return how many.

    The same erasure as /hapus: personal fields cleared, chat addresses forgotten, sector and
    kecamatan kept for anonymous counts. Each participant in its own transaction, so a long
    run never holds the database for long.
    """
    cutoff = now - keep_for
    erased = 0
    while batch := await storage.retention.expired(cutoff, limit=200):
        for participant_id in batch:
            async with storage.db.transaction():
                await erase_participant(
                    storage,
                    participant_id,
                    now,
                    actor="scheduler",
                    action="participant.erase.retention",
                )
            erased += 1
    return erased
