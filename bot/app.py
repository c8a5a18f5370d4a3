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

from bot.channels.media import MediaStore
from bot.console_photos import ConsolePhotos
from bot.features import build_router, domain_services, install_sentences
from bot.leadership import Leadership
from bot.pacing import ChannelLimits, in_flight_for
from bot.settings import Settings
from handlers.conversation.clock import Clock, SystemClock
from handlers.conversation.turn import Policy, Services
from handlers.helpdesk.policy import HelpdeskPolicy
from handlers.participants.regions import load_region, load_sectors
from storage import Storage
from storage.outbox import OutboxDeadlines

if TYPE_CHECKING:
    from bot.channels.console import ConsoleChannel
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
    install_sentences()
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
                public_base_url=settings.public_base_url,
            ),
            provided=domain_services(
                evaluations=settings.evaluation_policy,
                helpdesk=HelpdeskPolicy(
                    hours=settings.office_hours,
                    followup=settings.helpdesk_followup,
                    max_alerts_per_hour=settings.helpdesk_max_alerts_per_hour,
                    autoclose=settings.helpdesk_autoclose,
                    show_officer_name=settings.helpdesk_show_officer_name,
                ),
            ),
            files=ConsolePhotos(
                MediaStore(settings.media_dir),
                settings.telegram_bot_token,
                settings.telegram_api_base_url,
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
    for warning in settings.deprecations():
        logger.warning("settings: %s", warning)
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
            settings.telegram_rate,
            retry_max_interval=settings.outbox_retry_max_interval.total_seconds(),
            probe_max_interval=settings.channel_probe_max_interval.total_seconds(),
            channels=channel_limits(settings),
        )

        def new_dispatcher() -> Dispatcher:
            dispatcher.rearm()  # a new term: recover what a dead leader left in flight
            return dispatcher

        stop = _stop_on_signals()
        if whatsapp is not None:
            # A reply queued after a failed send goes out at once, not at the next poll.
            whatsapp.channel.fallback.on_queued = dispatcher.wake
            await whatsapp.channel.start()
            stack.push_async_callback(whatsapp.channel.stop)
        board = None
        if telegram is not None:
            telegram.channel.on_network_error = partial(dispatcher.outages.failed_soon, "telegram")
            telegram.channel.fallback.on_queued = dispatcher.wake
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
        if whatsapp is not None or settings.telegram_webhook or settings.public_base_url:
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
    from bot.evaluation_jobs import EvaluationJobs
    from bot.officer_jobs import OfficerJobs

    OfficerJobs(
        services, board, settings.retention_days, media=MediaStore(settings.media_dir)
    ).add_to(scheduler.scheduler)
    EvaluationJobs(services).add_to(scheduler.scheduler)
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


def channel_limits(settings: Settings) -> dict[str, ChannelLimits]:
    """Return each platform's own pace: its rate, overlapping sends and per-chat spacing."""
    whatsapp = settings.whatsapp_rate_per_second
    return {
        "telegram": ChannelLimits(settings.telegram_rate),
        "whatsapp": ChannelLimits(whatsapp, max_in_flight=in_flight_for(whatsapp)),
    }


def _stop_on_signals() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    return stop


async def run_demo(
    settings: Settings,
    database: Path,
    reader: TextIO,
    writer: TextIO,
    *,
    web_port: int | None = None,
) -> None:
    """Chat with the bot in the console on a fresh, seeded database.

    With `web_port`, the officer web console is served on 127.0.0.1 beside the chat, and a
    sign-in link for the demo's admin is printed first.
    """
    from bot.channels.console import ConsoleChannel
    from bot.demo import seed_demo, seed_web_demo

    if web_port is not None:
        base = settings.public_base_url or f"http://127.0.0.1:{web_port}"
        settings = settings.model_copy(update={"public_base_url": base})
    async with open_services(settings, database=database) as services, AsyncExitStack() as stack:
        chat = ConsoleChannel(build_router(), services, reader, writer)
        if web_port is None:
            await seed_demo(services)
        else:
            await seed_web_demo(services)
            await _serve_demo_console(settings, services, web_port, writer, stack)
            await _deliver_to_demo_chat(settings, services, chat, stack)
        await chat.run()


async def _deliver_to_demo_chat(
    settings: Settings, services: Services, chat: ConsoleChannel, stack: AsyncExitStack
) -> None:
    """Run the outbox and the broadcast worker as `run` does, delivering into the chat."""
    from bot.channels.console import ConsoleSender
    from bot.channels.senders import ChannelRouter
    from bot.dispatcher import Dispatcher
    from bot.officer_jobs import OfficerJobs
    from bot.scheduler import ReminderScheduler

    dispatcher = Dispatcher(
        services.storage,
        ChannelRouter({"console": ConsoleSender(chat)}),
        services.clock,
        settings.telegram_rate,  # the demo chat is paced like a Telegram chat
        retry_max_interval=settings.outbox_retry_max_interval.total_seconds(),
        probe_max_interval=settings.channel_probe_max_interval.total_seconds(),
    )
    scheduler = ReminderScheduler(services)
    await scheduler.start()
    stack.callback(scheduler.shutdown)
    OfficerJobs(services, None, retention_days=0).add_to(scheduler.scheduler)
    dispatching = asyncio.create_task(dispatcher.run(), name="dispatcher")

    async def stop() -> None:
        dispatcher.stop()
        await dispatching

    stack.push_async_callback(stop)


async def _serve_demo_console(
    settings: Settings, services: Services, port: int, writer: TextIO, stack: AsyncExitStack
) -> None:
    from bot.channels.console import ADDRESS
    from bot.channels.running import build_console
    from bot.verification_web import verification_routes
    from bot.webhook import build_app, serve
    from handlers.console.app import console_mount
    from handlers.console.signin import issue_link

    async def health() -> dict[str, object]:
        await services.storage.db.fetch_value("SELECT 1")
        return {"channels": ["console"]}

    console = console_mount(build_console(settings, services))
    app = build_app(health, extra_routes=[*verification_routes(services), console])
    await stack.enter_async_context(serve(app, "127.0.0.1", port))
    officer = await services.storage.officers.get("console", ADDRESS)
    assert officer is not None  # noqa: S101 - seed_demo made the console person an admin
    base = str(settings.public_base_url)
    link = await issue_link(services.storage, officer, base, services.clock.now())
    writer.write(
        f"Konsol web: {base}/console/ — masuk dengan tautan ini (10 menit, sekali pakai):\n"
        f"{link}\nTautan baru kapan saja: ketik /konsol di chat di bawah. Anda juga peserta"
        " BTK-01 di demo ini: siaran yang dikirim dari konsol muncul di chat ini.\n\n"
    )
    writer.flush()
