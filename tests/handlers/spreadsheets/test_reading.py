"""The sheet reader: CSV dialects, what an .xlsx holds, Excel's numbers, and every bound."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

from handlers.equipment.imports import parse_sheet
from handlers.participants.imports import Choices
from handlers.participants.imports import parse_sheet as parse_participants
from handlers.participants.regions import load_region, load_sectors
from handlers.spreadsheets.reading import Cell, TableError, TableLimits, read_table
from tests.support.chat import GOOD_NIK
from tests.support.sheets import (
    CONTENT_TYPES,
    MAIN,
    PACKAGE_REL,
    REL,
    column_letters,
    dimension_bomb,
    entity_bomb,
    not_a_zip,
    unknown_compression,
    wide_row,
    write_workbook,
    write_xlsx,
    zip_bomb,
)

HEADER: list[Cell] = ["nik", "item", "qty"]
SMALL = TableLimits(max_rows=5, max_columns=10, max_file_bytes=2**20)


def rows(path: Path, limits: TableLimits | None = None) -> list[list[Cell]]:
    return list(read_table(path, limits))


def refusal(path: Path, limits: TableLimits | None = None) -> str:
    with pytest.raises(TableError) as refused:
        rows(path, limits)
    message = str(refused.value)
    assert message.startswith(f"{path.name}: ")
    assert "\n" not in message
    return message


# --- CSV ------------------------------------------------------------------------------------


def test_semicolon_csv_with_bom_as_excel_saves_it_in_indonesia(tmp_path: Path) -> None:
    path = tmp_path / "alokasi.csv"
    path.write_bytes("\ufeffnik;item;qty\r\n3216015505900002;Kompor batik;1\r\n".encode("utf-8"))
    assert rows(path) == [HEADER, [GOOD_NIK, "Kompor batik", "1"]]
    [parsed] = parse_sheet(read_table(path)).rows
    assert (parsed.nik, parsed.item, parsed.qty) == (GOOD_NIK, "Kompor batik", 1)


def test_utf16_tab_separated_as_excel_saves_unicode_text(tmp_path: Path) -> None:
    path = tmp_path / "alokasi.csv"
    path.write_bytes("nik\titem\tqty\r\n3216015505900002\tCafé ☕\t2\r\n".encode("utf-16"))
    assert rows(path) == [HEADER, [GOOD_NIK, "Café ☕", "2"]]


def test_quoted_fields_keep_their_separators_and_line_breaks(tmp_path: Path) -> None:
    path = tmp_path / "alokasi.csv"
    path.write_text('nik;item;qty\n"3216015505900002";"Kompor; ""besar""\nbaru";1\n')
    assert rows(path) == [HEADER, [GOOD_NIK, 'Kompor; "besar"\nbaru', "1"]]


def test_a_csv_field_larger_than_any_cell_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "alokasi.csv"
    path.write_text("nik,item,qty\n" + GOOD_NIK + ",x" + "y" * 200_000 + ",1\n")
    assert "line 2" in refusal(path)


def test_csv_columns_past_the_cap(tmp_path: Path) -> None:
    path = tmp_path / "lebar.csv"
    path.write_text(",".join(["nik", "item", "qty"] + [""] * 20) + "\n")
    assert rows(path, SMALL) == [["nik", "item", "qty"] + [""] * 7]  # empty ones cut off
    path.write_text(",".join(f"c{number}" for number in range(10_000)) + "\n")
    assert refusal(path, SMALL) == "lebar.csv: line 1 has more than 10 columns"


def test_a_file_over_the_size_cap_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "besar.csv"
    path.write_bytes(b"nik,item,qty\n" + b"x" * (2**20 + 1))
    assert "more than the 1 MB a sheet may have" in refusal(path, SMALL)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_rows_up_to_the_cap_are_read_and_one_more_is_refused(tmp_path: Path, suffix: str) -> None:
    table: list[list[Cell]] = [HEADER] + [[GOOD_NIK, f"Item {n}", "1"] for n in range(100_000)]
    at_cap = _write(tmp_path / f"penuh{suffix}", table)
    read = rows(at_cap)  # the default cap, IMPORT_MAX_ROWS's default
    assert len(read) == 100_001 and read[-1] == [GOOD_NIK, "Item 99999", "1"]
    over = _write(tmp_path / f"lebih{suffix}", [*table, [GOOD_NIK, "Satu lagi", "1"]])
    assert refusal(over) == (
        f"lebih{suffix}: more than 100000 rows below the header (IMPORT_MAX_ROWS); split the file"
    )


def test_blank_rows_do_not_count_against_the_cap(tmp_path: Path) -> None:
    path = tmp_path / "kosong.csv"
    path.write_text("nik,item,qty\n" + ",,\n" * 20 + "\n".join(["a,b,1"] * 5) + "\n")
    assert len(rows(path, SMALL)) == 26
    path.write_text("nik,item,qty\n" + "\n".join(["a,b,1"] * 6) + "\n")
    assert "more than 5 rows below the header" in refusal(path, SMALL)


def _write(path: Path, table: list[list[Cell]]) -> Path:
    if path.suffix == ".csv":
        path.write_text("\n".join(",".join(str(cell) for cell in row) for row in table) + "\n")
        return path
    return write_xlsx(path, table)


# --- what an .xlsx holds --------------------------------------------------------------------


def test_a_workbook_saved_by_openpyxl_reads_as_its_cells(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["nik", "item", "qty", "catatan"])
    sheet.append([GOOD_NIK, "Oven", 2, True])
    sheet.append(
        [GOOD_NIK, CellRichText("Kompor ", TextBlock(InlineFont(b=True), "batik")), 1.5, "=1+1"]
    )
    sheet["B5"] = "after a gap"
    workbook.save(tmp_path / "alokasi.xlsx")
    assert rows(tmp_path / "alokasi.xlsx") == [
        ["nik", "item", "qty", "catatan"],
        [GOOD_NIK, "Oven", 2, "TRUE"],
        [GOOD_NIK, "Kompor batik", 1.5],  # a formula without a saved result reads empty
        [],  # line 4 is not in the file: still a line, so line numbers stay the sheet's
        [None, "after a gap"],
    ]


def test_shared_strings_rich_runs_and_phonetic_guides(tmp_path: Path) -> None:
    path = tmp_path / "alokasi.xlsx"
    write_workbook(
        path,
        [
            '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>',
            '<row r="2"><c r="C2" t="str"><f>A1</f><v>cached</v></c></row>',
            "<row><c/><c><v>7</v></c></row>",  # no references: counted along
        ],
        strings_xml=(
            f'<sst xmlns="{MAIN}"><si><r><t>ni</t></r><r><t>k</t></r>'
            "<rPh><t>NIKU</t></rPh></si><si><t>item</t></si></sst>"
        ),
    )
    assert rows(path) == [["nik", "item"], [None, None, "cached"], [None, 7]]


def test_the_sheet_excel_shows_is_read(tmp_path: Path) -> None:
    path = tmp_path / "dua.xlsx"
    workbook = Workbook()
    first = workbook.active
    assert first is not None
    first.append(["first"])
    second = workbook.create_sheet("Peserta")
    second.append(["second"])
    workbook.active = 1
    workbook.save(path)
    assert rows(path) == [["second"]]


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ('<row r="1048577"><c r="A1048577"><v>1</v></c></row>', "past the last row a sheet"),
        ('<row r="2"/><row r="1"/>', "row 1 comes after row 2"),
        ('<row r="x"/>', "is not a row number"),
        ('<row r="1"><c r="B1"><v>1</v></c><c r="A1"><v>2</v></c></row>', "cells out of order"),
        ('<row r="1"><c r="XFE1"><v>1</v></c></row>', "past the last column"),
        ('<row r="1"><c r="1A"><v>1</v></c></row>', "is not a cell reference"),
        ('<row r="1"><c r="A1"><v>abc</v></c></row>', "a number cell holds no number"),
        ('<row r="1"><c r="A1" t="s"><v>5</v></c></row>', "not a readable .xlsx workbook"),
        (
            f'<row r="1"><c r="A1" t="inlineStr"><is><t>{"x" * 40_000}</t></is></c></row>',
            "a cell holds more than 32767 characters",
        ),
        ('<row r="1"><c r="A1"><v>1</v></row>', "not a readable .xlsx workbook"),
    ],
)
def test_a_malformed_sheet_is_refused_with_one_sentence(
    tmp_path: Path, row: str, reason: str
) -> None:
    path = write_workbook(tmp_path / "rusak.xlsx", [row])
    assert reason in refusal(path)


def test_a_sheet_whose_last_row_is_excels_last_is_read(tmp_path: Path) -> None:
    path = write_workbook(
        tmp_path / "jauh.xlsx",
        ['<row r="1"><c r="A1" t="inlineStr"><is><t>nik</t></is></c></row>',
         '<row r="1048576"><c r="A1048576"><v>1</v></c></row>'],
    )  # fmt: skip
    read = rows(path)
    assert len(read) == 1_048_576 and read[-1] == [1] and read[1] == []


def test_the_workbook_parts_are_found_through_their_relationships(tmp_path: Path) -> None:
    path = tmp_path / "lain.xlsx"
    sheet = (
        f'<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1" t="inlineStr">'
        "<is><t>found</t></is></c></row></sheetData></worksheet>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr(
            "_rels/.rels",
            f'<Relationships xmlns="{PACKAGE_REL}"><Relationship Id="r" '
            f'Type="{REL}/officeDocument" Target="/book/main.xml"/></Relationships>',
        )
        archive.writestr(
            "book/main.xml",
            f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>'
            '<sheet name="A" sheetId="1" r:id="s"/></sheets></workbook>',
        )
        archive.writestr(
            "book/_rels/main.xml.rels",
            f'<Relationships xmlns="{PACKAGE_REL}"><Relationship Id="s" '
            f'Type="{REL}/worksheet" Target="../data/one.xml"/></Relationships>',
        )
        archive.writestr("data/one.xml", sheet)
    assert rows(path) == [["found"]]


# --- Excel's numbers ------------------------------------------------------------------------

CHOICES = Choices(load_sectors(), load_region().kecamatan)
PARTICIPANT_HEADER = ["nik", "full_name", "phone", "business_name", "sector", "kecamatan"]


class Number(str):
    """A number cell's stored text, in the notation Excel wrote (e.g. 3.21601550590000E+15)."""


