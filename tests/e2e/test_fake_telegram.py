"""Tests for the fake Telegram Bot API server, driven by python-telegram-bot itself."""

from __future__ import annotations

import asyncio
import datetime as dtm
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from fake_telegram import FakeTelegram, callback_data, reply_markup_buttons
from telegram import (
    Bot,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    KeyboardButton,
    Message,
    MessageEntity,
    ReplyKeyboardMarkup,
    Update,
)
from telegram.error import Forbidden, RetryAfter, TelegramError
from telegram.ext import Application, ContextTypes, MessageHandler, filters

TOKEN = "123456:TEST"
USER = 424242


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    """A running fake server."""
    with FakeTelegram() as server:
        yield server


def make_bot(fake: FakeTelegram) -> Bot:
    """A real python-telegram-bot Bot pointed at the fake."""
    root = fake.base_url
    return Bot(TOKEN, base_url=f"{root}/bot", base_file_url=f"{root}/file/bot")


@pytest.fixture
async def bot(fake: FakeTelegram) -> AsyncIterator[Bot]:
    """An initialised Bot talking to the fake."""
    async with make_bot(fake) as tg_bot:
        yield tg_bot


def http_post(url: str, data: bytes, content_type: str) -> tuple[int, dict[str, Any]]:
    """POST raw bytes with urllib and decode the JSON answer (status, body)."""
    headers = {"Content-Type": content_type}
    request = urllib.request.Request(url, data=data, headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as err:
        with err:
            return err.code, json.loads(err.read())


async def test_get_me_identity_and_token(fake: FakeTelegram, bot: Bot) -> None:
    me = await bot.get_me()
    assert me.id == 999000
    assert me.username == "wubikm_test_bot"
    assert me.first_name == "WUB IKM"
    assert me.can_join_groups is True
    assert bot.username == "wubikm_test_bot"
    assert fake.tokens == {TOKEN}
    assert len(fake.calls("getMe")) == 2  # one from `async with bot`, one explicit


def test_username_is_configurable() -> None:
    with FakeTelegram(username="other_bot") as server:
        status, body = http_post(f"{server.base_url}/bot1:X/getMe", b"{}", "application/json")
    assert status == 200
    assert body["result"]["username"] == "other_bot"


async def test_send_message_with_inline_keyboard(fake: FakeTelegram, bot: Bot) -> None:
    markup = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("Ya", callback_data="confirm:yes"),
                InlineKeyboardButton("Tidak", callback_data="confirm:no"),
            ],
            [InlineKeyboardButton("Situs", url="https://example.org")],
        ]
    )
    first = await bot.send_message(USER, "Lanjut?", reply_markup=markup)
    second = await bot.send_message(USER, "123")
    assert first.message_id < second.message_id
    assert first.chat.id == USER
    assert first.chat.type == "private"
    assert first.from_user is not None
    assert first.from_user.id == 999000
    assert first.text == "Lanjut?"
    assert first.reply_markup == markup
    assert second.text == "123"  # numeric-looking text stays a string

    calls = fake.wait_for_calls("sendMessage", USER, 2, timeout=1)
    call = calls[0]
    assert call.params["chat_id"] == USER
    assert isinstance(call.params["reply_markup"], dict)
    assert reply_markup_buttons(call) == [["Ya", "Tidak"], ["Situs"]]
    assert callback_data(call, "Tidak") == "confirm:no"
    with pytest.raises(KeyError):
        callback_data(call, "Situs")
    with pytest.raises(KeyError):
        callback_data(call, "Missing")
    assert calls[1].params["text"] == "123"
    assert fake.texts_to(USER) == ["Lanjut?", "123"]


