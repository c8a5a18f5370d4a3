"""A Telegram update delivered twice (to this process or another) is handled once."""

from __future__ import annotations

from datetime import timedelta

from bot.channels.running import once_per_update_id
from handlers.conversation.turn import Services


async def test_a_redelivered_update_id_is_acknowledged_but_not_handled(
    services: Services,
) -> None:
    handled: list[object] = []

    async def push(data: object) -> bool:
        handled.append(data)
        return True

    push_once = once_per_update_id(services, push)
    update = {"update_id": 7001, "message": {"text": "/start"}}
    assert await push_once(update)
    assert await push_once(dict(update))  # the 200 goes back, so Telegram stops retrying
    assert await push_once({"update_id": 7002})
    assert handled == [update, {"update_id": 7002}]


async def test_bodies_without_an_integer_update_id_go_to_the_channel_to_refuse(
    services: Services,
) -> None:
    seen: list[object] = []

    async def push(data: object) -> bool:
        seen.append(data)
        return False

    push_once = once_per_update_id(services, push)
    for body in ([1, 2], {"update_id": "7003"}, {"update_id": True}, "x", None):
        assert not await push_once(body)
    assert len(seen) == 5
    assert await services.storage.inbound.prune(services.clock.now() + timedelta(days=1)) == 0
