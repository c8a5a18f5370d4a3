"""Pacing per channel: each platform's own rate, flood-control pause and in-flight limit.

Telegram allows about 30 messages a second per bot and one a second per chat; a WhatsApp
Cloud API number 80 a second by default (up to 1,000 after Meta's upgrade) and a few a minute
per person. A `Lane` holds one channel's pacing, so a Telegram 429 pauses Telegram only and a
slow or paused WhatsApp never holds Telegram up (issue: one pipeline-wide pacer did both).
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from storage.outbox import OutboxMessage

ChatKey = tuple[str, str]
# Sends overlap enough to hold the rate with this much API latency.
LATENCY_ALLOWANCE: Final = 0.5
MIN_IN_FLIGHT: Final = 8
# How far behind its schedule a pacer may be and still catch up (at most this much burst).
CATCH_UP: Final = timedelta(milliseconds=50)
MAX_IN_FLIGHT: Final = 256


def in_flight_for(rate_per_second: float) -> int:
    """Return how many sends may overlap to hold `rate_per_second` with slow answers."""
    wanted = math.ceil(rate_per_second * LATENCY_ALLOWANCE)
    return max(MIN_IN_FLIGHT, min(MAX_IN_FLIGHT, wanted))


class Pacer:
    """Space send starts 1/rate apart on a fixed schedule that a late start may catch up with.

    A start up to `CATCH_UP` (or one interval, if longer) behind the schedule keeps it, so
    wake-up jitter does not eat into the rate — at 1,000 a second every start is late by more
    than the 1 ms interval; a longer gap (an idle spell) starts a fresh schedule, not a burst.
    """

    def __init__(self, rate_per_second: float) -> None:
        if rate_per_second <= 0:
            raise ValueError("rate must be positive")
        self._interval = timedelta(seconds=1 / rate_per_second)
        self._catch_up = max(self._interval, CATCH_UP)
        self._next: datetime | None = None

    def wait(self, now: datetime) -> float:
        """Return the seconds until the next send may start."""
        if self._next is None:
            return 0.0
        return max(0.0, (self._next - now).total_seconds())

    def take(self, now: datetime) -> None:
        """Spend the current slot (call when `wait(now)` is 0)."""
        slot = self._next
        if slot is None or now - slot > self._catch_up:
            slot = now
        self._next = slot + self._interval

    def pause_until(self, moment: datetime) -> None:
        """Start nothing before `moment`."""
        if self._next is None or self._next < moment:
            self._next = moment


class ChatSpacing:
    """Remember when each chat may get its next message."""

    PRUNE_ABOVE = 20_000

    def __init__(self, interval: float) -> None:
        self._interval = timedelta(seconds=interval)
        self._free_at: dict[ChatKey, datetime] = {}

    def busy_until(self, chat: ChatKey, now: datetime) -> datetime | None:
        """Return when the chat is free, or None if it is free now."""
        free_at = self._free_at.get(chat)
        return free_at if free_at is not None and free_at > now else None

    def mark(self, chat: ChatKey, now: datetime) -> None:
        """Record a send to the chat starting now."""
        self.hold(chat, now + self._interval, now)

    def hold(self, chat: ChatKey, until: datetime, now: datetime) -> None:
        """Send nothing to the chat before `until` (a per-chat flood-control answer)."""
        if len(self._free_at) > self.PRUNE_ABOVE:
            self._free_at = {key: at for key, at in self._free_at.items() if at > now}
        current = self._free_at.get(chat)
        self._free_at[chat] = until if current is None else max(current, until)


@dataclass(frozen=True)
class ChannelLimits:
    """How fast one channel may send: its rate, overlapping sends and per-chat spacing."""

    rate_per_second: float
    max_in_flight: int = MIN_IN_FLIGHT
    per_chat_interval: float = 1.0


class Lane:
    """One channel's share of the dispatcher: its claimed rows and its own pacing.

    `channel` None is the lane of every channel that has no lane of its own.
    """

    def __init__(self, channel: str | None, limits: ChannelLimits) -> None:
        self.channel = channel
        self.limits = limits
        self.pacer = Pacer(limits.rate_per_second)
        self.chats = ChatSpacing(limits.per_chat_interval)
        # Rows claimed ('sending' in the database) and not started yet, oldest first.
        self.claimed: deque[OutboxMessage] = deque()
        self.in_flight = 0
        # When to look in the outbox again after it had nothing due for this lane.
        self.look_at: datetime | None = None

    @property
    def name(self) -> str:
        """Return the channel's name for logs ("other" for the shared lane)."""
        return self.channel or "other"

    def has_slot(self) -> bool:
        """Tell whether another send may overlap the ones in flight."""
        return self.in_flight < self.limits.max_in_flight