async def test_send_message_with_contact_reply_keyboard(fake: FakeTelegram, bot: Bot) -> None:
    markup = ReplyKeyboardMarkup(
        [[KeyboardButton("Bagikan nomor", request_contact=True)], ["Batal"]],
        one_time_keyboard=True,
        resize_keyboard=True,
    )
    message = await bot.send_message(USER, "Kirim nomor Anda", reply_markup=markup)
    assert message.reply_markup is None  # Telegram never echoes reply keyboards
    (call,) = fake.calls("sendMessage", USER)
    keyboard = call.params["reply_markup"]["keyboard"]
    assert keyboard[0][0] == {"text": "Bagikan nomor", "request_contact": True}
    assert call.params["reply_markup"]["one_time_keyboard"] is True
    assert reply_markup_buttons(call) == [["Bagikan nomor"], ["Batal"]]


async def test_send_document_upload_is_recorded(fake: FakeTelegram, bot: Bot) -> None:
    data = b"%PDF-1.4 fake certificate \x00\xff"
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("OK", callback_data="ok")]])
    message = await bot.send_document(
        USER,
        InputFile(data, filename="sertifikat.pdf"),
        caption="Sertifikat Anda",
        reply_markup=markup,
    )
    (call,) = fake.calls("sendDocument", USER)
    assert call.files["document"] == ("sertifikat.pdf", data)
    assert call.params["caption"] == "Sertifikat Anda"
    assert call.params["chat_id"] == USER
    # python-telegram-bot JSON-encodes reply_markup inside the multipart body.
    assert call.params["reply_markup"] == {
        "inline_keyboard": [[{"text": "OK", "callback_data": "ok"}]]
    }
    assert message.document is not None
    assert message.document.file_name == "sertifikat.pdf"
    assert message.document.file_size == len(data)
    assert message.caption == "Sertifikat Anda"
    # The uploaded file can be fetched back through getFile.
    tg_file = await bot.get_file(message.document.file_id)
    assert bytes(await tg_file.download_as_bytearray()) == data
    assert fake.texts_to(USER) == ["Sertifikat Anda"]


async def test_send_photo_by_file_id_and_edits(fake: FakeTelegram, bot: Bot) -> None:
    photo_msg = await bot.send_photo(USER, "AgACphoto", caption="Foto")
    assert photo_msg.photo[-1].file_id == "AgACphoto"
    text_msg = await bot.send_message(
        USER,
        "Pilih",
        reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("A", callback_data="a")]]),
    )
    edited = await bot.edit_message_text(
        "Dipilih: A", chat_id=USER, message_id=text_msg.message_id
    )
    assert not isinstance(edited, bool)
    assert edited.text == "Dipilih: A"
    assert edited.message_id == text_msg.message_id
    assert edited.reply_markup is None
    caption = await bot.edit_message_caption(USER, photo_msg.message_id, caption="Baru")
    assert not isinstance(caption, bool)
    assert caption.caption == "Baru"
    copied = await bot.copy_message(USER, USER, text_msg.message_id)
    assert copied.message_id > text_msg.message_id
    assert fake.texts_to(USER) == ["Foto", "Pilih", "Dipilih: A"]


