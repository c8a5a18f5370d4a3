"""Erasing a person's personal data: the one path /hapus and the retention job share."""

from __future__ import annotations

from datetime import datetime

from storage import Storage


async def erase_participant(
    storage: Storage, participant_id: int, now: datetime, *, actor: str, action: str
) -> None:
    """Clear personal fields, photos and notes, forget chat addresses, and audit it.

    Sector, kecamatan, enrollments and allocation quantities stay, without a person behind
    them, so the programme's anonymous counts remain true. Runs in the caller's transaction.
    """
    await storage.participants.erase(participant_id, now)
    await storage.allocations.erase_personal(participant_id)
    await storage.equipment_cases.erase_personal(participant_id)
    await storage.contacts.delete_for_participant(participant_id)
    await storage.audit.record(actor, action, str(participant_id), now)
