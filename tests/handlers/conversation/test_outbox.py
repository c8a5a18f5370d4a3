"""Replies into the outbox and back: the mapping that keeps storage free of handlers."""

from __future__ import annotations

from handlers.conversation.messages import Button, Reply
from handlers.conversation.outbox import reply_of, stored
from storage import Storage
from storage.outbox import ReplyBody
from tests.support.chat import NOW


async def test_reply_with_buttons_round_trips(storage: Storage) -> None:
    reply = Reply(
        "Pengingat: bimtek besok 🎉",
        buttons=((Button("Saya hadir", "rsvp:1:yes"), Button("Tidak bisa hadir", "rsvp:1:no")),),
        menu=(("Jadwal", "Alat"),),
        request_contact="Bagikan nomor",
        remove_menu=True,
    )
    assert await storage.outbox.enqueue("k", "telegram", "1001", stored(reply), NOW)
    assert not await storage.outbox.enqueue("k", "telegram", "1001", stored(Reply("again")), NOW)
    message = await storage.outbox.get_by_key("k")
    assert message is not None
    assert reply_of(message.body) == reply


def test_the_stored_body_is_plain_data() -> None:
    body = stored(Reply("Halo", buttons=((Button("Ya", "erase:confirm:yes"),),)))
    assert body == ReplyBody.model_validate_json(body.model_dump_json())
    assert body.buttons[0][0].payload == "erase:confirm:yes"
