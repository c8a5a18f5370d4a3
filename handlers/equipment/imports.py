"""Parse an allocation sheet (columns nik, item, qty) into good rows and bad rows.

Line numbers count the header as line 1, as a spreadsheet numbers its rows; a bad row's
reasons are data (`handlers.spreadsheets.reasons`), written in the reader's language.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Final

from pydantic import BaseModel, ConfigDict, field_validator
from pydantic import ValidationError as PydanticError

from handlers.conversation.textnorm import clean_line
from handlers.equipment.rules import MAX_ITEM_NAME, MAX_QUANTITY, EquipmentRefused, read_quantity
from handlers.participants.validation import ValidationError, normalize_nik, rule_reason
from handlers.spreadsheets.reading import (
    BadCell,
    Cell,
    SheetError,
    bad_row,
    header_columns,
    is_blank,
    row_values,
)
from handlers.spreadsheets.reasons import BadRow, Reason, ReasonError, reason
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
            raise ReasonError(rule_reason("nik", error)) from error

    @field_validator("item", mode="before")
    @classmethod
    def _item(cls, value: str) -> str:
        name = clean_line(value) if len(value) <= MAX_ITEM_NAME * 10 else value
        if not name:
            raise ReasonError(reason("value.empty"))
        if len(name) > MAX_ITEM_NAME:
            raise ReasonError(reason("value.too_long", max=MAX_ITEM_NAME))
        return name

    @field_validator("qty", mode="before")
    @classmethod
    def _qty(cls, value: str) -> int:
        try:
            return read_quantity(value)
        except EquipmentRefused as error:
            raise ReasonError(refusal_reason(error)) from error


def refusal_reason(error: EquipmentRefused) -> Reason:
    """Return why an allocation row was refused by an equipment rule."""
    if error.reason == "handed_over":
        return reason("equipment.handed_over", amount=error.detail)
    if error.reason == "quantity":
        return reason("equipment.quantity", max=MAX_QUANTITY)
    return reason("value.invalid")


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
        raise SheetError(reason("sheet.no_header", columns=",".join(COLUMNS)), line=1)
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
            same = reason("equipment.same_row", line=first_line[key])
            parsed.bad.append(BadRow(number, (same,)))
            continue
        first_line[key] = number
        parsed.rows.append(row)
    return parsed


def _parse_row(
    number: int, cells: list[Cell], columns: dict[str, int], parsed: ParsedSheet
) -> ImportRow | None:
    try:
        values = row_values(cells, columns)
        return ImportRow.model_validate({"line": number, **values})
    except (BadCell, PydanticError) as error:
        parsed.bad.append(bad_row(number, error))
        return None