async def test_get_updates_parses_pushed_updates(fake: FakeTelegram, bot: Bot) -> None:
    sent = await bot.send_message(
        USER,
        "Menu",
        reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("1", callback_data="menu:1")]]),
    )
    ids = [
        fake.push_text(USER, "/start kode_123", language_code="id"),
        fake.push_text(USER, "halo"),
        fake.push_callback(USER, "menu:1"),
        fake.push_contact(USER, "+6281234567890", contact_user_id=USER),
        fake.push_photo(USER, "AgACuserphoto", caption="bukti"),
        fake.push_sticker(USER),
        fake.push_voice(USER),
        fake.push_edited_text(USER, "halo lagi"),
        fake.push_group_text(-1001, USER, "/help@wubikm_test_bot"),
    ]
    assert ids == sorted(ids)
    assert len(set(ids)) == len(ids)
    updates = await bot.get_updates(timeout=0)
    assert [u.update_id for u in updates] == ids
    assert all(isinstance(u, Update) for u in updates)
    start, text, callback, contact, photo, sticker, voice, edited, group = updates

    assert start.message is not None
    assert start.message.text == "/start kode_123"
    assert start.message.entities == (
        MessageEntity(type=MessageEntity.BOT_COMMAND, offset=0, length=6),
    )
    assert start.message.chat.type == "private"
    assert start.message.chat.id == USER
    assert start.message.from_user is not None
    assert start.message.from_user.id == USER
    assert start.message.from_user.is_bot is False
    assert start.message.from_user.language_code == "id"

    assert text.message is not None
    assert text.message.text == "halo"
    assert text.message.entities == ()
    assert text.message.message_id > start.message.message_id

    query = callback.callback_query
    assert query is not None
    assert query.data == "menu:1"
    assert query.from_user.id == USER
    assert query.message is not None
    assert query.message.message_id == sent.message_id
    assert query.message.chat.id == USER
    assert isinstance(query.message, Message)
    assert query.message.reply_markup == sent.reply_markup

    assert contact.message is not None
    assert contact.message.contact is not None
    assert contact.message.contact.user_id == USER
    assert contact.message.contact.phone_number == "+6281234567890"

    assert photo.message is not None
    assert photo.message.photo[-1].file_id == "AgACuserphoto"
    assert photo.message.caption == "bukti"
    assert sticker.message is not None
    assert sticker.message.sticker is not None
    assert voice.message is not None
    assert voice.message.voice is not None

    assert edited.edited_message is not None
    assert edited.edited_message.text == "halo lagi"
    assert edited.edited_message.message_id == photo.message.message_id + 2

    assert group.message is not None
    assert group.message.chat.type in ("group", "supergroup")
    assert group.message.chat.id == -1001
    assert group.message.entities[0].length == len("/help@wubikm_test_bot")


async def test_offset_confirmation_and_limit(fake: FakeTelegram, bot: Bot) -> None:
    first = fake.push_text(USER, "a")
    fake.push_text(USER, "b")
    third = fake.push_text(USER, "c")
    assert [u.update_id for u in await bot.get_updates(limit=2)] == [first, first + 1]
    # Without confirmation the same updates come back.
    assert len(await bot.get_updates()) == 3
    assert [u.update_id for u in await bot.get_updates(offset=third)] == [third]
    assert await bot.get_updates(offset=third + 1) == ()
    assert fake.pending_updates() == []
    fourth = fake.push_text(USER, "d")
    assert [u.update_id for u in await bot.get_updates(offset=first)] == [fourth]


async def test_long_poll_returns_early_when_update_pushed() -> None:
    with FakeTelegram(max_poll_timeout=5.0) as server:
        async with make_bot(server) as tg_bot:
            timer = threading.Timer(0.3, server.push_text, args=(USER, "late"))
            started = time.monotonic()
            timer.start()
            try:
                updates = await tg_bot.get_updates(timeout=5)
            finally:
                timer.join()
            elapsed = time.monotonic() - started
    assert [u.message.text for u in updates if u.message] == ["late"]
    assert 0.2 < elapsed < 3.0


async def test_long_poll_timeout_is_capped(fake: FakeTelegram, bot: Bot) -> None:
    started = time.monotonic()
    assert await bot.get_updates(timeout=30) == ()
    elapsed = time.monotonic() - started
    assert 0.8 < elapsed < 3.0
    assert len(fake.poll_times()) == 1
    fake.wait_until_polling(timeout=0.1)
    with pytest.raises(TimeoutError):
        fake.wait_until_polling(timeout=0.05, after=time.monotonic() + 1)


async def test_get_file_and_download(fake: FakeTelegram, bot: Bot) -> None:
    data = b"\xff\xd8\xff\xe0 jpeg bytes"
    fake.add_file("AgACfile1", data)
    tg_file = await bot.get_file("AgACfile1")
    assert tg_file.file_size == len(data)
    assert tg_file.file_path is not None
    assert tg_file.file_path.endswith("photos/AgACfile1.jpg")
    assert bytes(await tg_file.download_as_bytearray()) == data
    unknown = await bot.get_file("AgACmissing")
    with pytest.raises(TelegramError):
        await unknown.download_as_bytearray()


