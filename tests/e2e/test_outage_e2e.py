"""A Telegram outage through the real process: connection refused, then 502, then back.

During the outage a reminder, a broadcast and a waiting-list offer fall due, and so does the
reminder of a session that starts before Telegram is back. Afterwards every message that is
still useful arrives exactly once, the one that is not is counted as expired, and the log
holds a handful of lines, not one per failed call.

The 60-second outage runs in every test run; the 10-minute one only with `--run-slow` (the
arithmetic of long outages is covered on simulated time in tests/bot/test_dispatcher_outages.py).
"""

from __future__ import annotations

import sqlite3
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fake_telegram import FakeTelegram
from harness import BotProcess

OFFSET = 40  # REMINDER_OFFSETS, seconds
PROBE_CAP = 5  # CHANNEL_PROBE_MAX_INTERVAL, seconds: back at most this long after Telegram
ENROLLED, OFFER_EXPIRING, NEXT_IN_LINE, ENROLLED_ELSEWHERE = 8001, 8002, 8003, 8004
ANNOUNCEMENT = "Pengumuman: pameran produk IKM hari Sabtu di Aula Disperindag."


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def seed(bot: BotProcess, outage_start: datetime, outage: int) -> None:
    """Two sessions around the outage, four participants, and an offer that ends in it.

    BTK-A starts 30 s after Telegram is back: its reminder falls due 10 s before the end of
    the outage and must arrive. BTK-B starts 10 s before the end: its reminder falls due
    during the outage and must be dropped. The open offer to the first person on BTK-A's
    waiting list ends 15 s into the outage, so the next person's offer is queued during it.
    """
    starts = {
        "BTK-A": outage_start + timedelta(seconds=outage + 30),
        "BTK-B": outage_start + timedelta(seconds=outage - 10),
    }
    now = datetime.now(UTC)
    connection = sqlite3.connect(bot.database, timeout=10)
    try:
        with connection:
            for code, start in starts.items():
                connection.execute(
                    "UPDATE bimtek_session SET starts_at = ?, ends_at = ?, updated_at = ?"
                    " WHERE code = ?",
                    (stamp(start), stamp(start + timedelta(hours=6)), stamp(now), code),
                )
            sessions = dict(connection.execute("SELECT code, id FROM bimtek_session"))
            people = [
                (ENROLLED, "BTK-A", "enrolled"),
                (OFFER_EXPIRING, "BTK-A", "waitlisted"),
                (NEXT_IN_LINE, "BTK-A", "waitlisted"),
                (ENROLLED_ELSEWHERE, "BTK-B", "enrolled"),
            ]
            for index, (chat, code, status) in enumerate(people):
                enrollment = _person(connection, index, chat, sessions[code], status, now)
                if chat == OFFER_EXPIRING:
                    connection.execute(
                        "INSERT INTO waitlist_offer (enrollment_id, session_id, offered_at,"
                        " expires_at, status) VALUES (?, ?, ?, ?, 'open')",
                        (
                            enrollment,
                            sessions[code],
                            stamp(now),
                            stamp(outage_start + timedelta(seconds=15)),
                        ),
                    )
    finally:
        connection.close()


def _person(
    connection: sqlite3.Connection, index: int, chat: int, session: int, status: str, now: datetime
) -> int:
    at = stamp(now + timedelta(milliseconds=index))  # the waiting list's order
    participant = connection.execute(
        "INSERT INTO participant (nik, full_name, phone, business_name, sector, kecamatan,"
        " consent_at, created_at, updated_at) VALUES (?, ?, ?, 'Usaha', 'Kerajinan', 'Setu',"
        " ?, ?, ?)",
        (f"321601550590{index:04d}", f"Peserta {index}", f"+6281200000{index:03d}", at, at, at),
    ).lastrowid
    connection.execute(
        "INSERT INTO contact (participant_id, channel, address, created_at)"
        " VALUES (?, 'telegram', ?, ?)",
        (participant, str(chat), at),
    )
    enrolled_at = at if status == "enrolled" else None
    enrollment = connection.execute(
        "INSERT INTO enrollment (participant_id, session_id, status, created_at, updated_at,"
        " enrolled_at) VALUES (?, ?, ?, ?, ?, ?)",
        (participant, session, status, at, at, enrolled_at),
    ).lastrowid
    assert enrollment is not None
    return enrollment


def sleep_until(moment: float) -> None:
    time.sleep(max(0.0, moment - time.monotonic()))


