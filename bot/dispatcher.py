"""The dispatcher: drain the outbox at the platform's rate, never flooding one chat.

Deadlines: every row has `expires_at` (a reminder's session start, an offer's end of hold, a
broadcast's or notice's give-up time). Transient failures are retried with capped exponential
backoff until then; only permanent answers fail a row at once; a row whose deadline passes
first is failed with a reason starting "expired:" and counted in the log and the reports.

Outages: transport failures (network, timeouts, 5xx) also go to an `OutageMonitor`, which
takes a channel down after a few in a row; the rows of a channel that is down are not claimed
(so they keep their attempts) until a probe finds the platform answering again.

Pacing: a `Pacer` spaces send *starts* 1/rate apart on a fixed schedule, so latency
does not lower the rate; up to `max_in_flight` sends overlap. A 429 moves the schedule
past `retry_after` for every send, because Telegram's flood control is global.

Per-chat spacing: the dispatcher remembers, in memory, when each chat last got a message.
A claimed row whose chat is not free yet goes straight back to 'pending' with
`not_before` = the moment the chat is free (`OutboxRepository.release`), without counting
an attempt. Keeping the deferral in the database means a crash loses nothing and the
pacer never waits for one busy chat while others could be served.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal, Protocol, runtime_checkable

from bot.outage import OutageMonitor, Prober
from handlers.conversation.clock import Clock
from handlers.conversation.messages import Reply
from handlers.conversation.outbox import reply_of
from storage import Storage
from storage.outbox import EXPIRED, OutboxMessage, expiry_reason

logger = logging.getLogger(__name__)

Outcome = Literal["ok", "retry_after", "blocked", "failed", "unreachable"]
Sleep = Callable[[float], Awaitable[None]]
ChatKey = tuple[str, str]

MAX_BACKOFF_SECONDS = 300.0
# A row's last retry is made this long before its deadline, not at it (then it is expired).
LAST_TRY_MARGIN = timedelta(seconds=1)
# Naps never shrink below this, so a row that looks due but cannot be claimed spins nothing.
MIN_NAP_SECONDS = 0.01


@dataclass(frozen=True)
class Delivery:
    """What the platform said about one send."""

    outcome: Outcome
    reason: str = ""
    delay: float = 0.0
    permanent: bool = False
    # The platform's id of the sent message (WhatsApp's wamid), for its status reports.
    provider_message_id: str | None = None

    @classmethod
    def ok(cls, provider_message_id: str | None = None) -> Delivery:
        """Return a delivery the platform accepted."""
        return cls("ok", provider_message_id=provider_message_id)

    @classmethod
    def retry_after(cls, seconds: float) -> Delivery:
        """Return a flood-control answer: nothing may be sent for `seconds`."""
        return cls("retry_after", f"rate limited: retry after {seconds:g} s", delay=seconds)

    @classmethod
    def blocked(cls, reason: str) -> Delivery:
        """Return an answer saying the person blocked the bot."""
        return cls("blocked", reason)

    @classmethod
    def failed(cls, reason: str, permanent: bool) -> Delivery:
        """Return a failure; a permanent one is not worth retrying."""
        return cls("failed", reason, permanent=permanent)

    @classmethod
    def unreachable(cls, reason: str) -> Delivery:
        """Return a transport failure: the platform did not answer (network, timeout, 5xx)."""
        return cls("unreachable", reason)


class Sender(Protocol):
    """A channel that delivers one outbox message and reports what happened."""

    async def deliver(self, channel: str, address: str, reply: Reply) -> Delivery:
        """Send the reply to the address; never raise for platform errors."""
        ...


@runtime_checkable
class OutboxSender(Protocol):
    """A sender that needs the whole outbox row, e.g. its key to pick a WhatsApp template."""

    async def deliver_outbox(self, message: OutboxMessage) -> Delivery:
        """Send the row's message; never raise for platform errors."""
        ...


