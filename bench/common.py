"""What the benchmarks share: the fake Bot API and the bot process from the e2e harness."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.support.fake_telegram import FakeTelegram  # noqa: E402 - needs the path above
from tests.support.harness import BotProcess  # noqa: E402 - needs the path above

__all__ = ["ROOT", "BotProcess", "FakeTelegram", "Stopwatch", "cpu_seconds"]


class Stopwatch:
    """Measure one interval with the monotonic clock."""

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.stopped: float | None = None

    def stop(self) -> float:
        """Stop and return the elapsed seconds."""
        self.stopped = time.monotonic()
        return self.elapsed

    @property
    def elapsed(self) -> float:
        """Return the seconds elapsed (until stop, or until now)."""
        return (self.stopped or time.monotonic()) - self.started


def cpu_seconds(pid: int) -> float:
    """Return the CPU time (user + system) a process has used so far (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
