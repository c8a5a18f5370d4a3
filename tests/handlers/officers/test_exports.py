"""Streaming CSV/XLSX exports and the rekap penerima bantuan."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Sequence
from datetime import timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from handlers.equipment.cases import add_note, record_answer
from handlers.equipment.export import ALLOCATION_COLUMNS
from handlers.officers.exports import write_export
from handlers.spreadsheets.writing import CellValue, defuse, write_table
from storage import Storage
from tests.support.chat import NOW, OTHER_NIK, ZONE
from tests.support.equipment import allocate, handed_over, participant_with_chat

HEADER = ("nik", "full_name", "phone", "qty")
ROWS: list[list[CellValue]] = [
    ["3216015505900002", "Siti Ñurhayati", "+6281234567890", 3],
    ["9471015505900003", '=HYPERLINK("http://x")', "-", None],
]


async def rows_of(values: Sequence[list[CellValue]]) -> AsyncIterator[list[CellValue]]:
    for row in values:
        yield row


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("+62 812 3456", "+62 812 3456"),
        ("-5", "-5"),
        ("-", "'-"),
        ("+cmd", "'+cmd"),
        ("Batik Siti", "Batik Siti"),
        ("", ""),
    ],
)
def test_csv_values_never_become_formulas(value: str, safe: str) -> None:
    assert defuse(value) == safe


async def test_csv_is_utf8_with_a_header(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    assert await write_table(out, "csv", HEADER, rows_of(ROWS)) == 2
    with out.open(encoding="utf-8", newline="") as handle:
        assert list(csv.reader(handle)) == [
            list(HEADER),
            ["3216015505900002", "Siti Ñurhayati", "+6281234567890", "3"],
            ["9471015505900003", '\'=HYPERLINK("http://x")', "'-", ""],
        ]


async def test_xlsx_keeps_nik_and_phone_as_text(tmp_path: Path) -> None:
    out = tmp_path / "out.xlsx"
    assert await write_table(out, "xlsx", HEADER, rows_of(ROWS)) == 2
    sheet = load_workbook(out).active
    assert sheet is not None
    assert [cell.value for cell in sheet[1]] == list(HEADER)
    nik, name, phone, qty = sheet[2]
    assert (nik.value, nik.data_type, nik.number_format) == ("3216015505900002", "s", "@")
    assert (phone.value, phone.data_type, phone.number_format) == ("+6281234567890", "s", "@")
    assert (name.value, qty.value, qty.data_type) == ("Siti Ñurhayati", 3, "n")
    formula = sheet["B3"]
    assert (formula.value, formula.data_type) == ('=HYPERLINK("http://x")', "s")


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
async def test_writes_to_a_stream_and_many_rows(export_format: str) -> None:
    many = [[f"32160155059{index:05d}", "Nama", "+62", index] for index in range(3000)]
    target = io.BytesIO()
    written = await write_table(target, export_format, HEADER, rows_of(many))
    assert written == 3000
    assert not target.closed and target.getvalue()


async def test_unknown_format_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown export format"):
        await write_table(tmp_path / "x.ods", "ods", HEADER, rows_of(ROWS))


async def test_rekap_penerima_bantuan(storage: Storage, tmp_path: Path) -> None:
    siti = await participant_with_chat(storage)
    budi = await participant_with_chat(storage, "2002", nik=OTHER_NIK, name="Budi Santoso")
    handover = await handed_over(storage, siti, ("Oven", 1), ("Canting batik", 5))
    await allocate(storage, budi, ("Tangga", 2))
    later = NOW + timedelta(hours=2)
    oven, canting = handover.allocations
    await record_answer(storage, oven, "damaged", actor="p", now=later, zone=ZONE)
    oven_now = await storage.allocations.get(oven.id)
    assert oven_now is not None
    await add_note(storage, oven_now, "pintu penyok", actor="p", now=later, zone=ZONE)
    await record_answer(storage, canting, "received", actor="p", now=later, zone=ZONE)
    out = tmp_path / "rekap.csv"
    assert await write_export(storage, ZONE, "allocations", out, "csv") == 3
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert tuple(rows[0]) == ALLOCATION_COLUMNS
    assert [
        (r["nik"], r["full_name"], r["item"], r["qty"], r["confirmation"], r["note"]) for r in rows
    ] == [
        ("3216015505900002", "Siti Aminah", "Oven", "1", "damaged", "pintu penyok"),
        ("3216015505900002", "Siti Aminah", "Canting batik", "5", "received", ""),
        (OTHER_NIK, "Budi Santoso", "Tangga", "2", "", ""),
    ]
    assert rows[0]["handed_over_at"] == "2026-11-27 10:00"  # WIB
    assert rows[0]["confirmed_at"] == "2026-11-27 12:00"
    assert (rows[0]["handed_over_by"], rows[0]["open_case"]) == ("Budi", "1")
    assert rows[2]["handed_over_at"] == rows[2]["handed_over_by"] == ""
    xlsx = tmp_path / "rekap.xlsx"
    assert await write_export(storage, ZONE, "allocations", xlsx, "xlsx") == 3
    sheet = load_workbook(xlsx).active
    assert sheet is not None and sheet["A4"].value == OTHER_NIK
    assert sheet["A4"].number_format == "@"


async def test_rekap_reads_page_by_page(storage: Storage) -> None:
    participant = await participant_with_chat(storage)
    await allocate(storage, participant, ("Oven", 1), ("Mixer", 1), ("Tangga", 1))
    records = [record.item_name async for record in storage.allocations.records(page_size=2)]
    assert records == ["Oven", "Mixer", "Tangga"]
