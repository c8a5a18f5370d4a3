"""Broadcasts end to end, channel-free: create, queue (now or when due), follow, report.

Chat (/siaran), the CLI and the bot's worker all go through these functions. Queueing
writes one outbox row per recipient (key `broadcast:<id>:c<contact>`) and flips the
broadcast to 'sending' in one transaction, so a crash queues everything or nothing and a
second attempt adds nothing. The dispatcher delivers the rows; the worker watches the
broadcasts in 'sending', edits the author's progress message at most every few seconds, and
once no row is left to send keeps the final counts and queues the report.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final, Protocol

from handlers import texts
from handlers.audience import (
    Audience,
    InvalidAudience,
    Selection,
    check_audience,
    parse_audience,
)
from handlers.audience import resolve_audience as _resolve
from handlers.core import Reply
from handlers.textnorm import clean_text
from handlers.turn import Services
from storage import Storage
from storage.broadcasts import Broadcast, FailureCount
from storage.models import Channel

logger = logging.getLogger(__name__)

MAX_TEXT: Final = 3500
# Longer than this it is too long whatever normalising would remove.
MAX_RAW_TEXT: Final = 10 * MAX_TEXT
PROGRESS_EVERY: Final = timedelta(seconds=3)
REASON_KEYS: Final = ("chat_not_found", "outside_window", "rate_limited", "invalid")


class BroadcastRefused(Exception):
    """The broadcast cannot be made as asked; `reason` names the text that explains why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def compose(text: str, photo_file_id: str | None, language: str) -> Reply:
    """Return the message a recipient gets: the officer's text and how to opt out."""
    footer = texts.text(language, "broadcast.footer")
    return Reply(f"{text}\n\n{footer}", photo_file_id=photo_file_id)


def check_text(text: str) -> str:
    """Return the announcement text normalised (line breaks kept), or raise BroadcastRefused."""
    if len(text) > MAX_RAW_TEXT:
        raise BroadcastRefused("text_too_long")
    body = clean_text(text)
    if not body:
        raise BroadcastRefused("text_empty")
    if len(body) > MAX_TEXT:
        raise BroadcastRefused("text_too_long")
    return body


async def resolve_audience(services: Services, audience: Audience, now: datetime) -> Selection:
    """Return who gets a broadcast to this audience now."""
    return await _resolve(
        services.storage,
        audience,
        sectors=services.sectors,
        kecamatan=services.region.kecamatan,
        now=now,
    )


async def start_broadcast(
    services: Services,
    *,
    author: str,
    text: str,
    audience: Audience,
    now: datetime,
    at: datetime | None = None,
    photo_file_id: str | None = None,
    progress_chat: tuple[Channel, str] | None = None,
) -> tuple[Broadcast, int]:
    """Store a broadcast and queue it now, or schedule it; return it and its recipient count.

    For a scheduled broadcast the count is the audience today; who gets it is decided when
    it falls due. Raise BroadcastRefused or InvalidAudience on bad input.
    """
    body = check_text(text)
    if at is not None and at <= now:
        raise BroadcastRefused("past")
    storage = services.storage
    async with storage.db.transaction():
        audience = await check_audience(
            storage,
            audience,
            sectors=services.sectors,
            kecamatan=services.region.kecamatan,
            now=now,
        )
        selection = await resolve_audience(services, audience, now)
        broadcast = await storage.broadcasts.create(
            author=author,
            text=body,
            audience=audience.spec,
            scheduled_at=at or now,
            now=now,
            photo_file_id=photo_file_id,
            progress_chat=progress_chat,
        )
        if at is None:
            await _queue(storage, broadcast, selection, now)
        action = "broadcast.send" if at is None else "broadcast.schedule"
        await storage.audit.record(author, action, str(broadcast.id), now)
    found = await storage.broadcasts.get(broadcast.id)
    assert found is not None  # noqa: S101 - committed above
    return found, selection.count


async def _queue(
    storage: Storage, broadcast: Broadcast, selection: Selection, now: datetime
) -> None:
    for member in selection.recipients:
        await storage.outbox.enqueue(
            f"broadcast:{broadcast.id}:c{member.contact_id}",
            member.channel,
            member.address,
            compose(broadcast.text, broadcast.photo_file_id, member.language),
            now,
            broadcast_id=broadcast.id,
        )
    await storage.broadcasts.mark_sending(
        broadcast.id,
        recipients=selection.count,
        skipped_blocked=selection.skipped_blocked,
        skipped_opted_out=selection.skipped_opted_out,
        now=now,
    )


