"""The evaluations' scheduled work: invitations, nudges and certificates, through the outbox.

Like the reminders, the jobs are derived from the database: one date job per session and
phase (`evaluation:pre:<session>` at start − PRETEST_BEFORE, `evaluation:post:<session>` at
end + EVALUATION_AFTER), re-planned when sessions change, and a sweep every few seconds for
late enrolments, nudges and whatever a restart left behind. Each job runs the same
idempotent `deliver_due`; the invitation rows make every message once only.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Final

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from handlers.conversation.turn import Services
from handlers.evaluations.delivery import deliver_due
from handlers.evaluations.policy import EvaluationPolicy

logger = logging.getLogger(__name__)

SWEEP_JOB: Final = "evaluations"
JOB_PREFIX: Final = "evaluation:"
PLANNED_SESSIONS: Final = 1000


class EvaluationJobs:
    """Keep the evaluation jobs on the bot's scheduler."""

    def __init__(self, services: Services, every: timedelta = timedelta(seconds=5)) -> None:
        self._services = services
        self._every = every
        self._scheduler: AsyncIOScheduler | None = None
        self._fingerprint: str | None = None

    def add_to(self, scheduler: AsyncIOScheduler) -> None:
        """Add the sweep, which plans the date jobs on its first run (at once)."""
        self._scheduler = scheduler
        scheduler.add_job(
            self.sweep,
            IntervalTrigger(seconds=self._every.total_seconds()),
            id=SWEEP_JOB,
            replace_existing=True,
            coalesce=True,
            max_instances=1,
            next_run_time=self._services.clock.now(),
        )

    def job_ids(self) -> list[str]:
        """Return the ids of the planned date jobs."""
        if self._scheduler is None:
            return []
        return [job.id for job in self._scheduler.get_jobs() if job.id.startswith(JOB_PREFIX)]

    async def sweep(self) -> None:
        """Re-plan when sessions changed, then queue whatever is due; never raise."""
        services = self._services
        try:
            fingerprint = await services.storage.sessions.fingerprint()
            if fingerprint != self._fingerprint:
                await self._plan()
                self._fingerprint = fingerprint
            await self.deliver()
        except Exception:
            logger.exception("scheduler: evaluations failed")

    async def deliver(self) -> None:
        """Queue what is due now."""
        services = self._services
        await deliver_due(
            services.storage, services.need(EvaluationPolicy), services.zone, services.clock.now()
        )

    async def _plan(self) -> None:
        if self._scheduler is None:
            return
        services, policy = self._services, self._services.need(EvaluationPolicy)
        now = services.clock.now()
        wanted: dict[str, datetime] = {}
        recent = await services.storage.sessions.recent_availability(
            now - policy.evaluation_after, PLANNED_SESSIONS
        )
        for item in recent:
            session = item.session
            if session.cancelled_at is not None:
                continue
            for phase, moment in (
                ("pre", session.starts_at - policy.pretest_before),
                ("post", session.ends_at + policy.evaluation_after),
            ):
                if moment > now:
                    wanted[f"{JOB_PREFIX}{phase}:{session.id}"] = moment
        for job_id in set(self.job_ids()) - set(wanted):
            self._scheduler.remove_job(job_id)
        for job_id, moment in wanted.items():
            self._scheduler.add_job(
                self.sweep,
                DateTrigger(run_date=moment),
                id=job_id,
                replace_existing=True,
                coalesce=True,
                # deliver_due decides what is still due, so a late run is always safe.
                misfire_grace_time=None,
            )
