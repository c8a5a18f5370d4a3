"""Office hours: open or not, the next opening, and open time between two moments."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from handlers.helpdesk.hours import OfficeHours

WIB = ZoneInfo("Asia/Jakarta")
WEEKDAYS = OfficeHours.parse("Mon-Fri 08:00-16:00")


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """Return a moment in November 2026 (the 27th is a Friday), in WIB."""
    return datetime(2026, 11, day, hour, minute, tzinfo=WIB)


@pytest.mark.parametrize(
    ("moment", "is_open"),
    [
        (at(27, 8), True),
        (at(27, 15, 59), True),
        (at(27, 16), False),
        (at(27, 7, 59), False),
        (at(28, 10), False),  # Saturday
        (at(29, 10), False),  # Sunday
        (at(30, 10), True),  # Monday
    ],
)
def test_is_open(moment: datetime, is_open: bool) -> None:
    assert WEEKDAYS.is_open(moment, WIB) is is_open


@pytest.mark.parametrize(
    ("moment", "opens"),
    [
        (at(27, 17), at(30, 8)),  # Friday evening → Monday morning
        (at(28, 12), at(30, 8)),  # Saturday
        (at(30, 6), at(30, 8)),  # Monday early
        (at(30, 9), datetime(2026, 12, 1, 8, tzinfo=WIB)),  # open now: the next day
    ],
)
def test_next_opening(moment: datetime, opens: datetime) -> None:
    assert WEEKDAYS.next_opening(moment, WIB) == opens


@pytest.mark.parametrize(
    ("start", "end", "open_time"),
    [
        (at(27, 9), at(27, 10), timedelta(hours=1)),
        (at(27, 15), at(30, 9), timedelta(hours=2)),  # across the weekend
        (at(27, 18), at(30, 8, 30), timedelta(minutes=30)),
        (at(28, 9), at(29, 20), timedelta()),  # only the weekend
        (at(27, 9), at(27, 9), timedelta()),
        (at(27, 10), at(27, 9), timedelta()),
        (at(23, 8), at(27, 16), timedelta(hours=40)),  # a whole working week
    ],
)
def test_open_time_between(start: datetime, end: datetime, open_time: timedelta) -> None:
    assert WEEKDAYS.open_time_between(start, end, WIB) == open_time


def test_several_windows_and_indonesian_days() -> None:
    hours = OfficeHours.parse("Sen-Jum 08.00-16.00, Sab 08:00-12:00")
    assert hours.is_open(at(28, 11), WIB)
    assert not hours.is_open(at(28, 13), WIB)
    assert hours.next_opening(at(28, 13), WIB) == at(30, 8)


def test_a_week_wrapping_range() -> None:
    hours = OfficeHours.parse("Fri-Mon 00:00-24:00")
    assert hours.is_open(at(29, 23), WIB)
    assert not hours.is_open(datetime(2026, 12, 1, 10, tzinfo=WIB), WIB)


@pytest.mark.parametrize(
    "spec", ["", "always", "Mon-Fri", "Mon-Fri 16:00-08:00", "Xyz 08:00-16:00", "Mon 25:00-26:00"]
)
def test_bad_specs_are_refused(spec: str) -> None:
    with pytest.raises(ValueError):
        OfficeHours.parse(spec)
