"""The outbox on WhatsApp through the real process: the 24-hour window, templates, error
codes and status webhooks, against the fake Graph API."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.support.fake_graph import FakeGraph, GraphMessage
from tests.support.fake_telegram import FakeTelegram
from tests.support.walks import NIK, session_due_in
from tests.support.whatsapp_harness import (
    WebhookBot,
    WhatsAppPerson,
    delivery,
    free_port,
    register,
    status,
    whatsapp_env,
)

INSIDE = "6281111111111"
OUTSIDE = "6282222222222"
OTHER_NIK = "3216014107850003"


def seed_participant(
    bot: WebhookBot, wa_id: str, nik: str, session_code: str, wrote_ago: timedelta
) -> None:
    """Enrol a participant whose WhatsApp contact last wrote `wrote_ago`."""
    now = datetime.now(UTC)
    stamp = now.isoformat()
    last = (now - wrote_ago).isoformat()
    connection = sqlite3.connect(bot.database)
    try:
        with connection:
            cursor = connection.execute(
                "INSERT INTO participant (nik, full_name, phone, business_name, sector,"
                " kecamatan, consent_at, created_at, updated_at)"
                " VALUES (?, 'Budi Santoso', ?, 'Usaha', 'Kerajinan', 'Setu', ?, ?, ?)",
                (nik, "+" + wa_id, stamp, stamp, stamp),
            )
            participant_id = cursor.lastrowid
            connection.execute(
                "INSERT INTO contact (participant_id, channel, address, last_inbound_at,"
                " created_at) VALUES (?, 'whatsapp', ?, ?, ?)",
                (participant_id, wa_id, last, last),
            )
            connection.execute(
                "INSERT INTO enrollment (participant_id, session_id, status, created_at,"
                " updated_at, enrolled_at)"
                " SELECT ?, id, 'enrolled', ?, ?, ? FROM bimtek_session WHERE code = ?",
                (participant_id, stamp, stamp, stamp, session_code),
            )
    finally:
        connection.close()


def wait_for_message(
    graph: FakeGraph, to: str, kind: str, needle: str = "", timeout: float = 60
) -> GraphMessage:
    """Wait for a message of a type (text, interactive, template) to a number, with a text."""

    def found(messages: list[GraphMessage]) -> GraphMessage | None:
        matching = [m for m in messages if m.to == to and m.type == kind and needle in m.text]
        return matching[-1] if matching else None

    return graph.wait_for(found, timeout, f"for a {kind} message to {to}")


def start(fake: FakeTelegram, graph: FakeGraph, tmp_path: Path, env: dict[str, str]) -> WebhookBot:
    port = free_port()
    return WebhookBot(fake, tmp_path, port, {**whatsapp_env(graph, port), **env})


def test_reminders_inside_and_outside_the_window(
    fake: FakeTelegram, graph: FakeGraph, tmp_path: Path
) -> None:
    bot = start(fake, graph, tmp_path, {"WHATSAPP_TEMPLATE_REMINDER": "wub_pengingat"})
    bot.env["REMINDER_OFFSETS"] = session_due_in(bot, seconds=20, capacity=5)
    seed_participant(bot, OUTSIDE, OTHER_NIK, "BTK-R", timedelta(days=2))
    bot.start()
    try:
        inside = WhatsAppPerson(bot, graph, INSIDE)
        register(inside, NIK)
        free_form = wait_for_message(graph, INSIDE, "interactive", "Pengingat bimtek")
        template = wait_for_message(graph, OUTSIDE, "template")
        assert set(free_form.choices()) == {"✅ Saya hadir", "❌ Tidak bisa hadir"}
        body = template.body["template"]
        assert body["name"] == "wub_pengingat"
        assert body["language"] == {"code": "id"}
        assert "Bimtek Roti" in template.text
        assert "\n" not in template.text
        assert len(template.template_payloads()) == 2
        assert not [m for m in graph.messages(OUTSIDE) if m.type != "template"]

        inside.last = [free_form]
        inside.presses("✅ Saya hadir")
        outside = WhatsAppPerson(bot, graph, OUTSIDE)
        answer = outside.taps_template_button(template, 1)
        assert answer
        assert bot.query(
            "SELECT c.address, e.rsvp FROM enrollment e JOIN contact c"
            " ON c.participant_id = e.participant_id ORDER BY c.address"
        ) == [(INSIDE, "yes"), (OUTSIDE, "no")]
        # The template tap opened the window again.
        assert bot.query(
            "SELECT last_inbound_at > ? FROM contact WHERE address = ?",
            ((datetime.now(UTC) - timedelta(minutes=5)).isoformat(), OUTSIDE),
        ) == [(1,)]
        rows = bot.query(
            "SELECT address, status, provider_message_id FROM outbox"
            " WHERE key LIKE 'reminder:%' ORDER BY address"
        )
        assert rows == [(INSIDE, "sent", free_form.id), (OUTSIDE, "sent", template.id)]
    finally:
        bot.stop()


def test_error_codes_templates_and_status_webhooks(
    fake: FakeTelegram, graph: FakeGraph, tmp_path: Path
) -> None:
    bot = start(fake, graph, tmp_path, {"WHATSAPP_TEMPLATE_NOTICE": "wub_info"})
    bot.cli(
        "sessions", "add", "--code", "BTK-01", "--title", "Bimtek Batik", "--venue", "Aula",
        "--starts-at", "2030-12-01 09:00", "--ends-at", "2030-12-01 16:00", "--capacity", "30",
    )  # fmt: skip
    seed_participant(bot, INSIDE, NIK, "BTK-01", timedelta(hours=1))
    seed_participant(bot, OUTSIDE, OTHER_NIK, "BTK-01", timedelta(hours=23))
    bot.start()
    try:
        # First: the window closed early (131047) → the notice template instead.
        graph.fail_next(131047, message="Re-engagement message", to=INSIDE)
        # Second: rate limited twice, then accepted (WhatsApp's lane paused: no attempt spent).
        graph.fail_next(130429, message="Rate limit hit", to=OUTSIDE)
        graph.fail_next(130429, message="Rate limit hit", to=OUTSIDE)
        bot.cli(
            "sessions", "move", "--code", "BTK-01",
            "--starts-at", "2030-12-02 09:00", "--ends-at", "2030-12-02 16:00",
        )  # fmt: skip
        notice = wait_for_message(graph, INSIDE, "template")
        assert notice.body["template"]["name"] == "wub_info"
        moved = wait_for_message(graph, OUTSIDE, "text", "2 Desember 2030")
        wait_until(
            lambda: (
                bot.query(
                    "SELECT address, status, attempts, provider_message_id FROM outbox"
                    " ORDER BY address"
                )
                == [(INSIDE, "sent", 1, notice.id), (OUTSIDE, "sent", 1, moved.id)]
            )
        )

        # Status webhooks: delivered and read update the row, out of order too.
        bot.deliver(delivery(statuses=[status(moved.id, "read", OUTSIDE)]))
        bot.deliver(delivery(statuses=[status(moved.id, "delivered", OUTSIDE)]))
        wait_until(
            lambda: (
                bot.query(
                    "SELECT provider_status, read_at IS NOT NULL, delivered_at IS NOT NULL"
                    " FROM outbox WHERE provider_message_id = ?",
                    (moved.id,),
                )
                == [("read", 1, 1)]
            )
        )

        # A message accepted but then failed (window closed) is retried as the template.
        bot.cli(
            "sessions", "move", "--code", "BTK-01",
            "--starts-at", "2030-12-03 09:00", "--ends-at", "2030-12-03 16:00",
        )  # fmt: skip
        third = wait_for_message(graph, OUTSIDE, "text", "3 Desember 2030")
        bot.deliver(delivery(statuses=[status(third.id, "failed", OUTSIDE, code=131047)]))
        retried = wait_for_message(graph, OUTSIDE, "template", "3 Desember 2030")
        wait_until(
            lambda: (
                bot.query(
                    "SELECT status, template_only, provider_message_id FROM outbox"
                    " WHERE key LIKE ?"
                    " AND address = ? ORDER BY id DESC LIMIT 1",
                    ("session-moved%", OUTSIDE),
                )
                == [("sent", 1, retried.id)]
            )
        )
    finally:
        bot.stop()


def test_broadcasts_use_their_template_and_a_missing_one_fails_clearly(
    fake: FakeTelegram, graph: FakeGraph, tmp_path: Path
) -> None:
    bot = start(fake, graph, tmp_path, {"WHATSAPP_TEMPLATE_BROADCAST": "wub_pengumuman"})
    bot.cli(
        "sessions", "add", "--code", "BTK-01", "--title", "Bimtek Batik", "--venue", "Aula",
        "--starts-at", "2030-12-01 09:00", "--ends-at", "2030-12-01 16:00", "--capacity", "30",
    )  # fmt: skip
    seed_participant(bot, INSIDE, NIK, "BTK-01", timedelta(hours=1))
    seed_participant(bot, OUTSIDE, OTHER_NIK, "BTK-01", timedelta(days=2))
    bot.start()
    try:
        # No notice template: the cancellation reaches only the person inside the window.
        bot.cli("sessions", "cancel", "--code", "BTK-01")
        wait_for_message(graph, INSIDE, "text", "Pemberitahuan: sesi bimtek")
        wait_until(
            lambda: (
                bot.query("SELECT status FROM outbox WHERE address = ?", (OUTSIDE,))
                == [("failed",)]
            )
        )
        assert bot.query("SELECT last_error FROM outbox WHERE address = ?", (OUTSIDE,)) == [
            (
                "outside the WhatsApp 24-hour window and no template is set"
                " (WHATSAPP_TEMPLATE_NOTICE)",
            )
        ]
        assert graph.messages(OUTSIDE) == []
        # A broadcast: free text inside the window, the broadcast template outside it.
        bot.cli("broadcast", "--text", "Pasar murah IKM hari Sabtu", "--audience", "all")
        inside = wait_for_message(graph, INSIDE, "text", "Pasar murah IKM")
        outside = wait_for_message(graph, OUTSIDE, "template", "Pasar murah IKM")
        assert outside.body["template"]["name"] == "wub_pengumuman"
        assert len(outside.body["template"]["components"]) == 1
        wait_until(
            lambda: (
                bot.query(
                    "SELECT address, status, provider_message_id FROM outbox"
                    " WHERE key LIKE 'broadcast:%' ORDER BY address"
                )
                == [(INSIDE, "sent", inside.id), (OUTSIDE, "sent", outside.id)]
            )
        )
    finally:
        bot.stop()


def wait_until(check: Callable[[], bool], timeout: float = 15) -> None:
    """Wait until check() is true."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.05)
