"""The WhatsApp inbox: each message id once, kept until processed, forgotten later."""

from __future__ import annotations

from datetime import timedelta

from storage import Storage
from tests.support.chat import NOW


async def test_a_message_id_is_recorded_once(storage: Storage) -> None:
    inbox = storage.whatsapp_inbox
    first = await inbox.record("wamid.1", "6281", '{"x": 1}', NOW)
    assert first is not None and first.event == '{"x": 1}'
    assert await inbox.record("wamid.1", "6281", '{"x": 2}', NOW) is None
    assert [entry.message_id for entry in await inbox.pending()] == ["wamid.1"]


async def test_processed_messages_lose_their_content_but_stay_seen(storage: Storage) -> None:
    inbox = storage.whatsapp_inbox
    entry = await inbox.record("wamid.1", "6281", '{"text": "NIK 3216015505900002"}', NOW)
    assert entry is not None
    await inbox.mark_processed(entry.id, NOW)
    assert await inbox.pending() == []
    assert await storage.db.fetch_value("SELECT event FROM whatsapp_inbox") is None
    assert await inbox.record("wamid.1", "6281", "{}", NOW) is None


async def test_pending_messages_come_oldest_first(storage: Storage) -> None:
    inbox = storage.whatsapp_inbox
    for n in (3, 1, 2):
        await inbox.record(f"wamid.{n}", "6281", "{}", NOW)
    assert [e.message_id for e in await inbox.pending()] == ["wamid.3", "wamid.1", "wamid.2"]


async def test_prune_forgets_only_old_processed_ids(storage: Storage) -> None:
    inbox = storage.whatsapp_inbox
    old = await inbox.record("wamid.old", "6281", "{}", NOW - timedelta(days=9))
    assert old is not None
    await inbox.mark_processed(old.id, NOW - timedelta(days=9))
    await inbox.record("wamid.waiting", "6281", "{}", NOW - timedelta(days=9))
    assert await inbox.prune(NOW - timedelta(days=8)) == 1
    assert [e.message_id for e in await inbox.pending()] == ["wamid.waiting"]


async def test_only_stale_claims_are_taken_over_and_only_once(storage: Storage) -> None:
    # Another process recorded (claimed) both; one of them two minutes ago, then it died.
    inbox = storage.whatsapp_inbox
    for name, at in (("wamid.dead", NOW - timedelta(minutes=2)), ("wamid.busy", NOW)):
        await inbox.record(name, "6281", "{}", at)
    done = await inbox.record("wamid.done", "6281", "{}", NOW - timedelta(minutes=5))
    assert done is not None
    await inbox.mark_processed(done.id, NOW - timedelta(minutes=5))
    taken = await inbox.claim_stale(NOW, NOW - timedelta(minutes=1))
    assert [entry.message_id for entry in taken] == ["wamid.dead"]
    assert taken[0].event == "{}"
    # Claimed now: a second process looking at the same moment finds nothing left.
    assert await inbox.claim_stale(NOW, NOW - timedelta(minutes=1)) == []
    later = NOW + timedelta(minutes=2)
    assert [
        e.message_id for e in await inbox.claim_stale(later, later - timedelta(minutes=1))
    ] == [
        "wamid.dead",
        "wamid.busy",
    ]
