"""The database: one interface, two engines (SQLite by default, PostgreSQL by URL).

Repositories write SQL once, with `?` placeholders and portable syntax (`ON CONFLICT`,
`RETURNING`, `COALESCE`, `CASE`); `PostgresDatabase` translates each statement text once
(`to_postgres`: placeholders to `$n`, and the few SQLite idioms that have a PostgreSQL twin)
and keeps the translation.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import re
import sqlite3
import time
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, Final, Literal, Protocol, TypeVar, cast

import asyncpg

logger = logging.getLogger(__name__)
T = TypeVar("T")

Params = Sequence[Any]
Engine = Literal["sqlite", "postgresql"]
POSTGRES_SCHEMES = ("postgresql://", "postgres://")

# Every write transaction on PostgreSQL takes this transaction-level advisory lock first: the
# same one-writer-at-a-time guarantee SQLite's BEGIN IMMEDIATE gives, across all processes.
WRITE_LOCK_KEY = 0x5755_4201
# The server drops a lock holder whose machine vanished after about 5 + 2 × 3 seconds.
_KEEPALIVE = {
    "tcp_keepalives_idle": "5",
    "tcp_keepalives_interval": "2",
    "tcp_keepalives_count": "3",
}


class IntegrityError(Exception):
    """A constraint refused a write; the message starts with its kind (UNIQUE, CHECK, …).

    Both engines raise this one class, so callers and tests do not depend on the engine.
    """


_POSTGRES_KINDS: tuple[tuple[type[Exception], str], ...] = (
    (asyncpg.UniqueViolationError, "UNIQUE"),
    (asyncpg.CheckViolationError, "CHECK"),
    (asyncpg.ForeignKeyViolationError, "FOREIGN KEY"),
    (asyncpg.NotNullViolationError, "NOT NULL"),
)


def _postgres_integrity(error: Exception) -> IntegrityError:
    kind = next((name for cls, name in _POSTGRES_KINDS if isinstance(error, cls)), "INTEGRITY")
    return IntegrityError(f"{kind} constraint failed: {error}")


class SessionLock(Protocol):
    """A lock held for as long as this process lives (or until released)."""

    async def alive(self) -> bool:
        """Tell whether the lock is still held (its connection still answers)."""

    async def release(self) -> None:
        """Give the lock up."""


class _ProcessLock:
    """SQLite serves one process: the lock is this process's own."""

    async def alive(self) -> bool:
        return True

    async def release(self) -> None:
        return None


class _AdvisoryLock:
    """A PostgreSQL session advisory lock on a connection of its own.

    The server releases it the moment the connection ends, so a killed process loses it at
    once; keepalives make the server notice a vanished machine within seconds too.
    """

    def __init__(self, connection: Any) -> None:
        self._connection = connection

    async def alive(self) -> bool:
        try:
            await asyncio.wait_for(self._connection.fetchval("SELECT 1"), timeout=5)
        except (TimeoutError, OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
            return False
        return True

    async def release(self) -> None:
        self._connection.terminate()


class Row(Protocol):
    """A result row: by column name or position (sqlite3.Row and asyncpg.Record both are)."""

    def keys(self) -> Iterable[str]:
        """Return the column names."""

    def __getitem__(self, key: Any) -> Any:
        """Return one column."""

    def __iter__(self) -> Iterator[Any]:
        """Yield the values in column order."""


_in_transaction: contextvars.ContextVar[tuple[Database, Any] | None] = contextvars.ContextVar(
    "in_transaction", default=None
)

PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA synchronous=NORMAL",
)
# How long a refused BEGIN or lone write is retried while another process holds the write
# lock (a backup, a console or a crashed CLI may hold it long); only then does the caller see
# the error. SQLite itself never waits on the loop's thread (busy timeout 0).
LOCK_PATIENCE: Final = 120.0
# Retries start at once and back off to this: a desk job pauses at least MIN_MAKE_WAY between
# its transactions, so polling faster than that always finds the lock free in a pause.
FIRST_RETRY_DELAY: Final = 0.001
MAX_RETRY_DELAY: Final = 0.005
# A wait this long is logged, and again each further BUSY_WARN_EVERY seconds.
BUSY_WARN_AFTER: Final = 5.0
BUSY_WARN_EVERY: Final = 1.0
# A transaction's statements run without a pause (an update's take well under a millisecond);
# a long one (a broadcast queued for 20,000 chats) gives the loop a turn at least this often.
TRANSACTION_SLICE: Final = 0.005
# Targets that name no file: one connection only, no second one for reads.
MEMORY: Final = frozenset({":memory:", ""})
# Bounds of the pause a desk writer takes between its transactions (see `make_way`).
MIN_MAKE_WAY: Final = 0.01
MAX_MAKE_WAY: Final = 0.2


