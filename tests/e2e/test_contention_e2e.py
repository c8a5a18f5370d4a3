"""Desk work beside the running bot: `bench/contention.py` at a small size, for correctness.

People register through the real bot while `participants import` and an XLSX export run as
their own processes on the same database. Nothing may be lost and nobody may get an apology;
how long anything took is the benchmark's business, not this test's.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT / "bench") not in sys.path:
    sys.path.insert(0, str(ROOT / "bench"))

from contention import measure  # noqa: E402 - needs the path above


def test_people_registering_during_an_import_and_an_export_lose_nothing(tmp_path: Path) -> None:
    people, rows, seeded = 4, 2_000, 300
    result = measure(tmp_path, people=people, rows=rows, seeded=seeded, idle_waves=1)
    assert result.idle.apologies == 0
    assert result.busy.apologies == 0
    assert result.busy.seconds, "nobody registered while the desk work ran"
    assert result.registered == result.people  # every registration finished and was kept
    assert result.imported == rows
    assert "2000 new, 0 changed, 0 unchanged, 0 bad row(s)" in result.import_output
    # The export pages through the table while rows arrive: it has at least what was there.
    assert seeded <= result.exported_rows <= seeded + rows + result.people
    assert result.locked_in_log == 0