def participant_row(nik: str, phone: str) -> str:
    """Row 2 of a participants sheet; Number values become number cells, others text."""
    cells = [nik, "Siti Aminah", phone, "Batik Siti", "Lainnya", "Setu"]
    xml = []
    for column, value in enumerate(cells, start=1):
        reference = f"{column_letters(column)}2"
        if isinstance(value, Number):
            xml.append(f'<c r="{reference}"><v>{value}</v></c>')
        else:
            xml.append(f'<c r="{reference}" t="inlineStr"><is><t>{value}</t></is></c>')
    return f'<row r="2">{"".join(xml)}</row>'


def header_row() -> str:
    cells = "".join(
        f'<c r="{column_letters(n)}1" t="inlineStr"><is><t>{name}</t></is></c>'
        for n, name in enumerate(PARTICIPANT_HEADER, start=1)
    )
    return f'<row r="1">{cells}</row>'


def participants_sheet(path: Path, nik: str, phone: str) -> Path:
    return write_workbook(path, [header_row(), participant_row(nik, phone)])


@pytest.mark.parametrize(
    "nik_cell",
    ["3.21601550590000E+15", "3216015505900000", "3216015505900002", "3.2160155059E+15"],
)
def test_a_nik_stored_as_a_number_is_a_bad_row_never_a_guess(
    tmp_path: Path, nik_cell: str
) -> None:
    path = participants_sheet(tmp_path / "peserta.xlsx", Number(nik_cell), "0812-3456-7890")
    parsed = parse_participants(read_table(path), CHOICES)
    assert parsed.rows == []
    assert [str(bad) for bad in parsed.bad] == [
        "line 2: NIK is a number in the sheet — Excel keeps only 15 digits;"
        " format the NIK column as Text and type it again"
    ]


