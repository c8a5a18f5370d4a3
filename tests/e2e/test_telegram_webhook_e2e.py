"""Telegram in webhook mode through the real process: setWebhook, the secret-token header,
updates POSTed to the same server that serves WhatsApp."""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.fake_telegram import FakeTelegram, callback_data
from tests.support.whatsapp_harness import WebhookBot, free_port

SECRET = "webhook-secret_123"
URL = "https://bot.example.org/telegram"
CHAT = 5001
_ids = itertools.count(1)


@pytest.fixture
def hook_bot(fake: FakeTelegram, tmp_path: Path) -> Iterator[WebhookBot]:
    """Start the bot with Telegram in webhook mode (no WhatsApp)."""
    port = free_port()
    bot = WebhookBot(
        fake,
        tmp_path,
        port,
        {
            "TELEGRAM_WEBHOOK_URL": URL,
            "TELEGRAM_WEBHOOK_SECRET": SECRET,
            "WEBHOOK_PORT": str(port),
        },
    )
    bot.start()
    try:
        yield bot
    finally:
        bot.stop()


def user() -> dict[str, Any]:
    return {"id": CHAT, "is_bot": False, "first_name": "Tester"}


def text_update(text: str) -> dict[str, Any]:
    message: dict[str, Any] = {
        "message_id": next(_ids),
        "date": int(time.time()),
        "chat": {"id": CHAT, "type": "private", "first_name": "Tester"},
        "from": user(),
        "text": text,
    }
    if text.startswith("/"):
        message["entities"] = [
            {"offset": 0, "length": len(text.split()[0]), "type": "bot_command"}
        ]
    return {"update_id": next(_ids), "message": message}


def button_update(payload: str) -> dict[str, Any]:
    return {
        "update_id": next(_ids),
        "callback_query": {
            "id": str(next(_ids)),
            "from": user(),
            "chat_instance": "42",
            "data": payload,
            "message": {
                "message_id": next(_ids),
                "date": int(time.time()),
                "chat": {"id": CHAT, "type": "private", "first_name": "Tester"},
                "text": "earlier question",
            },
        },
    }


def post(bot: WebhookBot, body: bytes, secret: str | None = SECRET) -> httpx.Response:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    return httpx.post(bot.url + "/telegram", content=body, headers=headers, timeout=10)


def push(bot: WebhookBot, fake: FakeTelegram, update: dict[str, Any]) -> list[str]:
    """POST an update with the secret and return the texts of the replies."""
    mark = fake.mark()
    assert post(bot, json.dumps(update).encode()).status_code == 200
    fake.next_reply(CHAT, mark, timeout=15)
    fake.wait_idle(CHAT, quiet=0.3, timeout=15)
    return [call.text or "" for call in fake.messages_to(CHAT)[len(_before(fake, mark)) :]]


def _before(fake: FakeTelegram, mark: int) -> list[Any]:
    return [
        call
        for call in fake.calls()[:mark]
        if call.method in ("sendMessage", "sendDocument", "sendPhoto", "editMessageText")
        and call.params.get("chat_id") == CHAT
    ]


def test_webhook_is_registered_with_the_secret(hook_bot: WebhookBot, fake: FakeTelegram) -> None:
    calls = fake.calls("setWebhook")
    assert len(calls) == 1
    assert calls[0].params["url"] == URL
    assert calls[0].params["secret_token"] == SECRET
    assert fake.poll_times() == []
    health = httpx.get(hook_bot.url + "/healthz")
    assert health.json() == {
        "status": "ok",
        "channels": {"telegram": {"state": "up", "waiting": 0}},
        "outbox": {"waiting": 0},
        "leader": True,
    }
    # WhatsApp is not configured, so its route does not exist.
    assert httpx.post(hook_bot.url + "/whatsapp", content=b"{}").status_code == 404


def test_updates_with_the_secret_are_answered(hook_bot: WebhookBot, fake: FakeTelegram) -> None:
    replies = push(hook_bot, fake, text_update("/daftar"))
    assert any("Apakah Anda setuju?" in text for text in replies), replies
    consent = fake.messages_to(CHAT)[-1]
    replies = push(hook_bot, fake, button_update(callback_data(consent, "Setuju")))
    assert any("nama lengkap" in text.lower() for text in replies), replies
    assert hook_bot.query("SELECT flow, step FROM conversation") == [("registration", "full_name")]


def test_updates_without_the_secret_are_refused(hook_bot: WebhookBot, fake: FakeTelegram) -> None:
    update = json.dumps(text_update("/start")).encode()
    assert post(hook_bot, update, secret=None).status_code == 403
    assert post(hook_bot, update, secret="wrong").status_code == 403
    assert post(hook_bot, b"{not json").status_code == 400
    assert post(hook_bot, b'{"no": "update"}').status_code == 400
    assert post(hook_bot, b"[]").status_code == 400
    assert post(hook_bot, b"{" + b" " * (300 * 1024) + b"}").status_code == 413
    time.sleep(0.5)
    assert fake.messages_to(CHAT) == []
    assert hook_bot.query("SELECT COUNT(*) FROM contact") == [(0,)]
    assert push(hook_bot, fake, text_update("/bantuan"))
