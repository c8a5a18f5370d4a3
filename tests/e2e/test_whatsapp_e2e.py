"""WhatsApp through the real process: signed webhooks in, the fake Graph API out."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.fake_graph import FakeGraph
from tests.support.fake_telegram import FakeTelegram
from tests.support.harness import TOKEN
from tests.support.walks import NIK
from tests.support.whatsapp_harness import (
    VERIFY_TOKEN,
    WebhookBot,
    WhatsAppPerson,
    add_session,
    delivery,
    free_port,
    message,
    register,
    sign,
    start_bot,
    whatsapp_env,
)

WA_ID = "6281234567890"


@pytest.fixture
def wa_bot(fake: FakeTelegram, graph: FakeGraph, tmp_path: Path) -> Iterator[WebhookBot]:
    """Start the bot serving WhatsApp only; stop it after the test."""
    bot = start_bot(fake, graph, tmp_path)
    try:
        yield bot
    finally:
        bot.stop()


def test_webhook_handshake_and_health(wa_bot: WebhookBot) -> None:
    ok = httpx.get(
        wa_bot.url + "/whatsapp",
        params={"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "42"},
    )
    assert (ok.status_code, ok.text) == (200, "42")
    wrong = httpx.get(
        wa_bot.url + "/whatsapp",
        params={"hub.mode": "subscribe", "hub.verify_token": "nope", "hub.challenge": "42"},
    )
    assert wrong.status_code == 403
    health = httpx.get(wa_bot.url + "/healthz")
    assert health.status_code == 200
    assert health.json() == {
        "status": "ok",
        "channels": {"whatsapp": {"state": "up", "waiting": 0}},
        "outbox": {"waiting": 0},
        "leader": True,
    }


def test_full_registration_over_whatsapp(wa_bot: WebhookBot, graph: FakeGraph) -> None:
    add_session(wa_bot)
    person = WhatsAppPerson(wa_bot, graph, WA_ID)
    welcome = person.says("halo")
    assert welcome
    consent = person.says("/daftar")
    assert {"Setuju", "Tidak setuju"} <= set(person.titles()), consent
    person.presses("Setuju")
    person.says("Siti Aminah")
    person.says(NIK)
    assert "Pakai nomor ini" in person.titles()
    person.presses("Pakai nomor ini")
    sectors = person.says("Batik Siti")
    assert person.last[-1].body["interactive"]["type"] == "list", sectors
    sector = person.titles()[0]
    kecamatan = person.presses(sector)
    assert "Berikutnya ▶" in person.titles(), kecamatan
    person.presses("Berikutnya ▶")
    assert "Berikutnya ▶" in person.titles()
    person.presses("Berikutnya ▶")
    assert "⏮ Dari awal" in person.titles()
    person.says("cikarang utr")
    sessions = person.presses(person.titles()[0])
    session_title = next(t for t in person.titles() if t.startswith("Bimtek Batik"))
    summary = person.presses(session_title)
    assert "Siti Aminah" in summary, sessions
    assert "Pendaftaran berhasil" in person.presses("Benar")
    assert wa_bot.query("SELECT full_name, nik, phone FROM participant") == [
        ("Siti Aminah", NIK, "+" + WA_ID)
    ]
    assert wa_bot.query("SELECT channel, address FROM contact") == [("whatsapp", WA_ID)]
    assert graph.unauthorized == 0


def test_replayed_message_is_processed_once(wa_bot: WebhookBot, graph: FakeGraph) -> None:
    body = json.dumps(
        delivery(messages=[message(WA_ID, "text", {"body": "/bantuan"}, "wamid.replayed")])
    ).encode()
    mark = graph.mark()
    assert wa_bot.post_whatsapp(body).status_code == 200
    graph.replies_after(WA_ID, mark)
    again = graph.mark()
    for _ in range(3):
        assert wa_bot.post_whatsapp(body).status_code == 200
    with pytest.raises(TimeoutError):
        graph.replies_after(WA_ID, again, timeout=1.0)
    assert wa_bot.query("SELECT COUNT(*) FROM whatsapp_inbox") == [(1,)]


def test_hostile_posts_are_refused_and_change_nothing(
    wa_bot: WebhookBot, graph: FakeGraph
) -> None:
    signed_elsewhere = json.dumps(delivery(messages=[message(WA_ID, "text", {"body": "hi"})]))
    cases: list[tuple[str, bytes, str | None, int]] = [
        ("bad signature", signed_elsewhere.encode(), "sha256=" + "0" * 64, 403),
        ("missing signature", signed_elsewhere.encode(), None, 403),
        ("signature without prefix", signed_elsewhere.encode(), "0" * 64, 403),
        ("signature of another body", signed_elsewhere.encode(), sign(b"{}"), 403),
        ("malformed JSON", b"{not json", "valid", 400),
        ("not UTF-8", b"\xff\xfe{", "valid", 400),
        ("JSON of another shape", b'{"entry": 5}', "valid", 200),
        ("a JSON list", b"[1, 2]", "valid", 200),
        ("oversized body", b"{" + b" " * (300 * 1024) + b"}", "valid", 413),
        ("oversized unsigned body", b"{" + b" " * (300 * 1024) + b"}", None, 413),
    ]
    for case, body, signature, status in cases:
        response = wa_bot.post_whatsapp(body, signature=signature)
        assert response.status_code == status, case
    hostile_message = message(WA_ID, "text", {"body": "x" * 100_000})
    hostile_message["from"] = "not-a-number"
    assert wa_bot.deliver(delivery(messages=[hostile_message])).status_code == 200
    time.sleep(0.5)
    assert wa_bot.query("SELECT COUNT(*) FROM whatsapp_inbox") == [(0,)]
    assert wa_bot.query("SELECT COUNT(*) FROM contact") == [(0,)]
    assert graph.messages() == []
    # Still alive and answering.
    assert httpx.get(wa_bot.url + "/healthz").status_code == 200
    person = WhatsAppPerson(wa_bot, graph, WA_ID)
    assert person.says("/bantuan")


def test_equipment_confirmation_with_photo_over_whatsapp(
    fake: FakeTelegram, graph: FakeGraph, tmp_path: Path
) -> None:
    officer = 4242
    media = tmp_path / "media"
    bot = start_bot(
        fake,
        graph,
        tmp_path,
        TELEGRAM_BOT_TOKEN=TOKEN,
        ADMIN_TELEGRAM_IDS=str(officer),
        MEDIA_DIR=str(media),
    )
    try:
        add_session(bot)
        person = WhatsAppPerson(bot, graph, WA_ID)
        register(person)
        bot.cli("equipment", "allocate", "--nik", NIK, "--item", "Oven", "--qty", "1")
        mark = graph.mark()
        bot.cli("equipment", "handover", "--nik", NIK, "--officer", "Pak Joko")
        request = graph.wait_for(
            lambda sent: next(
                (m for m in sent[mark:] if m.to == WA_ID and "Oven" in m.text), None
            ),
            15,
            "for the handover request",
        )
        assert set(request.choices()) == {
            "Sudah diterima",
            "Belum diterima",
            "Rusak / tidak sesuai",
        }
        person.last = [request]
        person.presses("Rusak / tidak sesuai")
        assert "Lanjut ›" in person.titles()
        photo = b"\xff\xd8\xff\xe0 a damaged oven \xff\xd9"
        saved = person.sends_photo("1234567890", photo)
        assert "Oven" in saved
        stored = bot.query("SELECT confirmation, photo_file_id FROM allocation")
        assert stored == [("damaged", "media:whatsapp-1234567890.jpg")]
        assert (media / "whatsapp-1234567890.jpg").read_bytes() == photo
        # The officer on Telegram sees the photo, uploaded from the bot's media folder.
        sent = fake.wait_for_calls("sendPhoto", officer, timeout=15)
        assert [call.files["photo"][1] for call in sent] == [photo]
        assert "Terima kasih! Yang kami catat" in person.presses("Lanjut ›")
    finally:
        bot.stop()


def test_run_refuses_partial_settings_and_a_busy_port(
    fake: FakeTelegram, graph: FakeGraph, tmp_path: Path
) -> None:
    port = free_port()
    bot = WebhookBot(fake, tmp_path, port, whatsapp_env(graph, port))
    partial = {**bot.env, "WHATSAPP_APP_SECRET": ""}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        cwd=tmp_path,
        env=partial,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "error: WHATSAPP_APP_SECRET is not set (WHATSAPP_TOKEN is set;"
        " put it in the environment or in .env)"
    )
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", port))
        taken.listen()
        busy = bot.cli("run", check=False)
    assert busy.returncode == 2
    # The DEBUG log of the closing database may interleave, so look for the one error line.
    errors = [line for line in busy.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1
    assert errors[0].startswith(f"error: cannot listen on 127.0.0.1:{port} (")


def test_schedule_calendar_language_profile_and_erase_over_whatsapp(
    wa_bot: WebhookBot, graph: FakeGraph
) -> None:
    add_session(wa_bot)
    person = WhatsAppPerson(wa_bot, graph, WA_ID)
    register(person)
    # The main menu is a list whose rows work like typed menu labels.
    person.says("/start")
    schedule = person.presses("📅 Jadwal saya")
    assert "Bimtek Batik" in schedule
    person.presses("📅 Simpan ke kalender")
    [document] = [m for m in person.last if m.type == "document"]
    assert document.body["document"]["filename"].endswith(".ics")
    filename, content = graph.uploads()[document.body["document"]["id"]]
    assert filename.endswith(".ics") and b"BEGIN:VCALENDAR" in content
    person.says("/bahasa")
    assert "Language changed to English." in person.presses("English")
    profile = person.says("/profil")
    assert "Siti Aminah" in profile
    person.presses("🗑 Delete my data")
    assert "Your data has been deleted" in person.presses("Yes, delete my data")
    assert wa_bot.query("SELECT full_name, nik FROM participant") == [(None, None)]
