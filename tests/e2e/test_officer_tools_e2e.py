"""Broadcasts through the real process: from chat and from the CLI, 429s, blocks, kill -9."""

from __future__ import annotations

import sqlite3
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from tests.support.fake_telegram import FakeTelegram
from tests.support.harness import BotProcess, Person

OFFICER = 5000
FIRST_CHAT = 810_000
FOOTER = "— Ketik BERHENTI untuk berhenti menerima pengumuman."
TOO_MANY = "Too Many Requests: retry after 1"


def seed(bot: BotProcess, count: int, *, opted_out: tuple[int, ...] = ()) -> list[int]:
    """Migrate, then store `count` participants with a Telegram chat each; return the chats.

    Even numbers live in Setu, odd ones in Cibitung.
    """
    bot.cli("migrate")
    now = datetime.now(UTC).isoformat()
    connection = sqlite3.connect(bot.database)
    try:
        with connection:
            for number in range(count):
                cursor = connection.execute(
                    "INSERT INTO participant (nik, full_name, phone, business_name, sector,"
                    " kecamatan, consent_at, created_at, updated_at)"
                    " VALUES (?, ?, ?, 'Usaha', 'Kerajinan', ?, ?, ?, ?)",
                    (
                        f"3216010101{number:06d}",
                        f"Peserta {number}",
                        f"+62812{number:08d}",
                        "Setu" if number % 2 == 0 else "Cibitung",
                        now,
                        now,
                        now,
                    ),
                )
                connection.execute(
                    "INSERT INTO contact (participant_id, channel, address, opted_out_at,"
                    " created_at) VALUES (?, 'telegram', ?, ?, ?)",
                    (
                        cursor.lastrowid,
                        str(FIRST_CHAT + number),
                        now if number in opted_out else None,
                        now,
                    ),
                )
    finally:
        connection.close()
    return [FIRST_CHAT + number for number in range(count)]


def wait_until_done(bot: BotProcess, broadcast_id: int, timeout: float = 40) -> None:
    """Wait until the running bot has closed the broadcast with its final counts."""
    deadline = time.monotonic() + timeout
    sql = "SELECT status FROM broadcast WHERE id = ?"
    while bot.query(sql, (broadcast_id,)) != [("done",)]:
        assert time.monotonic() < deadline, (
            bot.query("SELECT status, COUNT(*) FROM outbox GROUP BY status"),
            bot.log_text()[-3000:],
        )
        time.sleep(0.2)


def received(fake: FakeTelegram, text: str) -> Counter[int]:
    """Count, per participant's chat, the accepted messages carrying this text."""
    return Counter(
        call.chat_id
        for call in fake.calls("sendMessage")
        if text in (call.text or "") and call.chat_id != OFFICER  # the officer saw a preview
    )


