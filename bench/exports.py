"""Exports of many participants: time and peak memory of `python -m bot export`.

N participants (one enrollment each) in a fresh database; each export runs as its own
process, and its peak resident memory is read from the kernel (ru_maxrss of the child).
Memory should stay the same whatever N is: compare --n 10000 with --n 100000.

    .venv/bin/python bench/exports.py [--n 100000]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT
from seed import seed


def export(database: Path, kind: str, out: Path) -> tuple[float, float]:
    """Run one export; return seconds and the child's peak memory in MB."""
    env = {**os.environ, "DATABASE_PATH": str(database), "PYTHONPATH": str(ROOT)}
    started = time.monotonic()
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    subprocess.run(
        [sys.executable, "-m", "bot", "export", kind, "--out", str(out)],
        env=env,
        check=True,
        capture_output=True,
    )
    elapsed = time.monotonic() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return elapsed, max(peak, before) / 1024


def main() -> None:
    """Seed, then export participants and enrollments as CSV and XLSX."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "bench.sqlite3"
        seed(database, participants=args.n, sessions=10)
        for kind in ("participants", "enrollments"):
            for suffix in ("csv", "xlsx"):
                out = Path(folder) / f"{kind}.{suffix}"
                seconds, peak = export(database, kind, out)
                size = out.stat().st_size / 1e6
                print(
                    f"{args.n} {kind} as {suffix}: {seconds:.1f} s, {size:.1f} MB file,"
                    f" peak memory of the process so far {peak:.0f} MB"
                )


if __name__ == "__main__":
    main()
