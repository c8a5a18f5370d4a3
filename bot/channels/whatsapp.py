"""WhatsApp Cloud API ↔ the core: webhook payloads into Inbound, Replies into Graph messages.

Pure functions only; the HTTP side is in `graph.py`, the running channel in
`whatsapp_channel.py`. WhatsApp shows choices as reply buttons (at most 3, titles of at most
20 characters) or list messages (at most 10 rows, titles of at most 24 characters), has no
persistent menu keyboard and no contact-request button, so:

- up to 3 buttons whose labels fit → reply buttons; otherwise a list whose rows carry the
  shortened label as title and the whole label as description; more than 10 → pages of 9
  with a "Berikutnya" row (`wa:page:<n>`);
- a menu keyboard → a list opened by a "Menu" button, whose rows send the label back as
  text (`wa:text:<label>`), as Telegram's keyboard does;
- a contact request → a button that offers the sender's own number (`wa:contact`).

Payloads starting with `wa:` belong to this adapter; every other payload is the core's,
passed through unchanged (ids of at most 200 characters, as list rows allow).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

from pydantic import BaseModel, ConfigDict, Field

from handlers.conversation import texts
from handlers.conversation.messages import Button, Inbound, Reply

MAX_TEXT: Final = 4096
MAX_INTERACTIVE_BODY: Final = 1024
MAX_BUTTONS: Final = 3
MAX_BUTTON_TITLE: Final = 20
MAX_ROWS: Final = 10
PAGE_SIZE: Final = 9
MAX_ROW_TITLE: Final = 24
MAX_ROW_DESCRIPTION: Final = 72
MAX_ID: Final = 200
MAX_CAPTION: Final = 1024

PAGE_PREFIX: Final = "wa:page:"
TEXT_PREFIX: Final = "wa:text:"
CONTACT_PAYLOAD: Final = "wa:contact"
# Reactions and system notices (e.g. "the number changed") need no answer.
_IGNORED: Final = frozenset({"reaction", "system", "request_welcome"})
# A WhatsApp id is the number in international form, digits only.
_WA_ID = re.compile(r"^[0-9]{5,20}$")
# Unix seconds up to the year 33658: more digits cannot be a real time.
MAX_TIMESTAMP_DIGITS: Final = 12


class _Lenient(BaseModel):
    """Webhook parts: unknown fields are ignored, so new platform fields never break us."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class TextBody(_Lenient):
    """A typed message."""

    body: str = ""


class ReplyChoice(_Lenient):
    """The button or list row a person tapped."""

    id: str = ""
    title: str = ""


class InteractiveBody(_Lenient):
    """A reply to an interactive message."""

    type: str = ""
    button_reply: ReplyChoice | None = None
    list_reply: ReplyChoice | None = None


class TemplateButton(_Lenient):
    """A tapped quick-reply button of a template message."""

    payload: str = ""
    text: str = ""


class MediaBody(_Lenient):
    """An image (or other media) the person sent."""

    id: str = ""
    mime_type: str = ""
    caption: str = ""


class SharedPhone(_Lenient):
    """One phone number of a shared contact card."""

    phone: str = ""
    wa_id: str | None = None


class SharedContact(_Lenient):
    """A contact card the person shared."""

    phones: list[SharedPhone] = Field(default_factory=list)


class WebhookMessage(_Lenient):
    """One message a person sent to the business number."""

    id: str
    sender: str = Field(alias="from")
    # When the person sent it: Unix seconds as a string.
    timestamp: str = ""
    type: str = ""
    text: TextBody | None = None
    interactive: InteractiveBody | None = None
    button: TemplateButton | None = None
    image: MediaBody | None = None
    document: MediaBody | None = None
    audio: MediaBody | None = None
    contacts: list[SharedContact] = Field(default_factory=list)


class StatusError(_Lenient):
    """Why a message could not be delivered."""

    code: int = 0
    title: str = ""


class WebhookStatus(_Lenient):
    """What happened to a message the bot sent: sent, delivered, read or failed."""

    id: str
    status: str
    timestamp: str = ""
    recipient_id: str = ""
    errors: list[StatusError] = Field(default_factory=list)


class Metadata(_Lenient):
    """Which business number the change is for."""

    phone_number_id: str = ""


class ChangeValue(_Lenient):
    """The content of one webhook change."""

    metadata: Metadata = Field(default_factory=Metadata)
    messages: list[WebhookMessage] = Field(default_factory=list)
    statuses: list[WebhookStatus] = Field(default_factory=list)


class Change(_Lenient):
    """One change of a webhook entry."""

    field: str = ""
    value: ChangeValue = Field(default_factory=ChangeValue)


class Entry(_Lenient):
    """One entry of a webhook delivery."""

    changes: list[Change] = Field(default_factory=list)


class WebhookPayload(_Lenient):
    """A whole webhook POST body."""

    object: str = ""
    entry: list[Entry] = Field(default_factory=list)

    def for_number(self, phone_number_id: str) -> list[ChangeValue]:
        """Return the message changes addressed to this business number."""
        return [
            change.value
            for entry in self.entry
            for change in entry.changes
            if change.field == "messages"
            and change.value.metadata.phone_number_id == phone_number_id
        ]


