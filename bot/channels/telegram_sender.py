"""Deliver outbox messages on Telegram and tell the dispatcher what the Bot API answered."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from telegram import Bot
from telegram.error import TelegramError

from bot.channels.media import MediaStore
from bot.channels.telegram import (
    delivery_for,
    edit_reply,
    is_transport_error,
    send_document,
    send_reply,
)
from bot.channels.telegram_request import AiohttpRequest
from bot.dispatcher import Delivery
from handlers.conversation.messages import AttachmentLoader, Reply
from handlers.conversation.outbox import attached_document, reply_of
from storage.outbox import OutboxMessage, OutboxRepository

# As many as PTB's own default pool; the dispatcher's lane bounds what is in flight.
SENDER_CONNECTIONS = 256


class TelegramSender:
    """A Sender for the "telegram" channel with its own Bot and no rate limiter.

    The dispatcher is the rate limiter: PTB's limiter would swallow 429s and retry on its
    own, so the pipeline-wide pause the dispatcher makes could not happen.
    """

    def __init__(
        self,
        token: str,
        api_root: str,
        media: MediaStore | None = None,
        attachments: AttachmentLoader | None = None,
        outbox: OutboxRepository | None = None,
    ) -> None:
        self._bot = Bot(
            token,
            base_url=f"{api_root}/bot",
            base_file_url=f"{api_root}/file/bot",
            request=AiohttpRequest(connection_pool_size=SENDER_CONNECTIONS),
        )
        self._media = media
        self._attachments = attachments
        self._outbox = outbox

    async def initialize(self) -> None:
        """Open the HTTP connection pool and check the token (getMe)."""
        await self._bot.initialize()

    async def shutdown(self) -> None:
        """Close the HTTP connection pool."""
        await self._bot.shutdown()

    async def __aenter__(self) -> Self:
        """Initialize and return the sender."""
        await self.initialize()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Shut down."""
        await self.shutdown()

    async def deliver(self, channel: str, address: str, reply: Reply) -> Delivery:
        """Send one message and translate Telegram's answer into a Delivery.

        The provider id recorded is `<chat id>:<message id>` (Telegram numbers messages per
        chat), so an officer's reply to an alert finds the alert's outbox row.
        """
        if channel != "telegram":
            return Delivery.failed(f"channel {channel} is not telegram", permanent=True)
        try:
            chat_id = int(address)
        except ValueError:
            return Delivery.failed("malformed chat id", permanent=True)
        try:
            if reply.attachment is None:
                sent = await send_reply(self._bot, chat_id, reply, self._media)
            else:
                document = await attached_document(self._attachments, reply)
                if document is None:
                    return Delivery.failed("attachment no longer available", permanent=True)
                sent = await send_document(self._bot, chat_id, document)
        except TelegramError as error:
            return delivery_for(error)
        return Delivery.ok(f"{chat_id}:{sent.message_id}")

    async def deliver_outbox(self, message: OutboxMessage) -> Delivery:
        """Send an outbox row; a row that edits an earlier one edits that message instead."""
        reply = reply_of(message.body)
        if reply.edits is None:
            return await self.deliver(message.channel, message.address, reply)
        if self._outbox is None:
            return Delivery.failed("edits need the outbox", permanent=True)
        original = await self._outbox.get_by_key(reply.edits)
        if original is None or original.status in ("failed", "blocked"):
            # Nothing was shown, so there is nothing to edit.
            return Delivery.ok()
        if original.status != "sent" or original.provider_message_id is None:
            # Not a flood: only this row waits (with the dispatcher's backoff), not the queue.
            return Delivery.failed("the message to edit is not sent yet", permanent=False)
        chat, _, message_id = original.provider_message_id.partition(":")
        try:
            await edit_reply(self._bot, int(chat), int(message_id), reply)
        except ValueError:
            return Delivery.failed("malformed message id", permanent=True)
        except TelegramError as error:
            return delivery_for(error)
        return Delivery.ok()

    async def probe(self, channel: str) -> bool:
        """Ask the Bot API who we are (getMe); True when it answered at all."""
        try:
            await self._bot.get_me()
        except TelegramError as error:
            return not is_transport_error(error)
        return True
