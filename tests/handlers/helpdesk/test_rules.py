"""The ticket state machine, as tables."""

from __future__ import annotations

import pytest

from handlers.helpdesk.rules import TRANSITIONS, TicketRefused, after, check_length, clean_text
from storage.helpdesk import TICKET_STATUSES

EVENTS = ("participant_message", "officer_answer", "take", "close", "autoclose")


@pytest.mark.parametrize(
    ("status", "event", "expected"),
    [
        ("open", "participant_message", "open"),
        ("answered", "participant_message", "open"),
        ("open", "officer_answer", "answered"),
        ("answered", "officer_answer", "answered"),
        ("open", "take", "open"),
        ("open", "close", "closed"),
        ("answered", "close", "closed"),
        ("answered", "autoclose", "closed"),
    ],
)
def test_allowed_transitions(status: str, event: str, expected: str) -> None:
    assert after(status, event) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize("status", TICKET_STATUSES)
@pytest.mark.parametrize("event", EVENTS)
def test_every_other_pair_is_refused(status: str, event: str) -> None:
    if (status, event) in TRANSITIONS:
        return
    with pytest.raises(TicketRefused) as refused:
        after(status, event)  # type: ignore[arg-type]
    assert refused.value.reason == ("closed" if status == "closed" else "not_now")


@pytest.mark.parametrize("text", ["", "   ", "\x00", "\n\t"])
def test_empty_messages_are_refused(text: str) -> None:
    with pytest.raises(TicketRefused):
        clean_text(text)


def test_long_messages_are_cut() -> None:
    assert len(clean_text("a" * 5000)) == 4000


@pytest.mark.parametrize(
    ("text", "limit", "refused"),
    [
        ("a" * 4000, 4000, False),
        ("  " + "a" * 4000 + "\n", 4000, False),
        ("a" * 4001, 4000, True),
        ("😀" * 501, 500, True),
        ("", 500, False),
    ],
)
def test_a_text_longer_than_a_message_is_refused_not_cut(
    text: str, limit: int, refused: bool
) -> None:
    if refused:
        with pytest.raises(TicketRefused) as caught:
            check_length(text, limit)
        assert caught.value.reason == "too_long"
    else:
        check_length(text, limit)
