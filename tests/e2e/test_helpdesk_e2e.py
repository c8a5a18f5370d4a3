"""The help desk through the real bot process: a question becomes a ticket, every officer is
alerted, an officer answers by replying to the alert in Telegram, the participant gets the
answer on their channel (Telegram; WhatsApp inside and outside the 24-hour window)."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.e2e.test_whatsapp_outbox_e2e import wait_for_message
from tests.support.fake_graph import FakeGraph
from tests.support.fake_telegram import ApiCall, FakeTelegram
from tests.support.harness import BotProcess, Person
from tests.support.whatsapp_harness import WhatsAppPerson, start_bot

OFFICER = 9001
OTHER_OFFICER = 9002
PARTICIPANT = 7101
ALWAYS_OPEN = {"HELPDESK_HOURS": "Mon-Sun 00:00-24:00"}
OFFICERS = {"ADMIN_TELEGRAM_IDS": f"{OFFICER},{OTHER_OFFICER}", **ALWAYS_OPEN}


def wait_for(fake: FakeTelegram, chat_id: int, needle: str, method: str = "") -> ApiCall:
    """Wait until a message (or edit) containing `needle` reached the chat; return it."""
    deadline = time.monotonic() + 20
    while True:
        for call in reversed(fake.messages_to(chat_id)):
            if needle in (call.text or "") and method in ("", call.method):
                return call
        assert time.monotonic() < deadline, (
            f"no {needle!r} for {chat_id}: {fake.texts_to(chat_id)}"
        )
        time.sleep(0.05)


def reply_to_alert(fake: FakeTelegram, officer: int, alert: str, text: str) -> None:
    """Answer as an officer would: Telegram's reply to the alert message."""
    message_id = fake.message_id_of(officer, alert)
    fake.push_text(officer, text, reply_to=message_id)


def count(fake: FakeTelegram, chat_id: int, needle: str) -> int:
    return sum(1 for text in fake.texts_to(chat_id) if needle in text)


def test_question_alert_reply_answer_follow_up_close(fake: FakeTelegram, tmp_path: Path) -> None:
    bot = BotProcess(fake, tmp_path, OFFICERS)
    bot.start()
    try:
        person = Person(fake, PARTICIPANT)
        said = person.says("Apakah saya boleh membawa anak ke lokasi?")
        assert "tiket #1" in said and "belum mengerti" not in said
        for officer in (OFFICER, OTHER_OFFICER):
            alert = wait_for(fake, officer, "🆕 Tiket #1")
            assert "membawa anak" in (alert.text or "")
        reply_to_alert(fake, OFFICER, "🆕 Tiket #1", "Boleh, asal didampingi.")
        answer = wait_for(fake, PARTICIPANT, "Jawaban petugas")
        assert "Boleh, asal didampingi." in (answer.text or "")
        assert "Petugas WUB IKM" in (answer.text or "")
        wait_for(fake, OFFICER, "sudah dikirim ke peserta")
        edited = wait_for(fake, OTHER_OFFICER, "Dijawab oleh", "editMessageText")
        assert edited.params["message_id"] == fake.message_id_of(OTHER_OFFICER, "🆕 Tiket #1")

        assert "ditambahkan ke tiket #1" in person.says("Anaknya umur 5 tahun.")
        wait_for(fake, OFFICER, "Tiket #1 — pesan baru")
        officer = Person(fake, OFFICER)
        officer.last = [wait_for(fake, OFFICER, "Tiket #1 — pesan baru")]
        assert "Menutup tiket #1" in officer.presses("✅ Tutup")
        assert "Tiket #1 ditutup" in officer.presses("Tutup tanpa catatan")
        wait_for(fake, OTHER_OFFICER, "Ditutup oleh", "editMessageText")
        assert bot.query("SELECT status, officer_id FROM ticket") == [("closed", 1)]
        assert bot.query("SELECT author FROM ticket_message ORDER BY id") == [
            ("participant",),
            ("officer",),
            ("participant",),
        ]

        answers = count(fake, PARTICIPANT, "Jawaban petugas")
        mark = fake.mark()
        fake.push_text(OFFICER, "Satu lagi", reply_to=fake.message_id_of(OFFICER, "🆕 Tiket #1"))
        fake.next_reply(OFFICER, mark, timeout=15)
        assert "sudah ditutup; tidak ada yang dikirim" in fake.texts_to(OFFICER)[-1]
        time.sleep(1)
        assert count(fake, PARTICIPANT, "Jawaban petugas") == answers
        actions = {row[0] for row in bot.query("SELECT action FROM audit_log")}
        assert {"ticket.answer", "ticket.close"} <= actions
        assert "membawa anak" not in bot.log_text()
    finally:
        bot.stop()


