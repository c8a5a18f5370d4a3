"""One leader among several processes: the scheduler and dispatcher run in exactly one."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from bot.leadership import Leadership
from storage.db import Database
from tests.support.postgres import Server

TAKEOVER = timedelta(seconds=0.6)


class Duties:
    """Count how often the leader's duties were started and stopped."""

    def __init__(self) -> None:
        self.started = 0
        self.stopped = 0

    async def start(self) -> None:
        self.started += 1

    async def stop(self) -> None:
        self.stopped += 1

    @property
    def running(self) -> bool:
        return self.started > self.stopped


async def wait_for(condition: Callable[[], bool], seconds: float = 10.0) -> None:
    async with asyncio.timeout(seconds):
        while not condition():  # noqa: ASYNC110 - polling another object's state
            await asyncio.sleep(0.05)


async def test_one_of_two_processes_leads_and_the_other_takes_over_when_it_dies(
    postgres_server: Server,
) -> None:
    url = await postgres_server.create_database()
    first_db, second_db = await Database.connect(url), await Database.connect(url)
    first_duties, second_duties = Duties(), Duties()
    first = Leadership(first_db, TAKEOVER, first_duties.start, first_duties.stop)
    second = Leadership(second_db, TAKEOVER, second_duties.start, second_duties.stop)
    tasks = [asyncio.create_task(first.run())]
    try:
        await wait_for(lambda: first.is_leader)
        tasks.append(asyncio.create_task(second.run()))
        await asyncio.sleep(TAKEOVER.total_seconds())
        assert not second.is_leader and not second_duties.running
        # The leader dies: its lock connection ends (kill -9 closes it the same way).
        assert first._lock is not None
        await first._lock.release()
        await wait_for(lambda: second.is_leader, TAKEOVER.total_seconds() * 3)
        assert second_duties.running
        await wait_for(lambda: not first.is_leader)  # the old one noticed and stepped down
        assert not first_duties.running
    finally:
        await first.stop()
        await second.stop()
        await asyncio.gather(*tasks)
        await first_db.close()
        await second_db.close()
        await postgres_server.drop_database(url)
    assert not second_duties.running


async def test_a_second_poller_lock_is_refused_while_the_first_lives(
    postgres_server: Server,
) -> None:
    url = await postgres_server.create_database()
    db = await Database.connect(url)
    try:
        held = await db.try_session_lock("poller")
        assert held is not None and await held.alive()
        assert await db.try_session_lock("poller") is None
        await held.release()
        again = await db.try_session_lock("poller")
        assert again is not None
        await again.release()
    finally:
        await db.close()
        await postgres_server.drop_database(url)


async def test_on_sqlite_the_one_process_always_leads(tmp_path: Path) -> None:
    db = await Database.connect(tmp_path / "one.sqlite3")
    duties = Duties()
    leadership = Leadership(db, TAKEOVER, duties.start, duties.stop)
    task = asyncio.create_task(leadership.run())
    try:
        await wait_for(lambda: leadership.is_leader)
        assert duties.running
    finally:
        await leadership.stop()
        await task
        await db.close()
    assert not duties.running and duties.started == 1
