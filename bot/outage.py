"""Channels that are down: noticed once, probed with backoff, resumed when they answer.

A send that fails for a transport reason (connection refused, timeout, HTTP 5xx) says more
about the platform than about the message. After `DOWN_AFTER` such failures in a row on one
channel, the channel is down: the dispatcher stops claiming its rows (so they keep their
attempts), other channels go on, and a cheap call (Telegram `getMe`, a Graph API read) probes
the platform 1, 2, 4, ... seconds apart, up to CHANNEL_PROBE_MAX_INTERVAL. The first answer
brings the channel back and wakes the dispatcher.

The log gets one line when a channel goes down, one when it comes back, and at most one
summary a minute in between. The state is written to `channel_state`, so the CLI and
/healthz of any process can tell that messages wait for a platform rather than fail.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Final, Protocol, cast, runtime_checkable

from handlers.clock import Clock
from storage import Storage
from storage.models import Channel

logger = logging.getLogger(__name__)

DOWN_AFTER: Final = 3
FIRST_PROBE: Final = timedelta(seconds=1)
SUMMARY_EVERY: Final = timedelta(minutes=1)
PROBE_TIMEOUT: Final = 20.0


@runtime_checkable
class Prober(Protocol):
    """A sender that can tell whether its platform answers, without sending a message."""

    async def probe(self, channel: str) -> bool:
        """Return True when the platform answered at all (even with an error about us)."""
        ...


@dataclass
class _Down:
    """What is known about one channel that is down."""

    since: datetime
    reason: str
    next_probe: datetime
    probe_interval: timedelta
    last_summary: datetime


class ChannelWatch:
    """Count transport failures per channel and decide when to take it down, probe or report.

    Pure bookkeeping on the moments it is given; `OutageMonitor` acts on its decisions.
    """

    def __init__(self, probe_max_interval: timedelta, down_after: int = DOWN_AFTER) -> None:
        self._probe_max = max(probe_max_interval, FIRST_PROBE)
        self._down_after = down_after
        self._failures: dict[str, int] = {}
        self._down: dict[str, _Down] = {}

    def down(self) -> frozenset[str]:
        """Return the channels that are down."""
        return frozenset(self._down)

    def is_down(self, channel: str) -> bool:
        """Tell whether the channel is down."""
        return channel in self._down

    def since(self, channel: str) -> datetime | None:
        """Return when the channel went down, or None when it is up."""
        down = self._down.get(channel)
        return None if down is None else down.since

    def failed(self, channel: str, now: datetime, reason: str) -> bool:
        """Count a transport failure; return True when it takes the channel down."""
        if channel in self._down:
            self._down[channel].reason = reason
            return False
        count = self._failures.get(channel, 0) + 1
        self._failures[channel] = count
        if count < self._down_after:
            return False
        self.take_down(channel, now, reason)
        return True

    def take_down(
        self, channel: str, since: datetime, reason: str, now: datetime | None = None
    ) -> None:
        """Mark the channel down since `since`; the first probe is due a moment after `now`."""
        now = now or since
        self._failures.pop(channel, None)
        self._down[channel] = _Down(since, reason, now + FIRST_PROBE, FIRST_PROBE, now)

    def answered(self, channel: str) -> None:
        """Forget the failures in a row: the channel answered a send."""
        self._failures.pop(channel, None)

    def probes_due(self, now: datetime) -> list[str]:
        """Return the channels whose next probe is due."""
        return [channel for channel, down in self._down.items() if down.next_probe <= now]

    def probe_failed(self, channel: str, now: datetime) -> timedelta:
        """Schedule the next probe, twice as far off up to the cap; return the wait."""
        down = self._down.get(channel)
        if down is None:
            return timedelta()
        down.probe_interval = min(down.probe_interval * 2, self._probe_max)
        down.next_probe = now + down.probe_interval
        return down.probe_interval

    def postpone_probe(self, channel: str, until: datetime) -> None:
        """Probe no sooner than `until` (a probe is running)."""
        down = self._down.get(channel)
        if down is not None:
            down.next_probe = max(down.next_probe, until)

    def came_back(self, channel: str, now: datetime) -> timedelta | None:
        """Mark the channel up; return how long it was down (None if it was not)."""
        down = self._down.pop(channel, None)
        self._failures.pop(channel, None)
        return None if down is None else now - down.since

    def summaries_due(self, now: datetime) -> list[tuple[str, timedelta, str]]:
        """Return (channel, down for, last reason) of each channel owed a summary line."""
        due = []
        for channel, down in self._down.items():
            if now - down.last_summary >= SUMMARY_EVERY:
                down.last_summary = now
                due.append((channel, now - down.since, down.reason))
        return due

    def next_event(self) -> datetime | None:
        """Return the earliest moment a probe or a summary is due."""
        moments = [
            moment
            for down in self._down.values()
            for moment in (down.next_probe, down.last_summary + SUMMARY_EVERY)
        ]
        return min(moments, default=None)


class OutageMonitor:
    """Act on a ChannelWatch: log, record the state, run probes, wake the dispatcher."""

    def __init__(
        self,
        storage: Storage,
        clock: Clock,
        prober: Prober | None,
        probe_max_interval: timedelta,
        *,
        down_after: int = DOWN_AFTER,
        on_change: Callable[[], None] = lambda: None,
    ) -> None:
        self._storage = storage
        self._clock = clock
        self._prober = prober
        # Called when a probe ends, so the dispatcher looks again (at once when one is back).
        self._on_change = on_change
        self.watch = ChannelWatch(probe_max_interval, down_after)
        self._probes: dict[str, asyncio.Task[None]] = {}

    async def restore(self) -> None:
        """Take back the channels a previous run recorded as down: probe them first."""
        now = self._clock.now()
        for channel, since in (await self._storage.channel_states.down_since()).items():
            self.watch.take_down(channel, since, "down at the last stop", now)
            logger.info("outage: %s was down at the last stop; probing it", channel)

    def down(self) -> frozenset[str]:
        """Return the channels that are down."""
        return self.watch.down()

    def is_down(self, channel: str) -> bool:
        """Tell whether the channel is down."""
        return self.watch.is_down(channel)

    def answered(self, channel: str) -> None:
        """Note that a send on the channel got an answer from the platform."""
        self.watch.answered(channel)

    async def failed(self, channel: str, reason: str) -> None:
        """Count a transport failure; take the channel down after a few in a row."""
        now = self._clock.now()
        if not self.watch.failed(channel, now, reason):
            return
        waiting = await self._waiting(channel)
        await self._storage.channel_states.mark_down(cast(Channel, channel), now, reason)
        logger.warning(
            "outage: %s is down (%s); %d message(s) wait for it; probing until it answers",
            channel,
            reason,
            waiting,
        )

    def failed_soon(self, channel: str, reason: str) -> None:
        """Count a transport failure seen outside the dispatcher (e.g. long polling)."""
        task = asyncio.get_running_loop().create_task(self.failed(channel, reason))
        task.add_done_callback(_log_task_error)

    async def tick(self) -> None:
        """Start the probes that are due and write the summary lines owed."""
        now = self._clock.now()
        for channel in self.watch.probes_due(now):
            if channel in self._probes:
                continue
            self.watch.postpone_probe(channel, now + timedelta(seconds=PROBE_TIMEOUT))
            task = asyncio.create_task(self._probe(channel), name=f"probe-{channel}")
            self._probes[channel] = task
            task.add_done_callback(partial(self._probe_done, channel))
        for channel, down_for, reason in self.watch.summaries_due(now):
            logger.info(
                "outage: %s still down after %s (%s); %d message(s) waiting",
                channel,
                format_span(down_for),
                reason,
                await self._waiting(channel),
            )

    def next_event(self) -> datetime | None:
        """Return when tick() has something to do next."""
        return self.watch.next_event()

    async def close(self) -> None:
        """Stop the probes that are running."""
        for task in list(self._probes.values()):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def _probe_done(self, channel: str, task: asyncio.Task[None]) -> None:
        self._probes.pop(channel, None)
        _log_task_error(task)

    async def _probe(self, channel: str) -> None:
        # Every decision is taken from the moment the probe started, however long it took.
        started = self._clock.now()
        answered = True
        if self._prober is not None:
            try:
                async with asyncio.timeout(PROBE_TIMEOUT):
                    answered = await self._prober.probe(channel)
            except TimeoutError:
                answered = False
        if not answered:
            wait = self.watch.probe_failed(channel, started)
            logger.debug("outage: %s probe failed; next in %s", channel, format_span(wait))
            self._on_change()
            return
        waited = await self._waiting(channel)
        down_for = self.watch.came_back(channel, started)
        if down_for is None:
            return
        await self._storage.channel_states.mark_up(cast(Channel, channel), started)
        logger.warning(
            "outage: %s is back after %s; %d message(s) waited and go out now",
            channel,
            format_span(down_for),
            waited,
        )
        self._on_change()

    async def _waiting(self, channel: str) -> int:
        return (await self._storage.outbox.waiting_by_channel()).get(channel, 0)


def format_span(span: timedelta) -> str:
    """Return a span the way a person reads it in a log: 45s, 3m05s, 2h04m."""
    seconds = max(0, int(span.total_seconds()))
    if seconds < 60:
        return f"{seconds}s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m{seconds:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"


def _log_task_error(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        logger.warning("outage: %s failed: %r", task.get_name(), task.exception())
