"""The help desk at the command line: faq, tickets, export tickets, officers add --name."""

from __future__ import annotations

import asyncio
import csv
import sqlite3
from pathlib import Path

import pytest
from openpyxl import load_workbook

from handlers.helpdesk.faqs import TICKET_COLUMNS
from tests.support.chat import NOW
from tests.support.officers import cli_database, open_storage, person, run_cli

SEEDED = 6


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A CLI database with one participant who asked a question (ticket #1)."""
    path = cli_database(tmp_path, monkeypatch)

    async def seed() -> None:
        storage = await open_storage(path)
        try:
            participant = await person(storage, 1)
            async with storage.db.transaction():
                ticket = await storage.tickets.open("telegram", "1", participant.id, NOW)
                await storage.tickets.add_message(
                    ticket.id, "participant", "text", "Boleh bawa anak?", None, NOW
                )
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


def test_faq_add_list_edit_remove(database: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run_cli(
        capsys, "faq", "add", "--question", "Apakah ada uang transport?",
        "--answer", "Tidak ada.", "--keywords", " transport,  uang saku ,",
    )  # fmt: skip
    assert (status, out) == (0, f"faq #{SEEDED + 1} added\n")
    status, out, _ = run_cli(capsys, "faq", "list")
    assert "Apakah ada uang transport?" in out and "kata kunci: transport, uang saku" in out
    status, _, _ = run_cli(capsys, "faq", "edit", str(SEEDED + 1), "--answer", "Ada, Rp50.000.")
    assert status == 0
    assert rows_of(database, f"SELECT answer FROM faq WHERE id = {SEEDED + 1}") == [
        ("Ada, Rp50.000.",)
    ]
    assert run_cli(capsys, "faq", "remove", str(SEEDED + 1))[0] == 0
    assert rows_of(database, "SELECT COUNT(*) FROM faq") == [(SEEDED,)]
    actions = rows_of(database, "SELECT action FROM audit_log ORDER BY id")
    assert [a for (a,) in actions] == ["faq.add", "faq.edit", "faq.remove"]


@pytest.mark.parametrize(
    ("argv", "error"),
    [
        (["faq", "add", "--question", "", "--answer", "x"], "question"),
        (["faq", "add", "--question", "Kapan jadwal bimtek?", "--answer", "x"], "exists"),
        (["faq", "edit", "999", "--answer", "x"], "no FAQ entry #999"),
        (["faq", "remove", "999"], "no FAQ entry #999"),
        (["tickets", "show", "999"], "no ticket #999"),
        (["tickets", "reply", "999", "--text", "x"], "no ticket #999"),
        (["tickets", "reply", "1", "--text", "   "], "empty"),
        (["tickets", "close", "999"], "no ticket #999"),
        (["officers", "add", "--telegram-id", "5", "--role", "officer", "--name", ""], "--name"),
    ],
)
def test_bad_input_is_one_line_and_status_2(
    database: Path, capsys: pytest.CaptureFixture[str], argv: list[str], error: str
) -> None:
    before = rows_of(database, "SELECT * FROM faq") + rows_of(database, "SELECT * FROM ticket")
    status, out, err = run_cli(capsys, *argv)
    assert (status, out) == (2, "")
    assert err.startswith("error: ") and error in err and err.count("\n") == 1
    assert (
        rows_of(database, "SELECT * FROM faq") + rows_of(database, "SELECT * FROM ticket")
        == before
    )


def test_faq_import_reports_bad_lines_and_is_idempotent(
    database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet = tmp_path / "faq.csv"
    sheet.write_text(
        "question,answer,keywords\n"
        "Apakah ada makan siang?,Ada,makan\n"
        ",tanpa pertanyaan,\n"
        "Kapan jadwal bimtek?,Lihat /jadwal.,jadwal\n"
        "ok,x,\n",
        "utf-8",
    )
    status, out, _ = run_cli(capsys, "faq", "import", str(sheet))
    assert status == 2
    assert "line 3: question:" in out and "line 5: question:" in out
    assert "1 added, 1 changed, 0 unchanged, 2 bad line(s)" in out
    status, out, _ = run_cli(capsys, "faq", "import", str(sheet))
    assert "0 added, 0 changed, 2 unchanged" in out
    assert rows_of(database, "SELECT COUNT(*) FROM faq") == [(SEEDED + 1,)]


def test_faq_import_refuses_a_file_without_the_columns(
    database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet = tmp_path / "faq.csv"
    sheet.write_text("pertanyaan,jawaban\nx,y\n", "utf-8")
    status, _, err = run_cli(capsys, "faq", "import", str(sheet))
    assert status == 2 and "missing column(s) question, answer" in err


def test_tickets_list_show_reply_close(database: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run_cli(capsys, "tickets", "list", "--status", "open")
    assert status == 0 and out.startswith("#1\topen\ttelegram")
    status, out, _ = run_cli(capsys, "tickets", "show", "1")
    assert "participant\tBoleh bawa anak?" in out
    status, out, _ = run_cli(capsys, "tickets", "reply", "1", "--text", "Boleh.")
    assert (status, out) == (0, "answer to ticket #1 queued\n")
    [(key, address, body)] = rows_of(
        database, "SELECT key, address, body FROM outbox WHERE key LIKE 'ticketanswer:%'"
    )
    assert key == "ticketanswer:1:m2" and address == "1" and "Boleh." in str(body)
    assert run_cli(capsys, "tickets", "close", "1", "--note", "selesai")[0] == 0
    assert rows_of(database, "SELECT status, close_note, answered_by FROM ticket") == [
        ("closed", "selesai", "cli")
    ]
    status, _, err = run_cli(capsys, "tickets", "reply", "1", "--text", "Lagi")
    assert status == 2 and "ticket #1 is closed" in err


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_export_tickets(
    database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], export_format: str
) -> None:
    out = tmp_path / f"tickets.{export_format}"
    status, printed, _ = run_cli(
        capsys, "export", "tickets", "--format", export_format, "--out", str(out)
    )
    assert (status, printed) == (0, f"{out}: 1 row(s)\n")
    if export_format == "csv":
        rows = list(csv.reader(out.read_text("utf-8-sig").splitlines()))
    else:
        sheet = load_workbook(out).active
        assert sheet is not None
        rows = [
            [str(v) if v is not None else "" for v in r] for r in sheet.iter_rows(values_only=True)
        ]
    assert rows[0] == list(TICKET_COLUMNS)
    assert rows[1][0] == "1" and rows[1][3] == "3216010101000001"
    assert rows[1][5] == "open" and rows[1][-1] == "Boleh bawa anak?"


def test_officers_add_with_a_display_name(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _, _ = run_cli(
        capsys,
        "officers",
        "add",
        "--telegram-id",
        "77",
        "--role",
        "officer",
        "--name",
        " Budi  S ",
    )
    assert status == 0
    assert rows_of(database, "SELECT display_name FROM officer") == [("Budi S",)]
    run_cli(capsys, "officers", "add", "--telegram-id", "77", "--role", "admin")
    assert rows_of(database, "SELECT role, display_name FROM officer") == [("admin", "Budi S")]
