"""Nudges for unconfirmed handovers, on a clock the tests move."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.scheduler import ReminderScheduler
from handlers.conversation.turn import Policy, Services
from handlers.equipment.cases import record_answer
from handlers.equipment.messages import queue_due_nudges
from handlers.equipment.service import hand_over
from storage import Storage
from tests.support.chat import NOW, OTHER_NIK, ZONE
from tests.support.clock import FrozenClock
from tests.support.equipment import (
    PARTICIPANT,
    allocate,
    handed_over,
    outbox_to,
    participant_with_chat,
)

POLICY = Policy(equipment_nudge_after=timedelta(days=2), equipment_nudge_max=3)
SECOND = timedelta(seconds=1)


async def nudge_keys(storage: Storage, address: str = PARTICIPANT) -> list[str]:
    return [m.key for m in await outbox_to(storage, address) if m.key.startswith("nudge:")]


async def test_nudges_come_every_delay_until_the_maximum(storage: Storage) -> None:
    participant = await participant_with_chat(storage)
    await handed_over(storage, participant, ("Oven", 1), ("Mixer", 1))
    clock = FrozenClock(NOW)
    timeline = [
        (timedelta(days=2) - SECOND, 0),
        (SECOND, 1),
        (timedelta(0), 0),  # the same moment again: nothing twice
        (timedelta(days=1), 0),
        (timedelta(days=1), 1),
        (timedelta(days=2), 1),
        (timedelta(days=2), 0),  # three is the maximum
        (timedelta(days=30), 0),
    ]
    for step, expected in timeline:
        clock.advance(step)
        assert await queue_due_nudges(storage, clock.now(), POLICY) == expected, clock.now()
    assert await nudge_keys(storage) == ["nudge:1:1:1:c1", "nudge:1:1:2:c1", "nudge:1:1:3:c1"]
    first = (await outbox_to(storage, PARTICIPANT))[1]
    assert first.body.text.startswith("🔔 Pengingat")
    assert "• Oven — 1 unit\n• Mixer — 1 unit" in first.body.text
    assert [b.label for row in first.body.buttons for b in row] == [
        "Sudah diterima",
        "Belum diterima",
        "Rusak / tidak sesuai",
    ]


async def test_an_answer_stops_the_nudges(storage: Storage) -> None:
    participant = await participant_with_chat(storage)
    handover = await handed_over(storage, participant, ("Oven", 1), ("Mixer", 1))
    clock = FrozenClock(NOW + timedelta(days=2))
    assert await queue_due_nudges(storage, clock.now(), POLICY) == 1
    for allocation in handover.allocations[:1]:
        await record_answer(storage, allocation, "received", actor="p", now=clock.now(), zone=ZONE)
    clock.advance(timedelta(days=2))
    assert await queue_due_nudges(storage, clock.now(), POLICY) == 1
    second = (await outbox_to(storage, PARTICIPANT))[-1]
    assert "Mixer" in second.body.text and "Oven" not in second.body.text
    mixer = await storage.allocations.get(handover.allocations[1].id)
    assert mixer is not None
    await record_answer(storage, mixer, "damaged", actor="p", now=clock.now(), zone=ZONE)
    clock.advance(timedelta(days=10))
    assert await queue_due_nudges(storage, clock.now(), POLICY) == 0


async def test_each_participant_and_each_handover_gets_its_own_nudge(storage: Storage) -> None:
    once = Policy(equipment_nudge_after=timedelta(days=2), equipment_nudge_max=1)
    first = await participant_with_chat(storage)
    second = await participant_with_chat(storage, "2002", nik=OTHER_NIK)
    await handed_over(storage, first, ("Oven", 1), ("Mixer", 1))
    await handed_over(storage, second, ("Oven", 1))
    assert await queue_due_nudges(storage, NOW + timedelta(days=2), once) == 2
    later = NOW + timedelta(days=3)
    await allocate(storage, first, ("Tangga", 1))
    await hand_over(storage, first, officer="Budi", actor="cli", now=later)
    assert await queue_due_nudges(storage, later + timedelta(days=2), once) == 1
    assert await nudge_keys(storage) == ["nudge:1:1:1:c1", "nudge:1:4:1:c1"]
    assert await nudge_keys(storage, "2002") == ["nudge:2:3:1:c2"]
    last = (await outbox_to(storage, PARTICIPANT))[-1]
    assert "Oven" in last.body.text and "Tangga" in last.body.text  # all that waits


@pytest.mark.parametrize("maximum", [0, 1])
async def test_the_maximum_is_configurable(storage: Storage, maximum: int) -> None:
    participant = await participant_with_chat(storage)
    await handed_over(storage, participant, ("Oven", 1))
    policy = Policy(equipment_nudge_after=timedelta(hours=1), equipment_nudge_max=maximum)
    sent = 0
    for hours in range(1, 6):
        sent += await queue_due_nudges(storage, NOW + timedelta(hours=hours), policy)
    assert sent == maximum


async def test_nothing_handed_over_is_never_nudged(storage: Storage) -> None:
    participant = await participant_with_chat(storage)
    await allocate(storage, participant, ("Oven", 1))
    assert await queue_due_nudges(storage, NOW + timedelta(days=9), POLICY) == 0


async def test_a_participant_without_chat_is_counted_and_skipped(storage: Storage) -> None:
    participant = await participant_with_chat(storage, "")
    await handed_over(storage, participant, ("Oven", 1))
    assert await queue_due_nudges(storage, NOW + timedelta(days=2), POLICY) == 1
    assert await queue_due_nudges(storage, NOW + timedelta(days=2), POLICY) == 0
    oven = await storage.allocations.get(1)
    assert oven is not None and oven.nudges_sent == 1


async def test_the_scheduler_queues_due_nudges(services: Services, storage: Storage) -> None:
    participant = await participant_with_chat(storage)
    await handed_over(storage, participant, ("Oven", 1))
    clock = services.clock
    assert isinstance(clock, FrozenClock)
    clock.advance(timedelta(days=2))
    scheduler = ReminderScheduler(services)
    await scheduler._watch()
    assert await nudge_keys(storage) == ["nudge:1:1:1:c1"]
