"""The dispatcher over several channels: per-channel rates, whole-row senders, message ids."""

from __future__ import annotations

import asyncio
import itertools
from datetime import datetime, timedelta

import pytest

from bot.channels.senders import ChannelRouter
from bot.dispatcher import Delivery, Dispatcher
from bot.pacing import ChannelLimits
from handlers.conversation.messages import Reply
from handlers.conversation.outbox import stored
from storage import Storage
from storage.outbox import OutboxMessage
from tests.support.chat import NOW
from tests.support.clock import FrozenClock, simulated_sleep


class Telegram:
    def __init__(self, clock: FrozenClock) -> None:
        self.clock = clock
        self.sends: list[datetime] = []

    async def deliver(self, channel: str, address: str, reply: Reply) -> Delivery:
        self.sends.append(self.clock.now())
        return Delivery.ok()


class WhatsApp:
    """A whole-row sender, as the WhatsApp sender is."""

    def __init__(self, clock: FrozenClock) -> None:
        self.clock = clock
        self.sends: list[tuple[datetime, str]] = []

    async def deliver(self, channel: str, address: str, reply: Reply) -> Delivery:
        raise AssertionError("the dispatcher should hand over the whole row")

    async def deliver_outbox(self, message: OutboxMessage) -> Delivery:
        self.sends.append((self.clock.now(), message.key))
        return Delivery.ok(f"wamid.{message.id}")


async def test_whatsapp_rows_keep_their_own_rate_and_record_message_ids(
    storage: Storage, clock: FrozenClock
) -> None:
    for n in range(6):
        await storage.outbox.enqueue(
            f"broadcast:1:w{n}", "whatsapp", f"628{n}", stored(Reply("x")), NOW
        )
        await storage.outbox.enqueue(
            f"broadcast:1:t{n}", "telegram", f"{n}", stored(Reply("x")), NOW
        )
    telegram, whatsapp = Telegram(clock), WhatsApp(clock)

    dispatcher = Dispatcher(
        storage,
        ChannelRouter({"telegram": telegram, "whatsapp": whatsapp}),
        clock,
        rate_per_second=20,
        sleep=simulated_sleep(clock, settle_turns=0),
        poll_interval=0.05,
        channels={"whatsapp": ChannelLimits(2)},
    )
    task = asyncio.create_task(dispatcher.run())
    async with asyncio.timeout(10):
        for _ in itertools.count():
            if (await storage.outbox.counts())["sent"] == 12:
                break
            await asyncio.sleep(0.001)
    dispatcher.stop()
    await task
    starts = [at for at, _ in whatsapp.sends]
    gaps = [(b - a).total_seconds() for a, b in zip(starts, starts[1:], strict=False)]
    assert min(gaps) >= 0.5 - 1e-6
    # Telegram was not held up behind WhatsApp's slower rate.
    assert max(telegram.sends) - NOW < timedelta(seconds=1)
    row = await storage.outbox.get_by_key("broadcast:1:w0")
    assert row is not None and row.provider_message_id == f"wamid.{row.id}"


async def test_rows_of_a_channel_that_is_not_running_fail(
    storage: Storage, clock: FrozenClock
) -> None:
    await storage.outbox.enqueue("offer:1:c1", "whatsapp", "6281", stored(Reply("x")), NOW)
    dispatcher = Dispatcher(storage, ChannelRouter({}), clock, rate_per_second=10)
    assert await dispatcher.drain_once() == 1
    row = await storage.outbox.get_by_key("offer:1:c1")
    assert row is not None
    assert (row.status, row.last_error) == ("failed", "channel whatsapp is not configured")


class PreparingWhatsApp(WhatsApp):
    """A whole-row sender that loads each claimed batch first (or fails to)."""

    def __init__(self, clock: FrozenClock, fail: bool) -> None:
        super().__init__(clock)
        self.fail = fail
        self.batches: list[list[str]] = []

    async def prepare(self, messages: list[OutboxMessage]) -> None:
        self.batches.append([message.key for message in messages])
        if self.fail:
            raise RuntimeError("database busy")


@pytest.mark.parametrize("fail", [False, True])
async def test_each_claimed_batch_is_prepared_and_a_failure_costs_nothing_but_speed(
    storage: Storage, clock: FrozenClock, fail: bool, caplog: pytest.LogCaptureFixture
) -> None:
    for n in range(5):
        await storage.outbox.enqueue(
            f"broadcast:1:w{n}", "whatsapp", f"628{n}", stored(Reply("x")), NOW
        )
    await storage.outbox.enqueue("broadcast:1:t0", "telegram", "1", stored(Reply("x")), NOW)
    telegram, whatsapp = Telegram(clock), PreparingWhatsApp(clock, fail)

    dispatcher = Dispatcher(
        storage,
        ChannelRouter({"telegram": telegram, "whatsapp": whatsapp}),
        clock,
        rate_per_second=1000,
        sleep=simulated_sleep(clock, settle_turns=0),
        channels={"whatsapp": ChannelLimits(1000, max_in_flight=3)},
    )
    assert await dispatcher.drain_once() == 6
    assert (await storage.outbox.counts())["sent"] == 6
    # Only WhatsApp's rows reach its sender's prepare, a lane's batch at a time.
    assert sorted(key for batch in whatsapp.batches for key in batch) == [
        f"broadcast:1:w{n}" for n in range(5)
    ]
    assert max(len(batch) for batch in whatsapp.batches) == 3
    assert ("preparing 3 sends failed" in caplog.text) is fail
