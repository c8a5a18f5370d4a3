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
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT
from seed import seed

from bot.app import open_services
from bot.scheduler import ReminderScheduler
from bot.settings import Settings
from handlers.sessions.reminders import fire_reminder, plan_reminders


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
    print(f"peak resident memory of the start-up measurements: {peak:.0f} MB")


MEASURED_EXPORT = (
    "import resource, runpy, sys\n"
    "sys.argv = ['bot', *sys.argv[1:]]\n"
    "try:\n"
    "    runpy.run_module('bot', run_name='__main__')\n"
    "finally:\n"
    "    print('maxrss', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n"
)


def export_once(database: Path, kind: str, out: Path) -> tuple[float, float]:
    """Run `python -m bot export` as a process; return seconds and its own peak memory (MB)."""
    env = {**os.environ, "DATABASE_PATH": str(database), "PYTHONPATH": str(ROOT)}
    fmt = out.suffix.lstrip(".")
    began = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", MEASURED_EXPORT, "export", kind, "--format", fmt, "--out",
         str(out)],
        env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    elapsed = time.perf_counter() - began
    peak_kb = int(result.stderr.rsplit("maxrss", 1)[1].split()[0])
    return elapsed, peak_kb / 1024


def run_exports(full: Path, folder: Path, rows: int) -> None:
    """Export all participants as CSV and XLSX, beside a 1,000-row baseline in the same run."""
    small = folder / "small.sqlite3"
    seed(small, participants=1_000, sessions=10)
    for fmt in ("csv", "xlsx"):
        base_s, base_mb = export_once(small, "participants", folder / f"small.{fmt}")
        full_s, full_mb = export_once(full, "participants", folder / f"full.{fmt}")
        print(f"export participants as {fmt}: 1,000 rows {base_s:.2f} s / {base_mb:.0f} MB; "
              f"{rows} rows {full_s:.2f} s / {full_mb:.0f} MB; "
              f"memory ratio {full_mb / base_mb:.2f} (flat means streamed)")  # fmt: skip


if __name__ == "__main__":
    main()
