"""Replies whose direct send failed wait in the outbox and reach the person later, in order.

The real TelegramChannel (python-telegram-bot's Application with its HTTP pool) answers
updates against the fake Bot API; what it queues is delivered by the real dispatcher with the
real Telegram sender, on simulated time. WhatsApp: the real channel over a scripted Graph API.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from telegram import Update
from telegram.error import NetworkError

from bot.channels import telegram as telegram_module
from bot.channels.fallback import ReplyFallback
from bot.channels.media import MediaStore
from bot.channels.telegram import TelegramChannel
from bot.channels.telegram_sender import TelegramSender
from bot.channels.whatsapp_channel import WhatsAppChannel
from bot.channels.whatsapp_messenger import ChoicePages, WhatsAppMessenger
from bot.channels.whatsapp_sender import WhatsAppSender
from bot.dispatcher import Dispatcher, Sender
from bot.settings import Settings, WhatsAppTemplates
from handlers.conversation.messages import Button, Document, Inbound, Outbound, Reply
from handlers.conversation.outbox import reply_key
from handlers.conversation.turn import Services
from storage.outbox import OutboxMessage
from tests.bot.test_whatsapp_channel import payload, text
from tests.support.clock import FrozenClock, simulated_sleep
from tests.support.fake_telegram import ApiCall, FakeTelegram
from tests.support.whatsapp import PHONE_NUMBER_ID, ScriptedGraph

TOKEN = "123456:TEST-fallback"
SITI, BUDI = 4201, 4202
ALICE = "6281111111111"
_update_ids = itertools.count(500)


class TurnRouter:
    """Answer each text with three replies naming it; the second carries a button."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    async def handle(self, inbound: Inbound, services: Services) -> list[Outbound]:
        self.seen.append(inbound.text)
        now = services.clock.now()
        await services.storage.contacts.touch(inbound.channel, inbound.address, now)
        return [
            Reply(f"{inbound.text} 1"),
            Reply(f"{inbound.text} 2", buttons=((Button("Ya", "registration:consent:yes"),),)),
            Reply(f"{inbound.text} 3"),
        ]


def texts(inbound: str) -> list[str]:
    return [f"{inbound} {n}" for n in (1, 2, 3)]


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    with FakeTelegram() as server:
        yield server


