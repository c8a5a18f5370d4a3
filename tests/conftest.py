"""Shared fixtures: a fresh database per test, services on a frozen clock, a chat driver."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from handlers.conversation.features import build_router
from handlers.conversation.router import Router
from handlers.conversation.turn import Services
from handlers.participants.regions import load_region, load_sectors
from storage import Storage
from tests.support.chat import NOW, ZONE, Chat
from tests.support.clock import FrozenClock

os.environ.setdefault("PTB_TIMEDELTA", "1")


@pytest.fixture
def clock() -> FrozenClock:
    """Return a clock frozen at a known moment."""
    return FrozenClock(NOW)


@pytest.fixture
async def storage(tmp_path: Path) -> AsyncIterator[Storage]:
    """Open a fresh, migrated database file, closed after the test."""
    opened = await Storage.open(tmp_path / "test.sqlite3", NOW)
    try:
        yield opened
    finally:
        await opened.close()


@pytest.fixture
def services(storage: Storage, clock: FrozenClock) -> Services:
    """Return the services handlers need, on the frozen clock."""
    return Services(
        storage=storage, clock=clock, zone=ZONE, region=load_region(), sectors=load_sectors()
    )


@pytest.fixture
def router() -> Router:
    """Return the router over every feature."""
    return build_router()


@pytest.fixture
def chat(router: Router, services: Services) -> Chat:
    """Return a chat driver for one person."""
    return Chat(router, services)
