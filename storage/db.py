"""The one SQLite connection, its PRAGMAs and the transaction helper.

Statements run on the event loop's own thread. An update's transaction is a handful of
indexed statements of microseconds each: running them at once costs less than handing each
to a worker thread and waking the loop when it is done, which is what a thread-backed driver
does per statement (six or seven times per update). Two things would block the loop and are
kept off it: waiting for another process's write lock (the connection's busy timeout is 0;
a refused BEGIN is retried after an `asyncio.sleep`), and reading many rows (export pages go
to a second connection on a worker thread, `fetch_many`).
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import sqlite3
import time
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final, TypeVar

Params = Sequence[Any] | dict[str, Any]
Row = sqlite3.Row

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
# How long a refused statement is retried while another process holds the write lock (a
# backup, a console, a crashed CLI may hold it long); only then does the caller see it.
LOCK_PATIENCE: Final = 120.0
# Retries start at once and back off to this: a desk job pauses at least MIN_MAKE_WAY between
# its transactions, so polling faster than that always finds the lock free in a pause.
FIRST_RETRY_DELAY: Final = 0.001
MAX_RETRY_DELAY: Final = 0.005
# A wait this long is worth a line in the log (once per wait).
WARN_AFTER: Final = 5.0
# Bounds of the pause a desk writer takes between its transactions (see `make_way`).
MIN_MAKE_WAY: Final = 0.01
MAX_MAKE_WAY: Final = 0.2
# The worker-thread connection for long reads may block its own thread while it waits.
READER_BUSY_TIMEOUT_MS: Final = 5000


def is_busy(error: BaseException) -> bool:
    """Tell whether an error is SQLite's "database is locked" (another process writes)."""
    code = getattr(error, "sqlite_errorcode", None)
    return isinstance(error, sqlite3.OperationalError) and code is not None and code & 0xFF == 5


class Database:
    """Serialise every statement of this process on one connection, on the loop's thread.

    A transaction spans several awaits (the handlers between its statements), so a lock
    around each transaction (and around each statement outside one) keeps another coroutine's
    statements out of it; a context variable lets code inside the transaction use the
    connection without taking the lock again.
    """

    def __init__(self, connection: sqlite3.Connection, path: str, patience: float) -> None:
        self._connection = connection
        self._lock = asyncio.Lock()
        self._patience = patience
        self._last_hold = 0.0
        self._reader: sqlite3.Connection | None = None
        self._reader_thread: ThreadPoolExecutor | None = None
        self.path = path
        # How often another process's write lock made this connection wait.
        self.busy_retries = 0

    @classmethod
    async def connect(cls, path: str | Path, *, patience: float = LOCK_PATIENCE) -> Database:
        """Open the database file and set the PRAGMAs every connection needs."""
        connection = sqlite3.connect(str(path), isolation_level=None)
        connection.row_factory = sqlite3.Row
        # Never sleep inside SQLite on the loop's thread: refusals come back at once.
        connection.execute("PRAGMA busy_timeout=0")
        database = cls(connection, str(path), patience)
        try:
            for pragma in PRAGMAS:
                await database.execute(pragma)
        except BaseException:
            connection.close()
            raise
        return database

    async def close(self) -> None:
        """Close the connections."""
        if self._reader_thread is not None:
            reader_thread, self._reader_thread = self._reader_thread, None
            await asyncio.get_running_loop().run_in_executor(reader_thread, self._close_reader)
            reader_thread.shutdown(wait=True)
        self._connection.close()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        """Run the block as one `BEGIN IMMEDIATE` transaction; roll back on error.

        When another process holds the write lock, BEGIN is retried (the loop serves others
        meanwhile) for up to the patience, so a busy database delays the block, never fails it.
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
                    self._connection.execute("COMMIT")
                except BaseException:
                    # SQLite may have ended the transaction itself (a full disk, say).
                    if self._connection.in_transaction:
                        self._connection.execute("ROLLBACK")
                    raise
                finally:
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

    async def _when_free(self, attempt: Callable[[], T]) -> T:
        """Run a statement that takes no effect when refused; retry while the lock is taken."""
        started = time.monotonic()
        delay = FIRST_RETRY_DELAY
        warned = False
        while True:
            try:
                return attempt()
            except sqlite3.OperationalError as error:
                waited = time.monotonic() - started
                if not is_busy(error) or waited >= self._patience:
                    raise
            self.busy_retries += 1
            if waited >= WARN_AFTER and not warned:
                logger.warning("database: another process has held the write lock for 5 s")
                warned = True
            await asyncio.sleep(delay)
            delay = min(delay * 2, MAX_RETRY_DELAY)

    async def _run(self, call: Callable[[sqlite3.Connection], T]) -> T:
        """Run one statement: in the current transaction, or alone (retried while busy)."""
        if _in_transaction.get() is self:
            return call(self._connection)
        async with self._lock:
            # A statement refused with SQLITE_BUSY took no effect, so running it again is safe.
            return await self._when_free(lambda: call(self._connection))

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement and return the number of rows it changed."""
        cursor = await self._run(lambda connection: connection.execute(sql, params))
        return cursor.rowcount

    async def insert(self, sql: str, params: Params = ()) -> int:
        """Run an INSERT and return the new row id."""
        cursor = await self._run(lambda connection: connection.execute(sql, params))
        if cursor.lastrowid is None or not cursor.rowcount:
            raise RuntimeError("INSERT produced no row id")
        return int(cursor.lastrowid)

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        """Run one statement for each row of parameters (inside a transaction: atomically)."""
        if _in_transaction.get() is self:
            self._connection.executemany(sql, rows)
            return
        # Alone, each row commits by itself: a retry could repeat the rows before a refusal.
        async with self._lock:
            self._connection.executemany(sql, rows)

    async def fetch_one(self, sql: str, params: Params = ()) -> Row | None:
        """Return the first row of a query, or None (for queries of at most a few rows)."""
        rows = await self.fetch_all(sql, params)
        return rows[0] if rows else None

    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]:
        """Return every row of a query."""
        return await self._run(lambda connection: connection.execute(sql, params).fetchall())

    async def fetch_value(self, sql: str, params: Params = ()) -> Any:
        """Return the first column of the first row, or None."""
        row = await self.fetch_one(sql, params)
        return None if row is None else row[0]

    async def fetch_many(self, sql: str, params: Params = ()) -> list[Row]:
        """Return every row of a long read (an export page), read off the loop's thread.

        The read runs on a second connection in a worker thread, so the loop serves people
        while it runs; it sees what is committed (inside a transaction: that transaction's
        own view, on the loop's connection).
        """
        if _in_transaction.get() is self or self.path == ":memory:":
            return await self.fetch_all(sql, params)
        if self._reader_thread is None:
            self._reader_thread = ThreadPoolExecutor(1, thread_name_prefix="sqlite-reader")
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._reader_thread, self._read, sql, params)

    def _read(self, sql: str, params: Params) -> list[Row]:
        if self._reader is None:
            self._reader = sqlite3.connect(self.path, isolation_level=None)
            self._reader.row_factory = sqlite3.Row
            self._reader.execute(f"PRAGMA busy_timeout={READER_BUSY_TIMEOUT_MS}")
            self._reader.execute("PRAGMA query_only=ON")
        return self._reader.execute(sql, params).fetchall()

    def _close_reader(self) -> None:
        if self._reader is not None:
            self._reader.close()
            self._reader = None

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
