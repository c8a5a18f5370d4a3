"""The one aiosqlite connection, its PRAGMAs and the transaction helper."""

from __future__ import annotations

import asyncio
import contextvars
import logging
import sqlite3
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final, TypeVar

import aiosqlite

Params = Sequence[Any] | dict[str, Any]

_in_transaction: contextvars.ContextVar[Database | None] = contextvars.ContextVar(
    "in_transaction", default=None
)

logger = logging.getLogger(__name__)
T = TypeVar("T")

PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA synchronous=NORMAL",
)
# SQLite itself waits this long for another process's write lock before answering SQLITE_BUSY.
BUSY_TIMEOUT: Final = 5.0
# After that, the wait goes on here (a backup, a console or a crashed CLI may hold the lock
# longer); only then does the caller see the error.
LOCK_PATIENCE: Final = 120.0
RETRY_DELAY: Final = 0.05
# Bounds of the pause a desk writer takes between its transactions (see `make_way`).
MIN_MAKE_WAY: Final = 0.01
MAX_MAKE_WAY: Final = 0.2


def is_busy(error: BaseException) -> bool:
    """Tell whether an error is SQLite's "database is locked" (another process writes)."""
    code = getattr(error, "sqlite_errorcode", None)
    return isinstance(error, sqlite3.OperationalError) and code is not None and code & 0xFF == 5


class Database:
    """Serialise every statement of this process on one shared aiosqlite connection.

    aiosqlite runs one connection on one thread, so two coroutines that both open a
    transaction would interleave their statements. A lock around each transaction (and
    around each statement outside one) keeps every transaction whole.
    """

    def __init__(
        self, connection: aiosqlite.Connection, path: str, patience: float = LOCK_PATIENCE
    ) -> None:
        self._connection = connection
        self._lock = asyncio.Lock()
        self._patience = patience
        self._last_hold = 0.0
        self.path = path
        # How often another process's write lock made this one wait past the busy timeout.
        self.busy_retries = 0

    @classmethod
    async def connect(
        cls,
        path: str | Path,
        *,
        busy_timeout: float = BUSY_TIMEOUT,
        patience: float = LOCK_PATIENCE,
    ) -> Database:
        """Open the database file and set the PRAGMAs every connection needs."""
        opening = aiosqlite.connect(str(path), isolation_level=None)
        try:
            connection = await opening
        except BaseException:
            # When opening fails, aiosqlite 0.22 queues its worker's stop without waiting for
            # it; if the event loop closes first, the worker prints "Event loop is closed"
            # (omnilib/aiosqlite#259). Wait for the worker, so a refused file is one clean error.
            await asyncio.to_thread(opening._thread.join, 5)
            raise
        connection.row_factory = aiosqlite.Row
        try:
            await connection.execute(f"PRAGMA busy_timeout={int(busy_timeout * 1000)}")
            for pragma in PRAGMAS:
                await connection.execute(pragma)
        except BaseException:
            # A file that is not a database, or one we may not write, fails here: close the
            # connection now, or its thread outlives the event loop and prints a traceback.
            await connection.close()
            raise
        return cls(connection, str(path), patience)

    async def close(self) -> None:
        """Close the connection."""
        await self._connection.close()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        """Run the block as one `BEGIN IMMEDIATE` transaction; roll back on error.

        When another process holds the write lock, BEGIN waits for it (SQLite's busy timeout,
        then retries up to the patience), so a busy database delays the block, never fails it.
        """
        if _in_transaction.get() is self:
            yield  # nested: the outer transaction commits
            return
        async with self._lock:
            token = _in_transaction.set(self)
            try:
                await self._when_free(lambda: self._connection.execute("BEGIN IMMEDIATE"))
                began = time.monotonic()
                try:
                    yield
                except BaseException:
                    await self._connection.rollback()
                    raise
                await self._connection.commit()
                self._last_hold = time.monotonic() - began
            finally:
                _in_transaction.reset(token)

    async def make_way(self) -> None:
        """Pause about as long as the last transaction held the write lock.

        Long desk work (imports) writes in short transactions and calls this between them:
        another process waiting for the lock (the running bot) polls for it every few
        milliseconds, and gets it in this pause instead of waiting for the whole job.
        """
        await asyncio.sleep(min(max(self._last_hold, MIN_MAKE_WAY), MAX_MAKE_WAY))

    async def _when_free(self, attempt: Callable[[], Awaitable[T]]) -> T:
        """Run a statement that takes no effect when refused; retry while the lock is taken."""
        deadline = time.monotonic() + self._patience
        while True:
            try:
                return await attempt()
            except sqlite3.OperationalError as error:
                if not is_busy(error) or time.monotonic() >= deadline:
                    raise
            self.busy_retries += 1
            if self.busy_retries % 20 == 1:
                logger.warning("database: another process holds the write lock; waiting")
            await asyncio.sleep(RETRY_DELAY)

    async def _run(self, call: Callable[[aiosqlite.Connection], Awaitable[T]]) -> T:
        """Run one statement: in the current transaction, or alone (retried while busy)."""
        if _in_transaction.get() is self:
            return await call(self._connection)
        async with self._lock:
            # A statement refused with SQLITE_BUSY took no effect, so running it again is safe.
            return await self._when_free(lambda: call(self._connection))

    # Each aiosqlite call is a round trip to its worker thread, so every method below makes
    # exactly one: cursors are not closed by a second call but dropped (CPython finalises
    # them at once), and reads use execute_fetchall.

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement and return the number of rows it changed."""
        cursor = await self._run(lambda connection: connection.execute(sql, params))
        return cursor.rowcount

    async def insert(self, sql: str, params: Params = ()) -> int:
        """Run an INSERT and return the new row id."""
        row = await self._run(lambda connection: connection.execute_insert(sql, params))
        if row is None or row[0] is None:
            raise RuntimeError("INSERT produced no row id")
        return int(row[0])

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        """Run one statement for each row of parameters (inside a transaction: atomically)."""
        if _in_transaction.get() is self:
            await self._connection.executemany(sql, rows)
            return
        # Alone, each row commits by itself: a retry could repeat the rows before a refusal.
        async with self._lock:
            await self._connection.executemany(sql, rows)

    async def fetch_one(self, sql: str, params: Params = ()) -> aiosqlite.Row | None:
        """Return the first row of a query, or None (for queries of at most a few rows)."""
        rows = await self.fetch_all(sql, params)
        return rows[0] if rows else None

    async def fetch_all(self, sql: str, params: Params = ()) -> list[aiosqlite.Row]:
        """Return every row of a query."""
        rows = await self._run(lambda connection: connection.execute_fetchall(sql, params))
        return list(rows)

    async def fetch_value(self, sql: str, params: Params = ()) -> Any:
        """Return the first column of the first row, or None."""
        row = await self.fetch_one(sql, params)
        return None if row is None else row[0]

    async def execute_script(self, script: str) -> None:
        """Run several statements inside the current transaction."""
        for statement in split_statements(script):
            await self.execute(statement)


def split_statements(script: str) -> list[str]:
    """Split a migration file into statements (no semicolons inside our SQL strings)."""
    lines = [line for line in script.splitlines() if not line.strip().startswith("--")]
    return [part.strip() for part in "\n".join(lines).split(";") if part.strip()]


def db_time(moment: datetime) -> str:
    """Return the stored form of a moment: ISO-8601 in UTC, so text order is time order."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime cannot be stored")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")
