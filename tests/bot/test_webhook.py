"""The ASGI webhook app: signatures, the handshake, size and shape limits, Telegram's secret."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from chat_support import NOW

from bot.channels.running import health_report
from bot.channels.whatsapp import WebhookPayload
from bot.webhook import (
    MAX_BODY,
    TelegramEndpoint,
    WhatsAppEndpoint,
    build_app,
    valid_signature,
)
from handlers.core import Reply
from storage import Storage

SECRET = "app-secret"
VERIFY = "verify-me"
TELEGRAM_SECRET = "tg-secret"
BODY = json.dumps(
    {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "changes": [
                    {
                        "field": "messages",
                        "value": {
                            "metadata": {"phone_number_id": "1"},
                            "messages": [
                                {
                                    "from": "6281",
                                    "id": "wamid.1",
                                    "type": "text",
                                    "text": {"body": "hi"},
                                }
                            ],
                        },
                    }
                ]
            }
        ],
    }
).encode()


def sign(body: bytes, secret: str = SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class Recorder:
    def __init__(self) -> None:
        self.payloads: list[WebhookPayload] = []
        self.updates: list[object] = []

    async def receive(self, payload: WebhookPayload) -> None:
        self.payloads.append(payload)

    async def push(self, data: object) -> bool:
        if not isinstance(data, dict) or "update_id" not in data:
            return False
        self.updates.append(data)
        return True


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
async def client(recorder: Recorder) -> AsyncIterator[httpx.AsyncClient]:
    async def health() -> dict[str, Any]:
        return {"channels": ["whatsapp", "telegram"]}

    app = build_app(
        health,
        WhatsAppEndpoint(VERIFY, SECRET, recorder.receive),
        TelegramEndpoint(TELEGRAM_SECRET, recorder.push),
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://hook") as http:
        yield http


@pytest.mark.parametrize(
    ("header", "valid"),
    [
        (sign(BODY), True),
        (sign(BODY).upper().replace("SHA256=", "sha256="), True),
        (sign(BODY, "other-secret"), False),
        (sign(BODY + b" "), False),
        (sign(BODY)[len("sha256=") :], False),
        ("sha1=" + "0" * 40, False),
        ("", False),
        (None, False),
    ],
)
def test_signature_check(header: str | None, valid: bool) -> None:
    assert valid_signature(SECRET, BODY, header) is valid


async def test_signed_delivery_is_accepted(client: httpx.AsyncClient, recorder: Recorder) -> None:
    response = await client.post(
        "/whatsapp", content=BODY, headers={"X-Hub-Signature-256": sign(BODY)}
    )
    assert (response.status_code, response.text) == (200, "ok")
    [payload] = recorder.payloads
    assert payload.for_number("1")[0].messages[0].id == "wamid.1"


@pytest.mark.parametrize(
    ("body", "headers", "status"),
    [
        (BODY, {}, 403),
        (BODY, {"X-Hub-Signature-256": "sha256=" + "0" * 64}, 403),
        (BODY, {"X-Hub-Signature-256": sign(b"other")}, 403),
        (b"{oops", {"X-Hub-Signature-256": sign(b"{oops")}, 400),
        (b"\xff", {"X-Hub-Signature-256": sign(b"\xff")}, 400),
        (b"[]", {"X-Hub-Signature-256": sign(b"[]")}, 200),
        (b'{"entry": "x"}', {"X-Hub-Signature-256": sign(b'{"entry": "x"}')}, 200),
        (b"x" * (MAX_BODY + 1), {}, 413),
    ],
)
async def test_refused_deliveries_reach_nothing(
    client: httpx.AsyncClient,
    recorder: Recorder,
    body: bytes,
    headers: dict[str, str],
    status: int,
) -> None:
    response = await client.post("/whatsapp", content=body, headers=headers)
    assert response.status_code == status
    assert recorder.payloads == []


async def test_oversized_body_without_length_is_cut_off(
    client: httpx.AsyncClient, recorder: Recorder
) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(MAX_BODY // 1024 + 2):
            yield b"x" * 1024

    response = await client.post("/whatsapp", content=chunks())
    assert response.status_code == 413


@pytest.mark.parametrize(
    ("params", "status", "text"),
    [
        (
            {"hub.mode": "subscribe", "hub.verify_token": VERIFY, "hub.challenge": "1158"},
            200,
            "1158",
        ),
        ({"hub.mode": "subscribe", "hub.verify_token": "wrong", "hub.challenge": "1"}, 403, None),
        ({"hub.mode": "unsubscribe", "hub.verify_token": VERIFY, "hub.challenge": "1"}, 403, None),
        ({}, 403, None),
    ],
)
async def test_verification_handshake(
    client: httpx.AsyncClient, params: dict[str, str], status: int, text: str | None
) -> None:
    response = await client.get("/whatsapp", params=params)
    assert response.status_code == status
    if text is not None:
        assert response.text == text


async def test_health(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")
    assert response.json() == {"status": "ok", "channels": ["whatsapp", "telegram"]}


async def test_failing_health_check_is_503() -> None:
    async def broken() -> dict[str, Any]:
        raise RuntimeError("database gone")

    transport = httpx.ASGITransport(app=build_app(broken))
    async with httpx.AsyncClient(transport=transport, base_url="http://hook") as http:
        assert (await http.get("/healthz")).status_code == 503
        assert (await http.post("/whatsapp", content=BODY)).status_code == 404
        assert (await http.post("/telegram", content=b"{}")).status_code == 404


@pytest.mark.parametrize(
    ("secret", "body", "status", "pushed"),
    [
        (TELEGRAM_SECRET, b'{"update_id": 1}', 200, 1),
        (None, b'{"update_id": 1}', 403, 0),
        ("wrong", b'{"update_id": 1}', 403, 0),
        (TELEGRAM_SECRET, b"{nope", 400, 0),
        (TELEGRAM_SECRET, b'{"message": {}}', 400, 0),
        (TELEGRAM_SECRET, b"x" * (MAX_BODY + 1), 413, 0),
    ],
)
async def test_telegram_updates_need_the_secret_token(
    client: httpx.AsyncClient,
    recorder: Recorder,
    secret: str | None,
    body: bytes,
    status: int,
    pushed: int,
) -> None:
    headers = {} if secret is None else {"X-Telegram-Bot-Api-Secret-Token": secret}
    response = await client.post("/telegram", content=body, headers=headers)
    assert response.status_code == status
    assert len(recorder.updates) == pushed


async def test_health_reports_each_channel_and_the_backlog(storage: Storage) -> None:
    for index in range(3):
        await storage.outbox.enqueue(
            f"broadcast:1:c{index}", "telegram", str(index), Reply("x"), NOW
        )
    await storage.outbox.enqueue("offer:1:c9", "whatsapp", "6281", Reply("x"), NOW)
    assert await health_report(storage, ["telegram", "whatsapp"]) == {
        "status": "ok",
        "channels": {
            "telegram": {"state": "up", "waiting": 3},
            "whatsapp": {"state": "up", "waiting": 1},
        },
        "outbox": {"waiting": 4},
    }
    await storage.channel_states.mark_down("telegram", NOW, "NetworkError: Bad Gateway")
    report = await health_report(storage, ["telegram", "whatsapp"])
    assert report["status"] == "degraded"
    assert report["channels"]["telegram"] == {
        "state": "down",
        "waiting": 3,
        "since": NOW.isoformat(),
        "reason": "NetworkError: Bad Gateway",
    }
    app = build_app(lambda: health_report(storage, ["telegram"]))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://h"
    ) as http:
        response = await http.get("/healthz")
    assert response.status_code == 200  # a platform being down is no reason to restart us
    assert response.json()["status"] == "degraded"
