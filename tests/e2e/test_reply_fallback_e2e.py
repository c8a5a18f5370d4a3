"""Replies that cannot be sent wait in the outbox: the real bot process against the fakes.

A chat the platform cannot reach (the fake answers 500 for it) goes on registering; once it
is reachable again it gets every reply it missed, in order, exactly once, as a chat that was
never cut off got them — also when the bot is killed while the replies wait.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.fake_graph import FakeGraph
from tests.support.fake_telegram import FakeTelegram
from tests.support.harness import BotProcess
from tests.support.walks import NIK
from tests.support.whatsapp_harness import (
    WebhookBot,
    add_session,
    delivery,
    free_port,
    message,
    whatsapp_env,
)

# Retries and probes at most a second apart, so recovery shows within seconds.
QUICK = {"OUTBOX_RETRY_MAX_INTERVAL": "1s", "CHANNEL_PROBE_MAX_INTERVAL": "1s"}
CONTROL, CUT_OFF = 5301, 5302
OTHER_NIK = "3216014107850003"
Step = tuple[str, str]
# The first steps of a registration: each answered by the next question.
FIRST_STEPS: list[Step] = [
    ("text", "/daftar"),
    ("button", "registration:consent:yes"),
    ("text", "Siti Aminah"),
]


def wait_until(condition: Callable[[], Any], timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting {what}")


# --- Telegram ------------------------------------------------------------------------------


def push(fake: FakeTelegram, chat: int, step: Step) -> None:
    kind, value = step
    if kind == "text":
        fake.push_text(chat, value)
    elif kind == "button":
        fake.push_callback(chat, value)
    else:
        fake.push_contact(chat, value, contact_user_id=chat)


def replies_of(fake: FakeTelegram, chat: int, steps: list[Step]) -> list[list[str]]:
    """Walk the steps in a chat that is never cut off; return each step's reply texts."""
    answers = []
    for step in steps:
        before = len(fake.texts_to(chat))
        push(fake, chat, step)
        wait_until(lambda: len(fake.texts_to(chat)) > before, 15, f"for the reply to {step}")  # noqa: B023
        fake.wait_idle(chat, quiet=0.4, timeout=15)
        answers.append(fake.texts_to(chat)[before:])
    return answers


def telegram_rows(bot: BotProcess, chat: int) -> list[tuple[str, str]]:
    return [
        (str(key), str(status))
        for key, status in bot.query(
            "SELECT key, status FROM outbox WHERE key LIKE ? ORDER BY id",
            (f"reply:telegram:{chat}:%",),
        )
    ]


def flat(answers: list[list[str]]) -> list[str]:
    return [text for step in answers for text in step]


def conversation_step(
    bot: BotProcess, address: int | str, channel: str = "telegram"
) -> list[tuple[Any, ...]]:
    return bot.query(
        "SELECT flow, step, data FROM conversation WHERE channel = ? AND address = ?",
        (channel, str(address)),
    )


@pytest.fixture
def telegram_bot(fake: FakeTelegram, tmp_path: Path) -> Iterator[BotProcess]:
    bot = BotProcess(fake, tmp_path, QUICK)
    bot.cli(
        "sessions", "add", "--code", "BTK-R", "--title", "Bimtek", "--venue", "Aula",
        "--starts-at", "2030-12-01 09:00", "--ends-at", "2030-12-01 16:00", "--capacity", "50",
    )  # fmt: skip
    bot.start()
    try:
        yield bot
    finally:
        bot.stop()


