"""Reminders on a frozen clock: due times, late and missed ones, moves, cancellations."""

from __future__ import annotations

from datetime import timedelta

from handlers.conversation.router import Router
from handlers.conversation.turn import Services
from handlers.sessions.reminders import fire_reminder, plan_reminders
from storage import Storage
from tests.support.chat import NOW, OTHER_NIK, ZONE, Chat, add_session, register
from tests.support.clock import FrozenClock

OFFSETS = (timedelta(days=1), timedelta(hours=2))
START = timedelta(days=3)


async def outbox_keys(storage: Storage) -> list[str]:
    rows = await storage.db.fetch_all("SELECT key FROM outbox ORDER BY id")
    return [row["key"] for row in rows]


async def fire_due(storage: Storage, clock: FrozenClock) -> list[str]:
    """Run what a restarted scheduler would run now: overdue and missed slots."""
    plan = await plan_reminders(storage, OFFSETS, clock.now())
    outcomes = []
    for slot in plan.overdue + plan.missed:
        outcome, _ = await fire_reminder(storage, slot, clock.now(), ZONE)
        outcomes.append(outcome)
    return outcomes


async def test_plan_has_one_slot_per_session_and_offset(storage: Storage) -> None:
    for code in ("A", "B", "C"):
        await add_session(storage, code)
    plan = await plan_reminders(storage, OFFSETS, NOW)
    assert len(plan.upcoming) == 6
    assert {slot.job_id for slot in plan.upcoming} == {
        f"reminder:{sid}:{secs}" for sid in (1, 2, 3) for secs in (86400, 7200)
    }
    assert plan.overdue == [] and plan.missed == []


async def test_reminder_goes_once_to_enrolled_at_due_time(
    chat: Chat, storage: Storage, clock: FrozenClock, router: Router, services: Services
) -> None:
    session = await add_session(storage, capacity=1, starts_in=START)
    await register(chat)
    waiting = Chat(router, services, address="2002")
    await waiting.text("/daftar")
    for step in (
        lambda: waiting.press("Setuju"),
        lambda: waiting.text("Budi Santoso"),
        lambda: waiting.text(OTHER_NIK),
        lambda: waiting.contact("081298765432"),
        lambda: waiting.text("Roti Budi"),
        lambda: waiting.press("Makanan & Minuman"),
        lambda: waiting.text("Setu"),
        lambda: waiting.press(waiting.labels()[0]),
        lambda: waiting.press("Masuk daftar tunggu"),
        lambda: waiting.press("Benar"),
    ):
        await step()
    assert "daftar tunggu" in waiting.said

    clock.moment = session.starts_at - timedelta(days=1)
    assert await fire_due(storage, clock) == ["queued"]
    keys = await outbox_keys(storage)
    due = int((session.starts_at - timedelta(days=1)).timestamp())
    assert keys == [f"reminder:{session.id}:86400:{due}:p1:c1"]
    assert await fire_due(storage, clock) == []  # a restart does not queue it again

    clock.advance(timedelta(hours=21, minutes=59))
    assert await fire_due(storage, clock) == []
    clock.advance(timedelta(minutes=1))
    assert await fire_due(storage, clock) == ["queued"]
    assert len(await outbox_keys(storage)) == 2


async def test_late_reminder_goes_before_start_and_is_dropped_after(
    chat: Chat, storage: Storage, clock: FrozenClock
) -> None:
    session = await add_session(storage, starts_in=START)
    await register(chat)
    # The bot was down through both due times; it comes back 1 hour before the start.
    clock.moment = session.starts_at - timedelta(hours=1)
    assert sorted(await fire_due(storage, clock)) == ["queued", "queued"]
    assert len(await outbox_keys(storage)) == 2

    other = await add_session(storage, "B", starts_in=START)
    clock.moment = other.starts_at + timedelta(minutes=5)
    assert sorted(await fire_due(storage, clock)) == ["dropped", "dropped"]
    assert await storage.reminder_runs.count("dropped") == 2
    assert await fire_due(storage, clock) == []


async def test_people_enrolled_after_due_time_do_not_get_it(
    chat: Chat, storage: Storage, clock: FrozenClock
) -> None:
    session = await add_session(storage, starts_in=START)
    clock.moment = session.starts_at - timedelta(hours=20)  # after the 1d due time
    await register(chat)
    plan = await plan_reminders(storage, OFFSETS, clock.now())
    assert [slot.offset for slot in plan.overdue] == [timedelta(days=1)]
    outcome, queued = await fire_reminder(storage, plan.overdue[0], clock.now(), ZONE)
    assert (outcome, queued) == ("queued", 0)


async def test_moved_session_rearms_and_old_slot_is_stale(
    chat: Chat, storage: Storage, clock: FrozenClock
) -> None:
    session = await add_session(storage, starts_in=START)
    await register(chat)
    clock.moment = session.starts_at - timedelta(days=1)
    old_plan = await plan_reminders(storage, OFFSETS, clock.now() - timedelta(seconds=1))
    await fire_due(storage, clock)
    new_start = session.starts_at + timedelta(days=2)
    async with storage.db.transaction():
        await storage.db.execute(
            "UPDATE bimtek_session SET starts_at = ?, ends_at = ?, updated_at = ? WHERE id = ?",
            (
                new_start.isoformat(),
                (new_start + timedelta(hours=7)).isoformat(),
                clock.now().isoformat(),
                session.id,
            ),
        )
    stale = [slot for slot in old_plan.upcoming if slot.offset == timedelta(hours=2)][0]
    clock.moment = stale.due_at
    assert await fire_reminder(storage, stale, clock.now(), ZONE) == ("stale", 0)
    clock.moment = new_start - timedelta(days=1)
    assert await fire_due(storage, clock) == ["queued"]
    assert len(await outbox_keys(storage)) == 2  # the 1d reminder went again for the new date


async def test_cancelled_session_sends_nothing(
    chat: Chat, storage: Storage, clock: FrozenClock
) -> None:
    session = await add_session(storage, starts_in=START)
    await register(chat)
    plan = await plan_reminders(storage, OFFSETS, clock.now())
    async with storage.db.transaction():
        await storage.db.execute(
            "UPDATE bimtek_session SET cancelled_at = ? WHERE id = ?",
            (clock.now().isoformat(), session.id),
        )
    clock.moment = plan.upcoming[0].due_at
    assert await fire_reminder(storage, plan.upcoming[0], clock.now(), ZONE) == ("stale", 0)
    assert (await plan_reminders(storage, OFFSETS, clock.now())).upcoming == []
