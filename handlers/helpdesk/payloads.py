"""The help desk's buttons, packed and read by the one codec (`conversation.payloads`).

`tiket:<action>[:<ticket>]` are the officers' desk (every press re-checks the role and a
refusal is audited), `tanya:<action>:<number>` the participant's, `peserta:msg:<participant>`
the officers' search results.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from handlers.conversation.payloads import Payload


@dataclass(frozen=True)
class DeskButton(Payload, prefix="tiket", officers="tiket"):
    """The officers' ticket desk."""


class OpenTickets(DeskButton, tag="open"):
    """The open tickets, oldest first."""


class MyTickets(DeskButton, tag="mine"):
    """The tickets this officer took."""


class AnsweredTickets(DeskButton, tag="answered"):
    """The answered tickets."""


@dataclass(frozen=True)
class SwitchAlerts(DeskButton, tag="alerts"):
    """Turn this officer's alerts on or off."""

    to: Literal["on", "off"]


@dataclass(frozen=True)
class TicketButton(DeskButton):
    """A desk button about one ticket: `tiket:<action>:<ticket>`."""

    ticket_id: int


class ShowTicket(TicketButton, tag="show"):
    """The ticket and its thread."""


class TakeTicket(TicketButton, tag="take"):
    """✋ Saya tangani."""


class ReplyTicket(TicketButton, tag="reply"):
    """✍️ Balas: ask for the answer (a flow)."""


class CloseTicket(TicketButton, tag="close"):
    """✅ Tutup: ask for an optional note (a flow)."""


@dataclass(frozen=True)
class AskButton(Payload, prefix="tanya"):
    """The participant's buttons under an FAQ answer or an officer's answer."""


@dataclass(frozen=True)
class QuestionButton(AskButton):
    """A button about one logged question: `tanya:<action>:<question>`."""

    question_id: int


class Answered(QuestionButton, tag="ok"):
    """👍 Terjawab under an FAQ answer."""


class AskOfficer(QuestionButton, tag="ask"):
    """💬 Tanya petugas under an FAQ or own-data answer."""


@dataclass(frozen=True)
class Done(AskButton, tag="done"):
    """👍 under an officer's answer: the participant closes the ticket."""

    ticket_id: int


@dataclass(frozen=True)
class SearchButton(Payload, prefix="peserta", officers="peserta"):
    """The officers' participant search."""


@dataclass(frozen=True)
class MessageParticipant(SearchButton, tag="msg"):
    """✉️ Kirim pesan: open a ticket to this participant (a flow)."""

    participant_id: int
