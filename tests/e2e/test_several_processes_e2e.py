"""Three `python -m bot run` processes on one PostgreSQL, Telegram in webhook mode.

The test stands in for the load balancer: each person's consecutive updates go to the
processes in turn. Then a broadcast is sent by the leader, which is killed with SIGKILL
mid-broadcast: a follower must take over within LEADER_TAKEOVER and finish it, with
nothing lost and at most the rows in flight sent twice. Then the session's reminder falls
due under the new leader, which is killed mid-reminder too: the last process finishes it,
and the reminder job has run once (one `reminder_run`, one outbox row per person).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.fake_telegram import ApiCall, FakeTelegram, callback_data, reply_markup_buttons
from tests.support.postgres import Server
from tests.support.whatsapp_harness import WebhookBot, free_port

SECRET = "several-processes_secret"
PEOPLE = int(os.environ.get("E2E_SEVERAL_PEOPLE", "60"))
EXTRA_RECIPIENTS = int(os.environ.get("E2E_SEVERAL_BROADCAST", "540"))
TAKEOVER_SECONDS = 3
IN_FLIGHT = 8  # the dispatcher's max_in_flight
BROADCAST = "Pengumuman: bimtek dipindah ke aula baru."
REMINDER = "⏰ Pengingat bimtek"
_ids = itertools.count(1)


def user(chat: int) -> dict[str, Any]:
    return {"id": chat, "is_bot": False, "first_name": "Peserta"}


def message(chat: int, **content: Any) -> dict[str, Any]:
    return {
        "update_id": next(_ids),
        "message": {
            "message_id": next(_ids),
            "date": int(time.time()),
            "chat": {"id": chat, "type": "private", "first_name": "Peserta"},
            "from": user(chat),
            **content,
        },
    }


def text(chat: int, words: str) -> dict[str, Any]:
    entities = (
        [{"offset": 0, "length": len(words), "type": "bot_command"}]
        if words.startswith("/")
        else []
    )
    return message(chat, text=words, entities=entities) if entities else message(chat, text=words)


def contact(chat: int, phone: str) -> dict[str, Any]:
    return message(chat, contact={"phone_number": phone, "first_name": "P", "user_id": chat})


def press(chat: int, payload: str) -> dict[str, Any]:
    return {
        "update_id": next(_ids),
        "callback_query": {
            "id": str(next(_ids)),
            "from": user(chat),
            "chat_instance": "42",
            "data": payload,
            "message": {
                "message_id": next(_ids),
                "date": int(time.time()),
                "chat": {"id": chat, "type": "private", "first_name": "Peserta"},
                "text": "earlier question",
            },
        },
    }


class Visitor:
    """One person whose consecutive updates reach the processes in turn."""

    def __init__(self, fake: FakeTelegram, bots: list[WebhookBot], chat: int) -> None:
        self.fake, self.bots, self.chat = fake, bots, chat
        self.turn = chat  # start at a different process for each person
        self.last: list[ApiCall] = []

    def send(self, update: dict[str, Any]) -> str:
        bot = self.bots[self.turn % len(self.bots)]
        self.turn += 1
        before = len(self.fake.messages_to(self.chat))
        mark = self.fake.mark()
        response = httpx.post(
            bot.url + "/telegram",
            content=json.dumps(update).encode(),
            headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
            timeout=30,
        )
        assert response.status_code == 200, response.text
        self.fake.next_reply(self.chat, mark, timeout=30)
        self.fake.wait_idle(self.chat, quiet=0.3, timeout=30)
        self.last = self.fake.messages_to(self.chat)[before:]
        assert self.last, f"no reply to {update}"
        return "\n".join(call.text or "" for call in self.last)

    def presses(self, label: str) -> str:
        for call in reversed(self.last):
            try:
                return self.send(press(self.chat, callback_data(call, label)))
            except KeyError:
                continue
        raise AssertionError(f"no button {label!r}")

    def presses_first(self) -> str:
        for call in reversed(self.last):
            rows = reply_markup_buttons(call)
            if rows:
                return self.presses(rows[0][0])
        raise AssertionError("no buttons")

    def registers(self, number: int) -> None:
        assert "persetujuan" in self.send(text(self.chat, "/daftar"))
        assert "nama lengkap" in self.presses("Setuju")
        assert "NIK" in self.send(text(self.chat, "Siti Aminah"))
        assert "nomor HP" in self.send(text(self.chat, f"321601550590{number:04d}"))
        assert "nama usaha" in self.send(contact(self.chat, f"+62 812-3456-{number:04d}"))
        assert "sektor" in self.send(text(self.chat, "Batik Siti"))
        assert "kecamatan" in self.presses("Batik & Tekstil")
        assert "Cikarang Utara?" in self.send(text(self.chat, "cikarang utr"))
        assert "Pilih sesi" in self.presses("Ya, benar")
        assert "Bimtek BTK-01" in self.presses_first()
        assert "Pendaftaran berhasil" in self.presses("Benar")


class PatientBot(WebhookBot):
    """A webhook bot given a minute to come up (three start at once on a busy machine)."""

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot", "run"],
                cwd=self.workdir, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.process.poll() is None, "bot exited at start:\n" + self.log_text()
            if health(self) is not None:
                return
            time.sleep(0.1)
        self.stop()
        raise AssertionError("webhook server did not come up:\n" + self.log_text())


def health(bot: WebhookBot) -> dict[str, Any] | None:
    try:
        return dict(httpx.get(bot.url + "/healthz", timeout=2).json())
    except (httpx.HTTPError, ValueError):
        return None


def leaders(bots: list[WebhookBot]) -> list[WebhookBot]:
    return [bot for bot in bots if (health(bot) or {}).get("leader")]


@pytest.fixture
def url(postgres_server: Server) -> Iterator[str]:
    made = asyncio.run(postgres_server.create_database())
    yield made
    asyncio.run(postgres_server.drop_database(made))


@pytest.fixture
def bots(fake: FakeTelegram, tmp_path: Path, url: str) -> Iterator[list[WebhookBot]]:
    started: list[WebhookBot] = []
    try:
        for number in range(3):
            port = free_port()
            workdir = tmp_path / f"bot{number}"
            workdir.mkdir()
            bot = PatientBot(
                fake,
                workdir,
                port,
                {
                    "DATABASE_URL": url,
                    "TELEGRAM_WEBHOOK_URL": "https://bots.example.org/telegram",
                    "TELEGRAM_WEBHOOK_SECRET": SECRET,
                    "WEBHOOK_PORT": str(port),
                    "LEADER_TAKEOVER": f"{TAKEOVER_SECONDS}s",
                    "REMINDER_OFFSETS": "1h",
                    "BROADCAST_RATE_PER_SECOND": "30",
                    "LOG_LEVEL": "INFO",
                },
            )
            bot.start()
            started.append(bot)
        yield started
    finally:
        for bot in started:
            bot.stop()


def add_session(bot: WebhookBot, capacity: int) -> None:
    """Add the session everyone registers for, far in the future, with the CLI."""
    bot.cli(
        "sessions", "add", "--code", "BTK-01", "--title", "Bimtek BTK-01", "--venue", "Aula",
        "--starts-at", "2030-12-01 09:00", "--ends-at", "2030-12-01 16:00",
        "--capacity", str(capacity),
    )  # fmt: skip


def seed_recipients(bot: WebhookBot, count: int) -> None:
    """Add registered participants with Telegram chats straight into the database."""
    stamp = "2026-11-01T00:00:00.000000+00:00"
    for number in range(count):
        nik = f"327101550590{number:04d}"
        bot.query(
            "INSERT INTO participant (nik, full_name, created_at, updated_at)"
            " VALUES (?, 'Penerima', ?, ?)",
            (nik, stamp, stamp),
        )
    bot.query(
        "INSERT INTO contact (participant_id, channel, address, created_at)"
        " SELECT id, 'telegram', CAST(900000 + id AS TEXT), ? FROM participant"
        " WHERE full_name = 'Penerima'",
        (stamp,),
    )


def post(bot: WebhookBot, update: dict[str, Any]) -> None:
    """POST one update to a process's webhook and wait for its 200 (the update is recorded)."""
    response = httpx.post(
        bot.url + "/telegram",
        content=json.dumps(update).encode(),
        headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
        timeout=30,
    )
    assert response.status_code == 200, response.text