class Pacer:
    """Space send starts 1/rate apart: a token bucket that never banks more than one slot."""

    def __init__(self, rate_per_second: float) -> None:
        if rate_per_second <= 0:
            raise ValueError("rate must be positive")
        self._interval = timedelta(seconds=1 / rate_per_second)
        self._next: datetime | None = None

    def wait(self, now: datetime) -> float:
        """Return the seconds until the next send may start."""
        if self._next is None:
            return 0.0
        return max(0.0, (self._next - now).total_seconds())

    def take(self, now: datetime) -> None:
        """Spend the current slot (call when `wait(now)` is 0)."""
        slot = self._next
        # Stay on the fixed schedule while only a little late, so wake-up jitter does not
        # eat into the rate; after an idle spell start afresh rather than burst.
        if slot is None or now - slot > self._interval:
            slot = now
        self._next = slot + self._interval

    def pause_until(self, moment: datetime) -> None:
        """Start nothing before `moment`."""
        if self._next is None or self._next < moment:
            self._next = moment


class ChatSpacing:
    """Remember when each chat may get its next message."""

    PRUNE_ABOVE = 10_000

    def __init__(self, interval: float) -> None:
        self._interval = timedelta(seconds=interval)
        self._free_at: dict[ChatKey, datetime] = {}

    def busy_until(self, chat: ChatKey, now: datetime) -> datetime | None:
        """Return when the chat is free, or None if it is free now."""
        free_at = self._free_at.get(chat)
        return free_at if free_at is not None and free_at > now else None

    def mark(self, chat: ChatKey, now: datetime) -> None:
        """Record a send to the chat starting now."""
        if len(self._free_at) > self.PRUNE_ABOVE:
            self._free_at = {key: at for key, at in self._free_at.items() if at > now}
        self._free_at[chat] = now + self._interval


