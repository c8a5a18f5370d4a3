"""The dispatcher and the real TelegramSender against the fake Bot API's rate limits."""

from __future__ import annotations

import asyncio
import itertools
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator

import pytest

from bot.channels.telegram_sender import TelegramSender
from bot.dispatcher import Delivery, Dispatcher
from handlers.conversation.clock import SystemClock
from handlers.conversation.messages import Button, Document, Reply
from handlers.conversation.outbox import stored
from storage import Storage
from tests.support.fake_telegram import FakeTelegram

TOKEN = "123456:TEST-dispatcher"
RATE = 28.0  # configured a little under the fake's 30/s, as BROADCAST_RATE_PER_SECOND should be
FIRST_CHAT = 7_000_000
TOO_MANY = "Too Many Requests: retry after 1"


@pytest.fixture
def telegram_api() -> Iterator[FakeTelegram]:
    """A fake Bot API enforcing Telegram's limits: 30 messages a second, 1 per chat."""
    with FakeTelegram() as server:
        server.global_rate = 30
        server.per_chat_rate = 1
        yield server


@pytest.fixture
async def sender(telegram_api: FakeTelegram) -> AsyncIterator[TelegramSender]:
    """The real sender, connected to the fake."""
    async with TelegramSender(TOKEN, telegram_api.base_url) as connected:
        yield connected


async def eventually(condition: Callable[[], Awaitable[bool]]) -> None:
    """Poll until the condition holds."""
    async with asyncio.timeout(20):
        for _ in itertools.count():
            if await condition():
                return
            await asyncio.sleep(0.01)


async def queue(storage: Storage, rows: list[tuple[str, int]]) -> None:
    """Queue one message per (key, chat); the key is the text, so each send is traceable."""
    now = SystemClock().now()
    for key, chat in rows:
        await storage.contacts.touch("telegram", str(chat), now)
        reply = Reply(key, buttons=((Button("Saya hadir", "rsvp:yes"),),))
        await storage.outbox.enqueue(
            key, "telegram", str(chat), stored(reply), now, broadcast_id=1
        )


async def drain(storage: Storage, dispatcher: Dispatcher, during: Callable[[], None]) -> None:
    """Run the dispatcher until no row is pending or sending; call `during` once midway."""

    async def settled() -> bool:
        counts = await storage.outbox.counts()
        return counts["pending"] == counts["sending"] == 0

    async def half_sent() -> bool:
        return (await storage.outbox.counts())["sent"] >= 25

    task = asyncio.create_task(dispatcher.run())
    try:
        await eventually(half_sent)
        during()
        await eventually(settled)
    finally:
        dispatcher.stop()
        await task


async def test_broadcast_through_429s_and_a_block_reaches_each_chat_once(
    storage: Storage, telegram_api: FakeTelegram, sender: TelegramSender
) -> None:
    chats = [FIRST_CHAT + index for index in range(50)]
    rows: list[tuple[str, int]] = []
    for index, chat in enumerate(chats):
        rows.append((f"broadcast 1 to {chat}", chat))
        if index < 10:  # right behind the first, so the per-chat limit has to defer it
            rows.append((f"broadcast 1 to {chat}, part 2", chat))
    blocked = chats[20]
    telegram_api.blocked_chats.add(blocked)
    await queue(storage, rows)
    telegram_api.fail_next("sendMessage", 429, TOO_MANY, retry_after=1, count=2)
    dispatcher = Dispatcher(storage, sender, SystemClock(), RATE, per_chat_interval=1.1)

    def storm() -> None:
        telegram_api.fail_next("sendMessage", 429, TOO_MANY, retry_after=1)

    await drain(storage, dispatcher, storm)

    assert await storage.outbox.counts(1) == {
        "pending": 0,
        "sending": 0,
        "sent": 59,
        "failed": 0,
        "blocked": 1,
    }
    contact = await storage.contacts.get("telegram", str(blocked))
    assert contact is not None and contact.blocked_at is not None
    received = Counter((call.chat_id, call.text) for call in telegram_api.calls("sendMessage"))
    assert set(received.values()) == {1}
    assert set(received) == {(chat, key) for key, chat in rows if chat != blocked}
    rejected = [call.chat_id for call in telegram_api.rejected_calls("sendMessage")]
    # Only the three injected 429s and the blocked chat: our pacing tripped no limit.
    assert len(rejected) == 4 and rejected.count(blocked) == 1


