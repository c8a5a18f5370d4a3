"""Each channel at its own pace, on simulated time: rates, flood control and in-flight limits.

Telegram at 28 messages a second and WhatsApp at 80 run side by side; a flood-control answer
on one channel must leave the other's schedule exactly as it was.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pytest

from bot.channels.graph import GraphError
from bot.channels.senders import ChannelRouter
from bot.channels.whatsapp_sender import delivery_for
from bot.dispatcher import SEND_TASK, Delivery, Dispatcher
from bot.pacing import ChannelLimits, in_flight_for
from handlers.conversation.messages import Reply
from handlers.conversation.outbox import stored
from storage import Storage
from tests.support.chat import NOW
from tests.support.clock import FrozenClock

TELEGRAM_RATE, WHATSAPP_RATE = 28.0, 80.0
Answer = Callable[[int, str], Delivery | None]


@dataclass
class Platform:
    """A channel's platform: answers OK unless `answer(n, address)` says otherwise."""

    clock: FrozenClock
    answer: Answer = lambda n, address: None  # noqa: E731 - a default script
    sends: list[tuple[datetime, str, str]] = field(default_factory=list)

    async def deliver(self, channel: str, address: str, reply: Reply) -> Delivery:
        scripted = self.answer(len(self.sends), address)
        self.sends.append((self.clock.now(), address, reply.text))
        await asyncio.sleep(0)
        return scripted or Delivery.ok()

    def starts(self, address: str | None = None) -> list[datetime]:
        return [at for at, to, _ in self.sends if address is None or to == address]


def simulated_sleep(
    clock: FrozenClock, *, settle_sends: bool = True
) -> Callable[[float], Awaitable[None]]:
    """Return a sleep that moves the clock once the sends started so far are recorded.

    In real time a send's database write takes a fraction of a millisecond; on simulated
    time it must not let the clock run ahead of it, or slots look busier than they are.
    """

    async def sleep(seconds: float) -> None:
        if settle_sends:
            sends = [task for task in asyncio.all_tasks() if task.get_name() == SEND_TASK]
            await asyncio.gather(*sends, return_exceptions=True)
        clock.advance(timedelta(seconds=seconds))
        await asyncio.sleep(0)

    return sleep


def both(
    storage: Storage, clock: FrozenClock, telegram: Platform, whatsapp: Platform
) -> Dispatcher:
    return Dispatcher(
        storage,
        ChannelRouter({"telegram": telegram, "whatsapp": whatsapp}),
        clock,
        TELEGRAM_RATE,
        sleep=simulated_sleep(clock),
        channels={
            "telegram": ChannelLimits(TELEGRAM_RATE),
            "whatsapp": ChannelLimits(WHATSAPP_RATE, max_in_flight=in_flight_for(WHATSAPP_RATE)),
        },
    )


async def queue_both(storage: Storage, per_channel: int) -> None:
    outbox = storage.outbox
    for index in range(per_channel):
        await outbox.enqueue(
            f"t{index}", "telegram", f"{1000 + index}", stored(Reply(f"t{index}")), NOW
        )
        await outbox.enqueue(
            f"w{index}", "whatsapp", f"628{index:09d}", stored(Reply(f"w{index}")), NOW
        )


async def run_until_sent(dispatcher: Dispatcher, storage: Storage, count: int) -> None:
    task = asyncio.create_task(dispatcher.run())
    try:
        async with asyncio.timeout(30):
            for _ in itertools.count():
                if (await storage.outbox.counts())["sent"] >= count:
                    return
                await asyncio.sleep(0.001)
    finally:
        dispatcher.stop()
        await task


def rate_of(starts: list[datetime]) -> float:
    return (len(starts) - 1) / (starts[-1] - starts[0]).total_seconds()


def gaps(starts: list[datetime]) -> list[float]:
    return [(b - a).total_seconds() for a, b in itertools.pairwise(starts)]


def on_schedule(starts: list[datetime], rate: float) -> bool:
    """Tell whether send i started at NOW + i/rate (within a millisecond): never held up."""
    return all(
        abs((at - NOW).total_seconds() - index / rate) <= 0.001 for index, at in enumerate(starts)
    )


def never_faster(starts: list[datetime], rate: float) -> bool:
    """Tell whether no stretch of sends beat the rate by more than the one slot a pacer keeps.

    The pacer stays on its fixed schedule when a send starts a little late, so one gap may be
    shorter than 1/rate, but k + 1 sends always span at least (k - 1)/rate.
    """
    return all(
        (starts[i + k] - starts[i]).total_seconds() >= (k - 1) / rate - 1e-6
        for k in range(1, int(rate) + 2)
        for i in range(len(starts) - k)
    )


