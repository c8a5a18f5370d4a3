"""The Unicode font every PDF embeds: DejaVu Sans, as matplotlib (a dependency) ships it.

fpdf2's built-in fonts cover Latin-1 only; names such as "Łucja" or "Nguyễn" need a TTF.
matplotlib bundles DejaVu Sans in its data folder, so no font is downloaded or vendored.
"""

from __future__ import annotations

import unicodedata
from functools import cache
from pathlib import Path
from typing import Final

from fontTools.ttLib import TTFont
from fpdf import FPDF

FAMILY: Final = "DejaVuSans"
_FILES: Final = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
MISSING: Final = "?"


@cache
def font_folder() -> Path:
    """Return matplotlib's folder of bundled TTF fonts."""
    import matplotlib  # noqa: PLC0415 - only PDFs need it, and it is slow to import

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


def add_unicode_font(pdf: FPDF) -> str:
    """Register DejaVu Sans (regular and bold) with the document; return the family name."""
    folder = font_folder()
    for style, filename in _FILES.items():
        pdf.add_font(FAMILY, style, str(folder / filename))
    return FAMILY


@cache
def _covered() -> frozenset[int]:
    """Return the code points both styles of the font can draw."""
    covered: frozenset[int] | None = None
    for filename in _FILES.values():
        with TTFont(font_folder() / filename, lazy=True) as font:
            points = frozenset(font.getBestCmap())
        covered = points if covered is None else covered & points
    return covered or frozenset()


def drawable(text: str) -> str:
    """Return text with every letter intact that the font has; `?` for the rest (e.g. 王, 🧰).

    fpdf2 would leave a blank and log the missing glyphs, and a log line must never carry
    a person's name.
    """
    covered = _covered()
    normal = unicodedata.normalize("NFC", text)
    return "".join(char if ord(char) in covered or char in "\n\t" else MISSING for char in normal)
