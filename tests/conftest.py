"""Shared fixtures: a fresh database per test, services on a frozen clock, a chat driver."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.features import build_router, domain_services, install_sentences
from handlers.conversation.router import Router
from handlers.conversation.turn import Services
from handlers.participants.regions import load_region, load_sectors
from storage import Storage
from tests.support.chat import NOW, ZONE, Chat
from tests.support.clock import FrozenClock
from tests.support.postgres import Server, Unavailable, start_server

os.environ.setdefault("PTB_TIMEDELTA", "1")


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


ENGINES = ("sqlite", "postgresql")
# The test folders whose tests run on every engine (with their subfolders: the handler tests
# sit in one folder per domain); the rest run on SQLite, the fast path.
TESTS = Path(__file__).resolve().parent
BOTH_ENGINES = (TESTS / "storage", TESTS / "handlers")


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add --run-slow (minutes-long tests) and --engines (where storage and handlers run)."""
    parser.addoption("--run-slow", action="store_true", help="also run tests marked slow")
    parser.addoption(
        "--engines",
        default=",".join(ENGINES),
        help="comma-separated engines for tests/storage and tests/handlers"
        " (sqlite,postgresql; PostgreSQL skips with a reason when no server can be had)",
    )


def requested_engines(config: pytest.Config) -> list[str]:
    """Return the engines asked for on the command line, in a fixed order."""
    asked = {name.strip() for name in str(config.getoption("--engines")).split(",")}
    unknown = asked - set(ENGINES)
    if unknown:
        raise pytest.UsageError(f"--engines: unknown engine(s) {sorted(unknown)}")
    return [name for name in ENGINES if name in asked]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run the storage and handler tests that use the database once per engine."""
    if "engine" not in metafunc.fixturenames:
        return
    path = Path(metafunc.definition.path).resolve()
    if any(path.is_relative_to(folder) for folder in BOTH_ENGINES):
        metafunc.parametrize("engine", requested_engines(metafunc.config), indirect=True)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[Server]:
    """Return a PostgreSQL server for the session, or skip with the reason there is none."""
    try:
        server = start_server()
    except Unavailable as reason:
        pytest.skip(f"PostgreSQL leg skipped: {reason}")
    try:
        yield server
    finally:
        if server.cluster is not None:
            server.cluster.stop()


@pytest.fixture
def engine(request: pytest.FixtureRequest) -> str:
    """Return the storage engine of this test (SQLite unless parametrised)."""
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture
async def database_target(
    engine: str, tmp_path: Path, request: pytest.FixtureRequest
) -> AsyncIterator[str | Path]:
    """Return a migrated database: a new SQLite file, or the session's PostgreSQL database
    (the storage fixture empties it before the test)."""
    if engine == "sqlite":
        yield tmp_path / "test.sqlite3"
        return
    server: Server = request.getfixturevalue("postgres_server")
    yield await server.shared_database()


@pytest.fixture
async def storage(
    database_target: str | Path, request: pytest.FixtureRequest
) -> AsyncIterator[Storage]:
    """Open a fresh, migrated database, closed after the test."""
    opened = await Storage.open(database_target, NOW)
    try:
        if opened.db.engine == "postgresql":
            # One database per session, emptied before each test (see tests/support/postgres.py).
            await request.getfixturevalue("postgres_server").reset(opened.db)
        yield opened
    finally:
        await opened.close()


@pytest.fixture(autouse=True, scope="session")
def domain_sentences() -> None:
    """Install the domains' sentences, as the composition root does before any handler runs."""
    install_sentences()


@pytest.fixture
def services(storage: Storage, clock: FrozenClock) -> Services:
    """Return the services handlers need, on the frozen clock."""
    return Services(
        storage=storage,
        clock=clock,
        zone=ZONE,
        region=load_region(),
        sectors=load_sectors(),
        provided=domain_services(),
    )


@pytest.fixture
def router() -> Router:
    """Return the router over every feature."""
    return build_router()


@pytest.fixture
def chat(router: Router, services: Services) -> Chat:
    """Return a chat driver for one person."""
    return Chat(router, services)