async def test_two_channels_each_hold_their_own_rate_at_once(
    storage: Storage, clock: FrozenClock
) -> None:
    telegram, whatsapp = Platform(clock), Platform(clock)
    await queue_both(storage, 160)
    await run_until_sent(both(storage, clock, telegram, whatsapp), storage, 320)
    # Each at its own rate (never faster), both at the same time: WhatsApp is done long
    # before Telegram instead of being held to Telegram's pace.
    assert 0.95 * TELEGRAM_RATE <= rate_of(telegram.starts()) <= TELEGRAM_RATE * 1.001
    assert 0.95 * WHATSAPP_RATE <= rate_of(whatsapp.starts()) <= WHATSAPP_RATE * 1.001
    assert never_faster(telegram.starts(), TELEGRAM_RATE)
    assert never_faster(whatsapp.starts(), WHATSAPP_RATE)
    assert whatsapp.starts()[-1] - NOW < timedelta(seconds=160 / WHATSAPP_RATE + 0.1)
    assert [text for _, _, text in telegram.sends] == [f"t{index}" for index in range(160)]


async def test_a_telegram_429_pauses_telegram_and_leaves_whatsapp_alone(
    storage: Storage, clock: FrozenClock
) -> None:
    flood = Delivery.retry_after(5)
    telegram = Platform(clock, lambda n, _: flood if n == 10 else None)
    whatsapp = Platform(clock)
    await queue_both(storage, 160)
    await run_until_sent(both(storage, clock, telegram, whatsapp), storage, 320)
    limited_at = telegram.starts()[10]
    assert all(at >= limited_at + timedelta(seconds=5) for at in telegram.starts()[11:])
    # WhatsApp's schedule is the one it would have had without the 429.
    assert on_schedule(whatsapp.starts(), WHATSAPP_RATE)


@pytest.mark.parametrize("code", [130429, 80007])
async def test_a_whatsapp_rate_limit_pauses_whatsapp_only(
    storage: Storage, clock: FrozenClock, code: int
) -> None:
    answer = delivery_for(GraphError(400, code, "rate limit hit"))
    telegram = Platform(clock)
    whatsapp = Platform(clock, lambda n, _: answer if n == 5 else None)
    await queue_both(storage, 120)
    await run_until_sent(both(storage, clock, telegram, whatsapp), storage, 240)
    paused_at = whatsapp.starts()[5]
    assert all(at >= paused_at + timedelta(seconds=answer.delay) for at in whatsapp.starts()[6:])
    assert on_schedule(telegram.starts(), TELEGRAM_RATE)
    # The row waited for WhatsApp without spending an attempt, and went out once.
    row = await storage.outbox.get_by_key("w5")
    assert row is not None and (row.status, row.attempts) == ("sent", 1)
    assert sorted(text for _, _, text in whatsapp.sends).count("w5") == 2  # refused, then sent


async def test_a_whatsapp_pair_limit_pauses_that_person_only(
    storage: Storage, clock: FrozenClock
) -> None:
    pair = delivery_for(GraphError(400, 131056, "pair rate limit"))
    person = "628000000003"
    whatsapp = Platform(clock, lambda n, to: pair if to == person and n < 10 else None)
    telegram = Platform(clock)
    await queue_both(storage, 40)
    await storage.outbox.enqueue("w3-again", "whatsapp", person, stored(Reply("w3-again")), NOW)
    await run_until_sent(both(storage, clock, telegram, whatsapp), storage, 81)
    refused_at, *later = whatsapp.starts(person)
    assert all(at >= refused_at + timedelta(seconds=pair.delay) for at in later)
    others = [at for at, to, _ in whatsapp.sends if to != person]
    assert max(gaps(others)) <= 2 / WHATSAPP_RATE + 0.001  # nobody else waited
    # Per-chat order is kept: the person's first message before their second.
    assert [text for _, to, text in whatsapp.sends if to == person][-2:] == ["w3", "w3-again"]


async def test_each_channel_has_its_own_in_flight_limit(
    storage: Storage, clock: FrozenClock
) -> None:
    """WhatsApp answers slowly (never, until released); Telegram goes on regardless."""
    release = asyncio.Event()
    started: list[str] = []

    class Stuck:
        async def deliver(self, channel: str, address: str, reply: Reply) -> Delivery:
            started.append(address)
            await release.wait()
            return Delivery.ok()

    telegram = Platform(clock)
    router = ChannelRouter({"telegram": telegram, "whatsapp": Stuck()})
    dispatcher = Dispatcher(
        storage,
        router,
        clock,
        TELEGRAM_RATE,
        sleep=simulated_sleep(clock, settle_sends=False),
        channels={
            "telegram": ChannelLimits(TELEGRAM_RATE),
            "whatsapp": ChannelLimits(WHATSAPP_RATE, max_in_flight=3),
        },
    )
    await queue_both(storage, 20)
    task = asyncio.create_task(dispatcher.run())
    try:
        async with asyncio.timeout(30):
            for _ in itertools.count():
                if len(telegram.sends) == 20:
                    break
                await asyncio.sleep(0.001)
        assert len(started) == 3  # WhatsApp stuck at its limit, Telegram done meanwhile
        release.set()
        async with asyncio.timeout(30):
            for _ in itertools.count():
                if (await storage.outbox.counts())["sent"] == 40:
                    break
                await asyncio.sleep(0.001)
    finally:
        release.set()
        dispatcher.stop()
        await task


@pytest.mark.parametrize(
    ("rate", "in_flight"), [(1, 8), (28, 14), (80, 40), (250, 125), (1000, 256)]
)
def test_in_flight_grows_with_the_rate(rate: float, in_flight: int) -> None:
    assert in_flight_for(rate) == in_flight
