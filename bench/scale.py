"""Scale: start-up of the reminder scheduler and exports with 100,000 participants.

    .venv/bin/python bench/scale.py [--participants 100000] [--sessions 200]
        [--postgresql | --database postgresql://...]

Prints start-up time to a scheduled state and the scheduler's job count for an empty
programme (the baseline) and for the full one, their ratio, the peak memory of the process,
and (when the export module is present) time and peak memory to export every participant as
CSV and XLSX. With --postgresql (a throwaway cluster, as the tests start one) or --database
(a server where the role may create databases) the same runs on PostgreSQL: the SQLite
databases are copied there with `copy-database` first (its time is printed too).
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
from tests.support.postgres import Server, start_server


async def startup(database: Path | str) -> tuple[float, int, float, int]:
    """Plan every reminder, then fire one; return start-up s, jobs, fire s, rows queued."""
    if isinstance(database, str):  # a postgresql:// URL
        settings = Settings(_env_file=None, database_url=database)  # type: ignore[call-arg]
    else:
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
    parser.add_argument("--postgresql", action="store_true", help="also on a throwaway cluster")
    parser.add_argument("--database", help="also on this PostgreSQL server (creates databases)")
    args = parser.parse_args()
    server = None
    if args.database or args.postgresql:
        server = Server(args.database) if args.database else start_server()
    try:
        with tempfile.TemporaryDirectory() as folder:
            measure(args.participants, args.sessions, Path(folder), server)
    finally:
        if server is not None and server.cluster is not None:
            server.cluster.stop()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory of the start-up measurements: {peak:.0f} MB")


def measure(participants: int, sessions: int, folder: Path, server: Server | None) -> None:
    """Seed SQLite (and copy it to PostgreSQL, before anything fires), then measure each."""
    empty, full = folder / "empty.sqlite3", folder / "full.sqlite3"
    small = folder / "small.sqlite3"
    seed(empty, participants=0, sessions=sessions)
    began = time.perf_counter()
    seed(full, participants=participants, sessions=sessions)
    print(f"seeded {participants} participants in {time.perf_counter() - began:.1f} s")
    seed(small, participants=1_000, sessions=10)
    urls: list[str] = []
    try:
        if server is not None:
            for source in (empty, full, small):
                urls.append(asyncio.run(server.create_database(migrated=False)))
                began = time.perf_counter()
                copy_into(source, urls[-1])
                spent = time.perf_counter() - began
                print(f"copy-database {source.name} to PostgreSQL: {spent:.1f} s")
        report("SQLite", empty, full, folder, participants, sessions, small)
        if urls:
            report("PostgreSQL", urls[0], urls[1], folder, participants, sessions, urls[2])
    finally:
        for url in urls if server is not None else []:
            asyncio.run(server.drop_database(url))


def copy_into(source: Path, url: str) -> None:
    """Copy a SQLite database into an empty PostgreSQL one with the CLI."""
    env = {**os.environ, "DATABASE_PATH": str(source), "PYTHONPATH": str(ROOT)}
    env.pop("DATABASE_URL", None)
    subprocess.run(
        [sys.executable, "-m", "bot", "copy-database", "--to", url],
        env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip


def report(
    engine: str,
    empty: Path | str,
    full: Path | str,
    folder: Path,
    participants: int,
    sessions: int,
    small: Path | str | None = None,
) -> None:
    """Print start-up, firing and export figures of one engine."""
    print(f"--- {engine}")
    base_time, base_jobs, _, _ = asyncio.run(startup(empty))
    full_time, full_jobs, fire_time, queued = asyncio.run(startup(full))
    print(f"start-up, {sessions} sessions, 0 enrollments: {base_time:.2f} s, "
          f"{base_jobs} reminder jobs")  # fmt: skip
    print(f"start-up, {sessions} sessions, {participants} enrollments: "
          f"{full_time:.2f} s, {full_jobs} reminder jobs")  # fmt: skip
    print(f"start-up ratio full/empty: {full_time / base_time:.2f}; "
          f"jobs per session: {full_jobs / sessions:.1f} (O(sessions))")  # fmt: skip
    print(f"firing one reminder queued {queued} outbox rows in {fire_time:.2f} s")
    run_exports(full, folder, participants, small)


MEASURED_EXPORT = (
    "import resource, runpy, sys\n"
    "sys.argv = ['bot', *sys.argv[1:]]\n"
    "try:\n"
    "    runpy.run_module('bot', run_name='__main__')\n"
    "finally:\n"
    "    print('maxrss', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n"
)


def export_once(database: Path | str, kind: str, out: Path) -> tuple[float, float]:
    """Run `python -m bot export` as a process; return seconds and its own peak memory (MB)."""
    where = "DATABASE_URL" if isinstance(database, str) else "DATABASE_PATH"
    env = {**os.environ, where: str(database), "PYTHONPATH": str(ROOT)}
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


def run_exports(
    full: Path | str, folder: Path, rows: int, small: Path | str | None = None
) -> None:
    """Export all participants as CSV and XLSX, beside a 1,000-row baseline in the same run."""
    if small is None:
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
