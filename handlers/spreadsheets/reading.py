"""Read a spreadsheet an officer prepared (.csv or .xlsx) as rows of cell values."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Final

from openpyxl import load_workbook
from pydantic import ValidationError as PydanticError

CSV_DELIMITERS: Final = (",", ";", "\t")
# Above this, a float cannot hold every integer: a 16-digit NIK typed into a number cell has
# already lost digits by the time we read it.
EXACT_FLOAT_LIMIT: Final = 2**53

Cell = str | int | float | None


class TableError(Exception):
    """The file cannot be read as a table."""


def read_table(path: Path) -> Iterator[list[Cell]]:
    """Yield the rows of a .csv (UTF-8, or Windows-1252 as Excel saves it) or .xlsx file."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _read_csv(path)
    if suffix == ".xlsx":
        return _read_xlsx(path)
    raise TableError(f"{path.name}: use a .csv or .xlsx file")


def _read_csv(path: Path) -> Iterator[list[Cell]]:
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise TableError(f"{path.name}: {error.strerror or error}") from error
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        content = raw.decode("cp1252", errors="replace")
    lines = content.splitlines()
    first = lines[0] if lines else ""
    # Excel in an Indonesian locale saves "CSV" with semicolons.
    delimiter = max(CSV_DELIMITERS, key=first.count)
    for row in csv.reader(lines, delimiter=delimiter):
        yield list(row)


def _read_xlsx(path: Path) -> Iterator[list[Cell]]:
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:
        # openpyxl raises many kinds (zip, XML, key errors) for a file that is not a workbook.
        raise TableError(f"{path.name}: not a readable .xlsx workbook") from error
    try:
        sheet = workbook.active
        if sheet is None:
            return
        for values in sheet.iter_rows(values_only=True):
            yield [_xlsx_value(value) for value in values]
    finally:
        workbook.close()


def _xlsx_value(value: object) -> Cell:
    if value is None or isinstance(value, str | int | float):
        return value
    return str(value)


def cell_text(value: Cell) -> str:
    """Return a cell as the text a person would read in it ("12" for the number 12.0)."""
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
    """A cell that cannot be read as text, named by its column."""


class SheetError(Exception):
    """The sheet as a whole cannot be imported (no header, missing columns)."""


def header_columns(header: list[Cell], wanted: tuple[str, ...]) -> dict[str, int]:
    """Map each wanted column to its index in the header row; raise SheetError if any lacks."""
    try:
        names = [cell_text(cell).lstrip("\ufeff").strip().lower() for cell in header]
    except ValueError as error:
        raise SheetError(f"line 1: {error}") from error
    missing = [column for column in wanted if column not in names]
    if missing:
        raise SheetError(
            f"line 1: missing column(s) {', '.join(missing)} (need {','.join(wanted)})"
        )
    return {column: names.index(column) for column in wanted}


def row_values(cells: list[Cell], columns: dict[str, int]) -> dict[str, str]:
    """Return the row's text per column (empty past the row's end); raise BadCell."""
    values: dict[str, str] = {}
    for column, index in columns.items():
        try:
            values[column] = cell_text(cells[index]) if index < len(cells) else ""
        except ValueError as error:
            raise BadCell(f"{column}: {error}") from error
    return values


def validation_reason(error: PydanticError) -> str:
    """Return a pydantic error as `column: reason; ...`, the way import reports show it."""
    reasons = []
    for problem in error.errors():
        message = str(problem["msg"]).removeprefix("Value error, ")
        reasons.append(f"{problem['loc'][0]}: {message}")
    return "; ".join(reasons)
