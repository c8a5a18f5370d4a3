"""The progress board on Telegram: post a message, then edit it as a broadcast goes on."""

from __future__ import annotations

import logging

from telegram import Bot
from telegram.error import BadRequest, TelegramError

from bot.channels.telegram import MAX_TEXT, is_transport_error

logger = logging.getLogger(__name__)


class TelegramBoard:
    """A ProgressBoard (handlers.broadcasting) over a python-telegram-bot Bot."""

    def __init__(self, bot: Bot) -> None:
        self._bot = bot

    async def post(self, channel: str, address: str, text: str) -> str | None:
        """Send a message and return its id, or None when Telegram refused it."""
        if channel != "telegram":
            return None
        try:
            message = await self._bot.send_message(int(address), text[:MAX_TEXT])
        except (TelegramError, ValueError) as error:
            _log_failure("progress message not sent", error)
            return None
        return str(message.message_id)

    async def edit(self, channel: str, address: str, message_id: str, text: str) -> bool:
        """Replace a message's text; an unchanged text counts as done."""
        if channel != "telegram":
            return False
        try:
            await self._bot.edit_message_text(
                text[:MAX_TEXT], chat_id=int(address), message_id=int(message_id)
            )
        except BadRequest as error:
            return "not modified" in error.message.lower()
        except (TelegramError, ValueError) as error:
            _log_failure("progress message not edited", error)
            return False
        return True


def _log_failure(what: str, error: Exception) -> None:
    # The worker tries again every few seconds: an outage is logged once, by the dispatcher.
    quiet = isinstance(error, TelegramError) and is_transport_error(error)
    logger.log(logging.DEBUG if quiet else logging.WARNING, "%s (%s)", what, type(error).__name__)
