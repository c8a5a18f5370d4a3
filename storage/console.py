"""The web console's sign-in links and browser sessions.

Only SHA-256 hashes of the secrets are stored: the link token and the session cookie are
the secrets, so a copy of the database cannot sign anyone in.
"""

from __future__ import annotations

from datetime import datetime
from typing import Final, Literal

from storage.db import Database, db_time
from storage.models import Language, Model, Officer, Role

LoginOutcome = Literal["ok", "unknown", "expired", "used"]
# last_seen_at is written at most this often, so reading pages does not mean writing rows.
_TOUCH_SECONDS: Final = 60


class ConsoleSession(Model):
    """A signed-in browser of one officer."""

    id: int
    officer_id: int
    role: Role
    csrf_token: str
    language: Language
    user_agent: str | None
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime


class SignedIn(Model):
    """A live console session and the officer behind it, as they are now."""

    session: ConsoleSession
    officer: Officer


class ConsoleRepository:
    """Sign-in links and console sessions."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def add_login(
        self, token_hash: str, officer_id: int, now: datetime, expires_at: datetime
    ) -> None:
        """Store a sign-in link's hash for an officer."""
        await self._db.execute(
            "INSERT INTO console_login (token_hash, officer_id, created_at, expires_at)"
            " VALUES (?, ?, ?, ?)",
            (token_hash, officer_id, db_time(now), db_time(expires_at)),
        )

    async def count_logins_since(self, officer_id: int, since: datetime) -> int:
        """Return how many links an officer was given since a moment."""
        value = await self._db.fetch_value(
            "SELECT COUNT(*) FROM console_login WHERE officer_id = ? AND created_at >= ?",
            (officer_id, db_time(since)),
        )
        return int(value)

    async def use_login(self, token_hash: str, now: datetime) -> tuple[LoginOutcome, int | None]:
        """Mark a link used, once; return the outcome and the officer it was for."""
        row = await self._db.fetch_one(
            "SELECT officer_id, expires_at, used_at FROM console_login WHERE token_hash = ?",
            (token_hash,),
        )
        if row is None:
            return "unknown", None
        officer_id = int(row["officer_id"])
        if row["used_at"] is not None:
            return "used", officer_id
        if row["expires_at"] <= db_time(now):
            return "expired", officer_id
        changed = await self._db.execute(
            "UPDATE console_login SET used_at = ? WHERE token_hash = ? AND used_at IS NULL",
            (db_time(now), token_hash),
        )
        return ("ok", officer_id) if changed == 1 else ("used", officer_id)

    async def add_session(
        self,
        *,
        session_hash: str,
        officer: Officer,
        csrf_token: str,
        language: Language,
        user_agent: str | None,
        now: datetime,
        expires_at: datetime,
    ) -> int:
        """Store a new console session for an officer with their current role."""
        stamp = db_time(now)
        return await self._db.insert(
            "INSERT INTO console_session (session_hash, officer_id, role, csrf_token, language,"
            " user_agent, created_at, last_seen_at, expires_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                session_hash,
                officer.id,
                officer.role,
                csrf_token,
                language,
                None if user_agent is None else user_agent[:200],
                stamp,
                stamp,
                db_time(expires_at),
            ),
        )

    async def signed_in(self, session_hash: str, now: datetime) -> SignedIn | None:
        """Return the live session with this hash and its officer, whose role must be unchanged."""
        row = await self._db.fetch_one(
            "SELECT s.*, o.channel AS o_channel, o.address AS o_address, o.role AS o_role,"
            " o.display_name AS o_display_name"
            " FROM console_session s JOIN officer o ON o.id = s.officer_id"
            " WHERE s.session_hash = ? AND s.expires_at > ? AND o.role = s.role",
            (session_hash, db_time(now)),
        )
        if row is None:
            return None
        values = dict(row)
        officer = Officer(
            id=values["officer_id"],
            channel=values.pop("o_channel"),
            address=values.pop("o_address"),
            role=values.pop("o_role"),
            display_name=values.pop("o_display_name"),
        )
        values.pop("session_hash")
        return SignedIn(session=ConsoleSession.model_validate(values), officer=officer)

    async def touch(self, session: ConsoleSession, now: datetime) -> None:
        """Remember that the session was used (at most once a minute)."""
        if (now - session.last_seen_at).total_seconds() < _TOUCH_SECONDS:
            return
        await self._db.execute(
            "UPDATE console_session SET last_seen_at = ? WHERE id = ?",
            (db_time(now), session.id),
        )

    async def set_language(self, session_id: int, language: Language) -> None:
        """Change the language a session reads."""
        await self._db.execute(
            "UPDATE console_session SET language = ? WHERE id = ?", (language, session_id)
        )

    async def active(self, now: datetime) -> list[SignedIn]:
        """Return every live session with its officer, newest first."""
        rows = await self._db.fetch_all(
            "SELECT s.id, s.officer_id, s.role, s.csrf_token, s.language, s.user_agent,"
            " s.created_at, s.last_seen_at, s.expires_at, o.channel AS o_channel,"
            " o.address AS o_address, o.role AS o_role, o.display_name AS o_display_name"
            " FROM console_session s JOIN officer o ON o.id = s.officer_id"
            " WHERE s.expires_at > ? AND o.role = s.role ORDER BY s.last_seen_at DESC",
            (db_time(now),),
        )
        found = []
        for row in rows:
            values = dict(row)
            officer = Officer(
                id=values["officer_id"],
                channel=values.pop("o_channel"),
                address=values.pop("o_address"),
                role=values.pop("o_role"),
                display_name=values.pop("o_display_name"),
            )
            found.append(SignedIn(session=ConsoleSession.model_validate(values), officer=officer))
        return found

    async def end(self, session_id: int) -> bool:
        """End one session; False when there was none."""
        return (
            await self._db.execute("DELETE FROM console_session WHERE id = ?", (session_id,)) == 1
        )

    async def end_for_officer(self, officer_id: int) -> int:
        """End every session and unused link of an officer; return the sessions ended."""
        await self._db.execute(
            "DELETE FROM console_login WHERE officer_id = ? AND used_at IS NULL", (officer_id,)
        )
        return await self._db.execute(
            "DELETE FROM console_session WHERE officer_id = ?", (officer_id,)
        )

    async def purge(self, now: datetime) -> None:
        """Forget expired sessions and links."""
        stamp = db_time(now)
        await self._db.execute("DELETE FROM console_session WHERE expires_at <= ?", (stamp,))
        await self._db.execute("DELETE FROM console_login WHERE expires_at <= ?", (stamp,))
