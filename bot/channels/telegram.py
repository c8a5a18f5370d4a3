"""The Telegram channel: python-telegram-bot's Application turned into Inbound and Reply."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from functools import partial
from typing import Any

from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.constants import ChatType
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.ext import (
    AIORateLimiter,
    Application,
    BaseUpdateProcessor,
    ContextTypes,
    TypeHandler,
)

from bot.channels.fallback import ReplyFallback
from bot.channels.media import MediaStore, is_stored
from bot.channels.ordering import ChatTurns
from bot.channels.telegram_menu import CommandMenu
from bot.channels.telegram_request import AiohttpRequest
from bot.dispatcher import Delivery
from bot.settings import Settings
from handlers.conversation.messages import Document, Inbound, Outbound, Photo, Reply
from handlers.conversation.router import Router
from handlers.conversation.turn import Services

logger = logging.getLogger(__name__)

MAX_TEXT = 4096
MAX_CAPTION = 1024
# Connections for replies, and how long a reply waits for a free one (python-telegram-bot's
# default is 1 s): a burst of replies waits its turn instead of failing without being sent.
POOL_SIZE = 64
POOL_TIMEOUT = 30.0
# A pause after each getUpdates answer: updates that arrive together then come in one call.
# Under load this cuts the calls per update from about 0.5 to 0.15 (10% of the bot's CPU);
# an update waits at most this long, and an idle long poll is not affected.
POLL_INTERVAL = 0.01


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """Handle different chats concurrently and each chat's updates one at a time, in order.

    PTB starts one task per update in arrival order; asyncio locks wake waiters first come,
    first served, so a per-chat lock keeps each person's updates in the order they were sent.
    With `turns` (several processes), an update also waits for the chat's earlier updates that
    other processes received.
    """

    def __init__(self, max_concurrent_updates: int, turns: ChatTurns | None = None) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._holders: dict[int, int] = {}
        self._turns = turns

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Run the update's handlers under its chat's lock."""
        key = _chat_key(update)
        if key is None:
            await coroutine
            return
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._holders[key] = self._holders.get(key, 0) + 1
        try:
            async with lock:
                if self._turns is None or not isinstance(update, Update):
                    await coroutine
                    return
                await self._turns.wait(key, update.update_id)
                try:
                    await coroutine
                finally:
                    await self._turns.done(update.update_id)
        finally:
            self._holders[key] -= 1
            if self._holders[key] == 0:
                del self._holders[key]
                del self._locks[key]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""


def _chat_key(update: object) -> int | None:
    if not isinstance(update, Update):
        return None
    if update.effective_chat is not None:
        return update.effective_chat.id
    return update.effective_user.id if update.effective_user is not None else None


def to_inbound(update: Update) -> Inbound | None:
    """Turn a Telegram update into an Inbound, or None for updates nobody answers."""
    chat = update.effective_chat
    user = update.effective_user
    if chat is None or user is None or user.is_bot:
        return None
    base: dict[str, Any] = {
        "channel": "telegram",
        "address": str(chat.id),
        "sender_id": str(user.id),
        "private": chat.type == ChatType.PRIVATE,
    }
    if update.callback_query is not None:
        return Inbound(kind="button", payload=update.callback_query.data or "", **base)
    if update.edited_message is not None:
        return Inbound(kind="edited", **base)
    message = update.message
    if message is None:
        return None
    if message.reply_to_message is not None:
        base["reply_to"] = str(message.reply_to_message.message_id)
    if message.text is not None:
        return Inbound(kind="text", text=message.text, **base)
    if message.contact is not None:
        contact = message.contact
        owner = None if contact.user_id is None else str(contact.user_id)
        return Inbound(
            kind="contact",
            contact_phone=contact.phone_number,
            contact_user_id=owner,
            **base,
        )
    if message.photo:
        return Inbound(
            kind="photo", photo_id=message.photo[-1].file_id, text=message.caption or "", **base
        )
    if message.document is not None:
        document = message.document.file_id
        return Inbound(kind="document", media_id=document, text=message.caption or "", **base)
    voice = message.voice or message.audio
    if voice is not None:
        return Inbound(kind="voice", media_id=voice.file_id, text=message.caption or "", **base)
    if message.location is not None:
        return Inbound(kind="location", **base)
    return Inbound(kind="unsupported", **base)


