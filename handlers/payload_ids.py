"""Read the numbers button payloads carry (ids, list indexes) strictly, whoever forged them.

`str.isdigit()` accepts "²" and `int()` accepts Arabic-Indic digits ("٣"), so a payload such
as `rsvp:²:yes` used to raise ValueError deep in a handler. Only plain ASCII digits in the
canonical form the bot writes itself (no sign, no leading zero, at most MAX_ID_DIGITS, which
fits SQLite's 64-bit integers) are read; anything else is None, which every caller answers
as a stale button.
"""

from __future__ import annotations

import re
from typing import Final

MAX_ID_DIGITS: Final = 18
_CANONICAL: Final = re.compile(rf"0|[1-9][0-9]{{0,{MAX_ID_DIGITS - 1}}}")


def parse_id(value: str | None) -> int | None:
    """Return the number a payload part carries, or None when it is not one the bot wrote."""
    if value is None or not _CANONICAL.fullmatch(value):
        return None
    return int(value)


def parse_ids(values: list[str]) -> tuple[int, ...] | None:
    """Return every number of these payload parts, or None when any is not one."""
    numbers = tuple(parse_id(value) for value in values)
    if any(number is None for number in numbers):
        return None
    return tuple(number for number in numbers if number is not None)
