"""The officer tools' periodic work inside the bot: broadcasts, retention, the help desk.

Jobs are derived from the database like the reminders: a scheduled broadcast is a row, so it
survives restarts; the worker looks for due ones every couple of seconds (which is also how
a broadcast the CLI queued gets its report). Retention runs shortly after start and then
every day at 03:00 in the configured zone.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Final

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.channels.media import MediaStore
from handlers.broadcasts.service import BroadcastWorker, ProgressBoard
from handlers.conversation.turn import Services
from handlers.helpdesk.policy import HelpdeskPolicy
from handlers.helpdesk.tickets import autoclose
from handlers.participants.retention import erase_expired

logger = logging.getLogger(__name__)

BROADCAST_JOB: Final = "broadcasts"
RETENTION_JOB: Final = "retention"
RETENTION_FIRST_RUN: Final = "retention-at-start"
RETENTION_HOUR: Final = 3
HELPDESK_JOB: Final = "helpdesk-autoclose"
HELPDESK_EVERY: Final = timedelta(minutes=5)


class OfficerJobs:
    """Run the broadcast worker and the retention job on the bot's scheduler."""

    def __init__(
        self,
        services: Services,
        board: ProgressBoard | None,
        retention_days: int,
        every: timedelta = timedelta(seconds=2),
        media: MediaStore | None = None,
    ) -> None:
        self._services = services
        self._media = media
        self._worker = BroadcastWorker(services, board)
        self._keep_for = timedelta(days=retention_days) if retention_days > 0 else None
        self._every = every

    def add_to(self, scheduler: AsyncIOScheduler) -> None:
        """Add the jobs (the scheduler may already be running)."""
        scheduler.add_job(
            self.broadcasts,
            IntervalTrigger(seconds=self._every.total_seconds()),
            id=BROADCAST_JOB,
            replace_existing=True,
            coalesce=True,
            max_instances=1,
        )
        scheduler.add_job(
            self.helpdesk,
            IntervalTrigger(seconds=HELPDESK_EVERY.total_seconds()),
            id=HELPDESK_JOB,
            replace_existing=True,
            coalesce=True,
            max_instances=1,
        )
        if self._keep_for is None:
            return
        scheduler.add_job(
            self.retention,
            CronTrigger(hour=RETENTION_HOUR, timezone=self._services.zone),
            id=RETENTION_JOB,
            replace_existing=True,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=None,
        )
        first = self._services.clock.now() + timedelta(minutes=1)
        scheduler.add_job(
            self.retention,
            DateTrigger(run_date=first),
            id=RETENTION_FIRST_RUN,
            replace_existing=True,
        )

    async def broadcasts(self) -> None:
        """Queue due broadcasts, show progress, close finished ones; never raise."""
        try:
            await self._worker.tick()
        except Exception:
            logger.exception("scheduler: broadcast work failed")

    async def helpdesk(self) -> None:
        """Close answered tickets nobody followed up; never raise."""
        services = self._services
        try:
            closed = await autoclose(
                services.storage, services.need(HelpdeskPolicy), services.clock.now()
            )
        except Exception:
            logger.exception("scheduler: help desk autoclose failed")
            return
        if closed:
            logger.info("help desk: closed %d answered ticket(s) without follow-up", closed)
        await self.forget_media()

    async def forget_media(self) -> None:
        """Delete the MEDIA_DIR files of erased people; never raise."""
        if self._media is None:
            return
        storage = self._services.storage
        try:
            queued = await storage.media_erasure.pending()
            gone = [reference for reference in queued if self._media.delete(reference)]
            async with storage.db.transaction():
                await storage.media_erasure.done(gone)
        except Exception:
            logger.exception("scheduler: deleting erased media failed")
            return
        if gone:
            logger.info("media: deleted %d file(s) of erased people", len(gone))

    async def retention(self) -> None:
        """Erase participants kept past the retention period; never raise."""
        if self._keep_for is None:
            return
        try:
            erased = await erase_expired(
                self._services.storage, self._services.clock.now(), self._keep_for
            )
        except Exception:
            logger.exception("scheduler: retention failed")
            return
        if erased:
            logger.info("retention: erased the personal data of %d participant(s)", erased)
            await self.forget_media()
