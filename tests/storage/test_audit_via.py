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


async def test_an_officer_is_named_as_they_were_when_they_acted(storage: Storage) -> None:
    officer = await storage.officers.add("telegram", "501", "officer", NOW, display_name="Sari")
    actor = f"officer:{officer.id}"
    await storage.audit.record(actor, "faq.add", "faq:1", NOW)
    await storage.officers.set_display_name(officer.id, "Sari W.")
    await storage.audit.record(actor, "faq.edit", "faq:1", NOW)
    await storage.officers.set_display_name(officer.id, None)
    await storage.audit.record(actor, "faq.remove", "faq:1", NOW)
    entries = await storage.audit.latest(3)
    # `actor` is unchanged for what matches on it; the name is the one of that moment.
    assert [entry.actor for entry in entries] == [actor] * 3
    assert [entry.actor_name for entry in entries] == [None, "Sari W.", "Sari"]
    assert [entry.who for entry in entries] == [actor, f"Sari W. ({actor})", f"Sari ({actor})"]


@pytest.mark.parametrize(
    "actor",
    [
        "cli",
        "scheduler",
        "participant:1",
        "officer:",
        "officer:x",
        "officer:99",
        "officer:1 OR 1=1",
        "officer:" + "9" * 40,
        "officer:١",
    ],
)
async def test_other_actors_and_forged_officers_have_no_name(storage: Storage, actor: str) -> None:
    await storage.officers.add("telegram", "501", "officer", NOW, display_name="Sari")
    await storage.audit.record(actor, "something", None, NOW)
    entry = (await storage.audit.latest(1))[0]
    assert (entry.actor, entry.actor_name, entry.who) == (actor, None, actor)
