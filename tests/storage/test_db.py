"""The database: transactions, PRAGMAs, migrations and the stored form of time."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storage.db import Database, db_time, is_busy, split_statements
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
    """A migrated database whose own busy timeout is tiny, so the retry loop is exercised."""
    opened = await Database.connect(tmp_path / "db.sqlite3", busy_timeout=0.01)
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
    db = await Database.connect(tmp_path / "db.sqlite3", busy_timeout=0.01, patience=0)
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


# --- connection and migrations --------------------------------------------------------------


@pytest.mark.parametrize(
    ("pragma", "expected"),
    [
        ("journal_mode", "wal"),
        ("foreign_keys", 1),
        ("busy_timeout", 5000),
        ("synchronous", 1),  # NORMAL
    ],
)
async def test_connection_pragmas(db: Database, pragma: str, expected: object) -> None:
    assert await db.fetch_value(f"PRAGMA {pragma}") == expected


async def test_foreign_keys_are_enforced(db: Database) -> None:
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
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


def test_packaged_migrations_are_numbered_without_gaps() -> None:
    versions = [migration.version for migration in load_migrations()]
    assert versions == list(range(1, len(versions) + 1))


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
