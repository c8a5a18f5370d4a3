"""The outbox: messages the bot sends on its own initiative, one row per recipient."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final, Literal, get_args

from pydantic import field_validator

from storage.db import Database, db_time
from storage.models import Channel, Model

OutboxStatus = Literal["pending", "sending", "sent", "failed", "blocked"]
OUTBOX_STATUSES: tuple[OutboxStatus, ...] = get_args(OutboxStatus)
ProviderStatus = Literal["sent", "delivered", "read", "failed"]
DeliveryReport = Literal["sent", "delivered", "read"]
# Status webhooks may arrive out of order: a row's provider status only moves forward, and
# delivered_at / read_at keep the first report of each (reports of one message in one batch
# are merged first, see `record_deliveries`).
_RANKS: Final[dict[DeliveryReport, int]] = {"sent": 1, "delivered": 2, "read": 3}
_REPORT_OF_RANK: Final[dict[int, DeliveryReport]] = {rank: name for name, rank in _RANKS.items()}
_RECORD_DELIVERY = (
    "UPDATE outbox SET provider_status = CASE WHEN"
    " (CASE provider_status WHEN 'sent' THEN 1 WHEN 'delivered' THEN 2 WHEN 'read' THEN 3"
    " ELSE 0 END) < ? THEN ? ELSE provider_status END,"
    " delivered_at = COALESCE(delivered_at, ?), read_at = COALESCE(read_at, ?)"
    " WHERE provider_message_id = ? AND status = 'sent'"
)
_KNOWN_PROVIDER_IDS = (
    "SELECT provider_message_id FROM outbox WHERE provider_message_id IN ({marks})"
)
# Ids per look-up: well below either engine's limit on parameters in one statement.
_IDS_PER_QUERY: Final = 500
_MARK_SENT = (
    "UPDATE outbox SET status = 'sent', sent_at = ?, updated_at = ?, last_error = NULL,"
    " provider_message_id = ?"
    " WHERE id = ? AND status = 'sending'"
)
MAX_ERROR = 500
# A failed row whose deadline passed before it could be delivered has a reason starting so.
EXPIRED: Final = "expired"
EXPIRY_BATCH: Final = 500

_CLAIMABLE = (
    "SELECT * FROM outbox WHERE status = 'pending' AND not_before <= ?{skip}"
    " ORDER BY not_before, id LIMIT ?"
)
_SKIP_LOCKED = " FOR UPDATE SKIP LOCKED"
_NEXT_DUE = "SELECT MIN(not_before) FROM outbox WHERE status = 'pending'{skip}"
_COUNTS = "SELECT status, COUNT(*) AS n FROM outbox GROUP BY status"
_COUNTS_OF_BROADCAST = (
    "SELECT status, COUNT(*) AS n FROM outbox WHERE broadcast_id = ? GROUP BY status"
)


@dataclass(frozen=True)
class SentRecord:
    """A message the platform accepted: which row, when, and the platform's id for it."""

    id: int
    at: datetime
    provider_message_id: str | None = None


@dataclass(frozen=True)
class DeliveryUpdate:
    """One platform report about a sent message: its id, how far it got, and when."""

    provider_message_id: str
    status: DeliveryReport
    at: datetime


@dataclass(frozen=True)
class OutboxDeadlines:
    """How long a broadcast or another notice may wait for delivery when nothing else says."""

    broadcast: timedelta = timedelta(hours=24)
    notice: timedelta = timedelta(hours=24)

    def default(self, moment: datetime, broadcast_id: int | None) -> datetime:
        """Return the deadline of a row due at `moment` that has no deadline of its own."""
        return moment + (self.broadcast if broadcast_id is not None else self.notice)


def expiry_reason(key: str, broadcast_id: int | None, last_error: str | None) -> str:
    """Return why a row was given up at its deadline, for reports and the log."""
    kind = key.split(":", 1)[0]
    if kind == "reminder":
        why = "the session had started"
    elif kind == "offer":
        why = "the offer's hold had ended"
    elif broadcast_id is not None:
        why = "not delivered within BROADCAST_GIVE_UP_AFTER"
    else:
        why = "not delivered within NOTICE_GIVE_UP_AFTER"
    last = f" (last error: {last_error})" if last_error else ""
    return f"{EXPIRED}: {why}{last}"[:MAX_ERROR]


