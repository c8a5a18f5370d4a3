"""Human-facing dates and times, and the duration syntax admins type.

Names come from tables here rather than the system locale, which is usually
missing id_ID on servers.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

DAY_NAMES: dict[str, tuple[str, ...]] = {
    "id": ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
MONTH_NAMES: dict[str, tuple[str, ...]] = {
    "id": (
        "Januari",
        "Februari",
        "Maret",
        "April",
        "Mei",
        "Juni",
        "Juli",
        "Agustus",
        "September",
        "Oktober",
        "November",
        "Desember",
    ),
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
}
# Indonesian convention writes 09.00; English uses 09:00.
TIME_SEPARATORS = {"id": ".", "en": ":"}
DATETIME_JOINERS = {"id": "pukul", "en": "at"}
ZONE_LABELS = {
    "Asia/Jakarta": "WIB",
    "Asia/Pontianak": "WIB",
    "Asia/Makassar": "WITA",
    "Asia/Jayapura": "WIT",
}

DURATION_UNITS = {
    "w": timedelta(weeks=1),
    "d": timedelta(days=1),
    "h": timedelta(hours=1),
    "m": timedelta(minutes=1),
    "s": timedelta(seconds=1),
}
DURATION_MAX_LENGTH = 40
# [0-9] rather than \d: int() would also accept digits from other scripts.
_DURATION = re.compile(r"(?:[0-9]+[wdhms])+")
_DURATION_PART = re.compile(r"([0-9]+)([wdhms])")
_LOCAL_DATETIME = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})(?:T| +)([0-9]{2}):([0-9]{2})")


def _localize(dt: datetime, tz: ZoneInfo, lang: str) -> datetime:
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise ValueError("datetime must be timezone-aware")
    if lang not in DAY_NAMES:
        raise ValueError(f"unsupported language {lang!r}; expected one of {sorted(DAY_NAMES)}")
    return dt.astimezone(tz)


def _zone_label(local: datetime, tz: ZoneInfo) -> str:
    return ZONE_LABELS.get(tz.key) or local.tzname() or tz.key


def _date_text(local: datetime, lang: str) -> str:
    day_name = DAY_NAMES[lang][local.weekday()]
    month_name = MONTH_NAMES[lang][local.month - 1]
    return f"{day_name}, {local.day} {month_name} {local.year}"


def _time_text(local: datetime, tz: ZoneInfo, lang: str) -> str:
    clock = f"{local.hour:02d}{TIME_SEPARATORS[lang]}{local.minute:02d}"
    return f"{clock} {_zone_label(local, tz)}"


def format_datetime(dt: datetime, tz: ZoneInfo, lang: str = "id") -> str:
    """Format an aware datetime as e.g. 'Senin, 5 Oktober 2026 pukul 09.00 WIB'."""
    local = _localize(dt, tz, lang)
    return f"{_date_text(local, lang)} {DATETIME_JOINERS[lang]} {_time_text(local, tz, lang)}"


def format_date(dt: datetime, tz: ZoneInfo, lang: str = "id") -> str:
    """Format the local date of an aware datetime as e.g. 'Senin, 5 Oktober 2026'."""
    return _date_text(_localize(dt, tz, lang), lang)


def format_time(dt: datetime, tz: ZoneInfo, lang: str = "id") -> str:
    """Format the local time of an aware datetime as e.g. '09.00 WIB'."""
    return _time_text(_localize(dt, tz, lang), tz, lang)


def parse_duration(text: str) -> timedelta:
    """Parse a duration such as '30m', '2h', '1d', '90s', '1w' or '1h30m'."""
    compact = "".join(text.split()).lower()
    if len(compact) > DURATION_MAX_LENGTH or not _DURATION.fullmatch(compact):
        raise ValueError(f"invalid duration {text!r}: use e.g. 30m, 2h, 1d, 1w or 1h30m")
    parts = _DURATION_PART.findall(compact)
    try:
        total = sum((int(amount) * DURATION_UNITS[unit] for amount, unit in parts), timedelta())
    except OverflowError as exc:
        raise ValueError(f"invalid duration {text!r}: too large") from exc
    if total <= timedelta():
        raise ValueError(f"invalid duration {text!r}: must be longer than zero")
    return total


def parse_durations(text: str) -> tuple[timedelta, ...]:
    """Parse a comma-separated list of durations, longest first, without duplicates."""
    durations: set[timedelta] = set()
    for item in text.split(","):
        if not item.strip():
            raise ValueError(f"empty item in duration list {text!r}")
        durations.add(parse_duration(item))
    return tuple(sorted(durations, reverse=True))


def parse_local_datetime(text: str, tz: ZoneInfo) -> datetime:
    """Parse 'YYYY-MM-DD HH:MM' as local time in tz and return it in UTC."""
    found = _LOCAL_DATETIME.fullmatch(text.strip())
    if found is None:
        raise ValueError(f"invalid date and time {text!r}: expected YYYY-MM-DD HH:MM")
    year, month, day, hour, minute = (int(part) for part in found.groups())
    try:
        return datetime(year, month, day, hour, minute, tzinfo=tz).astimezone(UTC)
    except (ValueError, OverflowError) as exc:
        raise ValueError(f"invalid date and time {text!r}: {exc}") from exc
