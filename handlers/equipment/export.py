"""The rekap penerima bantuan: every allocation with its handover and confirmation."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Final
from zoneinfo import ZoneInfo

from handlers.spreadsheets.writing import CellValue
from storage import Storage

ALLOCATION_COLUMNS: Final = (
    "nik",
    "full_name",
    "phone",
    "business_name",
    "kecamatan",
    "item",
    "unit",
    "qty",
    "handed_over_at",
    "handed_over_by",
    "confirmation",
    "confirmed_at",
    "note",
    "open_case",
)


def local_stamp(moment: datetime | None, zone: ZoneInfo) -> str:
    """Return a moment as "YYYY-MM-DD HH:MM" in the configured zone, or "" for none."""
    return "" if moment is None else moment.astimezone(zone).strftime("%Y-%m-%d %H:%M")


async def allocation_rows(storage: Storage, zone: ZoneInfo) -> AsyncIterator[list[CellValue]]:
    """Yield one row per allocation, in the order of ALLOCATION_COLUMNS."""
    async for record in storage.allocations.records():
        yield [
            record.nik,
            record.full_name,
            record.phone,
            record.business_name,
            record.kecamatan,
            record.item_name,
            record.item_unit,
            record.quantity,
            local_stamp(record.handed_over_at, zone),
            record.handed_over_by,
            record.confirmation,
            local_stamp(record.confirmed_at, zone),
            record.note,
            record.open_case_id,
        ]
