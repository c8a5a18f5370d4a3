"""SIGKILL at random moments of many concurrent registrations: nothing committed is lost."""

from __future__ import annotations

import random
import time
from pathlib import Path

from tests.support.fake_telegram import FakeTelegram
from tests.support.harness import BotProcess

PEOPLE = 6
KILLS = 3


def script(index: int) -> list[tuple[str, str]]:
    return [
        ("text", "/daftar"),
        ("button", "registration:consent:yes"),
        ("text", f"Peserta {chr(65 + index)}"),
        ("text", f"3216015505{index:06d}"),
        ("contact", f"+62812{index:08d}"),
        ("text", f"Usaha {index}"),
        ("button", "registration:sector:0"),
        ("text", "Setu"),
        ("button", "registration:session:1"),
        ("button", "registration:summary:ok"),
    ]


def push(fake: FakeTelegram, user_id: int, kind: str, value: str) -> None:
    if kind == "text":
        fake.push_text(user_id, value)
    elif kind == "button":
        fake.push_callback(user_id, value)
    else:
        fake.push_contact(user_id, value, contact_user_id=user_id)


def committed(bot: BotProcess) -> set[tuple[str, str, str]]:
    rows = bot.query(
        "SELECT p.nik, c.address, e.status FROM participant p"
        " JOIN contact c ON c.participant_id = p.id"
        " JOIN enrollment e ON e.participant_id = p.id"
    )
    return {(str(nik), str(address), str(status)) for nik, address, status in rows}


def test_kill_at_random_points_of_registration(fake: FakeTelegram, tmp_path: Path) -> None:
    rng = random.Random(27112026)  # noqa: S311 - reproducible, not for security
    bot = BotProcess(fake, tmp_path, {})
    bot.cli(
        "sessions", "add", "--code", "BTK-K", "--title", "Bimtek", "--venue", "Aula",
        "--starts-at", "2030-12-01 09:00", "--ends-at", "2030-12-01 16:00", "--capacity", "50",
    )  # fmt: skip
    bot.start()
    steps = {index: script(index) for index in range(PEOPLE)}
    seen: set[tuple[str, str, str]] = set()
    try:
        for _ in range(KILLS):
            for index, remaining in steps.items():
                count = rng.randint(1, 4)
                for kind, value in remaining[:count]:
                    push(fake, 8000 + index, kind, value)
                del remaining[:count]
            time.sleep(rng.uniform(0.05, 0.6))
            bot.kill()
            before = committed(bot)
            assert seen <= before, "a committed registration disappeared"
            seen = before
            bot.start()
        for index in range(PEOPLE):
            for kind, value in script(index):
                push(fake, 8000 + index, kind, value)
        for index in range(PEOPLE):
            fake.wait_idle(8000 + index, quiet=0.5, timeout=30)
    finally:
        bot.stop()
    final = committed(bot)
    assert seen <= final
    assert len(final) == PEOPLE, bot.query("SELECT address, flow, step FROM conversation")
    assert bot.query("PRAGMA integrity_check") == [("ok",)]
    assert bot.query("PRAGMA foreign_key_check") == []
    assert not any("gangguan" in text for i in range(PEOPLE) for text in fake.texts_to(8000 + i))
    log = bot.log_text()
    assert "DEBUG" in log  # the bot logged at its most talkative level
    for index in range(PEOPLE):
        assert f"3216015505{index:06d}" not in log
        assert f"812{index:08d}" not in log
