"""One person's Telegram updates in order across processes (webhook mode on PostgreSQL).

Each webhook POST records its update id with the chat (`inbound_update`) before it is queued,
whichever process receives it. Before handling an update, a process waits while an earlier
update of the same chat, received moments ago, is still unhandled — it is being handled by
another process, or is about to be — and marks its own as handled afterwards. The wait is
bounded (HOLD): an earlier update whose process died is not waited for any longer.
"""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import timedelta
from typing import Any, Final

from handlers.conversation.turn import Services

logger = logging.getLogger(__name__)

HOLD: Final = 5.0
POLL: Final = 0.05
_MESSAGES: Final = ("message", "edited_message", "channel_post", "edited_channel_post")


def chat_of(data: object) -> str | None:
    """Return the chat id of a raw Telegram update (as the bot's router keys it), or None."""
    if not isinstance(data, dict):
        return None
    for key in _MESSAGES:
        found = _chat_id(data.get(key))
        if found is not None:
            return found
    query = data.get("callback_query")
    if isinstance(query, dict):
        return _chat_id(query.get("message"))
    return None


def _chat_id(message: Any) -> str | None:
    chat = message.get("chat") if isinstance(message, dict) else None
    value = chat.get("id") if isinstance(chat, dict) else None
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else None


class ChatTurns:
    """Hold an update until the chat's earlier updates are handled, by whichever process."""

    def __init__(self, services: Services, hold: float = HOLD, poll: float = POLL) -> None:
        self._services = services
        self._hold = hold
        self._poll = poll

    async def wait(self, chat: int, update_id: int) -> None:
        """Return once no earlier update of the chat is waiting, or after HOLD seconds."""
        inbound = self._services.storage.inbound
        deadline = time.monotonic() + self._hold
        since = self._services.clock.now() - timedelta(seconds=self._hold)
        while await inbound.earlier_unhandled("telegram", str(chat), update_id, since):
            if time.monotonic() >= deadline:
                logger.warning("telegram: an earlier update of a chat never came; going on")
                return
            await asyncio.sleep(self._poll)

    async def done(self, update_id: int) -> None:
        """Record that the update was handled, so the chat's next one may go."""
        now = self._services.clock.now()
        await self._services.storage.inbound.mark_handled("telegram", str(update_id), now)
