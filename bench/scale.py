"""Scale: start-up of the reminder scheduler and exports with 100,000 participants.

    .venv/bin/python bench/scale.py [--participants 100000] [--sessions 200]

Prints start-up time to a scheduled state and the scheduler's job count for an empty
programme (the baseline) and for the full one, their ratio, the peak memory of the process,
and (when the export module is present) time and peak memory to export every participant as
CSV and XLSX.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import tempfile
import time
import tracemalloc
from collections.abc import Awaitable, Callable
from pathlib import Path

import common  # noqa: F401 - puts the project on sys.path
from seed import seed

from bot.app import open_services
from bot.scheduler import ReminderScheduler
from bot.settings import Settings
from handlers.reminders import fire_reminder, plan_reminders


async def startup(database: Path) -> tuple[float, int, float, int]:
    """Plan every reminder, then fire one; return start-up s, jobs, fire s, rows queued."""
    settings = Settings(_env_file=None, database_path=database)  # type: ignore[call-arg]
    began = time.perf_counter()
    async with open_services(settings) as services:
        scheduler = ReminderScheduler(services)
        await scheduler.start()
        elapsed = time.perf_counter() - began
        jobs = len(scheduler.reminder_job_ids())
        scheduler.shutdown()
        plan = await plan_reminders(
            services.storage, services.policy.reminder_offsets, services.clock.now()
        )
        fired = time.perf_counter()
        _, queued = await fire_reminder(
            services.storage, plan.upcoming[0], services.clock.now(), services.zone
        )
        fire_time = time.perf_counter() - fired
    return elapsed, jobs, fire_time, queued


async def measure_export(
    database: Path, export: Callable[[Path, Path], Awaitable[None]], out: Path
) -> tuple[float, float]:
    """Run one export; return seconds and the peak of Python allocations in MB."""
    tracemalloc.start()
    began = time.perf_counter()
    await export(database, out)
    elapsed = time.perf_counter() - began
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return elapsed, peak / 2**20


def main() -> None:
    """Seed, measure, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=100_000)
    parser.add_argument("--sessions", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        empty, full = Path(folder) / "empty.sqlite3", Path(folder) / "full.sqlite3"
        seed(empty, participants=0, sessions=args.sessions)
        began = time.perf_counter()
        seed(full, participants=args.participants, sessions=args.sessions)
        print(f"seeded {args.participants} participants in {time.perf_counter() - began:.1f} s")
        base_time, base_jobs, _, _ = asyncio.run(startup(empty))
        full_time, full_jobs, fire_time, queued = asyncio.run(startup(full))
        print(f"start-up, {args.sessions} sessions, 0 enrollments: {base_time:.2f} s, "
              f"{base_jobs} reminder jobs")  # fmt: skip
        print(f"start-up, {args.sessions} sessions, {args.participants} enrollments: "
              f"{full_time:.2f} s, {full_jobs} reminder jobs")  # fmt: skip
        print(f"start-up ratio full/empty: {full_time / base_time:.2f}; "
              f"jobs per session: {full_jobs / args.sessions:.1f} (O(sessions))")  # fmt: skip
        print(f"firing one reminder queued {queued} outbox rows in {fire_time:.2f} s")
        run_exports(full, Path(folder), args.participants)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory of the whole run: {peak:.0f} MB")


def run_exports(database: Path, folder: Path, rows: int) -> None:
    """Time the participant exports if the export module is available."""
    try:
        from bench_exports import EXPORTS
    except ImportError:
        print("exports: not measured (no export module yet)")
        return
    for name, export in EXPORTS.items():
        seconds, peak = asyncio.run(measure_export(database, export, folder / f"out.{name}"))
        print(f"export {rows} participants as {name}: {seconds:.2f} s, "
              f"peak Python allocations {peak:.1f} MB")  # fmt: skip


if __name__ == "__main__":
    main()