def is_busy(error: BaseException) -> bool:
    """Tell whether an error is SQLite's "database is locked" (another process writes)."""
    code = getattr(error, "sqlite_errorcode", None)
    return isinstance(error, sqlite3.OperationalError) and code is not None and code & 0xFF == 5


_WRITE_WORDS = re.compile(r"\b(INSERT|UPDATE|DELETE|REPLACE|RETURNING)\b", re.IGNORECASE)


@lru_cache(maxsize=4096)
def is_plain_read(sql: str) -> bool:
    """Tell whether a statement only reads tables (a SELECT, or a WITH that writes nothing).

    PRAGMAs are not plain reads: they concern the connection that runs them.
    """
    head = sql.lstrip().split(None, 1)[0].upper() if sql.strip() else ""
    return head in ("SELECT", "WITH") and _WRITE_WORDS.search(sql) is None


def is_postgres_url(target: str | Path) -> bool:
    """Tell whether a database target names a PostgreSQL server rather than a SQLite file."""
    return isinstance(target, str) and target.startswith(POSTGRES_SCHEMES)


class Database(ABC):
    """Run statements and whole transactions; the only way repositories reach the data.

    `async with db.transaction():` makes the block one transaction, whole or nothing, and
    one writer at a time (BEGIN IMMEDIATE on SQLite, an advisory lock on PostgreSQL). Code
    inside it (in the same task) uses the transaction's connection without locking again.
    """

    engine: Engine
    path: str

    @classmethod
    async def connect(
        cls,
        target: str | Path,
        *,
        patience: float = LOCK_PATIENCE,
    ) -> Database:
        """Open a SQLite file, or a PostgreSQL database when given a postgresql:// URL.

        patience concerns SQLite's file lock; PostgreSQL waits for its lock.
        """
        if is_postgres_url(target):
            return await PostgresDatabase.open(str(target))
        return await SqliteDatabase.open(target, patience=patience)

    async def make_way(self) -> None:
        """Let other writers in between two transactions of a long job (see SQLite's)."""
        await asyncio.sleep(0)

    async def advance_sequences(self) -> None:
        """Move every id sequence past the highest id stored (SQLite needs nothing)."""
        return

    @abstractmethod
    async def close(self) -> None:
        """Close every connection."""

    @abstractmethod
    def transaction(self) -> Any:
        """Return an async context manager running its block as one transaction."""

    @abstractmethod
    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement and return the number of rows it changed."""

    @abstractmethod
    async def insert(self, sql: str, params: Params = ()) -> int:
        """Run an INSERT into a table with an `id` key and return the new row's id."""

    @abstractmethod
    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        """Run one statement for each row of parameters."""

    @abstractmethod
    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]:
        """Return every row of a query."""

    @abstractmethod
    async def execute_script(self, script: str) -> None:
        """Run several statements inside the current transaction."""

    @abstractmethod
    async def try_session_lock(self, name: str) -> SessionLock | None:
        """Take the named lock for this process unless another process holds it."""

    async def table_names(self) -> list[str]:
        """Return the names of the tables in the database, sorted."""
        rows = await self.fetch_all(self._TABLES)
        return sorted(str(row[0]) for row in rows)

    _TABLES = ""

    async def fetch_one(self, sql: str, params: Params = ()) -> Row | None:
        """Return the first row of a query, or None (for queries of at most a few rows)."""
        rows = await self.fetch_all(sql, params)
        return rows[0] if rows else None

    async def fetch_value(self, sql: str, params: Params = ()) -> Any:
        """Return the first column of the first row, or None."""
        row = await self.fetch_one(sql, params)
        return None if row is None else row[0]


