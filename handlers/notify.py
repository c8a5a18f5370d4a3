"""Messages the bot sends on its own initiative: one outbox row per contact of a person."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from handlers.core import Reply
from storage import Storage


async def notify_participant(
    storage: Storage,
    participant_id: int,
    key: str,
    compose: Callable[[str], Reply],
    now: datetime,
    *,
    not_before: datetime | None = None,
    expires_at: datetime | None = None,
) -> int:
    """Queue a message to every reachable contact of a participant; return rows queued.

    `key` names the message for this participant (e.g. `reminder:3:7200:...:12`); the
    contact id is appended, so queueing the same message twice is a no-op.
    `compose` builds the message in the contact's language. `expires_at` is when the message
    stops being useful (default: the outbox's give-up time for notices).
    """
    queued = 0
    for contact in await storage.contacts.for_participant(participant_id):
        if contact.blocked_at is not None:
            continue
        inserted = await storage.outbox.enqueue(
            f"{key}:c{contact.id}",
            contact.channel,
            contact.address,
            compose(contact.language),
            now,
            not_before=not_before,
            expires_at=expires_at,
        )
        queued += int(inserted)
    return queued
