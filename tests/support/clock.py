"""A clock tests set and move by hand (production code reads `SystemClock`)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

# Loop turns a simulated sleep gives the work that can run now (a send recording its
# outcome, a probe that just answered) before time moves.
SETTLE_TURNS = 10


class FrozenClock:
    """A clock tests set and move by hand."""

    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def now(self) -> datetime:
        """Return the set moment."""
        return self.moment

    def advance(self, delta: timedelta) -> None:
        """Move the clock forward."""
        self.moment += delta


def simulated_sleep(
    clock: FrozenClock, settle_turns: int = SETTLE_TURNS
) -> Callable[[float], Awaitable[None]]:
    """Return a sleep that moves the frozen clock instead of waiting.

    Time moves once the work that can run now has run, as it would in real time; a nap cut
    short meanwhile moves nothing.
    """

    async def sleep(seconds: float) -> None:
        for _ in range(settle_turns):
            await asyncio.sleep(0)
        clock.advance(timedelta(seconds=seconds))
        await asyncio.sleep(0)

    return sleep
