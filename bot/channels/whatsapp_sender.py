"""Deliver outbox messages on WhatsApp: free text inside the 24-hour window, templates outside.

WhatsApp lets a business send free-form messages only within 24 hours of the person's last
message; after that only approved templates. The contact's `last_inbound_at` (written by the
router on every inbound event) decides which form a row gets. The outbox key's prefix names
the kind of message, and so the template: `reminder:` → WHATSAPP_TEMPLATE_REMINDER,
`offer:` → _OFFER, `handover:` and `nudge:` → _EQUIPMENT, `broadcast:` → _BROADCAST, any other
(session moved or cancelled, case updates) → _NOTICE. The message text becomes the template's
one body parameter; its buttons become the template's quick-reply payloads, so a tap on a
template button works like a tap on the free-form button.

If WhatsApp still answers 131047 (window closed), synchronously or later in a status webhook,
the row is retried as a template when one is configured, or fails with that reason.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Final

import httpx

from bot.channels.graph import GraphError
from bot.channels.whatsapp import WebhookStatus, template_message
from bot.channels.whatsapp_messenger import WhatsAppMessenger
from bot.dispatcher import Delivery
from bot.settings import WhatsAppTemplates
from handlers.conversation.clock import Clock
from handlers.conversation.messages import AttachmentLoader, Outbound, Reply
from handlers.conversation.outbox import attached_document, reply_of
from storage import Storage
from storage.models import Contact
from storage.outbox import DeliveryReport, DeliveryUpdate, OutboxMessage

logger = logging.getLogger(__name__)

WINDOW: Final = timedelta(hours=24)
# A row sent at the very edge of the window could arrive after it closed.
WINDOW_MARGIN: Final = timedelta(minutes=10)
OUTSIDE_WINDOW: Final = 131047
# Rate-limit answers and how long they pause: 130429, the number's messages per second; 80007
# and 4, the business account's and the app's call limits; 131056, one person ("pair") got
# too many messages (Meta allows about one every six seconds), which pauses that person only.
THROUGHPUT: Final = 130429
PAIR: Final = 131056
PAUSES: Final = {THROUGHPUT: 1.0, 80007: 10.0, 4: 10.0, PAIR: 6.0}
RATE_LIMITED: Final = frozenset(PAUSES)
TRANSIENT: Final = frozenset({1, 2, 131000, 131016, 133004})
# Outbox key prefix → template kind; anything else is a "notice".
TEMPLATE_KINDS: Final = {
    "reminder": "reminder",
    "offer": "offer",
    "handover": "equipment",
    "nudge": "equipment",
    "broadcast": "broadcast",
}
# How many quick-reply buttons each template is registered with (see the README).
QUICK_REPLIES: Final = {"reminder": 2, "offer": 2, "equipment": 3, "broadcast": 0, "notice": 0}
TEMPLATE_LANGUAGES: Final = {"id": "id", "en": "en"}
# Prepared contacts kept at most (a claimed batch is at most a lane's in-flight limit), and
# how old one may be when its send comes (a row put back unsent may not come back for long).
MAX_PREPARED: Final = 10_000
PREPARED_FOR: Final = timedelta(seconds=30)
_REPORTS: Final[dict[str, DeliveryReport]] = {
    "sent": "sent",
    "delivered": "delivered",
    "read": "read",
}


def template_kind(key: str) -> str:
    """Return the template kind of an outbox key."""
    return TEMPLATE_KINDS.get(key.split(":", 1)[0], "notice")


def template_for(templates: WhatsAppTemplates, key: str) -> str | None:
    """Return the template name configured for an outbox key's kind."""
    name: str | None = getattr(templates, template_kind(key))
    return name


def in_window(contact: Contact | None, now: datetime) -> bool:
    """Tell whether free-form messages may still go to this contact."""
    if contact is None or contact.last_inbound_at is None:
        return False
    return now - contact.last_inbound_at < WINDOW - WINDOW_MARGIN


def delivery_for(error: GraphError) -> Delivery:
    """Return what the dispatcher should do after a Graph API error."""
    if error.code in RATE_LIMITED or error.status == 429:
        # Flood control: WhatsApp's lane pauses (or only this person's chat, for 131056); the
        # row waits without spending an attempt, as after a Telegram 429.
        pause = PAUSES.get(error.code, PAUSES[THROUGHPUT])
        reason = f"rate limited (WhatsApp {error.code})"
        return Delivery.retry_after(pause, reason, chat_only=error.code == PAIR)
    if error.status >= 500:
        return Delivery.unreachable(f"WhatsApp HTTP {error.status}: {error.message}")
    if error.code in TRANSIENT:
        return Delivery.failed(f"WhatsApp {error.code}: {error.message}", permanent=False)
    if error.code == OUTSIDE_WINDOW:
        return Delivery.failed(outside_window_reason(""), permanent=True)
    return Delivery.failed(f"WhatsApp {error.code}: {error.message}", permanent=True)


def outside_window_reason(key: str) -> str:
    """Return the failure reason of a message that could only go as a missing template."""
    kind = template_kind(key) if key else "notice"
    return (
        "outside the WhatsApp 24-hour window and no template is set"
        f" (WHATSAPP_TEMPLATE_{kind.upper()})"
    )


