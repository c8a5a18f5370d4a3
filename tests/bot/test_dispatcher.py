"""Tests for the outbox dispatcher with a scripted sender on simulated time."""

from __future__ import annotations

import asyncio
import itertools
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.dispatcher import Delivery, Dispatcher
from bot.pacing import Pacer
from handlers.conversation.clock import SystemClock
from handlers.conversation.messages import Button, Reply
from handlers.conversation.outbox import stored
from storage import Storage
from tests.support.clock import FrozenClock, simulated_sleep

NOW = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)
OK = Delivery.ok()
TIMED_OUT = Delivery.failed("Timed out", permanent=False)
Script = list[Delivery | Exception]


@dataclass
class Send:
    """One call the sender received."""

    at: datetime
    address: str
    text: str
    answer: Delivery | None


@dataclass
class ScriptedSender:
    """A Sender answering from a script per address (then OK), logging every call."""

    clock: FrozenClock | SystemClock
    scripts: dict[str, Script] = field(default_factory=dict)
    log: list[Send] = field(default_factory=list)

    async def deliver(self, channel: str, address: str, reply: Reply) -> Delivery:
        """Answer the next scripted outcome for this address."""
        script = self.scripts.get(address) or []
        answer = script.pop(0) if script else OK
        accepted = None if isinstance(answer, Exception) else answer
        self.log.append(Send(self.clock.now(), address, reply.text, accepted))
        await asyncio.sleep(0)  # let other sends overlap this one
        if isinstance(answer, Exception):
            raise answer
        return answer

    def delivered(self) -> Counter[str]:
        """Return how often each text was accepted."""
        return Counter(send.text for send in self.log if send.answer == OK)


def make_dispatcher(
    storage: Storage, sender: ScriptedSender, clock: FrozenClock, **options: object
) -> Dispatcher:
    """Build a dispatcher at 10 messages a second on simulated time."""
    settings: dict[str, object] = {"rate_per_second": 10.0, "sleep": simulated_sleep(clock)}
    settings.update(options)
    return Dispatcher(storage, sender, clock, **settings)  # type: ignore[arg-type]


DEADLINE = timedelta(seconds=60)


async def enqueue(storage: Storage, clock: FrozenClock, key: str, address: str) -> None:
    """Queue a message whose text is its key, due to expire a minute from now."""
    await storage.contacts.touch("telegram", address, clock.now())
    reply = Reply(key, buttons=((Button("Saya hadir", f"rsvp:{key}"),),))
    now = clock.now()
    assert await storage.outbox.enqueue(
        key, "telegram", address, stored(reply), now, expires_at=now + DEADLINE
    )


async def attempts_of(storage: Storage, key: str) -> int:
    """Return how many attempts the row with this key has counted."""
    message = await storage.outbox.get_by_key(key)
    assert message is not None
    return message.attempts


async def has_sent(sender: ScriptedSender) -> bool:
    """Return True once the sender got a call."""
    return bool(sender.log)


async def settled(storage: Storage) -> bool:
    """Return True when no row is pending or being sent."""
    counts = await storage.outbox.counts()
    return counts["pending"] == counts["sending"] == 0


async def eventually(condition: Callable[[], Awaitable[bool]]) -> None:
    """Poll until the condition holds (rows change state in the database, not via events)."""
    async with asyncio.timeout(10):
        for _ in itertools.count():
            if await condition():
                return
            await asyncio.sleep(0.001)


async def run_until_settled(dispatcher: Dispatcher, storage: Storage) -> None:
    """Run the dispatcher until every row reached a final state."""
    task = asyncio.create_task(dispatcher.run())
    try:
        await eventually(lambda: settled(storage))
    finally:
        dispatcher.stop()
        await task


SCENARIOS = [
    # name, script, final status, attempts, calls
    ("ok", [OK], "sent", 1, 1),
    ("429 then ok", [Delivery.retry_after(3), OK], "sent", 1, 2),
    ("blocked", [Delivery.blocked("Forbidden: bot was blocked by the user")], "blocked", 1, 1),
    ("transient then ok", [TIMED_OUT, OK], "sent", 2, 2),
    # Tries at 0, 1, 3, 7, 15, 31 s, then the last one a second before the 60 s deadline.
    ("transient until the deadline", [TIMED_OUT] * 99, "failed", 7, 7),
    ("permanent", [Delivery.failed("chat not found", permanent=True)], "failed", 1, 1),
    ("sender raises", [RuntimeError("bug"), OK], "sent", 2, 2),
]


@pytest.mark.parametrize(
    ("script", "status", "attempts", "calls"),
    [scenario[1:] for scenario in SCENARIOS],
    ids=[scenario[0] for scenario in SCENARIOS],
)
async def test_each_outcome_ends_in_the_right_state(
    storage: Storage, clock: FrozenClock, script: Script, status: str, attempts: int, calls: int
) -> None:
    sender = ScriptedSender(clock, {"1001": list(script)})
    await enqueue(storage, clock, "k", "1001")
    await run_until_settled(make_dispatcher(storage, sender, clock), storage)
    message = await storage.outbox.get_by_key("k")
    assert message is not None
    assert (message.status, message.attempts, len(sender.log)) == (status, attempts, calls)
    assert sender.delivered()["k"] == (1 if status == "sent" else 0)
    contact = await storage.contacts.get("telegram", "1001")
    assert contact is not None and (contact.blocked_at is not None) == (status == "blocked")


