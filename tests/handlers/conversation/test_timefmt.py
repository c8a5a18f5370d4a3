from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from handlers.conversation.timefmt import (
    format_date,
    format_datetime,
    format_time,
    parse_duration,
    parse_durations,
    parse_local_datetime,
)

JAKARTA = ZoneInfo("Asia/Jakarta")
# 09:00 WIB on Monday 5 October 2026.
MONDAY_MORNING = datetime(2026, 10, 5, 2, 0, tzinfo=UTC)
# st.datetimes takes naive bounds; these stand for local wall-clock times.
NAIVE_EARLIEST = datetime(1970, 1, 1)  # noqa: DTZ001
NAIVE_LATEST = datetime(2100, 1, 1)  # noqa: DTZ001
PROPERTY = settings(database=None, deadline=None, max_examples=200)


@pytest.mark.parametrize(
    ("dt", "zone", "lang", "expected"),
    [
        (MONDAY_MORNING, "Asia/Jakarta", "id", "Senin, 5 Oktober 2026 pukul 09.00 WIB"),
        (MONDAY_MORNING, "Asia/Jakarta", "en", "Monday, 5 October 2026 at 09:00 WIB"),
        (MONDAY_MORNING, "Asia/Pontianak", "id", "Senin, 5 Oktober 2026 pukul 09.00 WIB"),
        (MONDAY_MORNING, "Asia/Makassar", "id", "Senin, 5 Oktober 2026 pukul 10.00 WITA"),
        (MONDAY_MORNING, "Asia/Jayapura", "en", "Monday, 5 October 2026 at 11:00 WIT"),
        (MONDAY_MORNING, "UTC", "en", "Monday, 5 October 2026 at 02:00 UTC"),
        (MONDAY_MORNING, "Europe/London", "en", "Monday, 5 October 2026 at 03:00 BST"),
        (MONDAY_MORNING, "Asia/Singapore", "id", "Senin, 5 Oktober 2026 pukul 10.00 +08"),
        (
            datetime(2026, 10, 1, 9, 5, tzinfo=JAKARTA),
            "Asia/Jakarta",
            "id",
            "Kamis, 1 Oktober 2026 pukul 09.05 WIB",
        ),
        (
            datetime(2026, 12, 31, 20, 30, tzinfo=UTC),
            "Asia/Jakarta",
            "id",
            "Jumat, 1 Januari 2027 pukul 03.30 WIB",
        ),
        (
            datetime(2026, 8, 16, 23, 59, tzinfo=JAKARTA),
            "Asia/Jakarta",
            "id",
            "Minggu, 16 Agustus 2026 pukul 23.59 WIB",
        ),
        (
            datetime(2026, 2, 28, 0, 0, tzinfo=JAKARTA),
            "Asia/Jakarta",
            "en",
            "Saturday, 28 February 2026 at 00:00 WIB",
        ),
    ],
)
def test_format_datetime(dt: datetime, zone: str, lang: str, expected: str) -> None:
    assert format_datetime(dt, ZoneInfo(zone), lang) == expected


def test_format_datetime_defaults_to_indonesian() -> None:
    assert format_datetime(MONDAY_MORNING, JAKARTA).endswith("pukul 09.00 WIB")


@pytest.mark.parametrize(
    ("month", "id_name", "en_name"),
    [
        (1, "Januari", "January"),
        (2, "Februari", "February"),
        (3, "Maret", "March"),
        (4, "April", "April"),
        (5, "Mei", "May"),
        (6, "Juni", "June"),
        (7, "Juli", "July"),
        (8, "Agustus", "August"),
        (9, "September", "September"),
        (10, "Oktober", "October"),
        (11, "November", "November"),
        (12, "Desember", "December"),
    ],
)
def test_format_date_month_names(month: int, id_name: str, en_name: str) -> None:
    dt = datetime(2026, month, 15, 12, 0, tzinfo=JAKARTA)
    assert f" 15 {id_name} 2026" in format_date(dt, JAKARTA, "id")
    assert f" 15 {en_name} 2026" in format_date(dt, JAKARTA, "en")


