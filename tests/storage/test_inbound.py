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
