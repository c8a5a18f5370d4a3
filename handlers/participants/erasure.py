"""Erasing a person's personal data: the one path /hapus and the retention job share."""

from __future__ import annotations

from datetime import datetime

from handlers.conversation.outbox import chat_prefix
from handlers.helpdesk.tickets import ERASED_TEXT
from handlers.helpdesk.tickets import erase_for as erase_tickets
from storage import Storage


async def erase_participant(
    storage: Storage, participant_id: int, now: datetime, *, actor: str, action: str
) -> None:
    """Clear personal fields, photos and notes, free-text answers and ticket texts, forget chat
    addresses; audit it.

    Photos, documents and voice notes kept in MEDIA_DIR are queued for deletion.

    Sector, kecamatan, enrollments, allocation quantities, scores and ratings stay, without a
    person behind them, so the programme's anonymous counts remain true. Certificates stay
    valid with the holder's name withheld. Runs in the caller's transaction.
    """
    chats = [
        (c.channel, c.address) for c in await storage.contacts.for_participant(participant_id)
    ]
    media = await erase_tickets(storage, participant_id, chats, now)
    allocations = await storage.allocations.for_participant(participant_id)
    media += [allocation.photo_file_id for allocation in allocations if allocation.photo_file_id]
    media += await storage.equipment_cases.photos_of(participant_id)
    # Files in MEDIA_DIR go once this transaction committed (the bot's help desk job).
    await storage.media_erasure.queue(media, now)
    await storage.participants.erase(participant_id, now)
    await storage.allocations.erase_personal(participant_id)
    await storage.equipment_cases.erase_personal(participant_id)
    await storage.quizzes.erase_personal(participant_id)
    await storage.certificates.withhold_holder(participant_id, now)
    for channel, address in chats:
        # Replies still queued after a failed send may quote the person's own data.
        await storage.outbox.scrub(chat_prefix(channel, address), ERASED_TEXT, now)
    await storage.contacts.delete_for_participant(participant_id)
    await storage.audit.record(actor, action, str(participant_id), now)
