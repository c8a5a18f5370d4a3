"""Certificate numbers from CERTIFICATE_NUMBER_FORMAT, e.g. `WUB-{year}/{session}/{seq:04d}`.

`seq` counts within the number's scope: the number with its sequence left out. With the
default format that is per session and year; a format without `{session}` counts per year.
"""

from __future__ import annotations

import string
from typing import Final

FIELDS: Final = frozenset({"year", "session", "seq"})
MAX_NUMBER: Final = 100
_SEQ_MARK: Final = "#"


def _render(number_format: str, year: int, session: str, seq: int | None) -> str:
    parts: list[str] = []
    for literal, field, spec, conversion in string.Formatter().parse(number_format):
        parts.append(literal)
        if field is None:
            continue
        if field == "seq" and seq is None:
            parts.append(_SEQ_MARK)
            continue
        value: object = {"year": year, "session": session, "seq": seq}[field]
        if conversion:
            value = {"s": str(value), "r": repr(value), "a": ascii(value)}[conversion]
        parts.append(format(value, spec or ""))
    return "".join(parts)


def check_number_format(number_format: str) -> str:
    """Return the format when it makes unique numbers, or raise ValueError saying why."""
    try:
        fields = [field for _, field, _, _ in string.Formatter().parse(number_format)]
    except ValueError as error:
        raise ValueError(f"malformed number format: {error}") from error
    unknown = [field for field in fields if field is not None and field not in FIELDS]
    if unknown:
        raise ValueError(f"unknown field {{{unknown[0]}}}: use {{year}}, {{session}}, {{seq}}")
    if "seq" not in fields:
        raise ValueError("the number format needs {seq}, or numbers would repeat")
    try:
        first = _render(number_format, 2026, "BTK-01", 1)
        second = _render(number_format, 2026, "BTK-01", 2)
    except (ValueError, TypeError, KeyError) as error:
        raise ValueError(f"malformed number format: {error}") from error
    if first == second:
        raise ValueError("the number format must show {seq}")
    if len(first) > MAX_NUMBER:
        raise ValueError(f"numbers would be longer than {MAX_NUMBER} characters")
    return number_format


def certificate_number(number_format: str, year: int, session: str, seq: int) -> str:
    """Return the certificate number."""
    return _render(number_format, year, session, seq)


def number_scope(number_format: str, year: int, session: str) -> str:
    """Return what numbers share when only their sequence differs."""
    return _render(number_format, year, session, None)
