"""The ticket state machine: open → answered → closed, and what may happen in each state."""

from __future__ import annotations

from typing import Final, Literal

from storage.helpdesk import Ticket, TicketStatus

TicketEvent = Literal["participant_message", "officer_answer", "take", "close", "autoclose"]
# Where each event leads from each state; a missing pair is refused.
TRANSITIONS: Final[dict[tuple[TicketStatus, TicketEvent], TicketStatus]] = {
    ("open", "participant_message"): "open",
    ("answered", "participant_message"): "open",
    ("open", "officer_answer"): "answered",
    ("answered", "officer_answer"): "answered",
    ("open", "take"): "open",
    ("answered", "take"): "answered",
    ("open", "close"): "closed",
    ("answered", "close"): "closed",
    ("answered", "autoclose"): "closed",
}
MAX_MESSAGE: Final = 4000
MAX_NOTE: Final = 500


class TicketRefused(Exception):
    """A ticket action that cannot be done; `reason` names the sentence to show."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def after(status: TicketStatus, event: TicketEvent) -> TicketStatus:
    """Return the state an event leads to, or raise TicketRefused."""
    found = TRANSITIONS.get((status, event))
    if found is None:
        raise TicketRefused("closed" if status == "closed" else "not_now")
    return found


def check_actionable(ticket: Ticket | None) -> Ticket:
    """Return the ticket if an officer may still act on it; raise TicketRefused otherwise."""
    if ticket is None:
        raise TicketRefused("unknown")
    if ticket.erased_at is not None:
        raise TicketRefused("erased")
    if ticket.status == "closed":
        raise TicketRefused("closed")
    return ticket


def clean_text(text: str, limit: int = MAX_MESSAGE) -> str:
    """Return a message as stored: trimmed, at most `limit` characters; refuse an empty one."""
    cleaned = text.replace("\x00", "").strip()
    if not cleaned:
        raise TicketRefused("empty")
    return cleaned[:limit]


def check_length(text: str, limit: int = MAX_MESSAGE) -> None:
    """Refuse a typed text longer than one message may be (a form can carry more than chat)."""
    if len(text.strip()) > limit:
        raise TicketRefused("too_long")
