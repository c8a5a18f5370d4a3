"""A person's Telegram updates in order across processes: the chat's turns in the database."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from bot.channels.ordering import ChatTurns, chat_of
from handlers.conversation.turn import Services

CHAT = {"id": 501, "type": "private"}


@pytest.mark.parametrize(
    ("update", "chat"),
    [
        ({"update_id": 1, "message": {"chat": CHAT, "text": "hi"}}, "501"),
        ({"update_id": 1, "edited_message": {"chat": CHAT}}, "501"),
        ({"update_id": 1, "callback_query": {"id": "q", "message": {"chat": CHAT}}}, "501"),
        ({"update_id": 1, "callback_query": {"id": "q"}}, None),
        ({"update_id": 1, "message": {"chat": {"id": "501"}}}, None),
        ({"update_id": 1, "message": {"chat": {"id": True}}}, None),
        ({"update_id": 1, "message": "text"}, None),
        ({"update_id": 1, "poll": {"id": "p"}}, None),
        ([1, 2], None),
        (None, None),
    ],
)
def test_the_chat_of_a_raw_update(update: Any, chat: str | None) -> None:
    assert chat_of(update) == chat


async def test_an_update_waits_for_the_earlier_one_another_process_handles(
    services: Services,
) -> None:
    inbound, now = services.storage.inbound, services.clock.now()
    assert await inbound.first_time("telegram", "10", now, "501", 10)  # at process A
    assert await inbound.first_time("telegram", "11", now, "501", 11)  # at process B
    assert await inbound.first_time("telegram", "12", now, "777", 12)  # someone else
    turns = ChatTurns(services, hold=60, poll=0.01)
    waiting = asyncio.create_task(turns.wait(501, 11))
    await turns.wait(777, 12)  # another chat is not held
    await asyncio.sleep(0.1)
    assert not waiting.done()
    await turns.done(10)  # process A finished update 10
    await asyncio.wait_for(waiting, timeout=30)


async def test_an_earlier_update_that_never_comes_is_waited_for_only_so_long(
    services: Services,
) -> None:
    inbound, now = services.storage.inbound, services.clock.now()
    assert await inbound.first_time("telegram", "10", now, "501", 10)  # its process died
    assert await inbound.first_time("telegram", "11", now, "501", 11)
    await asyncio.wait_for(ChatTurns(services, hold=0.1, poll=0.01).wait(501, 11), timeout=30)
    await ChatTurns(services).done(11)
    assert await inbound.earlier_unhandled("telegram", "501", 12, now)