def overtaking(fake: FakeTelegram, bots: list[WebhookBot], chat: int) -> list[str]:
    """Send /start to one process, pause it, and send /bantuan to the next meanwhile.

    The first process has accepted /start (its 200 came back) but stands still for a second,
    as a busy or swapping process might: without the chat's turns in the database, the
    second process would answer /bantuan first.
    """
    first, second = bots[chat % len(bots)], bots[(chat + 1) % len(bots)]
    post(first, text(chat, "/start"))
    assert first.process is not None
    first.process.send_signal(signal.SIGSTOP)
    try:
        post(second, text(chat, "/bantuan"))
        time.sleep(1.0)
    finally:
        first.process.send_signal(signal.SIGCONT)
    deadline = time.monotonic() + 60
    while len(fake.messages_to(chat)) < 2:
        assert time.monotonic() < deadline, f"chat {chat}: {len(fake.messages_to(chat))} replies"
        time.sleep(0.05)
    return [call.text or "" for call in fake.messages_to(chat)]


def sends_starting(fake: FakeTelegram, prefix: str) -> Counter[int]:
    """Count, per chat, the messages sent whose text starts with the prefix."""
    return Counter(
        call.params.get("chat_id")
        for call in fake.calls("sendMessage")
        if (call.text or "").startswith(prefix)
    )


