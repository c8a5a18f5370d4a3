"""The one aiosqlite connection, its PRAGMAs and the transaction helper."""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiosqlite

Params = Sequence[Any] | dict[str, Any]

_in_transaction: contextvars.ContextVar[Database | None] = contextvars.ContextVar(
    "in_transaction", default=None
)

PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=5000",
    "PRAGMA synchronous=NORMAL",
)


class Database:
    """Serialise every statement of this process on one shared aiosqlite connection.

    aiosqlite runs one connection on one thread, so two coroutines that both open a
    transaction would interleave their statements. A lock around each transaction (and
    around each statement outside one) keeps every transaction whole.
    """

    def __init__(self, connection: aiosqlite.Connection, path: str) -> None:
        self._connection = connection
        self._lock = asyncio.Lock()
        self.path = path

    @classmethod
    async def connect(cls, path: str | Path) -> Database:
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
            for pragma in PRAGMAS:
                await connection.execute(pragma)
        except BaseException:
            # A file that is not a database, or one we may not write, fails here: close the
            # connection now, or its thread outlives the event loop and prints a traceback.
            await connection.close()
            raise
        return cls(connection, str(path))

    async def close(self) -> None:
        """Close the connection."""
        await self._connection.close()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        """Run the block as one `BEGIN IMMEDIATE` transaction; roll back on error."""
        if _in_transaction.get() is self:
            yield  # nested: the outer transaction commits
            return
        async with self._lock:
            token = _in_transaction.set(self)
            try:
                await self._connection.execute("BEGIN IMMEDIATE")
                try:
                    yield
                except BaseException:
                    await self._connection.rollback()
                    raise
                await self._connection.commit()
            finally:
                _in_transaction.reset(token)

    @asynccontextmanager
    async def _statement(self) -> AsyncIterator[aiosqlite.Connection]:
        if _in_transaction.get() is self:
            yield self._connection
            return
        async with self._lock:
            yield self._connection

    # Each aiosqlite call is a round trip to its worker thread, so every method below makes
    # exactly one: cursors are not closed by a second call but dropped (CPython finalises
    # them at once), and reads use execute_fetchall.

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement and return the number of rows it changed."""
        async with self._statement() as connection:
            cursor = await connection.execute(sql, params)
            return cursor.rowcount

    async def insert(self, sql: str, params: Params = ()) -> int:
        """Run an INSERT and return the new row id."""
        async with self._statement() as connection:
            row = await connection.execute_insert(sql, params)
            if row is None or row[0] is None:
                raise RuntimeError("INSERT produced no row id")
            return int(row[0])

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        """Run one statement for each row of parameters."""
        async with self._statement() as connection:
            await connection.executemany(sql, rows)

    async def fetch_one(self, sql: str, params: Params = ()) -> aiosqlite.Row | None:
        """Return the first row of a query, or None (for queries of at most a few rows)."""
        rows = await self.fetch_all(sql, params)
        return rows[0] if rows else None

    async def fetch_all(self, sql: str, params: Params = ()) -> list[aiosqlite.Row]:
        """Return every row of a query."""
        async with self._statement() as connection:
            return list(await connection.execute_fetchall(sql, params))

    async def fetch_value(self, sql: str, params: Params = ()) -> Any:
        """Return the first column of the first row, or None."""
        row = await self.fetch_one(sql, params)
        return None if row is None else row[0]

    async def execute_script(self, script: str) -> None:
        """Run several statements inside the current transaction."""
        async with self._statement() as connection:
            for statement in split_statements(script):
                await connection.execute(statement)


def split_statements(script: str) -> list[str]:
    """Split a migration file into statements (no semicolons inside our SQL strings)."""
    lines = [line for line in script.splitlines() if not line.strip().startswith("--")]
    return [part.strip() for part in "\n".join(lines).split(";") if part.strip()]


def db_time(moment: datetime) -> str:
    """Return the stored form of a moment: ISO-8601 in UTC, so text order is time order."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime cannot be stored")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")
