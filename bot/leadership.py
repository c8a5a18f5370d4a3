"""One clock for several processes: the scheduler and the dispatcher run in the leader only.

The leader is the process that holds a session advisory lock on PostgreSQL (on SQLite, the
one process). A follower tries to take the lock every third of LEADER_TAKEOVER; the server
frees it the moment the leader's connection ends, so a killed leader is replaced within that
time. A leader whose lock connection stops answering steps down at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta

from storage.db import Database, SessionLock

logger = logging.getLogger(__name__)

LEADER_LOCK = "wub-ikm:leader"


class Leadership:
    """Take, keep and give up the leader's lock, starting and stopping the leader's duties."""

    def __init__(
        self,
        db: Database,
        takeover: timedelta,
        on_gain: Callable[[], Awaitable[None]],
        on_loss: Callable[[], Awaitable[None]],
        name: str = LEADER_LOCK,
    ) -> None:
        self._db = db
        self._every = max(takeover.total_seconds() / 3, 0.2)
        self._on_gain = on_gain
        self._on_loss = on_loss
        self._name = name
        self._lock: SessionLock | None = None
        self._stopping = asyncio.Event()

    @property
    def is_leader(self) -> bool:
        """Tell whether this process holds the leader's lock."""
        return self._lock is not None

    async def run(self) -> None:
        """Keep trying to lead (or checking that we still do) until stop()."""
        while not self._stopping.is_set():
            await self.try_to_lead()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), timeout=self._every)

    async def try_to_lead(self) -> None:
        """Take the lead if it is free, or check that we still hold it; never raise."""
        try:
            await self._tick()
        except Exception:
            logger.exception("leadership: check failed")

    async def _tick(self) -> None:
        if self._lock is None:
            self._lock = await self._db.try_session_lock(self._name)
            if self._lock is not None:
                logger.info("leadership: this process is now the leader")
                await self._on_gain()
            return
        if not await self._lock.alive():
            logger.warning("leadership: lost the leader's lock; stepping down")
            self._lock = None
            await self._on_loss()

    async def stop(self) -> None:
        """Stop trying; if leading, stop the duties and give the lock up."""
        self._stopping.set()
        if self._lock is not None:
            lock, self._lock = self._lock, None
            await self._on_loss()
            await lock.release()
