"""The conversation alone: router, handlers and SQL of a registration, in one process.

No HTTP, no Telegram library: N people register at once through the router on a real
SQLite file, each person's updates in order. Prints CPU and wall milliseconds per update,
which is the cost `bench/updates.py` cannot separate from python-telegram-bot's.

    .venv/bin/python bench/conversation.py [--people 200] [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

import common  # noqa: F401 - puts the project root on the path
from updates import registration_script

from bot.features import build_router, domain_services
from handlers.conversation.turn import Services
from handlers.participants.regions import load_region, load_sectors
from storage import Storage
from tests.support.chat import NOW, ZONE, Chat, add_session
from tests.support.clock import FrozenClock


async def one_round(people: int, folder: Path) -> tuple[float, float]:
    """Register `people` at once; return CPU and wall milliseconds per update."""
    storage = await Storage.open(folder / "conversation.sqlite3", NOW)
    try:
        await add_session(storage, capacity=people + 10)
        router = build_router()
        services = Services(
            storage=storage,
            clock=FrozenClock(NOW),
            zone=ZONE,
            region=load_region(),
            sectors=load_sectors(),
            provided=domain_services(),
        )
        updates = 0

        async def person(index: int) -> None:
            nonlocal updates
            chat = Chat(router, services, address=str(900_000 + index))
            for kind, value in registration_script(index):
                if kind == "text":
                    await chat.text(value)
                elif kind == "button":
                    await chat.payload(value)
                else:
                    await chat.contact(value)
                updates += 1

        cpu, wall = time.process_time(), time.monotonic()
        await asyncio.gather(*(person(index) for index in range(people)))
        cpu, wall = time.process_time() - cpu, time.monotonic() - wall
        registered = await storage.db.fetch_value("SELECT COUNT(*) FROM participant")
        if registered != people:
            raise AssertionError(f"only {registered} of {people} registered")
        if storage.db.busy_retries:
            print(f"busy retries: {storage.db.busy_retries}")
        return cpu * 1000 / updates, wall * 1000 / updates
    finally:
        await storage.close()


def main() -> None:
    """Print CPU and wall ms per update for each round, then the median."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    cpus = []
    for number in range(args.rounds):
        with tempfile.TemporaryDirectory() as folder:
            cpu, wall = asyncio.run(one_round(args.people, Path(folder)))
        cpus.append(cpu)
        print(f"round {number + 1}: {cpu:.3f} ms CPU, {wall:.3f} ms wall per update", flush=True)
    print(f"median: {statistics.median(cpus):.3f} ms CPU per update ({args.people} people)")


if __name__ == "__main__":
    main()
