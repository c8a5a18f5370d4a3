"""Two broadcasts to people on Telegram and on WhatsApp at once, through the real process.

Each platform is paced on its own: Telegram at the rate of the deprecated
BROADCAST_RATE_PER_SECOND (still honoured, with a warning), WhatsApp at its own, faster rate,
with a few flood-control answers on both sides and WhatsApp's status webhooks flowing back.
Everybody gets both announcements once, in order, and WhatsApp is not held to Telegram's pace.
"""

from __future__ import annotations

import sqlite3
import time
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.support.fake_graph import FakeGraph
from tests.support.fake_telegram import FakeTelegram
from tests.support.whatsapp_harness import APP_SECRET, WebhookBot, free_port, whatsapp_env

PEOPLE = 150  # on each platform
TELEGRAM_RATE, WHATSAPP_RATE = 20.0, 60.0
FIRST_CHAT = 5_000_000
TEXTS = ("Pengumuman 1: pameran produk IKM.", "Pengumuman 2: jadwal bimtek diperbarui.")


def wa_id(index: int) -> str:
    return f"62813{index:08d}"


def seed(database: Path) -> None:
    """Half the people on Telegram, half on WhatsApp (who wrote today: free-form is allowed)."""
    now = datetime.now(UTC).isoformat(timespec="microseconds")
    connection = sqlite3.connect(database)
    try:
        with connection:
            for index in range(2 * PEOPLE):
                participant = connection.execute(
                    "INSERT INTO participant (nik, full_name, phone, business_name, sector,"
                    " kecamatan, consent_at, created_at, updated_at)"
                    " VALUES (?, ?, ?, 'Usaha', 'Kerajinan', 'Setu', ?, ?, ?)",
                    (f"32160155{index:08d}", f"Peserta {index}", f"+62812{index:08d}", now,
                     now, now),
                ).lastrowid  # fmt: skip
                on_telegram = index < PEOPLE
                connection.execute(
                    "INSERT INTO contact (participant_id, channel, address, last_inbound_at,"
                    " created_at) VALUES (?, ?, ?, ?, ?)",
                    (
                        participant,
                        "telegram" if on_telegram else "whatsapp",
                        str(FIRST_CHAT + index) if on_telegram else wa_id(index),
                        now,
                        now,
                    ),
                )
    finally:
        connection.close()


def wait_for(what: str, condition: object, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not callable(condition) or not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


def rate(arrivals: list[float]) -> float:
    return (len(arrivals) - 1) / (arrivals[-1] - arrivals[0])


@pytest.mark.timeout(300)
def test_both_platforms_at_their_own_pace_with_flood_control_on_each(
    fake: FakeTelegram, graph: FakeGraph, tmp_path: Path
) -> None:
    fake.global_rate = 30.0
    graph.throughput = 80.0
    port = free_port()
    env = {
        **whatsapp_env(graph, port, telegram=True),
        "BROADCAST_RATE_PER_SECOND": f"{TELEGRAM_RATE:g}",
        "WHATSAPP_RATE_PER_SECOND": f"{WHATSAPP_RATE:g}",
        "LOG_LEVEL": "INFO",
    }
    bot = WebhookBot(fake, tmp_path, port, env)
    bot.cli("migrate")
    seed(bot.database)
    bot.start()
    graph.post_statuses_to(f"{bot.url}/whatsapp", APP_SECRET)
    try:
        fake.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
        graph.fail_next(130429, message="Rate limit hit")
        for text in TEXTS:
            bot.cli("broadcast", "--text", text, "--audience", "all")
        time.sleep(3)
        fake.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
        graph.fail_next(130429, message="Rate limit hit")
        graph.fail_next(131056, message="Pair rate limit hit", to=wa_id(PEOPLE + 7))  # one person
        wait_for(
            "every row sent and read",
            lambda: (
                bot.query(
                    "SELECT COUNT(*) FROM outbox WHERE status != 'sent'"
                    " OR (channel = 'whatsapp' AND provider_status IS NOT 'read')"
                )
                == [(0,)]
            ),
            120,
        )
    finally:
        bot.stop()

    telegram: dict[int, list[str]] = defaultdict(list)
    for call in fake.calls("sendMessage"):
        telegram[call.chat_id].append((call.text or "").split("\n")[0])
    whatsapp: dict[str, list[str]] = defaultdict(list)
    for sent in graph.messages():
        whatsapp[sent.to].append(sent.text.split("\n")[0])
    # Everybody got both, once each, in the order they were sent.
    assert len(telegram) == PEOPLE and len(whatsapp) == PEOPLE
    wrong = {
        chat: texts
        for chat, texts in [*telegram.items(), *whatsapp.items()]
        if texts != list(TEXTS)
    }
    assert not wrong, wrong
    # Each platform at its own pace: WhatsApp is not held to Telegram's rate, nor paused by
    # Telegram's 429s (and the other way round), and neither trips its platform's limits.
    paired = wa_id(PEOPLE + 7)  # held 6 s by the per-person limit: left out of the rate
    telegram_arrivals = [call.at for call in fake.calls("sendMessage")]
    whatsapp_arrivals = [sent.at for sent in graph.messages() if sent.to != paired]
    print(f"telegram {rate(telegram_arrivals):.1f}/s, whatsapp {rate(whatsapp_arrivals):.1f}/s")
    assert rate(telegram_arrivals) <= TELEGRAM_RATE * 1.05
    assert rate(whatsapp_arrivals) > 1.2 * rate(telegram_arrivals)
    assert whatsapp_arrivals[-1] < telegram_arrivals[-1] - 5
    rejected = [call for call in fake.rejected_calls("sendMessage")]
    assert len(rejected) == 2  # the two injected 429s, none from our own pace
    assert [failure.to for failure in graph.rejected()].count(paired) <= 1
    assert len(graph.rejected()) <= 4
    assert graph.statuses_failed == 0
    warnings = [line for line in bot.log_text().splitlines() if "deprecated" in line]
    assert len(warnings) == 1 and "rename it TELEGRAM_RATE_PER_SECOND" in warnings[0]
