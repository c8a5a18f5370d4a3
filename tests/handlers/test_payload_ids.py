"""The strict reader of numbers in button payloads."""

from __future__ import annotations

import pytest

from handlers.payload_ids import MAX_ID_DIGITS, parse_id, parse_ids


@pytest.mark.parametrize(
    ("value", "expected"),
    [("0", 0), ("7", 7), ("42", 42), ("9" * MAX_ID_DIGITS, int("9" * MAX_ID_DIGITS))],
)
def test_plain_ascii_numbers_are_read(value: str, expected: int) -> None:
    assert parse_id(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "²",  # isdigit() is True, int() raises
        "١٢",  # Arabic-Indic digits: int() would read 12
        "٣",
        "１２",  # fullwidth
        "𝟏",  # mathematical bold digit
        "-1",
        "+1",
        "01",
        "007",
        " 1",
        "1 ",
        "1\n",
        "1_000",
        "1e3",
        "0x10",
        "1.0",
        "9" * (MAX_ID_DIGITS + 1),
        "9" * 5000,
        "1; DROP TABLE",
    ],
)
def test_anything_else_is_none(value: str | None) -> None:
    assert parse_id(value) is None


def test_parse_ids_reads_all_or_nothing() -> None:
    assert parse_ids(["3", "0", "12"]) == (3, 0, 12)
    assert parse_ids([]) == ()
    assert parse_ids(["3", "²"]) is None
