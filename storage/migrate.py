"""Numbered SQL migrations, each applied in one transaction and recorded."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from importlib import resources

from storage.db import Database, db_time

_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


@dataclass(frozen=True)
class Migration:
    """One numbered schema change."""

    version: int
    name: str
    sql: str


def load_migrations() -> list[Migration]:
    """Return the packaged migrations in version order."""
    folder = resources.files("storage") / "migrations"
    found = []
    for entry in folder.iterdir():
        match = _NAME.match(entry.name)
        if match:
            found.append(Migration(int(match.group(1)), entry.name, entry.read_text("utf-8")))
    return sorted(found, key=lambda migration: migration.version)


async def applied_versions(db: Database) -> set[int]:
    """Return the versions already recorded in the database."""
    await db.execute(
        "CREATE TABLE IF NOT EXISTS schema_version ("
        " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
    )
    rows = await db.fetch_all("SELECT version FROM schema_version")
    return {int(row["version"]) for row in rows}


async def migrate(db: Database, now: datetime) -> list[str]:
    """Apply every pending migration and return the names of those applied."""
    done = await applied_versions(db)
    applied = []
    for migration in load_migrations():
        if migration.version in done:
            continue
        async with db.transaction():
            await db.execute_script(migration.sql)
            await db.execute(
                "INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)",
                (migration.version, migration.name, db_time(now)),
            )
        applied.append(migration.name)
    return applied
