"""The officer exports: participants, enrollments (daftar hadir), allocations, tickets.

Each export is a header (SPEC §7 column names) and rows streamed from storage through
`handlers.exports.write_table`, so memory stays flat however many rows there are.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Final, Literal, get_args
from zoneinfo import ZoneInfo

from handlers.equipment.export import ALLOCATION_COLUMNS, allocation_rows, local_stamp
from handlers.helpdesk.faqs import TICKET_COLUMNS, ticket_rows
from handlers.spreadsheets.writing import CellValue, ExportFormat, write_table
from storage import Storage

ExportKind = Literal["participants", "enrollments", "allocations", "tickets"]
EXPORT_KINDS: Final[tuple[ExportKind, ...]] = get_args(ExportKind)
PARTICIPANT_COLUMNS: Final = (
    "nik",
    "full_name",
    "phone",
    "business_name",
    "sector",
    "kecamatan",
    "registered_at",
)
ENROLLMENT_COLUMNS: Final = ("session_code", "nik", "full_name", "status", "rsvp", "attended_at")

Rows = AsyncIterator[list[CellValue]]


async def participant_rows(storage: Storage, zone: ZoneInfo) -> Rows:
    """Yield one row per registered participant, in the order of PARTICIPANT_COLUMNS."""
    async for row in storage.exports.participants():
        yield [
            row.nik,
            row.full_name,
            row.phone,
            row.business_name,
            row.sector,
            row.kecamatan,
            local_stamp(row.created_at, zone),
        ]


async def enrollment_rows(storage: Storage, zone: ZoneInfo) -> Rows:
    """Yield one row per enrollment, in the order of ENROLLMENT_COLUMNS."""
    async for row in storage.exports.enrollments():
        yield [
            row.session_code,
            row.nik,
            row.full_name,
            row.status,
            row.rsvp,
            local_stamp(row.attended_at, zone),
        ]


@dataclass(frozen=True)
class Export:
    """One export: its columns, its rows, how many rows to expect, its file name."""

    columns: tuple[str, ...]
    rows: Callable[[Storage, ZoneInfo], Rows]
    count: Callable[[Storage], Awaitable[int]]
    filename: str


EXPORTS: Final[dict[ExportKind, Export]] = {
    "participants": Export(
        PARTICIPANT_COLUMNS,
        participant_rows,
        lambda storage: storage.exports.count_participants(),
        "peserta",
    ),
    "enrollments": Export(
        ENROLLMENT_COLUMNS,
        enrollment_rows,
        lambda storage: storage.exports.count_enrollments(),
        "daftar-hadir",
    ),
    "allocations": Export(
        ALLOCATION_COLUMNS,
        allocation_rows,
        lambda storage: storage.exports.count_allocations(),
        "penerima-bantuan",
    ),
    "tickets": Export(
        TICKET_COLUMNS,
        ticket_rows,
        lambda storage: storage.tickets.count_all(),
        "tiket",
    ),
}


async def counted(rows: Rows, on_row: Callable[[], None]) -> Rows:
    """Pass rows through, calling on_row after each (for progress bars)."""
    async for row in rows:
        yield row
        on_row()


async def write_export(
    storage: Storage,
    zone: ZoneInfo,
    kind: ExportKind,
    target: Path | BinaryIO,
    export_format: ExportFormat,
    on_row: Callable[[], None] | None = None,
) -> int:
    """Write one export as CSV or XLSX; return the rows written."""
    export = EXPORTS[kind]
    rows = export.rows(storage, zone)
    if on_row is not None:
        rows = counted(rows, on_row)
    return await write_table(target, export_format, export.columns, rows)