def is_transport_error(error: TelegramError) -> bool:
    """Tell whether the Bot API did not answer: network error, timeout or a 5xx.

    python-telegram-bot raises NetworkError (TimedOut is one) for those; BadRequest subclasses
    it but is Telegram refusing the message.
    """
    return isinstance(error, NetworkError) and not isinstance(error, BadRequest)


def is_passing(error: Exception) -> bool:
    """Tell whether a send that failed so may work later (the dispatcher's rule)."""
    return isinstance(error, TelegramError) and delivery_for(error).worth_retrying


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


def reply_markup(reply: Reply) -> Any:
    """Return the Telegram keyboard for a reply: inline choices, contact, menu, or removal."""
    if reply.buttons:
        return InlineKeyboardMarkup(
            [
                [InlineKeyboardButton(b.label[:64], callback_data=b.payload) for b in row]
                for row in reply.buttons
            ]
        )
    if reply.request_contact:
        return ReplyKeyboardMarkup(
            [[KeyboardButton(reply.request_contact, request_contact=True)]],
            resize_keyboard=True,
            one_time_keyboard=True,
        )
    if reply.menu:
        return ReplyKeyboardMarkup(
            [list(row) for row in reply.menu], resize_keyboard=True, is_persistent=True
        )
    if reply.remove_menu:
        return ReplyKeyboardRemove()
    return None


async def send_reply(
    bot: Bot, chat_id: int, reply: Reply, media: MediaStore | None = None
) -> Message:
    """Send a reply (text, or a photo, document or voice note with the text as its caption).

    Return the message that carries the buttons: the one an officer replies to.
    """
    markup = reply_markup(reply)
    attachment = _attachment(reply)
    if attachment is None:
        return await bot.send_message(chat_id, reply.text[:MAX_TEXT], reply_markup=markup)
    kind, reference = attachment
    file = _photo(reference, media)
    caption = reply.text if len(reply.text) <= MAX_CAPTION else None
    if file is not None:
        # A long text follows the file as its own message, which then carries the buttons.
        buttons = markup if caption is not None else None
        try:
            sent = await _send_file(bot, chat_id, kind, file, caption, buttons)
        except BadRequest:
            # A file id this bot cannot send (expired, from elsewhere): the text still goes.
            logger.warning("telegram: %s could not be sent; sending the text alone", kind)
            caption = None
        else:
            if caption is not None:
                return sent
    return await bot.send_message(chat_id, reply.text[:MAX_TEXT], reply_markup=markup)


def _attachment(reply: Reply) -> tuple[str, str] | None:
    for kind, reference in (
        ("photo", reply.photo_file_id),
        ("document", reply.document_file_id),
        ("voice", reply.voice_file_id),
    ):
        if reference is not None:
            return kind, reference
    return None


async def _send_file(
    bot: Bot, chat_id: int, kind: str, file: str | InputFile, caption: str | None, markup: Any
) -> Message:
    if kind == "document":
        return await bot.send_document(chat_id, file, caption=caption, reply_markup=markup)
    if kind == "voice":
        return await bot.send_voice(chat_id, file, caption=caption, reply_markup=markup)
    return await bot.send_photo(chat_id, file, caption=caption, reply_markup=markup)


async def edit_reply(bot: Bot, chat_id: int, message_id: int, reply: Reply) -> None:
    """Replace the text (or caption) and buttons of a message the bot sent."""
    markup = reply_markup(reply) if reply.buttons else None
    attached = _attachment(reply) is not None
    try:
        if attached:
            await bot.edit_message_caption(
                chat_id=chat_id,
                message_id=message_id,
                caption=reply.text[:MAX_CAPTION],
                reply_markup=markup,
            )
        else:
            await bot.edit_message_text(
                reply.text[:MAX_TEXT], chat_id=chat_id, message_id=message_id, reply_markup=markup
            )
    except BadRequest as error:
        if "not modified" not in error.message.lower():
            raise


