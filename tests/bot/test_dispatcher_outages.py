"""Deadlines and outages in the dispatcher, on simulated time.

A scripted platform is unreachable (connection refused, then 5xx) from `down_from` to `up_at`;
sends and probes in that span fail with a transport error, everything else succeeds.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from bot.channels.senders import ChannelRouter
from bot.dispatcher import Delivery, Dispatcher
from bot.outage import ChannelWatch, format_span
from handlers.conversation.messages import Reply
from handlers.conversation.outbox import stored
from storage import Storage
from storage.channel_states import ChannelState
from storage.outbox import OutboxDeadlines
from tests.support.chat import NOW
from tests.support.clock import FrozenClock, simulated_sleep

REFUSED = Delivery.unreachable("NetworkError: httpx.ConnectError: All connection attempts failed")
BAD_GATEWAY = Delivery.unreachable("NetworkError: Bad Gateway")
TIMED_OUT = Delivery.failed("Timed out", permanent=False)


@dataclass
class Platform:
    """A platform down from `down_from` until `up_at`, logging every send and probe."""

    clock: FrozenClock
    name: str = "telegram"
    down_from: datetime = NOW
    up_at: datetime = NOW
    sends: list[tuple[datetime, str, str]] = field(default_factory=list)
    probes: list[datetime] = field(default_factory=list)

    def down(self) -> bool:
        return self.down_from <= self.clock.now() < self.up_at

    def outage_answer(self) -> Delivery:
        # Connection refused for the first half of the outage, then a proxy's 502.
        half = self.down_from + (self.up_at - self.down_from) / 2
        return REFUSED if self.clock.now() < half else BAD_GATEWAY

    async def deliver(self, channel: str, address: str, reply: Reply) -> Delivery:
        answer = self.outage_answer() if self.down() else Delivery.ok()
        self.sends.append(
            (self.clock.now(), address, reply.text if answer.outcome == "ok" else "")
        )
        await asyncio.sleep(0)
        return answer

    async def probe(self, channel: str) -> bool:
        self.probes.append(self.clock.now())
        await asyncio.sleep(0)
        return not self.down()

    def delivered(self) -> Counter[str]:
        return Counter(text for _, _, text in self.sends if text)


def dispatcher_for(
    storage: Storage, clock: FrozenClock, *platforms: Platform, **options: object
) -> Dispatcher:
    settings: dict[str, object] = {"rate_per_second": 10.0, "sleep": simulated_sleep(clock)}
    settings.update(options)
    router = ChannelRouter({platform.name: platform for platform in platforms})
    return Dispatcher(storage, router, clock, **settings)  # type: ignore[arg-type]


async def queue(
    storage: Storage,
    clock: FrozenClock,
    key: str,
    *,
    channel: str = "telegram",
    address: str = "1001",
    expires_at: datetime | None = None,
    broadcast_id: int | None = None,
) -> None:
    """Queue a message whose text is its key."""
    assert await storage.outbox.enqueue(
        key,
        channel,  # type: ignore[arg-type]
        address,
        stored(Reply(key)),
        clock.now(),
        broadcast_id=broadcast_id,
        expires_at=expires_at,
    )


async def settled(storage: Storage) -> bool:
    counts = await storage.outbox.counts()
    return counts["pending"] == counts["sending"] == 0


async def run_until(
    dispatcher: Dispatcher, condition: Callable[[], Awaitable[bool]], during: float = 30
) -> None:
    """Run the dispatcher until the condition holds (real seconds at most `during`)."""
    task = asyncio.create_task(dispatcher.run())
    try:
        async with asyncio.timeout(during):
            for _ in itertools.count():
                if await condition():
                    return
                await asyncio.sleep(0.001)
    finally:
        dispatcher.stop()
        await task


async def row(storage: Storage, key: str) -> tuple[str, int, str | None]:
    message = await storage.outbox.get_by_key(key)
    assert message is not None
    return message.status, message.attempts, message.last_error


# --- deadlines per kind ---------------------------------------------------------------------

KINDS = [
    # key, broadcast id, own deadline, reason of a row that never got through
    ("reminder:3:3000:1764212400:p1:c1", None, timedelta(hours=1), "the session had started"),
    ("offer:7:c1", None, timedelta(minutes=30), "the offer's hold had ended"),
    ("broadcast:1:c1", 1, None, "not delivered within BROADCAST_GIVE_UP_AFTER"),
    ("session-moved:2:1:c1", None, None, "not delivered within NOTICE_GIVE_UP_AFTER"),
]


@pytest.mark.parametrize(("key", "broadcast_id", "own", "why"), KINDS)
async def test_transient_failures_are_retried_until_the_rows_own_deadline(
    tmp_path: Path,
    clock: FrozenClock,
    key: str,
    broadcast_id: int | None,
    own: timedelta | None,
    why: str,
) -> None:
    deadlines = OutboxDeadlines(broadcast=timedelta(hours=3), notice=timedelta(hours=2))
    storage = await Storage.open(tmp_path / "kinds.sqlite3", NOW, deadlines)
    try:
        expires_at = None if own is None else NOW + own
        await queue(storage, clock, key, expires_at=expires_at, broadcast_id=broadcast_id)
        deadline = expires_at or NOW + (deadlines.broadcast if broadcast_id else deadlines.notice)
        message = await storage.outbox.get_by_key(key)
        assert message is not None and message.expires_at == deadline

        tries: list[datetime] = []

        async def timed_out(channel: str, address: str, reply: Reply) -> Delivery:
            tries.append(clock.now())
            return TIMED_OUT

        router = ChannelRouter({"telegram": _Scripted(timed_out)})
        dispatcher = Dispatcher(
            storage, router, clock, 10.0, sleep=simulated_sleep(clock), poll_interval=600
        )
        await run_until(dispatcher, lambda: settled(storage), during=60)
        status, _, reason = await row(storage, key)
        assert (status, reason) == ("failed", f"expired: {why} (last error: Timed out)")
        # The last try is made just before the deadline, not dropped because of the backoff.
        assert deadline - timedelta(seconds=2) < tries[-1] < deadline
        # Backoff doubles to the 5-minute cap, so a long deadline means many tries, not few.
        gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(tries)]
        assert max(gaps) == pytest.approx(300, abs=0.5)
        assert len(tries) >= (deadline - NOW).total_seconds() / 300
    finally:
        await storage.close()


@dataclass
class _Scripted:
    answer: Callable[[str, str, Reply], Awaitable[Delivery]]

    async def deliver(self, channel: str, address: str, reply: Reply) -> Delivery:
        return await self.answer(channel, address, reply)


async def test_backoff_doubles_up_to_the_configured_cap(
    storage: Storage, clock: FrozenClock
) -> None:
    answers = [TIMED_OUT] * 8 + [Delivery.ok()]
    tries: list[datetime] = []

    async def scripted(channel: str, address: str, reply: Reply) -> Delivery:
        tries.append(clock.now())
        return answers.pop(0)

    await queue(storage, clock, "k", expires_at=NOW + timedelta(hours=1))
    dispatcher = Dispatcher(
        storage,
        _Scripted(scripted),
        clock,
        10.0,
        sleep=simulated_sleep(clock),
        retry_max_interval=20,
    )
    await run_until(dispatcher, lambda: settled(storage))
    gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(tries)]
    assert gaps == pytest.approx([1, 2, 4, 8, 16, 20, 20, 20], abs=0.2)
    assert await row(storage, "k") == ("sent", 9, None)


async def test_permanent_answers_fail_at_once_and_do_not_take_the_channel_down(
    storage: Storage, clock: FrozenClock
) -> None:
    async def refused(channel: str, address: str, reply: Reply) -> Delivery:
        return Delivery.failed("Bad Request: chat not found", permanent=True)

    for index in range(5):
        await queue(storage, clock, f"k{index}", address=str(1000 + index))
    dispatcher = Dispatcher(storage, _Scripted(refused), clock, 10.0, sleep=simulated_sleep(clock))
    await run_until(dispatcher, lambda: settled(storage))
    assert {await row(storage, f"k{index}") for index in range(5)} == {
        ("failed", 1, "Bad Request: chat not found")
    }
    assert dispatcher.outages.down() == frozenset()


# --- a channel that is down -----------------------------------------------------------------


async def test_an_outage_takes_the_channel_down_once_and_every_row_waits_unspent(
    storage: Storage, clock: FrozenClock, caplog: pytest.LogCaptureFixture
) -> None:
    telegram = Platform(clock, up_at=NOW + timedelta(minutes=10))
    whatsapp = Platform(clock, name="whatsapp", up_at=NOW)  # never down
    for index in range(20):
        await queue(storage, clock, f"t{index}", address=str(1000 + index))
        await queue(storage, clock, f"w{index}", channel="whatsapp", address=f"6281{index}")
    dispatcher = dispatcher_for(
        storage, clock, telegram, whatsapp, probe_max_interval=30, poll_interval=30
    )
    caplog.set_level(logging.INFO)

    seen: list[ChannelState] = []

    async def done_and_seen_down() -> bool:
        states = await storage.channel_states.all()
        if "telegram" in states and states["telegram"].state == "down" and not seen:
            seen.append(states["telegram"])  # as the CLI would see it during the outage
        return await settled(storage)

    await run_until(dispatcher, done_and_seen_down, during=60)
    assert len(seen) == 1 and NOW < seen[0].since < NOW + timedelta(seconds=1)

    # Three refused sends took the channel down; after that no row was tried until it was up.
    failed_sends = [at for at, _, text in telegram.sends if not text]
    assert len(failed_sends) == 3
    assert all(at < NOW + timedelta(seconds=1) for at in failed_sends)
    assert set(telegram.delivered().values()) == {1} and len(telegram.delivered()) == 20
    assert min(at for at, _, text in telegram.sends if text) >= telegram.up_at
    # WhatsApp went on meanwhile.
    assert max(at for at, _, _ in whatsapp.sends) < NOW + timedelta(seconds=10)
    # Probes 1, 2, 4, 8, 16 s apart, then every 30 s (the cap), and the first answer ends it.
    gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(telegram.probes)]
    assert gaps[:5] == pytest.approx([2, 4, 8, 16, 30], abs=0.2)
    assert gaps[5:] == pytest.approx([30] * len(gaps[5:]), abs=0.2)
    assert telegram.up_at <= telegram.probes[-1] < telegram.up_at + timedelta(seconds=31)
    # No row spent an attempt while waiting: one attempt for the row that went through.
    attempts = Counter([(await row(storage, f"t{index}"))[1] for index in range(20)])
    assert sum(attempts.values()) == 20 and max(attempts) <= 2
    states = await storage.channel_states.all()
    assert states["telegram"].state == "up"
    lines = [record.getMessage() for record in caplog.records if record.name == "bot.outage"]
    assert [line for line in lines if " is down " in line] == [
        "outage: telegram is down (NetworkError: httpx.ConnectError: All connection attempts"
        " failed); 20 message(s) wait for it; probing until it answers"
    ]
    back = [line for line in lines if " is back " in line]
    assert len(back) == 1 and back[0].startswith("outage: telegram is back after 10m")
    assert back[0].endswith("20 message(s) waited and go out now")
    summaries = [line for line in lines if "still down" in line]
    assert 9 <= len(summaries) <= 10  # at most one a minute
    # Nothing else: no line per failed send, no traceback.
    assert len([record for record in caplog.records if record.levelno >= logging.INFO]) == len(
        lines
    )
    assert not any(record.exc_info for record in caplog.records)


async def test_long_outage_keeps_what_is_still_useful_and_expires_the_rest(
    storage: Storage, clock: FrozenClock
) -> None:
    """Ten minutes down: the reminder whose session started is dropped, the others wait."""
    telegram = Platform(clock, up_at=NOW + timedelta(minutes=10))
    await queue(storage, clock, "reminder:1:300:0:p1:c1", expires_at=NOW + timedelta(minutes=5))
    await queue(
        storage, clock, "reminder:2:3600:0:p2:c2", address="1002",
        expires_at=NOW + timedelta(hours=1),
    )  # fmt: skip
    await queue(storage, clock, "offer:1:c3", address="1003", expires_at=NOW + timedelta(hours=24))
    await queue(storage, clock, "broadcast:1:c4", address="1004", broadcast_id=1)
    dispatcher = dispatcher_for(storage, clock, telegram, poll_interval=30)
    await run_until(dispatcher, lambda: settled(storage), during=60)
    assert telegram.delivered() == {
        "reminder:2:3600:0:p2:c2": 1,
        "offer:1:c3": 1,
        "broadcast:1:c4": 1,
    }
    status, _, reason = await row(storage, "reminder:1:300:0:p1:c1")
    assert status == "failed" and reason is not None
    assert reason.startswith("expired: the session had started (last error: NetworkError")
    counts = await storage.outbox.counts()
    assert (counts["sent"], counts["failed"]) == (3, 1)


async def test_a_channel_recorded_down_by_the_last_run_is_probed_before_sending(
    storage: Storage, clock: FrozenClock
) -> None:
    telegram = Platform(clock, up_at=NOW + timedelta(seconds=20))
    await storage.channel_states.mark_down("telegram", NOW - timedelta(minutes=3), "Bad Gateway")
    await queue(storage, clock, "k", expires_at=NOW + timedelta(hours=1))
    dispatcher = dispatcher_for(storage, clock, telegram)
    await run_until(dispatcher, lambda: settled(storage))
    assert [text for _, _, text in telegram.sends] == ["k"]  # not one send burnt while down
    assert telegram.sends[0][0] >= telegram.up_at
    assert await row(storage, "k") == ("sent", 1, None)


async def test_failures_seen_by_long_polling_take_the_channel_down_too(
    storage: Storage, clock: FrozenClock
) -> None:
    telegram = Platform(clock, up_at=NOW + timedelta(days=1))
    dispatcher = dispatcher_for(storage, clock, telegram)
    task = asyncio.create_task(dispatcher.run())
    try:
        for _ in range(3):
            dispatcher.outages.failed_soon("telegram", "NetworkError: Bad Gateway")
            await asyncio.sleep(0.01)
        assert dispatcher.outages.is_down("telegram")
        telegram.up_at = clock.now() + timedelta(seconds=30)
        await queue(storage, clock, "k", expires_at=NOW + timedelta(days=1))
        async with asyncio.timeout(20):
            for _ in itertools.count():
                if (await row(storage, "k"))[0] == "sent":
                    break
                await asyncio.sleep(0.001)
    finally:
        dispatcher.stop()
        await task
    assert len(telegram.sends) == 1 and telegram.sends[0][0] >= telegram.up_at


async def test_other_transient_failures_do_not_take_a_channel_down(
    storage: Storage, clock: FrozenClock
) -> None:
    rate_limited = Delivery.failed("rate limited (WhatsApp 130429)", permanent=False)
    answers = [rate_limited] * 6 + [Delivery.ok()] * 6

    async def scripted(channel: str, address: str, reply: Reply) -> Delivery:
        return answers.pop(0)

    for index in range(6):
        await queue(storage, clock, f"k{index}", address=str(1000 + index))
    dispatcher = Dispatcher(
        storage, _Scripted(scripted), clock, 10.0, sleep=simulated_sleep(clock)
    )
    await run_until(dispatcher, lambda: settled(storage))
    assert dispatcher.outages.down() == frozenset()
    assert (await storage.outbox.counts())["sent"] == 6


# --- the bookkeeping alone ------------------------------------------------------------------


def test_watch_counts_failures_in_a_row_and_backs_probes_off_to_the_cap() -> None:
    watch = ChannelWatch(timedelta(seconds=10))
    assert not watch.failed("telegram", NOW, "refused")
    watch.answered("telegram")  # a success in between starts the count again
    assert not watch.failed("telegram", NOW, "refused")
    assert not watch.failed("telegram", NOW, "refused")
    assert watch.failed("telegram", NOW, "refused")
    assert not watch.failed("telegram", NOW, "refused")  # already down: said once
    assert watch.down() == {"telegram"} and watch.since("telegram") == NOW
    assert watch.probes_due(NOW) == []
    assert watch.probes_due(NOW + timedelta(seconds=1)) == ["telegram"]
    waits = [watch.probe_failed("telegram", NOW).total_seconds() for _ in range(5)]
    assert waits == [2, 4, 8, 10, 10]
    assert watch.summaries_due(NOW + timedelta(seconds=59)) == []
    assert watch.summaries_due(NOW + timedelta(seconds=60)) == [
        ("telegram", timedelta(seconds=60), "refused")
    ]
    assert watch.summaries_due(NOW + timedelta(seconds=90)) == []
    assert watch.came_back("telegram", NOW + timedelta(minutes=10)) == timedelta(minutes=10)
    assert watch.down() == frozenset() and watch.next_event() is None


@pytest.mark.parametrize(
    ("seconds", "text"), [(0, "0s"), (45, "45s"), (185, "3m05s"), (7440, "2h04m")]
)
def test_spans_read_like_a_person_writes_them(seconds: int, text: str) -> None:
    assert format_span(timedelta(seconds=seconds)) == text
