"""Participants an officer imported from paper forms, claimed when they register in chat.

An imported participant has no chat contact yet. Registering with the same NIK and the same
phone number links the chat to that participant instead of refusing the NIK as taken; any
other duplicate NIK is still refused (the person is told to contact an officer).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from storage import Storage
from storage.models import NewParticipant, Participant


async def is_unclaimed(storage: Storage, participant: Participant) -> bool:
    """Tell whether a participant was pre-registered and has no chat contact yet."""
    return participant.deleted_at is None and not await storage.contacts.for_participant(
        participant.id
    )


async def unclaimed_ids(storage: Storage, participants: Iterable[Participant]) -> set[int]:
    """Return the ids of those participants that are pre-registered and unclaimed."""
    alive = [participant.id for participant in participants if participant.deleted_at is None]
    if not alive:
        return set()
    return set(alive) - await storage.contacts.participants_with_contacts(alive)


async def claimable(storage: Storage, nik: str, phone: str | None) -> Participant | None:
    """Return the pre-registered participant with this NIK and phone, if there is one.

    Without a phone (the NIK step comes before the phone step) only the NIK is checked.
    """
    participant = await storage.participants.get_by_nik(nik)
    if participant is None or not await is_unclaimed(storage, participant):
        return None
    if phone is not None and participant.phone != phone:
        return None
    return participant


async def claim(
    storage: Storage, participant: Participant, new: NewParticipant, now: datetime
) -> Participant:
    """Bring the pre-registered record up to what the person just confirmed in chat."""
    for field in ("full_name", "business_name", "sector", "kecamatan"):
        value = getattr(new, field)
        if value != getattr(participant, field):
            await storage.participants.update_field(participant.id, field, value, now)
    if new.language != participant.language:
        await storage.participants.set_language(participant.id, new.language, now)
    claimed = await storage.participants.get(participant.id)
    assert claimed is not None  # noqa: S101 - read above, same transaction
    return claimed
