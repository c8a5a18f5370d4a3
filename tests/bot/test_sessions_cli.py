"""The session commands of the CLI: cancel, move, open/close, QR and attendance by hand."""

from __future__ import annotations

import asyncio
import logging
import struct
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.cli import main
from handlers.conversation.timefmt import parse_local_datetime
from storage import Storage
from storage.models import NewParticipant

ZONE = ZoneInfo("Asia/Jakarta")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
NIKS = ("3216015505900002", "3216014107850003", "3216010101900004")


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point the CLI at a fresh database file, away from any .env, and restore logging."""
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "cli.sqlite3"
    monkeypatch.setenv("DATABASE_PATH", str(path))
    monkeypatch.setenv("TIMEZONE", "Asia/Jakarta")
    for name in ("TELEGRAM_BOT_USERNAME", "TELEGRAM_BOT_TOKEN", "LOG_LEVEL"):
        monkeypatch.delenv(name, raising=False)
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        yield path
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)


def local(days: int, hour: int) -> str:
    """Return a local time some days ahead, as typed on the command line."""
    day = datetime.now(ZONE) + timedelta(days=days)
    return f"{day:%Y-%m-%d} {hour:02d}:00"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


async def _query(
    path: Path, sql: str, params: tuple[object, ...] = ()
) -> list[tuple[object, ...]]:
    storage = await Storage.open(path, datetime.now(UTC))
    try:
        return [tuple(row) for row in await storage.db.fetch_all(sql, params)]
    finally:
        await storage.close()


def query(path: Path, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    return asyncio.run(_query(path, sql, params))


async def _seed(path: Path, statuses: tuple[str, ...]) -> None:
    """Register one participant per status, each with a Telegram contact, in session BTK-01."""
    now = datetime.now(UTC)
    storage = await Storage.open(path, now)
    try:
        session = await storage.sessions.get_by_code("BTK-01")
        assert session is not None
        async with storage.db.transaction():
            for number, (nik, status) in enumerate(zip(NIKS, statuses, strict=False)):
                participant = await storage.participants.create(
                    NewParticipant(
                        nik=nik,
                        full_name=f"Peserta {number}",
                        phone=f"+62812000000{number}",
                        business_name="Usaha",
                        sector="Batik & Tekstil",
                        kecamatan="Cikarang Utara",
                    ),
                    now,
                )
                address = str(3000 + number)
                await storage.contacts.touch("telegram", address, now)
                await storage.contacts.link("telegram", address, participant.id)
                await storage.enrollments.enroll(participant.id, session.id, status, now)  # type: ignore[arg-type]
    finally:
        await storage.close()


@pytest.fixture
def session(database: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """Add session BTK-01 ten days ahead with one enrolled and one waitlisted participant."""
    status, _, err = run(
        capsys,
        "sessions", "add", "--code", "BTK-01", "--title", "Bimtek Batik", "--venue", "Aula",
        "--starts-at", local(10, 9), "--ends-at", local(10, 16), "--capacity", "30",
    )  # fmt: skip
    assert status == 0, err
    asyncio.run(_seed(database, ("enrolled", "waitlisted")))
    return database


def audit_actions(path: Path) -> list[tuple[object, ...]]:
    return query(path, "SELECT actor, action, target FROM audit_log ORDER BY id")


# cancel


def test_cancel_queues_notices_to_enrolled_and_waitlisted(
    session: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run(capsys, "sessions", "cancel", "--code", "BTK-01")
    assert status == 0
    assert out == "session BTK-01 cancelled; notice queued for 2 participant(s)\n"
    [(cancelled_at,)] = query(session, "SELECT cancelled_at FROM bimtek_session")
    assert cancelled_at is not None
    keys = [key for (key,) in query(session, "SELECT key FROM outbox ORDER BY key")]
    assert [key.rsplit(":", 1)[0] for key in keys] == [
        "session-cancelled:1:1",
        "session-cancelled:1:2",
    ]
    assert audit_actions(session)[-1] == ("cli", "session.cancel", "BTK-01")
    status, _, err = run(capsys, "sessions", "cancel", "--code", "BTK-01")
    assert (status, err) == (2, "error: BTK-01: the session is already cancelled\n")
    assert len(query(session, "SELECT key FROM outbox")) == 2


def test_cancel_unknown_code(database: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "sessions", "cancel", "--code", "NOPE")
    assert (status, out, err) == (2, "", "error: no session with code 'NOPE'\n")


# move


def test_move_updates_times_and_tells_enrolled(
    session: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    [(before,)] = query(session, "SELECT updated_at FROM bimtek_session")
    status, out, err = run(
        capsys,
        "sessions", "move", "--code", "BTK-01",
        "--starts-at", local(12, 8), "--ends-at", local(12, 15),
    )  # fmt: skip
    assert status == 0, err
    assert "session BTK-01 moved to " in out
    assert "pukul 08.00 WIB – 15.00 WIB" in out
    assert "notice queued for 1 participant(s)" in out
    starts = parse_local_datetime(local(12, 8), ZONE)
    [(starts_at, ends_at, updated_at)] = query(
        session, "SELECT starts_at, ends_at, updated_at FROM bimtek_session"
    )
    assert datetime.fromisoformat(str(starts_at)) == starts
    assert datetime.fromisoformat(str(ends_at)) == parse_local_datetime(local(12, 15), ZONE)
    assert str(updated_at) > str(before)
    rows = query(session, "SELECT key, address, body FROM outbox")
    assert len(rows) == 1
    key, address, body = rows[0]
    assert str(key).startswith(f"session-moved:1:{int(starts.timestamp())}:1:c")
    assert address == "3000"
    assert "pukul 08.00 WIB" in str(body)
    assert audit_actions(session)[-1] == ("cli", "session.move", "BTK-01")


@pytest.mark.parametrize(
    ("starts", "ends", "error"),
    [
        ("besok", local(12, 15), "error: --starts-at: invalid date and time 'besok'"),
        (local(12, 8), "2026-13-01 10:00", "error: --ends-at: invalid date and time"),
        (local(12, 15), local(12, 8), "error: BTK-01: the session must end after it starts"),
        (local(-1, 8), local(-1, 15), "error: BTK-01: the new start time has already passed"),
    ],
)
def test_move_refuses_bad_times(
    session: Path, capsys: pytest.CaptureFixture[str], starts: str, ends: str, error: str
) -> None:
    [before] = query(session, "SELECT starts_at, ends_at, updated_at FROM bimtek_session")
    status, out, err = run(
        capsys, "sessions", "move", "--code", "BTK-01", "--starts-at", starts, "--ends-at", ends
    )
    assert status == 2
    assert out == ""
    assert err.startswith(error)
    assert err.count("\n") == 1
    assert query(session, "SELECT starts_at, ends_at, updated_at FROM bimtek_session") == [before]
    assert query(session, "SELECT key FROM outbox") == []


def test_move_unknown_code(database: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(
        capsys, "sessions", "move", "--code", "X", "--starts-at", local(3, 9),
        "--ends-at", local(3, 10),
    )  # fmt: skip
    assert (status, err) == (2, "error: no session with code 'X'\n")


# open / close


def test_close_and_open(session: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "sessions", "close", "--code", "BTK-01")[:2] == (
        0,
        "session BTK-01: registration closed\n",
    )
    assert query(session, "SELECT registration_open FROM bimtek_session") == [(0,)]
    assert run(capsys, "sessions", "open", "--code", "BTK-01")[:2] == (
        0,
        "session BTK-01: registration open\n",
    )
    assert query(session, "SELECT registration_open FROM bimtek_session") == [(1,)]
    assert [action for _, action, _ in audit_actions(session)][-2:] == [
        "session.close",
        "session.open",
    ]
    assert run(capsys, "sessions", "open", "--code", "NOPE")[0] == 2


# qr


def png_size(content: bytes) -> tuple[int, int]:
    assert content.startswith(PNG_SIGNATURE)
    assert content[12:16] == b"IHDR"
    width, height = struct.unpack(">II", content[16:24])
    return width, height


def test_qr_from_configured_username(
    session: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_USERNAME", "wubikm_bot")
    out_file = session.parent / "qr.png"
    status, out, err = run(capsys, "sessions", "qr", "--code", "BTK-01", "--out", str(out_file))
    assert status == 0, err
    [(code,)] = query(session, "SELECT checkin_code FROM bimtek_session")
    assert f"https://t.me/wubikm_bot?start=hadir_{code}" in out
    width, height = png_size(out_file.read_bytes())
    assert width == height
    # Version 3 or more (29+ modules) plus a 4-module border, 8 pixels each.
    assert width >= (29 + 8) * 8
    assert audit_actions(session)[-1] == ("cli", "session.qr", "BTK-01")


def test_qr_from_recorded_username(session: Path, capsys: pytest.CaptureFixture[str]) -> None:
    asyncio.run(_put_username(session, "wubikm_test_bot"))
    out_file = session.parent / "qr.png"
    status, out, _ = run(capsys, "sessions", "qr", "--code", "BTK-01", "--out", str(out_file))
    assert status == 0
    assert "https://t.me/wubikm_test_bot?start=hadir_" in out
    assert out_file.read_bytes().startswith(PNG_SIGNATURE)


async def _put_username(path: Path, username: str) -> None:
    storage = await Storage.open(path, datetime.now(UTC))
    try:
        await storage.bot_settings.put("telegram_username", username)
    finally:
        await storage.close()


def test_qr_without_username_or_writable_file(
    session: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    out_file = session.parent / "qr.png"
    status, _, err = run(capsys, "sessions", "qr", "--code", "BTK-01", "--out", str(out_file))
    assert status == 2
    assert err == (
        "error: the bot's username is unknown: run the bot once or set TELEGRAM_BOT_USERNAME\n"
    )
    assert not out_file.exists()
    monkeypatch.setenv("TELEGRAM_BOT_USERNAME", "wubikm_bot")
    missing = session.parent / "no-such-folder" / "qr.png"
    status, _, err = run(capsys, "sessions", "qr", "--code", "BTK-01", "--out", str(missing))
    assert status == 2
    assert err.startswith("error: --out: cannot write")


# attendance


def test_attendance_mark_by_hand(session: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "attendance", "mark", "--code", "BTK-01", "--nik", NIKS[0])
    assert status == 0
    assert out == "attendance of ************0002 at BTK-01 recorded\n"
    [(attended_at,)] = query(session, "SELECT attended_at FROM enrollment WHERE id = 1")
    assert attended_at is not None
    status, out, _ = run(capsys, "attendance", "mark", "--code", "BTK-01", "--nik", NIKS[0])
    assert status == 0
    assert out == "attendance of ************0002 at BTK-01 was already recorded\n"
    assert query(session, "SELECT attended_at FROM enrollment WHERE id = 1") == [(attended_at,)]
    marks = [row for row in audit_actions(session) if row[1] == "attendance.mark"]
    assert marks == [("cli", "attendance.mark", "BTK-01:enrollment:1")]


@pytest.mark.parametrize(
    ("code", "nik", "error"),
    [
        ("BTK-01", "12345", "error: --nik: not a valid NIK (NIK must have exactly 16 digits)"),
        ("BTK-01", "3216010101900009", "error: no participant with NIK ************0009"),
        ("BTK-01", NIKS[1], "error: BTK-01: the participant holds no place in this session"),
        ("NOPE", NIKS[0], "error: no session with code 'NOPE'"),
    ],
)
def test_attendance_mark_refusals(
    session: Path, capsys: pytest.CaptureFixture[str], code: str, nik: str, error: str
) -> None:
    status, out, err = run(capsys, "attendance", "mark", "--code", code, "--nik", nik)
    assert (status, out, err) == (2, "", error + "\n")
    assert query(session, "SELECT attended_at FROM enrollment WHERE attended_at IS NOT NULL") == []
