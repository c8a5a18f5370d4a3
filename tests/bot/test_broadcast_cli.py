"""`broadcast`: queue without a prompt, schedule, follow, list and cancel."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from chat_support import NOW, ZONE, add_session
from officer_support import cli_database, open_storage, person, run_cli, settle

TEXT = "Pameran produk IKM besok pukul 09.00 di Aula Disperindag."


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A CLI database with four participants: Setu (2), Cibitung (1, opted out), Babelan."""
    path = cli_database(tmp_path, monkeypatch)

    async def seed() -> None:
        storage = await open_storage(path)
        try:
            # The CLI runs on the real clock: the session must not have started by then.
            await add_session(storage, "BTK-01", starts_in=timedelta(days=3650))
            await person(storage, 1)
            await person(storage, 2)
            await person(storage, 3, kecamatan="Cibitung")
            await person(storage, 4, kecamatan="Babelan")
            async with storage.db.transaction():
                await storage.contacts.set_opted_out("telegram", "3", True, NOW)
        finally:
            await storage.close()

    asyncio.run(seed())
    return path


def rows_of(path: Path, sql: str) -> list[tuple[object, ...]]:
    connection = sqlite3.connect(path)
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()


def test_broadcast_queues_and_prints_the_id_and_count(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run_cli(capsys, "broadcast", "--text", TEXT, "--audience", "all")
    assert (status, err) == (0, "")
    assert out.splitlines() == [
        "broadcast 1 queued for 3 recipient(s) (skipped: 0 blocked, 1 opted out)",
        "follow it with: python -m bot broadcast status 1",
    ]
    assert rows_of(database, "SELECT key, address, status FROM outbox ORDER BY id") == [
        ("broadcast:1:c1", "1", "pending"),
        ("broadcast:1:c2", "2", "pending"),
        ("broadcast:1:c4", "4", "pending"),
    ]
    assert rows_of(database, "SELECT author, status, audience FROM broadcast") == [
        ("cli", "sending", "all")
    ]
    assert rows_of(database, "SELECT actor, action, target FROM audit_log")[-1] == (
        "cli",
        "broadcast.send",
        "1",
    )


def test_status_reports_progress_and_failures_by_reason(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run_cli(capsys, "broadcast", "--text", TEXT, "--audience", "kecamatan:setu")

    async def deliver() -> None:
        storage = await open_storage(database)
        try:
            later = datetime.now(UTC) + timedelta(minutes=1)  # the CLI queued at the real time
            await settle(storage, 1, later, a1="failed:Bad Request: chat not found")
        finally:
            await storage.close()

    asyncio.run(deliver())
    status, out, _ = run_cli(capsys, "broadcast", "status", "1")
    assert status == 0
    lines = out.splitlines()
    assert lines[3].startswith("scheduled: ")  # the moment it was queued, in WIB
    assert lines[:3] + lines[4:] == [
        "broadcast 1: sending",
        "author: cli",
        "audience: kecamatan:Setu",
        "recipients: 2 (skipped: 0 blocked before, 0 opted out)",
        "progress: 1/2",
        "sent: 0",
        "failed: 1 (chat not found: 1)",
        "blocked: 0",
        "waiting: 1",
    ]


def test_status_says_what_waits_for_a_channel_that_is_down(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run_cli(capsys, "broadcast", "--text", TEXT, "--audience", "all")
    # 14.05 WIB today: written by the running bot's dispatcher when Telegram stopped answering.
    today = datetime.now(UTC).astimezone(ZONE).replace(hour=14, minute=5)

    async def mark(state: str) -> None:
        storage = await open_storage(database)
        try:
            if state == "down":
                await storage.channel_states.mark_down("telegram", today, "NetworkError")
            else:
                await storage.channel_states.mark_up("telegram", today)
        finally:
            await storage.close()

    asyncio.run(mark("down"))
    lines = run_cli(capsys, "broadcast", "status", "1")[1].splitlines()
    assert lines[-4:] == [
        "sent: 0",
        "failed: 0",
        "blocked: 0",
        "waiting: 3 (waiting for Telegram since 14.05 WIB)",
    ]
    asyncio.run(mark("up"))
    assert run_cli(capsys, "broadcast", "status", "1")[1].splitlines()[-1] == "waiting: 3"


def test_scheduled_broadcast_can_be_listed_and_cancelled(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run_cli(
        capsys, "broadcast", "--text", TEXT, "--audience", "session:BTK-01", "--in", "2h"
    )
    assert status == 0
    assert out.startswith("broadcast 1 scheduled for ") and ": 0 recipient(s) today" in out
    assert rows_of(database, "SELECT COUNT(*) FROM outbox") == [(0,)]
    status, out, _ = run_cli(capsys, "broadcast", "list")
    assert out.splitlines()[1].startswith("1\tscheduled\t")
    status, out, _ = run_cli(capsys, "broadcast", "status", "1")
    assert out.splitlines()[:3] == [
        "broadcast 1: scheduled",
        "author: cli",
        "audience: session:BTK-01",
    ]
    assert run_cli(capsys, "broadcast", "cancel", "1")[1] == "broadcast 1 cancelled\n"
    status, _, err = run_cli(capsys, "broadcast", "cancel", "1")
    assert (status, err) == (
        2,
        "error: broadcast 1 is cancelled: only a scheduled one can be cancelled\n",
    )


SAY = ["--text", TEXT, "--audience"]
BAD = [
    (["--audience", "all"], "error: broadcast needs --text and --audience"),
    ([*SAY, "everyone"], "error: --audience: unknown audience 'everyone'"),
    ([*SAY, "session:NOPE"], "error: --audience: no session with code 'NOPE'"),
    ([*SAY, "noshow:BTK-01"], "error: --audience: session BTK-01 has not started"),
    ([*SAY, "kecamatan:Jakarta"], "error: --audience: unknown kecamatan 'Jakarta'"),
    (["--text", "  ", "--audience", "all"], "error: --text: the announcement is empty"),
    ([*SAY, "all", "--at", "2020-01-01 08:00"], "error: --at: that time has passed"),
    ([*SAY, "all", "--at", "besok"], "error: --at: invalid date and time"),
    ([*SAY, "all", "--in", "soon"], "error: --in: invalid duration"),
    (["status", "99"], "error: no broadcast with id 99"),
]


@pytest.mark.parametrize(("argv", "error"), BAD)
def test_bad_input_is_one_line_and_status_2(
    database: Path, capsys: pytest.CaptureFixture[str], argv: list[str], error: str
) -> None:
    status, out, err = run_cli(capsys, "broadcast", *argv)
    assert (status, out) == (2, "")
    assert err.startswith(error) and err.count("\n") == 1
    assert rows_of(database, "SELECT COUNT(*) FROM broadcast") == [(0,)]