async def test_full_outbox_runs_at_the_configured_rate_despite_latency(
    storage: Storage, telegram_api: FakeTelegram, sender: TelegramSender
) -> None:
    telegram_api.latency = 0.05  # a server far from Telegram: sends must overlap
    await queue(storage, [(f"rate test {index}", FIRST_CHAT + index) for index in range(84)])
    dispatcher = Dispatcher(storage, sender, SystemClock(), RATE)
    assert await dispatcher.drain_once() == 84
    arrivals = [call.at for call in telegram_api.calls("sendMessage")]
    achieved = (len(arrivals) - 1) / (arrivals[-1] - arrivals[0])
    print(f"achieved {achieved:.2f} messages/s of {RATE:g} configured")
    assert achieved >= 0.95 * RATE
    assert telegram_api.rejected_calls() == []


async def test_an_outage_holds_the_rows_and_each_arrives_once_after_it(
    storage: Storage, telegram_api: FakeTelegram, sender: TelegramSender
) -> None:
    """Connection refused, then 502 from a proxy, then back: the real sender, the real fake."""
    chats = [FIRST_CHAT + index for index in range(30)]
    await queue(storage, [(f"before the outage {chat}", chat) for chat in chats[:10]])
    dispatcher = Dispatcher(storage, sender, SystemClock(), RATE, probe_max_interval=1)
    task = asyncio.create_task(dispatcher.run())

    async def sent(count: int) -> bool:
        return (await storage.outbox.counts())["sent"] >= count

    async def down() -> bool:
        return dispatcher.outages.is_down("telegram")

    try:
        await eventually(lambda: sent(10))
        telegram_api.refuse_connections()
        await queue(storage, [(f"during the outage {chat}", chat) for chat in chats[10:20]])
        dispatcher.wake()
        await eventually(down)
        assert (await storage.channel_states.all())["telegram"].state == "down"
        await asyncio.sleep(2)
        telegram_api.answer_every_call(502, "Bad Gateway")
        await queue(storage, [(f"during the 502s {chat}", chat) for chat in chats[20:]])
        await asyncio.sleep(2)
        hits = telegram_api.outage_hits()
        telegram_api.recover()
        await eventually(lambda: sent(30))
    finally:
        dispatcher.stop()
        await task
    received = Counter((call.chat_id, call.text) for call in telegram_api.calls("sendMessage"))
    assert sum(received.values()) == 30 and set(received.values()) == {1}
    # While down, only probes (getMe, a second apart at most) reached the platform.
    assert 1 <= hits <= 5
    assert len(telegram_api.calls("getMe")) >= 2  # the sender's start, and the probe that won
    assert (await storage.channel_states.all())["telegram"].state == "up"
    assert await storage.outbox.counts() == {
        "pending": 0,
        "sending": 0,
        "sent": 30,
        "failed": 0,
        "blocked": 0,
    }


async def test_a_reply_with_an_attachment_goes_as_the_document_or_fails_when_gone(
    telegram_api: FakeTelegram,
) -> None:
    async def load(reference: str) -> Document | None:
        return Document("sertifikat-1.pdf", b"%PDF-1.7 x") if reference == "sertifikat:1" else None

    notice = Reply("Sertifikat Anda sudah terbit.", attachment="sertifikat:1")
    async with TelegramSender(TOKEN, telegram_api.base_url, attachments=load) as sender:
        sent = await sender.deliver("telegram", str(FIRST_CHAT), notice)
        # The provider id is `<chat>:<message>`, as for text, so replies can find the row.
        assert sent == Delivery.ok(f"{FIRST_CHAT}:1")
        gone = Reply("Sertifikat Anda sudah terbit.", attachment="sertifikat:2")
        delivery = await sender.deliver("telegram", str(FIRST_CHAT + 1), gone)
    assert delivery == Delivery.failed("attachment no longer available", permanent=True)
    [call] = telegram_api.calls("sendDocument")
    assert call.chat_id == FIRST_CHAT and call.text == "Sertifikat Anda sudah terbit."
    assert call.files["document"] == ("sertifikat-1.pdf", b"%PDF-1.7 x")
    assert telegram_api.calls("sendMessage") == []
