"""Typed answers at choice steps: a typed label or its number counts as pressing the button.

The flow engine asks a step for its buttons and, when the person types instead of tapping,
reads the text here. Labels are compared ignoring case, accents, extra spaces, emoji and
punctuation ("✅ setuju!" is "Setuju"); "2" (or "2.", "#2") is the second button in reading
order. A near miss ("stuju") is not guessed: the engine asks "Maksud Anda «Setuju»?".

How far a step trusts typing depends on what else typing means there:
- a pure choice step (`choice`): labels, numbers and near misses;
- a step that also reads typed text of its own (`text`, e.g. kecamatan names, which have
  their own near-miss matching): labels and numbers, never a near miss;
- a step with a single button beside a typed answer (a note with "Lewati", a phone number
  with "Gunakan nomor ini") (`exact`): only the exact label.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, Literal

from rapidfuzz import fuzz, process

# Longer text is an answer of its own, never a button label.
MAX_TYPED: Final = 100
NEAR_CUTOFF: Final = 75.0
NEAR_MARGIN: Final = 10.0
MIN_NEAR_LENGTH: Final = 3
_NOT_WORD: Final = re.compile(r"[^0-9a-z]+")
_NUMBER: Final = re.compile(r"^\s*[#(]?\s*([0-9]{1,3})\s*[.)]?\s*$")

Trust = Literal["choice", "text", "exact"]


@dataclass(frozen=True)
class Offered:
    """A button a step shows: its label and its packed payload."""

    label: str
    payload: str


@dataclass(frozen=True)
class TypedChoice:
    """What typed text meant: a button, surely (label, number) or maybe (near)."""

    button: Offered
    how: Literal["label", "number", "near"]


def label_key(text: str) -> str:
    """Return a label as compared: lower case, no accents, emoji, punctuation or extra spaces."""
    decomposed = unicodedata.normalize("NFKD", text[:MAX_TYPED])
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _NOT_WORD.sub(" ", plain.casefold()).strip()


def trust_of(buttons: Sequence[Offered], takes_text: bool) -> Trust:
    """Return how far a step trusts typing, from its buttons and whether it reads text."""
    if len(buttons) < 2:
        return "exact"
    return "text" if takes_text else "choice"


def match_typed(text: str, buttons: Sequence[Offered], trust: Trust) -> TypedChoice | None:
    """Return the button a typed text stands for, or None when it stands for none."""
    if not buttons or len(text) > MAX_TYPED:
        return None
    typed = label_key(text)
    if not typed:
        return None
    keys = [label_key(button.label) for button in buttons]
    same = [index for index, key in enumerate(keys) if key == typed]
    if len(same) == 1:
        return TypedChoice(buttons[same[0]], "label")
    if same or trust == "exact":
        return None
    number = _NUMBER.match(text)
    if number is not None:
        index = int(number.group(1)) - 1
        return TypedChoice(buttons[index], "number") if 0 <= index < len(buttons) else None
    return _near(typed, keys, buttons) if trust == "choice" else None


def _near(typed: str, keys: list[str], buttons: Sequence[Offered]) -> TypedChoice | None:
    if len(typed.replace(" ", "")) < MIN_NEAR_LENGTH:
        return None
    ranked = process.extract(typed, keys, scorer=fuzz.ratio, limit=2)
    if not ranked:
        return None
    _, best, index = ranked[0]
    if best < NEAR_CUTOFF:
        return None
    if len(ranked) > 1 and best - ranked[1][1] <= NEAR_MARGIN:
        return None
    return TypedChoice(buttons[index], "near")
