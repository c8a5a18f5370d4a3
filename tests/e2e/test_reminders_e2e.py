"""Reminders through the real process: due seconds after start, RSVP, waiting list, kill -9."""

from __future__ import annotations

import sqlite3
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from tests.support.fake_telegram import ApiCall, FakeTelegram
from tests.support.harness import BotProcess, Person
from tests.support.walks import NIK, session_due_in

WIB = ZoneInfo("Asia/Jakarta")


def wait_for_text(fake: FakeTelegram, chat_id: int, needle: str, timeout: float = 40) -> ApiCall:
    """Wait until a message containing `needle` reached the chat; return it."""
    deadline = time.monotonic() + timeout
    while True:
        found = [call for call in fake.messages_to(chat_id) if needle in (call.text or "")]
        if found:
            return found[-1]
        assert time.monotonic() < deadline, (
            f"no {needle!r} for {chat_id}: {fake.texts_to(chat_id)}"
        )
        time.sleep(0.1)


def register(person: Person, nik: str, name: str, *, waitlist: bool = False) -> None:
    person.says("/daftar")
    person.presses("Setuju")
    person.says(name)
    person.says(nik)
    person.shares_contact("0812-3456-7890")
    person.says("Roti Enak")
    person.presses("Makanan & Minuman")
    person.says("Setu")
    person.presses(person.buttons()[0])
    if waitlist:
        person.presses("Masuk daftar tunggu")
    assert "Pendaftaran berhasil" in person.presses("Benar")


def test_reminder_rsvp_and_waiting_list_offer(fake: FakeTelegram, tmp_path: Path) -> None:
    bot = BotProcess(fake, tmp_path, {})
    offsets = session_due_in(bot, seconds=20, capacity=1)
    bot.env["REMINDER_OFFSETS"] = offsets
    bot.start()
    try:
        first, second = Person(fake, 7001), Person(fake, 7002)
        register(first, NIK, "Siti Aminah")
        register(second, "3216014107850003", "Budi Santoso", waitlist=True)
        reminder = wait_for_text(fake, 7001, "Pengingat bimtek")
        assert "Bimtek Roti" in (reminder.text or "")
        assert not any("Pengingat" in text for text in fake.texts_to(7002))
        first.last = [reminder]
        assert "kami berikan kepada peserta lain" in first.presses("❌ Tidak bisa hadir")
        second.last = [wait_for_text(fake, 7002, "Ada tempat kosong", timeout=15)]
        assert "Selamat! Anda sekarang terdaftar" in second.presses("Ambil tempat")
        assert bot.query("SELECT participant_id, status, rsvp FROM enrollment ORDER BY 1") == [
            (1, "cancelled", "no"),
            (2, "enrolled", None),
        ]
        assert bot.query("SELECT outcome, recipients FROM reminder_run") == [("queued", 1)]
    finally:
        bot.stop()


def seed_participants(bot: BotProcess, count: int) -> None:
    """Write enrolled participants straight into the database, as an import would."""
    now = datetime.now(UTC).isoformat()
    rows = [
        (
            f"32160155059{index:05d}",
            f"Peserta {index}",
            f"+62812{index:08d}",
            now,
        )
        for index in range(count)
    ]
    connection = sqlite3.connect(bot.database)
    try:
        with connection:
            for nik, name, phone, stamp in rows:
                cursor = connection.execute(
                    "INSERT INTO participant (nik, full_name, phone, business_name, sector,"
                    " kecamatan, consent_at, created_at, updated_at)"
                    " VALUES (?, ?, ?, 'Usaha', 'Kerajinan', 'Setu', ?, ?, ?)",
                    (nik, name, phone, stamp, stamp, stamp),
                )
                participant_id = cursor.lastrowid
                connection.execute(
                    "INSERT INTO contact (participant_id, channel, address, created_at)"
                    " VALUES (?, 'telegram', ?, ?)",
                    (participant_id, str(900000 + participant_id), stamp),
                )
                connection.execute(
                    "INSERT INTO enrollment (participant_id, session_id, status, created_at,"
                    " updated_at, enrolled_at) VALUES (?, 1, 'enrolled', ?, ?, ?)",
                    (participant_id, stamp, stamp, stamp),
                )
    finally:
        connection.close()


def test_kill_during_dispatch_repeats_at_most_the_in_flight(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    count = 40
    bot = BotProcess(fake, tmp_path, {"BROADCAST_RATE_PER_SECOND": "8"})
    bot.env["REMINDER_OFFSETS"] = session_due_in(bot, seconds=6, capacity=100)
    seed_participants(bot, count)
    bot.start()
    try:
        fake.wait_for_calls("sendMessage", None, count=12, timeout=30)
        bot.kill()
        sent_before = len(fake.calls("sendMessage"))
        bot.start()
        fake.wait_for_calls("sendMessage", None, count=count, timeout=40)
        deadline = time.monotonic() + 30
        while bot.query("SELECT COUNT(*) FROM outbox WHERE status = 'sent'") != [(count,)]:
            assert time.monotonic() < deadline, bot.query("SELECT status, COUNT(*) FROM outbox")
            time.sleep(0.2)
    finally:
        bot.stop()
    per_chat = Counter(call.params["chat_id"] for call in fake.calls("sendMessage"))
    assert len(per_chat) == count  # nobody lost
    duplicates = sum(times - 1 for times in per_chat.values())
    assert duplicates <= 8, f"{duplicates} repeated (in flight at most 8); {sent_before} before"
    assert bot.query("SELECT recipients FROM reminder_run") == [(count,)]
