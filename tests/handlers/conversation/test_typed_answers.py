"""Typing a button's label (or its number) counts as pressing it, at every step of every flow.

The steps are not listed by hand: a crawler starts every command as a participant, as a new
person and as an admin, presses every button and types plausible answers at text steps, and
records every (flow, step) it reaches and those whose question shows buttons. At each of those,
each button is pressed on one copy of the database, its label typed (in lower case, with a
trailing "!") on a second and its number in the list on a third: the replies and the
conversation afterwards must be the same. The router's step tables are then enumerated: a step
of any flow that the crawl did not reach must be in SEEDED (started from a stored state and
checked the same way) or in UNREACHABLE with the reason, so a new flow or step fails this test
until it is covered.
"""

from __future__ import annotations

import re
import shutil
import uuid
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.features import build_router, domain_services
from handlers.conversation.messages import Reply
from handlers.conversation.turn import Services
from handlers.participants.fields import CANDIDATE
from handlers.participants.regions import load_region, load_sectors
from storage import Storage
from tests.support.chat import GOOD_NIK, NOW, ZONE, Chat, add_session, register
from tests.support.clock import FrozenClock
from tests.support.officers import ADMIN, allocate, enroll, make_officer, person

Action = tuple[str, str]  # ("text" | "press", what)
CANNED = (
    "Siti Aminah",
    "3216015505900099",
    "081234567899",
    "Batik Siti",
    "BTK-77",
    "2026-12-20 09:00",
    "2026-12-20 16:00",
    "30",
    "2",
    "-",
    "Aula Kecamatan",
    GOOD_NIK,
    "Halo semua, ini pengumuman.",
    "123456",
)
# Commands that show their buttons only when given a text.
WITH_ARGUMENTS = ("/peserta Peserta",)
SKIP_COMMANDS = frozenset({"batal", "cancel", "bantuan", "help", "start", "hapus"})
MAX_DEPTH = 12
PERSON = "1001"
# Check-in codes are random: two replays of the same path make different ones.
_DIGITS = re.compile(r"[0-9]+")
_RANDOM = re.compile(r"(?<=check-in: )\S+", re.IGNORECASE)


@dataclass(frozen=True)
class Seen:
    """What a replay ended with: the replies' texts and buttons, and the stored state."""

    texts: tuple[str, ...]
    buttons: tuple[str, ...]
    state: tuple[str, str] | None


@pytest.fixture
async def base(tmp_path: Path) -> AsyncIterator[Path]:
    """A database with a session, a registered participant with equipment, an admin."""
    path = tmp_path / "base.sqlite3"
    storage = await Storage.open(path, NOW)
    try:
        session = await add_session(storage)
        await add_session(storage, "BTK-02", title="Bimtek Kue")
        services = _services(storage)
        await register(Chat(build_router(), services, PERSON))
        other = await person(storage, 7)
        await enroll(storage, other, session)
        await allocate(storage, other)
        await make_officer(storage, ADMIN, "admin")
        # A full session (the waiting-list step) and an open ticket (the /tiket desk).
        full = await add_session(storage, "BTK-03", capacity=1, title="Bimtek Penuh")
        await enroll(storage, other, full)
        async with storage.db.transaction():
            await storage.tickets.open("telegram", "7", other.id, NOW)
            await storage.equipment_cases.open(1, "damaged", NOW)
    finally:
        await storage.close()
    yield path


def _services(storage: Storage) -> Services:
    return Services(
        storage=storage,
        clock=FrozenClock(NOW),
        zone=ZONE,
        region=load_region(),
        sectors=load_sectors(),
        provided=domain_services(),
    )


async def replay(
    base: Path,
    folder: Path,
    who: str,
    actions: list[Action],
    seed: tuple[str, str, dict[str, object]] | None = None,
) -> Seen:
    """Run the actions on a fresh copy of the base database; return what the last one did.

    `seed` stores the person in a flow's step first (flow, step, data).
    """
    copy = folder / f"run-{uuid.uuid4().hex}.sqlite3"
    shutil.copyfile(base, copy)
    storage = await Storage.open(copy, NOW)
    try:
        if seed is not None:
            async with storage.db.transaction():
                await storage.conversations.save("telegram", who, *seed, NOW)
        chat = Chat(build_router(), _services(storage), who)
        for kind, what in actions:
            if kind == "text":
                await chat.text(what)
            elif kind == "kind":
                await chat.kind(what)
            else:
                await chat.payload(what)
        conversation = await storage.conversations.get("telegram", who)
        return Seen(
            texts=tuple(_RANDOM.sub("*", r.text) for r in chat.last if isinstance(r, Reply)),
            buttons=tuple(
                f"{b.label}\x00{b.payload}"
                for r in chat.last
                if isinstance(r, Reply)
                for row in r.buttons
                for b in row
            ),
            state=None if conversation is None else (conversation.flow, conversation.step),
        )
    finally:
        await storage.close()
        copy.unlink()