async def send_document(bot: Bot, chat_id: int, document: Document) -> Message:
    """Send a file, its caption cut to Telegram's limit."""
    return await bot.send_document(
        chat_id,
        InputFile(document.content, filename=document.filename),
        caption=document.caption[:MAX_CAPTION] or None,
    )


def _photo(reference: str | None, media: MediaStore | None) -> str | InputFile | None:
    """Return a Telegram file id as is, or the upload of a photo another channel stored."""
    if reference is None or not is_stored(reference):
        return reference
    stored = media.load(reference) if media is not None else None
    if stored is None:
        logger.warning("telegram: stored photo is missing")
        return None
    content, name = stored
    return InputFile(content, filename=name)


class TelegramChannel:
    """Run the router behind python-telegram-bot's Application (long polling)."""

    def __init__(self, settings: Settings, router: Router, services: Services) -> None:
        self._settings = settings
        self._router = router
        self._services = services
        self._media = MediaStore(settings.media_dir)
        self.application = self._build(settings)
        self.fallback = ReplyFallback(
            "telegram", services.storage.outbox, services.clock, shared=self._several(settings)
        )
        # Told about each network error of long polling (the dispatcher's outage monitor).
        self.on_network_error: Callable[[str], None] | None = None
        self.menu = CommandMenu(self.application.bot, services.storage, services.clock)

    def _several(self, settings: Settings) -> bool:
        """Tell whether several processes may handle one chat: webhooks on PostgreSQL."""
        return settings.telegram_webhook and self._services.storage.db.engine == "postgresql"

    def _turns(self, settings: Settings) -> ChatTurns | None:
        """Order each chat's updates across processes: webhook mode on PostgreSQL only."""
        return ChatTurns(self._services) if self._several(settings) else None

    def _build(self, settings: Settings) -> Application[Any, Any, Any, Any, Any, Any]:
        root = settings.telegram_api_base_url
        builder = Application.builder()
        if settings.telegram_webhook:
            # Updates are pushed to the webhook server (bot/webhook.py), not polled.
            builder = builder.updater(None)
        application = (
            builder.token(settings.require_telegram_token())
            .base_url(f"{root}/bot")
            .base_file_url(f"{root}/file/bot")
            .rate_limiter(
                AIORateLimiter(
                    overall_max_rate=settings.telegram_reply_rate_per_second, max_retries=3
                )
            )
            .concurrent_updates(PerChatUpdateProcessor(256, self._turns(settings)))
            .request(AiohttpRequest(connection_pool_size=POOL_SIZE, pool_timeout=POOL_TIMEOUT))
            .get_updates_request(AiohttpRequest(connection_pool_size=1))
            .build()
        )
        application.add_handler(TypeHandler(Update, self._on_update))
        application.add_error_handler(self._on_error)
        return application

    async def start(self) -> None:
        """Connect (getMe), record the bot's username and start long polling."""
        application = self.application
        await application.initialize()
        await self.fallback.load()
        username = self._settings.telegram_bot_username or application.bot.username
        async with self._services.storage.db.transaction():
            await self._services.storage.bot_settings.put("telegram_username", username)
        await self.menu.publish()
        await application.start()
        if self._settings.telegram_webhook:
            await self._set_webhook()
            return
        assert application.updater is not None  # noqa: S101 - built with an updater
        await application.updater.start_polling(
            poll_interval=POLL_INTERVAL,
            timeout=10,
            allowed_updates=Update.ALL_TYPES,
            error_callback=self._on_polling_error,
        )
        logger.info("telegram: polling as @%s", username)

    async def _set_webhook(self) -> None:
        settings = self._settings
        await self.application.bot.set_webhook(
            url=str(settings.telegram_webhook_url),
            secret_token=settings.telegram_webhook_secret,
            allowed_updates=Update.ALL_TYPES,
        )
        logger.info("telegram: webhook set; updates come to the webhook server")

    async def push_update(self, data: object) -> bool:
        """Queue an update the webhook received; False when it is not an update."""
        if not isinstance(data, dict):
            return False
        try:
            update = Update.de_json(data, self.application.bot)
        except Exception:
            # Malformed updates make PTB raise KeyError, TypeError, ValueError, ...
            logger.warning("telegram webhook: an update could not be read; refused")
            return False
        await self.application.update_queue.put(update)
        return True

    async def stop(self) -> None:
        """Stop polling and close the connection."""
        application = self.application
        if application.updater is not None and application.updater.running:
            await application.updater.stop()
        if application.running:
            await application.stop()
        await application.shutdown()

    async def _on_update(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        inbound = to_inbound(update)
        if inbound is None:
            return
        if update.callback_query is not None:
            # The spinner on the button stops whenever this lands; the reply need not wait.
            self.application.create_task(_answer_quietly(update), update=update)
        if inbound.kind == "photo" and await self._from_officer(inbound):
            inbound = dataclasses.replace(inbound, photo_id=await self._keep(inbound.photo_id))
        replies = await self._router.handle(inbound, self._services)
        chat_id = int(inbound.address)
        await self.fallback.deliver(
            inbound.address, update.update_id, replies, partial(self.send, chat_id), is_passing
        )

    async def _from_officer(self, inbound: Inbound) -> bool:
        if not inbound.sender_id:
            return False
        officers = self._services.storage.officers
        return await officers.get("telegram", inbound.sender_id) is not None

    async def _keep(self, file_id: str | None) -> str | None:
        """Store an officer's photo in MEDIA_DIR, so an answer can carry it to WhatsApp too.

        A Telegram file id means nothing on WhatsApp; a stored file can be sent anywhere.
        When the download fails the file id stays (Telegram participants still get it).
        """
        if file_id is None:
            return None
        try:
            file = await self.application.bot.get_file(file_id)
            content = bytes(await file.download_as_bytearray())
            return await asyncio.to_thread(
                self._media.save, f"tg-{file.file_unique_id}", content, "image/jpeg"
            )
        except (TelegramError, OSError, ValueError) as error:
            logger.warning(
                "telegram: an officer's photo was not stored (%s)", type(error).__name__
            )
            return file_id

    async def send(self, chat_id: int, outbound: Outbound) -> None:
        """Send one reply the way Telegram shows it best."""
        bot = self.application.bot
        if isinstance(outbound, Reply):
            await send_reply(bot, chat_id, outbound, self._media)
        elif isinstance(outbound, Document):
            await send_document(bot, chat_id, outbound)
        elif isinstance(outbound, Photo):
            await bot.send_photo(
                chat_id,
                InputFile(outbound.content, filename=outbound.filename),
                caption=outbound.caption[:1024] or None,
            )

    def _on_polling_error(self, error: TelegramError) -> None:
        # PTB logs each failed poll with a traceback at ERROR; an outage would fill the log.
        # Network errors go to DEBUG and to the outage monitor, which logs the outage once.
        if is_transport_error(error):
            logger.debug("telegram: polling failed: %s", error, exc_info=error)
            if self.on_network_error is not None:
                self.on_network_error(f"{type(error).__name__}: {error.message}")
            return
        logger.warning("telegram: polling failed: %s: %s", type(error).__name__, error.message)

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        # Only the error's type and message: never the update, which carries personal data.
        error = context.error
        logger.error(
            "telegram: %s while handling an update: %s",
            type(error).__name__,
            error,
            exc_info=not isinstance(error, TelegramError),
        )


async def _answer_quietly(update: Update) -> None:
    assert update.callback_query is not None  # noqa: S101 - checked by the caller
    try:
        await update.callback_query.answer()
    except TelegramError:
        # An old query can no longer be answered; the reply below still goes out.
        logger.debug("telegram: callback query could not be answered")