def test_a_chat_cut_off_gets_its_registration_replies_once_in_order_when_back(
    fake: FakeTelegram, telegram_bot: BotProcess
) -> None:
    bot = telegram_bot
    expected = flat(replies_of(fake, CONTROL, FIRST_STEPS))
    fake.unreachable_chats.add(CUT_OFF)
    for step in FIRST_STEPS:
        push(fake, CUT_OFF, step)
    wait_until(
        lambda: len(telegram_rows(bot, CUT_OFF)) == len(expected), 20, "for the replies queued"
    )
    assert fake.texts_to(CUT_OFF) == []
    # The person's answers were stored although no reply reached them.
    assert conversation_step(bot, CUT_OFF) == conversation_step(bot, CONTROL)
    fake.unreachable_chats.clear()
    wait_until(lambda: len(fake.texts_to(CUT_OFF)) >= len(expected), 30, "for the replies")
    time.sleep(1.5)  # anything sent twice would show by now
    assert fake.texts_to(CUT_OFF) == expected
    assert {status for _, status in telegram_rows(bot, CUT_OFF)} == {"sent"}
    # Nothing waits any more: the registration goes on with direct replies.
    finish_registration(fake, CUT_OFF)
    assert len(telegram_rows(bot, CUT_OFF)) == len(expected)
    assert bot.query("SELECT full_name, nik FROM participant") == [("Siti Aminah", NIK)]
    log = bot.log_text()
    assert "a reply was not sent (NetworkError)" in log
    assert "Siti Aminah" not in log and NIK not in log


def finish_registration(fake: FakeTelegram, chat: int, nik: str = NIK) -> None:
    for step in [
        ("text", nik),
        ("contact", "+6281234567890"),
        ("text", "Usaha Siti"),
        ("button", "registration:sector:0"),
        ("text", "Setu"),
        ("button", "registration:session:1"),
        ("button", "registration:summary:ok"),
    ]:
        before = len(fake.texts_to(chat))
        push(fake, chat, step)
        wait_until(lambda: len(fake.texts_to(chat)) > before, 15, f"for the reply to {step}")  # noqa: B023
        fake.wait_idle(chat, quiet=0.3, timeout=15)
    assert any("Pendaftaran berhasil" in text for text in fake.texts_to(chat)[before:])


def test_replies_waiting_at_a_kill_arrive_once_in_order_after_the_restart(
    fake: FakeTelegram, telegram_bot: BotProcess
) -> None:
    bot = telegram_bot
    answers = replies_of(fake, CONTROL, FIRST_STEPS)
    fake.unreachable_chats.add(CUT_OFF)
    for step in FIRST_STEPS[:2]:
        push(fake, CUT_OFF, step)
    queued = len(flat(answers[:2]))
    wait_until(lambda: len(telegram_rows(bot, CUT_OFF)) == queued, 20, "for the replies queued")
    time.sleep(1.2)  # long polling has confirmed the updates: they are not fetched again
    bot.kill()
    assert {status for _, status in telegram_rows(bot, CUT_OFF)} <= {"pending", "sending"}
    bot.start()
    # After the restart the chat's next reply queues behind those still waiting (the chat is
    # still cut off, and only the first waiting reply is tried meanwhile).
    push(fake, CUT_OFF, FIRST_STEPS[2])
    expected = flat(answers)
    wait_until(
        lambda: len(telegram_rows(bot, CUT_OFF)) == len(expected), 20, "for the third reply"
    )
    tried = {call.text for call in fake.rejected_calls("sendMessage", CUT_OFF)}
    assert tried == {expected[0]}
    fake.unreachable_chats.clear()
    wait_until(lambda: len(fake.texts_to(CUT_OFF)) >= len(expected), 30, "for the replies")
    time.sleep(1.5)
    assert fake.texts_to(CUT_OFF) == expected
    assert {status for _, status in telegram_rows(bot, CUT_OFF)} == {"sent"}
    finish_registration(fake, CUT_OFF)
    assert bot.query("SELECT full_name, nik FROM participant") == [("Siti Aminah", NIK)]
    assert bot.query("SELECT COUNT(*) FROM enrollment") == [(1,)]


# --- WhatsApp ------------------------------------------------------------------------------

WA_CONTROL, WA_CUT_OFF = "6281300000001", "6281300000002"


