"""What the dispatcher makes of each Bot API answer the Telegram sender gets."""

from __future__ import annotations

import pytest
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)

from bot.channels.telegram_sender import delivery_for
from bot.dispatcher import Delivery


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (RetryAfter(7), Delivery.retry_after(7)),
        (
            Forbidden("Forbidden: bot was blocked by the user"),
            Delivery.blocked("Forbidden: bot was blocked by the user"),
        ),
        (BadRequest("Chat not found"), Delivery.failed("Chat not found", permanent=True)),
        (ChatMigrated(-100123), Delivery.failed(ChatMigrated(-100123).message, permanent=True)),
        # The platform did not answer: these count towards taking the channel down.
        (NetworkError("Bad Gateway"), Delivery.unreachable("NetworkError: Bad Gateway")),
        (
            NetworkError("httpx.ConnectError: All connection attempts failed"),
            Delivery.unreachable(
                "NetworkError: httpx.ConnectError: All connection attempts failed"
            ),
        ),
        (TimedOut(), Delivery.unreachable("TimedOut: Timed out")),
        # It answered, but not with a verdict on the message: retried until the deadline.
        (InvalidToken("Unauthorized"), Delivery.failed("Unauthorized", permanent=False)),
        (
            Conflict("Conflict: terminated by other getUpdates"),
            Delivery.failed("Conflict: terminated by other getUpdates", permanent=False),
        ),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, TelegramError) else "",
)
def test_bot_api_errors_map_to_dispatcher_outcomes(
    error: TelegramError, expected: Delivery
) -> None:
    assert delivery_for(error) == expected
