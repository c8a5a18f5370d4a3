"""Walks through the real bot process that several end-to-end tests share."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from tests.support.harness import BotProcess, Person

NIK = "3216015505900002"
WIB = ZoneInfo("Asia/Jakarta")


def register_until_summary(person: Person, nik: str = NIK) -> str:
    assert "persetujuan" in person.says("/daftar")
    assert "nama lengkap" in person.presses("Setuju")
    assert "NIK" in person.says("Siti Aminah")
    assert "nomor HP" in person.says(nik)
    assert "nama usaha" in person.shares_contact("+62 812-3456-7890")
    assert "sektor" in person.says("Batik Siti")
    assert "kecamatan" in person.presses("Batik & Tekstil")
    assert "Maksud Anda Kecamatan Cikarang Utara?" in person.says("cikarang utr")
    assert "Pilih sesi" in person.presses("Ya, benar")
    return person.presses(person.buttons()[0])


def session_due_in(bot: BotProcess, seconds: float, capacity: int) -> str:
    """Add a session a few minutes ahead; return the REMINDER_OFFSETS value due in `seconds`."""
    now = datetime.now(UTC)
    starts = (now + timedelta(minutes=5)).astimezone(WIB).replace(second=0, microsecond=0)
    bot.cli(
        "sessions", "add", "--code", "BTK-R", "--title", "Bimtek Roti", "--venue", "Aula",
        "--starts-at", starts.strftime("%Y-%m-%d %H:%M"),
        "--ends-at", (starts + timedelta(hours=6)).strftime("%Y-%m-%d %H:%M"),
        "--capacity", str(capacity),
    )  # fmt: skip
    # Measured after the CLI: on a busy machine its start-up alone can outlast `seconds`.
    offset = int((starts - datetime.now(UTC)).total_seconds() - seconds)
    return f"{offset}s"
