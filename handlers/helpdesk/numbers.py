"""The help desk's numbers for /rekap: tickets by state, time to first answer, FAQ share."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from handlers.helpdesk.hours import OfficeHours
from storage import Storage


@dataclass(frozen=True)
class DeskNumbers:
    """What /rekap shows about the help desk."""

    open: int
    answered: int
    closed: int
    median: timedelta | None
    p90: timedelta | None
    questions: int
    self_served: int


def percentile(values: list[timedelta], share: float) -> timedelta | None:
    """Return the value below which `share` of the values lie (nearest rank)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-int(share * 100) * len(ordered) // 100))
    return ordered[min(rank, len(ordered)) - 1]


def waits(
    pairs: list[tuple[datetime, datetime]], hours: OfficeHours, zone: ZoneInfo
) -> list[timedelta]:
    """Return each ticket's wait for its first answer, counted within office hours."""
    return [hours.open_time_between(opened, answered, zone) for opened, answered in pairs]


async def desk_numbers(storage: Storage, hours: OfficeHours, zone: ZoneInfo) -> DeskNumbers:
    """Read the numbers from the database."""
    counts = await storage.tickets.counts()
    answered = waits(await storage.tickets.answer_times(), hours, zone)
    questions = await storage.questions.counts()
    median = None if not answered else statistics.median_low(answered)
    return DeskNumbers(
        open=counts["open"],
        answered=counts["answered"],
        closed=counts["closed"],
        median=median,
        p90=percentile(answered, 0.9),
        questions=sum(questions.values()),
        self_served=questions["faq"] + questions["own_data"],
    )


def duration_text(value: timedelta | None) -> str:
    """Return a wait as "1 j 5 m" (hours and minutes), "-" when there is none."""
    if value is None:
        return "-"
    minutes = int(value.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours} j {minutes} m" if hours else f"{minutes} m"