def test_the_same_nik_as_text_is_imported(tmp_path: Path) -> None:
    path = participants_sheet(tmp_path / "peserta.xlsx", GOOD_NIK, "0812-3456-7890")
    [row] = parse_participants(read_table(path), CHOICES).rows
    assert row.nik == GOOD_NIK


@pytest.mark.parametrize(
    ("phone_cell", "stored"),
    [
        ("6281234567890", "+6281234567890"),  # 13 digits: nothing lost
        ("81234567890", "+6281234567890"),  # the leading 0 is only the trunk prefix
        ("6.2812345678E+12", "+6281234567800"),  # Excel's notation of a whole number
        ("6281234567890.0", "+6281234567890"),
    ],
)
def test_a_phone_stored_as_a_whole_number_of_15_digits_or_fewer_is_taken(
    tmp_path: Path, phone_cell: str, stored: str
) -> None:
    path = participants_sheet(tmp_path / "peserta.xlsx", GOOD_NIK, Number(phone_cell))
    parsed = parse_participants(read_table(path), CHOICES)
    assert parsed.bad == []
    assert [row.phone for row in parsed.rows] == [stored]


@pytest.mark.parametrize(
    "phone_cell", [Number("6.28123456789012E+15"), Number("62812345678.5"), "6.28123E+12"]
)
def test_a_phone_number_that_may_have_lost_digits_is_a_bad_row(
    tmp_path: Path, phone_cell: str
) -> None:
    path = participants_sheet(tmp_path / "peserta.xlsx", GOOD_NIK, phone_cell)
    parsed = parse_participants(read_table(path), CHOICES)
    assert parsed.rows == []
    assert [str(bad) for bad in parsed.bad] == [
        "line 2: phone: the phone number is a number in the sheet and may have lost digits;"
        " format the phone column as Text and type it again"
    ]


