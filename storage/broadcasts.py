"""Broadcasts: announcements to an audience, their state, and who is in an audience."""

from __future__ import annotations

from datetime import datetime
from typing import Final, Literal

from storage.db import Database, db_time
from storage.models import Channel, Language, Model

BroadcastStatus = Literal["scheduled", "sending", "done", "cancelled"]
AudienceKind = Literal[
    "all", "session", "waitlist", "kecamatan", "sector", "unconfirmed", "noshow"
]

_MEMBERS: Final = (
    "SELECT c.id AS contact_id, c.channel, c.address, c.language, c.blocked_at,"
    " c.opted_out_at, p.id AS participant_id"
    " FROM contact c JOIN participant p ON p.id = c.participant_id"
    " WHERE p.deleted_at IS NULL"
)
_TALLY: Final = (
    "SELECT count(*) FILTER (WHERE c.blocked_at IS NULL AND c.opted_out_at IS NULL)"
    " AS recipients,"
    " count(*) FILTER (WHERE c.blocked_at IS NOT NULL) AS blocked,"
    " count(*) FILTER (WHERE c.blocked_at IS NULL AND c.opted_out_at IS NOT NULL) AS opted_out"
    " FROM contact c JOIN participant p ON p.id = c.participant_id"
    " WHERE p.deleted_at IS NULL"
)
_IN_SESSION: Final = (
    " AND EXISTS (SELECT 1 FROM enrollment e WHERE e.participant_id = p.id"
    " AND e.session_id = ? AND e.status = ?"
)
# Each audience's condition on the participant `p`; values only through placeholders.
_CONDITIONS: Final[dict[AudienceKind, str]] = {
    "all": "",
    "session": _IN_SESSION + ")",
    "waitlist": _IN_SESSION + ")",
    "noshow": _IN_SESSION + " AND e.attended_at IS NULL)",
    "kecamatan": " AND p.kecamatan = ?",
    "sector": " AND p.sector = ?",
    "unconfirmed": (
        " AND EXISTS (SELECT 1 FROM allocation a WHERE a.participant_id = p.id"
        " AND a.handed_over_at IS NOT NULL AND a.confirmation IS NULL)"
    ),
}
_STATUS_OF: Final[dict[AudienceKind, str]] = {
    "session": "enrolled",
    "waitlist": "waitlisted",
    "noshow": "enrolled",
}


class Broadcast(Model):
    """One announcement: what, to whom, when, and how far it got."""

    id: int
    author: str
    text: str
    photo_file_id: str | None
    audience: str
    scheduled_at: datetime | None
    status: BroadcastStatus
    recipients: int | None
    skipped_blocked: int
    skipped_opted_out: int
    sent_count: int | None
    failed_count: int | None
    blocked_count: int | None
    progress_channel: Channel | None
    progress_address: str | None
    progress_message_id: str | None
    progress_at: datetime | None
    created_at: datetime
    queued_at: datetime | None
    finished_at: datetime | None


class AudienceMember(Model):
    """A contact of a participant in an audience, with what decides whether it is sent to."""

    contact_id: int
    participant_id: int
    channel: Channel
    address: str
    language: Language
    blocked_at: datetime | None
    opted_out_at: datetime | None


class AudienceTally(Model):
    """How many contacts of an audience a broadcast reaches, and how many it skips and why."""

    recipients: int
    blocked: int
    opted_out: int


class FailureCount(Model):
    """How many rows of a broadcast ended in a status for one reason."""

    status: Literal["failed", "blocked"]
    reason: str
    count: int