@pytest.fixture
def settings(fake: FakeTelegram, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.chdir(tmp_path)  # away from any .env
    return Settings(
        telegram_bot_token=TOKEN,
        telegram_api_base_url=fake.base_url,
        database_path=tmp_path / "test.sqlite3",
    )


@pytest.fixture
def router() -> TurnRouter:
    return TurnRouter()


@pytest.fixture
async def channel(
    settings: Settings, router: TurnRouter, services: Services
) -> AsyncIterator[TelegramChannel]:
    running = TelegramChannel(settings, router, services)  # type: ignore[arg-type]
    await running.application.initialize()
    await running.fallback.load()
    try:
        yield running
    finally:
        await running.application.shutdown()


def update_from(chat: int, message: str) -> Update:
    person = {"id": chat, "is_bot": False, "first_name": "Siti"}
    return Update.de_json(
        {
            "update_id": next(_update_ids),
            "message": {
                "message_id": 1,
                "date": 0,
                "chat": {"id": chat, "type": "private", "first_name": "Siti"},
                "from": person,
                "text": message,
            },
        },
        bot=None,
    )


async def say(channel: TelegramChannel, chat: int, message: str) -> None:
    await channel.application.process_update(update_from(chat, message))


async def drain(services: Services, clock: FrozenClock, sender: Sender) -> int:
    """Deliver every due outbox row, the way the running bot's dispatcher does."""
    # No per-chat spacing here, so one send at a time: two sends to one chat in flight at
    # once could arrive in either order (the running bot spaces a chat's sends 1 s apart).
    dispatcher = Dispatcher(
        services.storage,
        sender,
        clock,
        100.0,
        per_chat_interval=0,
        sleep=simulated_sleep(clock),
        max_in_flight=1,
    )
    return await dispatcher.drain_once()


async def drain_telegram(services: Services, clock: FrozenClock, fake: FakeTelegram) -> int:
    sender = TelegramSender(TOKEN, fake.base_url, outbox=services.storage.outbox)
    async with sender:
        return await drain(services, clock, sender)


async def reply_rows(services: Services) -> list[OutboxMessage]:
    return await services.storage.outbox.with_key_prefix("reply:")


async def test_a_pool_timeout_queues_the_reply_and_the_turns_later_ones_which_then_arrive(
    fake: FakeTelegram,
    settings: Settings,
    router: TurnRouter,
    services: Services,
    clock: FrozenClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # One connection, and a reply waits for it only 50 ms: Siti's replies hold it while
    # Budi's first reply finds it occupied (a pool timeout: "Request was *not* sent").
    monkeypatch.setattr(telegram_module, "POOL_SIZE", 1)
    monkeypatch.setattr(telegram_module, "POOL_TIMEOUT", 0.05)
    channel = TelegramChannel(settings, router, services)  # type: ignore[arg-type]
    await channel.application.initialize()
    try:
        fake.latency = 0.3
        await asyncio.gather(say(channel, SITI, "siti"), say(channel, BUDI, "budi"))
        fake.latency = 0.0
        delivered_directly = {chat: fake.texts_to(chat) for chat in (SITI, BUDI)}
        rows = await reply_rows(services)
        # Whoever lost the race for the connection has a reply (and the later ones) queued.
        assert rows, delivered_directly
        late = int(rows[0].address)
        assert {row.address for row in rows} == {str(late)}
        spoken = "siti" if late == SITI else "budi"
        assert delivered_directly[late] + [row.body.text for row in rows] == texts(spoken)
        assert all(row.status == "pending" for row in rows)
        assert await drain_telegram(services, clock, fake) == len(rows)
    finally:
        await channel.application.shutdown()
    assert fake.texts_to(SITI) == texts("siti")
    assert fake.texts_to(BUDI) == texts("budi")
    # The button survived the outbox.
    [with_button] = [call for call in fake.messages_to(late) if call.text == f"{spoken} 2"]
    assert "registration:consent:yes" in str(with_button.params["reply_markup"])


async def test_a_server_error_queues_the_reply_and_its_successors_in_order(
    fake: FakeTelegram, channel: TelegramChannel, services: Services, clock: FrozenClock
) -> None:
    fake.fail_next("sendMessage", 500, "Internal Server Error")
    await say(channel, SITI, "halo")
    assert fake.texts_to(SITI) == []
    rows = await reply_rows(services)
    assert [row.body.text for row in rows] == texts("halo")
    turn = rows[0].key.split(":")[3]
    assert [row.key for row in rows] == [
        reply_key("telegram", str(SITI), turn, index) for index in range(3)
    ]
    assert channel.fallback.is_waiting(str(SITI))
    assert await drain_telegram(services, clock, fake) == 3
    assert fake.texts_to(SITI) == texts("halo")


async def test_a_failure_midway_keeps_what_went_out_and_queues_the_rest(
    fake: FakeTelegram, channel: TelegramChannel, services: Services, clock: FrozenClock
) -> None:
    await say(channel, SITI, "pertama")

    def unreachable_after_one(call: ApiCall) -> None:
        fake.unreachable_chats.add(SITI)
        fake.on_message = None

    fake.on_message = unreachable_after_one
    await say(channel, SITI, "kedua")
    fake.unreachable_chats.clear()
    assert fake.texts_to(SITI) == [*texts("pertama"), "kedua 1"]
    assert [row.body.text for row in await reply_rows(services)] == ["kedua 2", "kedua 3"]
    await drain_telegram(services, clock, fake)
    assert fake.texts_to(SITI) == texts("pertama") + texts("kedua")


async def test_the_next_turn_does_not_overtake_replies_still_waiting(
    fake: FakeTelegram, channel: TelegramChannel, services: Services, clock: FrozenClock
) -> None:
    fake.unreachable_chats.add(SITI)
    await say(channel, SITI, "satu")
    fake.unreachable_chats.clear()
    # Telegram answers again, but the chat still has replies waiting: these queue behind.
    await say(channel, SITI, "dua")
    await say(channel, BUDI, "lain")  # another chat is not held up
    assert fake.texts_to(SITI) == []
    assert fake.texts_to(BUDI) == texts("lain")
    assert [row.body.text for row in await reply_rows(services)] == texts("satu") + texts("dua")
    assert await drain_telegram(services, clock, fake) == 6
    assert fake.texts_to(SITI) == texts("satu") + texts("dua")
    # Nothing waits any more: the next turn is answered directly again.
    await say(channel, SITI, "tiga")
    assert fake.texts_to(SITI) == texts("satu") + texts("dua") + texts("tiga")
    assert len(await reply_rows(services)) == 6
    assert not channel.fallback.is_waiting(str(SITI))


async def test_handling_a_turn_again_queues_nothing_twice(
    fake: FakeTelegram, channel: TelegramChannel, services: Services, clock: FrozenClock
) -> None:
    fake.unreachable_chats.add(SITI)
    update = update_from(SITI, "ulang")
    for _ in range(3):
        await channel.application.process_update(update)
    fake.unreachable_chats.clear()
    rows = await reply_rows(services)
    assert [row.body.text for row in rows] == texts("ulang")
    await drain_telegram(services, clock, fake)
    assert fake.texts_to(SITI) == texts("ulang")


async def test_a_restart_remembers_the_chats_with_replies_waiting(
    fake: FakeTelegram,
    settings: Settings,
    router: TurnRouter,
    services: Services,
    clock: FrozenClock,
    channel: TelegramChannel,
) -> None:
    fake.unreachable_chats.add(SITI)
    await say(channel, SITI, "sebelum")
    fake.unreachable_chats.clear()
    restarted = TelegramChannel(settings, router, services)  # type: ignore[arg-type]
    await restarted.application.initialize()
    try:
        await restarted.fallback.load()
        await say(restarted, SITI, "sesudah")
        assert fake.texts_to(SITI) == []
        await drain_telegram(services, clock, fake)
    finally:
        await restarted.application.shutdown()
    assert fake.texts_to(SITI) == texts("sebelum") + texts("sesudah")


@pytest.mark.parametrize(
    ("status", "description"),
    [(403, "Forbidden: bot was blocked by the user"), (400, "Bad Request: chat not found")],
)
async def test_a_definite_refusal_is_not_queued(
    fake: FakeTelegram,
    channel: TelegramChannel,
    services: Services,
    status: int,
    description: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    fake.fail_next("sendMessage", status, description)
    await say(channel, SITI, "ditolak")
    assert await reply_rows(services) == []
    assert not channel.fallback.is_waiting(str(SITI))


async def test_a_generated_file_that_fails_is_logged_and_the_text_replies_still_queue(
    fake: FakeTelegram,
    channel: TelegramChannel,
    services: Services,
    clock: FrozenClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    replies: list[Outbound] = [Document("jadwal.ics", b"BEGIN:VCALENDAR"), Reply("sesudah file")]
    fake.unreachable_chats.add(SITI)
    await channel.fallback.deliver(
        str(SITI), 77, replies, lambda outbound: channel.send(SITI, outbound), _passing
    )
    fake.unreachable_chats.clear()
    assert "a generated file was not sent (NetworkError)" in caplog.text
    assert "jadwal" not in caplog.text
    assert [row.body.text for row in await reply_rows(services)] == ["sesudah file"]
    await drain_telegram(services, clock, fake)
    assert fake.texts_to(SITI) == ["sesudah file"]


def _passing(error: Exception) -> bool:
    return telegram_module.is_passing(error)


# --- WhatsApp ------------------------------------------------------------------------------


def whatsapp_channel(
    router: TurnRouter, services: Services, graph: ScriptedGraph, folder: Path
) -> tuple[WhatsAppChannel, WhatsAppSender]:
    media = MediaStore(folder)
    messenger = WhatsAppMessenger(graph.client(), media, ChoicePages())
    templates = WhatsAppTemplates()
    channel = WhatsAppChannel(
        PHONE_NUMBER_ID,
        router,  # type: ignore[arg-type]
        services,
        messenger,
        media,
        templates,
    )
    return channel, WhatsAppSender(messenger, services.storage, services.clock, templates)


def whatsapp_texts(graph: ScriptedGraph) -> list[str]:
    found: list[str] = []
    for _, body in graph.sent:
        if body["type"] == "text":
            found.append(body["text"]["body"])
        elif body["type"] == "interactive":
            found.append(body["interactive"]["body"]["text"])
    return found


@pytest.mark.parametrize(
    "failure",
    [(500, 1), (400, 130429), httpx.ConnectError("refused")],
    ids=["http-500", "rate-limited", "connect-error"],
)
async def test_whatsapp_replies_that_fail_wait_in_the_outbox_in_order(
    router: TurnRouter,
    services: Services,
    clock: FrozenClock,
    tmp_path: Path,
    failure: tuple[int, int] | Exception,
) -> None:
    graph = ScriptedGraph()
    channel, sender = whatsapp_channel(router, services, graph, tmp_path)
    await channel.start()
    graph.errors.append(failure)
    await channel.receive(payload(text(ALICE, "halo")))
    await channel.stop()
    # The next message's replies queue behind, though the Graph API answers again.
    await channel.receive(payload(text(ALICE, "lagi")))
    await channel.stop()
    assert graph.sent == []
    rows = await reply_rows(services)
    assert [row.body.text for row in rows] == texts("halo") + texts("lagi")
    assert await drain(services, clock, sender) == 6
    assert whatsapp_texts(graph) == texts("halo") + texts("lagi")
    # Then replies go directly again.
    await channel.receive(payload(text(ALICE, "akhir")))
    await channel.stop()
    assert whatsapp_texts(graph) == texts("halo") + texts("lagi") + texts("akhir")


async def test_whatsapp_refusal_is_not_queued(
    router: TurnRouter, services: Services, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    graph = ScriptedGraph()
    channel, _ = whatsapp_channel(router, services, graph, tmp_path)
    graph.fail(131026)  # message undeliverable: a definite answer
    await channel.receive(payload(text(ALICE, "halo")))
    await channel.stop()
    assert await reply_rows(services) == []
    assert "a reply was not sent (code 131026, HTTP 400)" in caplog.text


async def test_shared_chats_look_at_the_outbox_for_replies_another_process_queued(
    services: Services, clock: FrozenClock
) -> None:
    # Two processes' fallbacks over one database (several webhook processes on PostgreSQL).
    first = ReplyFallback("telegram", services.storage.outbox, clock, shared=True)
    second = ReplyFallback("telegram", services.storage.outbox, clock, shared=True)
    sent: list[str] = []

    async def refused(outbound: Outbound) -> None:
        raise NetworkError("Bad Gateway")

    async def accepted(outbound: Outbound) -> None:
        assert isinstance(outbound, Reply)
        sent.append(outbound.text)

    passing = telegram_module.is_passing
    await first.deliver("42", 1, [Reply("satu")], refused, passing)
    await second.deliver("42", 2, [Reply("dua")], accepted, passing)
    assert sent == []
    rows = await reply_rows(services)
    assert [row.body.text for row in rows] == ["satu", "dua"]
    # A process that does not share chats trusts its own memory.
    alone = ReplyFallback("telegram", services.storage.outbox, clock)
    await alone.deliver("42", 3, [Reply("tiga")], accepted, passing)
    assert sent == ["tiga"]