async def queue_due(services: Services, now: datetime) -> list[int]:
    """Queue every scheduled broadcast whose time has come; return their ids."""
    storage = services.storage
    queued = []
    for broadcast in await storage.broadcasts.due(now):
        async with storage.db.transaction():
            current = await storage.broadcasts.get(broadcast.id)
            if current is None or current.status != "scheduled":
                continue  # another process queued or cancelled it meanwhile
            try:
                selection = await resolve_audience(services, parse_audience(current.audience), now)
            except InvalidAudience as error:
                logger.warning("broadcast %d: audience no longer valid (%s)", current.id, error)
                selection = Selection((), 0, 0)
            await _queue(storage, current, selection, now)
            await storage.audit.record("scheduler", "broadcast.send", str(current.id), now)
        queued.append(broadcast.id)
    return queued


async def cancel_scheduled(storage: Storage, broadcast_id: int, actor: str, now: datetime) -> bool:
    """Cancel a broadcast still waiting for its time; False when it is not waiting."""
    async with storage.db.transaction():
        cancelled = await storage.broadcasts.cancel(broadcast_id, now)
        if cancelled:
            await storage.audit.record(actor, "broadcast.cancel", str(broadcast_id), now)
    return cancelled


@dataclass(frozen=True)
class BroadcastReport:
    """Where a broadcast stands: rows by status and failures by reason."""

    broadcast: Broadcast
    counts: dict[str, int]
    failures: tuple[FailureCount, ...]

    @property
    def total(self) -> int:
        """Return the rows queued (the recipients)."""
        return sum(self.counts.values())

    @property
    def sent(self) -> int:
        """Return the messages the platform accepted."""
        return self.counts.get("sent", 0)

    @property
    def failed(self) -> int:
        """Return the messages given up."""
        return self.counts.get("failed", 0)

    @property
    def blocked(self) -> int:
        """Return the recipients who turned out to have blocked the bot."""
        return self.counts.get("blocked", 0)

    @property
    def waiting(self) -> int:
        """Return the messages not sent yet."""
        return self.counts.get("pending", 0) + self.counts.get("sending", 0)

    @property
    def complete(self) -> bool:
        """Tell whether every message reached a final state."""
        return self.broadcast.status in ("sending", "done") and self.waiting == 0

    def failed_by_reason(self) -> dict[str, int]:
        """Return failed messages by reason key (see reason_key)."""
        found: dict[str, int] = {}
        for failure in self.failures:
            if failure.status == "failed":
                key = reason_key(failure.reason)
                found[key] = found.get(key, 0) + failure.count
        return found


def reason_key(reason: str) -> str:
    """Group a platform's error text under a reason officers understand."""
    lowered = reason.lower()
    if lowered.startswith("expired:"):  # its deadline passed first (see docs/outbox.md)
        return "expired"
    if "chat not found" in lowered or "user not found" in lowered:
        return "chat_not_found"
    if "window" in lowered or "re-engagement" in lowered or "131047" in lowered:
        return "outside_window"
    if "rate limit" in lowered or "too many requests" in lowered or "retry after" in lowered:
        return "rate_limited"
    if lowered.startswith("bad request") or "malformed" in lowered:
        return "invalid"
    return "other"


async def report(storage: Storage, broadcast_id: int) -> BroadcastReport | None:
    """Return the report of a broadcast, or None when there is no such broadcast."""
    broadcast = await storage.broadcasts.get(broadcast_id)
    if broadcast is None:
        return None
    counts = await storage.outbox.counts(broadcast_id)
    failures = await storage.broadcasts.failures(broadcast_id)
    return BroadcastReport(broadcast, counts, tuple(failures))


def format_reasons(found: dict[str, int], language: str) -> str:
    """Return `chat not found: 2, ...` in the language, or "" when there are none."""
    return ", ".join(
        f"{texts.text(language, f'broadcast.reason.{key}')}: {count}"
        for key, count in sorted(found.items(), key=lambda item: -item[1])
    )


