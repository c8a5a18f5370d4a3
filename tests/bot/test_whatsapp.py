"""The WhatsApp adapter's pure side: webhook payloads into Inbound, Replies into messages."""

from __future__ import annotations

from typing import Any

import pytest

from bot.channels.whatsapp import (
    CONTACT_PAYLOAD,
    MAX_INTERACTIVE_BODY,
    WebhookMessage,
    WebhookPayload,
    page_of,
    render_page,
    render_reply,
    shorten,
    split_text,
    template_message,
    template_parameter,
    to_inbound,
)
from handlers.conversation.messages import Button, Inbound, Reply, rows

WA_ID = "6281234567890"


def message(kind: str, content: Any, **extra: Any) -> WebhookMessage:
    return WebhookMessage.model_validate(
        {"from": WA_ID, "id": "wamid.1", "type": kind, kind: content, **extra}
    )


def base(**fields: Any) -> Inbound:
    return Inbound(
        channel="whatsapp",
        address=WA_ID,
        sender_id=WA_ID,
        verified_phone="+" + WA_ID,
        **fields,
    )


@pytest.mark.parametrize(
    ("kind", "content", "expected"),
    [
        ("text", {"body": "/daftar"}, base(kind="text", text="/daftar")),
        (
            "interactive",
            {"type": "button_reply", "button_reply": {"id": "registration:consent:yes"}},
            base(kind="button", payload="registration:consent:yes"),
        ),
        (
            "interactive",
            {"type": "list_reply", "list_reply": {"id": "registration:sector:3", "title": "x"}},
            base(kind="button", payload="registration:sector:3"),
        ),
        (
            "interactive",
            {"type": "list_reply", "list_reply": {"id": "wa:text:📝 Daftar"}},
            base(kind="text", text="📝 Daftar"),
        ),
        (
            "interactive",
            {"type": "button_reply", "button_reply": {"id": CONTACT_PAYLOAD}},
            base(kind="contact", contact_phone="+" + WA_ID, contact_user_id=WA_ID),
        ),
        (
            "button",
            {"payload": "rsvp:3:yes", "text": "Saya hadir"},
            base(kind="button", payload="rsvp:3:yes"),
        ),
        (
            "image",
            {"id": "998877", "mime_type": "image/jpeg", "caption": "rusak"},
            base(kind="photo", photo_id="998877", text="rusak"),
        ),
        ("location", {"latitude": -6.2, "longitude": 107.1}, base(kind="location")),
        ("sticker", {"id": "1"}, base(kind="unsupported")),
        ("audio", {"id": "1"}, base(kind="voice", media_id="1")),
        ("unsupported", {}, base(kind="unsupported")),
    ],
)
def test_messages_become_inbound_events(kind: str, content: Any, expected: Inbound) -> None:
    assert to_inbound(message(kind, content)) == expected


def test_shared_contacts_carry_their_owner() -> None:
    shared = WebhookMessage.model_validate(
        {
            "from": WA_ID,
            "id": "wamid.2",
            "type": "contacts",
            "contacts": [
                {
                    "name": {"formatted_name": "Siti"},
                    "phones": [{"phone": "+62 812", "wa_id": "62812"}],
                }
            ],
        }
    )
    assert to_inbound(shared) == base(
        kind="contact", contact_phone="+62 812", contact_user_id="62812"
    )


@pytest.mark.parametrize("sender", ["", "abc", "+6281234567890", "1" * 30, "62 812"])
def test_malformed_senders_are_ignored(sender: str) -> None:
    odd = WebhookMessage.model_validate(
        {"from": sender, "id": "w", "type": "text", "text": {"body": "x"}}
    )
    assert to_inbound(odd) is None


def test_reactions_are_ignored() -> None:
    assert to_inbound(message("reaction", {"message_id": "w", "emoji": "👍"})) is None


def test_payload_keeps_only_changes_for_our_number() -> None:
    payload = WebhookPayload.model_validate(
        {
            "object": "whatsapp_business_account",
            "entry": [
                {
                    "changes": [
                        {"field": "messages", "value": {"metadata": {"phone_number_id": "1"}}},
                        {"field": "messages", "value": {"metadata": {"phone_number_id": "2"}}},
                        {
                            "field": "account_update",
                            "value": {"metadata": {"phone_number_id": "1"}},
                        },
                    ]
                }
            ],
            "unknown": True,
        }
    )
    assert len(payload.for_number("1")) == 1


def interactive(rendered: list[dict[str, Any]]) -> dict[str, Any]:
    return rendered[-1]["interactive"]


def test_up_to_three_short_choices_are_reply_buttons() -> None:
    reply = Reply(
        "Setuju?", buttons=((Button("Setuju", "r:c:yes"), Button("Tidak setuju", "r:c:no")),)
    )
    rendered = render_reply(reply, "id")
    body = interactive(rendered.messages)
    assert body["type"] == "button"
    assert body["body"] == {"text": "Setuju?"}
    assert body["action"]["buttons"] == [
        {"type": "reply", "reply": {"id": "r:c:yes", "title": "Setuju"}},
        {"type": "reply", "reply": {"id": "r:c:no", "title": "Tidak setuju"}},
    ]
    assert not rendered.paged


def test_long_labels_become_list_rows_with_the_whole_label_below() -> None:
    label = "Bimtek Batik Tulis Lanjutan · Sen, 1 Des · 12 tempat"
    reply = Reply("Pilih sesi:", buttons=((Button(label, "registration:session:7"),),))
    body = interactive(render_reply(reply, "id").messages)
    assert body["type"] == "list"
    assert body["action"]["button"] == "Pilih"
    row = body["action"]["sections"][0]["rows"][0]
    assert row["id"] == "registration:session:7"
    assert len(row["title"]) <= 24 and row["title"].endswith("…")
    assert row["description"] == label