async def test_fail_next_raises_retry_after(
    fake: FakeTelegram, bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    # PTB 22 warns about int time periods when building RetryAfter unless PTB_TIMEDELTA is set.
    monkeypatch.setenv("PTB_TIMEDELTA", "1")
    fake.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
    with pytest.raises(RetryAfter) as excinfo:
        await bot.send_message(USER, "satu")
    assert excinfo.value.retry_after == dtm.timedelta(seconds=1)
    await bot.send_message(USER, "dua")
    assert fake.texts_to(USER) == ["dua"]
    assert [c.params["text"] for c in fake.rejected_calls("sendMessage")] == ["satu"]


async def test_fail_next_count_and_other_errors(fake: FakeTelegram, bot: Bot) -> None:
    fake.fail_next("sendMessage", 400, "Bad Request: chat not found", count=2)
    for _ in range(2):
        with pytest.raises(TelegramError, match="Chat not found"):
            await bot.send_message(USER, "x")
    await bot.send_message(USER, "y")
    assert fake.texts_to(USER) == ["y"]


async def test_blocked_chat_raises_forbidden(fake: FakeTelegram, bot: Bot) -> None:
    fake.blocked_chats.add(USER)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(USER, "halo")
    await bot.send_message(USER + 1, "halo")
    assert fake.calls("sendMessage", USER) == []
    assert len(fake.calls("sendMessage", USER + 1)) == 1


async def test_rate_limits(fake: FakeTelegram, bot: Bot, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "1")
    fake.per_chat_rate = 1.0
    await bot.send_message(USER, "1")
    with pytest.raises(RetryAfter):
        await bot.send_message(USER, "2")
    await bot.send_message(USER + 1, "other chat is fine")
    fake.per_chat_rate = None
    fake.global_rate = 3.0
    await bot.send_message(USER + 2, "3")
    with pytest.raises(RetryAfter) as excinfo:
        await bot.send_message(USER + 3, "4")
    assert excinfo.value.retry_after == dtm.timedelta(seconds=1)


async def test_latency_is_applied(fake: FakeTelegram, bot: Bot) -> None:
    fake.latency = 0.3
    started = time.monotonic()
    await bot.get_me()
    assert time.monotonic() - started >= 0.3


async def test_true_methods_and_unknown_methods(fake: FakeTelegram, bot: Bot) -> None:
    assert await bot.delete_webhook() is True
    assert await bot.send_chat_action(USER, "typing") is True
    assert await bot.delete_message(USER, 1) is True
    assert await bot.answer_callback_query("123", text="ok") is True
    assert await bot.set_my_commands([("start", "Mulai"), ("help", "Bantuan")]) is True
    commands = await bot.get_my_commands()
    assert [c.command for c in commands] == ["start", "help"]
    assert await bot.do_api_request("someFutureMethod", api_kwargs={"x": 1}) is True
    assert fake.calls("someFutureMethod")[0].params == {"x": 1}
    assert fake.calls("answerCallbackQuery")[0].params["callback_query_id"] == "123"


async def test_command_menus_are_kept_per_scope_and_language(fake: FakeTelegram, bot: Bot) -> None:
    officer = BotCommandScopeChat(USER)
    await bot.set_my_commands([("start", "Mulai")])
    await bot.set_my_commands([("start", "Start")], language_code="en")
    await bot.set_my_commands([("start", "Mulai"), ("sesi", "Sesi")], scope=officer)
    assert [c.command for c in await bot.get_my_commands(scope=officer)] == ["start", "sesi"]
    assert [c.command for c in await bot.get_my_commands(language_code="en")] == ["start"]
    # Telegram resolves the narrowest menu set: the chat's, whatever the language.
    assert fake.menu_seen(USER, "en") == ["start", "sesi"]
    assert fake.menu_seen(USER + 1, "en") == ["start"]
    assert await bot.delete_my_commands(scope=officer) is True
    assert fake.menu_seen(USER, "id") == ["start"]
    assert fake.menu(officer.to_dict()) == []
    assert fake.calls("setMyCommands")[1].params["language_code"] == "en"


async def test_delete_webhook_can_drop_pending_updates(fake: FakeTelegram, bot: Bot) -> None:
    fake.push_text(USER, "old")
    await bot.delete_webhook(drop_pending_updates=True)
    assert await bot.get_updates() == ()


def test_sync_helpers_with_plain_http(fake: FakeTelegram) -> None:
    url = f"{fake.base_url}/bot{TOKEN}"
    markup = {"inline_keyboard": [[{"text": "Go", "callback_data": "go"}]]}
    mark = fake.mark()
    body = json.dumps({"chat_id": 7, "text": "json body", "reply_markup": json.dumps(markup)})
    status, answer = http_post(f"{url}/sendMessage", body.encode(), "application/json")
    assert status == 200
    assert answer["result"]["reply_markup"] == markup
    reply = fake.next_reply(7, mark, timeout=1)
    assert reply.params["reply_markup"] == markup
    assert callback_data(reply, "Go") == "go"

    form = urllib.parse.urlencode({"chat_id": "7", "text": "true", "disable_notification": "true"})
    status, _ = http_post(f"{url}/sendMessage", form.encode(), "application/x-www-form-urlencoded")
    assert status == 200
    last = fake.calls("sendMessage", 7)[-1]
    assert last.params == {"chat_id": 7, "text": "true", "disable_notification": True}
    assert fake.texts_to(7) == ["json body", "true"]
    assert fake.next_reply(7, mark + 1, timeout=1) is last

    with pytest.raises(TimeoutError, match="json body"):
        fake.wait_for_calls("sendMessage", 7, 3, timeout=0.1)
    with pytest.raises(TimeoutError):
        fake.next_reply(7, fake.mark(), timeout=0.05)

    fake.wait_idle(7, quiet=0.1, timeout=2)
    fake.push_text(7, "nobody fetches this")
    with pytest.raises(TimeoutError, match="not idle"):
        fake.wait_idle(7, quiet=0.05, timeout=0.2)


def test_start_stop_are_clean() -> None:
    server = FakeTelegram()
    with pytest.raises(RuntimeError):
        _ = server.base_url
    server.push_text(USER, "queued before start")
    server.start()
    try:
        url = server.base_url
        status, body = http_post(f"{url}/bot{TOKEN}/getUpdates", b"{}", "application/json")
        assert status == 200
        assert body["result"][0]["message"]["text"] == "queued before start"
    finally:
        server.stop()
    server.stop()  # idempotent
    with pytest.raises(urllib.error.URLError):
        http_post(f"{url}/bot{TOKEN}/getMe", b"{}", "application/json")


async def test_application_polling_echo(fake: FakeTelegram) -> None:
    root = fake.base_url
    app = (
        Application.builder()
        .token(TOKEN)
        .base_url(f"{root}/bot")
        .base_file_url(f"{root}/file/bot")
        .build()
    )

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(f"echo: {update.effective_message.text}")

    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    await app.initialize()
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0, timeout=1)
    try:
        # Blocking waits run in a thread so the application keeps running on this loop.
        await asyncio.to_thread(fake.wait_until_polling, 5.0)
        mark = fake.mark()
        fake.push_text(USER, "halo bot")
        calls = await asyncio.to_thread(fake.wait_for_calls, "sendMessage", USER, 1, 5.0)
        assert calls[0].params["text"] == "echo: halo bot"
        reply = await asyncio.to_thread(fake.next_reply, USER, mark, 1.0)
        assert reply is calls[0]
        await asyncio.to_thread(fake.wait_idle, USER, 0.1, 5.0)
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
    assert fake.calls("getMe")
    assert fake.calls("deleteWebhook")
    assert fake.pending_updates() == []  # the final getUpdates confirmed everything
