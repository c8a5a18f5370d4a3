"""A clock tests set and move by hand (production code reads `SystemClock`)."""

from __future__ import annotations

from datetime import datetime, timedelta


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