# --- hostile files (in-process: what each one is refused for) --------------------------------


def test_the_declared_dimension_is_ignored_and_only_real_rows_are_read(tmp_path: Path) -> None:
    assert rows(dimension_bomb(tmp_path / "bom.xlsx")) == [HEADER]


def test_a_zip_bomb_is_refused_before_anything_is_unpacked(tmp_path: Path) -> None:
    path = zip_bomb(tmp_path / "bom.xlsx", unpacked_mb=140)
    assert path.stat().st_size < 2**20
    assert refusal(path) == (
        "bom.xlsx: unpacks to 140 MB, more than 128 MB: split the sheet or save it as .csv"
    )


def test_a_row_of_ten_thousand_columns_is_refused(tmp_path: Path) -> None:
    assert refusal(wide_row(tmp_path / "lebar.xlsx")) == (
        "lebar.xlsx: line 1 has a value in column 101, more than the 100 columns a sheet may have"
    )


def test_a_file_that_is_not_a_zip_is_refused(tmp_path: Path) -> None:
    assert "not a zip archive" in refusal(not_a_zip(tmp_path / "palsu.xlsx"))


def test_an_entity_bomb_is_refused_unexpanded(tmp_path: Path) -> None:
    assert "declares a DTD" in refusal(entity_bomb(tmp_path / "bom.xlsx"))


def test_a_workbook_of_many_parts_is_refused(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "banyak.xlsx", [HEADER])
    with zipfile.ZipFile(path, "a") as archive:
        for number in range(1_000):
            archive.writestr(f"xl/media/{number}.bin", b"")
    assert "more than a workbook has" in refusal(path)


def test_a_huge_shared_text_table_is_refused(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "teks.xlsx", [HEADER], strings=["x" * 1000] * 2000)
    limits = TableLimits(max_strings_bytes=2**20)
    assert "text table is larger than 1 MB" in refusal(path, limits)


def test_a_workbook_packed_with_an_unknown_compression_method_is_refused(tmp_path: Path) -> None:
    # zipfile raises NotImplementedError for it; the reader answers with its one line.
    path = unknown_compression(tmp_path / "alokasi.xlsx")
    with zipfile.ZipFile(path) as archive, pytest.raises(NotImplementedError):
        archive.read(archive.namelist()[0])
    assert refusal(path) == (
        "alokasi.xlsx: not a readable .xlsx workbook (That compression method is not supported)"
    )
