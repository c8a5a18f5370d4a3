"""The Telegram adapter: updates into Inbound, replies into keyboards, per-chat ordering."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from telegram import (
    InlineKeyboardMarkup,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)

from bot.channels.telegram import PerChatUpdateProcessor, reply_markup, to_inbound
from handlers.conversation.messages import Button, Reply

USER = {"id": 42, "is_bot": False, "first_name": "Siti"}
PRIVATE = {"id": 42, "type": "private", "first_name": "Siti"}


def update(**fields: Any) -> Update:
    return Update.de_json({"update_id": 1, **fields}, bot=None)


def message(**fields: Any) -> dict[str, Any]:
    return {"message_id": 7, "date": 0, "chat": PRIVATE, "from": USER, **fields}


def test_text_becomes_a_text_inbound() -> None:
    inbound = to_inbound(update(message=message(text="/daftar")))
    assert inbound is not None
    assert (inbound.kind, inbound.text, inbound.address, inbound.sender_id) == (
        "text",
        "/daftar",
        "42",
        "42",
    )
    assert inbound.private


def test_callback_becomes_a_button_inbound() -> None:
    query = {
        "id": "q",
        "from": USER,
        "chat_instance": "c",
        "data": "lang:en",
        "message": message(),
    }
    inbound = to_inbound(update(callback_query=query))
    assert inbound is not None and (inbound.kind, inbound.payload) == ("button", "lang:en")


def test_contact_keeps_its_owner() -> None:
    contact = {"phone_number": "+6281234567890", "first_name": "Siti", "user_id": 42}
    inbound = to_inbound(update(message=message(contact=contact)))
    assert inbound is not None
    assert (inbound.kind, inbound.contact_phone, inbound.contact_user_id) == (
        "contact",
        "+6281234567890",
        "42",
    )


@pytest.mark.parametrize(
    ("fields", "kind"),
    [
        ({"sticker": {"file_id": "s", "file_unique_id": "u", "width": 1, "height": 1,
                      "is_animated": False, "is_video": False, "type": "regular"}}, "unsupported"),
        ({"voice": {"file_id": "v", "file_unique_id": "u", "duration": 1}}, "voice"),
        ({"location": {"latitude": -6.2, "longitude": 107.1}}, "location"),
        ({"photo": [{"file_id": "p", "file_unique_id": "u", "width": 1, "height": 1}]}, "photo"),
    ],
)  # fmt: skip
def test_other_messages(fields: dict[str, Any], kind: str) -> None:
    inbound = to_inbound(update(message=message(**fields)))
    assert inbound is not None and inbound.kind == kind


def test_edited_message_and_group_chat() -> None:
    edited = to_inbound(update(edited_message=message(text="x", edit_date=1)))
    assert edited is not None and edited.kind == "edited"
    group = {"id": -100, "type": "group", "title": "Grup"}
    in_group = to_inbound(update(message=message(text="/daftar", chat=group)))
    assert in_group is not None and not in_group.private


def test_updates_without_a_person_are_ignored() -> None:
    bot_user = {**USER, "is_bot": True}
    assert to_inbound(update(message=message(text="hi", **{"from": bot_user}))) is None
    channel_post = {"message_id": 1, "date": 0, "chat": {"id": -5, "type": "channel"}}
    assert to_inbound(update(channel_post=channel_post)) is None


def test_keyboards() -> None:
    inline = reply_markup(Reply("x", buttons=((Button("Setuju", "registration:consent:yes"),),)))
    assert isinstance(inline, InlineKeyboardMarkup)
    assert inline.inline_keyboard[0][0].callback_data == "registration:consent:yes"
    contact = reply_markup(Reply("x", request_contact="📱 Bagikan nomor"))
    assert isinstance(contact, ReplyKeyboardMarkup)
    assert contact.keyboard[0][0].request_contact
    menu = reply_markup(Reply("x", menu=(("📝 Daftar", "❓ Bantuan"),)))
    assert isinstance(menu, ReplyKeyboardMarkup) and menu.is_persistent
    assert isinstance(reply_markup(Reply("x", remove_menu=True)), ReplyKeyboardRemove)
    assert reply_markup(Reply("x")) is None


async def test_one_chat_in_order_different_chats_concurrently() -> None:
    processor = PerChatUpdateProcessor(64)
    log: list[tuple[int, int, str]] = []

    async def work(chat: int, index: int) -> None:
        log.append((chat, index, "start"))
        await asyncio.sleep(0.01 * (3 - index))  # later updates are quicker
        log.append((chat, index, "end"))

    tasks = [
        asyncio.create_task(
            processor.process_update(update(message=message(chat={**PRIVATE, "id": chat})),
                                     work(chat, index))
        )
        for index in range(3)
        for chat in (1, 2)
    ]  # fmt: skip
    await asyncio.gather(*tasks)
    for chat in (1, 2):
        events = [(index, what) for c, index, what in log if c == chat]
        assert events == [(0, "start"), (0, "end"), (1, "start"), (1, "end"), (2, "start"),
                          (2, "end")]  # fmt: skip
    first_end = next(i for i, entry in enumerate(log) if entry[2] == "end")
    assert {chat for chat, _, what in log[:first_end] if what == "start"} == {1, 2}
