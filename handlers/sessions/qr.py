"""The check-in deep link and its QR image."""

from __future__ import annotations

import io

import segno

from handlers.conversation.turn import Policy
from storage import Storage

USERNAME_SETTING = "telegram_username"
QR_SCALE = 8
QR_BORDER = 4


class BotUsernameUnknown(Exception):
    """Neither the settings nor the running bot told us the bot's username."""

    def __init__(self) -> None:
        super().__init__(
            "the bot's username is unknown: run the bot once or set TELEGRAM_BOT_USERNAME"
        )


def checkin_link(bot_username: str, checkin_code: str) -> str:
    """Return the deep link that checks a person in when opened."""
    return f"https://t.me/{bot_username.lstrip('@')}?start=hadir_{checkin_code}"


def checkin_qr_png(link: str) -> bytes:
    """Return a PNG QR code of the link, large enough to print on an A4 sign."""
    # micro=False: a short link would otherwise become a Micro QR many phone scanners ignore.
    code = segno.make(link, error="m", micro=False)
    image = io.BytesIO()
    code.save(image, kind="png", scale=QR_SCALE, border=QR_BORDER)
    return image.getvalue()


async def bot_username(storage: Storage, policy: Policy) -> str:
    """Return the bot's username: TELEGRAM_BOT_USERNAME, else what the running bot recorded."""
    if policy.bot_username:
        return policy.bot_username.lstrip("@")
    recorded = await storage.bot_settings.get(USERNAME_SETTING)
    if not recorded:
        raise BotUsernameUnknown
    return recorded