def sent_at(message: WebhookMessage) -> datetime | None:
    """Return when the person sent the message, or None when the webhook does not say."""
    stamp = message.timestamp
    if not (stamp.isascii() and stamp.isdigit()) or len(stamp) > MAX_TIMESTAMP_DIGITS:
        return None
    return datetime.fromtimestamp(int(stamp), UTC)


def to_inbound(message: WebhookMessage) -> Inbound | None:
    """Turn a webhook message into an Inbound, or None for what nobody answers (reactions)."""
    if not _WA_ID.match(message.sender):
        return None
    base: dict[str, Any] = {
        "channel": "whatsapp",
        "address": message.sender,
        "sender_id": message.sender,
        "verified_phone": "+" + message.sender,
    }
    kind = message.type
    if kind == "text" and message.text is not None:
        return Inbound(kind="text", text=message.text.body, **base)
    if kind == "interactive" and message.interactive is not None:
        choice = message.interactive.button_reply or message.interactive.list_reply
        return None if choice is None else _choice(choice.id, message.sender, base)
    if kind == "button" and message.button is not None:
        return Inbound(kind="button", payload=message.button.payload, **base)
    if kind == "image" and message.image is not None and message.image.id:
        return Inbound(kind="photo", photo_id=message.image.id, text=message.image.caption, **base)
    if kind == "document" and message.document is not None and message.document.id:
        document = message.document
        return Inbound(kind="document", media_id=document.id, text=document.caption, **base)
    if kind == "audio" and message.audio is not None and message.audio.id:
        return Inbound(kind="voice", media_id=message.audio.id, **base)
    if kind == "location":
        return Inbound(kind="location", **base)
    if kind == "contacts":
        return _shared_contact(message, base)
    if kind in _IGNORED:
        return None
    return Inbound(kind="unsupported", **base)


def _choice(payload: str, sender: str, base: dict[str, Any]) -> Inbound:
    if payload.startswith(TEXT_PREFIX):
        return Inbound(kind="text", text=payload[len(TEXT_PREFIX) :], **base)
    if payload == CONTACT_PAYLOAD:
        return Inbound(kind="contact", contact_phone="+" + sender, contact_user_id=sender, **base)
    return Inbound(kind="button", payload=payload, **base)


def _shared_contact(message: WebhookMessage, base: dict[str, Any]) -> Inbound:
    phones = [phone for card in message.contacts for phone in card.phones]
    if not phones:
        return Inbound(kind="unsupported", **base)
    first = phones[0]
    return Inbound(kind="contact", contact_phone=first.phone, contact_user_id=first.wa_id, **base)


def page_of(payload: str) -> int | None:
    """Return the page a "Berikutnya" row asks for, or None for other payloads."""
    if not payload.startswith(PAGE_PREFIX):
        return None
    number = payload[len(PAGE_PREFIX) :]
    return int(number) if number.isascii() and number.isdigit() and len(number) < 4 else None


@dataclass(frozen=True)
class Rendered:
    """The Graph message bodies of one Reply, and whether its choices came in pages."""

    messages: list[dict[str, Any]]
    paged: bool = False


def render_reply(reply: Reply, language: str) -> Rendered:
    """Return the messages that show a reply on WhatsApp (photos are the sender's job)."""
    buttons = [button for row in reply.buttons for button in row]
    if buttons:
        return _render_choices(reply.text, buttons, language)
    if reply.request_contact:
        own = Button(reply.request_contact, CONTACT_PAYLOAD)
        return _render_choices(reply.text, [own], language)
    if reply.menu:
        return Rendered(
            _with_body(reply.text, language, lambda body: menu_list(body, reply, language))
        )
    return Rendered(text_messages(reply.text))


def render_page(reply: Reply, language: str, page: int) -> list[dict[str, Any]] | None:
    """Return a later page of a long list of choices, or None when there is no such page."""
    buttons = [button for row in reply.buttons for button in row]
    pages = page_count(len(buttons))
    if page < 0 or page >= pages or pages == 1:
        return None
    body = texts.text(language, "wa.page", page=page + 1, pages=pages)
    return [_list(body, _page_rows(buttons, page, pages, language), language)]


