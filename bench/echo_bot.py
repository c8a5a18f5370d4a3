"""A bare python-telegram-bot echo bot: the baseline `bench/updates.py` measures against."""

from __future__ import annotations

import os
import sys

from telegram import Update
from telegram.ext import Application, ContextTypes, TypeHandler


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer every update with one message, as cheaply as PTB allows."""
    if update.callback_query is not None:
        await update.callback_query.answer()
    chat = update.effective_chat
    if chat is not None:
        text = update.message.text if update.message and update.message.text else "ok"
        await context.bot.send_message(chat.id, text)


def main() -> None:
    """Poll the Bot API server at TELEGRAM_API_BASE_URL until killed."""
    root = os.environ["TELEGRAM_API_BASE_URL"]
    application = (
        Application.builder()
        .token(os.environ["TELEGRAM_BOT_TOKEN"])
        .base_url(f"{root}/bot")
        .base_file_url(f"{root}/file/bot")
        .build()
    )
    application.add_handler(TypeHandler(Update, echo))
    application.run_polling(poll_interval=0, timeout=10, allowed_updates=Update.ALL_TYPES)


if __name__ == "__main__":
    sys.exit(main())
