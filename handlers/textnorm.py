"""Make text people type safe to store and show: one normaliser for every free-text field.

Names, business names, notes, session titles, item names and announcements all pass here
before they are checked and stored, so officers, exports and other participants never see
reversed text (bidi overrides), invisible characters or a letter buried under combining marks.

- Unicode NFC, so "e" + U+0301 and "é" are the same stored text.
- Bidi controls (U+202A-202E, U+2066-2069, U+200E/F, U+061C), zero-width characters
  (U+200B-200D, U+2060, U+FEFF), every other format character and the invisible Hangul
  fillers are removed. Two exceptions keep emoji whole: a zero-width joiner between two
  pictographs (👨‍🌾 is 👨 + ZWJ + 🌾) and the tag characters of a subdivision flag.
- At most MAX_MARKS combining marks are kept on each character ("Zalgo" text), counted in
  the decomposed form: "ễ" is e with two marks, so Vietnamese names keep every accent.
- Control characters are removed; line breaks become spaces on one-line fields and "\\n" in
  multi-line text, where trailing spaces and blank lines at both ends are dropped too.
"""

from __future__ import annotations

import unicodedata
from typing import Final

MAX_MARKS: Final = 2
ZWJ: Final = "\u200d"
_BIDI: Final = frozenset(
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
)
_ZERO_WIDTH: Final = frozenset("\u200b\u200c\u200d\u2060\ufeff")
# Letters that render as nothing: favourites for names that look empty.
_FILLERS: Final = frozenset("\u115f\u1160\u3164\uffa0")
_LINE_BREAKS: Final = str.maketrans(
    {"\r": "\n", "\x0b": "\n", "\x0c": "\n", "\x85": "\n", "\u2028": "\n", "\u2029": "\n"}
)
_BLACK_FLAG: Final = "\U0001f3f4"
_TAGS: Final = range(0xE0020, 0xE0080)
_EMOJI_PRESENTATION: Final = "\ufe0f"
_SKIN_TONES: Final = range(0x1F3FB, 0x1F400)
# ASCII text has no marks or format characters: only its control characters need going.
_ASCII_CONTROLS: Final = str.maketrans(
    {code: None for code in (*range(32), 127) if chr(code) not in "\n\t"} | {"\t": " "}
)


def clean_line(text: str) -> str:
    """Return one-line text normalised, its whitespace collapsed to single spaces."""
    return " ".join(_clean(text, multiline=False).split())


def clean_text(text: str) -> str:
    """Return multi-line text normalised, keeping its line breaks."""
    lines = _clean(text, multiline=True).split("\n")
    return "\n".join(line.rstrip() for line in lines).strip()


def _clean(text: str, *, multiline: bool) -> str:
    text = text.replace("\r\n", "\n").translate(_LINE_BREAKS)
    if text.isascii():
        text = text.translate(_ASCII_CONTROLS)
        return text if multiline else text.replace("\n", " ")
    # Decomposed, a letter's accents are all marks, so "ễ" counts as e plus two.
    text = unicodedata.normalize("NFD", text)
    kept: list[str] = []
    marks = 0
    for index, char in enumerate(text):
        category = unicodedata.category(char)
        if category in ("Mn", "Me"):
            # Counted across removed characters too, so a zero-width space cannot reset it.
            marks += 1
            if marks <= MAX_MARKS:
                kept.append(char)
        elif char in "\n\t":
            kept.append("\n" if multiline and char == "\n" else " ")
            marks = 0
        elif _is_visible(char, category, kept, text[index + 1 : index + 2]):
            kept.append(char)
            marks = 0
    return unicodedata.normalize("NFC", "".join(kept))


def _is_visible(char: str, category: str, kept: list[str], following: str) -> bool:
    if category in ("Cc", "Cs") or char in _FILLERS or char in _BIDI:
        return False
    if char == ZWJ:
        return _joins_pictographs(kept, following)
    if ord(char) in _TAGS:
        return bool(kept) and (kept[-1] == _BLACK_FLAG or ord(kept[-1]) in _TAGS)
    return category != "Cf" and char not in _ZERO_WIDTH


def _joins_pictographs(kept: list[str], following: str) -> bool:
    """Tell whether a zero-width joiner sits inside an emoji sequence such as 👩🏽‍💻."""
    if not kept or not following:
        return False
    before = kept[-1]
    pictograph_before = (
        before == _EMOJI_PRESENTATION
        or ord(before) in _SKIN_TONES
        or unicodedata.category(before) == "So"
    )
    return pictograph_before and unicodedata.category(following) == "So"