class Dispatcher:
    """Deliver due outbox rows through a sender, recording each outcome as soon as it is known.

    Only rows in 'sending' can be sent twice after a kill -9: at most one claimed batch.
    """

    def __init__(
        self,
        storage: Storage,
        sender: Sender,
        clock: Clock,
        rate_per_second: float,
        per_chat_interval: float = 1.0,
        poll_interval: float = 1.0,
        sleep: Sleep = asyncio.sleep,
        *,
        max_in_flight: int = 8,
        backoff_base: float = 1.0,
        retry_max_interval: float = MAX_BACKOFF_SECONDS,
        probe_max_interval: float = 30.0,
        channel_rates: Mapping[str, float] | None = None,
    ) -> None:
        self._storage = storage
        self._sender = sender
        self._clock = clock
        self._poll_interval = poll_interval
        self._sleep = sleep
        self._batch_size = max_in_flight
        self._backoff_base = backoff_base
        self._retry_max = retry_max_interval
        self._pacer = Pacer(rate_per_second)
        # A channel slower than the global rate (WhatsApp's per-number throughput) also has
        # its own pacer; its rows wait in the database, so other channels go on meanwhile.
        self._channel_pacers = {
            channel: Pacer(rate) for channel, rate in (channel_rates or {}).items()
        }
        self._chats = ChatSpacing(per_chat_interval)
        self._slots = asyncio.Semaphore(max_in_flight)
        self._in_flight: set[asyncio.Task[None]] = set()
        self._stopping = asyncio.Event()
        self._woken = asyncio.Event()
        self._recovered = False
        self._sends = 0
        self.outages = OutageMonitor(
            storage,
            clock,
            sender if isinstance(sender, Prober) else None,
            timedelta(seconds=probe_max_interval),
            on_change=self.wake,
        )

    async def run(self) -> None:
        """Drain the outbox until stop(), polling for rows other processes queue."""
        await self._recover()
        try:
            while not self._stopping.is_set():
                await self._run_step()
        finally:
            await self._settle()
            await self.outages.close()

    async def drain_once(self) -> int:
        """Send every row due now or falling due meanwhile; return the sends attempted."""
        await self._recover()
        before = self._sends
        await self._expire()
        while await self._dispatch_batch():
            pass
        await self._settle()
        return self._sends - before

    def stop(self) -> None:
        """Ask run() to finish the sends in flight and return."""
        self._stopping.set()

    def rearm(self) -> None:
        """Make a stopped dispatcher runnable again, recovering rows left in flight first.

        A process that becomes the leader again runs the same dispatcher; what another
        leader had in flight when it died goes back to the queue at the start of the run.
        """
        self._stopping.clear()
        self._recovered = False

    def wake(self) -> None:
        """Look for due rows now rather than at the next poll."""
        self._woken.set()

    async def _run_step(self) -> None:
        try:
            # Cleared before claiming, so a wake() during the batch still cuts the nap short.
            self._woken.clear()
            await self.outages.tick()
            await self._expire()
            if not await self._dispatch_batch():
                await self._nap(await self._idle_seconds(), self._woken)
        except Exception:
            # The database may be locked by the CLI for a moment; try again later.
            logger.exception("dispatcher: step failed")
            await self._nap(self._poll_interval)

    async def _recover(self) -> None:
        if self._recovered:
            return
        self._recovered = True
        recovered = await self._storage.outbox.recover_inflight(self._clock.now())
        if recovered:
            logger.warning("dispatcher: requeued %d rows left in flight by a crash", recovered)
        await self.outages.restore()

    async def _expire(self) -> None:
        """Give up the rows whose deadline passed, counting them by kind in one log line."""
        expired = await self._storage.outbox.expire_due(self._clock.now())
        if expired:
            _log_expired(expired)

    async def _idle_seconds(self) -> float:
        now = self._clock.now()
        moments = [
            await self._storage.outbox.next_due_at(self.outages.down()),
            self.outages.next_event(),
        ]
        nearest = min((moment for moment in moments if moment is not None), default=None)
        if nearest is None:
            return self._poll_interval
        until = (nearest - now).total_seconds()
        return min(self._poll_interval, max(until, MIN_NAP_SECONDS))

    async def _dispatch_batch(self) -> int:
        if self._stopping.is_set():
            return 0
        batch = await self._storage.outbox.claim_due(
            self._clock.now(), self._batch_size, self.outages.down()
        )
        for index, message in enumerate(batch):
            if not await self._dispatch(message):
                await self._release(batch[index:])
                break
        return len(batch)

    async def _dispatch(self, message: OutboxMessage) -> bool:
        """Start sending one row, or defer it; return False if stop() came first."""
        chat = (message.channel, message.address)
        now = self._clock.now()
        if self.outages.is_down(message.channel):
            # The channel went down after this row was claimed: it waits, attempt unspent.
            await self._storage.outbox.release(message.id, now, now)
            return True
        free_at = self._chats.busy_until(chat, now)
        channel_pacer = self._channel_pacers.get(message.channel)
        if free_at is None and channel_pacer is not None and channel_pacer.wait(now) > 0:
            free_at = now + timedelta(seconds=channel_pacer.wait(now))
        if free_at is not None:
            await self._storage.outbox.release(message.id, free_at, now)
            return True
        await self._slots.acquire()
        if not await self._await_turn():
            self._slots.release()
            return False
        now = self._clock.now()
        if self.outages.is_down(message.channel):
            self._slots.release()
            await self._storage.outbox.release(message.id, now, now)
            return True
        self._pacer.take(now)
        if channel_pacer is not None:
            channel_pacer.take(now)
        self._chats.mark(chat, now)
        self._sends += 1
        task = asyncio.create_task(self._send(message))
        self._in_flight.add(task)
        task.add_done_callback(self._in_flight.discard)
        return True

    async def _await_turn(self) -> bool:
        while (delay := self._pacer.wait(self._clock.now())) > 0:
            if self._stopping.is_set():
                return False
            await self._nap(delay)
        return not self._stopping.is_set()

    async def _send(self, message: OutboxMessage) -> None:
        try:
            delivery = await self._deliver(message)
            await self._record(message, delivery)
        except Exception:
            # The row stays 'sending' and is requeued at the next start.
            logger.exception("dispatcher: outbox %d: could not record the outcome", message.id)
        finally:
            self._slots.release()

    async def _deliver(self, message: OutboxMessage) -> Delivery:
        try:
            if isinstance(self._sender, OutboxSender):
                return await self._sender.deliver_outbox(message)
            return await self._sender.deliver(
                message.channel, message.address, reply_of(message.body)
            )
        except Exception as error:
            # A sender bug must not stop the queue; treat it as a transient failure.
            logger.warning(
                "dispatcher: outbox %d: sender raised %s", message.id, type(error).__name__
            )
            return Delivery.failed(type(error).__name__, permanent=False)

    async def _record(self, message: OutboxMessage, delivery: Delivery) -> None:
        now = self._clock.now()
        outbox = self._storage.outbox
        if delivery.outcome == "unreachable":
            await self._record_unreachable(message, delivery, now)
            return
        self.outages.answered(message.channel)
        if delivery.outcome == "ok":
            await outbox.mark_sent(message.id, now, delivery.provider_message_id)
            logger.debug("dispatcher: outbox %d sent", message.id)
        elif delivery.outcome == "retry_after":
            resume = now + timedelta(seconds=delivery.delay)
            self._pacer.pause_until(resume)
            # Flood control is about us, not the row: the claim does not count as an attempt.
            await outbox.release(message.id, resume, now, delivery.reason)
            logger.info("dispatcher: outbox %d rate limited for %gs", message.id, delivery.delay)
        elif delivery.outcome == "blocked":
            await self._record_blocked(message, delivery, now)
        else:
            await self._record_failure(message, delivery, now)

    async def _record_blocked(
        self, message: OutboxMessage, delivery: Delivery, now: datetime
    ) -> None:
        storage = self._storage
        async with storage.db.transaction():
            await storage.outbox.mark_blocked(message.id, delivery.reason, now)
            await storage.contacts.mark_blocked(message.channel, message.address, now)
        logger.info("dispatcher: outbox %d blocked", message.id)

    async def _record_unreachable(
        self, message: OutboxMessage, delivery: Delivery, now: datetime
    ) -> None:
        await self.outages.failed(message.channel, delivery.reason)
        if self.outages.is_down(message.channel):
            # Waiting for the platform is not the row's fault: the claim is not an attempt.
            await self._storage.outbox.release(message.id, now, now, delivery.reason)
            return
        await self._record_failure(message, delivery, now)

    async def _record_failure(
        self, message: OutboxMessage, delivery: Delivery, now: datetime
    ) -> None:
        outbox = self._storage.outbox
        if delivery.permanent:
            await outbox.mark_failed(message.id, delivery.reason, now)
            logger.info("dispatcher: outbox %d failed: %s", message.id, delivery.reason)
            return
        retry_at = now + timedelta(seconds=self._backoff(message.attempts))
        if message.expires_at is not None and retry_at > message.expires_at - LAST_TRY_MARGIN:
            retry_at = message.expires_at - LAST_TRY_MARGIN
            if retry_at <= now:
                reason = expiry_reason(message.key, message.broadcast_id, delivery.reason)
                await outbox.mark_failed(message.id, reason, now)
                _log_expired([message])
                return
        await outbox.mark_retry(message.id, retry_at, delivery.reason, now)
        logger.debug("dispatcher: outbox %d attempt %d failed", message.id, message.attempts)

    def _backoff(self, attempts: int) -> float:
        exponent = min(max(attempts - 1, 0), 30)
        return min(self._retry_max, self._backoff_base * 2**exponent)

    async def _release(self, messages: list[OutboxMessage]) -> None:
        now = self._clock.now()
        for message in messages:
            await self._storage.outbox.release(message.id, now, now)

    async def _settle(self) -> None:
        while self._in_flight:
            await asyncio.gather(*self._in_flight)

    async def _nap(self, seconds: float, *events: asyncio.Event) -> None:
        """Sleep for `seconds`, or less if stop() or one of the events comes first."""
        waits = [asyncio.ensure_future(event.wait()) for event in (self._stopping, *events)]
        sleeper = asyncio.ensure_future(self._sleep(seconds))
        try:
            await asyncio.wait([sleeper, *waits], return_when=asyncio.FIRST_COMPLETED)
        finally:
            for future in (sleeper, *waits):
                future.cancel()


def _log_expired(messages: list[OutboxMessage]) -> None:
    kinds = Counter(
        "broadcast" if message.broadcast_id is not None else message.key.split(":", 1)[0]
        for message in messages
    )
    logger.warning(
        "dispatcher: %d message(s) %s before delivery, deadline passed (%s)",
        len(messages),
        EXPIRED,
        ", ".join(f"{kind}: {count}" for kind, count in sorted(kinds.items())),
    )
