"""Whatever arrives at any registration step: never the generic error, never a stray write."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.features import domain_services
from handlers.conversation.messages import parse_command
from handlers.conversation.router import Router
from handlers.conversation.turn import Services
from handlers.participants.regions import load_region, load_sectors
from storage import Storage
from tests.support.chat import NOW, ZONE, Chat
from tests.support.clock import FrozenClock
from tests.support.registration import (
    GENERIC_ERROR,
    STEPS,
    conversation_of,
    seed_sessions,
    walk_to,
)

# Fresh database per example (function-scoped fixtures are shared between examples); about
# 15 ms each, so 12 steps x 2 kinds x 30 examples stay well under the time budget.
PER_STEP = settings(
    max_examples=30,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@dataclass(frozen=True)
class Sent:
    """One thing sent to the bot: typed text or a pressed button's payload."""

    kind: str
    value: str


TEXTS = st.text(max_size=300).map(lambda text: Sent("text", text))
PAYLOADS = st.one_of(
    st.text(max_size=80),
    st.from_regex(r"registration:[a-z_]{1,20}:.{0,30}", fullmatch=True),
    st.sampled_from(
        [
            f"registration:{step}:{value}"
            for step in STEPS
            for value in ("yes", "no", "ok", "change", "other", "none", "0", "1", "22", "nik")
        ]
    ),
).map(lambda payload: Sent("button", payload))


def ends_the_flow(step: str, sent: Sent) -> bool:
    """Tell whether this input may legitimately end the conversation at this step."""
    if sent.kind == "text":
        command = parse_command(sent.value)
        return command is not None and command.name in ("batal", "cancel")
    return (step, sent.value) in {
        ("consent", "registration:consent:no"),
        ("summary", "registration:summary:ok"),
    }


async def send_at_step(router: Router, step: str, inputs: list[Sent]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        storage = await Storage.open(Path(folder) / "property.sqlite3", NOW)
        try:
            services = Services(
                storage=storage,
                clock=FrozenClock(NOW),
                zone=ZONE,
                region=load_region(),
                sectors=load_sectors(),
                provided=domain_services(),
            )
            await check_inputs(Chat(router, services), storage, step, inputs)
        finally:
            await storage.close()


async def check_inputs(chat: Chat, storage: Storage, step: str, inputs: list[Sent]) -> None:
    await seed_sessions(storage)
    seeded = await storage.participants.count_active()
    await walk_to(chat, step)
    state = await conversation_of(storage, chat)
    assert state is not None and state[1] == step
    stored = 0
    for sent in inputs:
        if state is None:
            break
        current = state[1]
        if sent.kind == "text":
            await chat.text(sent.value)
        else:
            await chat.payload(sent.value)
        assert chat.last, "every input gets an answer"
        assert GENERIC_ERROR not in chat.said, (current, sent)
        state = await conversation_of(storage, chat)
        if (current, sent.value) == ("summary", "registration:summary:ok"):
            stored += 1
        if state is None:
            assert ends_the_flow(current, sent), (current, sent)
        else:
            assert state[0] == "registration" and state[1] in STEPS
        assert await storage.participants.count_active() == seeded + stored, (current, sent)


@pytest.mark.parametrize("step", STEPS)
@PER_STEP
@given(inputs=st.lists(TEXTS, min_size=1, max_size=3))
async def test_any_text_at_any_step(router: Router, step: str, inputs: list[Sent]) -> None:
    await send_at_step(router, step, inputs)


@pytest.mark.parametrize("step", STEPS)
@PER_STEP
@given(inputs=st.lists(PAYLOADS, min_size=1, max_size=3))
async def test_any_button_payload_at_any_step(
    router: Router, step: str, inputs: list[Sent]
) -> None:
    await send_at_step(router, step, inputs)