def wait_for(what: str, condition: object, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not callable(condition) or not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


@pytest.mark.parametrize(
    "outage",
    [
        pytest.param(60, marks=pytest.mark.timeout(300)),
        pytest.param(600, marks=[pytest.mark.slow, pytest.mark.timeout(1200)]),
    ],
    ids=["60s", "10min"],
)
def test_outage_loses_nothing_and_logs_little(
    fake: FakeTelegram, tmp_path: Path, outage: int
) -> None:
    bot = BotProcess(
        fake,
        tmp_path,
        {
            "LOG_LEVEL": "INFO",
            "REMINDER_OFFSETS": f"{OFFSET}s",
            "CHANNEL_PROBE_MAX_INTERVAL": f"{PROBE_CAP}s",
            "WAITLIST_HOLD": "30m",
        },
    )
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).strftime("%Y-%m-%d")
    for code, capacity in (("BTK-A", "2"), ("BTK-B", "5")):
        bot.cli(
            "sessions", "add", "--code", code, "--title", f"Bimtek {code}", "--venue", "Aula",
            "--starts-at", f"{tomorrow} 09:00", "--ends-at", f"{tomorrow} 15:00",
            "--capacity", capacity,
        )  # fmt: skip
    bot.start()
    try:
        start_in = 6.0
        outage_start = datetime.now(UTC) + timedelta(seconds=start_in)
        begin = time.monotonic() + start_in
        seed(bot, outage_start, outage)
        sleep_until(begin)

        log_before = len(bot.log_text().splitlines())
        fake.refuse_connections()
        sleep_until(begin + 5)
        queued = bot.cli("broadcast", "--text", ANNOUNCEMENT, "--audience", "all").stdout
        assert queued.startswith("broadcast 1 queued for 4 recipient(s)")
        sleep_until(begin + 20)
        status = bot.cli("broadcast", "status", "1").stdout.splitlines()
        assert status[-1].startswith("waiting: 4 (waiting for Telegram since "), status
        assert "failed: 0" in status
        sleep_until(begin + outage / 2)
        fake.answer_every_call(502, "Bad Gateway")
        sleep_until(begin + outage)
        hits = fake.outage_hits()
        fake.recover()
        recovered = time.monotonic()

        wait_for("Telegram back", lambda: "outage: telegram is back" in bot.log_text(), 30)
        back_after = time.monotonic() - recovered
        lines = bot.log_text().splitlines()
        back = next(i for i, line in enumerate(lines) if "outage: telegram is back" in line)
        during = lines[log_before : back + 1]
        wait_for(
            "the outbox to drain",
            lambda: (
                bot.query("SELECT COUNT(*) FROM outbox WHERE status IN ('pending', 'sending')")
                == [(0,)]
            ),
            30,
        )
    finally:
        # After a long outage python-telegram-bot's polling loop sleeps up to 30 s between
        # tries, and stopping waits for that sleep to end.
        bot.stop(timeout=45)

    print("\n".join(during))
    print(f"back {back_after:.1f} s after Telegram; {hits} calls during the outage")
    texts = Counter((call.chat_id, call.text) for call in fake.calls("sendMessage"))
    assert set(texts.values()) == {1}, texts  # nothing twice
    for chat in (ENROLLED, OFFER_EXPIRING, NEXT_IN_LINE, ENROLLED_ELSEWHERE):
        assert [text.startswith(ANNOUNCEMENT) for text in fake.texts_to(chat)].count(True) == 1
    assert [text for text in fake.texts_to(ENROLLED) if "Pengingat bimtek" in text] == [
        next(text for text in fake.texts_to(ENROLLED) if "Bimtek BTK-A" in text)
    ]
    assert [text for text in fake.texts_to(NEXT_IN_LINE) if "Ada tempat kosong" in text]
    assert not [text for text in fake.texts_to(OFFER_EXPIRING) if "Ada tempat" in text]
    # The reminder of the session that started during the outage: dropped, and counted.
    [only] = fake.texts_to(ENROLLED_ELSEWHERE)
    assert only.startswith(ANNOUNCEMENT)
    [(key, reason)] = bot.query("SELECT key, last_error FROM outbox WHERE status != 'sent'")
    assert key.startswith(f"reminder:2:{OFFSET}:") and key.endswith(":p4:c4")
    assert reason == "expired: the session had started"  # never tried: Telegram was down
    assert sum("expired before delivery" in line and "reminder: 1" in line for line in during) == 1

    # What the operator reads: one line down, one line back, a summary a minute at most.
    assert sum("outage: telegram is down" in line for line in during) == 1
    assert sum("still down" in line for line in during) <= outage // 60
    assert not any("Traceback" in line or "ERROR" in line for line in during), during
    assert len(during) <= 12 + outage // 60, "\n".join(during)
    assert back_after <= PROBE_CAP + 3
    # While down the bot only probed: a few calls a minute reached the platform, not floods.
    assert hits <= 10 + 15 * outage // 60
