"""`quiz`, `certificates` and `export evaluations`: good input works, bad input changes nothing."""

from __future__ import annotations

import asyncio
import csv
import logging
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader

from bot.cli import main
from storage import Storage
from storage.models import NewParticipant
from tests.support.evaluations import PRETEST

NIK = "3216015505900002"
OTHER_NIK = "3216014107850003"


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh database with session BTK-01 (ended an hour ago) and two participants in it."""
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "cli.sqlite3"
    monkeypatch.setenv("DATABASE_PATH", str(path))
    monkeypatch.setenv("TIMEZONE", "Asia/Jakarta")
    for name in ("TELEGRAM_BOT_USERNAME", "TELEGRAM_BOT_TOKEN", "LOG_LEVEL", "PUBLIC_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    asyncio.run(_seed(path))
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        yield path
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)


async def _seed(path: Path) -> None:
    now = datetime.now(UTC)
    storage = await Storage.open(path, now)
    try:
        async with storage.db.transaction():
            session = await storage.sessions.add(
                code="BTK-01",
                title="Bimtek Batik Tulis",
                venue="Aula",
                starts_at=now - timedelta(hours=8),
                ends_at=now - timedelta(hours=1),
                capacity=10,
                now=now - timedelta(days=3),
                hours=16,
            )
            for index, (nik, name) in enumerate(((NIK, "Siti Ñusa"), (OTHER_NIK, "Budi"))):
                participant = await storage.participants.create(
                    NewParticipant(
                        nik=nik,
                        full_name=name,
                        phone=f"+62812345678{index}0",
                        business_name="Usaha",
                        sector="Batik & Tekstil",
                        kecamatan="Setu",
                    ),
                    now,
                )
                await storage.contacts.touch("telegram", str(3000 + index), now)
                await storage.contacts.link("telegram", str(3000 + index), participant.id)
                enrollment = await storage.enrollments.enroll(
                    participant.id, session.id, "enrolled", now - timedelta(days=2)
                )
                if index == 0:
                    await storage.enrollments.mark_attended(
                        enrollment.id, now - timedelta(hours=7)
                    )
    finally:
        await storage.close()


def rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    connection = sqlite3.connect(path)
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()


def test_quiz_import_refuses_a_bad_file_whole(
    database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(PRETEST.replace("    correct: A\n", "", 1).replace("q2", "q1"), "utf-8")
    assert main(["quiz", "import", str(bad), "--kind", "pretest", "--default"]) == 2
    err = capsys.readouterr().err
    assert "bad.yaml: line 3: the question has no 'correct' option" in err
    assert "bad.yaml: line 6: duplicate id 'q1' (first used on line 3)" in err
    assert "nothing imported" in err
    assert rows(database, "SELECT COUNT(*) FROM questionnaire WHERE kind = 'pretest'") == [(0,)]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["quiz", "import", "missing.yaml", "--kind", "pretest", "--default"], "no such file"),
        (["quiz", "import", "q.yaml", "--kind", "pretest", "--session", "NOPE"], "no session"),
        (["quiz", "show", "99"], "no questionnaire 99"),
        (["certificates", "issue", "--session", "BTK-01", "--nik", NIK], "--reason"),
        (["certificates", "issue", "--session", "BTK-01", "--reason", "x"], "--reason goes"),
        (["certificates", "issue", "--session", "BTK-01", "--nik", "123", "--reason", "x"], "NIK"),
        (["certificates", "revoke", "WUB-0", "--reason", "x"], "no certificate numbered"),
        (["certificates", "pdf", "WUB-0", "--out", "x.pdf"], "no certificate numbered"),
        (["export", "evaluations", "--out", "e.txt"], "--format must be csv or xlsx"),
    ],
)
def test_bad_input_is_one_line_and_status_2(
    database: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    message: str,
) -> None:
    (tmp_path / "q.yaml").write_text(PRETEST, "utf-8")
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_issue_revoke_list_pdf_and_export(
    database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["certificates", "issue", "--session", "BTK-01"]) == 0
    # The default rules want the evaluation answered: nobody qualifies yet.
    assert "0 certificate(s) issued, 0 already held, 2 not qualified" in capsys.readouterr().out
    argv = ["certificates", "issue", "--session", "BTK-01", "--nik", NIK, "--reason", "Hadir"]
    assert main(argv) == 0
    assert "WUB-" in capsys.readouterr().out
    assert main(argv) == 0
    assert "was already issued" in capsys.readouterr().out
    [(number, code, holder)] = rows(database, "SELECT number, code, holder_name FROM certificate")
    assert holder == "Siti Ñusa" and str(number).endswith("/BTK-01/0001") and len(str(code)) >= 20
    assert rows(database, "SELECT action FROM audit_log WHERE action LIKE 'certificate.%'") == [
        ("certificate.issue.manual",)
    ]
    assert rows(database, "SELECT key FROM outbox") == [("sertifikat:1:p1:c1",)]

    out = tmp_path / "c.pdf"
    assert main(["certificates", "pdf", str(number), "--out", str(out)]) == 0
    text = PdfReader(out).pages[0].extract_text()
    assert "Siti Ñusa" in text and "16 JP" in text and str(number) in text and NIK not in text

    assert main(["certificates", "revoke", str(number), "--reason", "Keliru"]) == 0
    assert main(["certificates", "revoke", str(number), "--reason", "Lagi"]) == 2
    capsys.readouterr()
    assert main(["certificates", "list", "--session", "BTK-01"]) == 0
    listed = capsys.readouterr().out
    assert f"{number}\tBTK-01\trevoked" in listed

    export = tmp_path / "evaluasi.csv"
    assert main(["export", "evaluations", "--out", str(export)]) == 0
    with export.open(encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    assert header == [
        "session_code",
        "nik",
        "full_name",
        "kind",
        "score",
        "max_score",
        "submitted_at",
    ]


def test_quiz_import_list_show(
    database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "pre.yaml"
    good.write_text(PRETEST, "utf-8")
    assert main(["quiz", "import", str(good), "--kind", "pretest", "--session", "BTK-01"]) == 0
    assert "created questionnaire 2: pretest for session BTK-01, 3 question(s)" in (
        capsys.readouterr().out
    )
    assert main(["quiz", "import", str(good), "--kind", "pretest", "--session", "BTK-01"]) == 0
    assert "replaced the questions of questionnaire 2" in capsys.readouterr().out
    assert main(["quiz", "list"]) == 0
    listed = capsys.readouterr().out
    assert "1\tevaluasi\t(default)\t14\t0" in listed and "2\tpretest\tBTK-01\t3\t0" in listed
    assert main(["quiz", "show", "2"]) == 0
    shown = capsys.readouterr().out
    assert "1. [q1] Alat untuk menorehkan malam pada kain disebut? (choice)" in shown
    assert "   *A. Canting" in shown


def test_sessions_add_takes_hours(database: Path) -> None:
    argv = [
        "sessions", "add", "--code", "BTK-02", "--title", "T", "--venue", "V",
        "--starts-at", "2030-01-01 09:00", "--ends-at", "2030-01-01 16:00",
        "--capacity", "5", "--hours", "32",
    ]  # fmt: skip
    assert main(argv) == 0
    assert rows(database, "SELECT hours FROM bimtek_session WHERE code = 'BTK-02'") == [(32,)]
    assert main([*argv[:3], "BTK-03", *argv[4:-1], "0"]) == 2
