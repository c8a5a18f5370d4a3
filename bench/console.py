"""The web console with 100,000 participants: time per request against a bare SELECT.

Seeds N participants (each with a Telegram chat and a place in one of the sessions), signs a
browser in through a one-time link, and times each console request in-process (the whole
Starlette route: session check, query, template) against a bare `SELECT` of the same rows on
the same database as the baseline.

    .venv/bin/python bench/console.py [--n 100000] [--repeat 40]
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import common  # noqa: F401 - puts the repository on the import path
from seed import seed

from bot.features import domain_services, install_sentences
from handlers.conversation.clock import SystemClock  # noqa: E402
from handlers.conversation.turn import Services  # noqa: E402
from handlers.participants.regions import load_region, load_sectors  # noqa: E402
from storage import Storage  # noqa: E402
from storage.db import Database  # noqa: E402
from tests.support.console import build_console_app, sign_in  # noqa: E402 - needs the path above

PAGE_SQL = (
    "SELECT id, nik, full_name, phone, business_name, sector, kecamatan, created_at"
    " FROM participant WHERE deleted_at IS NULL {where}"
    " ORDER BY full_name COLLATE NOCASE, id LIMIT 50"
)


async def timed(repeat: int, call: Callable[[], Awaitable[object]]) -> tuple[float, float]:
    """Return p50 and p95 of `repeat` calls, in milliseconds (after one warm-up call)."""
    await call()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        await call()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


async def run(
    folder: Path, repeat: int
) -> list[tuple[str, tuple[float, float], tuple[float, float]]]:
    """Sign in on the seeded database, and time each request and its baseline."""
    install_sentences()
    database = folder / "bench.sqlite3"
    storage = await Storage.open(database, datetime.now(UTC))
    services = Services(
        storage=storage,
        clock=SystemClock(),
        zone=ZoneInfo("Asia/Jakarta"),
        region=load_region(),
        sectors=load_sectors(),
        provided=domain_services(),
    )
    admin = await storage.officers.add("telegram", "1", "admin", datetime.now(UTC))
    app, _ = build_console_app(services, folder / "media")
    browser = await sign_in(services, app, admin)
    bare = await Database.connect(database)

    async def page(path: str) -> None:
        answer = await browser.get(path)
        assert answer.status_code == 200, answer.text[:200]

    def select(sql: str, values: tuple[object, ...] = ()) -> Callable[[], Awaitable[object]]:
        return lambda: bare.fetch_all(sql, values)

    cases = [
        (
            "Peserta, first page",
            lambda: page("/console/peserta"),
            select(PAGE_SQL.format(where="")),
        ),
        (
            "Peserta, filtered (kecamatan + session)",
            lambda: page("/console/peserta?kecamatan=Setu&session=3"),
            select(
                PAGE_SQL.format(
                    where="AND kecamatan = ? AND EXISTS (SELECT 1 FROM enrollment e"
                    " WHERE e.participant_id = participant.id AND e.session_id = ?)"
                ),
                ("Setu", 3),
            ),
        ),
        (
            "Peserta, search by name",
            lambda: page("/console/peserta?q=Peserta%204242"),
            select(PAGE_SQL.format(where="AND full_name LIKE ?"), ("%Peserta 4242%",)),
        ),
        (
            "Siaran, audience count (kecamatan)",
            lambda: page("/console/siaran/hitung?kind=kecamatan&kecamatan=Setu"),
            select(
                "SELECT c.id FROM contact c JOIN participant p ON p.id = c.participant_id"
                " WHERE p.deleted_at IS NULL AND p.kecamatan = ?",
                ("Setu",),
            ),
        ),
    ]
    results = []
    try:
        for name, console_call, baseline in cases:
            measured = await timed(repeat, console_call)
            results.append((name, measured, await timed(repeat, baseline)))
    finally:
        await browser.http.aclose()
        await bare.close()
        await storage.close()
    return results


def main() -> None:
    """Print the table of p50/p95 per request and baseline."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument(
        "--seeded", type=Path, help="reuse (or create) this seeded database: same rows each run"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="wub-bench-console-") as name:
        folder = Path(name)
        database = folder / "bench.sqlite3"
        if args.seeded is not None and args.seeded.exists():
            shutil.copyfile(args.seeded, database)
        else:
            seed(database, participants=args.n, sessions=20)
            if args.seeded is not None:
                shutil.copyfile(database, args.seeded)
        results = asyncio.run(run(folder, args.repeat))
    print(f"{args.n:,} participants, {args.repeat} requests each (ms)")
    print("| request | console p50 | console p95 | bare SELECT p50 | bare SELECT p95 |")
    print("| --- | --- | --- | --- | --- |")
    for name, (p50, p95), (b50, b95) in results:
        print(f"| {name} | {p50:.1f} | {p95:.1f} | {b50:.1f} | {b95:.1f} |")


if __name__ == "__main__":
    main()
