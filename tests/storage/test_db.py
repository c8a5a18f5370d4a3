"""The database: transactions, PRAGMAs, migrations and the stored form of time."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storage import db as db_module
from storage.db import (
    Database,
    IntegrityError,
    changed_rows,
    db_time,
    is_busy,
    is_plain_read,
    split_statements,
    to_postgres,
)
from storage.migrate import load_migrations, migrate

NOW = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)
PROPERTY = settings(database=None, deadline=None, max_examples=200)


class Boom(Exception):
    """Raised inside a transaction to make it roll back."""


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    """Open a fresh, migrated database, closed after the test."""
    opened = await Database.connect(tmp_path / "db.sqlite3")
    try:
        await migrate(opened, NOW)
        yield opened
    finally:
        await opened.close()


async def put(db: Database, key: str, value: str = "v") -> None:
    await db.execute("INSERT INTO bot_setting (key, value) VALUES (?, ?)", (key, value))


async def keys(db: Database) -> list[str]:
    return [row["key"] for row in await db.fetch_all("SELECT key FROM bot_setting ORDER BY key")]


# --- transactions ---------------------------------------------------------------------------


async def test_transaction_commits_every_statement(db: Database) -> None:
    async with db.transaction():
        await put(db, "a")
        await put(db, "b")
    assert await keys(db) == ["a", "b"]


async def test_error_rolls_back_the_whole_transaction_and_propagates(db: Database) -> None:
    await put(db, "before")
    with pytest.raises(Boom):
        async with db.transaction():
            await put(db, "a")
            await db.execute("UPDATE bot_setting SET value = 'changed' WHERE key = 'before'")
            raise Boom
    assert await keys(db) == ["before"]
    assert await db.fetch_value("SELECT value FROM bot_setting WHERE key = 'before'") == "v"


async def test_cancellation_rolls_back(db: Database) -> None:
    started = asyncio.Event()

    async def writer() -> None:
        async with db.transaction():
            await put(db, "a")
            started.set()
            await asyncio.sleep(3600)

    task = asyncio.create_task(writer())
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert await keys(db) == []


async def test_a_new_transaction_works_after_a_rollback(db: Database) -> None:
    with pytest.raises(Boom):
        async with db.transaction():
            await put(db, "a")
            raise Boom
    async with db.transaction():
        await put(db, "a")
    assert await keys(db) == ["a"]


async def test_nested_transaction_joins_the_outer_one(db: Database) -> None:
    async with db.transaction():
        await put(db, "outer")
        async with db.transaction():
            await put(db, "inner")
        # The inner block did not commit on its own: an outer failure still undoes it.
        assert await keys(db) == ["inner", "outer"]
    assert await keys(db) == ["inner", "outer"]


async def test_outer_failure_rolls_back_what_the_nested_block_wrote(db: Database) -> None:
    with pytest.raises(Boom):
        async with db.transaction():
            async with db.transaction():
                await put(db, "inner")
            await put(db, "outer")
            raise Boom
    assert await keys(db) == []


async def test_nested_failure_propagates_and_rolls_back_the_outer_one(db: Database) -> None:
    with pytest.raises(Boom):
        async with db.transaction():
            await put(db, "outer")
            async with db.transaction():
                await put(db, "inner")
                raise Boom
    assert await keys(db) == []


async def test_concurrent_transactions_do_not_interleave(db: Database) -> None:
    events: list[str] = []
    seen: dict[str, int] = {}

    async def worker(name: str) -> None:
        async with db.transaction():
            events.append(f"{name} begin")
            await put(db, name)
            await asyncio.sleep(0)
            await asyncio.sleep(0)
            seen[name] = int(await db.fetch_value("SELECT COUNT(*) FROM bot_setting"))
            events.append(f"{name} end")

    await asyncio.gather(worker("a"), worker("b"), worker("c"))
    # Each transaction ran whole: nobody else's row appeared between its insert and its read.
    assert sorted(seen.values()) == [1, 2, 3]
    for index in range(0, len(events), 2):
        name = events[index].split()[0]
        assert events[index : index + 2] == [f"{name} begin", f"{name} end"]


async def test_statement_outside_a_transaction_waits_for_the_open_one(db: Database) -> None:
    inside = asyncio.Event()

    async def failing_transaction() -> None:
        async with db.transaction():
            await put(db, "rolled back")
            inside.set()
            await asyncio.sleep(0)
            await asyncio.sleep(0)
            raise Boom

    async def lone_statement() -> None:
        await inside.wait()
        # Were it run on the shared connection now, the rollback would take it along.
        await put(db, "kept")

    results = await asyncio.gather(failing_transaction(), lone_statement(), return_exceptions=True)
    assert isinstance(results[0], Boom)
    assert results[1] is None
    assert await keys(db) == ["kept"]


# --- another process holds the write lock -------------------------------------------------


@pytest.fixture
async def impatient(tmp_path: Path) -> AsyncIterator[Database]:
    """A migrated database, refused the lock by another process in the tests below."""
    opened = await Database.connect(tmp_path / "db.sqlite3")
    try:
        await migrate(opened, NOW)
        yield opened
    finally:
        await opened.close()


@pytest.fixture
def other_process(impatient: Database) -> Iterator[sqlite3.Connection]:
    """A second connection, as another process (a desk import) would hold it."""
    connection = sqlite3.connect(impatient.path, isolation_level=None)
    try:
        yield connection
    finally:
        connection.close()


async def until_refused(db: Database, times: int) -> None:
    """Wait until the database has been refused the lock this many times."""
    while db.busy_retries < times:  # noqa: ASYNC110 - a counter, no event to wait on
        await asyncio.sleep(0.005)


async def test_a_transaction_waits_for_another_process_instead_of_failing(
    impatient: Database, other_process: sqlite3.Connection
) -> None:
    other_process.execute("BEGIN IMMEDIATE")
    other_process.execute("INSERT INTO bot_setting (key, value) VALUES ('desk', 'v')")

    async def write() -> None:
        async with impatient.transaction():
            await put(impatient, "bot")

    task = asyncio.create_task(write())
    await until_refused(impatient, 3)
    assert not task.done()
    other_process.execute("COMMIT")
    await task
    assert await keys(impatient) == ["bot", "desk"]


async def test_a_lone_statement_waits_for_another_process_too(
    impatient: Database, other_process: sqlite3.Connection
) -> None:
    other_process.execute("BEGIN IMMEDIATE")
    task = asyncio.create_task(put(impatient, "bot"))
    await until_refused(impatient, 2)
    other_process.execute("ROLLBACK")
    await task
    assert await keys(impatient) == ["bot"]


async def test_after_its_patience_the_lock_error_reaches_the_caller(
    tmp_path: Path,
) -> None:
    db = await Database.connect(tmp_path / "db.sqlite3", patience=0)
    other = sqlite3.connect(db.path, isolation_level=None)
    try:
        await migrate(db, NOW)
        other.execute("BEGIN IMMEDIATE")
        with pytest.raises(sqlite3.OperationalError) as refused:
            async with db.transaction():
                await put(db, "never")
        assert is_busy(refused.value)
        other.execute("ROLLBACK")
        assert await keys(db) == []
    finally:
        other.close()
        await db.close()


async def test_other_database_errors_are_not_retried(impatient: Database) -> None:
    with pytest.raises(sqlite3.OperationalError) as failed:
        await impatient.execute("INSERT INTO no_such_table VALUES (1)")
    assert not is_busy(failed.value)
    assert impatient.busy_retries == 0


async def test_the_loop_serves_others_while_the_database_waits_for_the_lock(
    impatient: Database, other_process: sqlite3.Connection
) -> None:
    other_process.execute("BEGIN IMMEDIATE")
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.001)

    async def write() -> None:
        async with impatient.transaction():
            await put(impatient, "bot")

    clock = asyncio.create_task(ticker())
    task = asyncio.create_task(write())
    await until_refused(impatient, 5)
    seen = ticks
    await until_refused(impatient, 10)
    # SQLite never slept on the loop's thread: other coroutines ran between the refusals.
    assert ticks > seen
    assert not task.done()
    other_process.execute("COMMIT")
    await task
    clock.cancel()
    assert await keys(impatient) == ["bot"]


async def test_a_long_wait_is_logged_once_per_period_not_per_retry(
    impatient: Database,
    other_process: sqlite3.Connection,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setattr(db_module, "BUSY_WARN_AFTER", 0.0)
    monkeypatch.setattr(db_module, "BUSY_WARN_EVERY", 3600.0)
    other_process.execute("BEGIN IMMEDIATE")
    with caplog.at_level(logging.WARNING, logger="storage.db"):
        task = asyncio.create_task(put(impatient, "bot"))
        await until_refused(impatient, 10)
        other_process.execute("ROLLBACK")
        await task
    waits = [r.getMessage() for r in caplog.records if r.name == "storage.db"]
    assert waits == ["database: another process holds the write lock; waiting"]


async def test_a_lone_executemany_is_atomic_and_waits_for_the_lock(
    impatient: Database, other_process: sqlite3.Connection
) -> None:
    insert = "INSERT INTO bot_setting (key, value) VALUES (?, ?)"
    with pytest.raises(IntegrityError, match="UNIQUE"):
        await impatient.executemany(insert, [("a", "1"), ("b", "2"), ("a", "3")])
    assert await keys(impatient) == []
    other_process.execute("BEGIN IMMEDIATE")
    task = asyncio.create_task(impatient.executemany(insert, [("a", "1"), ("b", "2")]))
    await until_refused(impatient, 3)
    other_process.execute("COMMIT")
    await task
    assert await keys(impatient) == ["a", "b"]


async def test_a_long_transaction_lets_the_loop_run_others_meanwhile(db: Database) -> None:
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0)

    clock = asyncio.create_task(ticker())
    await asyncio.sleep(0)
    async with db.transaction():
        before = ticks
        for number in range(20_000):
            await put(db, f"k{number}")
        # Twenty thousand inserts take longer than a slice: the ticker ran in between.
        assert ticks > before
    clock.cancel()
    assert await db.fetch_value("SELECT COUNT(*) FROM bot_setting") == 20_000


# A read that takes a while: SQLite counts five million generated rows.
LONG_READ = (
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000000)"
    " SELECT COUNT(*) FROM n"
)


async def test_a_long_read_runs_off_the_loop(db: Database) -> None:
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.001)

    clock = asyncio.create_task(ticker())
    read = asyncio.create_task(db.fetch_value(LONG_READ))
    while ticks < 5:  # noqa: ASYNC110 - a counter, no event to wait on
        await asyncio.sleep(0.001)
    # The loop went round several times while the read was still running.
    assert not read.done()
    assert await read == 5_000_000
    clock.cancel()


async def test_a_read_outside_a_transaction_sees_what_is_committed_and_waits_for_none(
    db: Database,
) -> None:
    await put(db, "committed")
    inside = asyncio.Event()
    release = asyncio.Event()

    async def writer() -> None:
        async with db.transaction():
            await put(db, "pending")
            # Inside the transaction its own write is seen.
            assert await keys(db) == ["committed", "pending"]
            inside.set()
            await release.wait()

    task = asyncio.create_task(writer())
    await inside.wait()
    # The open transaction holds the lock; the read does not wait for it.
    assert await keys(db) == ["committed"]
    release.set()
    await task
    assert await keys(db) == ["committed", "pending"]


async def test_a_write_with_returning_outside_a_transaction_runs_on_the_writer(
    db: Database,
) -> None:
    rows = await db.fetch_all(
        "INSERT INTO bot_setting (key, value) VALUES ('x', 'y') RETURNING key"
    )
    assert [row["key"] for row in rows] == ["x"]
    assert await keys(db) == ["x"]


@pytest.mark.parametrize(
    ("sql", "plain"),
    [
        ("SELECT 1", True),
        ("  select key FROM bot_setting", True),
        ("WITH x AS (SELECT 1) SELECT * FROM x", True),
        ("WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x", False),
        ("INSERT INTO t VALUES (1) RETURNING id", False),
        ("UPDATE t SET x = 1 RETURNING x", False),
        ("DELETE FROM t RETURNING x", False),
        ("PRAGMA table_info(t)", False),
        ("", False),
    ],
)
def test_plain_reads_are_told_from_writes(sql: str, *, plain: bool) -> None:
    assert is_plain_read(sql) is plain


async def test_an_in_memory_database_reads_on_its_one_connection() -> None:
    memory = await Database.connect(":memory:")
    try:
        await memory.execute("CREATE TABLE t (x INTEGER)")
        await memory.execute("INSERT INTO t VALUES (1)")
        assert await memory.fetch_value("SELECT SUM(x) FROM t") == 1
    finally:
        await memory.close()


# --- connection and migrations --------------------------------------------------------------


@pytest.mark.parametrize(
    ("pragma", "expected"),
    [
        ("journal_mode", "wal"),
        ("foreign_keys", 1),
        ("busy_timeout", 0),  # never sleeps on the loop's thread; refusals are retried
        ("synchronous", 1),  # NORMAL
    ],
)
async def test_connection_pragmas(db: Database, pragma: str, expected: object) -> None:
    assert await db.fetch_value(f"PRAGMA {pragma}") == expected


async def test_foreign_keys_are_enforced(db: Database) -> None:
    with pytest.raises(IntegrityError, match="FOREIGN KEY"):
        await db.execute(
            "INSERT INTO enrollment (participant_id, session_id, status, created_at, updated_at)"
            " VALUES (999, 999, 'enrolled', ?, ?)",
            (db_time(NOW), db_time(NOW)),
        )


async def test_migrations_are_recorded_in_schema_version(db: Database) -> None:
    rows = await db.fetch_all("SELECT version, name, applied_at FROM schema_version")
    expected = [(migration.version, migration.name) for migration in load_migrations()]
    assert sorted((row["version"], row["name"]) for row in rows) == expected
    assert {row["applied_at"] for row in rows} == {db_time(NOW)}


def test_packaged_migrations_are_numbered_one_to_n_without_gaps() -> None:
    versions = [migration.version for migration in load_migrations()]
    assert versions == list(range(1, len(versions) + 1))
    postgres = load_migrations("postgresql")
    assert [(m.version, m.name) for m in postgres] == [
        (m.version, m.name) for m in load_migrations()
    ]


async def test_migrate_applies_everything_once_and_is_idempotent_on_reopen(
    tmp_path: Path,
) -> None:
    path = tmp_path / "reopen.sqlite3"
    first = await Database.connect(path)
    try:
        applied = await migrate(first, NOW)
        assert applied == [migration.name for migration in load_migrations()]
        await put(first, "survives")
    finally:
        await first.close()

    second = await Database.connect(path)
    try:
        assert await migrate(second, NOW + timedelta(days=1)) == []
        assert await migrate(second, NOW + timedelta(days=2)) == []
        count = await second.fetch_value("SELECT COUNT(*) FROM schema_version")
        assert count == len(load_migrations())
        assert await keys(second) == ["survives"]
        stamps = await second.fetch_all("SELECT DISTINCT applied_at FROM schema_version")
        assert [row[0] for row in stamps] == [db_time(NOW)]
    finally:
        await second.close()


@pytest.mark.parametrize(
    ("script", "statements"),
    [
        ("", []),
        ("CREATE TABLE a (x);", ["CREATE TABLE a (x)"]),
        ("-- comment; with semicolon\nCREATE TABLE a (x);\n\n", ["CREATE TABLE a (x)"]),
        ("CREATE TABLE a (x);\nCREATE TABLE b (y)", ["CREATE TABLE a (x)", "CREATE TABLE b (y)"]),
        ("  -- only a comment\n;;\n", []),
    ],
)
def test_split_statements(script: str, statements: list[str]) -> None:
    assert split_statements(script) == statements


# --- stored time ----------------------------------------------------------------------------


def test_db_time_rejects_naive_datetimes() -> None:
    with pytest.raises(ValueError, match="naive"):
        db_time(datetime(2026, 1, 1, 9, 0))  # noqa: DTZ001 - the point of the test


@pytest.mark.parametrize(
    ("moment", "stored"),
    [
        (datetime(2026, 11, 27, 3, 0, tzinfo=UTC), "2026-11-27T03:00:00.000000+00:00"),
        (
            datetime(2026, 11, 27, 10, 0, tzinfo=timezone(timedelta(hours=7))),
            "2026-11-27T03:00:00.000000+00:00",
        ),
        (
            datetime(2026, 1, 1, 0, 30, 0, 5, tzinfo=timezone(timedelta(hours=1))),
            "2025-12-31T23:30:00.000005+00:00",
        ),
    ],
)
def test_db_time_is_utc_iso_with_microseconds(moment: datetime, stored: str) -> None:
    assert db_time(moment) == stored


OFFSETS = st.integers(min_value=-12 * 60, max_value=14 * 60).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)
MOMENTS = st.datetimes(
    min_value=datetime(1900, 1, 2),  # noqa: DTZ001 - hypothesis bounds are naive
    max_value=datetime(2200, 1, 1),  # noqa: DTZ001
    timezones=OFFSETS,
)


@PROPERTY
@given(first=MOMENTS, second=MOMENTS)
def test_db_time_text_order_is_time_order(first: datetime, second: datetime) -> None:
    assert (db_time(first) < db_time(second)) == (first < second)
    assert (db_time(first) == db_time(second)) == (first == second)


@PROPERTY
@given(moment=MOMENTS)
def test_db_time_round_trips(moment: datetime) -> None:
    assert datetime.fromisoformat(db_time(moment)) == moment


async def test_stored_times_sort_in_sql_as_times(db: Database) -> None:
    jakarta = timezone(timedelta(hours=7))
    moments = {
        "late_utc": datetime(2026, 11, 27, 4, 0, tzinfo=UTC),
        "early_wib": datetime(2026, 11, 27, 10, 30, tzinfo=jakarta),  # 03:30 UTC
        "earliest": datetime(2026, 11, 26, 23, 0, tzinfo=UTC),
    }
    for name, moment in moments.items():
        await db.execute(
            "INSERT INTO audit_log (actor, action, target, at) VALUES ('t', ?, NULL, ?)",
            (name, db_time(moment)),
        )
    rows = await db.fetch_all("SELECT action FROM audit_log ORDER BY at")
    assert [row[0] for row in rows] == ["earliest", "early_wib", "late_utc"]


@pytest.mark.parametrize(
    ("sql", "numbered"),
    [
        ("SELECT 1", "SELECT 1"),
        ("SELECT * FROM t WHERE a = ? AND b = ?", "SELECT * FROM t WHERE a = $1 AND b = $2"),
        (
            "UPDATE t SET a = '?', b = ? WHERE c = 'it''s ?'",
            "UPDATE t SET a = '?', b = $1 WHERE c = 'it''s ?'",
        ),
        ('SELECT "odd?name" FROM t WHERE x = ?', 'SELECT "odd?name" FROM t WHERE x = $1'),
        ("SELECT 1 WHERE a LIKE ? ESCAPE '\\'", "SELECT 1 WHERE a ILIKE $1 ESCAPE '\\'"),
        (
            "SELECT 1 WHERE a ilike 'LIKE' OR b like ?",
            "SELECT 1 WHERE a ilike 'LIKE' OR b ILIKE $1",
        ),
        ("SELECT group_concat(s.code, ' ')", "SELECT string_agg(s.code, ' ')"),
        (
            "ORDER BY p.full_name COLLATE NOCASE DESC, id",
            "ORDER BY lower(p.full_name) DESC, id",
        ),
        ("CREATE INDEX i ON t (name COLLATE nocase, id)", "CREATE INDEX i ON t (lower(name), id)"),
        ("SELECT 'a COLLATE NOCASE' || ?", "SELECT 'a COLLATE NOCASE' || $1"),
    ],
)
def test_statements_are_translated_outside_quotes(sql: str, numbered: str) -> None:
    assert to_postgres(sql) == numbered


@pytest.mark.parametrize(
    ("status", "rows"),
    [("UPDATE 3", 3), ("INSERT 0 1", 1), ("DELETE 0", 0), ("CREATE TABLE", 0), ("SELECT 12", 12)],
)
def test_command_tags_give_the_changed_rows(status: str, rows: int) -> None:
    assert changed_rows(status) == rows
