"""Group commit: many coroutines' small writes applied together, one transaction per batch.

A busy webhook or a fast dispatcher produces hundreds of one-row writes a second; each alone
is a transaction of its own (on SQLite several round trips to the database thread). Here each
writer hands its items over and waits; one task takes everything waiting (up to a limit),
applies it in one transaction and answers every writer of the batch once it committed — or
raises the batch's error in each of them. Nothing waits on purpose: the items that arrive
while one batch is being written form the next, so a quiet bot still writes at once.

A writer must not itself be inside a transaction on the same database: the batch needs the
database's transaction lock, which that writer holds.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from typing import Final, Generic, TypeVar

from storage.db import Database

Item = TypeVar("Item")
Result = TypeVar("Result")

MAX_BATCH: Final = 256


class GroupCommit(Generic[Item, Result]):
    """Apply submitted items in shared transactions; each writer gets its item's result.

    `apply` receives a batch in submission order, runs inside the batch's transaction, and
    returns one result per item, in the same order.
    """

    def __init__(
        self,
        db: Database,
        apply: Callable[[list[Item]], Awaitable[Sequence[Result]]],
        *,
        max_batch: int = MAX_BATCH,
        name: str = "group-commit",
    ) -> None:
        if max_batch < 1:
            raise ValueError("max_batch must be at least 1")
        self._db = db
        self._apply = apply
        self._max_batch = max_batch
        self._name = name
        self._waiting: deque[tuple[Item, asyncio.Future[Result]]] = deque()
        self._writer: asyncio.Task[None] | None = None
        # How many transactions were written, and how many items they held (for tests, logs).
        self.batches = 0
        self.items = 0

    async def submit(self, item: Item) -> Result:
        """Apply one item with whatever else is waiting; return its result after the commit."""
        [result] = await self.submit_many([item])
        return result

    async def submit_many(self, items: Sequence[Item]) -> list[Result]:
        """Apply several items (in one batch when they fit); return their results in order."""
        if not items:
            return []
        loop = asyncio.get_running_loop()
        futures: list[asyncio.Future[Result]] = []
        for item in items:
            future: asyncio.Future[Result] = loop.create_future()
            self._waiting.append((item, future))
            futures.append(future)
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write(), name=self._name)
        return list(await asyncio.gather(*futures))

    async def _write(self) -> None:
        # A task per burst, ending when nothing waits: there is nothing to start or stop.
        while self._waiting:
            size = min(len(self._waiting), self._max_batch)
            batch = [self._waiting.popleft() for _ in range(size)]
            try:
                async with self._db.transaction():
                    results = await self._apply([item for item, _ in batch])
                    if len(results) != size:  # a bug in apply: roll the batch back
                        raise RuntimeError(f"{self._name}: {len(results)} results, {size} items")
            except Exception as error:
                for _, future in batch:
                    if not future.done():
                        future.set_exception(error)
                continue
            self.batches += 1
            self.items += size
            for (_, future), result in zip(batch, results, strict=True):
                if not future.done():
                    future.set_result(result)

    async def close(self) -> None:
        """Wait for the batch being written (writers still waiting get their answers)."""
        if self._writer is not None:
            with contextlib.suppress(Exception):
                await self._writer
