"""Check-in through the real bot process: the deep link, the QR file, the officer's QR photo."""

from __future__ import annotations

import struct
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.support.fake_telegram import FakeTelegram
from tests.support.harness import BotProcess, Person
from tests.support.walks import register_until_summary

WIB = ZoneInfo("Asia/Jakarta")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
OFFICER_ID = 7001


def add_session_soon(bot: BotProcess) -> None:
    """Add session BTK-01 starting within the hour, so check-in is already open."""
    starts = datetime.now(WIB) + timedelta(hours=1)
    ends = starts + timedelta(hours=3)
    bot.cli(
        "sessions", "add", "--code", "BTK-01", "--title", "Bimtek Batik Tulis",
        "--venue", "Aula", "--starts-at", f"{starts:%Y-%m-%d %H:%M}",
        "--ends-at", f"{ends:%Y-%m-%d %H:%M}", "--capacity", "30",
    )  # fmt: skip


def checkin_code(bot: BotProcess, session_code: str) -> str:
    """Read the session's check-in code from `sessions list`, as an officer would."""
    lines = bot.cli("sessions", "list").stdout.splitlines()
    header = lines[0].split("\t")
    column = header.index("check-in code")
    for line in lines[1:]:
        cells = line.split("\t")
        if cells[0] == session_code:
            return cells[column]
    raise AssertionError(f"no session {session_code} in {lines}")


def test_deep_link_checks_in_once_and_qr_file(
    fake: FakeTelegram, bot: BotProcess, tmp_path: Path
) -> None:
    add_session_soon(bot)
    person = Person(fake, 5101)
    register_until_summary(person)
    assert "Pendaftaran berhasil" in person.presses("Benar")
    code = checkin_code(bot, "BTK-01")
    answer = person.says(f"/start hadir_{code}")
    assert "Kehadiran Anda tercatat" in answer
    assert "Bimtek Batik Tulis" in answer
    [(attended_at,)] = bot.query("SELECT attended_at FROM enrollment")
    assert attended_at is not None
    assert "sudah tercatat" in person.says(f"/start hadir_{code}")
    assert bot.query("SELECT attended_at FROM enrollment") == [(attended_at,)]
    assert "tidak dikenal" in person.says("/start hadir_salah")

    png = tmp_path / "qr-btk-01.png"
    result = bot.cli("sessions", "qr", "--code", "BTK-01", "--out", str(png))
    assert f"https://t.me/wubikm_test_bot?start=hadir_{code}" in result.stdout
    image = png.read_bytes()
    assert image.startswith(PNG_SIGNATURE)
    width, height = struct.unpack(">II", image[16:24])
    assert width == height >= 300


@pytest.fixture
def bot_with_officer(fake: FakeTelegram, tmp_path: Path) -> Iterator[BotProcess]:
    """Start the bot with one admin from ADMIN_TELEGRAM_IDS."""
    process = BotProcess(fake, tmp_path, {"ADMIN_TELEGRAM_IDS": str(OFFICER_ID)})
    process.start()
    try:
        yield process
    finally:
        process.stop()


def test_officer_gets_qr_photo_and_participant_is_refused(
    fake: FakeTelegram, bot_with_officer: BotProcess
) -> None:
    bot = bot_with_officer
    add_session_soon(bot)
    code = checkin_code(bot, "BTK-01")
    officer = Person(fake, OFFICER_ID)
    assert "Sesi bimtek" in officer.says("/sesi")
    label = next(label for label in officer.buttons() if label.startswith("BTK-01"))
    assert f"Kode check-in: {code}" in officer.presses(label)
    caption = officer.presses("QR check-in")
    assert f"https://t.me/wubikm_test_bot?start=hadir_{code}" in caption
    [photo] = [call for call in officer.last if call.method == "sendPhoto"]
    [(_, content)] = photo.files.values()
    assert content.startswith(PNG_SIGNATURE)

    stranger = Person(fake, 5102)
    assert "hanya untuk petugas" in stranger.sends_payload("sesi:cancelok:1")
    assert bot.query("SELECT cancelled_at FROM bimtek_session") == [(None,)]
    assert bot.query("SELECT action FROM audit_log WHERE action LIKE 'denied:%'") == [
        ("denied:sesi.cancelok",)
    ]
