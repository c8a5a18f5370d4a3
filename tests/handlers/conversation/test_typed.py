"""The typed-answer rule as tables: labels, numbers, near misses, and what each step trusts."""

from __future__ import annotations

import pytest

from handlers.conversation.typed import Offered, Trust, label_key, match_typed, trust_of

CONSENT = (
    Offered("Setuju", "registration:consent:yes"),
    Offered("Tidak setuju", "registration:consent:no"),
)


@pytest.mark.parametrize(
    ("typed", "payload", "how"),
    [
        ("Setuju", "registration:consent:yes", "label"),
        ("setuju", "registration:consent:yes", "label"),
        ("  SETUJU!!  ", "registration:consent:yes", "label"),
        ("✅ setuju", "registration:consent:yes", "label"),
        ("setuju 👍", "registration:consent:yes", "label"),
        ("tidak   setuju", "registration:consent:no", "label"),
        ("Tidak-setuju.", "registration:consent:no", "label"),
        ("1", "registration:consent:yes", "number"),
        ("2.", "registration:consent:no", "number"),
        ("#2", "registration:consent:no", "number"),
        (" (1) ", "registration:consent:yes", "number"),
        ("stuju", "registration:consent:yes", "near"),
        ("tidak setju", "registration:consent:no", "near"),
    ],
)
def test_typed_choice(typed: str, payload: str, how: str) -> None:
    found = match_typed(typed, CONSENT, "choice")
    assert found is not None
    assert (found.button.payload, found.how) == (payload, how)


@pytest.mark.parametrize(
    "typed",
    ["3", "0", "-1", "ya", "", "   ", "apa ini?", "x" * 500, "🙂", "'; DROP TABLE x;--", "²"],
)
def test_typed_text_that_is_no_choice(typed: str) -> None:
    assert match_typed(typed, CONSENT, "choice") is None


@pytest.mark.parametrize(
    ("trust", "typed", "expected"),
    [
        ("text", "setuju", "label"),
        ("text", "2", "number"),
        ("text", "stuju", None),
        ("exact", "setuju", "label"),
        ("exact", "1", None),
        ("exact", "stuju", None),
    ],
)
def test_what_a_step_that_reads_text_trusts(
    trust: Trust, typed: str, expected: str | None
) -> None:
    found = match_typed(typed, CONSENT, trust)
    assert (None if found is None else found.how) == expected


def test_two_buttons_with_one_label_are_not_guessed() -> None:
    same = (Offered("Ya", "x:a:yes"), Offered("ya!", "x:b:yes"))
    assert match_typed("ya", same, "choice") is None


@pytest.mark.parametrize(
    ("count", "takes_text", "trust"),
    [
        (0, False, "exact"),
        (1, False, "exact"),
        (1, True, "exact"),
        (2, False, "choice"),
        (9, True, "text"),
    ],
)
def test_trust_of(count: int, takes_text: bool, trust: Trust) -> None:
    buttons = [Offered(str(index), f"x:s:{index}") for index in range(count)]
    assert trust_of(buttons, takes_text) == trust


def test_label_key_ignores_accents_emoji_and_punctuation() -> None:
    assert label_key("✅ Sudah diterimá!") == "sudah diterima"
