"""Allocation sheets: header, a table of bad rows with `line N: reason`, short transactions."""

from __future__ import annotations

from pathlib import Path

import pytest
from chat_support import GOOD_NIK, NOW, OTHER_NIK
from equipment_support import handed_over, participant_with_chat
from openpyxl import Workbook

from handlers.allocation_import import SheetError, parse_sheet
from handlers.equipment_admin import import_allocations
from handlers.tables import Cell, TableError, read_table
from storage import Storage

HEADER: list[Cell] = ["nik", "item", "qty"]
# A NIK beyond 2**53 cannot survive as a spreadsheet number; any NIK in a number cell may
# have lost its 16th digit.
PAPUA_NIK_AS_NUMBER = 9471015505900002.0
NIK_IS_NUMBER = "NIK is a number in the sheet — Excel keeps only 15 digits"


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (["123", "Oven", "1"], "nik: NIK must have exactly 16 digits"),
        (["", "Oven", "1"], "nik: NIK is empty"),
        (["3216O15505900002", "Oven", "1"], "nik: NIK may contain only digits"),
        (["1111111111111111", "Oven", "1"], "nik: NIK cannot be one digit repeated"),
        (["3216019905900002", "Oven", "1"], "nik: NIK does not contain a valid birth date"),
        ([PAPUA_NIK_AS_NUMBER, "Oven", "1"], NIK_IS_NUMBER),
        ([3216015505900002, "Oven", "1"], NIK_IS_NUMBER),
        ([3216015505900002.0, "Oven", "1"], NIK_IS_NUMBER),
        (["3.21601550590000E+15", "Oven", "1"], NIK_IS_NUMBER),
        (["3.21602E+15", "Oven", "1"], NIK_IS_NUMBER),
        ([GOOD_NIK, "", "1"], "item: empty"),
        ([GOOD_NIK, "x" * 101, "1"], "item: longer than 100 characters"),
        ([GOOD_NIK, "Oven", "0"], "qty: the quantity must be a whole number from 1 to 1000"),
        ([GOOD_NIK, "Oven", "1001"], "qty: the quantity must be"),
        ([GOOD_NIK, "Oven", "-2"], "qty: the quantity must be"),
        ([GOOD_NIK, "Oven", "1.5"], "qty: the quantity must be"),
        ([GOOD_NIK, "Oven", 2.5], "qty: the quantity must be"),
        ([GOOD_NIK, "Oven", "dua"], "qty: the quantity must be"),
        ([GOOD_NIK, "Oven", ""], "qty: the quantity must be"),
        ([GOOD_NIK, "Oven"], "qty: the quantity must be"),
        (["12", "", "x"], "nik: NIK must have exactly 16 digits; item: empty; qty: the quantity"),
    ],
)
def test_bad_rows_are_reported_with_their_line(row: list[Cell], reason: str) -> None:
    sheet = parse_sheet([HEADER, [GOOD_NIK, "Mixer", "1"], row])
    assert [row.line for row in sheet.rows] == [2]
    [bad] = sheet.bad
    assert str(bad).startswith(f"line 3: {reason}")


@pytest.mark.parametrize(
    ("row", "nik", "item", "qty"),
    [
        ([GOOD_NIK, "Oven", "1"], GOOD_NIK, "Oven", 1),
        (["3216 0155 0590 0002", "  canting   batik ", " 12 "], GOOD_NIK, "canting batik", 12),
        (["3216.0155.0590.0002", "Oven", 3.0], GOOD_NIK, "Oven", 3),
    ],
)
def test_good_rows_are_normalised(row: list[Cell], nik: str, item: str, qty: int) -> None:
    [parsed] = parse_sheet([HEADER, row]).rows
    assert (parsed.nik, parsed.item, parsed.qty) == (nik, item, qty)


def test_columns_in_any_order_and_case_extra_columns_and_blank_lines() -> None:
    sheet = parse_sheet(
        [
            ["\ufeffQTY", "Catatan", " Item ", "NIK"],
            ["2", "boleh diabaikan", "Oven", GOOD_NIK],
            [None, None, None, None],
            ["", "", "", ""],
            ["1", "", "Mixer", OTHER_NIK],
        ]
    )
    assert [(row.line, row.nik, row.item, row.qty) for row in sheet.rows] == [
        (2, GOOD_NIK, "Oven", 2),
        (5, OTHER_NIK, "Mixer", 1),
    ]
    assert sheet.bad == []


