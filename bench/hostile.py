"""Hostile sheets: how long `equipment import` takes to answer each, and its peak memory.

Each file is made here (a dimension bomb, a zip bomb, a 10,000-column row, a file that is not
a zip, an entity bomb, a 33 MB CSV, a 10,000-column CSV) and imported by the real CLI in its
own process; the peak memory is that process's own (see `sheet_support.run_measured`).
Goal: each answered in at most 5 s with at most 200 MB.

    .venv/bin/python bench/hostile.py
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from common import ROOT

if str(ROOT / "tests") not in sys.path:
    sys.path.insert(0, str(ROOT / "tests"))

from sheet_support import (  # noqa: E402 - needs the path above
    dimension_bomb,
    entity_bomb,
    not_a_zip,
    run_measured,
    wide_row,
    zip_bomb,
)

from handlers.tables import TableError, read_table  # noqa: E402 - needs the path above


def big_csv(path: Path) -> Path:
    """A CSV just over the 32 MB cap."""
    path.write_bytes(b"nik,item,qty\n" + b"3216015505900002,Oven,1\n" * (33 * 2**20 // 24))
    return path


def wide_csv(path: Path) -> Path:
    """A CSV whose header has 10,000 columns."""
    path.write_text(",".join(f"c{number}" for number in range(10_000)) + "\n")
    return path


FILES: dict[str, Callable[[Path], Path]] = {
    "dimension bomb (A1:XFD1048576), .xlsx": dimension_bomb,
    "zip bomb (1 GB unpacked), .xlsx": zip_bomb,
    "10,000-column row, .xlsx": wide_row,
    "not a zip, .xlsx": not_a_zip,
    "entity bomb (DTD), .xlsx": entity_bomb,
    "33 MB, .csv": big_csv,
    "10,000-column row, .csv": wide_csv,
}


def reading_time(sheet: Path) -> float:
    """Return how long the shared reader takes to read or refuse the file, in this process."""
    started = time.monotonic()
    try:
        for _ in read_table(sheet):
            pass
    except TableError:
        pass
    return time.monotonic() - started


def main() -> None:
    """Make each file, import it, print time, peak memory and the answer."""
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        env = {**os.environ, "DATABASE_PATH": str(work / "bench.sqlite3"), "PYTHONPATH": str(ROOT)}
        command = [sys.executable, "-m", "bot"]
        run_measured([*command, "migrate"], work / "peak", env=env, capture_output=True)
        started = time.monotonic()
        run_measured([*command, "--help"], work / "peak", env=env, capture_output=True)
        baseline = time.monotonic() - started
        print(f"the CLI's own start-up (python -m bot --help): {baseline:.2f} s")
        for number, (name, make) in enumerate(FILES.items()):
            suffix = ".csv" if name.endswith(".csv") else ".xlsx"
            sheet = make(work / f"hostile{number}{suffix}")
            started = time.monotonic()
            out = work / "out.txt"
            with out.open("w") as answer:
                status, peak = run_measured(
                    [*command, "equipment", "import", str(sheet)],
                    work / "peak",
                    env=env,
                    stdout=answer,
                    stderr=answer,
                )
            seconds = time.monotonic() - started
            size = sheet.stat().st_size
            print(
                f"{name} ({size:,} bytes): CLI {seconds:.2f} s, reader alone"
                f" {reading_time(sheet) * 1000:.0f} ms, peak {peak:.0f} MB, status {status}:"
                f" {out.read_text().strip()[:110]}"
            )


if __name__ == "__main__":
    main()