class SqliteDatabase(Database):
    """One plain sqlite3 connection on the event loop's own thread; reads of committed data
    on a second, read-only connection in a worker thread.

    An update's transaction is a handful of indexed statements of microseconds each: running
    them at once costs less than handing each to a worker thread and waking the loop when it
    is done (what a thread-backed driver does per statement), so the whole update is one step
    of the loop. A transaction spans several awaits (the handlers between its statements), so
    a lock around each transaction (and around each write outside one) keeps another
    coroutine's statements out of it. Two things would block the loop and are kept off it:
    waiting for another process's write lock (the connection's busy timeout is 0; a refused
    `BEGIN` or lone write is retried after an `asyncio.sleep`), and reads outside a
    transaction (console pages, counts, export pages), which may take long and need no lock.
    """

    engine: Engine = "sqlite"
    _TABLES = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"

    def __init__(
        self, connection: sqlite3.Connection, path: str, patience: float = LOCK_PATIENCE
    ) -> None:
        self._connection = connection
        self._lock = asyncio.Lock()
        self._patience = patience
        self._last_hold = 0.0
        self._next_turn = 0.0
        self._reader: sqlite3.Connection | None = None
        self._reader_thread: ThreadPoolExecutor | None = None
        self.path = path
        # How often another process's write lock refused this connection (each refusal is
        # followed by a short sleep and a retry).
        self.busy_retries = 0

    @classmethod
    async def open(cls, path: str | Path, *, patience: float = LOCK_PATIENCE) -> SqliteDatabase:
        """Open the database file and set the PRAGMAs every connection needs."""
        connection = sqlite3.connect(str(path), isolation_level=None)
        try:
            connection.row_factory = sqlite3.Row
            # Never sleep inside SQLite on the loop's thread: a refusal comes back at once.
            connection.execute("PRAGMA busy_timeout=0")
            database = cls(connection, str(path), patience)
            for pragma in PRAGMAS:
                await database.execute(pragma)
        except BaseException:
            # A file that is not a database, or one we may not write, fails here.
            connection.close()
            raise
        return database

    async def close(self) -> None:
        """Close both connections."""
        if self._reader_thread is not None:
            reader_thread, self._reader_thread = self._reader_thread, None
            await asyncio.get_running_loop().run_in_executor(reader_thread, self._close_reader)
            reader_thread.shutdown(wait=True)
        self._connection.close()

    async def try_session_lock(self, name: str) -> SessionLock | None:
        """Return a lock that is always this process's: SQLite runs one bot process."""
        return _ProcessLock()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        """Run the block as one `BEGIN IMMEDIATE` transaction; roll back on error.

        When another process holds the write lock, BEGIN is retried (the loop serves others
        meanwhile) for up to the patience, so a busy database delays the block, never fails it.
        """
        if self._in_own_transaction():
            yield  # nested: the outer transaction commits
            return
        # One loop turn first, so a coroutine that writes in a loop cannot starve the others.
        await asyncio.sleep(0)
        async with self._lock:
            token = _in_transaction.set((self, self._connection))
            try:
                await self._when_free(lambda: self._connection.execute("BEGIN IMMEDIATE"))
                began = time.monotonic()
                self._next_turn = began + TRANSACTION_SLICE
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
            except sqlite3.IntegrityError as error:
                raise IntegrityError(str(error)) from error
            finally:
                _in_transaction.reset(token)

    async def make_way(self) -> None:
        """Pause about as long as the last transaction held the write lock.

        Long desk work (imports) writes in short transactions and calls this between them:
        another process waiting for the lock (the running bot) retries every few
        milliseconds, and gets it in this pause instead of waiting for the whole job.
        """
        await asyncio.sleep(min(max(self._last_hold, MIN_MAKE_WAY), MAX_MAKE_WAY))

    async def _when_free(self, attempt: Callable[[], T]) -> T:
        """Run a statement that takes no effect when refused; retry while the lock is taken."""
        started = time.monotonic()
        delay = FIRST_RETRY_DELAY
        warn_at = BUSY_WARN_AFTER
        while True:
            try:
                return attempt()
            except sqlite3.OperationalError as error:
                waited = time.monotonic() - started
                if not is_busy(error) or waited >= self._patience:
                    raise
            self.busy_retries += 1
            if waited >= warn_at:
                logger.warning("database: another process holds the write lock; waiting")
                warn_at = waited + BUSY_WARN_EVERY
            await asyncio.sleep(delay)
            delay = min(delay * 2, MAX_RETRY_DELAY)

    async def _take_turn(self) -> None:
        """Inside a transaction: let the loop run others when this one has run for a slice.

        The write lock stays held; what runs meanwhile is work that needs no database
        (sending replies, answering HTTP), so a long transaction never freezes the bot.
        """
        now = time.monotonic()
        if now >= self._next_turn:
            await asyncio.sleep(0)
            self._next_turn = now + TRANSACTION_SLICE

    def _in_own_transaction(self) -> bool:
        current = _in_transaction.get()
        return current is not None and current[0] is self

    async def _run(self, call: Callable[[sqlite3.Connection], T]) -> T:
        """Run one statement: in the current transaction, or alone (retried while busy)."""
        try:
            if self._in_own_transaction():
                await self._take_turn()
                return call(self._connection)
            await asyncio.sleep(0)  # one loop turn, as before a transaction
            async with self._lock:
                # A statement refused with SQLITE_BUSY took no effect: running it again is safe.
                return await self._when_free(lambda: call(self._connection))
        except sqlite3.IntegrityError as error:
            raise IntegrityError(str(error)) from error

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
        """Run one statement for each row of parameters, atomically.

        Outside a transaction the rows get one of their own: a refusal then comes at BEGIN,
        before any row, so waiting for the lock and retrying is safe.
        """
        try:
            async with self.transaction():
                self._connection.executemany(sql, rows)
        except sqlite3.IntegrityError as error:
            raise IntegrityError(str(error)) from error

    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]:
        """Return every row of a query.

        Inside a transaction the query runs on its connection and sees its writes. Outside
        one a plain read (`is_plain_read`) reads what is committed, on the read-only
        connection in the worker thread: the loop keeps serving people while a long read (a
        console page, an export page) runs, and the read waits for no transaction. Writes
        with RETURNING, PRAGMAs and an in-memory database use the one writing connection.
        """
        if self._in_own_transaction():
            await self._take_turn()
            return cast(list[Row], self._connection.execute(sql, params).fetchall())
        if self.path in MEMORY or not is_plain_read(sql):
            return await self._run(lambda connection: connection.execute(sql, params).fetchall())
        if self._reader_thread is None:
            self._reader_thread = ThreadPoolExecutor(1, thread_name_prefix="sqlite-reader")
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._reader_thread, self._read, sql, params)

    def _read(self, sql: str, params: Params) -> list[Row]:
        """Run a query on the read-only connection (in the reader thread only)."""
        if self._reader is None:
            reader = sqlite3.connect(self.path, isolation_level=None)
            reader.row_factory = sqlite3.Row
            # This thread may wait inside SQLite: it serves reads only.
            reader.execute(f"PRAGMA busy_timeout={int(self._patience * 1000)}")
            reader.execute("PRAGMA query_only=ON")
            self._reader = reader
        return cast(list[Row], self._reader.execute(sql, params).fetchall())

    def _close_reader(self) -> None:
        if self._reader is not None:
            self._reader.close()
            self._reader = None

    async def execute_script(self, script: str) -> None:
        """Run several statements inside the current transaction."""
        for statement in split_statements(script):
            await self.execute(statement)


