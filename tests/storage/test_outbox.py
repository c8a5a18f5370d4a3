"""Tests for the outbox repository: idempotent enqueue, claiming, recovery and counts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from storage import Storage
from storage.db import Database, db_time
from storage.migrate import applied_versions, load_migrations, migrate
from storage.outbox import (
    DeliveryReport,
    DeliveryUpdate,
    OutboxDeadlines,
    ReplyBody,
    SentRecord,
)

NOW = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)
LATER = NOW + timedelta(minutes=5)


async def enqueue(storage: Storage, key: str, **fields: object) -> bool:
    """Queue a plain text message to chat 1001 under this key."""
    return await storage.outbox.enqueue(
        key,
        "telegram",
        str(fields.pop("address", "1001")),
        ReplyBody(text=f"text of {key}"),
        NOW,
        **fields,  # type: ignore[arg-type]
    )


async def test_enqueue_is_idempotent_by_key(storage: Storage) -> None:
    assert await enqueue(storage, "reminder:1:3600:7")
    assert not await enqueue(storage, "reminder:1:3600:7", address="2002")
    message = await storage.outbox.get_by_key("reminder:1:3600:7")
    assert message is not None
    assert (message.address, message.status, message.attempts) == ("1001", "pending", 0)
    assert (await storage.outbox.counts())["pending"] == 1


async def test_claim_due_respects_not_before_and_flips_status(storage: Storage) -> None:
    await enqueue(storage, "later", not_before=LATER)
    await enqueue(storage, "first")
    await enqueue(storage, "second")
    claimed = await storage.outbox.claim_due(NOW, limit=10)
    assert [m.key for m in claimed] == ["first", "second"]
    assert {(m.status, m.attempts) for m in claimed} == {("sending", 1)}
    assert await storage.outbox.claim_due(NOW, limit=10) == []
    stored = await storage.outbox.get_by_key("first")
    assert stored is not None and stored.status == "sending" and stored.attempts == 1
    assert [m.key for m in await storage.outbox.claim_due(LATER, limit=10)] == ["later"]


async def test_claim_due_takes_oldest_first_up_to_limit(storage: Storage) -> None:
    await enqueue(storage, "young", not_before=NOW + timedelta(seconds=2))
    await enqueue(storage, "old", not_before=NOW + timedelta(seconds=1))
    await enqueue(storage, "oldest")
    claimed = await storage.outbox.claim_due(NOW + timedelta(seconds=5), limit=2)
    assert [m.key for m in claimed] == ["oldest", "old"]


@pytest.mark.parametrize(
    ("finish", "status", "error"),
    [
        ("mark_sent", "sent", None),
        ("mark_failed", "failed", "Bad Request: chat not found"),
        ("mark_blocked", "blocked", "Forbidden: bot was blocked by the user"),
    ],
)
async def test_final_states(storage: Storage, finish: str, status: str, error: str | None) -> None:
    await enqueue(storage, "k")
    (message,) = await storage.outbox.claim_due(NOW, limit=1)
    if error is None:
        await storage.outbox.mark_sent(message.id, LATER)
    else:
        await getattr(storage.outbox, finish)(message.id, error, LATER)
    stored = await storage.outbox.get_by_key("k")
    assert stored is not None
    assert (stored.status, stored.last_error) == (status, error)
    assert (stored.sent_at is not None) == (status == "sent")
    # A final row is never claimed or recovered again.
    assert await storage.outbox.claim_due(LATER, limit=1) == []
    assert await storage.outbox.recover_inflight(LATER) == 0


async def test_mark_retry_counts_the_attempt_and_release_does_not(storage: Storage) -> None:
    await enqueue(storage, "k")
    (message,) = await storage.outbox.claim_due(NOW, limit=1)
    await storage.outbox.mark_retry(message.id, LATER, "Timed out", NOW)
    assert await storage.outbox.claim_due(NOW, limit=1) == []
    (message,) = await storage.outbox.claim_due(LATER, limit=1)
    assert (message.attempts, message.last_error) == (2, "Timed out")
    await storage.outbox.release(message.id, LATER, LATER)
    (message,) = await storage.outbox.claim_due(LATER, limit=1)
    assert message.attempts == 2


async def test_sent_row_is_not_changed_by_late_transitions(storage: Storage) -> None:
    await enqueue(storage, "k")
    (message,) = await storage.outbox.claim_due(NOW, limit=1)
    await storage.outbox.mark_sent(message.id, NOW)
    await storage.outbox.mark_retry(message.id, LATER, "late", NOW)
    await storage.outbox.release(message.id, LATER, NOW)
    await storage.outbox.mark_failed(message.id, "late", NOW)
    stored = await storage.outbox.get_by_key("k")
    assert stored is not None and (stored.status, stored.attempts) == ("sent", 1)


async def test_recover_inflight_requeues_only_sending_rows(storage: Storage) -> None:
    for key in ("a", "b", "c", "d"):
        await enqueue(storage, key)
    claimed = await storage.outbox.claim_due(NOW, limit=3)
    await storage.outbox.mark_sent(claimed[0].id, NOW)
    assert await storage.outbox.recover_inflight(LATER) == 2
    counts = await storage.outbox.counts()
    assert (counts["pending"], counts["sending"], counts["sent"]) == (3, 0, 1)
    again = await storage.outbox.claim_due(LATER, limit=10)
    assert sorted(m.key for m in again) == ["b", "c", "d"]


async def test_counts_by_broadcast(storage: Storage) -> None:
    await enqueue(storage, "b7:1", broadcast_id=7)
    await enqueue(storage, "b7:2", broadcast_id=7)
    await enqueue(storage, "b8:1", broadcast_id=8)
    await enqueue(storage, "reminder")
    (first, *_) = await storage.outbox.claim_due(NOW, limit=1)
    await storage.outbox.mark_sent(first.id, NOW)
    assert await storage.outbox.counts(7) == {
        "pending": 1,
        "sending": 0,
        "sent": 1,
        "failed": 0,
        "blocked": 0,
    }
    assert (await storage.outbox.counts(8))["pending"] == 1
    assert sum((await storage.outbox.counts()).values()) == 4
    assert sum((await storage.outbox.counts(99)).values()) == 0


async def test_next_due_at(storage: Storage) -> None:
    assert await storage.outbox.next_due_at() is None
    await enqueue(storage, "later", not_before=LATER)
    await enqueue(storage, "soon", not_before=NOW + timedelta(seconds=30))
    assert await storage.outbox.next_due_at() == NOW + timedelta(seconds=30)
    await storage.outbox.claim_due(NOW + timedelta(seconds=30), limit=1)
    assert await storage.outbox.next_due_at() == LATER


async def test_contact_mark_blocked(storage: Storage) -> None:
    await storage.contacts.touch("telegram", "1001", NOW)
    await storage.contacts.mark_blocked("telegram", "1001", LATER)
    contact = await storage.contacts.get("telegram", "1001")
    assert contact is not None and contact.blocked_at == LATER


@pytest.mark.parametrize(
    ("fields", "deadline"),
    [
        ({}, NOW + timedelta(hours=24)),  # a notice: NOTICE_GIVE_UP_AFTER's default
        ({"broadcast_id": 3}, NOW + timedelta(hours=24)),
        ({"not_before": LATER}, LATER + timedelta(hours=24)),  # counted from when it is due
        ({"expires_at": LATER}, LATER),  # its own: a session's start, an offer's end
    ],
)
async def test_every_row_gets_a_deadline(
    storage: Storage, fields: dict[str, object], deadline: datetime
) -> None:
    await enqueue(storage, "k", **fields)
    message = await storage.outbox.get_by_key("k")
    assert message is not None and message.expires_at == deadline


async def test_configured_give_up_times_apply_by_kind(tmp_path: Path) -> None:
    deadlines = OutboxDeadlines(broadcast=timedelta(hours=2), notice=timedelta(minutes=30))
    storage = await Storage.open(tmp_path / "deadlines.sqlite3", NOW, deadlines)
    try:
        await enqueue(storage, "broadcast:1:c1", broadcast_id=1)
        await enqueue(storage, "broadcast:1:report")
        found = [
            await storage.outbox.get_by_key(key)
            for key in ("broadcast:1:c1", "broadcast:1:report")
        ]
        assert [message.expires_at for message in found if message] == [
            NOW + timedelta(hours=2),
            NOW + timedelta(minutes=30),
        ]
    finally:
        await storage.close()


async def test_expire_due_fails_overdue_pending_rows_with_their_reason(storage: Storage) -> None:
    await enqueue(storage, "reminder:1:3600:0:p1:c1", expires_at=LATER)
    await enqueue(storage, "offer:4:c2", expires_at=LATER, address="2002")
    await enqueue(storage, "broadcast:1:c3", broadcast_id=1, address="3003")
    await enqueue(storage, "session-moved:1:0:1:c4", address="4004", expires_at=LATER)
    [claimed] = await storage.outbox.claim_due(NOW, 1)  # in flight: its outcome decides
    await storage.outbox.release(claimed.id, NOW, NOW, "NetworkError: Bad Gateway")
    assert await storage.outbox.expire_due(NOW) == []
    expired = await storage.outbox.expire_due(LATER)
    assert sorted(message.key for message in expired) == [
        "offer:4:c2",
        "reminder:1:3600:0:p1:c1",
        "session-moved:1:0:1:c4",
    ]
    reasons = {
        message.key: message.last_error
        for message in [await storage.outbox.get_by_key(m.key) for m in expired]
        if message
    }
    assert reasons == {
        "reminder:1:3600:0:p1:c1": (
            "expired: the session had started (last error: NetworkError: Bad Gateway)"
        ),
        "offer:4:c2": "expired: the offer's hold had ended",
        "session-moved:1:0:1:c4": "expired: not delivered within NOTICE_GIVE_UP_AFTER",
    }
    assert (await storage.outbox.counts())["failed"] == 3


async def test_claiming_can_leave_a_channel_alone(storage: Storage) -> None:
    await enqueue(storage, "t1")
    await storage.outbox.enqueue("w1", "whatsapp", "6281", ReplyBody(text="x"), NOW)
    assert await storage.outbox.waiting_by_channel() == {"telegram": 1, "whatsapp": 1}
    assert await storage.outbox.next_due_at(frozenset({"telegram"})) == NOW
    [claimed] = await storage.outbox.claim_due(NOW, 10, frozenset({"telegram"}))
    assert claimed.key == "w1"
    assert await storage.outbox.next_due_at(frozenset({"telegram"})) is None
    assert await storage.outbox.waiting_by_channel() == {"telegram": 1, "whatsapp": 1}


async def test_channel_state_is_recorded_for_other_processes(storage: Storage) -> None:
    states = storage.channel_states
    assert await states.down_since() == {}
    await states.mark_down("telegram", NOW, "NetworkError: " + "x" * 900)
    assert await states.down_since() == {"telegram": NOW}
    recorded = (await states.all())["telegram"]
    assert recorded.state == "down" and len(recorded.reason or "") == 500
    await states.mark_up("telegram", LATER)
    assert await states.down_since() == {}
    assert (await states.all())["telegram"].since == LATER


async def test_rows_queued_before_deadlines_existed_get_a_day(tmp_path: Path) -> None:
    db = await Database.connect(tmp_path / "old.sqlite3")
    try:
        await applied_versions(db)
        for migration in load_migrations():
            if migration.name.startswith("0007"):
                break
            await db.execute_script(migration.sql)
            await db.execute(
                "INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)",
                (migration.version, migration.name, db_time(NOW)),
            )
        for key, status in (("old-pending", "pending"), ("old-sent", "sent")):
            await db.execute(
                "INSERT INTO outbox (key, channel, address, body, status, not_before,"
                " created_at, updated_at) VALUES (?, 'telegram', '1', '{\"text\": \"x\"}', ?,"
                " ?, ?, ?)",
                (key, status, db_time(NOW), db_time(NOW), db_time(NOW)),
            )
        assert "0007_outbox_deadlines.sql" in await migrate(db, LATER)
        rows = await db.fetch_all("SELECT key, expires_at FROM outbox ORDER BY key")
        assert [(row["key"], row["expires_at"]) for row in rows] == [
            ("old-pending", db_time(NOW + timedelta(days=1))),
            ("old-sent", None),
        ]
    finally:
        await db.close()


async def test_a_chats_waiting_replies_are_found_by_key_prefix(storage: Storage) -> None:
    outbox = storage.outbox
    assert await outbox.waiting_until("reply:telegram:1001:") is None
    await enqueue(storage, "reply:telegram:1001:7:0")
    await enqueue(storage, "reply:telegram:1001:7:1", not_before=LATER)
    await enqueue(storage, "reply:telegram:10012:8:0", address="10012")
    await enqueue(storage, "reply:whatsapp:6281:3:0", address="6281")
    await enqueue(storage, "offer:1:c1")
    assert await outbox.waiting_until("reply:telegram:1001:") == LATER
    assert await outbox.addresses_waiting("reply:telegram:") == {"1001", "10012"}
    claimed = await outbox.claim_due(NOW, limit=10)
    for message in claimed:
        await outbox.mark_sent(message.id, NOW)
    # Sent rows wait no more; the one due later still does.
    assert await outbox.waiting_until("reply:telegram:1001:") == LATER
    assert await outbox.addresses_waiting("reply:telegram:") == {"1001"}
    assert await outbox.addresses_waiting("reply:whatsapp:") == set()


async def test_defer_chat_moves_only_that_chats_later_waiting_rows(storage: Storage) -> None:
    outbox = storage.outbox
    for key, address in (("a1", "1001"), ("a2", "1001"), ("b1", "2002"), ("a3", "1001")):
        await enqueue(storage, key, address=address)
    first = await outbox.get_by_key("a1")
    assert first is not None
    (_, a2) = await outbox.claim_due(NOW, limit=2)  # a2 is claimed, not sent yet
    moved = await outbox.defer_chat("telegram", "1001", first.id, LATER, NOW)
    assert moved == 2
    due = {key: (await outbox.get_by_key(key)) for key in ("a1", "a2", "a3", "b1")}
    assert {key: row.not_before for key, row in due.items() if row is not None} == {
        "a1": NOW,
        "a2": LATER,
        "a3": LATER,
        "b1": NOW,
    }
    # A claimed row put back with the due time it was claimed with keeps the later one.
    await outbox.release(a2.id, a2.not_before, NOW)
    again = await outbox.get_by_key("a2")
    assert again is not None and (again.status, again.not_before) == ("pending", LATER)


async def sent_whatsapp_row(storage: Storage, provider_id: str = "wamid.A") -> int:
    """Queue, claim and mark sent one WhatsApp row; return its id."""
    await storage.outbox.enqueue(
        f"broadcast:1:{provider_id}", "whatsapp", "6281", ReplyBody(text="x"), NOW
    )
    [row] = await storage.outbox.claim_due(NOW, 1)
    await storage.outbox.mark_sent_many([SentRecord(row.id, NOW, provider_id)])
    return row.id


def at(seconds: int) -> datetime:
    return NOW + timedelta(seconds=seconds)


@pytest.mark.parametrize(
    ("batches", "status", "delivered", "read"),
    [
        # In order, one batch.
        ([[("sent", 1), ("delivered", 2), ("read", 3)]], "read", 2, 3),
        # Out of order in one batch: read first; delivered_at is the first report past sent.
        ([[("read", 3), ("sent", 1), ("delivered", 2)]], "read", 3, 3),
        # Out of order across batches: a later batch never moves the row back.
        ([[("read", 3)], [("delivered", 2), ("sent", 1)]], "read", 3, 3),
        ([[("delivered", 2)], [("sent", 1)]], "delivered", 2, None),
        # The same report twice: the first moment is kept.
        ([[("delivered", 2), ("delivered", 5)], [("delivered", 7)]], "delivered", 2, None),
    ],
)
async def test_delivery_reports_only_move_forward(
    storage: Storage,
    batches: list[list[tuple[DeliveryReport, int]]],
    status: str,
    delivered: int | None,
    read: int | None,
) -> None:
    row_id = await sent_whatsapp_row(storage)
    for batch in batches:
        reports = [DeliveryUpdate("wamid.A", state, at(second)) for state, second in batch]
        assert await storage.outbox.record_deliveries(reports) == {"wamid.A"}
    row = await storage.outbox.get_by_provider_id("wamid.A")
    assert row is not None and row.id == row_id
    assert (row.status, row.provider_status) == ("sent", status)
    assert row.delivered_at == (None if delivered is None else at(delivered))
    assert row.read_at == (None if read is None else at(read))


async def test_reports_of_unknown_or_odd_ids_change_nothing(storage: Storage) -> None:
    await sent_whatsapp_row(storage)
    odd = ["wamid.B", "", "'; DROP TABLE outbox; --", "wamid.A' OR '1'='1", "🙂" * 50]
    found = await storage.outbox.record_deliveries(
        [DeliveryUpdate(provider_id, "read", NOW) for provider_id in odd]
    )
    assert found == set()
    row = await storage.outbox.get_by_provider_id("wamid.A")
    assert row is not None and (row.provider_status, row.read_at) == (None, None)
    assert await storage.outbox.record_deliveries([]) == set()


async def test_many_reports_in_one_call_are_looked_up_in_chunks(storage: Storage) -> None:
    await sent_whatsapp_row(storage, "wamid.needle")
    reports = [DeliveryUpdate(f"wamid.{n}", "read", NOW) for n in range(1_200)]
    reports.append(DeliveryUpdate("wamid.needle", "read", NOW))
    assert await storage.outbox.record_deliveries(reports) == {"wamid.needle"}


async def test_mark_sent_many_touches_only_rows_in_flight(storage: Storage) -> None:
    await enqueue(storage, "a")
    await enqueue(storage, "b")
    await enqueue(storage, "c")
    a, b, c = await storage.outbox.claim_due(NOW, 3)
    await storage.outbox.mark_failed(c.id, "gone", NOW)
    await storage.outbox.mark_sent_many(
        [SentRecord(a.id, LATER, "wamid.a"), SentRecord(b.id, LATER), SentRecord(c.id, LATER)]
    )
    rows = {row.key: row for row in await storage.outbox.with_key_prefix("")}
    assert (rows["a"].status, rows["a"].provider_message_id, rows["a"].sent_at) == (
        "sent",
        "wamid.a",
        LATER,
    )
    assert (rows["b"].status, rows["b"].provider_message_id) == ("sent", None)
    assert rows["c"].status == "failed"