def test_more_than_ten_choices_come_in_pages() -> None:
    buttons = [Button(f"Kecamatan {n}", f"registration:kecamatan:{n}") for n in range(23)]
    reply = Reply("Kecamatan?", buttons=rows(buttons, 3))
    rendered = render_reply(reply, "id")
    assert rendered.paged
    first = interactive(rendered.messages)["action"]["sections"][0]["rows"]
    assert [row["id"] for row in first[:9]] == [f"registration:kecamatan:{n}" for n in range(9)]
    assert first[9] == {
        "id": "wa:page:1",
        "title": "Berikutnya ▶",
        "description": "Pilihan lainnya",
    }
    second = render_page(reply, "id", 1)
    assert second is not None
    assert interactive(second)["body"]["text"] == "Pilihan lainnya (halaman 2 dari 3):"
    last = render_page(reply, "en", 2)
    assert last is not None
    rows_last = interactive(last)["action"]["sections"][0]["rows"]
    assert [row["id"] for row in rows_last] == [
        *(f"registration:kecamatan:{n}" for n in range(18, 23)),
        "wa:page:0",
    ]
    assert rows_last[-1]["title"] == "⏮ From the start"
    assert render_page(reply, "id", 3) is None
    assert render_page(Reply("x", buttons=((Button("a", "a"),),)), "id", 0) is None


def test_every_list_has_at_most_ten_rows() -> None:
    for count in range(1, 40):
        reply = Reply(
            "x", buttons=rows([Button(f"Pilihan nomor {n}", f"p:{n}") for n in range(count)], 1)
        )
        pages = [
            render_reply(reply, "id").messages,
            *(render_page(reply, "id", p) or [] for p in range(1, 6)),
        ]
        for page in pages:
            if page:
                body = interactive(page)
                if body["type"] == "list":
                    assert len(body["action"]["sections"][0]["rows"]) <= 10
                else:
                    assert len(body["action"]["buttons"]) <= 3


def test_menu_keyboard_becomes_a_list_that_sends_labels_back() -> None:
    reply = Reply("Selamat datang", menu=(("📝 Daftar", "📅 Jadwal saya"), ("❓ Bantuan",)))
    body = interactive(render_reply(reply, "id").messages)
    assert body["action"]["button"] == "Menu"
    assert [row["id"] for row in body["action"]["sections"][0]["rows"]] == [
        "wa:text:📝 Daftar",
        "wa:text:📅 Jadwal saya",
        "wa:text:❓ Bantuan",
    ]


def test_contact_request_offers_the_senders_number() -> None:
    body = interactive(
        render_reply(Reply("Nomor HP?", request_contact="📱 Bagikan nomor"), "id").messages
    )
    assert body["action"]["buttons"] == [
        {"type": "reply", "reply": {"id": CONTACT_PAYLOAD, "title": "📱 Bagikan nomor"}}
    ]


def test_long_text_with_choices_goes_first_as_text() -> None:
    text = "x" * (MAX_INTERACTIVE_BODY + 1)
    messages = render_reply(Reply(text, buttons=((Button("Ya", "a:b:c"),),)), "en").messages
    assert [m["type"] for m in messages] == ["text", "interactive"]
    assert messages[0]["text"]["body"] == text
    assert messages[1]["interactive"]["body"]["text"] == "Please choose:"


def test_plain_text_is_split_at_whatsapps_limit() -> None:
    text = "\n".join(["baris " * 50] * 40)
    messages = render_reply(Reply(text), "id").messages
    assert all(m["type"] == "text" and len(m["text"]["body"]) <= 4096 for m in messages)
    assert len(messages) > 1
    assert split_text("abc", 10) == ["abc"]


@pytest.mark.parametrize(
    ("label", "limit", "expected"),
    [
        ("Setuju", 20, "Setuju"),
        ("Rusak / tidak sesuai", 20, "Rusak / tidak sesuai"),
        ("Bimtek Batik Tulis Lanjutan", 20, "Bimtek Batik Tulis…"),
        ("Supercalifragilisticexpialidocious", 10, "Supercali…"),
        ("  spaced   out  ", 20, "spaced out"),
    ],
)
def test_shorten(label: str, limit: int, expected: str) -> None:
    assert shorten(label, limit) == expected
    assert len(shorten(label, limit)) <= limit


def test_page_payloads() -> None:
    assert page_of("wa:page:2") == 2
    assert page_of("wa:page:x") is None
    assert page_of("wa:page:99999") is None
    assert page_of("rsvp:1:yes") is None


def test_template_message_flattens_the_text_and_sets_quick_replies() -> None:
    message = template_message(
        "wub_pengingat",
        "id",
        "Pengingat bimtek\n\nBimtek Roti\n📍 Aula    Disperindag",
        ["rsvp:1:yes", "rsvp:1:no"],
    )
    template = message["template"]
    assert template["name"] == "wub_pengingat"
    assert template["language"] == {"code": "id"}
    body, yes, no = template["components"]
    assert body["parameters"] == [
        {"type": "text", "text": "Pengingat bimtek · Bimtek Roti · 📍 Aula Disperindag"}
    ]
    assert yes == {
        "type": "button",
        "sub_type": "quick_reply",
        "index": "0",
        "parameters": [{"type": "payload", "payload": "rsvp:1:yes"}],
    }
    assert no["index"] == "1"


def test_template_parameter_is_never_empty_nor_too_long() -> None:
    assert template_parameter("   ") == "-"
    assert len(template_parameter("kata " * 1000)) <= 900
    assert "\n" not in template_parameter("a\r\n\tb")