def kill_the_leader_when(bots: list[WebhookBot], started: Callable[[], bool]) -> float:
    """Wait until `started()`, kill -9 the leader, and return how long the takeover took."""
    (leader,) = leaders(bots)
    deadline = time.monotonic() + 60
    while not started():
        assert time.monotonic() < deadline, "the sending did not start"
        time.sleep(0.02)
    leader.kill()
    killed_at = time.monotonic()
    bots.remove(leader)
    while not leaders(bots):
        assert time.monotonic() - killed_at < TAKEOVER_SECONDS + 5, "nobody took over"
        time.sleep(0.05)
    return time.monotonic() - killed_at


def wait_until_sent(bot: WebhookBot, condition: str) -> None:
    """Wait until no outbox row matching the condition is still waiting or being sent."""
    deadline = time.monotonic() + 180
    waiting = f"SELECT COUNT(*) FROM outbox WHERE {condition} AND status IN ('pending', 'sending')"
    while bot.query(waiting) != [(0,)]:
        assert time.monotonic() < deadline, bot.query("SELECT status, COUNT(*) FROM outbox")
        time.sleep(0.2)


def reminder_due_in(bot: WebhookBot, seconds: float) -> None:
    """Move the session so that its one reminder (REMINDER_OFFSETS=1h) falls due soon.

    Written straight into the table, to the second (the CLI takes minutes); the leader's
    watch notices the new updated_at within two seconds, as it notices the CLI's changes.
    """
    now = datetime.now(UTC)
    starts = now + timedelta(hours=1, seconds=seconds)
    bot.query(
        "UPDATE bimtek_session SET starts_at = ?, ends_at = ?, updated_at = ? WHERE code = ?",
        (stamp(starts), stamp(starts + timedelta(hours=6)), stamp(now), "BTK-01"),
    )


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


@pytest.mark.timeout(1500)
def test_three_processes_register_in_order_and_survive_the_leaders_death(
    fake: FakeTelegram, bots: list[WebhookBot]
) -> None:
    first = bots[0]
    add_session(first, capacity=PEOPLE + 10)
    assert len(leaders(bots)) == 1

    visitors = [Visitor(fake, bots, 7000 + number) for number in range(1, PEOPLE + 1)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda pair: pair[1].registers(pair[0]), enumerate(visitors, start=1)))
    assert first.query("SELECT COUNT(*) FROM participant") == [(PEOPLE,)]
    assert first.query("SELECT COUNT(*) FROM enrollment WHERE status = 'enrolled'") == [(PEOPLE,)]
    assert first.query("SELECT COUNT(*) FROM conversation") == [(0,)]

    # One person's second update reaches another process while the first is held up there:
    # still handled in the order sent.
    for chat in (8001, 8002, 8003):
        answers = overtaking(fake, bots, chat)
        assert answers[0].startswith("Selamat datang") and answers[1].startswith("Perintah")

    # A broadcast to everyone; the leader is killed a third of the way through.
    seed_recipients(first, EXTRA_RECIPIENTS)
    total = PEOPLE + EXTRA_RECIPIENTS
    alive = list(bots)
    first.cli("broadcast", "--text", BROADCAST, "--audience", "all")
    takeover = kill_the_leader_when(
        alive, lambda: sum(sends_starting(fake, BROADCAST).values()) >= total // 3
    )
    wait_until_sent(alive[0], "broadcast_id IS NOT NULL")
    sends = sends_starting(fake, BROADCAST)
    assert len(sends) == total  # nobody lost
    duplicates = sum(count - 1 for count in sends.values())
    assert duplicates <= IN_FLIGHT
    assert alive[0].query(
        "SELECT status, COUNT(*) FROM outbox WHERE broadcast_id IS NOT NULL GROUP BY status"
    ) == [("sent", total)]
    print(f"broadcast: takeover after {takeover:.1f}s, {duplicates} duplicate(s) of {total}")

    # The reminder falls due under the new leader, which is killed in the middle of it.
    reminder_due_in(alive[0], seconds=4)
    second_takeover = kill_the_leader_when(
        alive, lambda: sum(sends_starting(fake, REMINDER).values()) >= PEOPLE // 3
    )
    last = alive[0]
    wait_until_sent(last, "key LIKE 'reminder:%'")
    reminded = sends_starting(fake, REMINDER)
    assert sorted(reminded) == [7000 + number for number in range(1, PEOPLE + 1)]  # none lost
    repeated = sum(count - 1 for count in reminded.values())
    assert repeated <= IN_FLIGHT
    # The reminder job ran once, whoever led: one run, every enrolled person queued once.
    assert last.query("SELECT outcome, recipients FROM reminder_run") == [("queued", PEOPLE)]
    assert last.query("SELECT COUNT(*) FROM outbox WHERE key LIKE 'reminder:%'") == [(PEOPLE,)]
    assert takeover <= TAKEOVER_SECONDS + 1 and second_takeover <= TAKEOVER_SECONDS + 1
    print(f"reminder: takeover after {second_takeover:.1f}s, {repeated} repeated of {PEOPLE}")
