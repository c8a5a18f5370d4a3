"""End-to-end fixtures: the fake Telegram Bot API and the real bot process against it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.fake_graph import FakeGraph
from tests.support.fake_telegram import FakeTelegram
from tests.support.harness import BotProcess


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    """Run a fake Telegram Bot API server for the test."""
    with FakeTelegram() as server:
        yield server


@pytest.fixture
def bot(fake: FakeTelegram, tmp_path: Path) -> Iterator[BotProcess]:
    """Start the real bot process against the fake; stop it after the test."""
    process = BotProcess(fake, tmp_path, {})
    process.start()
    try:
        yield process
    finally:
        process.stop()


@pytest.fixture
def graph() -> Iterator[FakeGraph]:
    """Run a fake WhatsApp Cloud API (Graph API) server for the test."""
    with FakeGraph() as server:
        yield server


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """Launch Debian's headless Chromium once for the browser tests of a module.

    Playwright's sync API runs an event loop in this thread while it is open, which the
    asyncio tests after it cannot share: so it closes with the module (the browser tests
    live in one module, so they still share one browser).
    """
    if not CHROMIUM.exists():
        pytest.skip(
            "browser tests need Debian's chromium: `sudo apt-get install chromium`"
            " (or `make system`)"
        )
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS)
        )
        try:
            yield browser
        finally:
            browser.close()
