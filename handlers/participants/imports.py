"""Pre-registered participants from paper forms: a .csv/.xlsx sheet checked row by row.

Columns `nik, full_name, phone, business_name, sector, kecamatan` (the participants export's
names); each value is checked with the same rules as chat registration. Bad rows are
reported as `line N: reason` (reasons as data, `handlers.spreadsheets.reasons`), counting
the header as line 1. The whole sheet is checked
before anything is written; the good rows are then stored in short transactions of a few
hundred rows (so the running bot never waits long for the database); a row whose NIK is
already stored with the same data changes nothing, so importing a file twice adds nothing
and an import cut short is completed by running it again. A participant already registered
in chat keeps the data they gave; a pre-registered one not yet claimed takes the sheet's
corrections.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Final

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator
from pydantic import ValidationError as PydanticError

from handlers.participants.preregistered import unclaimed_ids
from handlers.participants.validation import (
    KecamatanMatch,
    ValidationError,
    match_kecamatan,
    normalize_nik,
    normalize_phone,
    rule_reason,
    validate_business_name,
    validate_full_name,
)
from handlers.spreadsheets.reading import (
    BadCell,
    Cell,
    SheetError,
    bad_row,
    header_columns,
    is_blank,
    row_values,
)
from handlers.spreadsheets.reasons import BadRow, ReasonError, reason
from storage import Storage
from storage.models import NewParticipant, Participant

COLUMNS: Final = ("nik", "full_name", "phone", "business_name", "sector", "kecamatan")
UPDATABLE: Final = ("full_name", "phone", "business_name", "sector", "kecamatan")
MAX_REMEMBERED: Final = 10_000


@dataclass(frozen=True)
class Choices:
    """The sector and kecamatan names a row may use."""

    sectors: Sequence[str]
    kecamatan: Sequence[str]
    # A sheet repeats a few kecamatan names thousands of times: match each spelling once.
    _matches: dict[str, KecamatanMatch | None] = field(
        default_factory=dict, compare=False, repr=False
    )

    def match_kecamatan(self, text: str) -> KecamatanMatch | None:
        """Return what match_kecamatan says about this text, remembering the answer."""
        if text in self._matches:
            return self._matches[text]
        match = match_kecamatan(text, self.kecamatan)
        if len(self._matches) < MAX_REMEMBERED:
            self._matches[text] = match
        return match


def _checked(field: str, rule: Callable[[str], str], value: str) -> str:
    try:
        return rule(value)
    except ValidationError as error:
        raise ReasonError(rule_reason(field, error)) from error


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
        return _checked("nik", normalize_nik, value)

    @field_validator("full_name", mode="before")
    @classmethod
    def _name(cls, value: str) -> str:
        return _checked("full_name", validate_full_name, value)

    @field_validator("phone", mode="before")
    @classmethod
    def _phone(cls, value: str) -> str:
        return _checked("phone", normalize_phone, value)

    @field_validator("business_name", mode="before")
    @classmethod
    def _business(cls, value: str) -> str:
        return _checked("business_name", validate_business_name, value)

    @field_validator("sector", mode="before")
    @classmethod
    def _sector(cls, value: str, info: ValidationInfo) -> str:
        choices = _choices(info)
        wanted = " ".join(value.split()).casefold()
        found = next((name for name in choices.sectors if name.casefold() == wanted), None)
        if found is None:
            known = ", ".join(choices.sectors)
            raise ReasonError(reason("participant.unknown_sector", value=value, known=known))
        return found

    @field_validator("kecamatan", mode="before")
    @classmethod
    def _kecamatan(cls, value: str, info: ValidationInfo) -> str:
        match = _choices(info).match_kecamatan(value)
        if match is not None and match.exact:
            return match.name
        if match is not None:
            raise ReasonError(reason("participant.kecamatan_hint", value=value, hint=match.name))
        raise ReasonError(reason("participant.unknown_kecamatan", value=value))

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
        raise SheetError(reason("sheet.no_header", columns=",".join(COLUMNS)), line=1)
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
            same = reason("participant.same_nik", line=first_line[row.nik])
            parsed.bad.append(BadRow(number, (same,)))
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
        return ImportedParticipant.model_validate(
            {"line": number, **values}, context={"choices": choices}
        )
    except (BadCell, PydanticError) as error:
        parsed.bad.append(bad_row(number, error))
        return None


@dataclass(frozen=True)
class ImportReport:
    """What an import did."""

    new: int
    changed: int
    unchanged: int


# Rows per transaction: a few bulk statements that hold the write lock for some milliseconds.
IMPORT_CHUNK_ROWS: Final = 500


async def import_participants(
    storage: Storage,
    rows: Sequence[ImportedParticipant],
    *,
    actor: str,
    now: datetime,
    on_row: Callable[[], None] | None = None,
    chunk_rows: int = IMPORT_CHUNK_ROWS,
) -> ImportReport:
    """Store the good rows in short transactions, making way for other writers between them."""
    new = changed = unchanged = 0
    for start in range(0, len(rows), chunk_rows):
        chunk = rows[start : start + chunk_rows]
        async with storage.db.transaction():
            added, updated = await _store_chunk(storage, chunk, now)
        new += added
        changed += updated
        unchanged += len(chunk) - added - updated
        if on_row is not None:
            for _ in chunk:
                on_row()
        await storage.db.make_way()
    summary = f"{new} new, {changed} changed, {unchanged} unchanged"
    await storage.audit.record(actor, "participants.import", summary, now)
    return ImportReport(new, changed, unchanged)


async def _store_chunk(
    storage: Storage, chunk: Sequence[ImportedParticipant], now: datetime
) -> tuple[int, int]:
    """Create the new NIKs and correct unclaimed records; return (created, changed)."""
    existing = await storage.participants.by_niks([row.nik for row in chunk])
    open_to_change = await unclaimed_ids(storage, existing.values())
    created = [row.as_new() for row in chunk if row.nik not in existing]
    corrections = []
    for row in chunk:
        stored = existing.get(row.nik)
        if stored is not None and stored.id in open_to_change and _differs(stored, row):
            corrections.append((stored.id, row.as_new()))
    await storage.participants.create_many(created, now)
    await storage.participants.replace_editable_many(corrections, now)
    return len(created), len(corrections)


def _differs(stored: Participant, row: ImportedParticipant) -> bool:
    return any(getattr(stored, name) != getattr(row, name) for name in UPDATABLE)
