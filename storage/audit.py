"""The audit log: every officer action and every refused attempt, and where it came from."""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Final, Literal

from storage.db import Database, db_time
from storage.models import AuditEntry

MAX_FIELD = 120
Via = Literal["chat", "cli", "console", "system"]
# Actors that are the bot itself rather than a person.
_SYSTEM_ACTORS: Final = frozenset({"scheduler", "system", "retention"})

# Set by an entry point whose actors look like chat's (the web console names officers
# `officer:N` just as chat does); unset, `via` follows from the actor.
_via: contextvars.ContextVar[Via | None] = contextvars.ContextVar("audit_via", default=None)


@contextmanager
def audited_via(via: Via) -> Iterator[None]:
    """Record every audit entry written inside the block as coming through `via`."""
    token = _via.set(via)
    try:
        yield
    finally:
        _via.reset(token)


def via_of(actor: str) -> Via:
    """Return where an action came from: the entry point's, else what the actor says."""
    chosen = _via.get()
    if chosen is not None:
        return chosen
    if actor == "cli":
        return "cli"
    if actor in _SYSTEM_ACTORS:
        return "system"
    return "chat"


def officer_id_of(actor: str) -> int | None:
    """Return the officer id an actor such as `officer:12` names, else None."""
    kind, _, number = actor.partition(":")
    if kind != "officer" or not number.isascii() or not number.isdigit() or len(number) > 12:
        return None
    return int(number)


class AuditRepository:
    """Append to and read the audit log."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def record(self, actor: str, action: str, target: str | None, now: datetime) -> None:
        """Append one entry (action and target cut to a sane length: forged input reaches them)."""
        action = action[:MAX_FIELD]
        target = None if target is None else target[:MAX_FIELD]
        # An officer's display name is copied as it is now (NULL without one, or for others).
        await self._db.execute(
            "INSERT INTO audit_log (actor, action, target, at, via, actor_name)"
            " VALUES (?, ?, ?, ?, ?, (SELECT display_name FROM officer WHERE id = ?))",
            (actor, action, target, db_time(now), via_of(actor), officer_id_of(actor)),
        )

    async def latest(self, limit: int = 50) -> list[AuditEntry]:
        """Return the newest entries first."""
        rows = await self._db.fetch_all(
            "SELECT * FROM audit_log ORDER BY id DESC LIMIT ?", (limit,)
        )
        return [AuditEntry.model_validate(dict(row)) for row in rows]

    async def about(
        self, targets: tuple[str, ...], actor: str, limit: int = 50
    ) -> list[AuditEntry]:
        """Return the newest entries about any of these targets or by this actor."""
        marks = ", ".join("?" for _ in targets)
        rows = await self._db.fetch_all(
            f"SELECT * FROM audit_log WHERE target IN ({marks}) OR actor = ?"  # noqa: S608
            " ORDER BY id DESC LIMIT ?",
            (*targets, actor, limit),
        )
        return [AuditEntry.model_validate(dict(row)) for row in rows]
