"""The dispatcher: drain the outbox at the platform's rate, never flooding one chat.

Deadlines: every row has `expires_at` (a reminder's session start, an offer's end of hold, a
broadcast's or notice's give-up time). Transient failures are retried with capped exponential
backoff until then; only permanent answers fail a row at once; a row whose deadline passes
first is failed with a reason starting "expired:" and counted in the log and the reports.

Outages: transport failures (network, timeouts, 5xx) also go to an `OutageMonitor`, which
takes a channel down after a few in a row; the rows of a channel that is down are not claimed
(so they keep their attempts) until a probe finds the platform answering again.

Pacing, per channel (`bot/pacing.py`): each channel has a `Lane` with its own pacer, which
spaces send *starts* 1/rate apart on a fixed schedule (so latency does not lower the rate),
its own in-flight limit and its own flood-control pause: a Telegram 429 pauses Telegram only,
a WhatsApp rate-limit answer WhatsApp only (131056, the per-person limit, only that person).
One loop serves every lane and sleeps until the earliest lane may start a send, so one
channel waiting never holds another up.

Recording: the 'sent' outcomes of concurrent sends are written together, one transaction per
batch (`storage.group_commit`); a send counts as in flight until its row is recorded, so a
crash between the platform's acceptance and the write resends at most the rows in flight.

Per-chat spacing: each lane remembers, in memory, when each chat last got a message.
A claimed row whose chat is not free yet goes straight back to 'pending' with
`not_before` = the moment the chat is free (`OutboxRepository.release`), without counting
an attempt. Keeping the deferral in the database means a crash loses nothing and the
pacer never waits for one busy chat while others could be served. A row that failed and
waits for its retry holds its chat the same way (and its later pending rows are made due no
earlier than the retry), so a chat's messages keep their order through failures.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal, Protocol, runtime_checkable

from bot.outage import OutageMonitor, Prober
from bot.pacing import ChannelLimits, Lane
from handlers.conversation.clock import Clock
from handlers.conversation.messages import Reply
from handlers.conversation.outbox import reply_of
from storage import Storage
from storage.group_commit import GroupCommit
from storage.outbox import EXPIRED, OutboxMessage, SentRecord, expiry_reason

logger = logging.getLogger(__name__)

Outcome = Literal["ok", "retry_after", "blocked", "failed", "unreachable"]
Sleep = Callable[[float], Awaitable[None]]

MAX_BACKOFF_SECONDS = 300.0
# A row's last retry is made this long before its deadline, not at it (then it is expired).
LAST_TRY_MARGIN = timedelta(seconds=1)
# Naps never shrink below this, so a row that looks due but cannot be claimed spins nothing.
MIN_NAP_SECONDS = 0.01
# A nap until a pacer's next slot may be shorter (1,000 msg/s is a slot every millisecond).
MIN_PACED_NAP_SECONDS = 0.0002
# The name of every send's task (tests on simulated time wait for them before moving on).
SEND_TASK = "outbox-send"
# How often rows past their deadline are looked for.
EXPIRY_EVERY = timedelta(seconds=1)


@dataclass(frozen=True)
class Delivery:
    """What the platform said about one send."""

    outcome: Outcome
    reason: str = ""
    delay: float = 0.0
    permanent: bool = False
    # The platform's id of the sent message (WhatsApp's wamid), for its status reports.
    provider_message_id: str | None = None
    # A flood-control answer about one chat only (WhatsApp's per-person limit, 131056).
    chat_only: bool = False

    @property
    def worth_retrying(self) -> bool:
        """Tell whether sending again later may work: not blocked, not a permanent failure."""
        return self.outcome != "blocked" and not self.permanent

    @classmethod
    def ok(cls, provider_message_id: str | None = None) -> Delivery:
        """Return a delivery the platform accepted."""
        return cls("ok", provider_message_id=provider_message_id)

    @classmethod
    def retry_after(cls, seconds: float, reason: str = "", *, chat_only: bool = False) -> Delivery:
        """Return a flood-control answer: nothing may go (to this chat) for `seconds`."""
        why = reason or f"rate limited: retry after {seconds:g} s"
        return cls("retry_after", why, delay=seconds, chat_only=chat_only)

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


@runtime_checkable
class BatchPreparer(Protocol):
    """A sender that loads what a claimed batch's sends need in one go, before their slots."""

    async def prepare(self, messages: Sequence[OutboxMessage]) -> None:
        """Look up what the coming sends of these rows need (each send still works without)."""
        ...