def test_the_same_nik_and_item_twice_is_a_bad_row() -> None:
    sheet = parse_sheet(
        [HEADER, [GOOD_NIK, "Oven", "1"], [GOOD_NIK, "Mixer", "1"], [GOOD_NIK, "OVEN", "2"]]
    )
    assert [str(bad) for bad in sheet.bad] == ["line 4: same nik and item as line 2"]


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ([], "line 1: the header row nik,item,qty is missing"),
        ([["", ""]], "line 1: the header row nik,item,qty is missing"),
        ([["nik", "item"]], "line 1: missing column(s) qty"),
        ([["NIK", "barang", "jumlah"]], "line 1: missing column(s) item, qty"),
    ],
)
def test_a_sheet_without_the_columns_is_refused(table: list[list[Cell]], message: str) -> None:
    with pytest.raises(SheetError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_sheet(table)


async def test_good_rows_are_stored_and_bad_ones_reported(storage: Storage) -> None:
    participant = await participant_with_chat(storage)
    await handed_over(storage, participant, ("Tangga", 1))
    sheet = parse_sheet(
        [
            HEADER,
            [GOOD_NIK, "Oven", "1"],
            [OTHER_NIK, "Oven", "1"],
            [GOOD_NIK, "Obeng", "1"],
            [GOOD_NIK, "Tangga", "2"],
            [GOOD_NIK, "Tangga", "1"],
            [GOOD_NIK, "mixer", "4"],
        ]
    )
    assert [str(bad) for bad in sheet.bad] == ["line 6: same nik and item as line 5"]
    report = await import_allocations(storage, sheet.rows, actor="cli", now=NOW)
    assert [str(bad) for bad in report.bad] == [
        "line 3: no participant with this NIK",
        "line 4: unknown item 'Obeng' (known: Canting batik, Kompor batik, Oven, Mixer, Tangga)",
        "line 5: already handed over (1 buah); the quantity cannot change now",
    ]
    assert (report.new, report.changed, report.unchanged) == (2, 0, 0)
    stored = await storage.allocations.for_participant(participant.id)
    assert [(a.item_name, a.quantity) for a in stored] == [
        ("Tangga", 1),
        ("Oven", 1),
        ("Mixer", 4),
    ]
    again = await import_allocations(storage, sheet.rows, actor="cli", now=NOW)
    assert (again.new, again.changed, again.unchanged, len(again.bad)) == (0, 0, 2, 3)
    assert len(await storage.allocations.for_participant(participant.id)) == 3
    changed = parse_sheet([HEADER, [GOOD_NIK, "Mixer", "5"]])
    report = await import_allocations(storage, changed.rows, actor="cli", now=NOW)
    assert (report.new, report.changed) == (0, 1)


async def test_an_import_cut_short_keeps_whole_chunks_and_running_it_again_completes_it(
    storage: Storage,
) -> None:
    participant = await participant_with_chat(storage)
    items = ("Oven", "Mixer", "Tangga")
    sheet = parse_sheet([HEADER, *([GOOD_NIK, item, "1"] for item in items)])
    calls = 0

    def fail_on_third_row() -> None:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        await import_allocations(
            storage, sheet.rows, actor="cli", now=NOW, on_row=fail_on_third_row, chunk_rows=2
        )
    stored = await storage.allocations.for_participant(participant.id)
    assert len(stored) == 2  # the first chunk; the failing one rolled back whole
    report = await import_allocations(storage, sheet.rows, actor="cli", now=NOW, chunk_rows=2)
    assert (report.new, report.unchanged) == (1, 2)
    assert len(await storage.allocations.for_participant(participant.id)) == 3


def test_csv_with_semicolons_and_windows_encoding(tmp_path: Path) -> None:
    path = tmp_path / "alokasi.csv"
    path.write_bytes("nik;item;qty\r\n3216015505900002;Oven;1\r\n;Caf\xe9;2\r\n".encode("cp1252"))
    assert list(read_table(path)) == [
        ["nik", "item", "qty"],
        [GOOD_NIK, "Oven", "1"],
        ["", "Café", "2"],
    ]


def test_utf8_csv_with_bom(tmp_path: Path) -> None:
    path = tmp_path / "alokasi.csv"
    path.write_text("nik,item,qty\n3216015505900002,Kompor batik,1\n", encoding="utf-8-sig")
    [parsed] = parse_sheet(read_table(path)).rows
    assert (parsed.nik, parsed.item) == (GOOD_NIK, "Kompor batik")


async def test_xlsx_with_numbers_in_cells(storage: Storage, tmp_path: Path) -> None:
    await participant_with_chat(storage)
    path = tmp_path / "alokasi.xlsx"
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["nik", "item", "qty"])
    sheet.append([GOOD_NIK, "Oven", 2])
    sheet.append([3216015505900000, "Mixer", 1])  # as Excel keeps a typed 16-digit number
    sheet.append([GOOD_NIK, "Kompor", 3.0])
    workbook.save(path)
    parsed = parse_sheet(read_table(path))
    assert [(row.item, row.qty) for row in parsed.rows] == [("Oven", 2), ("Kompor", 3)]
    assert [str(bad) for bad in parsed.bad] == [
        "line 3: NIK is a number in the sheet — Excel keeps only 15 digits;"
        " format the NIK column as Text and type it again"
    ]
    report = await import_allocations(storage, parsed.rows[:1], actor="cli", now=NOW)
    assert report.new == 1


@pytest.mark.parametrize("name", ["alokasi.txt", "alokasi.xls"])
def test_other_files_are_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(TableError, match="use a .csv or .xlsx file"):
        read_table(tmp_path / name)


def test_a_broken_workbook_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "rusak.xlsx"
    path.write_bytes(b"not a zip")
    with pytest.raises(TableError, match="not a readable .xlsx workbook"):
        list(read_table(path))
