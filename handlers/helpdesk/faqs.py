"""FAQ entries as officers keep them: validation, the seed entries, spreadsheet import."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Annotated, Final
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, StringConstraints, field_validator
from pydantic import ValidationError as PydanticError

from handlers.equipment.export import local_stamp
from handlers.spreadsheets.reading import (
    BadCell,
    Cell,
    SheetError,
    TableError,
    bad_row,
    header_columns,
    is_blank,
    read_table,
    row_values,
)
from handlers.spreadsheets.reasons import BadRow, ReasonError, reason
from handlers.spreadsheets.writing import CellValue
from storage import Storage
from storage.helpdesk import Faq, TicketRow

COLUMNS: Final = ("question", "answer", "keywords")
MAX_IMPORT_ROWS: Final = 5000
MAX_KEYWORDS: Final = 500
TICKET_COLUMNS: Final = (
    "ticket_id",
    "opened_at",
    "channel",
    "nik",
    "full_name",
    "status",
    "first_answer_at",
    "answered_by",
    "closed_at",
    "messages",
    "first_message",
)

Question = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=500)]
Answer = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


class FaqInput(BaseModel):
    """An FAQ entry as typed on the command line, in chat or in a sheet, validated."""

    model_config = ConfigDict(frozen=True)

    question: Question
    answer: Answer
    keywords: str = ""

    @field_validator("keywords")
    @classmethod
    def _tidy_keywords(cls, value: str) -> str:
        words = [" ".join(part.split()) for part in value.split(",")]
        tidy = ", ".join(word for word in words if word)
        if len(tidy) > MAX_KEYWORDS:
            raise ReasonError(reason("value.too_long", max=MAX_KEYWORDS))
        return tidy

    @field_validator("question", "answer")
    @classmethod
    def _no_control(cls, value: str) -> str:
        if any(ord(char) < 32 and char not in "\n\t" for char in value):
            raise ReasonError(reason("value.control_chars"))
        return value


@dataclass
class ImportResult:
    """What an import did: entries added, changed, unchanged, and bad lines."""

    added: int = 0
    changed: int = 0
    unchanged: int = 0
    problems: list[BadRow] = field(default_factory=list)


def read_faq_sheet(path: Path) -> tuple[list[tuple[int, FaqInput]], list[BadRow]]:
    """Read a .csv/.xlsx of question, answer, keywords; return good rows and bad rows."""
    try:
        rows = read_table(path)
        header = next(rows, None)
    except TableError as error:
        raise SheetError(error.reason, line=error.line, file=error.file) from error
    if header is None:
        raise SheetError(reason("sheet.empty"), line=1)
    columns = header_columns(header, COLUMNS[:2])
    if "keywords" in [str(cell).strip().lower() for cell in header if cell is not None]:
        columns = header_columns(header, COLUMNS)
    good: list[tuple[int, FaqInput]] = []
    problems: list[BadRow] = []
    for line, cells in enumerate(_bounded(rows), start=2):
        if is_blank(cells):
            continue
        try:
            values = row_values(cells, columns)
            good.append((line, FaqInput(**values)))
        except (BadCell, PydanticError) as error:
            problems.append(bad_row(line, error))
    return good, problems


def _bounded(rows: Iterable[list[Cell]]) -> Iterable[list[Cell]]:
    """Yield the rows below the header; a file that breaks further down is a SheetError too."""
    try:
        for count, row in enumerate(rows):
            if count >= MAX_IMPORT_ROWS:
                raise SheetError(reason("sheet.too_many_rows", max=MAX_IMPORT_ROWS))
            yield row
    except TableError as error:
        raise SheetError(error.reason, line=error.line, file=error.file) from error


async def import_faqs(
    storage: Storage, entries: list[tuple[int, FaqInput]], now: datetime
) -> ImportResult:
    """Add or update entries by question, in one transaction; the same file twice is a no-op."""
    result = ImportResult()
    async with storage.db.transaction():
        for _, entry in entries:
            existing = await storage.faqs.get_by_question(entry.question)
            if existing is None:
                await storage.faqs.add(entry.question, entry.answer, entry.keywords, now)
                result.added += 1
            elif (existing.answer, existing.keywords) == (entry.answer, entry.keywords):
                result.unchanged += 1
            else:
                await storage.faqs.update(
                    existing.id, entry.question, entry.answer, entry.keywords, now
                )
                result.changed += 1
    return result


def describe(faq: Faq) -> str:
    """Return an entry as one block of text."""
    keywords = f"\n   kata kunci: {faq.keywords}" if faq.keywords else ""
    return f"#{faq.id} {faq.question}\n   {faq.answer}{keywords}"


async def ticket_rows(storage: Storage, zone: ZoneInfo) -> AsyncIterator[list[CellValue]]:
    """Yield the tickets export, one list of cell values per ticket (times in TIMEZONE)."""
    async for row in storage.tickets.export_rows():
        yield _ticket_cells(row, zone)


def _ticket_cells(row: TicketRow, zone: ZoneInfo) -> list[CellValue]:
    def stamp(moment: datetime | None) -> str:
        return local_stamp(moment, zone)

    return [
        row.ticket_id,
        stamp(row.opened_at),
        row.channel,
        row.nik or "",
        row.full_name or "",
        row.status,
        stamp(row.first_answer_at),
        row.answered_by or "",
        stamp(row.closed_at),
        row.messages,
        (row.first_message or "")[:500],
    ]
