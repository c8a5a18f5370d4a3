"""Where an audited action came from: the entry point's `via`, else what the actor says."""

from __future__ import annotations

import pytest

from storage import Storage
from storage.audit import audited_via
from tests.support.chat import NOW


@pytest.mark.parametrize(
    ("actor", "via"),
    [("officer:3", "chat"), ("participant:9", "chat"), ("cli", "cli"), ("scheduler", "system")],
)
async def test_via_follows_the_actor(storage: Storage, actor: str, via: str) -> None:
    await storage.audit.record(actor, "something", None, NOW)
    assert (await storage.audit.latest(1))[0].via == via


async def test_the_console_marks_its_entries(storage: Storage) -> None:
    with audited_via("console"):
        await storage.audit.record("officer:3", "session.edit", "BTK-01", NOW)
    await storage.audit.record("officer:3", "session.edit", "BTK-01", NOW)
    assert [entry.via for entry in await storage.audit.latest(2)] == ["chat", "console"]