async def test_a_row_past_its_deadline_is_expired_with_the_last_error(
    storage: Storage, clock: FrozenClock
) -> None:
    sender = ScriptedSender(clock, {"1001": [TIMED_OUT] * 99})
    await enqueue(storage, clock, "k", "1001")
    await run_until_settled(make_dispatcher(storage, sender, clock), storage)
    message = await storage.outbox.get_by_key("k")
    assert message is not None and message.status == "failed"
    assert message.last_error == (
        "expired: not delivered within NOTICE_GIVE_UP_AFTER (last error: Timed out)"
    )
    gaps = [(b.at - a.at).total_seconds() for a, b in itertools.pairwise(sender.log)]
    assert gaps == pytest.approx([1, 2, 4, 8, 16, 28], abs=0.2)  # the last one before 60 s
    assert sender.log[-1].at < NOW + DEADLINE


async def test_mixed_outcomes_deliver_nothing_twice(storage: Storage, clock: FrozenClock) -> None:
    sender = ScriptedSender(clock)
    for index, (_, script, *_) in enumerate(SCENARIOS * 3):
        address = str(2000 + index)
        sender.scripts[address] = list(script)
        await enqueue(storage, clock, f"row-{index}", address)
    await run_until_settled(make_dispatcher(storage, sender, clock), storage)
    counts = await storage.outbox.counts()
    assert (counts["sent"], counts["blocked"], counts["failed"]) == (12, 3, 6)
    assert set(sender.delivered().values()) == {1}


async def test_retry_after_pauses_every_chat(storage: Storage, clock: FrozenClock) -> None:
    sender = ScriptedSender(clock, {"1001": [Delivery.retry_after(3)]})
    for index in range(5):
        await enqueue(storage, clock, f"k{index}", str(1001 + index))
    dispatcher = make_dispatcher(storage, sender, clock, max_in_flight=1)
    await run_until_settled(dispatcher, storage)
    limited, *later = sender.log
    assert limited.answer is not None and limited.answer.outcome == "retry_after"
    assert all(send.at >= limited.at + timedelta(seconds=3) for send in later)
    assert sorted(sender.delivered()) == [f"k{index}" for index in range(5)]


async def test_per_chat_spacing(storage: Storage, clock: FrozenClock) -> None:
    sender = ScriptedSender(clock)
    for index, address in enumerate(["1001", "1001", "1001", "2002", "2002", "3003"]):
        await enqueue(storage, clock, f"k{index}", address)
    await run_until_settled(make_dispatcher(storage, sender, clock), storage)
    assert sum(sender.delivered().values()) == 6
    for address in ("1001", "2002"):
        times = [send.at for send in sender.log if send.address == address]
        assert all(b - a >= timedelta(seconds=1) for a, b in itertools.pairwise(times))
    starts = [send.at for send in sender.log]
    assert all(b - a >= timedelta(seconds=0.1) for a, b in itertools.pairwise(starts))
    # Deferring a row because its chat is busy does not count as a failed attempt.
    assert {await attempts_of(storage, f"k{i}") for i in range(6)} == {1}


async def test_full_outbox_runs_at_the_configured_rate(
    storage: Storage, clock: FrozenClock
) -> None:
    sender = ScriptedSender(clock)
    for index in range(100):
        await enqueue(storage, clock, f"k{index}", str(5000 + index))
    dispatcher = make_dispatcher(storage, sender, clock, rate_per_second=20.0)
    assert await dispatcher.drain_once() == 100
    span = (sender.log[-1].at - sender.log[0].at).total_seconds()
    assert 99 / span >= 0.95 * 20
    assert 99 / span <= 20 * 1.001


async def test_rows_queued_while_running_are_picked_up(
    storage: Storage, clock: FrozenClock
) -> None:
    sender = ScriptedSender(clock)
    await enqueue(storage, clock, "first", "1001")
    dispatcher = make_dispatcher(storage, sender, clock)
    task = asyncio.create_task(dispatcher.run())
    try:
        await eventually(lambda: settled(storage))
        await enqueue(storage, clock, "second", "2002")
        await eventually(lambda: settled(storage))
    finally:
        dispatcher.stop()
        await task
    assert sorted(sender.delivered()) == ["first", "second"]


