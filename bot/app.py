"""The composition root: settings → storage → services → router → channels, and back down."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TextIO

from bot.settings import Settings
from handlers.clock import Clock, SystemClock
from handlers.features import build_router
from handlers.regions import load_region, load_sectors
from handlers.turn import Services
from storage import Storage

logger = logging.getLogger(__name__)


@asynccontextmanager
async def open_services(
    settings: Settings, clock: Clock | None = None, database: Path | None = None
) -> AsyncIterator[Services]:
    """Open the database (migrating it) and build the services handlers need."""
    clock = clock or SystemClock()
    storage = await Storage.open(database or settings.database_path, clock.now())
    try:
        yield Services(
            storage=storage,
            clock=clock,
            zone=settings.zone,
            region=load_region(),
            sectors=load_sectors(),
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
    """Run the Telegram bot until SIGINT or SIGTERM."""
    from bot.channels.telegram import TelegramChannel

    settings.require_telegram_token()
    async with open_services(settings) as services:
        await bootstrap_admins(settings, services)
        channel = TelegramChannel(settings, build_router(), services)
        stop = _stop_on_signals()
        await channel.start()
        try:
            await stop.wait()
        finally:
            logger.info("shutting down")
            await channel.stop()


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
