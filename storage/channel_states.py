"""Which channels the dispatcher found down, so other processes (CLI, /healthz) can tell."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from storage.db import Database, db_time
from storage.models import Channel, Model

ChannelCondition = Literal["up", "down"]
MAX_REASON = 500


class ChannelState(Model):
    """A channel's condition as the dispatcher last recorded it, and since when."""

    channel: Channel
    state: ChannelCondition
    since: datetime
    reason: str | None
    updated_at: datetime


class ChannelStateRepository:
    """Record when a channel goes down and comes back; a channel never recorded is up."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def mark_down(self, channel: Channel, since: datetime, reason: str) -> None:
        """Record that the channel is unreachable since `since`."""
        await self._put(channel, "down", since, reason[:MAX_REASON])

    async def mark_up(self, channel: Channel, now: datetime) -> None:
        """Record that the channel answers again."""
        await self._put(channel, "up", now, None)

    async def _put(
        self, channel: Channel, state: ChannelCondition, since: datetime, reason: str | None
    ) -> None:
        stamp = db_time(since)
        await self._db.execute(
            "INSERT INTO channel_state (channel, state, since, reason, updated_at)"
            " VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (channel) DO UPDATE SET state = excluded.state,"
            " since = excluded.since, reason = excluded.reason,"
            " updated_at = excluded.updated_at",
            (channel, state, stamp, reason, stamp),
        )

    async def all(self) -> dict[str, ChannelState]:
        """Return the recorded state of every channel that ever went down."""
        rows = await self._db.fetch_all("SELECT * FROM channel_state")
        return {row["channel"]: ChannelState.model_validate(dict(row)) for row in rows}

    async def down_since(self) -> dict[str, datetime]:
        """Return each channel that is down now and since when."""
        return {
            name: state.since
            for name, state in (await self.all()).items()
            if state.state == "down"
        }