def _channels(skip: frozenset[str], only: str | None) -> tuple[str, tuple[str, ...]]:
    """Return the SQL condition keeping one channel or leaving some out, and its parameters."""
    if only is not None:
        return " AND channel = ?", (only,)
    if not skip:
        return "", ()
    ordered = tuple(sorted(skip))
    return f" AND channel NOT IN ({', '.join('?' * len(ordered))})", ordered


class ButtonBody(Model):
    """One inline button as stored in an outbox body."""

    label: str
    payload: str


class ReplyBody(Model):
    """What the JSON `body` column holds: a reply's text, buttons and options.

    The handlers turn their `Reply` into this and back (`handlers.conversation.outbox`), so
    storage knows nothing of the layers above it.
    """

    text: str
    buttons: tuple[tuple[ButtonBody, ...], ...] = ()
    menu: tuple[tuple[str, ...], ...] = ()
    request_contact: str | None = None
    remove_menu: bool = False
    photo_file_id: str | None = None
    attachment: str | None = None
    document_file_id: str | None = None
    voice_file_id: str | None = None
    edits: str | None = None


class OutboxMessage(Model):
    """One message to one recipient, and how far its delivery got."""

    id: int
    key: str
    channel: Channel
    address: str
    body: ReplyBody
    status: OutboxStatus
    attempts: int
    last_error: str | None
    not_before: datetime
    created_at: datetime
    updated_at: datetime
    sent_at: datetime | None
    broadcast_id: int | None
    # What the platform said after accepting the message (WhatsApp status webhooks).
    provider_message_id: str | None = None
    provider_status: ProviderStatus | None = None
    delivered_at: datetime | None = None
    read_at: datetime | None = None
    template_only: bool = False
    # After this moment the message is no longer worth sending (None: queued before 0007).
    expires_at: datetime | None = None

    @field_validator("body", mode="before")
    @classmethod
    def _decode(cls, value: Any) -> Any:
        return ReplyBody.model_validate_json(value) if isinstance(value, str) else value


