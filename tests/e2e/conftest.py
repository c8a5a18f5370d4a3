"""End-to-end fixtures: the fake Telegram Bot API and the real bot process against it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

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
