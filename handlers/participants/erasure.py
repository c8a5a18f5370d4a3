"""Erasing a person's personal data: the one path /hapus and the retention job share."""

from __future__ import annotations

from datetime import datetime

from storage import Storage


async def erase_participant(
    storage: Storage, participant_id: int, now: datetime, *, actor: str, action: str
) -> None:
    """Clear personal fields, photos and notes, free-text answers, forget chat addresses.

    Sector, kecamatan, enrollments, allocation quantities, scores and ratings stay, without a
    person behind them, so the programme's anonymous counts remain true. Certificates stay
    valid with the holder's name withheld. Runs in the caller's transaction.
    """
    await storage.participants.erase(participant_id, now)
    await storage.allocations.erase_personal(participant_id)
    await storage.equipment_cases.erase_personal(participant_id)
    await storage.quizzes.erase_personal(participant_id)
    await storage.certificates.withhold_holder(participant_id, now)
    await storage.contacts.delete_for_participant(participant_id)
    await storage.audit.record(actor, action, str(participant_id), now)
