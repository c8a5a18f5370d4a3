"""SQLite idioms the repositories may use give the same answers on both engines."""

from __future__ import annotations

from storage import Storage
from storage.db import db_time
from tests.support.chat import NOW

NAMES = ("siti Aminah", "Budi", "agus", "Évi", "BUDIMAN")


async def add_people(storage: Storage) -> None:
    for number, name in enumerate(NAMES, start=1):
        await storage.db.execute(
            "INSERT INTO participant (nik, full_name, created_at, updated_at) VALUES (?, ?, ?, ?)",
            (f"32160155059{number:05d}", name, db_time(NOW), db_time(NOW)),
        )


async def names(storage: Storage, sql: str, *params: object) -> list[str]:
    return [str(row[0]) for row in await storage.db.fetch_all(sql, params)]


async def test_like_ignores_the_case_of_ascii_letters(storage: Storage) -> None:
    await add_people(storage)
    found = await names(
        storage, "SELECT full_name FROM participant WHERE full_name LIKE ? ORDER BY id", "%BUDI%"
    )
    assert found == ["Budi", "BUDIMAN"]
    escaped = await names(
        storage,
        "SELECT full_name FROM participant WHERE full_name LIKE ? ESCAPE '\\' ORDER BY id",
        "%\\_%",
    )
    assert escaped == []


async def test_nocase_orders_as_if_ascii_letters_were_lower_case(storage: Storage) -> None:
    await add_people(storage)
    ordered = await names(
        storage, "SELECT full_name FROM participant ORDER BY full_name COLLATE NOCASE, id"
    )
    # Non-ASCII letters sort after every ASCII one on both engines (byte order of UTF-8).
    assert ordered == ["agus", "Budi", "BUDIMAN", "siti Aminah", "Évi"]


async def test_group_concat_joins_with_the_separator(storage: Storage) -> None:
    await add_people(storage)
    joined = await storage.db.fetch_value(
        "SELECT group_concat(full_name, '|') FROM participant WHERE full_name LIKE 'b%'"
    )
    assert sorted(str(joined).split("|")) == ["BUDIMAN", "Budi"]


async def test_an_id_written_by_hand_does_not_block_the_next_insert(storage: Storage) -> None:
    # A migration that seeds a row with its own id (id = 1000 here) must not leave the
    # sequence behind it: the next insert without an id gets a free one.
    await storage.db.execute(
        "INSERT INTO audit_log (id, actor, action, at) VALUES (1000, 'test', 'seed', ?)",
        (db_time(NOW),),
    )
    await storage.db.advance_sequences()
    added = await storage.db.insert(
        "INSERT INTO audit_log (actor, action, at) VALUES ('test', 'next', ?)", (db_time(NOW),)
    )
    assert added > 1000
    await storage.db.advance_sequences()  # never backwards
    again = await storage.db.insert(
        "INSERT INTO audit_log (actor, action, at) VALUES ('test', 'again', ?)", (db_time(NOW),)
    )
    assert again == added + 1
