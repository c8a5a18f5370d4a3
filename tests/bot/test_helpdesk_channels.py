"""What the channels hand the help desk: Telegram replies, documents and voice notes;
WhatsApp documents and audio."""

from __future__ import annotations

from typing import Any

import pytest
from telegram import Update

from bot.channels.telegram import to_inbound
from bot.channels.whatsapp import WebhookMessage
from bot.channels.whatsapp import to_inbound as whatsapp_inbound

USER = {"id": 7101, "is_bot": False, "first_name": "Siti"}
CHAT = {"id": 7101, "type": "private", "first_name": "Siti"}


def update(**message: Any) -> Update:
    body = {"message_id": 12, "date": 0, "chat": CHAT, "from": USER, **message}
    return Update.de_json({"update_id": 1, "message": body}, None)


def test_a_telegram_reply_carries_the_replied_message_id() -> None:
    replied = {"message_id": 5, "date": 0, "chat": CHAT, "text": "🆕 Tiket #1"}
    inbound = to_inbound(update(text="Jawaban", reply_to_message=replied))
    assert inbound is not None
    assert (inbound.kind, inbound.text, inbound.reply_to) == ("text", "Jawaban", "5")


def test_a_plain_telegram_message_replies_to_nothing() -> None:
    inbound = to_inbound(update(text="Halo"))
    assert inbound is not None and inbound.reply_to is None


@pytest.mark.parametrize(
    ("field", "content", "kind"),
    [
        ("document", {"file_id": "BQAD", "file_unique_id": "u1"}, "document"),
        ("voice", {"file_id": "AwAC", "file_unique_id": "u2", "duration": 3}, "voice"),
        ("audio", {"file_id": "CQAC", "file_unique_id": "u3", "duration": 30}, "voice"),
    ],
)
def test_telegram_documents_and_voice_notes(
    field: str, content: dict[str, Any], kind: str
) -> None:
    inbound = to_inbound(update(**{field: content, "caption": "lihat ini"}))
    assert inbound is not None
    assert (inbound.kind, inbound.media_id) == (kind, content["file_id"])


@pytest.mark.parametrize(
    ("kind", "content", "expected"),
    [
        ("document", {"id": "m1", "mime_type": "application/pdf", "caption": "KTP"}, "document"),
        ("audio", {"id": "m2", "mime_type": "audio/ogg", "voice": True}, "voice"),
    ],
)
def test_whatsapp_documents_and_audio(kind: str, content: dict[str, Any], expected: str) -> None:
    message = WebhookMessage.model_validate(
        {"id": "wamid.1", "from": "6281234567890", "type": kind, kind: content}
    )
    inbound = whatsapp_inbound(message)
    assert inbound is not None
    assert (inbound.kind, inbound.media_id) == (expected, content["id"])


def test_whatsapp_media_without_an_id_is_unsupported() -> None:
    message = WebhookMessage.model_validate(
        {"id": "wamid.1", "from": "6281234567890", "type": "document", "document": {}}
    )
    inbound = whatsapp_inbound(message)
    assert inbound is not None and inbound.kind == "unsupported"
