"""Test support for the officer tools: a built population, and a fake progress board."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pytest

from bot.cli import main
from storage import Storage
from storage.models import BimtekSession, EnrollmentStatus, NewParticipant, Participant
from tests.support.chat import NOW

OFFICER = "9001"
ADMIN = "9002"


def nik(number: int) -> str:
    """Return a valid NIK that differs by number."""
    return f"3216010101{number:06d}"


def phone(number: int) -> str:
    """Return a valid Indonesian mobile number in E.164 that differs by number."""
    return f"+62812{number:08d}"


async def person(
    storage: Storage,
    number: int,
    *,
    kecamatan: str = "Setu",
    sector: str = "Kerajinan",
    contacts: tuple[tuple[str, str], ...] | None = None,
    language: str = "id",
) -> Participant:
    """Store participant `number` with chat contacts (default: telegram address = number)."""
    async with storage.db.transaction():
        participant = await storage.participants.create(
            NewParticipant(
                nik=nik(number),
                full_name=f"Peserta Nomor {chr(65 + number % 26)}",
                phone=phone(number),
                business_name=f"Usaha {number}",
                sector=sector,
                kecamatan=kecamatan,
            ),
            NOW,
        )
        for channel, address in contacts if contacts is not None else (("telegram", str(number)),):
            await storage.contacts.touch(channel, address, NOW)
            await storage.contacts.link(channel, address, participant.id)
            if language != "id":
                await storage.contacts.set_language(channel, address, language)
    return participant


async def enroll(
    storage: Storage,
    participant: Participant,
    session: BimtekSession,
    status: EnrollmentStatus = "enrolled",
    *,
    attended: bool = False,
) -> None:
    """Enrol (or waitlist) a participant; optionally record attendance."""
    async with storage.db.transaction():
        enrollment = await storage.enrollments.enroll(participant.id, session.id, status, NOW)
        if attended:
            await storage.enrollments.mark_attended(enrollment.id, NOW)


async def allocate(
    storage: Storage,
    participant: Participant,
    *,
    item_id: int = 1,
    handed_over: bool = True,
    confirmation: str | None = None,
) -> None:
    """Allocate an item; optionally hand it over and record the participant's answer."""
    async with storage.db.transaction():
        allocation = await storage.allocations.create(participant.id, item_id, 1, NOW)
        if handed_over:
            await storage.allocations.mark_handed_over([allocation.id], "Petugas", NOW)
        if confirmation is not None:
            await storage.allocations.confirm(allocation.id, confirmation, NOW)  # type: ignore[arg-type]


async def make_officer(storage: Storage, address: str = OFFICER, role: str = "officer") -> None:
    """Make a Telegram user an officer (or admin)."""
    async with storage.db.transaction():
        await storage.officers.add("telegram", address, role, NOW)  # type: ignore[arg-type]


@dataclass
class FakeBoard:
    """A progress board that remembers every post and edit."""

    posts: list[tuple[str, str, str]] = field(default_factory=list)
    edits: list[tuple[str, str, str, str]] = field(default_factory=list)
    refuse: bool = False

    async def post(self, channel: str, address: str, text: str) -> str | None:
        """Record a post; return a message id unless told to refuse."""
        if self.refuse:
            return None
        self.posts.append((channel, address, text))
        return str(len(self.posts))

    async def edit(self, channel: str, address: str, message_id: str, text: str) -> bool:
        """Record an edit."""
        self.edits.append((channel, address, message_id, text))
        return True


async def outbox_rows(storage: Storage, broadcast_id: int | None = None) -> list[tuple[str, str]]:
    """Return (address, text) of the queued rows, of one broadcast or of all."""
    if broadcast_id is None:
        rows = await storage.db.fetch_all("SELECT * FROM outbox ORDER BY id")
    else:
        rows = await storage.db.fetch_all(
            "SELECT * FROM outbox WHERE broadcast_id = ? ORDER BY id", (broadcast_id,)
        )
    return [(row["address"], json.loads(row["body"])["text"]) for row in rows]


async def settle(storage: Storage, broadcast_id: int, now: datetime, **outcomes: str) -> None:
    """Answer for the rows of the addresses named, as a{address}=sent|failed:reason|blocked.

    Every other row stays pending.
    """
    rows = await storage.outbox.claim_due(now, 10_000)
    for message in rows:
        outcome = outcomes.get(f"a{message.address}")
        if message.broadcast_id != broadcast_id or outcome is None:
            await storage.outbox.release(message.id, now, now)
            continue
        if outcome == "sent":
            await storage.outbox.mark_sent(message.id, now)
        elif outcome == "blocked":
            await storage.outbox.mark_blocked(message.id, "Forbidden: bot was blocked", now)
        else:
            await storage.outbox.mark_failed(message.id, outcome.removeprefix("failed:"), now)


def cli_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the CLI at a fresh database file in tmp_path, away from any .env."""
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "cli.sqlite3"
    monkeypatch.setenv("DATABASE_PATH", str(path))
    monkeypatch.setenv("TIMEZONE", "Asia/Jakarta")
    for name in ("TELEGRAM_BOT_USERNAME", "TELEGRAM_BOT_TOKEN", "LOG_LEVEL", "ADMIN_TELEGRAM_IDS"):
        monkeypatch.delenv(name, raising=False)
    return path


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run `python -m bot ARGV` in this process; return status, stdout and stderr."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        status = main(list(argv))
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


async def open_storage(path: Path) -> Storage:
    """Open the CLI's database (the caller closes it)."""
    return await Storage.open(path, NOW)
