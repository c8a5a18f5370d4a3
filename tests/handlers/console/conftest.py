"""Fixtures of the console tests: the app over the test database, with sessions and people."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from starlette.applications import Starlette

from handlers.console.web import Console
from handlers.conversation.turn import Services
from storage.models import Officer
from tests.support.chat import NOW
from tests.support.console import Browser, build_console_app, client, sign_in
from tests.support.officers import person


@pytest.fixture
async def desk(services: Services, tmp_path: Path) -> tuple[Starlette, Console]:
    """Return the console app with two sessions and three participants in the database."""
    storage = services.storage
    async with storage.db.transaction():
        for code, days, capacity in (("BTK-01", 3, 30), ("BTK-02", 10, 2)):
            session = await storage.sessions.add(
                code=code,
                title=f"Bimtek {code}",
                venue="Aula Disperindag",
                starts_at=NOW + timedelta(days=days),
                ends_at=NOW + timedelta(days=days, hours=7),
                capacity=capacity,
                now=NOW,
            )
            if code == "BTK-02":
                second = session
    for number in (1, 2, 3):
        participant = await person(
            storage, number, kecamatan="Setu" if number < 3 else "Tambun Utara"
        )
        if number < 3:
            async with storage.db.transaction():
                await storage.enrollments.enroll(participant.id, second.id, "enrolled", NOW)
    return build_console_app(services, tmp_path / "media")


@pytest.fixture
async def officer(services: Services) -> Officer:
    """Return an officer (not admin)."""
    return await services.storage.officers.add("telegram", "7001", "officer", NOW)


@pytest.fixture
async def admin(services: Services) -> Officer:
    """Return an admin."""
    return await services.storage.officers.add("telegram", "7002", "admin", NOW)


@pytest.fixture
async def as_officer(
    services: Services, desk: tuple[Starlette, Console], officer: Officer
) -> AsyncIterator[Browser]:
    """Return a browser signed in as the officer."""
    browser = await sign_in(services, desk[0], officer)
    try:
        yield browser
    finally:
        await browser.http.aclose()


@pytest.fixture
async def as_admin(
    services: Services, desk: tuple[Starlette, Console], admin: Officer
) -> AsyncIterator[Browser]:
    """Return a browser signed in as the admin."""
    browser = await sign_in(services, desk[0], admin)
    try:
        yield browser
    finally:
        await browser.http.aclose()


@pytest.fixture
async def anonymous(desk: tuple[Starlette, Console]) -> AsyncIterator[Browser]:
    """Return a browser that never signed in."""
    browser = Browser(client(desk[0]))
    try:
        yield browser
    finally:
        await browser.http.aclose()