def wa_message(wa_id: str, step: Step) -> dict[str, Any]:
    kind, value = step
    if kind == "text":
        return message(wa_id, "text", {"body": value})
    reply = {"id": value, "title": value}
    return message(wa_id, "interactive", {"type": "button_reply", "button_reply": reply})


def wa_replies_of(bot: WebhookBot, graph: FakeGraph, steps: list[Step]) -> list[list[str]]:
    answers = []
    for step in steps:
        mark = graph.mark()
        bot.deliver(delivery(messages=[wa_message(WA_CONTROL, step)]))
        answers.append([m.text for m in graph.replies_after(WA_CONTROL, mark, quiet=0.4)])
    return answers


def wa_texts(graph: FakeGraph, wa_id: str) -> list[str]:
    return [m.text for m in graph.messages(wa_id)]


def whatsapp_rows(bot: BotProcess, wa_id: str) -> list[tuple[str, str]]:
    return [
        (str(key), str(status))
        for key, status in bot.query(
            "SELECT key, status FROM outbox WHERE key LIKE ? ORDER BY id",
            (f"reply:whatsapp:{wa_id}:%",),
        )
    ]


@pytest.fixture
def whatsapp_bot(fake: FakeTelegram, graph: FakeGraph, tmp_path: Path) -> Iterator[WebhookBot]:
    port = free_port()
    bot = WebhookBot(fake, tmp_path, port, {**whatsapp_env(graph, port), **QUICK})
    bot.start()
    add_session(bot)
    try:
        yield bot
    finally:
        bot.stop()


@pytest.mark.parametrize("kill", [False, True], ids=["running", "killed"])
def test_whatsapp_replies_wait_while_a_number_is_cut_off(
    graph: FakeGraph, whatsapp_bot: WebhookBot, kill: bool
) -> None:
    bot = whatsapp_bot
    answers = wa_replies_of(bot, graph, FIRST_STEPS)
    expected = flat(answers)
    graph.unreachable.add(WA_CUT_OFF)
    for step in FIRST_STEPS[:2]:
        bot.deliver(delivery(messages=[wa_message(WA_CUT_OFF, step)]))
    queued = len(flat(answers[:2]))
    wait_until(lambda: len(whatsapp_rows(bot, WA_CUT_OFF)) == queued, 20, "for queued replies")
    if kill:
        bot.kill()
        assert {status for _, status in whatsapp_rows(bot, WA_CUT_OFF)} <= {"pending", "sending"}
        bot.start()
    bot.deliver(delivery(messages=[wa_message(WA_CUT_OFF, FIRST_STEPS[2])]))
    wait_until(
        lambda: len(whatsapp_rows(bot, WA_CUT_OFF)) == len(expected), 20, "for the third reply"
    )
    assert wa_texts(graph, WA_CUT_OFF) == []
    # Only the first waiting reply is tried while the number is cut off.
    assert {m.text for m in graph.rejected() if m.to == WA_CUT_OFF} == {expected[0]}
    graph.unreachable.clear()
    wait_until(lambda: len(wa_texts(graph, WA_CUT_OFF)) >= len(expected), 30, "for the replies")
    time.sleep(1.5)
    assert wa_texts(graph, WA_CUT_OFF) == expected
    assert {status for _, status in whatsapp_rows(bot, WA_CUT_OFF)} == {"sent"}
    assert conversation_step(bot, WA_CUT_OFF, "whatsapp") == conversation_step(
        bot, WA_CONTROL, "whatsapp"
    )
    # Nothing waits any more: the next reply goes directly.
    mark = graph.mark()
    bot.deliver(delivery(messages=[message(WA_CUT_OFF, "text", {"body": OTHER_NIK})]))
    assert graph.replies_after(WA_CUT_OFF, mark)
    assert len(whatsapp_rows(bot, WA_CUT_OFF)) == len(expected)
    log = bot.log_text()
    assert "a reply was not sent (GraphError)" in log
    assert "Siti Aminah" not in log and WA_CUT_OFF not in log