async def crawl(
    base: Path, folder: Path, who: str
) -> tuple[list[tuple[list[Action], Seen]], set[tuple[str, str]]]:
    """Return one way to reach each (flow, step) that shows buttons, and every step reached."""
    router = build_router()
    queue: deque[list[Action]] = deque(
        [("text", f"/{name}")] for name in sorted(router.commands) if name not in SKIP_COMMANDS
    )
    queue.extend([("text", command)] for command in WITH_ARGUMENTS)
    visited: set[object] = set()
    reached: set[tuple[str, str]] = set()
    choice_steps: list[tuple[list[Action], Seen]] = []
    while queue:
        path = queue.popleft()
        seen = await replay(base, folder, who, path)
        # A press that leaves no flow counts once per action (its ids do not matter).
        key = seen.state or (_DIGITS.sub("#", path[-1][1]) if path[-1][0] == "press" else path[-1])
        if key in visited or len(path) > MAX_DEPTH:
            continue
        visited.add(key)
        if seen.state is not None:
            reached.add(seen.state)
        if seen.state is not None and seen.buttons:
            choice_steps.append((path, seen))
        for button in dict.fromkeys(seen.buttons):
            queue.append([*path, ("press", button.split("\x00")[1])])
        if seen.state is not None and not seen.buttons:
            for answer in CANNED:
                moved = await replay(base, folder, who, [*path, ("text", answer)])
                if moved.state != seen.state:
                    queue.append([*path, ("text", answer)])
                    break
    return choice_steps, reached


# Steps the crawl does not reach from commands and buttons: who is stored at them, with what.
ANSWERED: dict[str, object] = {
    "consent": True,
    "full_name": "Siti Aminah",
    "nik": "3216015505900099",
    "phone": "+6281234567899",
    "business_name": "Batik Siti",
    "sector": "Kerajinan",
}
SEEDED: dict[tuple[str, str], tuple[str, dict[str, object]]] = {
    ("registration", "kecamatan_confirm"): ("3003", {**ANSWERED, CANDIDATE: "Setu"}),
    ("profile", "kecamatan_confirm"): (PERSON, {CANDIDATE: "Setu"}),
    ("registration", "waitlist"): ("3003", {**ANSWERED, "kecamatan": "Setu", "session_id": 3}),
    ("alat", "proof"): ("7", {"allocation_id": 1}),
}
# Steps no test here can show buttons at, and why.
UNREACHABLE = {
    ("registration", "phone"): "its one button shows only with a phone WhatsApp vouches for",
    ("profile", "phone"): "its one button shows only with a phone WhatsApp vouches for",
    # The quiz's buttons carry the question they answer, so typing is read by the quiz itself
    # (letter, number or the option's words): tests/handlers/evaluations/test_evaluation_rules.py.
    ("kuis", "answer"): "opens only from an invitation after a session; reads its own typing",
}


async def check_typing(
    base: Path,
    folder: Path,
    who: str,
    path: list[Action],
    seen: Seen,
    seed: tuple[str, str, dict[str, object]] | None = None,
) -> None:
    """Typing each button's label, and its number, must do what pressing it does."""
    for number, button in enumerate(seen.buttons, start=1):
        label, payload = button.split("\x00")
        if sum(1 for other in seen.buttons if other.split("\x00")[0] == label) > 1:
            continue  # two buttons with one label: typing cannot choose
        pressed = await replay(base, folder, who, [*path, ("press", payload)], seed)
        typed = await replay(base, folder, who, [*path, ("text", label.lower() + "!")], seed)
        assert typed == pressed, (seen.state, label)
        if len(seen.buttons) > 1 and seen.state not in UNREACHABLE:
            numbered = await replay(base, folder, who, [*path, ("text", f"{number}.")], seed)
            assert numbered == pressed, (seen.state, label, number)


async def test_typed_labels_and_numbers_count_at_every_step_of_every_flow(
    base: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "runs"
    folder.mkdir()
    reached: set[tuple[str, str]] = set()
    for who in (PERSON, "2002", ADMIN):
        steps, seen_steps = await crawl(base, folder, who)
        reached |= seen_steps
        assert steps, f"the crawler found no choice step for {who}"
        for path, seen in steps:
            await check_typing(base, folder, who, path, seen)
    for (flow, step), (who, data) in SEEDED.items():
        seed = (flow, step, data)
        seen = await replay(base, folder, who, [("kind", "unsupported")], seed)
        assert seen.state == (flow, step) and seen.buttons, (flow, step)
        await check_typing(base, folder, who, [("kind", "unsupported")], seen, seed)
        reached.add((flow, step))
    every_step = {
        (flow.name, step) for flow in build_router().flows.values() for step in flow.steps
    }
    assert sorted(every_step - reached - set(UNREACHABLE)) == []