class Dispatcher:
    """Deliver due outbox rows through a sender, recording each outcome as soon as it is known.

    `channels` gives some channels their own lane (rate, in-flight limit, chat spacing); the
    rows of every other channel share one lane of `rate_per_second`. Only rows in 'sending'
    can be sent twice after a kill -9: those in flight, at most each lane's in-flight limit.
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
        channels: Mapping[str, ChannelLimits] | None = None,
    ) -> None:
        self._storage = storage
        self._sender = sender
        # Checked once: a runtime Protocol check on every send is costly at 1,000 a second.
        self._whole_rows = sender if isinstance(sender, OutboxSender) else None
        self._preparer = sender if isinstance(sender, BatchPreparer) else None
        self._clock = clock
        self._poll_interval = poll_interval
        self._sleep = sleep
        self._backoff_base = backoff_base
        self._retry_max = retry_max_interval
        own = {name: Lane(name, limits) for name, limits in (channels or {}).items()}
        shared = Lane(None, ChannelLimits(rate_per_second, max_in_flight, per_chat_interval))
        self._lanes = [*own.values(), shared]
        self._lane_of = own
        self._shared = shared
        self._in_flight: set[asyncio.Task[None]] = set()
        self._stopping = asyncio.Event()
        self._woken = asyncio.Event()
        self._freed = asyncio.Event()
        self._recovered = False
        self._sends = 0
        self._expired_at: datetime | None = None
        # Sent outcomes of concurrent sends share transactions; a send still counts as in
        # flight until its row is recorded 'sent', so a crash resends at most those.
        self._sent: GroupCommit[SentRecord, None] = GroupCommit(
            storage.db, self._write_sent, name="outbox-sent"
        )
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
            await self._release_claimed()
            await self._settle()
            await self.outages.close()

    async def drain_once(self) -> int:
        """Send every row due now or falling due meanwhile; return the sends attempted."""
        await self._recover()
        before = self._sends
        await self._expire()
        self._woken.set()
        while not self._stopping.is_set():
            self._freed.clear()
            await self._pump()
            if not self._busy():
                break
            seconds, _ = self._next_start()
            await self._nap_for(seconds, self._freed)
        await self._release_claimed()
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
            # Cleared before claiming, so a wake() during the step still cuts the nap short.
            woken = self._woken.is_set()
            self._woken.clear()
            self._freed.clear()
            if woken:
                for lane in self._lanes:
                    lane.look_at = None
            await self.outages.tick()
            await self._expire_now_and_then()
            await self._pump()
            seconds, slot_bound = self._next_start()
            # A send finishing matters only to a lane waiting for a slot; waking for every
            # one would double the loop's turns at high rates.
            events = (self._woken, self._freed) if slot_bound else (self._woken,)
            await self._nap_for(seconds, *events)
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

    async def _expire_now_and_then(self) -> None:
        now = self._clock.now()
        if self._expired_at is None or now - self._expired_at >= EXPIRY_EVERY:
            self._expired_at = now
            await self._expire()

    async def _expire(self) -> None:
        """Give up the rows whose deadline passed, counting them by kind in one log line."""
        expired = await self._storage.outbox.expire_due(self._clock.now())
        if expired:
            _log_expired(expired)

    # --- one pass over the lanes ---------------------------------------------------------

    async def _pump(self) -> None:
        """Start every send that may start now, in every lane."""
        for lane in self._lanes:
            if self._stopping.is_set():
                return
            if lane.channel is not None and self.outages.is_down(lane.channel):
                await self._release_lane(lane)
                continue
            await self._pump_lane(lane)

    async def _pump_lane(self, lane: Lane) -> None:
        while lane.has_slot():
            # Claimed ahead of the pacer, so the next row is at hand when its slot comes.
            if not lane.claimed and not await self._claim(lane):
                return
            now = self._clock.now()
            if lane.pacer.wait(now) > 0:
                return
            message = lane.claimed.popleft()
            if self.outages.is_down(message.channel):
                # The shared lane's channel went down after the claim: it waits, unspent.
                await self._put_back(message, now)
                continue
            chat = (message.channel, message.address)
            free_at = lane.chats.busy_until(chat, now)
            if free_at is not None:
                await self._storage.outbox.release(message.id, free_at, now)
                continue
            lane.pacer.take(now)
            lane.chats.mark(chat, now)
            self._start(lane, message)

    async def _claim(self, lane: Lane) -> bool:
        """Claim the lane's next batch of due rows; False when none is due."""
        now = self._clock.now()
        if lane.look_at is not None and now < lane.look_at:
            return False
        outbox = self._storage.outbox
        if lane.channel is None:
            skip = frozenset(self._lane_of) | self.outages.down()
            batch = await outbox.claim_due(now, lane.limits.max_in_flight, skip)
        else:
            batch = await outbox.claim_due(now, lane.limits.max_in_flight, channel=lane.channel)
        if not batch:
            lane.look_at = await self._next_look(lane, now)
            return False
        lane.look_at = None
        lane.claimed.extend(batch)
        await self._prepare(batch)
        return True

    async def _prepare(self, batch: list[OutboxMessage]) -> None:
        """Let the sender load what the batch needs at once; a failure costs speed only."""
        if self._preparer is None:
            return
        try:
            await self._preparer.prepare(batch)
        except Exception as error:
            name = type(error).__name__
            logger.warning("dispatcher: preparing %d sends failed (%s)", len(batch), name)

    async def _next_look(self, lane: Lane, now: datetime) -> datetime:
        """Return when the lane should look in the outbox again: its next due row, or a poll."""
        outbox = self._storage.outbox
        if lane.channel is None:
            due = await outbox.next_due_at(frozenset(self._lane_of) | self.outages.down())
        else:
            due = await outbox.next_due_at(channel=lane.channel)
        poll = now + timedelta(seconds=self._poll_interval)
        if due is None:
            return poll
        return min(poll, max(due, now + timedelta(seconds=MIN_NAP_SECONDS)))

    def _start(self, lane: Lane, message: OutboxMessage) -> None:
        lane.in_flight += 1
        self._sends += 1
        task = asyncio.create_task(self._send(lane, message), name=SEND_TASK)
        self._in_flight.add(task)
        task.add_done_callback(self._in_flight.discard)

    def _busy(self) -> bool:
        """Tell whether a lane still has claimed rows or sends in flight."""
        return any(lane.claimed or lane.in_flight for lane in self._lanes)

    def _next_start(self) -> tuple[float | None, bool]:
        """Return the seconds until a lane may do something (None: until a send ends), and
        whether a lane waits for a send to end."""
        now = self._clock.now()
        moments: list[float] = [self._poll_interval]
        event = self.outages.next_event()
        if event is not None:
            moments.append((event - now).total_seconds())
        waiting_for_slot = False
        for lane in self._lanes:
            if lane.channel is not None and self.outages.is_down(lane.channel):
                continue
            if not lane.has_slot():
                waiting_for_slot = True
                continue
            pacer = lane.pacer.wait(now)
            if lane.claimed or lane.look_at is None:
                moments.append(pacer)
            else:
                # Never spin on a row that looks due but cannot be claimed yet.
                look = max((lane.look_at - now).total_seconds(), MIN_NAP_SECONDS)
                moments.append(max(look, pacer))
        nearest = min(moments)
        if waiting_for_slot and nearest >= self._poll_interval:
            return None, True  # a send finishing is what lets work go on
        return max(nearest, MIN_PACED_NAP_SECONDS), waiting_for_slot

    async def _nap_for(self, seconds: float | None, *events: asyncio.Event) -> None:
        if seconds is None:
            await self._wait_for(*events)
        else:
            await self._nap(seconds, *events)

    # --- one send ------------------------------------------------------------------------

    async def _send(self, lane: Lane, message: OutboxMessage) -> None:
        try:
            delivery = await self._deliver(message)
            await self._record(lane, message, delivery)
            if delivery.outcome != "ok":
                # The row may be due again (a retry, a row put back) before the lane's next
                # look, which was fixed while this send was in flight: look again now.
                self._woken.set()
        except Exception:
            # The row stays 'sending' and is requeued at the next start.
            logger.exception("dispatcher: outbox %d: could not record the outcome", message.id)
        finally:
            lane.in_flight -= 1
            self._freed.set()

    async def _deliver(self, message: OutboxMessage) -> Delivery:
        try:
            if self._whole_rows is not None:
                return await self._whole_rows.deliver_outbox(message)
            return await self._sender.deliver(
                message.channel, message.address, reply_of(message.body)
            )
        except Exception as error:
            # A sender bug must not stop the queue; treat it as a transient failure.
            logger.warning(
                "dispatcher: outbox %d: sender raised %s", message.id, type(error).__name__
            )
            return Delivery.failed(type(error).__name__, permanent=False)

    async def _record(self, lane: Lane, message: OutboxMessage, delivery: Delivery) -> None:
        now = self._clock.now()
        outbox = self._storage.outbox
        if delivery.outcome == "unreachable":
            await self._record_unreachable(lane, message, delivery, now)
            return
        self.outages.answered(message.channel)
        if delivery.outcome == "ok":
            await self._sent.submit(SentRecord(message.id, now, delivery.provider_message_id))
            logger.debug("dispatcher: outbox %d sent", message.id)
        elif delivery.outcome == "retry_after":
            resume = now + timedelta(seconds=delivery.delay)
            # Flood control is about us, not the row: the claim does not count as an attempt.
            if delivery.chat_only:
                # The chat's later rows wait for the same moment, so its order is kept.
                lane.chats.hold((message.channel, message.address), resume, now)
                await outbox.release(message.id, resume, now, delivery.reason)
            else:
                # Flood control is about the bot on this platform: the whole lane waits. The
                # row keeps its place in the queue, ahead of the chat's later rows.
                lane.pacer.pause_until(resume)
                await self._put_back(message, now, delivery.reason)
            logger.info(
                "dispatcher: %s%s rate limited for %gs (%s)",
                lane.name,
                " chat" if delivery.chat_only else "",
                delivery.delay,
                delivery.reason,
            )
        elif delivery.outcome == "blocked":
            await self._record_blocked(message, delivery, now)
        else:
            await self._record_failure(lane, message, delivery, now)

    async def _record_blocked(
        self, message: OutboxMessage, delivery: Delivery, now: datetime
    ) -> None:
        storage = self._storage
        async with storage.db.transaction():
            await storage.outbox.mark_blocked(message.id, delivery.reason, now)
            await storage.contacts.mark_blocked(message.channel, message.address, now)
        logger.info("dispatcher: outbox %d blocked", message.id)

    async def _record_unreachable(
        self, lane: Lane, message: OutboxMessage, delivery: Delivery, now: datetime
    ) -> None:
        await self.outages.failed(message.channel, delivery.reason)
        if self.outages.is_down(message.channel):
            # Waiting for the platform is not the row's fault: the claim is not an attempt.
            await self._put_back(message, now, delivery.reason)
            return
        await self._record_failure(lane, message, delivery, now)

    async def _record_failure(
        self, lane: Lane, message: OutboxMessage, delivery: Delivery, now: datetime
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
        # The chat's later rows wait for the retry, so they cannot overtake it: through the
        # lane's memory now, and in the table (claimed rows too) for after a restart.
        lane.chats.hold((message.channel, message.address), retry_at, now)
        await outbox.defer_chat(message.channel, message.address, message.id, retry_at, now)
        logger.debug("dispatcher: outbox %d attempt %d failed", message.id, message.attempts)

    async def _write_sent(self, records: list[SentRecord]) -> list[None]:
        """Record a batch of accepted sends (inside the group commit's transaction)."""
        await self._storage.outbox.mark_sent_many(records)
        return [None] * len(records)

    def _backoff(self, attempts: int) -> float:
        exponent = min(max(attempts - 1, 0), 30)
        return min(self._retry_max, self._backoff_base * 2**exponent)

    async def _release_lane(self, lane: Lane) -> None:
        now = self._clock.now()
        while lane.claimed:
            await self._put_back(lane.claimed.popleft(), now)

    async def _put_back(
        self, message: OutboxMessage, now: datetime, error: str | None = None
    ) -> None:
        """Return a claimed row unsent and unspent, in its old place ahead of later rows."""
        await self._storage.outbox.release(message.id, message.not_before, now, error)

    async def _release_claimed(self) -> None:
        """Put the rows claimed but not started back in the queue, unspent."""
        for lane in self._lanes:
            await self._release_lane(lane)

    async def _settle(self) -> None:
        while self._in_flight:
            await asyncio.gather(*self._in_flight)

    async def _wait_for(self, *events: asyncio.Event) -> None:
        """Wait until stop() or one of the events (a poll interval at most, in real time)."""
        waits = [asyncio.ensure_future(event.wait()) for event in (self._stopping, *events)]
        try:
            await asyncio.wait(
                waits, timeout=self._poll_interval, return_when=asyncio.FIRST_COMPLETED
            )
        finally:
            for future in waits:
                future.cancel()

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