def test_killed_between_question_and_alert_the_alert_goes_out_once(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    fake.unreachable_chats.add(OFFICER)
    bot = BotProcess(fake, tmp_path, {"ADMIN_TELEGRAM_IDS": str(OFFICER), **ALWAYS_OPEN})
    bot.start()
    try:
        assert "tiket #1" in Person(fake, PARTICIPANT).says("Kapan alat saya dikirim ke rumah?")
        deadline = time.monotonic() + 20
        while not fake.rejected_calls("sendMessage", OFFICER):
            assert time.monotonic() < deadline
            time.sleep(0.05)
        bot.kill()
        assert bot.query("SELECT status FROM outbox WHERE key LIKE 'ticket:1:%'") in (
            [("pending",)],
            [("sending",)],
        )
        fake.unreachable_chats.clear()
        bot.start()
        wait_for(fake, OFFICER, "🆕 Tiket #1")
        time.sleep(1.5)
        assert count(fake, OFFICER, "🆕 Tiket #1") == 1
    finally:
        bot.stop()


def test_whatsapp_participant_telegram_officer_inside_and_outside_the_window(
    fake: FakeTelegram, graph: FakeGraph, tmp_path: Path
) -> None:
    bot = start_bot(
        fake,
        graph,
        tmp_path,
        TELEGRAM_BOT_TOKEN="123456:TEST-token_e2e",
        ADMIN_TELEGRAM_IDS=str(OFFICER),
        WHATSAPP_TEMPLATE_NOTICE="wub_pemberitahuan",
        **ALWAYS_OPEN,
    )
    try:
        fake.wait_until_polling(timeout=20)
        person = WhatsAppPerson(bot, graph, "6281234567890")
        assert "tiket #1" in person.says("Di mana saya bisa ambil sertifikatnya nanti ya?")
        alert = wait_for(fake, OFFICER, "🆕 Tiket #1")
        assert "WhatsApp" in (alert.text or "")
        reply_to_alert(fake, OFFICER, "🆕 Tiket #1", "Di kantor Dinas, lantai 2.")
        inside = wait_for_message(graph, "6281234567890", "interactive", "Jawaban petugas")
        assert "Di kantor Dinas, lantai 2." in inside.text

        # A photo answer: the bot keeps the officer's photo and uploads it to WhatsApp.
        fake.add_file("officer-map", b"\xff\xd8officer map jpeg")
        alert_id = fake.message_id_of(OFFICER, "🆕 Tiket #1")
        fake.push_photo(OFFICER, "officer-map", caption="Ini denahnya.", reply_to=alert_id)
        image = wait_for_message(graph, "6281234567890", "image")
        # The photo goes first; the answer's text follows with its button.
        wait_for_message(graph, "6281234567890", "interactive", "Ini denahnya.")
        uploaded = graph.uploads()[image.body["image"]["id"]]
        assert uploaded[1] == b"\xff\xd8officer map jpeg"

        assert "ditambahkan ke tiket #1" in person.says("Jam berapa kantornya buka?")
        two_days_ago = (datetime.now(UTC) - timedelta(days=2)).isoformat()
        bot.query("SELECT 1")
        import sqlite3

        connection = sqlite3.connect(bot.database)
        with connection:
            connection.execute(
                "UPDATE contact SET last_inbound_at = ? WHERE channel = 'whatsapp'",
                (two_days_ago,),
            )
        connection.close()
        wait_for(fake, OFFICER, "Tiket #1 — pesan baru")
        reply_to_alert(fake, OFFICER, "Tiket #1 — pesan baru", "Pukul 08.00 sampai 16.00.")
        outside = wait_for_message(graph, "6281234567890", "template", "Pukul 08.00")
        assert outside.body["template"]["name"] == "wub_pemberitahuan"
    finally:
        bot.stop()
