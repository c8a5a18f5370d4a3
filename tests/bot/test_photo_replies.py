"""Replies that carry a photo by file id: caption, long text, and a file id Telegram refuses."""

from __future__ import annotations

from typing import Any

import pytest
from telegram.error import BadRequest

from bot.channels.telegram import send_reply
from handlers.conversation.messages import Button, Reply
from handlers.conversation.outbox import reply_of, stored
from storage.outbox import ReplyBody

BUTTONS = ((Button("✅ Selesaikan kasus #1", "alatp:resolve:1"),),)


class RecordingBot:
    """Stands in for telegram.Bot: records what would be sent."""

    def __init__(self, refuse_photo: bool = False) -> None:
        self.refuse_photo = refuse_photo
        self.sent: list[tuple[str, dict[str, Any]]] = []

    async def send_photo(self, chat_id: int, photo: object, **options: Any) -> None:
        if self.refuse_photo:
            raise BadRequest("Wrong file identifier/http url specified")
        self.sent.append(("photo", {"photo": photo, **options}))

    async def send_message(self, chat_id: int, text: str, **options: Any) -> None:
        self.sent.append(("message", {"text": text, **options}))


async def test_short_text_is_the_caption_with_the_buttons() -> None:
    bot = RecordingBot()
    await send_reply(bot, 9001, Reply("Kasus #1", buttons=BUTTONS, photo_file_id="AgACPhoto"))
    [(kind, sent)] = bot.sent
    assert (kind, sent["photo"], sent["caption"]) == ("photo", "AgACPhoto", "Kasus #1")
    assert sent["reply_markup"] is not None


async def test_long_text_follows_the_photo() -> None:
    bot = RecordingBot()
    text = "x" * 2000
    await send_reply(bot, 9001, Reply(text, buttons=BUTTONS, photo_file_id="AgACPhoto"))
    assert [kind for kind, _ in bot.sent] == ["photo", "message"]
    assert bot.sent[0][1]["caption"] is None and bot.sent[0][1]["reply_markup"] is None
    assert bot.sent[1][1]["text"] == text and bot.sent[1][1]["reply_markup"] is not None


async def test_a_refused_file_id_still_sends_the_text() -> None:
    bot = RecordingBot(refuse_photo=True)
    await send_reply(bot, 9001, Reply("Kasus #1", buttons=BUTTONS, photo_file_id="bad"))
    [(kind, sent)] = bot.sent
    assert (kind, sent["text"]) == ("message", "Kasus #1")


@pytest.mark.parametrize("photo", [None, "AgACPhoto"])
def test_the_outbox_body_keeps_the_photo(photo: str | None) -> None:
    reply = Reply("Kasus #1", buttons=BUTTONS, photo_file_id=photo)
    body = ReplyBody.model_validate_json(stored(reply).model_dump_json())
    assert reply_of(body) == reply
