"""The Unicode font every PDF embeds: what it draws, and what it replaces."""

from __future__ import annotations

import pytest

from handlers.documents.fonts import MISSING, drawable


@pytest.mark.parametrize(
    ("given", "drawn"),
    [
        ("Nguyễn Thị Ánh", "Nguyễn Thị Ánh"),
        ("Łucja Żółć", "Łucja Żółć"),
        ("Ёлка", "Ёлка"),
        ("Tra\u0302\u0300n", "Trần"),
        ("王", MISSING),
        ("🧰 Alat", f"{MISSING} Alat"),
        ("a\nb\tc", "a\nb\tc"),
    ],
)
def test_drawable_keeps_the_letters_the_font_has(given: str, drawn: str) -> None:
    assert drawable(given) == drawn
