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


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add --run-slow: also run the tests marked slow (minutes each, e.g. a 10-minute outage)."""
    parser.addoption("--run-slow", action="store_true", help="also run tests marked slow")


def pytest_configure(config: pytest.Config) -> None:
    """Register the slow marker."""
    config.addinivalue_line("markers", "slow: takes minutes; runs only with --run-slow")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip the slow tests unless --run-slow is given."""
    if config.getoption("--run-slow"):
        return
    skip = pytest.mark.skip(reason="slow: run with --run-slow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


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
