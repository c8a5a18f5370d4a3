"""Erasure (/hapus and retention) also forgets equipment photos and notes."""

from __future__ import annotations

from handlers.conversation.outbox import reply_key
from handlers.participants.erasure import erase_participant
from storage import Storage
from storage.outbox import ReplyBody
from tests.support.chat import GOOD_NIK, NOW, Chat, add_session, register


async def test_erasure_clears_photos_and_notes_but_keeps_counts(
    chat: Chat, storage: Storage
) -> None:
    await add_session(storage)
    await register(chat)
    participant = await storage.participants.get_by_nik(GOOD_NIK)
    assert participant is not None
    stamp = NOW.isoformat()
    async with storage.db.transaction():
        allocation_id = await storage.db.insert(
            "INSERT INTO allocation (participant_id, item_id, quantity, created_at, updated_at,"
            " handed_over_at, handed_over_by, confirmation, confirmed_at, photo_file_id, note)"
            " VALUES (?, 1, 2, ?, ?, ?, 'Petugas', 'damaged', ?, 'media:proof.jpg', 'retak')",
            (participant.id, stamp, stamp, stamp, stamp),
        )
        await storage.db.execute(
            "INSERT INTO equipment_case (allocation_id, kind, opened_at, updated_at,"
            " photo_file_id, note) VALUES (?, 'damaged', ?, ?, 'media:case-proof.jpg', 'retak')",
            (allocation_id, stamp, stamp),
        )
        await erase_participant(
            storage, participant.id, NOW, actor="test", action="participant.erase"
        )
    allocation = await storage.db.fetch_one(
        "SELECT quantity, confirmation, photo_file_id, note FROM allocation"
    )
    case = await storage.db.fetch_one("SELECT kind, photo_file_id, note FROM equipment_case")
    assert allocation is not None and case is not None
    assert tuple(allocation) == (2, "damaged", None, None)
    assert tuple(case) == ("damaged", None, None)
    # Both proof photos, the allocation's and the problem case's, leave MEDIA_DIR too.
    assert sorted(await storage.media_erasure.pending()) == [
        "media:case-proof.jpg",
        "media:proof.jpg",
    ]
    erased = await storage.participants.get(participant.id)
    assert erased is not None and erased.nik is None and erased.sector is not None
    assert await storage.contacts.for_participant(participant.id) == []


async def test_erasure_scrubs_replies_still_queued_for_the_persons_chats(
    chat: Chat, storage: Storage
) -> None:
    await add_session(storage)
    await register(chat)
    participant = await storage.participants.get_by_nik(GOOD_NIK)
    assert participant is not None
    outbox = storage.outbox
    summary = ReplyBody(text="Nama: Siti Aminah")
    await outbox.enqueue(reply_key("telegram", chat.address, 7, 0), "telegram", chat.address,
                         summary, NOW)  # fmt: skip
    await outbox.enqueue(reply_key("telegram", "999", 8, 0), "telegram", "999", summary, NOW)
    async with storage.db.transaction():
        await erase_participant(
            storage, participant.id, NOW, actor="test", action="participant.erase"
        )
    mine = await outbox.get_by_key(reply_key("telegram", chat.address, 7, 0))
    other = await outbox.get_by_key(reply_key("telegram", "999", 8, 0))
    assert mine is not None and other is not None
    assert (mine.status, mine.last_error, mine.body.text) == ("failed", "erased", "(dihapus)")
    assert (other.status, other.body.text) == ("pending", "Nama: Siti Aminah")
