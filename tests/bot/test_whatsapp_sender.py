"""Outbox delivery on WhatsApp: the 24-hour window, templates, error codes, status webhooks."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from bot.channels.graph import GraphClient, GraphError
from bot.channels.media import MediaStore
from bot.channels.whatsapp import WebhookStatus
from bot.channels.whatsapp_messenger import ChoicePages, WhatsAppMessenger
from bot.channels.whatsapp_sender import (
    PREPARED_FOR,
    WhatsAppSender,
    delivery_for,
    in_window,
    record_status,
    template_kind,
)
from bot.dispatcher import Delivery
from bot.settings import WhatsAppTemplates
from handlers.conversation.messages import AttachmentLoader, Button, Document, Reply
from handlers.conversation.outbox import stored
from storage import Storage
from storage.models import Contact
from storage.outbox import OutboxMessage
from tests.support.chat import NOW
from tests.support.clock import FrozenClock
from tests.support.whatsapp import BASE_URL, PHONE_NUMBER_ID, TOKEN, ScriptedGraph

WA_ID = "6281234567890"
TEMPLATES = WhatsAppTemplates(reminder="wub_pengingat", notice="wub_info")
REMINDER = Reply(
    "Pengingat bimtek\nBimtek Roti",
    buttons=((Button("✅ Saya hadir", "rsvp:1:yes"), Button("❌ Tidak bisa hadir", "rsvp:1:no")),),
)


@pytest.fixture
def graph() -> ScriptedGraph:
    return ScriptedGraph()


@pytest.fixture
def sender(
    graph: ScriptedGraph, storage: Storage, clock: FrozenClock, tmp_path: Path
) -> WhatsAppSender:
    messenger = WhatsAppMessenger(graph.client(), MediaStore(tmp_path), ChoicePages())
    return WhatsAppSender(messenger, storage, clock, TEMPLATES)


async def queued(
    storage: Storage, key: str = "reminder:1:86400:1:p1", wrote_ago: timedelta | None = None
) -> OutboxMessage:
    """Queue and claim one row to WA_ID, whose contact last wrote `wrote_ago` before NOW."""
    if wrote_ago is not None:
        await storage.contacts.touch("whatsapp", WA_ID, NOW - wrote_ago)
    await storage.outbox.enqueue(key, "whatsapp", WA_ID, stored(REMINDER), NOW)
    [message] = await storage.outbox.claim_due(NOW, 1)
    return message


def contact(last: timedelta | None) -> Contact:
    return Contact.model_validate(
        {
            "id": 1,
            "participant_id": None,
            "channel": "whatsapp",
            "address": WA_ID,
            "language": "id",
            "blocked_at": None,
            "opted_out_at": None,
            "last_inbound_at": None if last is None else NOW - last,
            "created_at": NOW - timedelta(days=9),
        }
    )


@pytest.mark.parametrize(
    ("last", "inside"),
    [
        (timedelta(minutes=1), True),
        (timedelta(hours=23, minutes=49), True),
        (timedelta(hours=23, minutes=51), False),
        (timedelta(days=3), False),
        (None, False),
    ],
)
def test_the_window_is_24_hours_with_a_margin(last: timedelta | None, inside: bool) -> None:
    assert in_window(contact(last), NOW) is inside
    assert in_window(None, NOW) is False


@pytest.mark.parametrize(
    ("key", "kind"),
    [
        ("reminder:3:86400:1700000000:p4:c5", "reminder"),
        ("offer:9:c2", "offer"),
        ("handover:4:7:c1", "equipment"),
        ("nudge:4:7:2:c1", "equipment"),
        ("broadcast:2:c8", "broadcast"),
        ("session-moved:1:1700000000:4:c1", "notice"),
        ("case:3:officer:1", "notice"),
    ],
)
def test_outbox_keys_name_their_template(key: str, kind: str) -> None:
    assert template_kind(key) == kind


@pytest.mark.parametrize(
    ("code", "pause", "chat_only"),
    [(130429, 1, False), (80007, 10, False), (4, 10, False), (131056, 6, True), (0, 1, False)],
)
def test_rate_limits_pause_whatsapp_or_one_person(
    code: int, pause: float, chat_only: bool
) -> None:
    delivery = delivery_for(GraphError(429 if code == 0 else 400, code, "x"))
    assert (delivery.outcome, delivery.delay, delivery.chat_only) == (
        "retry_after",
        pause,
        chat_only,
    )


@pytest.mark.parametrize(
    ("status", "code", "outcome", "permanent", "reason"),
    [
        # Flood control: WhatsApp's lane waits (131056: only that person's chat).
        (400, 130429, "retry_after", False, "rate limited (WhatsApp 130429)"),
        (400, 131056, "retry_after", False, "rate limited (WhatsApp 131056)"),
        (400, 80007, "retry_after", False, "rate limited (WhatsApp 80007)"),
        (429, 0, "retry_after", False, "rate limited (WhatsApp 0)"),
        (400, 131000, "failed", False, "WhatsApp 131000: x"),
        # A 5xx says the platform is in trouble, not the message: it counts towards an outage.
        (500, 131000, "unreachable", False, "WhatsApp HTTP 500: x"),
        (503, 0, "unreachable", False, "WhatsApp HTTP 503: x"),
        (400, 131026, "failed", True, "WhatsApp 131026: x"),
        (401, 190, "failed", True, "WhatsApp 190: x"),
        (400, 131047, "failed", True, "outside the WhatsApp 24-hour window"),
    ],
)
def test_graph_errors_map_to_dispatcher_outcomes(
    status: int, code: int, outcome: str, permanent: bool, reason: str
) -> None:
    delivery = delivery_for(GraphError(status, code, "x"))
    assert delivery.outcome == outcome
    assert delivery.permanent is permanent
    assert delivery.reason.startswith(reason)


async def test_inside_the_window_the_free_form_message_goes(
    sender: WhatsAppSender, storage: Storage, graph: ScriptedGraph
) -> None:
    delivery = await sender.deliver_outbox(await queued(storage, wrote_ago=timedelta(hours=2)))
    assert delivery == Delivery.ok("wamid.1")
    assert graph.types() == ["interactive"]


async def test_outside_the_window_the_template_goes(
    sender: WhatsAppSender, storage: Storage, graph: ScriptedGraph
) -> None:
    delivery = await sender.deliver_outbox(await queued(storage, wrote_ago=timedelta(days=2)))
    assert delivery == Delivery.ok("wamid.1")
    [(to, body)] = graph.sent
    assert to == WA_ID
    assert body["template"]["name"] == "wub_pengingat"
    payloads = [c["parameters"][0]["payload"] for c in body["template"]["components"][1:]]
    assert payloads == ["rsvp:1:yes", "rsvp:1:no"]


async def test_an_unknown_contact_gets_the_template(
    sender: WhatsAppSender, storage: Storage, graph: ScriptedGraph
) -> None:
    await sender.deliver_outbox(await queued(storage))
    assert graph.types() == ["template"]


async def test_outside_the_window_without_a_template_fails_clearly(
    sender: WhatsAppSender, storage: Storage, graph: ScriptedGraph
) -> None:
    row = await queued(storage, "broadcast:1:c1", wrote_ago=timedelta(days=2))
    delivery = await sender.deliver_outbox(row)
    assert delivery == Delivery.failed(
        "outside the WhatsApp 24-hour window and no template is set (WHATSAPP_TEMPLATE_BROADCAST)",
        permanent=True,
    )
    assert graph.sent == []


async def test_window_closed_early_falls_back_to_the_template(
    sender: WhatsAppSender, storage: Storage, graph: ScriptedGraph
) -> None:
    graph.fail(131047)
    delivery = await sender.deliver_outbox(await queued(storage, wrote_ago=timedelta(hours=1)))
    assert delivery.outcome == "ok"
    assert graph.types() == ["template"]


async def test_a_row_marked_template_only_never_goes_free_form(
    sender: WhatsAppSender, storage: Storage, graph: ScriptedGraph
) -> None:
    row = await queued(storage, wrote_ago=timedelta(hours=1))
    await sender.deliver_outbox(row.model_copy(update={"template_only": True}))
    assert graph.types() == ["template"]


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        ((400, 130429), Delivery.retry_after(1, "rate limited (WhatsApp 130429)")),
        (httpx.ConnectError("refused"), Delivery.unreachable("network: ConnectError")),
        (httpx.ReadTimeout("slow"), Delivery.unreachable("network: ReadTimeout")),
    ],
)
async def test_transient_errors_are_retried(
    sender: WhatsAppSender,
    storage: Storage,
    graph: ScriptedGraph,
    error: tuple[int, int] | Exception,
    expected: Delivery,
) -> None:
    graph.errors.append(error)
    delivery = await sender.deliver_outbox(await queued(storage, wrote_ago=timedelta(hours=1)))
    assert delivery == expected


async def test_other_channels_are_refused(sender: WhatsAppSender) -> None:
    delivery = await sender.deliver("telegram", "1", Reply("x"))
    assert delivery.permanent


async def sent_row(storage: Storage, key: str = "reminder:1:86400:1:p1") -> OutboxMessage:
    row = await queued(storage, key, wrote_ago=timedelta(hours=1))
    await storage.outbox.mark_sent(row.id, NOW, "wamid.A")
    found = await storage.outbox.get_by_key(key)
    assert found is not None
    return found


def report(state: str, code: int | None = None, timestamp: str = "1700000000") -> WebhookStatus:
    errors = [] if code is None else [{"code": code, "title": "Re-engagement message"}]
    return WebhookStatus.model_validate(
        {"id": "wamid.A", "status": state, "timestamp": timestamp, "errors": errors}
    )


async def test_delivery_reports_only_move_forward(storage: Storage) -> None:
    await sent_row(storage)
    assert await record_status(storage, TEMPLATES, report("read"), NOW)
    assert await record_status(storage, TEMPLATES, report("delivered"), NOW)
    assert await record_status(storage, TEMPLATES, report("sent"), NOW)
    row = await storage.outbox.get_by_provider_id("wamid.A")
    assert row is not None
    assert (row.status, row.provider_status) == ("sent", "read")
    assert row.delivered_at is not None and row.read_at is not None


async def test_failed_outside_the_window_is_retried_as_a_template(storage: Storage) -> None:
    await sent_row(storage)
    assert await record_status(storage, TEMPLATES, report("failed", 131047), NOW)
    row = await storage.outbox.get_by_key("reminder:1:86400:1:p1")
    assert row is not None
    assert (row.status, row.template_only, row.provider_message_id) == ("pending", True, None)
    # A second failure of the template is final.
    [claimed] = await storage.outbox.claim_due(NOW, 1)
    await storage.outbox.mark_sent(claimed.id, NOW, "wamid.A")
    assert await record_status(storage, TEMPLATES, report("failed", 131047), NOW)
    final = await storage.outbox.get_by_key("reminder:1:86400:1:p1")
    assert final is not None
    assert final.status == "failed"
    assert final.last_error is not None and "24-hour window" in final.last_error


async def test_other_failures_fail_the_row_with_the_code(storage: Storage) -> None:
    await sent_row(storage, "broadcast:1:c1")
    assert await record_status(storage, TEMPLATES, report("failed", 131026), NOW)
    row = await storage.outbox.get_by_key("broadcast:1:c1")
    assert row is not None
    assert (row.status, row.last_error) == ("failed", "WhatsApp 131026: Re-engagement message")


async def test_reports_about_unknown_messages_change_nothing(storage: Storage) -> None:
    assert not await record_status(storage, TEMPLATES, report("failed", 131047), NOW)
    assert not await record_status(storage, TEMPLATES, report("read"), NOW)
    assert await record_status(storage, TEMPLATES, report("deleted"), NOW)


@pytest.mark.parametrize(
    ("answer", "answered"),
    [
        (httpx.Response(200, json={"id": PHONE_NUMBER_ID}), True),
        # Any answer below 500 means the Graph API is there, even one about our token.
        (httpx.Response(401, json={"error": {"code": 190, "message": "bad token"}}), True),
        (httpx.Response(502, text="Bad Gateway"), False),
        (httpx.ConnectError("refused"), False),
        (httpx.ReadTimeout("slow"), False),
    ],
)
async def test_probe_tells_whether_the_graph_api_answers(
    storage: Storage,
    clock: FrozenClock,
    tmp_path: Path,
    answer: httpx.Response | Exception,
    answered: bool,
) -> None:
    asked: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        asked.append(request)
        if isinstance(answer, Exception):
            raise answer
        return answer

    client = GraphClient(BASE_URL, TOKEN, PHONE_NUMBER_ID, transport=httpx.MockTransport(handle))
    messenger = WhatsAppMessenger(client, MediaStore(tmp_path), ChoicePages())
    sender = WhatsAppSender(messenger, storage, clock, TEMPLATES)
    try:
        assert await sender.probe("whatsapp") is answered
    finally:
        await client.close()
    assert [(request.method, request.url.path) for request in asked] == [
        ("GET", f"/v21.0/{PHONE_NUMBER_ID}")
    ]


CERTIFICATE_NOTICE = Reply(
    "🎓 Selamat! Sertifikat Anda sudah terbit (nomor WUB-2026/BTK-01/0001).",
    buttons=((Button("📄 Unduh sertifikat", "sertifikat:1"),),),
    attachment="sertifikat:1",
)


def attachments(found: bool) -> AttachmentLoader:
    """Return a loader that finds `sertifikat:1` (or nothing, as after a revocation)."""

    async def load(reference: str) -> Document | None:
        if not found or reference != "sertifikat:1":
            return None
        return Document("sertifikat-1.pdf", b"%PDF-1.7 certificate")

    return load


async def queued_notice(storage: Storage, wrote_ago: timedelta) -> OutboxMessage:
    """Queue and claim a certificate notice whose PDF is made when it is sent."""
    await storage.contacts.touch("whatsapp", WA_ID, NOW - wrote_ago)
    await storage.outbox.enqueue(
        "sertifikat:1:p1", "whatsapp", WA_ID, stored(CERTIFICATE_NOTICE), NOW
    )
    [message] = await storage.outbox.claim_due(NOW, 1)
    return message


def sender_with(
    graph: ScriptedGraph, storage: Storage, clock: FrozenClock, tmp_path: Path, found: bool
) -> WhatsAppSender:
    messenger = WhatsAppMessenger(graph.client(), MediaStore(tmp_path), ChoicePages())
    return WhatsAppSender(messenger, storage, clock, TEMPLATES, attachments(found))


async def test_an_attachment_goes_as_the_document_with_the_text_as_caption(
    graph: ScriptedGraph, storage: Storage, clock: FrozenClock, tmp_path: Path
) -> None:
    sender = sender_with(graph, storage, clock, tmp_path, found=True)
    delivery = await sender.deliver_outbox(await queued_notice(storage, timedelta(hours=1)))
    assert delivery == Delivery.ok("wamid.1")
    [(to, body)] = graph.sent
    assert (to, body["type"]) == (WA_ID, "document")
    assert body["document"]["filename"] == "sertifikat-1.pdf"
    assert body["document"]["caption"] == CERTIFICATE_NOTICE.text
    assert any(b"%PDF-1.7 certificate" in upload for upload in graph.uploads)


async def test_an_attachment_gone_by_sending_time_fails_the_row(
    graph: ScriptedGraph, storage: Storage, clock: FrozenClock, tmp_path: Path
) -> None:
    sender = sender_with(graph, storage, clock, tmp_path, found=False)
    delivery = await sender.deliver_outbox(await queued_notice(storage, timedelta(hours=1)))
    assert delivery == Delivery.failed("attachment no longer available", permanent=True)
    assert graph.sent == []


async def test_outside_the_window_an_attachment_goes_as_the_notice_template(
    graph: ScriptedGraph, storage: Storage, clock: FrozenClock, tmp_path: Path
) -> None:
    sender = sender_with(graph, storage, clock, tmp_path, found=True)
    delivery = await sender.deliver_outbox(await queued_notice(storage, timedelta(days=2)))
    assert delivery == Delivery.ok("wamid.1")
    [(_, body)] = graph.sent
    assert body["template"]["name"] == "wub_info"
    # The notice template has no buttons: its text says to type /sertifikat, which then
    # answers inside the window with the PDF.
    assert body["template"]["components"][0]["parameters"][0]["text"] == CERTIFICATE_NOTICE.text
    assert len(body["template"]["components"]) == 1


async def test_a_prepared_batch_sends_without_a_contact_lookup_each(
    sender: WhatsAppSender,
    storage: Storage,
    graph: ScriptedGraph,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    inside, outside = "6281000000001", "6281000000002"
    await storage.contacts.touch("whatsapp", inside, NOW - timedelta(minutes=5))
    await storage.contacts.touch("whatsapp", outside, NOW - timedelta(days=2))
    for address in (inside, outside, "6281000000003"):
        await storage.outbox.enqueue(f"reminder:1:{address}", "whatsapp", address,
                                     stored(REMINDER), NOW)  # fmt: skip
    batch = await storage.outbox.claim_due(NOW, 3)
    await sender.prepare(batch)
    lookups: list[str] = []
    real_get = storage.contacts.get

    async def counting_get(channel: str, address: str) -> Contact | None:
        lookups.append(address)
        return await real_get(channel, address)

    monkeypatch.setattr(storage.contacts, "get", counting_get)
    deliveries = [await sender.deliver_outbox(message) for message in batch]
    assert [delivery.outcome for delivery in deliveries] == ["ok", "ok", "ok"]
    assert lookups == []
    # Inside the window: the free-form message; outside it or unknown: the template.
    assert [body["type"] for _, body in graph.sent] == ["interactive", "template", "template"]
    # A second message to the same person is looked up again, as without a batch.
    await storage.outbox.enqueue("reminder:2:x", "whatsapp", inside, stored(REMINDER), NOW)
    [again] = await storage.outbox.claim_due(NOW, 1)
    assert (await sender.deliver_outbox(again)).outcome == "ok"
    assert lookups == [inside]


async def test_a_prepared_contact_older_than_its_limit_is_read_again(
    sender: WhatsAppSender, storage: Storage, clock: FrozenClock, graph: ScriptedGraph
) -> None:
    await storage.contacts.touch("whatsapp", WA_ID, NOW - timedelta(days=2))
    await storage.outbox.enqueue("broadcast:1:c1", "whatsapp", WA_ID, stored(REMINDER), NOW)
    [row] = await storage.outbox.claim_due(NOW, 1)
    await sender.prepare([row])
    # The row waited (put back, held by flood control); meanwhile the person wrote.
    clock.advance(PREPARED_FOR + timedelta(seconds=1))
    await storage.contacts.touch("whatsapp", WA_ID, clock.now())
    assert (await sender.deliver_outbox(row)).outcome == "ok"
    # Read again: the window is open, so the free-form message went, not the template.
    assert graph.types() == ["interactive"]
