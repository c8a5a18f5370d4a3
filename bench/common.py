"""What the benchmarks share: the fake Bot API and the bot process from the e2e harness."""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.support.fake_telegram import FakeTelegram  # noqa: E402 - needs the path above
from tests.support.harness import BotProcess  # noqa: E402 - needs the path above

__all__ = ["ROOT", "BotProcess", "FakeTelegram", "Stopwatch"]


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
