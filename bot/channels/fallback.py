"""Replies a direct send could not deliver wait in the outbox, and each chat keeps its order.

A reply goes out right after its update's transaction commits; by then the person's answer
is stored and the flow has moved on, so a reply lost to a failed send is a question the
person never sees. When a send fails for a passing reason (no free connection, a timeout,
a 5xx, a 429 beyond the rate limiter's retries, an outage), that reply and every later reply
of the same turn go into the outbox instead, in order, under deterministic keys
(`reply:<channel>:<address>:<turn>:<index>`, so handling the turn again queues nothing
twice), and the dispatcher delivers them with its pacing, retries and outage handling.

While a chat has such replies waiting, its next turns' replies queue behind them rather than
overtaking them. The chats with waiting replies are kept in a set in memory, read from the
outbox at start-up; only a chat in the set costs a look at the outbox before a send. When
several processes may handle one chat's messages (`shared`: PostgreSQL with webhooks), one
process cannot know what another queued, so every turn looks at the outbox.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime

from handlers.conversation.clock import Clock
from handlers.conversation.messages import Outbound, Reply
from handlers.conversation.outbox import REPLY_PREFIX, chat_prefix, reply_key, stored
from storage.models import Channel
from storage.outbox import OutboxRepository

logger = logging.getLogger(__name__)


class ReplyFallback:
    """Send a turn's replies directly, or queue them in the outbox when that cannot work."""

    def __init__(
        self, channel: Channel, outbox: OutboxRepository, clock: Clock, *, shared: bool = False
    ) -> None:
        self._channel: Channel = channel
        self._shared = shared
        self._outbox = outbox
        self._clock = clock
        self._waiting: set[str] = set()
        # Told when a reply was queued (the dispatcher's wake), so it goes out without a poll.
        self.on_queued: Callable[[], None] | None = None

    async def load(self) -> None:
        """Remember the chats whose queued replies still wait (after a restart)."""
        prefix = f"{REPLY_PREFIX}{self._channel}:"
        self._waiting = await self._outbox.addresses_waiting(prefix)

    def is_waiting(self, address: str) -> bool:
        """Tell whether the chat may have queued replies that have not gone out yet."""
        return address in self._waiting

    async def deliver(
        self,
        address: str,
        turn: int | str,
        replies: Sequence[Outbound],
        send: Callable[[Outbound], Awaitable[object]],
        passing: Callable[[Exception], bool],
    ) -> None:
        """Send a turn's replies in order; from the first that fails for a passing reason on
        (or from the start, while earlier replies of the chat wait), queue them instead.

        An error that is not `passing` (the person blocked the bot, the platform refused the
        message) propagates as before.
        """
        queue_after = await self._queue_after(address)
        for index, outbound in enumerate(replies):
            if queue_after is not None and isinstance(outbound, Reply):
                await self._queue(address, turn, index, outbound, queue_after)
                continue
            try:
                # A generated file (bytes) cannot wait in the outbox: it is sent even while
                # replies wait, since a file out of order beats a file lost.
                await send(outbound)
            except Exception as error:
                if not passing(error):
                    raise
                kind = type(error).__name__
                if not isinstance(outbound, Reply):
                    logger.warning(
                        "%s: a generated file was not sent (%s); it cannot wait in the"
                        " outbox and is dropped",
                        self._channel,
                        kind,
                    )
                    continue
                logger.warning(
                    "%s: a reply was not sent (%s); it and the turn's later replies wait in"
                    " the outbox",
                    self._channel,
                    kind,
                )
                queue_after = self._clock.now()
                await self._queue(address, turn, index, outbound, queue_after)

    async def _queue_after(self, address: str) -> datetime | None:
        """Return when the chat's waiting replies are due (None: none wait, send directly)."""
        if address not in self._waiting and not self._shared:
            return None
        due = await self._outbox.waiting_until(chat_prefix(self._channel, address))
        if due is None:
            self._waiting.discard(address)
            return None
        return max(due, self._clock.now())

    async def _queue(
        self, address: str, turn: int | str, index: int, reply: Reply, not_before: datetime
    ) -> None:
        key = reply_key(self._channel, address, turn, index)
        now = self._clock.now()
        await self._outbox.enqueue(
            key, self._channel, address, stored(reply), now, not_before=max(not_before, now)
        )
        self._waiting.add(address)
        if self.on_queued is not None:
            self.on_queued()