async def test_rows_from_another_connection_arrive_within_the_poll_interval(
    storage: Storage, tmp_path: Path
) -> None:
    clock = SystemClock()
    sender = ScriptedSender(clock)
    dispatcher = Dispatcher(storage, sender, clock, rate_per_second=30, poll_interval=0.05)
    task = asyncio.create_task(dispatcher.run())
    cli = await Storage.open(tmp_path / "test.sqlite3", clock.now())
    try:
        await asyncio.sleep(0.1)
        queued_at = clock.now()
        await cli.outbox.enqueue("from-cli", "telegram", "1001", stored(Reply("hai")), queued_at)
        await eventually(lambda: has_sent(sender))
        assert sender.log[0].at - queued_at < timedelta(seconds=0.5)
    finally:
        dispatcher.stop()
        await task
        await cli.close()


async def test_wake_sends_a_new_row_before_the_next_poll(storage: Storage) -> None:
    clock = SystemClock()
    sender = ScriptedSender(clock)
    dispatcher = Dispatcher(storage, sender, clock, rate_per_second=30, poll_interval=60)
    task = asyncio.create_task(dispatcher.run())
    try:
        await asyncio.sleep(0.05)
        await storage.outbox.enqueue("now", "telegram", "1001", stored(Reply("hai")), clock.now())
        dispatcher.wake()
        await eventually(lambda: has_sent(sender))
    finally:
        dispatcher.stop()
        await task


async def test_restart_resends_only_rows_in_flight(storage: Storage, clock: FrozenClock) -> None:
    for index, key in enumerate(("sent", "in-flight-1", "in-flight-2", "pending")):
        await enqueue(storage, clock, key, str(1001 + index))
    sent, *_ = await storage.outbox.claim_due(clock.now(), limit=3)  # the crashed process
    await storage.outbox.mark_sent(sent.id, clock.now())
    sender = ScriptedSender(clock)
    handled = await make_dispatcher(storage, sender, clock).drain_once()
    assert handled == 3
    assert sorted(sender.delivered()) == ["in-flight-1", "in-flight-2", "pending"]
    assert (await storage.outbox.counts())["sent"] == 4


async def test_stop_returns_unsent_claims_to_the_queue(
    storage: Storage, clock: FrozenClock
) -> None:
    sender = ScriptedSender(clock)
    for index in range(5):
        await enqueue(storage, clock, f"k{index}", str(1001 + index))
    dispatcher = make_dispatcher(storage, sender, clock)

    async def stop_after_first(channel: str, address: str, reply: Reply) -> Delivery:
        dispatcher.stop()
        return await ScriptedSender.deliver(sender, channel, address, reply)

    sender.deliver = stop_after_first  # type: ignore[method-assign]
    await dispatcher.run()
    counts = await storage.outbox.counts()
    assert (counts["sent"], counts["pending"], counts["sending"]) == (1, 4, 0)
    assert {await attempts_of(storage, f"k{i}") for i in range(1, 5)} == {0}


def test_pacer_keeps_schedule_through_jitter_but_not_through_idle() -> None:
    pacer = Pacer(10)
    pacer.take(NOW)
    late = NOW + timedelta(seconds=0.13)  # 30 ms late for the second slot
    assert pacer.wait(late) == 0
    pacer.take(late)
    assert pacer.wait(late) == pytest.approx(0.07)  # third slot stays at 0.2 s
    idle = NOW + timedelta(seconds=5)
    pacer.take(idle)
    assert pacer.wait(idle) == pytest.approx(0.1)
    pacer.pause_until(idle + timedelta(seconds=3))
    assert pacer.wait(idle) == pytest.approx(3)


def accepted_order(sender: ScriptedSender, address: str) -> list[str]:
    """Return the texts the sender accepted for one address, in order."""
    return [send.text for send in sender.log if send.address == address and send.answer == OK]


async def test_a_chats_later_rows_wait_for_its_earlier_rows_retry(
    storage: Storage, clock: FrozenClock
) -> None:
    sender = ScriptedSender(clock, {"1001": [TIMED_OUT, TIMED_OUT]})
    for key in ("a1", "a2", "a3"):
        await enqueue(storage, clock, key, "1001")
    await enqueue(storage, clock, "b1", "1002")
    await run_until_settled(make_dispatcher(storage, sender, clock), storage)
    assert accepted_order(sender, "1001") == ["a1", "a2", "a3"]
    # Another chat is not held up by the retries.
    [other] = [send for send in sender.log if send.address == "1002"]
    assert other.at < sender.log[-1].at


async def test_a_retry_keeps_its_place_across_a_restart(
    storage: Storage, clock: FrozenClock
) -> None:
    sender = ScriptedSender(clock, {"1001": [TIMED_OUT, TIMED_OUT, TIMED_OUT]})
    for key in ("a1", "a2", "a3"):
        await enqueue(storage, clock, key, "1001")
    first = make_dispatcher(storage, sender, clock)
    task = asyncio.create_task(first.run())

    async def failed_twice() -> bool:
        return await attempts_of(storage, "a1") >= 2

    try:
        await eventually(failed_twice)
    finally:
        first.stop()
        await task
    # A new process remembers nothing of the chat: the table alone keeps the order.
    await run_until_settled(make_dispatcher(storage, sender, clock), storage)
    assert accepted_order(sender, "1001") == ["a1", "a2", "a3"]
