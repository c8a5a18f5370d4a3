"""The composition root: settings → storage → services → router → channels, and back down."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from bot.leadership import Leadership
from bot.settings import Settings
from handlers.conversation.clock import Clock, SystemClock
from handlers.conversation.features import build_router
from handlers.conversation.turn import Policy, Services
from handlers.participants.regions import load_region, load_sectors
from storage import Storage
from storage.outbox import OutboxDeadlines

if TYPE_CHECKING:
    from bot.channels.running import RunningTelegram
    from bot.channels.telegram_board import TelegramBoard
    from bot.dispatcher import Dispatcher
    from bot.scheduler import ReminderScheduler

logger = logging.getLogger(__name__)
POLLER_LOCK = "wub-ikm:telegram-poller"
# Telegram retries a webhook delivery for at most a day; a week leaves a wide margin.
KEEP_UPDATE_IDS = timedelta(days=8)


@asynccontextmanager
async def open_services(
    settings: Settings, clock: Clock | None = None, database: Path | None = None
) -> AsyncIterator[Services]:
    """Open the database (migrating it) and build the services handlers need."""
    clock = clock or SystemClock()
    deadlines = OutboxDeadlines(
        broadcast=settings.broadcast_give_up_after, notice=settings.notice_give_up_after
    )
    storage = await Storage.open(database or settings.database, clock.now(), deadlines)
    try:
        yield Services(
            storage=storage,
            clock=clock,
            zone=settings.zone,
            region=load_region(),
            sectors=load_sectors(),
            policy=Policy(
                reminder_offsets=settings.reminder_offsets,
                waitlist_hold=settings.waitlist_hold,
                checkin_opens_before=settings.checkin_opens_before,
                equipment_nudge_after=settings.equipment_nudge_after,
                equipment_nudge_max=settings.equipment_nudge_max,
                bot_username=settings.telegram_bot_username,
            ),
        )
    finally:
        await storage.close()


async def bootstrap_admins(settings: Settings, services: Services) -> None:
    """Make every id in ADMIN_TELEGRAM_IDS an admin."""
    storage = services.storage
    async with storage.db.transaction():
        for telegram_id in settings.admin_telegram_ids:
            await storage.officers.add("telegram", str(telegram_id), "admin", services.clock.now())


async def run_bot(settings: Settings) -> None:
    """Run the configured channels, the scheduler and the outbox dispatcher until a signal."""
    from bot.channels.running import build_telegram, build_whatsapp, webhook_app
    from bot.channels.senders import ChannelRouter
    from bot.channels.telegram_board import TelegramBoard
    from bot.dispatcher import Dispatcher, Sender
    from bot.scheduler import ReminderScheduler
    from bot.webhook import serve

    settings.check_channels()
    async with open_services(settings) as services, AsyncExitStack() as stack:
        await bootstrap_admins(settings, services)
        await services.storage.inbound.prune(services.clock.now() - KEEP_UPDATE_IDS)
        if settings.telegram_enabled and not settings.telegram_webhook:
            poller = await services.storage.db.try_session_lock(POLLER_LOCK)
            if poller is None:
                raise AlreadyPolling(
                    "another bot process already long-polls Telegram on this database;"
                    " run only one, or set TELEGRAM_WEBHOOK_URL to run several"
                )
            stack.push_async_callback(poller.release)
        router = build_router()
        telegram = (
            build_telegram(settings, router, services) if settings.telegram_enabled else None
        )
        whatsapp = (
            build_whatsapp(settings, router, services) if settings.whatsapp_enabled else None
        )
        senders: dict[str, Sender] = {}
        if telegram is not None:
            senders["telegram"] = telegram.sender
        if whatsapp is not None:
            senders["whatsapp"] = whatsapp.sender
            stack.push_async_callback(whatsapp.client.close)
        dispatcher = Dispatcher(
            services.storage,
            ChannelRouter(senders),
            services.clock,
            settings.broadcast_rate_per_second,
            retry_max_interval=settings.outbox_retry_max_interval.total_seconds(),
            probe_max_interval=settings.channel_probe_max_interval.total_seconds(),
            channel_rates={"whatsapp": settings.whatsapp_rate_per_second},
        )

        def new_dispatcher() -> Dispatcher:
            dispatcher.rearm()  # a new term: recover what a dead leader left in flight
            return dispatcher

        stop = _stop_on_signals()
        if whatsapp is not None:
            await whatsapp.channel.start()
            stack.push_async_callback(whatsapp.channel.stop)
        board = None
        if telegram is not None:
            telegram.channel.on_network_error = partial(dispatcher.outages.failed_soon, "telegram")
            await telegram.channel.start()
            stack.push_async_callback(telegram.channel.stop)
            await telegram.sender.initialize()
            stack.push_async_callback(telegram.sender.shutdown)
            board = TelegramBoard(telegram.channel.application.bot)
        duties = LeaderDuties(
            new_dispatcher,
            lambda: ReminderScheduler(services),
            partial(_leader_jobs, services, board, settings, telegram),
        )
        leadership = Leadership(
            services.storage.db, settings.leader_takeover, duties.start, duties.stop
        )
        # Decided before the webhook answers, so /healthz never reports a leader too late.
        await leadership.try_to_lead()
        stack.push_async_callback(leadership.stop)
        if whatsapp is not None or settings.telegram_webhook:
            # Entered last, so it stops first: no update arrives while channels wind down.
            app = webhook_app(settings, services, telegram, whatsapp, leadership)
            await stack.enter_async_context(
                serve(app, settings.webhook_host, settings.webhook_port)
            )
        leading = asyncio.create_task(leadership.run(), name="leadership")
        try:
            await stop.wait()
        finally:
            logger.info("shutting down")
            await leadership.stop()
            await leading


def _leader_jobs(
    services: Services,
    board: TelegramBoard | None,
    settings: Settings,
    telegram: RunningTelegram | None,
    scheduler: ReminderScheduler,
) -> None:
    from bot.officer_jobs import OfficerJobs

    OfficerJobs(services, board, settings.retention_days).add_to(scheduler.scheduler)
    if telegram is not None:
        telegram.channel.menu.add_to(scheduler.scheduler)


class AlreadyPolling(Exception):
    """Long polling is single-process and another process already polls."""


class LeaderDuties:
    """What only the leader runs: the scheduler (with the officer jobs) and the dispatcher."""

    def __init__(
        self,
        new_dispatcher: Callable[[], Dispatcher],
        new_scheduler: Callable[[], ReminderScheduler],
        add_jobs: Callable[[ReminderScheduler], None],
    ) -> None:
        self._new_dispatcher = new_dispatcher
        self._new_scheduler = new_scheduler
        self._add_jobs = add_jobs
        self._running: tuple[ReminderScheduler, Dispatcher, asyncio.Task[None]] | None = None

    async def start(self) -> None:
        """Plan the reminders and jobs from the database and start sending the outbox."""
        if self._running is not None:
            return
        scheduler, dispatcher = self._new_scheduler(), self._new_dispatcher()
        await scheduler.start()
        self._add_jobs(scheduler)
        task = asyncio.create_task(dispatcher.run(), name="dispatcher")
        self._running = (scheduler, dispatcher, task)

    async def stop(self) -> None:
        """Stop the scheduler and let the dispatcher finish the sends in flight."""
        if self._running is None:
            return
        (scheduler, dispatcher, task), self._running = self._running, None
        scheduler.shutdown()
        dispatcher.stop()
        await task


def _stop_on_signals() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    return stop


async def run_demo(settings: Settings, database: Path, reader: TextIO, writer: TextIO) -> None:
    """Chat with the bot in the console on a fresh, seeded database."""
    from bot.channels.console import ConsoleChannel
    from bot.demo import seed_demo

    async with open_services(settings, database=database) as services:
        await seed_demo(services)
        await ConsoleChannel(build_router(), services, reader, writer).run()
