"""Deliver outbox messages on Telegram and tell the dispatcher what the Bot API answered."""

from __future__ import annotations

from datetime import timedelta
from types import TracebackType
from typing import Self

from telegram import Bot
from telegram.error import BadRequest, ChatMigrated, Forbidden, RetryAfter, TelegramError

from bot.channels.media import MediaStore
from bot.channels.telegram import is_transport_error, send_reply
from bot.dispatcher import Delivery
from handlers.core import Reply


class TelegramSender:
    """A Sender for the "telegram" channel with its own Bot and no rate limiter.

    The dispatcher is the rate limiter: PTB's limiter would swallow 429s and retry on its
    own, so the pipeline-wide pause the dispatcher makes could not happen.
    """

    def __init__(self, token: str, api_root: str, media: MediaStore | None = None) -> None:
        self._bot = Bot(token, base_url=f"{api_root}/bot", base_file_url=f"{api_root}/file/bot")
        self._media = media

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
        """Send one message and translate Telegram's answer into a Delivery."""
        if channel != "telegram":
            return Delivery.failed(f"channel {channel} is not telegram", permanent=True)
        try:
            chat_id = int(address)
        except ValueError:
            return Delivery.failed("malformed chat id", permanent=True)
        try:
            await send_reply(self._bot, chat_id, reply, self._media)
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


def delivery_for(error: TelegramError) -> Delivery:
    """Return what the dispatcher should do after this Telegram error."""
    if isinstance(error, RetryAfter):
        return Delivery.retry_after(retry_seconds(error))
    if isinstance(error, Forbidden):
        return Delivery.blocked(error.message)
    # BadRequest subclasses NetworkError, so it must be tested first: "chat not found" and
    # malformed messages will fail the same way every time.
    if isinstance(error, BadRequest | ChatMigrated):
        return Delivery.failed(error.message, permanent=True)
    if is_transport_error(error):
        return Delivery.unreachable(f"{type(error).__name__}: {error.message}")
    return Delivery.failed(error.message, permanent=False)


def retry_seconds(error: RetryAfter) -> float:
    """Return the flood-control wait, whether PTB gives it as seconds or as a timedelta."""
    value = error.retry_after
    if isinstance(value, timedelta):
        return value.total_seconds()
    return float(value)
