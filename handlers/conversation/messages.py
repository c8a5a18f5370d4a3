"""What flows between channels and handlers: one inbound event in, replies out."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Literal, TypeVar

from storage.models import Channel

InboundKind = Literal[
    "text",
    "button",
    "contact",
    "photo",
    "document",
    "voice",
    "location",
    "edited",
    "unsupported",
]

Item = TypeVar("Item")
_COMMAND = re.compile(r"^/([A-Za-z_]{1,32})(?:@\w+)?(?:\s+(.*))?$", re.DOTALL)


@dataclass(frozen=True)
class Inbound:
    """One thing a person did: typed text, pressed a button, shared a contact, sent a photo."""

    channel: Channel
    address: str
    kind: InboundKind
    text: str = ""
    payload: str = ""
    sender_id: str | None = None
    contact_phone: str | None = None
    contact_user_id: str | None = None
    photo_id: str | None = None
    private: bool = True
    # The phone number the platform vouches for (WhatsApp's sender), offered at the phone step.
    verified_phone: str | None = None
    # A document or voice note: the platform's file id, or a stored `media:` reference.
    media_id: str | None = None
    # The id of the bot's message this one replies to (Telegram's reply), if any.
    reply_to: str | None = None


@dataclass(frozen=True)
class Command:
    """A slash command and its argument."""

    name: str
    arg: str


def parse_command(text: str) -> Command | None:
    """Return the command in a text such as `/start hadir_X` or `/daftar@bot`, if any."""
    match = _COMMAND.match(text.strip())
    if match is None:
        return None
    return Command(match.group(1).lower(), (match.group(2) or "").strip())


@dataclass(frozen=True)
class Button:
    """A choice the person can tap; the payload comes back in an Inbound of kind button."""

    label: str
    payload: str


@dataclass(frozen=True)
class Reply:
    """A text message, with inline choices, a menu keyboard or a contact-share request."""

    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    menu: tuple[tuple[str, ...], ...] = ()
    request_contact: str | None = None
    remove_menu: bool = False
    # A photo the platform already holds (e.g. a participant's proof), shown with the text.
    photo_file_id: str | None = None
    # A file made when the message is sent (an outbox row holds text, not bytes), named by a
    # reference its domain reads back, e.g. `sertifikat:12`; the text becomes its caption.
    attachment: str | None = None
    # A document or voice note to show with the text (file id or stored `media:` reference).
    document_file_id: str | None = None
    voice_file_id: str | None = None
    # The outbox key of an earlier message this one replaces (edits it where the platform can).
    edits: str | None = None


@dataclass(frozen=True)
class Document:
    """A file to send, such as an .ics calendar or a spreadsheet."""

    filename: str
    content: bytes
    caption: str = ""


@dataclass(frozen=True)
class Photo:
    """An image to send, such as a check-in QR code or a chart."""

    content: bytes
    caption: str = ""
    filename: str = "image.png"


Outbound = Reply | Document | Photo
# Turns a reply's attachment reference into the document to send; None when it is gone.
AttachmentLoader = Callable[[str], Awaitable["Document | None"]]


def rows(items: Sequence[Item], per_row: int) -> tuple[tuple[Item, ...], ...]:
    """Lay buttons (or a step's choices) out in rows of at most per_row."""
    return tuple(tuple(items[i : i + per_row]) for i in range(0, len(items), per_row))
