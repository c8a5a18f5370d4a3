"""Copy every table of one database into another, empty one, and prove the copy whole."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from storage.db import Database
from storage.migrate import applied_versions, migrate

BATCH = 2_000
# Which tables a copy brings over, and in which order: creation order, so a table comes
# after every table it refers to. schema_version is the target's own (the same versions).
_SQLITE_TABLES = (
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    " AND name <> 'schema_version' ORDER BY rowid"
)
_POSTGRES_TABLES = (
    "SELECT table_name FROM information_schema.tables"
    " WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
)


class TargetNotEmpty(Exception):
    """The target database already holds tables; a copy never overwrites data."""


class CopyMismatch(Exception):
    """The copy's row count or checksum differs from the source's."""


@dataclass(frozen=True)
class TableCopy:
    """One table's rows and checksum, the same in source and target."""

    name: str
    rows: int
    checksum: str


@dataclass(frozen=True)
class Table:
    """A table's columns and primary key, as the source declares them."""

    name: str
    columns: tuple[str, ...]
    key: tuple[str, ...]

    def select(self, after: tuple[object, ...] | None = None) -> str:
        """Return the SELECT of every column in key order (identifiers from the schema)."""
        columns = ", ".join(self.columns)
        order = ", ".join(self.key)
        return f"SELECT {columns} FROM {self.name} ORDER BY {order}"  # noqa: S608


async def source_tables(source: Database) -> list[Table]:
    """Return the tables of a SQLite database with their columns and keys."""
    tables = []
    for row in await source.fetch_all(_SQLITE_TABLES):
        name = str(row["name"])
        info = await source.fetch_all(f"PRAGMA table_info({name})")
        columns = tuple(str(column["name"]) for column in info)
        keyed = sorted((int(c["pk"]), str(c["name"])) for c in info if int(c["pk"]) > 0)
        tables.append(Table(name, columns, tuple(name for _, name in keyed) or columns))
    return tables


async def check_empty(target: Database) -> None:
    """Raise TargetNotEmpty when the target database has any table."""
    found = await target.fetch_all(_POSTGRES_TABLES)
    if found:
        names = ", ".join(sorted(str(row["table_name"]) for row in found)[:5])
        raise TargetNotEmpty(f"the target database is not empty (it has tables: {names})")


async def copy_database(source: Database, target: Database, now: datetime) -> list[TableCopy]:
    """Copy a migrated SQLite database into an empty PostgreSQL one; verify; return the tables.

    The target gets the same migrations first, then every row with its ids (in one
    transaction), then each identity sequence is moved past the highest id. Row counts and
    a checksum over every value, in key order, must agree table by table.
    """
    await check_empty(target)
    await migrate(source, now)
    await migrate(target, now)
    if await applied_versions(source) != await applied_versions(target):
        raise CopyMismatch("source and target have different migrations")
    tables = await source_tables(source)
    async with target.transaction():
        for table in reversed(tables):  # seed rows of the migrations make way for the source's
            await target.execute(f"DELETE FROM {table.name}")  # noqa: S608
        for table in tables:
            await _copy_rows(source, target, table)
            if "id" in table.columns:
                highest = f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table.name}"  # noqa: S608
                await target.execute(
                    f"SELECT setval(pg_get_serial_sequence(?, 'id'), ({highest}), false)",
                    (table.name,),
                )
    copied = []
    for table in tables:
        before, after = await checksum(source, table), await checksum(target, table)
        if before != after:
            raise CopyMismatch(
                f"{table.name}: source has {before.rows} rows ({before.checksum[:12]}),"
                f" copy has {after.rows} ({after.checksum[:12]})"
            )
        copied.append(before)
    return copied


async def _copy_rows(source: Database, target: Database, table: Table) -> None:
    marks = ", ".join("?" for _ in table.columns)
    insert = f"INSERT INTO {table.name} ({', '.join(table.columns)}) VALUES ({marks})"  # noqa: S608
    rows = await source.fetch_all(table.select())
    for start in range(0, len(rows), BATCH):
        await target.executemany(insert, [tuple(row) for row in rows[start : start + BATCH]])


async def checksum(db: Database, table: Table) -> TableCopy:
    """Return a table's row count and a SHA-256 over its rows in key order."""
    digest = hashlib.sha256()
    rows = await db.fetch_all(table.select())
    for row in rows:
        digest.update(repr(tuple(row)).encode("utf-8"))
        digest.update(b"\n")
    return TableCopy(table.name, len(rows), digest.hexdigest())
