"""The equipment tables: seeded items, constraints the schema enforces, repositories."""

from __future__ import annotations

import pytest

from storage import Storage
from storage.db import IntegrityError, db_time
from storage.equipment import ItemNameTaken, item_key
from storage.models import NewParticipant
from tests.support.chat import GOOD_NIK, NOW

STAMP = db_time(NOW)


async def participant(storage: Storage) -> int:
    async with storage.db.transaction():
        created = await storage.participants.create(
            NewParticipant(
                nik=GOOD_NIK,
                full_name="Siti Aminah",
                phone="+6281234567890",
                business_name="Batik Siti",
                sector="Batik & Tekstil",
                kecamatan="Cikarang Utara",
            ),
            NOW,
        )
    return created.id


async def test_the_five_items_are_seeded(storage: Storage) -> None:
    items = await storage.equipment_items.list_all()
    assert [(item.name, item.unit) for item in items] == [
        ("Canting batik", "buah"),
        ("Kompor batik", "unit"),
        ("Oven", "unit"),
        ("Mixer", "unit"),
        ("Tangga", "buah"),
    ]


async def test_items_are_found_and_unique_whatever_the_case(storage: Storage) -> None:
    assert item_key("  Canting   BATIK ") == "canting batik"
    found = await storage.equipment_items.get_by_name("canting  batik")
    assert found is not None and found.name == "Canting batik"
    with pytest.raises(ItemNameTaken):
        await storage.equipment_items.add("OVEN", "unit")
    added = await storage.equipment_items.add("Kompor gas", "unit")
    renamed = await storage.equipment_items.update(added.id, "Kompor Gas 2 tungku", "set")
    assert await storage.equipment_items.get(added.id) == renamed
    with pytest.raises(ItemNameTaken):
        await storage.equipment_items.update(added.id, "mixer", "unit")


@pytest.mark.parametrize(
    ("columns", "values"),
    [
        ("quantity", "0"),
        ("quantity", "1001"),
        ("confirmation, confirmed_at", f"'received', '{STAMP}'"),  # never handed over
        ("handed_over_at", f"'{STAMP}'"),  # handed over by nobody
        (
            "handed_over_at, handed_over_by, confirmation, confirmed_at",
            f"'{STAMP}', 'Budi', 'lost', '{STAMP}'",
        ),
        ("handed_over_at, handed_over_by, confirmation", f"'{STAMP}', 'Budi', 'received'"),
        ("note", "''"),
    ],
)
async def test_the_schema_refuses_impossible_allocations(
    storage: Storage, columns: str, values: str
) -> None:
    participant_id = await participant(storage)
    base = {"quantity": "1"}
    names = ["participant_id", "item_id", "created_at", "updated_at", *columns.split(", ")]
    if "quantity" not in names:
        names.append("quantity")
        values += ", " + base["quantity"]
    sql = (
        f"INSERT INTO allocation ({', '.join(names)})"
        f" VALUES ({participant_id}, 1, '{STAMP}', '{STAMP}', {values})"
    )
    with pytest.raises(IntegrityError):
        await storage.db.execute(sql)


async def test_one_allocation_per_participant_and_item(storage: Storage) -> None:
    participant_id = await participant(storage)
    await storage.allocations.create(participant_id, 3, 1, NOW)
    with pytest.raises(IntegrityError):
        await storage.allocations.create(participant_id, 3, 2, NOW)


async def test_one_open_case_per_allocation(storage: Storage) -> None:
    participant_id = await participant(storage)
    allocation = await storage.allocations.create(participant_id, 3, 1, NOW)
    await storage.allocations.mark_handed_over([allocation.id], "Budi", NOW)
    first = await storage.equipment_cases.open(allocation.id, "damaged", NOW)
    with pytest.raises(IntegrityError):
        await storage.equipment_cases.open(allocation.id, "not_received", NOW)
    assert await storage.equipment_cases.resolve(first.id, "officer:1", "diganti", NOW)
    assert not await storage.equipment_cases.resolve(first.id, "officer:1", "lagi", NOW)
    second = await storage.equipment_cases.open(allocation.id, "not_received", NOW)
    assert second.id > first.id  # PostgreSQL's sequence also counts the refused insert
    assert await storage.equipment_cases.count_open() == 1
    latest = await storage.equipment_cases.latest_open_for_participant(participant_id)
    assert latest is not None and latest.id == second.id


async def test_a_handover_is_recorded_once(storage: Storage) -> None:
    participant_id = await participant(storage)
    allocation = await storage.allocations.create(participant_id, 3, 1, NOW)
    assert await storage.allocations.mark_handed_over([allocation.id], "Budi", NOW) == 1
    assert await storage.allocations.mark_handed_over([allocation.id], "Ani", NOW) == 0
    stored = await storage.allocations.get(allocation.id)
    assert stored is not None and (stored.handed_over_by, stored.handed_over_at) == ("Budi", NOW)
