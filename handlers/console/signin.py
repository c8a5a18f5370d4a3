"""Signing in to the web console without a password: a one-time link sent in chat.

A link is valid for ten minutes, once, for the officer it was made for. Using it starts a
server-side session of twelve hours with a fresh secret; the browser holds the secret in a
cookie and the database only its hash. A session counts only while its officer still holds
the role they had when it started.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from handlers.conversation.access import officer_actor
from storage import Storage
from storage.console import SignedIn
from storage.models import Language, Officer

LINK_VALID: Final = timedelta(minutes=10)
SESSION_VALID: Final = timedelta(hours=12)
# At most this many links per officer within LINK_VALID: a leaked chat cannot mint many.
MAX_LINKS: Final = 5
LOGIN_PATH: Final = "/console/login/"
_SECRET: Final = re.compile(r"^[A-Za-z0-9_-]{32,128}$")


class SignInRefused(Exception):
    """A link cannot be made or used; `reason` says why (unknown, expired, used, ...)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class NewSession:
    """A session just started: the cookie secret (shown once) and who signed in."""

    secret: str
    signed_in: SignedIn


def secret_hash(secret: str) -> str:
    """Return the stored form of a link token or session secret."""
    return hashlib.sha256(secret.encode()).hexdigest()


def is_well_formed(secret: str) -> bool:
    """Tell whether a token or cookie could be one of ours (checked before any lookup)."""
    return bool(_SECRET.match(secret))


async def issue_link(storage: Storage, officer: Officer, base_url: str, now: datetime) -> str:
    """Return a new sign-in link for an officer, or refuse when they asked for too many."""
    token = secrets.token_urlsafe(32)
    async with storage.db.transaction():
        recent = await storage.console.count_logins_since(officer.id, now - LINK_VALID)
        limited = recent >= MAX_LINKS
        if limited:
            await storage.audit.record(
                officer_actor(officer), "denied:console.link", "rate_limited", now
            )
        else:
            await storage.console.add_login(secret_hash(token), officer.id, now, now + LINK_VALID)
            await storage.audit.record(officer_actor(officer), "console.link", None, now)
    # Raised after the block, so the refusal's audit entry is committed.
    if limited:
        raise SignInRefused("rate_limited")
    return base_url.rstrip("/") + LOGIN_PATH + token


async def sign_in(
    storage: Storage,
    token: str,
    *,
    language: Language,
    user_agent: str | None,
    now: datetime,
) -> NewSession:
    """Use a link once and start a session for its officer; refuse a bad, old or used one."""
    async with storage.db.transaction():
        outcome, officer_id = ("unknown", None)
        if is_well_formed(token):
            outcome, officer_id = await storage.console.use_login(secret_hash(token), now)
        officer = None if officer_id is None else await storage.officers.get_by_id(officer_id)
        if outcome != "ok" or officer is None:
            actor = "anonymous" if officer is None else officer_actor(officer)
            await storage.audit.record(actor, "denied:console.signin", outcome, now)
            refused: SignInRefused | None = SignInRefused(
                outcome if outcome != "ok" else "unknown"
            )
            signed_in = None
        else:
            refused = None
            secret = secrets.token_urlsafe(32)
            await storage.console.add_session(
                session_hash=secret_hash(secret),
                officer=officer,
                csrf_token=secrets.token_urlsafe(32),
                language=language,
                user_agent=user_agent,
                now=now,
                expires_at=now + SESSION_VALID,
            )
            await storage.audit.record(officer_actor(officer), "console.signin", None, now)
            await storage.console.purge(now)
            signed_in = await storage.console.signed_in(secret_hash(secret), now)
    # The refusal is raised after the block, so its audit entry is committed, not rolled back.
    if refused is not None:
        raise refused
    assert signed_in is not None  # noqa: S101 - created just above
    return NewSession(secret, signed_in)


async def current(storage: Storage, secret: str, now: datetime) -> SignedIn | None:
    """Return who a session cookie signs in, or None when it is unknown, over or outdated."""
    if not is_well_formed(secret):
        return None
    found = await storage.console.signed_in(secret_hash(secret), now)
    if found is not None:
        await storage.console.touch(found.session, now)
    return found


async def sign_out(storage: Storage, signed_in: SignedIn, now: datetime) -> None:
    """End the browser's own session."""
    async with storage.db.transaction():
        await storage.console.end(signed_in.session.id)
        await storage.audit.record(officer_actor(signed_in.officer), "console.signout", None, now)


async def revoke(storage: Storage, admin: Officer, session_id: int, now: datetime) -> bool:
    """End another browser's session (admins); False when it was already over."""
    async with storage.db.transaction():
        ended = await storage.console.end(session_id)
        if ended:
            await storage.audit.record(
                officer_actor(admin), "console.revoke", f"console_session:{session_id}", now
            )
    return ended
