"""Read a spreadsheet an officer prepared (.csv or .xlsx) as rows of cell values.

Every file read here (CLI imports now, uploads later) is bounded: its size, what an .xlsx
unpacks to, columns and rows are capped, so a hostile or mistaken file is refused in seconds
with one sentence instead of exhausting the server.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from pydantic import ValidationError as PydanticError

from handlers.spreadsheets.reasons import (
    BadRow,
    Reason,
    SheetProblem,
    from_validation,
    reason,
    render,
)
from handlers.spreadsheets.xlsx import EXCEL_MAX_ROWS, XlsxError, XlsxLimits, read_xlsx

CSV_DELIMITERS: Final = (",", ";", "\t")
# Above this, a float cannot hold every integer: a 16-digit NIK typed into a number cell has
# already lost digits by the time we read it.
EXACT_FLOAT_LIMIT: Final = 2**53
# Excel keeps 15 significant digits of a number: a whole number below this lost nothing.
EXCEL_EXACT_DIGITS: Final = 15
# How Excel writes a long number it shows in scientific notation ("3.21602E+15"), e.g. in
# a CSV saved from a sheet whose NIK column holds numbers.
_SCIENTIFIC = re.compile(r"\s*\d+(?:[.,]\d+)?[eE][+-]?\d+\s*")

Cell = str | int | float | None


class TableError(SheetProblem):
    """The file cannot be read as a table."""


@dataclass(frozen=True)
class TableLimits:
    """How big a sheet may be: every read is refused past these."""

    # Rows with a value below the header (the setting IMPORT_MAX_ROWS).
    max_rows: int = 100_000
    max_file_bytes: int = 32 * 2**20
    # What an .xlsx may unpack to, and its shared text table (held in memory while reading).
    max_unpacked_bytes: int = 128 * 2**20
    max_strings_bytes: int = 40 * 2**20
    max_entries: int = 1_000
    # Our sheets have a handful of columns; an export read back has about twenty.
    max_columns: int = 100


def read_table(path: Path, limits: TableLimits | None = None) -> Iterator[list[Cell]]:
    """Yield the rows of a .csv (UTF-8, UTF-16 or Windows-1252) or .xlsx file; raise TableError.

    The first row is the header; rows are yielded in sheet order, blank rows included, so
    the n-th row yielded is line n of the sheet.
    """
    limits = limits or TableLimits()
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise TableError(reason("table.wrong_type"), file=path.name)
    _check_size(path, limits)
    rows = _read_csv(path, limits) if suffix == ".csv" else _read_xlsx(path, limits)
    return _capped(rows, path.name, limits)


def _check_size(path: Path, limits: TableLimits) -> None:
    try:
        size = path.stat().st_size
    except OSError as error:
        raise _unreadable(path, error) from error
    if size > limits.max_file_bytes:
        megabytes = f"{size / 2**20:.0f}"
        why = reason("table.too_large", size=megabytes, max=limits.max_file_bytes // 2**20)
        raise TableError(why, file=path.name)


def _unreadable(path: Path, error: OSError) -> TableError:
    return TableError(
        reason("table.unreadable", detail=error.strerror or str(error)), file=path.name
    )


def _capped(rows: Iterator[list[Cell]], name: str, limits: TableLimits) -> Iterator[list[Cell]]:
    filled = 0
    for line, cells in enumerate(rows, start=1):
        if line > EXCEL_MAX_ROWS:
            raise TableError(reason("table.too_many_lines"), file=name)
        if is_blank(cells):
            yield cells
            continue
        filled += 1
        if filled > limits.max_rows + 1:  # the header is not counted
            raise TableError(reason("table.too_many_rows", max=limits.max_rows), file=name)
        yield cells


def _read_csv(path: Path, limits: TableLimits) -> Iterator[list[Cell]]:
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise _unreadable(path, error) from error
    content = _decode(raw)
    del raw
    first = content[: content.find("\n")] if "\n" in content else content
    # Excel in an Indonesian locale saves "CSV" with semicolons.
    delimiter = max(CSV_DELIMITERS, key=first.count)
    reader = csv.reader(io.StringIO(content, newline=""), delimiter=delimiter)
    line = 0
    try:
        for line, row in enumerate(reader, start=1):  # noqa: B007 - read after the loop
            if len(row) > limits.max_columns:
                if any(value.strip() for value in row[limits.max_columns :]):
                    why = reason("table.too_many_columns", line=line, max=limits.max_columns)
                    raise TableError(why, file=path.name)
                del row[limits.max_columns :]
            yield list(row)
    except csv.Error as error:
        why = reason("table.csv", detail=str(error))
        raise TableError(why, line=line + 1, file=path.name) from error


def _decode(raw: bytes) -> str:
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Excel's "Unicode Text" (tab separated) is UTF-16.
        return raw.decode("utf-16", errors="replace")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def _read_xlsx(path: Path, limits: TableLimits) -> Iterator[list[Cell]]:
    xlsx_limits = XlsxLimits(
        max_unpacked_bytes=limits.max_unpacked_bytes,
        max_strings_bytes=limits.max_strings_bytes,
        max_entries=limits.max_entries,
        max_columns=limits.max_columns,
    )
    line = 0
    try:
        for number, cells in read_xlsx(path, xlsx_limits):
            # Rows the sheet does not write are blank lines, so line numbers stay the sheet's.
            while line < number - 1:
                line += 1
                yield []
            line = number
            yield cells
    except XlsxError as error:
        raise TableError(error.reason, file=path.name) from error


def cell_text(value: Cell) -> str:
    """Return a cell as the text a person would read in it ("12" for the number 12.0)."""
    if isinstance(value, str):
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        if abs(value) >= EXACT_FLOAT_LIMIT:
            raise ValueError("stored as a number and lost digits: format the column as text")
        return str(int(value))
    return str(value).strip()


def is_blank(row: list[Cell]) -> bool:
    """Tell whether every cell of a row is empty."""
    return all(value is None or (isinstance(value, str) and not value.strip()) for value in row)


class BadCell(ValueError):
    """A cell that cannot be read as text; `reason` says why (in its column)."""

    def __init__(self, why: Reason) -> None:
        super().__init__(render(why, "en"))
        self.reason = why


class SheetError(SheetProblem):
    """The sheet as a whole cannot be imported (no header, missing columns)."""


def header_columns(header: list[Cell], wanted: tuple[str, ...]) -> dict[str, int]:
    """Map each wanted column to its index in the header row; raise SheetError if any lacks."""
    try:
        names = [cell_text(cell).lstrip("\ufeff").strip().lower() for cell in header]
    except ValueError as error:
        raise SheetError(reason("cell.lost_digits"), line=1) from error
    missing = [column for column in wanted if column not in names]
    if missing:
        why = reason("sheet.missing_columns", missing=", ".join(missing), columns=",".join(wanted))
        raise SheetError(why, line=1)
    return {column: names.index(column) for column in wanted}


def nik_text(value: Cell) -> str:
    """Return a NIK cell's text; refuse a number, whose last digits Excel may have changed."""
    if isinstance(value, int | float) or (isinstance(value, str) and _SCIENTIFIC.fullmatch(value)):
        raise BadCell(reason("cell.nik_is_number"))
    return cell_text(value)