@pytest.mark.parametrize(
    ("day", "id_name", "en_name"),
    [
        (5, "Senin", "Monday"),
        (6, "Selasa", "Tuesday"),
        (7, "Rabu", "Wednesday"),
        (8, "Kamis", "Thursday"),
        (9, "Jumat", "Friday"),
        (10, "Sabtu", "Saturday"),
        (11, "Minggu", "Sunday"),
    ],
)
def test_format_date_day_names(day: int, id_name: str, en_name: str) -> None:
    dt = datetime(2026, 10, day, 12, 0, tzinfo=JAKARTA)
    assert format_date(dt, JAKARTA, "id") == f"{id_name}, {day} Oktober 2026"
    assert format_date(dt, JAKARTA, "en") == f"{en_name}, {day} October 2026"


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("id", "09.00 WIB"), ("en", "09:00 WIB")],
)
def test_format_time(lang: str, expected: str) -> None:
    assert format_time(MONDAY_MORNING, JAKARTA, lang) == expected


@pytest.mark.parametrize("formatter", [format_datetime, format_date, format_time])
def test_formatters_reject_naive_datetimes(formatter: Callable[..., str]) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        formatter(datetime(2026, 10, 5, 9, 0), JAKARTA)  # noqa: DTZ001


@pytest.mark.parametrize("lang", ["fr", "", "ID", "jv"])
def test_formatters_reject_unknown_languages(lang: str) -> None:
    with pytest.raises(ValueError, match="language"):
        format_datetime(MONDAY_MORNING, JAKARTA, lang)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30m", timedelta(minutes=30)),
        ("2h", timedelta(hours=2)),
        ("1d", timedelta(days=1)),
        ("90s", timedelta(seconds=90)),
        ("1w", timedelta(weeks=1)),
        ("1h30m", timedelta(hours=1, minutes=30)),
        ("1d2h", timedelta(days=1, hours=2)),
        ("1w1d1h1m1s", timedelta(weeks=1, days=1, hours=1, minutes=1, seconds=1)),
        ("0h30m", timedelta(minutes=30)),
        ("1H30M", timedelta(hours=1, minutes=30)),
        (" 2h ", timedelta(hours=2)),
        ("1h 30m", timedelta(hours=1, minutes=30)),
        ("120m", timedelta(hours=2)),
    ],
)
def test_parse_duration(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "  ",
        "0m",
        "0h0m",
        "30",
        "m",
        "-1h",
        "+1h",
        "1.5h",
        "1y",
        "h1",
        "1h-30m",
        "٣٠m",
        "1e3s",
        "1 jam",
        "99999999999999999999d",
        "1h; DROP TABLE jadwal",
        "1h" * 1000,
        "x" * 100_000,
    ],
)
def test_parse_duration_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="invalid duration"):
        parse_duration(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1d,2h,30m", (timedelta(days=1), timedelta(hours=2), timedelta(minutes=30))),
        ("30m, 2h , 1d", (timedelta(days=1), timedelta(hours=2), timedelta(minutes=30))),
        ("1h,60m,3600s", (timedelta(hours=1),)),
        ("15m", (timedelta(minutes=15),)),
        ("1h30m,1d", (timedelta(days=1), timedelta(hours=1, minutes=30))),
    ],
)
def test_parse_durations(text: str, expected: tuple[timedelta, ...]) -> None:
    assert parse_durations(text) == expected


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("", "empty"),
        ("1d,,2h", "empty"),
        ("1d,", "empty"),
        (" , ", "empty"),
        ("1d,2x", "'2x'"),
        ("0m,1h", "'0m'"),
        ("1d,-2h", "'-2h'"),
        ("1d;2h", "'1d;2h'"),
    ],
)
def test_parse_durations_rejects_and_names_bad_item(text: str, named: str) -> None:
    with pytest.raises(ValueError, match=named):
        parse_durations(text)


