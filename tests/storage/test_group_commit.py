"""Group commit: concurrent writers share transactions, and share a failure whole."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from storage import Storage
from storage.group_commit import GroupCommit
from storage.outbox import DeliveryUpdate, ReplyBody, SentRecord

NOW = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)


async def claimed_rows(storage: Storage, count: int) -> list[int]:
    """Queue and claim `count` WhatsApp rows; return their ids."""
    for index in range(count):
        await storage.outbox.enqueue(
            f"broadcast:1:{index}", "whatsapp", f"62857{index:08d}", ReplyBody(text="x"), NOW
        )
    return [row.id for row in await storage.outbox.claim_due(NOW, count)]


class Spy:
    """Mark rows sent like the dispatcher does, remembering each batch's size."""

    def __init__(self, storage: Storage, fail: bool = False) -> None:
        self.storage = storage
        self.sizes: list[int] = []
        self.fail = fail

    async def apply(self, records: list[SentRecord]) -> list[int]:
        self.sizes.append(len(records))
        await self.storage.outbox.mark_sent_many(records)
        if self.fail:
            raise RuntimeError("disk full")
        return [record.id for record in records]


async def sent_count(storage: Storage) -> int:
    return (await storage.outbox.counts())["sent"]


async def test_concurrent_writers_share_one_transaction(storage: Storage) -> None:
    ids = await claimed_rows(storage, 120)
    spy = Spy(storage)
    commit = GroupCommit(storage.db, spy.apply)
    results = await asyncio.gather(
        *(commit.submit(SentRecord(row, NOW, f"wamid.{row}")) for row in ids)
    )
    # Each writer gets its own item's result, and all 120 went in one transaction.
    assert results == ids
    assert spy.sizes == [120]
    assert (commit.batches, commit.items) == (1, 120)
    assert await sent_count(storage) == 120


async def test_batches_are_capped_and_later_arrivals_form_the_next(storage: Storage) -> None:
    ids = await claimed_rows(storage, 25)
    spy = Spy(storage)
    commit = GroupCommit(storage.db, spy.apply, max_batch=10)
    first = asyncio.gather(*(commit.submit(SentRecord(row, NOW)) for row in ids[:15]))
    await asyncio.sleep(0)
    second = asyncio.gather(*(commit.submit(SentRecord(row, NOW)) for row in ids[15:]))
    assert await first == ids[:15] and await second == ids[15:]
    assert sum(spy.sizes) == 25 and max(spy.sizes) == 10
    assert await sent_count(storage) == 25


async def test_a_failing_batch_fails_every_writer_and_writes_nothing(storage: Storage) -> None:
    ids = await claimed_rows(storage, 30)
    commit = GroupCommit(storage.db, Spy(storage, fail=True).apply)
    outcomes = await asyncio.gather(
        *(commit.submit(SentRecord(row, NOW)) for row in ids), return_exceptions=True
    )
    assert all(isinstance(outcome, RuntimeError) for outcome in outcomes)
    assert await sent_count(storage) == 0
    assert (await storage.outbox.counts())["sending"] == 30
    # The next batch is written as usual.
    working = GroupCommit(storage.db, Spy(storage).apply)
    assert await working.submit_many([SentRecord(row, NOW) for row in ids]) == ids
    assert await sent_count(storage) == 30


async def test_an_apply_answering_the_wrong_count_is_rolled_back(storage: Storage) -> None:
    ids = await claimed_rows(storage, 3)

    async def short(records: list[SentRecord]) -> list[int]:
        await storage.outbox.mark_sent_many(records)
        return [records[0].id]

    commit = GroupCommit(storage.db, short)
    with pytest.raises(RuntimeError, match="1 results, 3 items"):
        await commit.submit_many([SentRecord(row, NOW) for row in ids])
    assert await sent_count(storage) == 0


async def test_nothing_submitted_writes_nothing(storage: Storage) -> None:
    spy = Spy(storage)
    commit = GroupCommit(storage.db, spy.apply)
    assert await commit.submit_many([]) == []
    await commit.close()
    assert spy.sizes == []
    with pytest.raises(ValueError, match="at least 1"):
        GroupCommit(storage.db, spy.apply, max_batch=0)


async def test_statuses_of_many_messages_in_one_batch(storage: Storage) -> None:
    ids = await claimed_rows(storage, 50)
    await storage.outbox.mark_sent_many([SentRecord(row, NOW, f"wamid.{row}") for row in ids])
    at = NOW + timedelta(seconds=3)
    commit = GroupCommit(storage.db, lambda reports: _found(storage, reports))
    reports = [
        DeliveryUpdate(f"wamid.{row}", state, at)
        for row in ids
        for state in ("read", "sent", "delivered")
    ]
    reports.append(DeliveryUpdate("wamid.unknown", "read", at))
    answers = await asyncio.gather(*(commit.submit(report) for report in reports))
    assert answers == [True] * 150 + [False]
    assert commit.batches == 1
    rows = await storage.db.fetch_all("SELECT provider_status, read_at FROM outbox")
    assert {(row[0], row[1] is not None) for row in rows} == {("read", True)}


async def _found(storage: Storage, reports: list[DeliveryUpdate]) -> list[bool]:
    known = await storage.outbox.record_deliveries(reports)
    return [report.provider_message_id in known for report in reports]