def format_progress(result: BroadcastReport, language: str) -> str:
    """Return the text of the progress message (final once every message is done)."""
    broadcast = result.broadcast
    key = "broadcast.progress.done" if result.complete else "broadcast.progress"
    reasons = format_reasons(result.failed_by_reason(), language)
    return texts.text(
        language,
        key,
        id=broadcast.id,
        done=result.total - result.waiting,
        total=result.total,
        sent=result.sent,
        failed=result.failed,
        reasons=f" ({reasons})" if reasons else "",
        blocked=result.blocked,
    )


def format_report(result: BroadcastReport, language: str) -> str:
    """Return the final report: sent, failed by reason, blocked, skipped."""
    broadcast = result.broadcast
    reasons = format_reasons(result.failed_by_reason(), language)
    return texts.text(
        language,
        "broadcast.report",
        id=broadcast.id,
        total=result.total,
        sent=result.sent,
        failed=result.failed,
        reasons=f" ({reasons})" if reasons else "",
        blocked=result.blocked,
        skipped_blocked=broadcast.skipped_blocked,
        opted_out=broadcast.skipped_opted_out,
    )


class ProgressBoard(Protocol):
    """A channel's way to post a message and edit it later (the progress message)."""

    async def post(self, channel: str, address: str, text: str) -> str | None:
        """Send a message; return its id, or None when it could not be sent."""
        ...

    async def edit(self, channel: str, address: str, message_id: str, text: str) -> bool:
        """Replace the text of a message the bot sent; return False on failure."""
        ...


class BroadcastWorker:
    """Inside the bot: queue due broadcasts, edit progress messages, close finished ones."""

    def __init__(
        self, services: Services, board: ProgressBoard | None, every: timedelta = PROGRESS_EVERY
    ) -> None:
        self._services = services
        self._board = board
        self._every = every
        self._shown: dict[int, str] = {}

    async def tick(self) -> None:
        """Do one round of the work; called every couple of seconds by the scheduler."""
        services = self._services
        await queue_due(services, services.clock.now())
        for broadcast in await services.storage.broadcasts.sending():
            result = await report(services.storage, broadcast.id)
            if result is None:
                continue
            if result.complete:
                await self._finish(result)
            else:
                await self._show_progress(result, final=False)

    async def _language(self, broadcast: Broadcast) -> str:
        if broadcast.progress_channel is None or broadcast.progress_address is None:
            return texts.DEFAULT_LANGUAGE
        contact = await self._services.storage.contacts.get(
            broadcast.progress_channel, broadcast.progress_address
        )
        return texts.DEFAULT_LANGUAGE if contact is None else contact.language

    async def _show_progress(self, result: BroadcastReport, *, final: bool) -> None:
        broadcast, board = result.broadcast, self._board
        channel, address = broadcast.progress_channel, broadcast.progress_address
        if board is None or channel is None or address is None:
            return
        if final and broadcast.progress_message_id is None:
            return  # it finished before the first progress message: the report says it all
        now = self._services.clock.now()
        last = broadcast.progress_at
        if not final and last is not None and now - last < self._every:
            return
        text = format_progress(result, await self._language(broadcast))
        if self._shown.get(broadcast.id) == text:
            return
        storage = self._services.storage
        if broadcast.progress_message_id is None:
            message_id = await board.post(channel, address, text)
            if message_id is None:
                await storage.broadcasts.touch_progress(broadcast.id, now)
                return
            await storage.broadcasts.set_progress_message(broadcast.id, message_id, now)
        else:
            await board.edit(channel, address, broadcast.progress_message_id, text)
            await storage.broadcasts.touch_progress(broadcast.id, now)
        self._shown[broadcast.id] = text

    async def _finish(self, result: BroadcastReport) -> None:
        storage, broadcast = self._services.storage, result.broadcast
        now = self._services.clock.now()
        language = await self._language(broadcast)
        async with storage.db.transaction():
            finished = await storage.broadcasts.finish(
                broadcast.id,
                sent=result.sent,
                failed=result.failed,
                blocked=result.blocked,
                now=now,
            )
            if finished and broadcast.progress_channel and broadcast.progress_address:
                await storage.outbox.enqueue(
                    f"broadcast:{broadcast.id}:report",
                    broadcast.progress_channel,
                    broadcast.progress_address,
                    Reply(format_report(result, language)),
                    now,
                )
        if finished:
            logger.info(
                "broadcast %d done: %d sent, %d failed, %d blocked",
                broadcast.id,
                result.sent,
                result.failed,
                result.blocked,
            )
            await self._show_progress(result, final=True)
            self._shown.pop(broadcast.id, None)
