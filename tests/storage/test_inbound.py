"""Inbound update ids: recorded once per channel, pruned after a while (both engines)."""

from __future__ import annotations

from datetime import timedelta

from storage import Storage
from tests.support.chat import NOW


async def test_an_update_id_is_first_seen_once_per_channel(storage: Storage) -> None:
    inbound = storage.inbound
    assert await inbound.first_time("telegram", "42", NOW)
    assert not await inbound.first_time("telegram", "42", NOW + timedelta(seconds=1))
    assert await inbound.first_time("whatsapp", "42", NOW)


async def test_old_update_ids_are_pruned(storage: Storage) -> None:
    inbound = storage.inbound
    assert await inbound.first_time("telegram", "1", NOW - timedelta(days=9))
    assert await inbound.first_time("telegram", "2", NOW)
    assert await inbound.prune(NOW - timedelta(days=8)) == 1
    assert await inbound.first_time("telegram", "1", NOW)
    assert not await inbound.first_time("telegram", "2", NOW)


async def test_an_earlier_update_of_the_chat_holds_until_handled(storage: Storage) -> None:
    inbound = storage.inbound
    since = NOW - timedelta(seconds=5)
    assert await inbound.first_time("telegram", "10", NOW, "501", 10)
    assert await inbound.first_time("telegram", "11", NOW, "501", 11)
    assert await inbound.first_time("telegram", "9", NOW, "777", 9)  # another chat
    assert await inbound.earlier_unhandled("telegram", "501", 11, since)
    assert not await inbound.earlier_unhandled("telegram", "501", 10, since)
    assert not await inbound.earlier_unhandled("whatsapp", "501", 11, since)
    await inbound.mark_handled("telegram", "10", NOW)
    assert not await inbound.earlier_unhandled("telegram", "501", 11, since)


async def test_an_earlier_update_received_long_ago_holds_nothing(storage: Storage) -> None:
    inbound = storage.inbound
    assert await inbound.first_time("telegram", "10", NOW - timedelta(minutes=1), "501", 10)
    assert not await inbound.earlier_unhandled("telegram", "501", 11, NOW - timedelta(seconds=5))
