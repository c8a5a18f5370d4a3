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
