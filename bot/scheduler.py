"""APScheduler as the clock, the database as the memory: reminder jobs derived from sessions."""

from __future__ import annotations

import logging
from datetime import timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from handlers.conversation.turn import Services
from handlers.equipment.messages import queue_due_nudges
from handlers.sessions.reminders import ReminderSlot, fire_reminder, plan_reminders
from handlers.sessions.waitlist import expire_offers

logger = logging.getLogger(__name__)

WATCH_JOB = "watch-sessions"
REMINDER_PREFIX = "reminder:"


class ReminderScheduler:
    """Keep one APScheduler job per session and reminder offset, rebuilt from the database.

    Jobs hold no state of their own: at start-up, and whenever a session changes (the CLI or
    an officer), the plan is derived again from the sessions table. Whether a reminder already
    went out is in `reminder_run`, so a restart never queues one twice.
    """

    def __init__(self, services: Services, watch_every: timedelta = timedelta(seconds=2)) -> None:
        self._services = services
        self._scheduler = AsyncIOScheduler(timezone="UTC")
        self._watch_every = watch_every
        self._fingerprint: str | None = None

    @property
    def scheduler(self) -> AsyncIOScheduler:
        """Return the underlying APScheduler."""
        return self._scheduler

    async def start(self) -> None:
        """Plan every reminder, then watch the sessions for changes."""
        self._scheduler.start()
        await self.resync()
        self._scheduler.add_job(
            self._watch,
            IntervalTrigger(seconds=self._watch_every.total_seconds()),
            id=WATCH_JOB,
            replace_existing=True,
            coalesce=True,
            max_instances=1,
        )

    def shutdown(self) -> None:
        """Stop the scheduler without waiting for running jobs."""
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)

    def reminder_job_ids(self) -> list[str]:
        """Return the ids of the scheduled reminder jobs."""
        return [job.id for job in self._scheduler.get_jobs() if job.id.startswith(REMINDER_PREFIX)]

    async def _watch(self) -> None:
        services = self._services
        try:
            fingerprint = await services.storage.sessions.fingerprint()
            if fingerprint != self._fingerprint:
                await self.resync()
            await expire_offers(
                services.storage, services.clock.now(), services.policy, services.zone
            )
            await queue_due_nudges(services.storage, services.clock.now(), services.policy)
        except Exception:
            logger.exception("scheduler: watching sessions failed")

    async def resync(self) -> None:
        """Derive the reminder jobs from the database: add, move or remove; fire overdue ones."""
        services = self._services
        self._fingerprint = await services.storage.sessions.fingerprint()
        now = services.clock.now()
        plan = await plan_reminders(services.storage, services.policy.reminder_offsets, now)
        wanted = {slot.job_id: slot for slot in plan.upcoming}
        for job_id in set(self.reminder_job_ids()) - set(wanted):
            self._scheduler.remove_job(job_id)
        for slot in plan.upcoming:
            self._schedule(slot)
        for slot in plan.overdue:
            logger.info("reminder %s is late: queueing it now", slot.job_id)
            await self.fire(slot)
        for slot in plan.missed:
            await self.fire(slot)
        logger.info(
            "scheduler: %d reminder job(s), %d late, %d dropped",
            len(wanted),
            len(plan.overdue),
            len(plan.missed),
        )

    def _schedule(self, slot: ReminderSlot) -> None:
        self._scheduler.add_job(
            self.fire,
            DateTrigger(run_date=slot.due_at),
            args=[slot],
            id=slot.job_id,
            replace_existing=True,
            coalesce=True,
            # Whether a late reminder still goes out is decided by fire_reminder (only while
            # the session has not started), so the scheduler may run a job however late.
            misfire_grace_time=None,
        )

    async def fire(self, slot: ReminderSlot) -> None:
        """Queue one reminder (a no-op if it already ran, or if the session moved)."""
        services = self._services
        try:
            await fire_reminder(services.storage, slot, services.clock.now(), services.zone)
        except Exception:
            logger.exception("scheduler: reminder %s failed", slot.job_id)