class BroadcastRepository:
    """Create broadcasts and move them through scheduled → sending → done."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def create(
        self,
        *,
        author: str,
        text: str,
        audience: str,
        scheduled_at: datetime,
        now: datetime,
        photo_file_id: str | None = None,
        progress_chat: tuple[Channel, str] | None = None,
    ) -> Broadcast:
        """Store a broadcast due at scheduled_at (now, for one sent at once)."""
        stamp = db_time(now)
        channel, address = progress_chat or (None, None)
        broadcast_id = await self._db.insert(
            "INSERT INTO broadcast (author, text, photo_file_id, audience, scheduled_at, status,"
            " progress_channel, progress_address, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, 'scheduled', ?, ?, ?, ?)",
            (
                author,
                text,
                photo_file_id,
                audience,
                db_time(scheduled_at),
                channel,
                address,
                stamp,
                stamp,
            ),
        )
        return await self._must_get(broadcast_id)

    async def get(self, broadcast_id: int) -> Broadcast | None:
        """Return the broadcast with this id."""
        row = await self._db.fetch_one("SELECT * FROM broadcast WHERE id = ?", (broadcast_id,))
        return None if row is None else Broadcast.model_validate(dict(row))

    async def due(self, now: datetime, limit: int = 20) -> list[Broadcast]:
        """Return scheduled broadcasts whose time has come, oldest first."""
        rows = await self._db.fetch_all(
            "SELECT * FROM broadcast WHERE status = 'scheduled' AND scheduled_at <= ?"
            " ORDER BY scheduled_at, id LIMIT ?",
            (db_time(now), limit),
        )
        return [Broadcast.model_validate(dict(row)) for row in rows]

    async def sending(self) -> list[Broadcast]:
        """Return the broadcasts whose messages are being delivered."""
        rows = await self._db.fetch_all(
            "SELECT * FROM broadcast WHERE status = 'sending' ORDER BY id"
        )
        return [Broadcast.model_validate(dict(row)) for row in rows]

    async def recent(self, limit: int = 10) -> list[Broadcast]:
        """Return the newest broadcasts first."""
        rows = await self._db.fetch_all(
            "SELECT * FROM broadcast ORDER BY id DESC LIMIT ?", (limit,)
        )
        return [Broadcast.model_validate(dict(row)) for row in rows]

    async def mark_sending(
        self,
        broadcast_id: int,
        *,
        recipients: int,
        skipped_blocked: int,
        skipped_opted_out: int,
        now: datetime,
    ) -> bool:
        """Record that the rows of a scheduled broadcast are queued; False if it was not due."""
        stamp = db_time(now)
        changed = await self._db.execute(
            "UPDATE broadcast SET status = 'sending', recipients = ?, skipped_blocked = ?,"
            " skipped_opted_out = ?, queued_at = ?, updated_at = ?"
            " WHERE id = ? AND status = 'scheduled'",
            (recipients, skipped_blocked, skipped_opted_out, stamp, stamp, broadcast_id),
        )
        return changed == 1

    async def set_progress_message(
        self, broadcast_id: int, message_id: str, now: datetime
    ) -> None:
        """Remember the message in the author's chat that shows the progress."""
        stamp = db_time(now)
        await self._db.execute(
            "UPDATE broadcast SET progress_message_id = ?, progress_at = ?, updated_at = ?"
            " WHERE id = ?",
            (message_id, stamp, stamp, broadcast_id),
        )

    async def touch_progress(self, broadcast_id: int, now: datetime) -> None:
        """Record when the progress message was last edited."""
        await self._db.execute(
            "UPDATE broadcast SET progress_at = ? WHERE id = ?", (db_time(now), broadcast_id)
        )

    async def finish(
        self, broadcast_id: int, *, sent: int, failed: int, blocked: int, now: datetime
    ) -> bool:
        """Keep the final counts of a broadcast that has no row left to send."""
        stamp = db_time(now)
        changed = await self._db.execute(
            "UPDATE broadcast SET status = 'done', sent_count = ?, failed_count = ?,"
            " blocked_count = ?, finished_at = ?, updated_at = ?"
            " WHERE id = ? AND status = 'sending'",
            (sent, failed, blocked, stamp, stamp, broadcast_id),
        )
        return changed == 1

    async def cancel(self, broadcast_id: int, now: datetime) -> bool:
        """Cancel a broadcast that is still waiting for its time; False otherwise."""
        changed = await self._db.execute(
            "UPDATE broadcast SET status = 'cancelled', updated_at = ?"
            " WHERE id = ? AND status = 'scheduled'",
            (db_time(now), broadcast_id),
        )
        return changed == 1

    async def failures(self, broadcast_id: int) -> list[FailureCount]:
        """Return how many of the broadcast's rows failed or were blocked, by reason."""
        rows = await self._db.fetch_all(
            "SELECT status, COALESCE(last_error, '') AS reason, COUNT(*) AS n FROM outbox"
            " WHERE broadcast_id = ? AND status IN ('failed', 'blocked')"
            " GROUP BY status, COALESCE(last_error, '') ORDER BY status, n DESC",
            (broadcast_id,),
        )
        return [
            FailureCount(status=row["status"], reason=row["reason"], count=int(row["n"]))
            for row in rows
        ]

    async def _must_get(self, broadcast_id: int) -> Broadcast:
        found = await self.get(broadcast_id)
        assert found is not None  # noqa: S101 - written just before, same transaction
        return found


class AudienceRepository:
    """Find the contacts of the participants in an audience."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def members(
        self, kind: AudienceKind, value: str | int | None = None
    ) -> list[AudienceMember]:
        """Return every contact of every participant in the audience, blocked ones included.

        `value` is the session id for session, waitlist and noshow, the name for kecamatan
        and sector, and unused for all and unconfirmed.
        """
        rows = await self._db.fetch_all(
            _MEMBERS + _CONDITIONS[kind] + " ORDER BY c.id", self._values(kind, value)
        )
        return [AudienceMember.model_validate(dict(row)) for row in rows]

    async def tally(self, kind: AudienceKind, value: str | int | None = None) -> AudienceTally:
        """Count the audience as `select_recipients(members(...))` would, without loading it.

        The console's live count asks this on every choice: loading 20,000 members to count
        them took a second. A contact is unique per (channel, address), so there is nothing
        to fold; blocked goes before opted out, as in `select_recipients` (a test holds the
        two equal).
        """
        rows = await self._db.fetch_all(_TALLY + _CONDITIONS[kind], self._values(kind, value))
        return AudienceTally.model_validate(dict(rows[0]))

    @staticmethod
    def _values(kind: AudienceKind, value: str | int | None) -> tuple[object, ...]:
        if kind in _STATUS_OF:
            return (value, _STATUS_OF[kind])
        if kind in ("kecamatan", "sector"):
            return (value,)
        return ()