def page_count(options: int) -> int:
    """Return how many list pages a number of options takes."""
    return 1 if options <= MAX_ROWS else -(-options // PAGE_SIZE)


def _render_choices(text: str, buttons: list[Button], language: str) -> Rendered:
    if len(buttons) <= MAX_BUTTONS and all(_fits(b.label, MAX_BUTTON_TITLE) for b in buttons):
        return Rendered(_with_body(text, language, lambda body: _buttons(body, buttons)))
    pages = page_count(len(buttons))
    rows = _page_rows(buttons, 0, pages, language)
    return Rendered(
        _with_body(text, language, lambda body: _list(body, rows, language)), paged=pages > 1
    )


def _with_body(
    text: str, language: str, build: Callable[[str], dict[str, Any]]
) -> list[dict[str, Any]]:
    """Put the text in the interactive body, or before it when too long for one."""
    body = text.strip()
    if body and len(body) <= MAX_INTERACTIVE_BODY:
        return [build(body)]
    lead = text_messages(text) if body else []
    return [*lead, build(texts.text(language, "wa.choose_prompt"))]


def _fits(label: str, limit: int) -> bool:
    return 0 < len(label.strip()) <= limit


def _buttons(body: str, buttons: list[Button]) -> dict[str, Any]:
    return {
        "type": "interactive",
        "interactive": {
            "type": "button",
            "body": {"text": body},
            "action": {
                "buttons": [
                    {
                        "type": "reply",
                        "reply": {"id": b.payload[:MAX_ID], "title": b.label.strip()},
                    }
                    for b in buttons
                ]
            },
        },
    }


def _page_rows(
    buttons: list[Button], page: int, pages: int, language: str
) -> list[dict[str, str]]:
    if pages == 1:
        return [_row(b.label, b.payload) for b in buttons]
    chunk = buttons[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    rows = [_row(b.label, b.payload) for b in chunk]
    if page < pages - 1:
        more = texts.text(language, "wa.more")
        rows.append(
            _row(more, f"{PAGE_PREFIX}{page + 1}", texts.text(language, "wa.more.description"))
        )
    else:
        rows.append(_row(texts.text(language, "wa.restart"), f"{PAGE_PREFIX}0"))
    return rows


def _row(label: str, payload: str, description: str | None = None) -> dict[str, str]:
    clean = " ".join(label.split())
    row = {"id": payload[:MAX_ID], "title": shorten(clean, MAX_ROW_TITLE)}
    if description is None and len(clean) > MAX_ROW_TITLE:
        description = clean
    if description:
        row["description"] = shorten(description, MAX_ROW_DESCRIPTION)
    return row


def _list(body: str, rows: list[dict[str, str]], language: str) -> dict[str, Any]:
    return {
        "type": "interactive",
        "interactive": {
            "type": "list",
            "body": {"text": body},
            "action": {
                "button": texts.text(language, "wa.choose"),
                "sections": [{"title": texts.text(language, "wa.choices"), "rows": rows}],
            },
        },
    }


def menu_list(body: str, reply: Reply, language: str) -> dict[str, Any]:
    """Return the main menu as a list whose rows send their label back as text."""
    rows = [_row(label, TEXT_PREFIX + label) for row in reply.menu for label in row]
    message = _list(body, rows[:MAX_ROWS], language)
    message["interactive"]["action"]["button"] = texts.text(language, "wa.menu")
    return message


def text_messages(text: str) -> list[dict[str, Any]]:
    """Return plain text messages, split at line ends when longer than WhatsApp allows."""
    return [
        {"type": "text", "text": {"body": chunk, "preview_url": False}}
        for chunk in split_text(text or "…", MAX_TEXT)
    ]


def split_text(text: str, limit: int) -> list[str]:
    """Split a text into pieces of at most `limit` characters, at line ends where possible."""
    pieces: list[str] = []
    rest = text
    while len(rest) > limit:
        cut = rest.rfind("\n", 0, limit)
        cut = cut if cut > limit // 2 else limit
        pieces.append(rest[:cut])
        rest = rest[cut:].lstrip("\n")
    pieces.append(rest)
    return pieces


def shorten(label: str, limit: int) -> str:
    """Cut a label to `limit` characters at a word boundary, marking the cut with "…"."""
    label = " ".join(label.split())
    if len(label) <= limit:
        return label
    room = label[: limit - 1]
    space = room.rfind(" ")
    if space >= limit // 2:
        room = room[:space]
    return room.rstrip(" ,.;:-·—") + "…"


# Template parameters may hold no line breaks or tabs and at most 4 spaces in a row.
_TEMPLATE_BREAKS = re.compile(r"\s*\n\s*")
_TEMPLATE_SPACES = re.compile(r"[\t ]{2,}")
MAX_TEMPLATE_PARAMETER: Final = 900


def template_parameter(text: str) -> str:
    """Flatten a message into one template body parameter."""
    flat = _TEMPLATE_BREAKS.sub(" · ", text.strip())
    return shorten(_TEMPLATE_SPACES.sub(" ", flat), MAX_TEMPLATE_PARAMETER) or "-"


def template_message(
    name: str, language_code: str, text: str, quick_replies: list[str]
) -> dict[str, Any]:
    """Return a template message: the text as its one body parameter, button payloads set."""
    components: list[dict[str, Any]] = [
        {"type": "body", "parameters": [{"type": "text", "text": template_parameter(text)}]}
    ]
    components.extend(
        {
            "type": "button",
            "sub_type": "quick_reply",
            "index": str(index),
            "parameters": [{"type": "payload", "payload": payload[:MAX_ID]}],
        }
        for index, payload in enumerate(quick_replies)
    )
    return {
        "type": "template",
        "template": {"name": name, "language": {"code": language_code}, "components": components},
    }