class PostgresDatabase(Database):
    """A pool of asyncpg connections; transactions keep one connection for their block.

    Transactions of this process queue on an asyncio lock (as on SQLite, so one process
    never holds several pool connections waiting for the same advisory lock), then take the
    deployment-wide write lock inside the transaction: the semantics every repository was
    written for (a step's reads and writes see no other writer) hold across processes.
    Statements outside a transaction run on any free connection, in autocommit.
    """

    engine: Engine = "postgresql"
    _TABLES = (
        "SELECT table_name FROM information_schema.tables"
        " WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
    )

    def __init__(self, pool: Any, url: str) -> None:
        self._pool = pool
        self._lock = asyncio.Lock()
        self.path = url

    @classmethod
    async def open(cls, url: str, max_size: int = 10) -> PostgresDatabase:
        """Open a pool of connections to the database the URL names."""
        pool = await asyncpg.create_pool(url, min_size=1, max_size=max_size)
        return cls(pool, url)

    async def close(self) -> None:
        """Close every connection of the pool."""
        await self._pool.close()

    async def try_session_lock(self, name: str) -> SessionLock | None:
        """Take a session advisory lock on a connection of its own; None if another has it."""
        connection = await asyncpg.connect(self.path, server_settings=_KEEPALIVE)
        try:
            taken = await connection.fetchval("SELECT pg_try_advisory_lock(hashtext($1))", name)
        except BaseException:
            connection.terminate()
            raise
        if not taken:
            await connection.close()
            return None
        return _AdvisoryLock(connection)

    async def advance_sequences(self) -> None:
        """Move each identity sequence past its table's highest id, never backwards."""
        tables = await self.fetch_all(_IDENTITY_TABLES)
        for row in tables:
            table, sequence = str(row[0]), str(row[1])
            # Both names come from the catalogue, not from input.
            highest = await self.fetch_value(f"SELECT MAX(id) FROM {table}")  # noqa: S608
            if highest is None:
                continue
            current = await self.fetch_one(f"SELECT last_value, is_called FROM {sequence}")  # noqa: S608
            assert current is not None  # noqa: S101 - a sequence always has its one row
            behind = highest >= current[0] if not current[1] else highest > current[0]
            if behind:
                await self.execute("SELECT setval(?::regclass, ?, true)", (sequence, highest))

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        """Run the block as one transaction holding the write lock; roll back on error."""
        current = _in_transaction.get()
        if current is not None and current[0] is self:
            yield
            return
        async with self._lock, self._pool.acquire() as connection:
            token = _in_transaction.set((self, connection))
            try:
                async with connection.transaction():
                    await connection.execute("SELECT pg_advisory_xact_lock($1)", WRITE_LOCK_KEY)
                    yield
            finally:
                _in_transaction.reset(token)

    @asynccontextmanager
    async def _statement(self) -> AsyncIterator[Any]:
        try:
            current = _in_transaction.get()
            if current is not None and current[0] is self:
                yield current[1]
                return
            async with self._pool.acquire() as connection:
                yield connection
        except asyncpg.IntegrityConstraintViolationError as error:
            raise _postgres_integrity(error) from error

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement and return the number of rows it changed."""
        async with self._statement() as connection:
            status = await connection.execute(to_postgres(sql), *params)
        return changed_rows(status)

    async def insert(self, sql: str, params: Params = ()) -> int:
        """Run an INSERT and return the new row's id (via RETURNING id)."""
        async with self._statement() as connection:
            value = await connection.fetchval(to_postgres(sql) + " RETURNING id", *params)
        if value is None:
            raise RuntimeError("INSERT produced no row id")
        return int(value)

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        """Run one statement for each row of parameters."""
        batch = [tuple(row) for row in rows]
        if not batch:
            return
        async with self._statement() as connection:
            await connection.executemany(to_postgres(sql), batch)

    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]:
        """Return every row of a query."""
        async with self._statement() as connection:
            return cast(list[Row], await connection.fetch(to_postgres(sql), *params))

    async def execute_script(self, script: str) -> None:
        """Run several statements inside the current transaction."""
        async with self._statement() as connection:
            for statement in split_statements(script):
                await connection.execute(statement)