def test_broadcasts_from_chat_and_cli_reach_everyone_once(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    fake.global_rate = 30
    bot = BotProcess(fake, tmp_path, {"ADMIN_TELEGRAM_IDS": str(OFFICER)})
    chats = seed(bot, 100, opted_out=(0,))
    blocked = {chats[1], chats[2], chats[3]}
    fake.blocked_chats.update(blocked)
    bot.start()
    try:
        officer = Person(fake, OFFICER)
        assert "Tulis isi pengumuman" in officer.says("/siaran")
        text = "Pameran produk IKM hari Sabtu di alun-alun Cikarang."
        officer.says(text)
        officer.presses("Tanpa foto")
        preview = officer.presses("👥 Semua peserta")
        assert f"{text}\n\n{FOOTER}" in [call.text for call in officer.last]
        assert "Akan dikirim ke 99 penerima" in preview
        assert "0 memblokir bot, 1 berhenti berlangganan" in preview
        fake.fail_next("sendMessage", 429, TOO_MANY, retry_after=1, count=2)
        assert "Siaran #1 sedang dikirim ke 99 penerima" in officer.presses("✅ Kirim sekarang")
        wait_until_done(bot, 1)
        got = received(fake, text)
        assert set(got) == set(chats) - blocked - {chats[0]}
        assert set(got.values()) == {1}
        assert bot.query("SELECT sent_count, failed_count, blocked_count FROM broadcast") == [
            (96, 0, 3)
        ]
        report = wait_for(fake, OFFICER, "Laporan siaran #1")
        assert "✅ Terkirim: 96" in report and "🚫 Memblokir bot: 3" in report
        assert "0 sudah memblokir bot sebelumnya, 1 berhenti berlangganan" in report
        edits = fake.calls("editMessageText", OFFICER)
        assert edits and "Siaran #1 selesai: 99/99" in (edits[-1].text or "")
        gaps = [later.at - earlier.at for earlier, later in zip(edits, edits[1:], strict=False)]
        assert all(gap >= 2.5 for gap in gaps[:-1]), gaps  # the last one is the final state

        tried_before = len(fake.rejected_calls("sendMessage"))
        second = "Bimtek lanjutan untuk Kecamatan Setu dibuka minggu depan."
        out = bot.cli("broadcast", "--text", second, "--audience", "kecamatan:Setu").stdout
        assert out.startswith("broadcast 2 queued for 48 recipient(s)")
        assert "(skipped: 1 blocked, 1 opted out)" in out
        wait_until_done(bot, 2)
        got = received(fake, second)
        setu = {chat for chat in chats[::2]} - {chats[0], chats[2]}
        assert set(got) == setu and set(got.values()) == {1}
        # A chat that answered 403 once is not tried again by later broadcasts.
        assert len(fake.rejected_calls("sendMessage")) == tried_before
        status = bot.cli("broadcast", "status", "2").stdout
        assert "sent: 48" in status and "waiting: 0" in status

        assert "👥 Pendaftar: 100" in officer.says("/rekap")
        [chart] = [call for call in officer.last if call.method == "sendPhoto"]
        assert chart.files["photo"][1].startswith(b"\x89PNG\r\n\x1a\n")
        officer.says("/ekspor")
        officer.presses("Peserta (CSV)")
        [sheet] = [call for call in officer.last if call.method == "sendDocument"]
        lines = sheet.files["document"][1].decode("utf-8").splitlines()
        assert lines[0] == "nik,full_name,phone,business_name,sector,kecamatan,registered_at"
        assert len(lines) == 101
    finally:
        bot.stop()


def wait_for(fake: FakeTelegram, chat_id: int, needle: str, timeout: float = 15) -> str:
    """Wait until a message containing needle reached the chat; return its text."""
    deadline = time.monotonic() + timeout
    while True:
        for text in fake.texts_to(chat_id):
            if needle in text:
                return text
        assert time.monotonic() < deadline, fake.texts_to(chat_id)
        time.sleep(0.1)


def test_killed_mid_broadcast_the_report_adds_up_and_a_scheduled_one_survives(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    fake.global_rate = 30
    bot = BotProcess(fake, tmp_path, {"BROADCAST_RATE_PER_SECOND": "20"})
    chats = seed(bot, 100)
    blocked = {chats[10], chats[60]}
    fake.blocked_chats.update(blocked)
    bot.start()
    try:
        text = "Pendaftaran bimtek gelombang dua dibuka."
        out = bot.cli("broadcast", "--text", text, "--audience", "all").stdout
        assert out.startswith("broadcast 1 queued for 100 recipient(s)")
        later = "Pengingat: bawa KTP saat bimtek."
        out = bot.cli(
            "broadcast", "--text", later, "--audience", "kecamatan:Setu", "--in", "6s"
        ).stdout
        assert out.startswith("broadcast 2 scheduled for ")
        fake.wait_for_calls("sendMessage", None, count=30, timeout=30)
        bot.kill()
        before = len(fake.calls("sendMessage"))
        bot.start()
        wait_until_done(bot, 1)
        wait_until_done(bot, 2)
    finally:
        bot.stop()
    got = received(fake, text)
    assert set(got) == set(chats) - blocked  # nobody lost
    repeated = sum(times - 1 for times in got.values())
    assert repeated <= 8, f"{repeated} repeated (in flight at most 8); {before} sent before"
    [(sent, failed, blocked_count)] = bot.query(
        "SELECT sent_count, failed_count, blocked_count FROM broadcast WHERE id = 1"
    )
    assert (sent, failed, blocked_count) == (98, 0, 2)
    status = bot.cli("broadcast", "status", "1").stdout.splitlines()
    assert "recipients: 100 (skipped: 0 blocked before, 0 opted out)" in status
    assert {"sent: 98", "failed: 0", "blocked: 2", "waiting: 0"} <= set(status)
    after = received(fake, later)
    assert set(after) == set(chats[::2]) - blocked and set(after.values()) == {1}
