"""The free-text normaliser: invisible and direction characters, mark floods, NFC, emoji."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from handlers.textnorm import MAX_MARKS, clean_line, clean_text

PROPERTY = settings(database=None, deadline=None, max_examples=300)
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
INVISIBLE = set(BIDI + ZERO_WIDTH + "\u00ad\u2061\u2062\u2063\u2064\u180e\u3164\u115f\u1160")


@pytest.mark.parametrize("char", list(BIDI), ids=[f"U+{ord(c):04X}" for c in BIDI])
def test_every_bidi_control_is_removed(char: str) -> None:
    assert clean_line(f"Toko {char}Ani{char} Jaya") == "Toko Ani Jaya"
    assert clean_text(f"Halo{char}\n{char}semua") == "Halo\nsemua"


@pytest.mark.parametrize("char", list(ZERO_WIDTH), ids=[f"U+{ord(c):04X}" for c in ZERO_WIDTH])
def test_every_zero_width_character_is_removed_between_letters(char: str) -> None:
    assert clean_line(f"Bu{char}di{char}") == "Budi"
    assert clean_text(f"{char}Bu{char}di") == "Budi"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A right-to-left override would show "Toko ināyaJ" reversed in officers' lists.
        ("Toko \u202eayaJ\u202c", "Toko ayaJ"),
        ("\u2067Keripik\u2069 \u2066Maicih\u2069", "Keripik Maicih"),
        ("Soft\u00adhyphen", "Softhyphen"),
        ("a\u2062b", "ab"),
        ("\u3164\u3164", ""),
        ("Toko\x00Ani\x07\x1b[31m", "TokoAni[31m"),
        ("Toko\x7fAni", "TokoAni"),
        ("Toko \ud800Ani", "Toko Ani"),
        ("  Toko \t  Ani \n\r\n Jaya  ", "Toko Ani Jaya"),
        ("Toko\u2028Ani\u2029Jaya\x85!", "Toko Ani Jaya !"),
        ("Toko\u00a0Ani\u3000Jaya", "Toko Ani Jaya"),
        ("", ""),
    ],
)
def test_clean_line(text: str, expected: str) -> None:
    assert clean_line(text) == expected


@pytest.mark.parametrize(
    ("decomposed", "composed"),
    [
        ("Jose\u0301", "José"),
        ("Mu\u0308ller", "Müller"),
        ("Nguye\u0302\u0303n", "Nguyễn"),  # e + circumflex + tilde: two marks, both kept
        ("C\u0327elik", "Çelik"),
        ("\u1100\u1161", "\uac00"),  # Hangul jamo compose too
    ],
)
def test_text_is_stored_composed(decomposed: str, composed: str) -> None:
    assert clean_line(decomposed) == composed
    assert clean_line(composed) == composed
    assert unicodedata.is_normalized("NFC", clean_text(decomposed))


@pytest.mark.parametrize("flood", [3, 10, 96, 5000])
def test_a_flood_of_combining_marks_keeps_two_per_letter(flood: int) -> None:
    zalgo = "".join("a" + "\u0301\u0308\u0323" * flood for _ in range(3))
    cleaned = clean_line(zalgo)
    decomposed = unicodedata.normalize("NFD", cleaned)
    assert decomposed.count("a") == 3
    assert [len(part) for part in decomposed.split("a")[1:]] == [MAX_MARKS] * 3


def test_invisible_characters_cannot_reset_the_mark_count() -> None:
    assert clean_line("a\u0301\u0301\u200b\u0301\u0301\u2060\u0301x") == "á\u0301x"


def test_marks_without_a_letter_are_capped_too() -> None:
    assert clean_line("\u0301" * 50 + "x") == "\u0301\u0301x"


@pytest.mark.parametrize(
    "emoji",
    [
        "😀",
        "🌶️",  # with VS16
        "❤️",
        "1️⃣",  # keycap: two marks
        "👍🏽",  # skin tone
        "👨\u200d🌾",  # farmer: ZWJ sequence
        "👩🏽\u200d💻",
        "👨\u200d❤️\u200d👨",
        "🏳️\u200d🌈",
        "🇮🇩",
        "🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f",  # Scotland
    ],
)
def test_emoji_are_kept_whole(emoji: str) -> None:
    assert clean_line(f"Keripik {emoji} Pedas") == f"Keripik {emoji} Pedas"
    assert clean_text(f"Halo {emoji}\nsemua") == f"Halo {emoji}\nsemua"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a\u200db", "ab"),  # a joiner between letters is invisible text
        ("\u200d😀", "😀"),
        ("😀\u200d", "😀"),
        ("😀\u200d\u200da", "😀a"),
        ("a\U000e0067b", "ab"),  # tag characters outside a flag
    ],
)
def test_joiners_and_tags_outside_emoji_are_removed(text: str, expected: str) -> None:
    assert clean_line(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Halo semua,\nbesok bimtek.\n\nSalam", "Halo semua,\nbesok bimtek.\n\nSalam"),
        ("Baris 1\r\nBaris 2\rBaris 3", "Baris 1\nBaris 2\nBaris 3"),
        ("Baris 1\u2028Baris 2", "Baris 1\nBaris 2"),
        ("\n\n  Halo  \n\n", "Halo"),
        ("Halo   \nsemua\t", "Halo\nsemua"),
        ("Halo\x00\x1b semua", "Halo semua"),
        ("\u202eHalo\u202c\n\u200bsemua", "Halo\nsemua"),
        ("  - satu\n  - dua", "- satu\n  - dua"),
    ],
)
def test_clean_text_keeps_line_breaks(text: str, expected: str) -> None:
    assert clean_text(text) == expected


@PROPERTY
@given(st.text())
def test_clean_line_leaves_nothing_invisible_and_is_stable(text: str) -> None:
    cleaned = clean_line(text)
    assert not INVISIBLE & set(cleaned) - {"\u200d"}
    assert "\n" not in cleaned
    assert all(unicodedata.category(char) not in ("Cc", "Cs") for char in cleaned)
    assert cleaned == cleaned.strip()
    assert unicodedata.is_normalized("NFC", cleaned)
    assert clean_line(cleaned) == cleaned


@PROPERTY
@given(st.text())
def test_clean_text_is_stable(text: str) -> None:
    cleaned = clean_text(text)
    assert not (set(BIDI) | {"\r", "\x00"}) & set(cleaned)
    assert clean_text(cleaned) == cleaned
