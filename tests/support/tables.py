"""Every row of every table, in an order that does not depend on the engine."""

from __future__ import annotations

from typing import Any

from storage import Storage


async def table_rows(storage: Storage, *skip: str) -> dict[str, list[tuple[Any, ...]]]:
    """Return each table's rows, sorted, except the tables named."""
    found = {}
    for name in await storage.db.table_names():
        if name in skip:
            continue
        rows = await storage.db.fetch_all(f"SELECT * FROM {name}")  # noqa: S608
        found[name] = sorted((tuple(row) for row in rows), key=repr)
    return found