@pytest.mark.parametrize(
    ("text", "zone", "expected"),
    [
        ("2026-12-01 09:00", "Asia/Jakarta", datetime(2026, 12, 1, 2, 0, tzinfo=UTC)),
        ("2026-12-01T09:00", "Asia/Jakarta", datetime(2026, 12, 1, 2, 0, tzinfo=UTC)),
        ("  2026-12-01 09:00\n", "Asia/Jakarta", datetime(2026, 12, 1, 2, 0, tzinfo=UTC)),
        ("2026-12-01 09:00", "Asia/Jayapura", datetime(2026, 12, 1, 0, 0, tzinfo=UTC)),
        ("2026-12-01 05:30", "Asia/Makassar", datetime(2026, 11, 30, 21, 30, tzinfo=UTC)),
        ("2026-07-01 09:00", "Europe/London", datetime(2026, 7, 1, 8, 0, tzinfo=UTC)),
        ("2028-02-29 00:00", "UTC", datetime(2028, 2, 29, 0, 0, tzinfo=UTC)),
    ],
)
def test_parse_local_datetime(text: str, zone: str, expected: datetime) -> None:
    parsed = parse_local_datetime(text, ZoneInfo(zone))
    assert parsed == expected
    assert parsed.tzinfo is UTC


@pytest.mark.parametrize(
    "text",
    [
        "",
        "2026-12-01",
        "09:00",
        "01-12-2026 09:00",
        "2026/12/01 09:00",
        "2026-12-01 9:00",
        "2026-12-01 09:00:00",
        "2026-12-01 09:00 WIB",
        "2026-12-01 09.00",
        "besok jam 9",
        "'; DROP TABLE sesi;--",
        "２０２６-12-01 09:00",
        "x" * 100_000,
    ],
)
def test_parse_local_datetime_rejects_other_formats(text: str) -> None:
    with pytest.raises(ValueError, match="YYYY-MM-DD HH:MM"):
        parse_local_datetime(text, JAKARTA)


@pytest.mark.parametrize(
    "text",
    [
        "2026-13-01 09:00",
        "2026-02-29 09:00",
        "2026-12-32 09:00",
        "2026-12-01 24:00",
        "0001-01-01 00:00",
    ],
)
def test_parse_local_datetime_rejects_impossible_moments(text: str) -> None:
    with pytest.raises(ValueError, match="invalid date and time"):
        parse_local_datetime(text, JAKARTA)


@PROPERTY
@given(st.text())
def test_parse_duration_only_raises_value_error(text: str) -> None:
    try:
        duration = parse_duration(text)
    except ValueError:
        return
    assert duration > timedelta()


@PROPERTY
@given(st.text())
def test_parse_durations_is_sorted_and_unique(text: str) -> None:
    try:
        durations = parse_durations(text)
    except ValueError:
        return
    assert list(durations) == sorted(set(durations), reverse=True)


@PROPERTY
@given(
    st.integers(0, 52),
    st.integers(0, 6),
    st.integers(0, 23),
    st.integers(0, 59),
    st.integers(1, 59),
)
def test_parse_duration_sums_units(
    weeks: int, days: int, hours: int, minutes: int, seconds: int
) -> None:
    text = f"{weeks}w{days}d{hours}h{minutes}m{seconds}s"
    expected = timedelta(weeks=weeks, days=days, hours=hours, minutes=minutes, seconds=seconds)
    assert parse_duration(text) == expected


@PROPERTY
@given(
    st.datetimes(min_value=NAIVE_EARLIEST, max_value=NAIVE_LATEST).map(
        lambda dt: dt.replace(second=0, microsecond=0)
    )
)
def test_parse_local_datetime_round_trips_with_format(local: datetime) -> None:
    parsed = parse_local_datetime(local.strftime("%Y-%m-%d %H:%M"), JAKARTA)
    assert parsed == local.replace(tzinfo=JAKARTA)
    assert format_time(parsed, JAKARTA, "en") == local.strftime("%H:%M WIB")