class WhatsAppSender:
    """A Sender for the "whatsapp" channel."""

    def __init__(
        self,
        messenger: WhatsAppMessenger,
        storage: Storage,
        clock: Clock,
        templates: WhatsAppTemplates,
        attachments: AttachmentLoader | None = None,
    ) -> None:
        self._messenger = messenger
        self._storage = storage
        self._clock = clock
        self._templates = templates
        self._attachments = attachments
        # Contacts looked up for a claimed batch (and when), each taken by its row's send.
        self._prepared: dict[str, tuple[datetime, Contact | None]] = {}

    async def prepare(self, messages: Sequence[OutboxMessage]) -> None:
        """Look up the contacts of a claimed batch in one query, for its sends to take.

        Read up to a few seconds before the send (a batch waits for its pacing slots); the
        24-hour window keeps a margin far larger than that, and a language changed meanwhile
        shows in the person's next message.
        """
        if len(self._prepared) > MAX_PREPARED:  # rows put back unsent leave theirs behind
            self._prepared.clear()
        addresses = {message.address for message in messages if message.channel == "whatsapp"}
        found = await self._storage.contacts.get_many("whatsapp", addresses)
        now = self._clock.now()
        for address in addresses:
            self._prepared[address] = (now, found.get(address))

    async def _contact(self, address: str) -> Contact | None:
        """Return the contact prepared for this send, or read it now."""
        prepared = self._prepared.pop(address, None)
        if prepared is not None and self._clock.now() - prepared[0] <= PREPARED_FOR:
            return prepared[1]
        return await self._storage.contacts.get("whatsapp", address)

    async def deliver(self, channel: str, address: str, reply: Reply) -> Delivery:
        """Send a message with no outbox key (as a notice)."""
        return await self._deliver(channel, address, reply, key="", template_only=False)

    async def deliver_outbox(self, message: OutboxMessage) -> Delivery:
        """Send an outbox row, as free text or as its kind's template."""
        return await self._deliver(
            message.channel,
            message.address,
            reply_of(message.body),
            key=message.key,
            template_only=message.template_only,
        )

    async def _deliver(
        self, channel: str, address: str, reply: Reply, *, key: str, template_only: bool
    ) -> Delivery:
        if channel != "whatsapp":
            return Delivery.failed(f"channel {channel} is not whatsapp", permanent=True)
        contact = await self._contact(address)
        language = contact.language if contact is not None else "id"
        if not template_only and in_window(contact, self._clock.now()):
            outbound: Outbound = reply
            if reply.attachment is not None:
                document = await attached_document(self._attachments, reply)
                if document is None:
                    return Delivery.failed("attachment no longer available", permanent=True)
                outbound = document
            try:
                message_id = await self._messenger.send(address, outbound, language)
            except GraphError as error:
                if error.code != OUTSIDE_WINDOW:
                    return delivery_for(error)
                logger.info("whatsapp: window closed early; trying the template")
            except httpx.HTTPError as error:
                return Delivery.unreachable(f"network: {type(error).__name__}")
            else:
                return Delivery.ok(message_id)
        return await self._template(address, reply, key, language)

    async def _template(self, address: str, reply: Reply, key: str, language: str) -> Delivery:
        name = template_for(self._templates, key) if key else self._templates.notice
        if name is None:
            return Delivery.failed(outside_window_reason(key), permanent=True)
        kind = template_kind(key) if key else "notice"
        payloads = [button.payload for row in reply.buttons for button in row]
        message = template_message(
            name,
            TEMPLATE_LANGUAGES.get(language, "id"),
            reply.text,
            payloads[: QUICK_REPLIES[kind]],
        )
        try:
            return Delivery.ok(await self._messenger.client.send(address, message))
        except GraphError as error:
            return delivery_for(error)
        except httpx.HTTPError as error:
            return Delivery.unreachable(f"network: {type(error).__name__}")

    async def probe(self, channel: str) -> bool:
        """Ask the Graph API about our phone number; True when it answered at all."""
        return await self._messenger.client.probe()


async def record_status(
    storage: Storage, templates: WhatsAppTemplates, status: WebhookStatus, now: datetime
) -> bool:
    """Apply a status webhook to its outbox row; False when no row has its message id."""
    [found] = await record_statuses(storage, templates, [status], now)
    return found


async def record_statuses(
    storage: Storage,
    templates: WhatsAppTemplates,
    statuses: Sequence[WebhookStatus],
    now: datetime,
) -> list[bool]:
    """Apply status webhooks to their outbox rows in one transaction.

    Return, per status, False when no row has its message id (yet). Sent, delivered and
    read reports go in one batch; failures (rare) one by one after them.
    """
    reports = [
        DeliveryUpdate(status.id, report, _status_time(status.timestamp, now))
        for status in statuses
        if (report := _REPORTS.get(status.status)) is not None
    ]
    answers: list[bool] = []
    async with storage.db.transaction():
        known = await storage.outbox.record_deliveries(reports)
        for status in statuses:
            if status.status in _REPORTS:
                answers.append(status.id in known)
            elif status.status == "failed":
                answers.append(await _record_failure(storage, templates, status, now))
            else:
                answers.append(True)
    return answers


async def _record_failure(
    storage: Storage, templates: WhatsAppTemplates, status: WebhookStatus, now: datetime
) -> bool:
    outbox = storage.outbox
    row = await outbox.get_by_provider_id(status.id)
    if row is None:
        return False
    code = status.errors[0].code if status.errors else 0
    title = status.errors[0].title if status.errors else ""
    retry = (
        code == OUTSIDE_WINDOW
        and not row.template_only
        and template_for(templates, row.key) is not None
    )
    reason = outside_window_reason(row.key) if code == OUTSIDE_WINDOW and not retry else ""
    reason = reason or f"WhatsApp {code}: {title}".strip()
    if await outbox.record_undelivered(status.id, reason, now, retry_as_template=retry):
        logger.info("whatsapp: outbox %d not delivered (code %d, retry %s)", row.id, code, retry)
    # Found: a row no longer 'sent' was settled by an earlier report; trying again is useless.
    return True


def _status_time(timestamp: str, default: datetime) -> datetime:
    if timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= 12:
        return datetime.fromtimestamp(int(timestamp), UTC)
    return default