_IDENTITY_TABLES = (
    "SELECT table_name, pg_get_serial_sequence(quote_ident(table_name), 'id')"
    " FROM information_schema.columns WHERE table_schema = current_schema()"
    " AND column_name = 'id' AND is_identity = 'YES' ORDER BY table_name"
)

# One pass over a statement: quoted text is kept as it is, everything else may be rewritten.
_POSTGRES_REWRITES = re.compile(
    r"(?P<quoted>'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\")"
    r"|(?P<mark>\?)"
    r"|(?P<like>\bLIKE\b)"
    r"|(?P<concat>\bgroup_concat\s*\()"
    r"|(?P<nocase>(?P<operand>\b[A-Za-z_][\w.]*)\s+COLLATE\s+NOCASE\b)",
    re.IGNORECASE,
)


@lru_cache(maxsize=4096)
def to_postgres(sql: str) -> str:
    """Translate a statement written for SQLite into PostgreSQL's dialect.

    `?` becomes `$1, $2, …`; `LIKE` becomes `ILIKE` (SQLite's LIKE ignores the case of ASCII
    letters, PostgreSQL's does not); `group_concat(x, sep)` becomes `string_agg(x, sep)`; and
    `column COLLATE NOCASE` becomes `lower(column)` (NOCASE folds ASCII letters only, and so
    does lower() under the C collation these databases use). Quoted text is left alone.
    """
    numbers = iter(range(1, 100_000))

    def replace(match: re.Match[str]) -> str:
        if match.group("mark"):
            return f"${next(numbers)}"
        if match.group("like"):
            return "ILIKE"
        if match.group("concat"):
            return "string_agg("
        if match.group("nocase"):
            return f"lower({match.group('operand')})"
        return match.group(0)

    return _POSTGRES_REWRITES.sub(replace, sql)


def changed_rows(status: str) -> int:
    """Return the row count of a PostgreSQL command tag (`UPDATE 3`, `INSERT 0 1`)."""
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else 0


def split_statements(script: str) -> list[str]:
    """Split a migration file into statements (no semicolons inside our SQL strings)."""
    lines = [line for line in script.splitlines() if not line.strip().startswith("--")]
    return [part.strip() for part in "\n".join(lines).split(";") if part.strip()]


def db_time(moment: datetime) -> str:
    """Return the stored form of a moment: ISO-8601 in UTC, so text order is time order."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime cannot be stored")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")
