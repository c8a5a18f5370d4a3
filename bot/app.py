"""The composition root: settings → storage → services → router → channels, and back down."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from functools import partial
from pathlib import Path
from typing import TextIO

from bot.channels.media import MediaStore
from bot.settings import Settings
from handlers.conversation.clock import Clock, SystemClock
from handlers.conversation.features import build_router
from handlers.conversation.turn import HelpdeskPolicy, Policy, Services
from handlers.participants.regions import load_region, load_sectors
from storage import Storage
from storage.outbox import OutboxDeadlines

logger = logging.getLogger(__name__)


@asynccontextmanager
async def open_services(
    settings: Settings, clock: Clock | None = None, database: Path | None = None
) -> AsyncIterator[Services]:
    """Open the database (migrating it) and build the services handlers need."""
    clock = clock or SystemClock()
    deadlines = OutboxDeadlines(
        broadcast=settings.broadcast_give_up_after, notice=settings.notice_give_up_after
    )
    storage = await Storage.open(database or settings.database_path, clock.now(), deadlines)
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
                helpdesk=HelpdeskPolicy(
                    hours=settings.office_hours,
                    followup=settings.helpdesk_followup,
                    max_alerts_per_hour=settings.helpdesk_max_alerts_per_hour,
                    autoclose=settings.helpdesk_autoclose,
                    show_officer_name=settings.helpdesk_show_officer_name,
                ),
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
    from bot.officer_jobs import OfficerJobs
    from bot.scheduler import ReminderScheduler
    from bot.webhook import serve

    settings.check_channels()
    async with open_services(settings) as services, AsyncExitStack() as stack:
        await bootstrap_admins(settings, services)
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
        scheduler = ReminderScheduler(services)
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
        if whatsapp is not None or settings.telegram_webhook:
            # Entered last, so it stops first: no update arrives while channels wind down.
            app = webhook_app(settings, services, telegram, whatsapp)
            await stack.enter_async_context(
                serve(app, settings.webhook_host, settings.webhook_port)
            )
        await scheduler.start()
        OfficerJobs(
            services, board, settings.retention_days, media=MediaStore(settings.media_dir)
        ).add_to(scheduler.scheduler)
        if telegram is not None:
            telegram.channel.menu.add_to(scheduler.scheduler)
        dispatching = asyncio.create_task(dispatcher.run(), name="dispatcher")
        try:
            await stop.wait()
        finally:
            logger.info("shutting down")
            scheduler.shutdown()
            dispatcher.stop()
            await dispatching


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
