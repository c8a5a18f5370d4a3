"""Parse an allocation sheet (columns nik, item, qty) into good rows and `line N: reason`s.

Line numbers count the header as line 1, as a spreadsheet numbers its rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Final

from pydantic import BaseModel, ConfigDict, field_validator
from pydantic import ValidationError as PydanticError

from handlers.equipment_rules import MAX_ITEM_NAME, EquipmentRefused, read_quantity
from handlers.tables import (
    BadCell,
    Cell,
    SheetError,
    header_columns,
    is_blank,
    row_values,
    validation_reason,
)
from handlers.textnorm import clean_line
from handlers.validation import ValidationError, normalize_nik
from storage.equipment import item_key

COLUMNS: Final = ("nik", "item", "qty")


class ImportRow(BaseModel):
    """One allocation as a sheet states it, validated."""

    model_config = ConfigDict(frozen=True)

    line: int
    nik: str
    item: str
    qty: int

    @field_validator("nik", mode="before")
    @classmethod
    def _nik(cls, value: str) -> str:
        try:
            return normalize_nik(value)
        except ValidationError as error:
            raise ValueError(str(error)) from error

    @field_validator("item", mode="before")
    @classmethod
    def _item(cls, value: str) -> str:
        name = clean_line(value) if len(value) <= MAX_ITEM_NAME * 10 else value
        if not name:
            raise ValueError("empty")
        if len(name) > MAX_ITEM_NAME:
            raise ValueError(f"longer than {MAX_ITEM_NAME} characters")
        return name

    @field_validator("qty", mode="before")
    @classmethod
    def _qty(cls, value: str) -> int:
        try:
            return read_quantity(value)
        except EquipmentRefused as error:
            raise ValueError(str(error)) from error


@dataclass(frozen=True)
class BadRow:
    """A row that was not imported, and why."""

    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


@dataclass
class ParsedSheet:
    """The rows of a sheet that passed the checks, and those that did not."""

    rows: list[ImportRow] = field(default_factory=list)
    bad: list[BadRow] = field(default_factory=list)


def parse_sheet(table: Iterable[list[Cell]]) -> ParsedSheet:
    """Check every row of a sheet whose first row names the columns nik, item and qty."""
    lines = iter(table)
    header = next(lines, None)
    if header is None or is_blank(header):
        raise SheetError("line 1: the header row nik,item,qty is missing")
    columns = header_columns(header, COLUMNS)
    parsed = ParsedSheet()
    first_line: dict[tuple[str, str], int] = {}
    for number, cells in enumerate(lines, start=2):
        if is_blank(cells):
            continue
        row = _parse_row(number, cells, columns, parsed)
        if row is None:
            continue
        key = (row.nik, item_key(row.item))
        if key in first_line:
            parsed.bad.append(BadRow(number, f"same nik and item as line {first_line[key]}"))
            continue
        first_line[key] = number
        parsed.rows.append(row)
    return parsed


def _parse_row(
    number: int, cells: list[Cell], columns: dict[str, int], parsed: ParsedSheet
) -> ImportRow | None:
    try:
        values = row_values(cells, columns)
    except BadCell as error:
        parsed.bad.append(BadRow(number, str(error)))
        return None
    try:
        return ImportRow.model_validate({"line": number, **values})
    except PydanticError as error:
        parsed.bad.append(BadRow(number, validation_reason(error)))
        return None
