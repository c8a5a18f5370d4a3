"""The running WhatsApp channel: the inbox, per-sender order, restarts, photos, list pages."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import json
import logging
import random
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.channels import whatsapp_channel
from bot.channels.media import MediaStore
from bot.channels.whatsapp import WebhookPayload
from bot.channels.whatsapp_channel import KEEP_SEEN, PerSenderRunner, WhatsAppChannel, encode
from bot.channels.whatsapp_messenger import ChoicePages, WhatsAppMessenger
from bot.channels.whatsapp_sender import record_statuses
from bot.settings import WhatsAppTemplates
from bot.webhook import MAX_BODY, WhatsAppEndpoint, build_app
from handlers.conversation.messages import Button, Inbound, Outbound, Reply, rows
from handlers.conversation.outbox import stored
from handlers.conversation.router import Router
from handlers.conversation.turn import Services
from storage.outbox import SentRecord
from tests.support.chat import NOW
from tests.support.whatsapp import PHONE_NUMBER_ID, ScriptedGraph

ALICE = "6281111111111"
BUDI = "6282222222222"
_ids = itertools.count(1)


class RecordingRouter:
    """Answer every event with its own text, after a random pause; remember the order."""

    def __init__(self, answer: Reply | None = None) -> None:
        self.seen: list[Inbound] = []
        self.answer = answer

    async def handle(self, inbound: Inbound, services: Services) -> list[Outbound]:
        await asyncio.sleep(random.uniform(0, 0.01))  # noqa: S311 - shuffles timing only
        self.seen.append(inbound)
        return [self.answer or Reply(f"got {inbound.text or inbound.payload}")]


def payload(*messages: dict[str, Any], number: str = PHONE_NUMBER_ID) -> WebhookPayload:
    return WebhookPayload.model_validate(
        {
            "object": "whatsapp_business_account",
            "entry": [
                {
                    "changes": [
                        {
                            "field": "messages",
                            "value": {
                                "metadata": {"phone_number_id": number},
                                "messages": list(messages),
                            },
                        }
                    ]
                }
            ],
        }
    )


def text(sender: str, body: str, message_id: str | None = None) -> dict[str, Any]:
    return {
        "from": sender,
        "id": message_id or f"wamid.{next(_ids)}",
        "type": "text",
        "text": {"body": body},
    }


def make_channel(
    router: Any, services: Services, graph: ScriptedGraph, folder: Path
) -> WhatsAppChannel:
    media = MediaStore(folder)
    messenger = WhatsAppMessenger(graph.client(), media, ChoicePages())
    return WhatsAppChannel(
        PHONE_NUMBER_ID, router, services, messenger, media, WhatsAppTemplates()
    )


@pytest.fixture
def graph() -> ScriptedGraph:
    return ScriptedGraph()


async def test_each_message_is_answered_once(
    services: Services, graph: ScriptedGraph, tmp_path: Path
) -> None:
    router = RecordingRouter()
    channel = make_channel(router, services, graph, tmp_path)
    delivery = payload(text(ALICE, "halo", "wamid.same"))
    for _ in range(3):
        await channel.receive(delivery)
    await channel.stop()
    assert [inbound.text for inbound in router.seen] == ["halo"]
    assert [(to, body["text"]["body"]) for to, body in graph.sent] == [(ALICE, "got halo")]
    [entry] = await services.storage.db.fetch_all("SELECT event, processed_at FROM whatsapp_inbox")
    assert entry["event"] is None and entry["processed_at"] is not None
    # Redelivered after processing: still once.
    await channel.receive(delivery)
    await channel.stop()
    assert len(router.seen) == 1


async def test_other_numbers_changes_are_ignored(
    services: Services, graph: ScriptedGraph, tmp_path: Path
) -> None:
    router = RecordingRouter()
    channel = make_channel(router, services, graph, tmp_path)
    await channel.receive(payload(text(ALICE, "halo"), number="999"))
    await channel.stop()
    assert router.seen == []


async def test_each_senders_messages_keep_their_order(
    services: Services, graph: ScriptedGraph, tmp_path: Path
) -> None:
    router = RecordingRouter()
    channel = make_channel(router, services, graph, tmp_path)
    for n in range(15):
        await channel.receive(payload(text(ALICE, f"a{n}"), text(BUDI, f"b{n}")))
    await channel.stop()
    for sender, prefix in ((ALICE, "a"), (BUDI, "b")):
        mine = [i.text for i in router.seen if i.address == sender]
        assert mine == [f"{prefix}{n}" for n in range(15)]
        answers = [body["text"]["body"] for to, body in graph.sent if to == sender]
        assert answers == [f"got {prefix}{n}" for n in range(15)]


async def test_runner_serves_different_senders_concurrently() -> None:
    runner = PerSenderRunner()
    started: list[str] = []
    release = asyncio.Event()

    async def job(name: str) -> None:
        started.append(name)
        await release.wait()

    runner.submit("a", lambda: job("a1"))
    runner.submit("a", lambda: job("a2"))
    runner.submit("b", lambda: job("b1"))
    await asyncio.sleep(0.01)
    assert started == ["a1", "b1"]
    release.set()
    await runner.drain(grace=1)
    assert started == ["a1", "b1", "a2"]


async def test_messages_left_by_a_restart_are_processed_at_start(
    services: Services, graph: ScriptedGraph, tmp_path: Path
) -> None:
    inbound = Inbound(channel="whatsapp", address=ALICE, kind="text", text="sebelum restart")
    await services.storage.whatsapp_inbox.record("wamid.old", ALICE, encode(inbound), NOW)
    router = RecordingRouter()
    channel = make_channel(router, services, graph, tmp_path)
    await channel.start()
    await channel.stop()
    assert router.seen == [inbound]
    assert await services.storage.whatsapp_inbox.pending() == []


async def test_photos_are_downloaded_and_stored(
    services: Services, graph: ScriptedGraph, tmp_path: Path
) -> None:
    graph.media["5551"] = b"\xff\xd8 photo"
    router = RecordingRouter()
    channel = make_channel(router, services, graph, tmp_path)
    image = {"id": "5551", "mime_type": "image/jpeg", "caption": "oven"}
    await channel.receive(
        payload({"from": ALICE, "id": "wamid.p", "type": "image", "image": image})
    )
    await channel.stop()
    [seen] = router.seen
    assert (seen.kind, seen.photo_id, seen.text) == ("photo", "media:whatsapp-5551.jpg", "oven")
    assert (tmp_path / "whatsapp-5551.jpg").read_bytes() == b"\xff\xd8 photo"


async def test_a_photo_that_cannot_be_downloaded_arrives_without_id(
    services: Services, graph: ScriptedGraph, tmp_path: Path
) -> None:
    router = RecordingRouter()
    channel = make_channel(router, services, graph, tmp_path)
    image = {"id": "404", "mime_type": "image/jpeg"}
    await channel.receive(
        payload({"from": ALICE, "id": "wamid.q", "type": "image", "image": image})
    )
    await channel.stop()
    assert [(i.kind, i.photo_id) for i in router.seen] == [("photo", None)]


async def test_long_lists_are_paged_without_the_router(
    services: Services, graph: ScriptedGraph, tmp_path: Path
) -> None:
    many = Reply("Pilih:", buttons=rows([Button(f"Opsi {n}", f"x:y:{n}") for n in range(12)], 2))
    router = RecordingRouter(many)
    channel = make_channel(router, services, graph, tmp_path)
    await channel.receive(payload(text(ALICE, "/daftar")))
    await channel.stop()
    tap = {"type": "list_reply", "list_reply": {"id": "wa:page:1", "title": "Berikutnya ▶"}}
    await channel.receive(
        payload({"from": ALICE, "id": "wamid.page", "type": "interactive", "interactive": tap})
    )
    await channel.stop()
    assert len(router.seen) == 1
    page = graph.sent[-1][1]["interactive"]
    assert [row["id"] for row in page["action"]["sections"][0]["rows"]] == [
        "x:y:9",
        "x:y:10",
        "x:y:11",
        "wa:page:0",
    ]
    # A new process has no pages in memory: the person is told to type instead.
    fresh = make_channel(router, services, graph, tmp_path)
    await fresh.receive(
        payload({"from": ALICE, "id": "wamid.page2", "type": "interactive", "interactive": tap})
    )
    await fresh.stop()
    assert "sudah tidak berlaku" in graph.sent[-1][1]["text"]["body"]


async def test_the_real_router_answers_over_whatsapp(
    router: Router, services: Services, graph: ScriptedGraph, tmp_path: Path
) -> None:
    channel = make_channel(router, services, graph, tmp_path)
    await channel.receive(payload(text(ALICE, "/start")))
    await channel.stop()
    [(to, body)] = graph.sent
    assert to == ALICE
    assert body["interactive"]["action"]["button"] == "Menu"
    contact = await services.storage.contacts.get("whatsapp", ALICE)
    assert contact is not None and contact.last_inbound_at == NOW


def sent(message: dict[str, Any], moment: datetime) -> dict[str, Any]:
    return {**message, "timestamp": str(int(moment.timestamp()))}


async def test_messages_older_than_the_inbox_memory_are_ignored_and_logged_once(
    services: Services, graph: ScriptedGraph, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.channels.whatsapp_channel")
    router = RecordingRouter()
    channel = make_channel(router, services, graph, tmp_path)
    old = NOW - KEEP_SEEN - timedelta(seconds=1)
    await channel.receive(
        payload(
            sent(text(ALICE, "replayed", "wamid.old1"), old),
            sent(text(BUDI, "replayed too", "wamid.old2"), NOW - timedelta(days=400)),
            sent(text(ALICE, "just now"), NOW - timedelta(seconds=5)),
            sent(text(BUDI, "a week old, still retried by Meta"), NOW - timedelta(days=7)),
            text(ALICE, "no timestamp"),
        )
    )
    await channel.stop()
    assert sorted(inbound.text for inbound in router.seen) == [
        "a week old, still retried by Meta",
        "just now",
        "no timestamp",
    ]
    stored = await services.storage.db.fetch_all("SELECT message_id FROM whatsapp_inbox")
    assert "wamid.old1" not in {row["message_id"] for row in stored}
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings == ["whatsapp: 2 message(s) sent more than 8 days ago ignored (a replay?)"]
    assert not any(ALICE in message or BUDI in message for message in caplog.messages)


@pytest.mark.parametrize("stamp", ["", "abc", "²", "-5", "9" * 13, "1.5e9"])
async def test_an_unreadable_timestamp_does_not_refuse_the_message(
    services: Services, graph: ScriptedGraph, tmp_path: Path, stamp: str
) -> None:
    router = RecordingRouter()
    channel = make_channel(router, services, graph, tmp_path)
    await channel.receive(payload({**text(ALICE, "halo"), "timestamp": stamp}))
    await channel.stop()
    assert [inbound.text for inbound in router.seen] == ["halo"]


# --- status reports: applied in shared transactions before the delivery is answered -------

APP_SECRET = "status-secret"


def status_delivery(*statuses: tuple[str, str]) -> dict[str, Any]:
    """Return a webhook body reporting (message id, status) pairs."""
    value = {
        "metadata": {"phone_number_id": PHONE_NUMBER_ID},
        "statuses": [
            {"id": wamid, "status": state, "timestamp": str(int(NOW.timestamp()))}
            for wamid, state in statuses
        ],
    }
    return {"object": "whatsapp_business_account", "entry": [{"changes": [
        {"field": "messages", "value": value}]}]}  # fmt: skip


async def sent_rows(services: Services, count: int) -> list[str]:
    """Queue, claim and mark sent `count` WhatsApp rows; return their message ids."""
    outbox = services.storage.outbox
    for index in range(count):
        await outbox.enqueue(f"broadcast:1:{index}", "whatsapp", f"628{index:09d}",
                             stored(Reply("x")), NOW)  # fmt: skip
    rows = await outbox.claim_due(NOW, count)
    await outbox.mark_sent_many([SentRecord(row.id, NOW, f"wamid.s{row.id}") for row in rows])
    return [f"wamid.s{row.id}" for row in rows]


async def provider_states(services: Services) -> list[tuple[str | None, str]]:
    rows = await services.storage.db.fetch_all(
        "SELECT provider_status, status FROM outbox ORDER BY id"
    )
    return [(row[0], row[1]) for row in rows]


async def test_statuses_of_concurrent_deliveries_share_one_transaction(
    services: Services, graph: ScriptedGraph, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    wamids = await sent_rows(services, 40)
    batches: list[int] = []

    async def counting(*args: Any) -> list[bool]:
        batches.append(len(args[2]))
        return await record_statuses(*args)

    monkeypatch.setattr(whatsapp_channel, "record_statuses", counting)
    channel = make_channel(RecordingRouter(), services, graph, tmp_path)
    # Each person's three reports in three deliveries, out of order, all at once.
    deliveries = [
        WebhookPayload.model_validate(status_delivery((wamid, state)))
        for state in ("read", "sent", "delivered")
        for wamid in wamids
    ]
    await asyncio.gather(*(channel.receive(delivery) for delivery in deliveries))
    assert batches == [120]
    assert await provider_states(services) == [("read", "sent")] * 40
    await channel.stop()


async def test_a_status_before_its_row_is_recorded_sent_is_applied_later(
    services: Services, graph: ScriptedGraph, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(whatsapp_channel, "STATUS_RETRY_DELAY", 0.01)
    outbox = services.storage.outbox
    await outbox.enqueue("broadcast:1:a", "whatsapp", ALICE, stored(Reply("x")), NOW)
    [row] = await outbox.claim_due(NOW, 1)
    channel = make_channel(RecordingRouter(), services, graph, tmp_path)
    # Meta reports "delivered" before the dispatcher recorded the send.
    await channel.receive(WebhookPayload.model_validate(status_delivery(("wamid.x", "delivered"))))
    await outbox.mark_sent(row.id, NOW, "wamid.x")
    await channel.stop()
    assert await provider_states(services) == [("delivered", "sent")]


async def webhook_client(channel: WhatsAppChannel) -> httpx.AsyncClient:
    async def health() -> dict[str, Any]:
        return {}

    app = build_app(health, WhatsAppEndpoint("verify", APP_SECRET, channel.receive))
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://hook")


def signed(body: bytes, secret: str = APP_SECRET) -> dict[str, str]:
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return {"X-Hub-Signature-256": f"sha256={digest}", "Content-Type": "application/json"}


async def test_a_failing_batch_answers_500_and_changes_nothing(
    services: Services,
    graph: ScriptedGraph,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    [wamid] = await sent_rows(services, 1)
    channel = make_channel(RecordingRouter(), services, graph, tmp_path)
    body = json.dumps(status_delivery((wamid, "read"))).encode()
    outbox = services.storage.outbox
    real = outbox.record_deliveries

    async def half_then_fail(reports: Any) -> set[str]:
        await real(reports)  # written inside the batch's transaction, then rolled back
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(outbox, "record_deliveries", half_then_fail)
    async with await webhook_client(channel) as http:
        refused = await http.post("/whatsapp", content=body, headers=signed(body))
        assert refused.status_code == 500
        assert await provider_states(services) == [(None, "sent")]
        # Meta delivers it again, and this time it is applied.
        monkeypatch.setattr(outbox, "record_deliveries", real)
        accepted = await http.post("/whatsapp", content=body, headers=signed(body))
        assert accepted.status_code == 200
    assert await provider_states(services) == [("read", "sent")]
    assert "answered 500" in caplog.text
    await channel.stop()


@pytest.mark.parametrize(
    ("body", "headers", "code"),
    [
        # Forged: signed with another secret, or not at all.
        (json.dumps(status_delivery(("ID", "read"))), {"sign": "other-secret"}, 403),
        (json.dumps(status_delivery(("ID", "read"))), {}, 403),
        # Huge, garbage, or not JSON at all.
        (b"[" * (MAX_BODY + 1), {"sign": APP_SECRET}, 413),
        (b"\x00\xff garbage", {"sign": APP_SECRET}, 400),
        ('{"entry": [{"changes": "read"}]}', {"sign": APP_SECRET}, 200),
        # Shapes that are JSON but no status of ours: accepted, nothing applied.
        (
            json.dumps(status_delivery(("", "read"), ("x" * 300, "read"))),
            {"sign": APP_SECRET},
            200,
        ),
        (json.dumps(status_delivery(("ID", "deleted"))), {"sign": APP_SECRET}, 200),
        (json.dumps(status_delivery(("ID' OR '1'='1", "read"))), {"sign": APP_SECRET}, 200),
    ],
)
async def test_refused_or_odd_status_deliveries_leave_the_outbox_unchanged(
    services: Services,
    graph: ScriptedGraph,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    body: str | bytes,
    headers: dict[str, str],
    code: int,
) -> None:
    monkeypatch.setattr(whatsapp_channel, "STATUS_RETRY_DELAY", 0.001)
    [wamid] = await sent_rows(services, 1)
    raw = body.replace("ID", wamid) if isinstance(body, str) else body
    content = raw.encode() if isinstance(raw, str) else raw
    channel = make_channel(RecordingRouter(), services, graph, tmp_path)
    sent_headers = signed(content, headers["sign"]) if "sign" in headers else {}
    async with await webhook_client(channel) as http:
        response = await http.post("/whatsapp", content=content, headers=sent_headers)
    await channel.stop()
    assert response.status_code == code
    assert await provider_states(services) == [(None, "sent")]
