"""Pre-registered participants from paper forms: a .csv/.xlsx sheet checked row by row.

Columns `nik, full_name, phone, business_name, sector, kecamatan` (the participants export's
names); each value is checked with the same rules as chat registration. Bad rows are
reported as `line N: reason`, counting the header as line 1. Good rows are stored in one
transaction; a row whose NIK is already stored with the same data changes nothing, so
importing a file twice adds nothing. A participant already registered in chat keeps the
data they gave; a pre-registered one not yet claimed takes the sheet's corrections.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Final

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator
from pydantic import ValidationError as PydanticError

from handlers.equipment.imports import BadRow
from handlers.participants.preregistered import is_unclaimed
from handlers.participants.validation import (
    ValidationError,
    match_kecamatan,
    normalize_nik,
    normalize_phone,
    validate_business_name,
    validate_full_name,
)
from handlers.spreadsheets.reading import (
    BadCell,
    Cell,
    SheetError,
    header_columns,
    is_blank,
    row_values,
    validation_reason,
)
from storage import Storage
from storage.models import NewParticipant, Participant

COLUMNS: Final = ("nik", "full_name", "phone", "business_name", "sector", "kecamatan")
UPDATABLE: Final = ("full_name", "phone", "business_name", "sector", "kecamatan")


@dataclass(frozen=True)
class Choices:
    """The sector and kecamatan names a row may use."""

    sectors: Sequence[str]
    kecamatan: Sequence[str]


def _checked(rule: Callable[[str], str], value: str) -> str:
    try:
        return rule(value)
    except ValidationError as error:
        raise ValueError(str(error)) from error


def _choices(info: ValidationInfo) -> Choices:
    context = info.context or {}
    choices = context.get("choices")
    if not isinstance(choices, Choices):
        raise ValueError("no sector and kecamatan lists to check against")
    return choices


class ImportedParticipant(BaseModel):
    """One participant as a sheet states it, validated like a chat registration."""

    model_config = ConfigDict(frozen=True)

    line: int
    nik: str
    full_name: str
    phone: str
    business_name: str
    sector: str
    kecamatan: str

    @field_validator("nik", mode="before")
    @classmethod
    def _nik(cls, value: str) -> str:
        return _checked(normalize_nik, value)

    @field_validator("full_name", mode="before")
    @classmethod
    def _name(cls, value: str) -> str:
        return _checked(validate_full_name, value)

    @field_validator("phone", mode="before")
    @classmethod
    def _phone(cls, value: str) -> str:
        return _checked(normalize_phone, value)

    @field_validator("business_name", mode="before")
    @classmethod
    def _business(cls, value: str) -> str:
        return _checked(validate_business_name, value)

    @field_validator("sector", mode="before")
    @classmethod
    def _sector(cls, value: str, info: ValidationInfo) -> str:
        choices = _choices(info)
        wanted = " ".join(value.split()).casefold()
        found = next((name for name in choices.sectors if name.casefold() == wanted), None)
        if found is None:
            raise ValueError(f"unknown sector {value!r} (one of: {', '.join(choices.sectors)})")
        return found

    @field_validator("kecamatan", mode="before")
    @classmethod
    def _kecamatan(cls, value: str, info: ValidationInfo) -> str:
        choices = _choices(info)
        match = match_kecamatan(value, choices.kecamatan)
        if match is not None and match.exact:
            return match.name
        hint = f" (did you mean {match.name}?)" if match is not None else ""
        raise ValueError(f"unknown kecamatan {value!r}{hint}")

    def as_new(self) -> NewParticipant:
        """Return the fields to store."""
        return NewParticipant(**self.model_dump(exclude={"line"}))


@dataclass
class ParsedSheet:
    """The rows of a sheet that passed the checks, and those that did not."""

    rows: list[ImportedParticipant] = field(default_factory=list)
    bad: list[BadRow] = field(default_factory=list)


def parse_sheet(table: Iterable[list[Cell]], choices: Choices) -> ParsedSheet:
    """Check every row of a sheet whose first row names the columns."""
    lines = iter(table)
    header = next(lines, None)
    if header is None or is_blank(header):
        raise SheetError(f"line 1: the header row {','.join(COLUMNS)} is missing")
    columns = header_columns(header, COLUMNS)
    parsed = ParsedSheet()
    first_line: dict[str, int] = {}
    for number, cells in enumerate(lines, start=2):
        if is_blank(cells):
            continue
        row = _parse_row(number, cells, columns, choices, parsed)
        if row is None:
            continue
        if row.nik in first_line:
            parsed.bad.append(BadRow(number, f"same nik as line {first_line[row.nik]}"))
            continue
        first_line[row.nik] = number
        parsed.rows.append(row)
    return parsed


def _parse_row(
    number: int,
    cells: list[Cell],
    columns: dict[str, int],
    choices: Choices,
    parsed: ParsedSheet,
) -> ImportedParticipant | None:
    try:
        values = row_values(cells, columns)
    except BadCell as error:
        parsed.bad.append(BadRow(number, str(error)))
        return None
    try:
        return ImportedParticipant.model_validate(
            {"line": number, **values}, context={"choices": choices}
        )
    except PydanticError as error:
        parsed.bad.append(BadRow(number, validation_reason(error)))
        return None


@dataclass(frozen=True)
class ImportReport:
    """What an import did."""

    new: int
    changed: int
    unchanged: int


async def import_participants(
    storage: Storage,
    rows: Sequence[ImportedParticipant],
    *,
    actor: str,
    now: datetime,
    on_row: Callable[[], None] | None = None,
) -> ImportReport:
    """Store the good rows in one transaction; return what changed."""
    new = changed = unchanged = 0
    async with storage.db.transaction():
        for row in rows:
            existing = await storage.participants.get_by_nik(row.nik)
            if existing is None:
                await storage.participants.create(row.as_new(), now)
                new += 1
            elif await _update(storage, existing, row, now):
                changed += 1
            else:
                unchanged += 1
            if on_row is not None:
                on_row()
        summary = f"{new} new, {changed} changed, {unchanged} unchanged"
        await storage.audit.record(actor, "participants.import", summary, now)
    return ImportReport(new, changed, unchanged)


async def _update(
    storage: Storage, existing: Participant, row: ImportedParticipant, now: datetime
) -> bool:
    """Apply the sheet's corrections to a participant nobody claimed in chat yet."""
    differing = [name for name in UPDATABLE if getattr(existing, name) != getattr(row, name)]
    if not differing or not await is_unclaimed(storage, existing):
        return False
    for name in differing:
        await storage.participants.update_field(existing.id, name, getattr(row, name), now)
    return True
