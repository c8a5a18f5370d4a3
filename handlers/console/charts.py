"""Bar charts drawn in the page as SVG: numbers in, bar lengths out (no script, no image)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

WIDTH: Final = 100.0
TOP: Final = 10


@dataclass(frozen=True)
class Bar:
    """One bar: its label, its value, and its length in percent of the longest."""

    label: str
    value: int
    length: float


def bars(pairs: Iterable[tuple[str, int]], top: int = TOP) -> list[Bar]:
    """Return the largest `top` values as bars scaled to the largest one."""
    chosen = sorted(pairs, key=lambda pair: -pair[1])[:top]
    largest = max((value for _, value in chosen), default=0)
    return [
        Bar(label, value, round(WIDTH * value / largest, 1) if largest else 0.0)
        for label, value in chosen
    ]


def share(part: int, whole: int) -> float:
    """Return part of whole in percent, 0 when there is no whole."""
    return round(100.0 * part / whole, 1) if whole else 0.0
