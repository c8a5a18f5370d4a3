"""Erasing a person's personal data: the one path /hapus and the retention job share."""

from __future__ import annotations

from datetime import datetime

from handlers.helpdesk.tickets import erase_for as erase_tickets
from storage import Storage


async def erase_participant(
    storage: Storage, participant_id: int, now: datetime, *, actor: str, action: str
) -> None:
    """Clear personal fields, photos, notes and ticket texts, forget chat addresses; audit it.

    Sector, kecamatan, enrollments and allocation quantities stay, without a person behind
    them, so the programme's anonymous counts remain true. Runs in the caller's transaction.
    """
    chats = [
        (c.channel, c.address) for c in await storage.contacts.for_participant(participant_id)
    ]
    await erase_tickets(storage, participant_id, chats, now)
    await storage.participants.erase(participant_id, now)
    await storage.allocations.erase_personal(participant_id)
    await storage.equipment_cases.erase_personal(participant_id)
    await storage.contacts.delete_for_participant(participant_id)
    await storage.audit.record(actor, action, str(participant_id), now)
