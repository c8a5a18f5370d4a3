"""Office hours (`HELPDESK_HOURS`, e.g. "Mon-Fri 08:00-16:00"): open now, next opening, and
time to answer counted only while the desk is open (a Friday-evening question answered on
Monday morning waited minutes, not a weekend)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Final
from zoneinfo import ZoneInfo

DAYS: Final = {
    "mon": 0,
    "tue": 1,
    "wed": 2,
    "thu": 3,
    "fri": 4,
    "sat": 5,
    "sun": 6,
    "sen": 0,
    "sel": 1,
    "rab": 2,
    "kam": 3,
    "jum": 4,
    "sab": 5,
    "min": 6,
}
# Counting open time never looks further than this (a year and a bit).
MAX_DAYS: Final = 400
_PART = re.compile(
    r"^(?P<first>[a-z]{3})[a-z]*(?:\s*-\s*(?P<last>[a-z]{3})[a-z]*)?\s+"
    r"(?P<open>\d{1,2}[:.]\d{2})\s*-\s*(?P<close>\d{1,2}[:.]\d{2})$"
)


@dataclass(frozen=True)
class Window:
    """Open from `opens` to `closes` (24:00 allowed) on the given weekdays (Monday = 0)."""

    weekdays: frozenset[int]
    opens: timedelta
    closes: timedelta


@dataclass(frozen=True)
class OfficeHours:
    """When officers are at the desk, in the configured zone."""

    windows: tuple[Window, ...]

    @classmethod
    def parse(cls, spec: str) -> OfficeHours:
        """Read "Mon-Fri 08:00-16:00[, Sat 08:00-12:00]"; raise ValueError when unreadable."""
        windows = tuple(_window(part.strip().lower()) for part in spec.split(",") if part.strip())
        if not windows:
            raise ValueError("no office hours given")
        return cls(windows)

    def is_open(self, moment: datetime, zone: ZoneInfo) -> bool:
        """Tell whether the desk is open at this moment."""
        local = moment.astimezone(zone)
        offset = _since_midnight(local)
        return any(
            local.weekday() in w.weekdays and w.opens <= offset < w.closes for w in self.windows
        )

    def next_opening(self, moment: datetime, zone: ZoneInfo) -> datetime | None:
        """Return when the desk next opens after a closed moment (None if it never does)."""
        for start, _ in self._spans(moment, zone):
            if start > moment:
                return start
        return None

    def open_time_between(self, start: datetime, end: datetime, zone: ZoneInfo) -> timedelta:
        """Return how much of [start, end) the desk was open."""
        total = timedelta()
        if end <= start:
            return total
        for span_start, span_end in self._spans(start, zone, until=end):
            overlap = min(span_end, end) - max(span_start, start)
            if overlap > timedelta():
                total += overlap
        return total

    def _spans(
        self, since: datetime, zone: ZoneInfo, until: datetime | None = None
    ) -> list[tuple[datetime, datetime]]:
        first = since.astimezone(zone).date()
        last = first + timedelta(days=MAX_DAYS)
        if until is not None:
            last = min(last, until.astimezone(zone).date())
        spans = []
        day = first
        while day <= last:
            for window in self.windows:
                if day.weekday() in window.weekdays:
                    spans.append((_at(day, window.opens, zone), _at(day, window.closes, zone)))
            day += timedelta(days=1)
            if until is None and len(spans) > 14:
                break
        return sorted(spans)


def _window(part: str) -> Window:
    match = _PART.match(part)
    if match is None:
        raise ValueError(f"cannot read office hours {part!r}; write e.g. Mon-Fri 08:00-16:00")
    first, last = match.group("first"), match.group("last") or match.group("first")
    if first not in DAYS or last not in DAYS:
        raise ValueError(f"unknown day in {part!r}")
    start, stop = DAYS[first], DAYS[last]
    weekdays = frozenset(
        range(start, stop + 1) if start <= stop else (*range(start, 7), *range(0, stop + 1))
    )
    opens, closes = _clock(match.group("open")), _clock(match.group("close"))
    if closes <= opens:
        raise ValueError(f"closing time must be after opening time in {part!r}")
    return Window(weekdays, opens, closes)


def _clock(text: str) -> timedelta:
    hours, minutes = (int(part) for part in re.split(r"[:.]", text))
    if hours > 24 or minutes > 59 or (hours == 24 and minutes):
        raise ValueError(f"invalid time {text!r}")
    return timedelta(hours=hours, minutes=minutes)


def _since_midnight(local: datetime) -> timedelta:
    return timedelta(hours=local.hour, minutes=local.minute, seconds=local.second)


def _at(day: date, offset: timedelta, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(), tzinfo=zone) + offset
