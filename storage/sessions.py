"""Bimtek sessions and their free places."""

from __future__ import annotations

import secrets
from datetime import datetime

from storage.db import Database, db_time
from storage.models import BimtekSession, SessionAvailability

_AVAILABILITY = (
    "SELECT s.*,"
    " (SELECT COUNT(*) FROM enrollment e WHERE e.session_id = s.id AND e.status = 'enrolled')"
    " AS enrolled_count,"
    " (SELECT COUNT(*) FROM enrollment e WHERE e.session_id = s.id AND e.status = 'waitlisted')"
    " AS waitlisted_count,"
    " (SELECT COUNT(*) FROM waitlist_offer o WHERE o.session_id = s.id AND o.status = 'open')"
    " AS held_count"
    " FROM bimtek_session s"
)


class SessionCodeTaken(Exception):
    """Another session already uses this code."""


def new_checkin_code() -> str:
    """Return a random, unguessable check-in code, safe inside a deep link."""
    return secrets.token_urlsafe(9).replace("-", "x").replace("_", "y")


class SessionRepository:
    """Read and write bimtek sessions."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def add(
        self,
        *,
        code: str,
        title: str,
        venue: str,
        starts_at: datetime,
        ends_at: datetime,
        capacity: int,
        now: datetime,
        maps_url: str | None = None,
        hours: int | None = None,
    ) -> BimtekSession:
        """Create a session with a fresh check-in code."""
        if await self.get_by_code(code) is not None:
            raise SessionCodeTaken(code)
        stamp = db_time(now)
        session_id = await self._db.insert(
            "INSERT INTO bimtek_session (code, title, venue, maps_url, starts_at, ends_at,"
            " capacity, checkin_code, created_at, updated_at, hours)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                code,
                title,
                venue,
                maps_url,
                db_time(starts_at),
                db_time(ends_at),
                capacity,
                new_checkin_code(),
                stamp,
                stamp,
                hours,
            ),
        )
        created = await self.get(session_id)
        assert created is not None  # noqa: S101 - just inserted
        return created

    async def get(self, session_id: int) -> BimtekSession | None:
        """Return the session with this id."""
        row = await self._db.fetch_one("SELECT * FROM bimtek_session WHERE id = ?", (session_id,))
        return None if row is None else BimtekSession.model_validate(dict(row))

    async def get_by_code(self, code: str) -> BimtekSession | None:
        """Return the session with this code."""
        row = await self._db.fetch_one("SELECT * FROM bimtek_session WHERE code = ?", (code,))
        return None if row is None else BimtekSession.model_validate(dict(row))

    async def list_availability(self) -> list[SessionAvailability]:
        """Return every session with its counts, soonest first."""
        rows = await self._db.fetch_all(_AVAILABILITY + " ORDER BY s.starts_at, s.code")
        return [_availability(dict(row)) for row in rows]

    async def open_for_registration(self, now: datetime) -> list[SessionAvailability]:
        """Return sessions that accept registrations: open, not cancelled, not started."""
        rows = await self._db.fetch_all(
            _AVAILABILITY + " WHERE s.registration_open = 1 AND s.cancelled_at IS NULL"
            " AND s.starts_at > ? ORDER BY s.starts_at, s.code",
            (db_time(now),),
        )
        return [_availability(dict(row)) for row in rows]

    async def active_since(self, moment: datetime) -> list[BimtekSession]:
        """Return sessions not cancelled that start after the moment."""
        rows = await self._db.fetch_all(
            "SELECT * FROM bimtek_session WHERE cancelled_at IS NULL AND starts_at > ?"
            " ORDER BY starts_at",
            (db_time(moment),),
        )
        return [BimtekSession.model_validate(dict(row)) for row in rows]

    async def fingerprint(self) -> str:
        """Return a value that changes whenever any session is added or changed."""
        row = await self._db.fetch_one(
            "SELECT COUNT(*) AS n, MAX(updated_at) AS latest FROM bimtek_session"
        )
        return "" if row is None else f"{row['n']}:{row['latest']}"

    async def availability(self, session_id: int) -> SessionAvailability | None:
        """Return one session with its counts."""
        row = await self._db.fetch_one(_AVAILABILITY + " WHERE s.id = ?", (session_id,))
        return None if row is None else _availability(dict(row))

    async def recent_availability(
        self, ended_after: datetime, limit: int
    ) -> list[SessionAvailability]:
        """Return sessions that end after a moment, with their counts, soonest first."""
        rows = await self._db.fetch_all(
            _AVAILABILITY + " WHERE s.ends_at > ? ORDER BY s.starts_at, s.code LIMIT ?",
            (db_time(ended_after), limit),
        )
        return [_availability(dict(row)) for row in rows]

    async def get_by_checkin_code(self, checkin_code: str) -> BimtekSession | None:
        """Return the session whose check-in code this is."""
        row = await self._db.fetch_one(
            "SELECT * FROM bimtek_session WHERE checkin_code = ?", (checkin_code,)
        )
        return None if row is None else BimtekSession.model_validate(dict(row))

    # Every change bumps updated_at: the running bot re-plans reminders when MAX(updated_at)
    # moves, also for changes the CLI makes in another process.

    async def cancel(self, session_id: int, now: datetime) -> bool:
        """Cancel a session; False when it already was (or does not exist)."""
        stamp = db_time(now)
        changed = await self._db.execute(
            "UPDATE bimtek_session SET cancelled_at = ?, updated_at = ?"
            " WHERE id = ? AND cancelled_at IS NULL",
            (stamp, stamp, session_id),
        )
        return changed == 1

    async def move(
        self, session_id: int, starts_at: datetime, ends_at: datetime, now: datetime
    ) -> bool:
        """Give a session new start and end times; False when there is no such session."""
        changed = await self._db.execute(
            "UPDATE bimtek_session SET starts_at = ?, ends_at = ?, updated_at = ? WHERE id = ?",
            (db_time(starts_at), db_time(ends_at), db_time(now), session_id),
        )
        return changed == 1

    async def edit(
        self,
        session_id: int,
        *,
        title: str,
        venue: str,
        maps_url: str | None,
        capacity: int,
        now: datetime,
    ) -> bool:
        """Change a session's title, venue, map link and capacity."""
        changed = await self._db.execute(
            "UPDATE bimtek_session SET title = ?, venue = ?, maps_url = ?, capacity = ?,"
            " updated_at = ? WHERE id = ?",
            (title, venue, maps_url, capacity, db_time(now), session_id),
        )
        return changed == 1

    async def set_registration_open(self, session_id: int, is_open: bool, now: datetime) -> bool:
        """Open or close a session for registration; False when there is no such session."""
        changed = await self._db.execute(
            "UPDATE bimtek_session SET registration_open = ?, updated_at = ? WHERE id = ?",
            (int(is_open), db_time(now), session_id),
        )
        return changed == 1


def _availability(row: dict[str, object]) -> SessionAvailability:
    enrolled = row.pop("enrolled_count")
    waitlisted = row.pop("waitlisted_count")
    held = row.pop("held_count")
    return SessionAvailability(
        session=BimtekSession.model_validate(row),
        enrolled=enrolled,
        waitlisted=waitlisted,
        held=held,
    )