def phone_text(value: Cell) -> str:
    """Return a phone cell's text; a number only when Excel cannot have changed a digit."""
    if isinstance(value, str) and _SCIENTIFIC.fullmatch(value):
        raise BadCell(reason("cell.phone_is_number").at("phone"))
    if isinstance(value, int | float) and not isinstance(value, bool):
        whole = isinstance(value, int) or value.is_integer()
        if not whole or abs(value) >= 10**EXCEL_EXACT_DIGITS:
            raise BadCell(reason("cell.phone_is_number").at("phone"))
        return str(int(value))
    return cell_text(value)


# Columns whose cells are read by their own rule rather than by cell_text.
_COLUMN_TEXT: Final = {"nik": nik_text, "phone": phone_text}


def row_values(cells: list[Cell], columns: dict[str, int]) -> dict[str, str]:
    """Return the row's text per column (empty past the row's end); raise BadCell."""
    values: dict[str, str] = {}
    for column, index in columns.items():
        value = cells[index] if index < len(cells) else None
        try:
            values[column] = _COLUMN_TEXT.get(column, cell_text)(value)
        except BadCell:
            raise
        except ValueError as error:
            raise BadCell(reason("cell.lost_digits").at(column)) from error
    return values


def bad_row(line: int, error: BadCell | PydanticError) -> BadRow:
    """Return a row refused by a cell or by its model's validation, with every reason."""
    if isinstance(error, BadCell):
        return BadRow(line, (error.reason,))
    return BadRow(line, from_validation(error))
