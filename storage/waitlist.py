"""Places offered from the waiting list, held for a while."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from storage.db import Database, db_time
from storage.models import Enrollment, WaitlistOffer

OfferAnswer = Literal["accepted", "declined", "expired"]


class WaitlistRepository:
    """Read and write waiting-list offers."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def open_offers(self, session_id: int) -> int:
        """Return how many places of the session are held by open offers."""
        value = await self._db.fetch_value(
            "SELECT COUNT(*) FROM waitlist_offer WHERE session_id = ? AND status = 'open'",
            (session_id,),
        )
        return int(value)

    async def next_in_line(self, session_id: int) -> Enrollment | None:
        """Return the earliest waiting-list entry that was never offered a place."""
        row = await self._db.fetch_one(
            "SELECT e.* FROM enrollment e JOIN participant p ON p.id = e.participant_id"
            " WHERE e.session_id = ? AND e.status = 'waitlisted' AND p.deleted_at IS NULL"
            " AND NOT EXISTS (SELECT 1 FROM waitlist_offer o WHERE o.enrollment_id = e.id)"
            " ORDER BY e.created_at, e.id LIMIT 1",
            (session_id,),
        )
        return None if row is None else Enrollment.model_validate(dict(row))

    async def create(
        self, enrollment: Enrollment, now: datetime, expires_at: datetime
    ) -> WaitlistOffer:
        """Offer the enrollment's participant a place until expires_at."""
        offer_id = await self._db.insert(
            "INSERT INTO waitlist_offer (enrollment_id, session_id, offered_at, expires_at,"
            " status) VALUES (?, ?, ?, ?, 'open')",
            (enrollment.id, enrollment.session_id, db_time(now), db_time(expires_at)),
        )
        offer = await self.get(offer_id)
        assert offer is not None  # noqa: S101 - just inserted
        return offer

    async def get(self, offer_id: int) -> WaitlistOffer | None:
        """Return the offer with this id."""
        row = await self._db.fetch_one("SELECT * FROM waitlist_offer WHERE id = ?", (offer_id,))
        return None if row is None else WaitlistOffer.model_validate(dict(row))

    async def answer(self, offer_id: int, status: OfferAnswer, now: datetime) -> bool:
        """Close an open offer; False if it was no longer open."""
        changed = await self._db.execute(
            "UPDATE waitlist_offer SET status = ?, answered_at = ?"
            " WHERE id = ? AND status = 'open'",
            (status, db_time(now), offer_id),
        )
        return changed == 1

    async def expired(self, now: datetime) -> list[WaitlistOffer]:
        """Return open offers whose hold time is over."""
        rows = await self._db.fetch_all(
            "SELECT * FROM waitlist_offer WHERE status = 'open' AND expires_at <= ?"
            " ORDER BY expires_at",
            (db_time(now),),
        )
        return [WaitlistOffer.model_validate(dict(row)) for row in rows]
