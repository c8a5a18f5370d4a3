"""PTB's requests over aiohttp, against the fake Bot API: what arrives, and how failures read."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Iterator

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputFile
from telegram.error import NetworkError, RetryAfter, TimedOut

from bot.channels.telegram_request import NOT_SENT, AiohttpRequest
from tests.support.fake_telegram import FakeTelegram, reply_markup_buttons

TOKEN = "123456:REQUEST"


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    with FakeTelegram() as server:
        yield server


def make_bot(root: str, request: AiohttpRequest) -> Bot:
    return Bot(TOKEN, base_url=f"{root}/bot", base_file_url=f"{root}/file/bot", request=request)


@pytest.fixture
async def bot(fake: FakeTelegram) -> AsyncIterator[Bot]:
    async with make_bot(fake.base_url, AiohttpRequest(connection_pool_size=4)) as opened:
        yield opened


async def test_a_message_with_buttons_arrives_whole(fake: FakeTelegram, bot: Bot) -> None:
    text = "Pilih sesi 🧵 — Ł'; DROP TABLE participant;--"
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Ya ✅", callback_data="kuis:a:1:2:3")]])
    sent = await bot.send_message(77, text, reply_markup=markup)
    (call,) = fake.calls("sendMessage")
    assert (call.chat_id, call.text) == (77, text)
    assert reply_markup_buttons(call) == [["Ya ✅"]]
    assert sent.chat.id == 77 and sent.text == text and sent.message_id > 0


async def test_a_file_is_uploaded_byte_for_byte(fake: FakeTelegram, bot: Bot) -> None:
    content = bytes(range(256)) * 40
    await bot.send_document(5, InputFile(content, filename="bast.pdf"), caption="BAST")
    (call,) = fake.calls("sendDocument")
    assert call.text == "BAST"
    assert call.files["document"][1] == content


async def test_flood_control_reads_as_retry_after(fake: FakeTelegram, bot: Bot) -> None:
    fake.fail_next("sendMessage", 429, "Too Many Requests: retry after 3", retry_after=3)
    with pytest.raises(RetryAfter) as raised:
        await bot.send_message(1, "x")
    assert raised.value.retry_after.total_seconds() == 3


async def test_no_free_connection_is_a_timeout_that_was_not_sent(fake: FakeTelegram) -> None:
    request = AiohttpRequest(connection_pool_size=1, pool_timeout=0.05)
    async with make_bot(fake.base_url, request) as bot:
        fake.latency = 0.5
        first = asyncio.create_task(bot.send_message(1, "first"))
        await asyncio.sleep(0.1)  # the only connection is now busy with the first call
        with pytest.raises(TimedOut) as raised:
            await bot.send_message(2, "second")
        await first
    assert NOT_SENT in raised.value.message
    assert [call.text for call in fake.calls("sendMessage")] == ["first"]


async def test_a_slow_answer_is_a_timeout_that_may_have_arrived(fake: FakeTelegram) -> None:
    async with make_bot(fake.base_url, AiohttpRequest(read_timeout=0.1)) as bot:
        fake.latency = 0.5
        with pytest.raises(TimedOut) as raised:
            await bot.send_message(1, "slow")
    assert NOT_SENT not in raised.value.message


async def test_a_refused_connection_was_not_sent() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again below: nothing listens there
    bot = make_bot(f"http://127.0.0.1:{port}", AiohttpRequest(connect_timeout=1))
    await bot.request.initialize()  # getMe would fail first; the raw request is the point
    try:
        with pytest.raises(NetworkError) as raised:
            await bot.send_message(1, "x")
    finally:
        await bot.request.shutdown()
    assert not isinstance(raised.value, TimedOut)
    assert NOT_SENT in raised.value.message


async def test_used_before_initialize_or_after_shutdown_is_refused(fake: FakeTelegram) -> None:
    request = AiohttpRequest()
    with pytest.raises(RuntimeError, match="not initialized"):
        await request.do_request(f"{fake.base_url}/bot{TOKEN}/getMe", "POST")
    await request.initialize()
    await request.initialize()  # twice is harmless
    status, body = await request.do_request(f"{fake.base_url}/bot{TOKEN}/getMe", "POST")
    assert status == 200 and b'"ok"' in body
    await request.shutdown()
    await request.shutdown()
    with pytest.raises(RuntimeError, match="not initialized"):
        await request.do_request(f"{fake.base_url}/bot{TOKEN}/getMe", "POST")