class OutboxRepository:
    """Queue messages and move them through pending → sending → sent / failed / blocked.

    Every transition out of 'sending' is guarded by `status = 'sending'`, so a row that
    reached a final state (above all 'sent') is never changed again.
    """

    def __init__(self, db: Database, deadlines: OutboxDeadlines | None = None) -> None:
        self._db = db
        self._deadlines = deadlines or OutboxDeadlines()

    async def enqueue(
        self,
        key: str,
        channel: Channel,
        address: str,
        body: ReplyBody,
        now: datetime,
        not_before: datetime | None = None,
        broadcast_id: int | None = None,
        expires_at: datetime | None = None,
    ) -> bool:
        """Queue a message unless its key is already queued; return True if it was added.

        `expires_at` is when the message stops being useful (a reminder's session start, an
        offer's end of hold); without it a broadcast or notice gets the configured default.
        """
        stamp = db_time(now)
        due = not_before or now
        deadline = expires_at or self._deadlines.default(due, broadcast_id)
        added = await self._db.execute(
            "INSERT INTO outbox (key, channel, address, body, status, not_before,"
            " created_at, updated_at, broadcast_id, expires_at)"
            " VALUES (?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?)"
            " ON CONFLICT (key) DO NOTHING",
            (
                key,
                channel,
                address,
                body.model_dump_json(),
                db_time(due),
                stamp,
                stamp,
                broadcast_id,
                db_time(deadline),
            ),
        )
        return added == 1

    async def get_by_key(self, key: str) -> OutboxMessage | None:
        """Return the message with this key."""
        row = await self._db.fetch_one("SELECT * FROM outbox WHERE key = ?", (key,))
        return None if row is None else OutboxMessage.model_validate(dict(row))

    async def with_key_prefix(self, prefix: str) -> list[OutboxMessage]:
        """Return the rows whose key starts with prefix, oldest first."""
        rows = await self._db.fetch_all(
            "SELECT * FROM outbox WHERE key >= ? AND key < ? ORDER BY id",
            (prefix, prefix + "\uffff"),
        )
        return [OutboxMessage.model_validate(dict(row)) for row in rows]

    async def waiting_until(self, prefix: str) -> datetime | None:
        """Return the latest due time of the rows with this key prefix still waiting, or None.

        A reply queued behind them is due no earlier, so the chat's order survives a restart.
        """
        value = await self._db.fetch_value(
            "SELECT MAX(not_before) FROM outbox WHERE key >= ? AND key < ?"
            " AND status IN ('pending', 'sending')",
            (prefix, prefix + "\uffff"),
        )
        return None if value is None else datetime.fromisoformat(value)

    async def addresses_waiting(self, prefix: str) -> set[str]:
        """Return the addresses that rows with this key prefix still wait for."""
        rows = await self._db.fetch_all(
            "SELECT DISTINCT address FROM outbox WHERE key >= ? AND key < ?"
            " AND status IN ('pending', 'sending')",
            (prefix, prefix + "\uffff"),
        )
        return {str(row["address"]) for row in rows}

    async def defer_chat(
        self, channel: str, address: str, after_id: int, until: datetime, now: datetime
    ) -> int:
        """Make the chat's waiting rows queued after `after_id` due no earlier than `until`.

        A row retried later must not be overtaken by its chat's later rows, also after a
        restart (rows are claimed by due time, then id). Rows claimed ('sending') are
        included: a claimed row not yet sent goes back to 'pending' as it is.
        """
        due = db_time(until)
        return await self._db.execute(
            "UPDATE outbox SET not_before = ?, updated_at = ?"
            " WHERE channel = ? AND address = ? AND status IN ('pending', 'sending')"
            " AND id > ? AND not_before < ?",
            (due, db_time(now), channel, address, after_id, due),
        )

    async def scrub(self, prefix: str, text: str, now: datetime) -> int:
        """Replace the bodies of rows with this key prefix; give up those not yet sent.

        For erasure: a message that quoted a person's words keeps only its place and status.
        """
        stamp = db_time(now)
        body = ReplyBody(text=text).model_dump_json()
        await self._db.execute(
            "UPDATE outbox SET status = 'failed', last_error = 'erased', updated_at = ?"
            " WHERE key >= ? AND key < ? AND status = 'pending'",
            (stamp, prefix, prefix + "\uffff"),
        )
        return await self._db.execute(
            "UPDATE outbox SET body = ?, updated_at = ? WHERE key >= ? AND key < ?",
            (body, stamp, prefix, prefix + "\uffff"),
        )

    async def claim_due(
        self,
        now: datetime,
        limit: int,
        skip: frozenset[str] = frozenset(),
        *,
        channel: str | None = None,
    ) -> list[OutboxMessage]:
        """Flip up to `limit` due pending rows, oldest first, to 'sending' and return them.

        Only rows of `channel` when given; rows of the channels in `skip` stay where they are.
        """
        stamp = db_time(now)
        condition, channels = _channels(skip, channel)
        claimable = _CLAIMABLE.format(skip=condition)
        # BEGIN IMMEDIATE makes select-then-update atomic on SQLite; on PostgreSQL the rows are
        # locked as they are read and rows another claimer holds are skipped, not waited for.
        if self._db.engine == "postgresql":
            claimable += _SKIP_LOCKED
        async with self._db.transaction():
            rows = await self._db.fetch_all(claimable, (stamp, *channels, limit))
            await self._db.executemany(
                "UPDATE outbox SET status = 'sending', attempts = attempts + 1, updated_at = ?"
                " WHERE id = ? AND status = 'pending'",
                [(stamp, row["id"]) for row in rows],
            )
        claimed = {"status": "sending", "updated_at": stamp}
        return [
            OutboxMessage.model_validate({**dict(row), **claimed, "attempts": row["attempts"] + 1})
            for row in rows
        ]

    async def mark_sent(
        self, message_id: int, now: datetime, provider_message_id: str | None = None
    ) -> None:
        """Record that the platform accepted the message (and the id it gave it)."""
        stamp = db_time(now)
        await self._db.execute(_MARK_SENT, (stamp, stamp, provider_message_id, message_id))

    async def mark_sent_many(self, records: Sequence[SentRecord]) -> None:
        """Record several accepted messages at once (in the caller's transaction, if any)."""
        await self._db.executemany(
            _MARK_SENT,
            [
                (db_time(record.at), db_time(record.at), record.provider_message_id, record.id)
                for record in records
            ],
        )

    async def mark_retry(
        self, message_id: int, not_before: datetime, error: str, now: datetime
    ) -> None:
        """Put a failed attempt back in the queue, due again at not_before."""
        await self._db.execute(
            "UPDATE outbox SET status = 'pending', not_before = ?, last_error = ?, updated_at = ?"
            " WHERE id = ? AND status = 'sending'",
            (db_time(not_before), error[:MAX_ERROR], db_time(now), message_id),
        )

    async def release(
        self, message_id: int, not_before: datetime, now: datetime, error: str | None = None
    ) -> None:
        """Put a claimed row back unsent, due at not_before; the claim is not an attempt.

        Never earlier than the row is due now: `defer_chat` may have moved it since the claim.
        """
        await self._db.execute(
            "UPDATE outbox SET status = 'pending', attempts = attempts - 1,"
            " not_before = CASE WHEN not_before > ? THEN not_before ELSE ? END,"
            " last_error = COALESCE(?, last_error), updated_at = ?"
            " WHERE id = ? AND status = 'sending'",
            (
                db_time(not_before),
                db_time(not_before),
                None if error is None else error[:MAX_ERROR],
                db_time(now),
                message_id,
            ),
        )

    async def mark_failed(self, message_id: int, error: str, now: datetime) -> None:
        """Give the message up, keeping the reason for the report."""
        await self._finish(message_id, "failed", error, now)

    async def mark_blocked(self, message_id: int, error: str, now: datetime) -> None:
        """Record that the recipient blocked the bot."""
        await self._finish(message_id, "blocked", error, now)

    async def _finish(
        self, message_id: int, status: OutboxStatus, error: str, now: datetime
    ) -> None:
        await self._db.execute(
            "UPDATE outbox SET status = ?, last_error = ?, updated_at = ?"
            " WHERE id = ? AND status = 'sending'",
            (status, error[:MAX_ERROR], db_time(now), message_id),
        )

    async def recover_inflight(self, now: datetime) -> int:
        """Return rows a crash left in 'sending' to the queue; return how many."""
        return await self._db.execute(
            "UPDATE outbox SET status = 'pending', updated_at = ? WHERE status = 'sending'",
            (db_time(now),),
        )

    async def counts(self, broadcast_id: int | None = None) -> dict[str, int]:
        """Return how many rows are in each status, of one broadcast or of all."""
        if broadcast_id is None:
            rows = await self._db.fetch_all(_COUNTS)
        else:
            rows = await self._db.fetch_all(_COUNTS_OF_BROADCAST, (broadcast_id,))
        found: dict[str, int] = dict.fromkeys(OUTBOX_STATUSES, 0)
        found.update({row["status"]: int(row["n"]) for row in rows})
        return found

    async def next_due_at(
        self, skip: frozenset[str] = frozenset(), *, channel: str | None = None
    ) -> datetime | None:
        """Return when the earliest pending row (of `channel`, not of `skip`) falls due."""
        condition, channels = _channels(skip, channel)
        value = await self._db.fetch_value(_NEXT_DUE.format(skip=condition), channels)
        return None if value is None else datetime.fromisoformat(value)

    async def expire_due(self, now: datetime) -> list[OutboxMessage]:
        """Fail the pending rows whose deadline has passed, each with its reason; return them."""
        async with self._db.transaction():
            rows = await self._db.fetch_all(
                "SELECT * FROM outbox WHERE status = 'pending' AND expires_at <= ?"
                " ORDER BY expires_at LIMIT ?",
                (db_time(now), EXPIRY_BATCH),
            )
            expired = [OutboxMessage.model_validate(dict(row)) for row in rows]
            await self._db.executemany(
                "UPDATE outbox SET status = 'failed', last_error = ?, updated_at = ?"
                " WHERE id = ? AND status = 'pending'",
                [
                    (
                        expiry_reason(row.key, row.broadcast_id, row.last_error),
                        db_time(now),
                        row.id,
                    )
                    for row in expired
                ],
            )
        return expired

    async def waiting_by_channel(self, broadcast_id: int | None = None) -> dict[str, int]:
        """Return how many rows wait (pending or sending) per channel, of one broadcast or all."""
        sql = (
            "SELECT channel, COUNT(*) AS n FROM outbox"
            " WHERE status IN ('pending', 'sending'){broadcast} GROUP BY channel"
        )
        if broadcast_id is None:
            rows = await self._db.fetch_all(sql.format(broadcast=""))
        else:
            rows = await self._db.fetch_all(
                sql.format(broadcast=" AND broadcast_id = ?"), (broadcast_id,)
            )
        return {row["channel"]: int(row["n"]) for row in rows}

    # Platform delivery reports (WhatsApp status webhooks)

    async def get_by_provider_id(self, provider_message_id: str) -> OutboxMessage | None:
        """Return the row that became the platform message with this id."""
        row = await self._db.fetch_one(
            "SELECT * FROM outbox WHERE provider_message_id = ?", (provider_message_id,)
        )
        return None if row is None else OutboxMessage.model_validate(dict(row))

    async def record_delivery(
        self, provider_message_id: str, status: DeliveryReport, at: datetime
    ) -> bool:
        """Record a sent, delivered or read report; False when no row has this id."""
        found = await self.record_deliveries([DeliveryUpdate(provider_message_id, status, at)])
        return provider_message_id in found

    async def record_deliveries(self, reports: Sequence[DeliveryUpdate]) -> set[str]:
        """Record many sent / delivered / read reports in one transaction.

        Return the platform ids that have a row (whatever its state): a report whose id is
        missing may have overtaken the dispatcher's `mark_sent`. Several reports of one
        message count as if applied one after the other, in order: the furthest status wins
        and delivered_at / read_at are the first such report's moment.
        """
        merged: dict[str, tuple[int, str | None, str | None]] = {}
        for report in reports:
            rank = _RANKS[report.status]
            stamp = db_time(report.at)
            best, delivered, read = merged.get(report.provider_message_id, (0, None, None))
            merged[report.provider_message_id] = (
                max(best, rank),
                delivered or (stamp if rank >= _RANKS["delivered"] else None),
                read or (stamp if rank == _RANKS["read"] else None),
            )
        ids = list(merged)
        found: set[str] = set()
        async with self._db.transaction():
            for start in range(0, len(ids), _IDS_PER_QUERY):
                chunk = ids[start : start + _IDS_PER_QUERY]
                sql = _KNOWN_PROVIDER_IDS.format(marks=", ".join("?" * len(chunk)))
                found.update(str(row[0]) for row in await self._db.fetch_all(sql, chunk))
            await self._db.executemany(
                _RECORD_DELIVERY,
                [
                    (rank, _REPORT_OF_RANK[rank], delivered, read, provider_id)
                    for provider_id, (rank, delivered, read) in merged.items()
                    if provider_id in found
                ],
            )
        return found

    async def record_undelivered(
        self, provider_message_id: str, error: str, now: datetime, *, retry_as_template: bool
    ) -> bool:
        """Record that an accepted message was not delivered; False when no row has this id.

        The one change to a 'sent' row: the platform took it but could not deliver it. With
        `retry_as_template` the row goes back to the queue, to be sent as a template (the
        person never got the first form, so nothing arrives twice); otherwise it fails.
        """
        stamp = db_time(now)
        if retry_as_template:
            sql = (
                "UPDATE outbox SET status = 'pending', template_only = 1, not_before = ?,"
                " provider_message_id = NULL, provider_status = 'failed', sent_at = NULL,"
                " last_error = ?, updated_at = ?"
                " WHERE provider_message_id = ? AND status = 'sent' AND template_only = 0"
            )
            params: tuple[object, ...] = (stamp, error[:MAX_ERROR], stamp, provider_message_id)
        else:
            sql = (
                "UPDATE outbox SET status = 'failed', provider_status = 'failed',"
                " last_error = ?, updated_at = ?"
                " WHERE provider_message_id = ? AND status = 'sent'"
            )
            params = (error[:MAX_ERROR], stamp, provider_message_id)
        return await self._db.execute(sql, params) == 1
