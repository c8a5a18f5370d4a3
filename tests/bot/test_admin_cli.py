"""Desk commands: export, participants import, backup, officers remove."""

from __future__ import annotations

import asyncio
import csv
import itertools
import sqlite3
import threading
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest
from chat_support import NOW, add_session
from officer_support import cli_database, enroll, nik, open_storage, person, phone, run_cli
from openpyxl import Workbook, load_workbook

from bot.cli.backup import copy_database
from handlers.participant_exports import ENROLLMENT_COLUMNS, PARTICIPANT_COLUMNS


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh CLI database with two participants, one enrolled in BTK-01 and present."""
    path = cli_database(tmp_path, monkeypatch)

    async def seed() -> None:
        storage = await open_storage(path)
        try:
            session = await add_session(storage, "BTK-01")
            first = await person(storage, 1)
            await person(storage, 2, kecamatan="Cibitung")
            await enroll(storage, first, session, attended=True)
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


# export


def test_export_participants_csv_and_xlsx_match_the_database(
    database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    expected = [
        [nik, name, phone_number, business, sector, kecamatan]
        for nik, name, phone_number, business, sector, kecamatan in rows_of(
            database,
            "SELECT nik, full_name, phone, business_name, sector, kecamatan FROM participant"
            " ORDER BY id",
        )
    ]
    status, out, _ = run_cli(capsys, "export", "participants", "--out", str(tmp_path / "p.csv"))
    assert (status, out) == (0, f"{tmp_path / 'p.csv'}: 2 row(s)\n")
    with (tmp_path / "p.csv").open(encoding="utf-8", newline="") as handle:
        from_csv = list(csv.reader(handle))
    assert from_csv[0] == list(PARTICIPANT_COLUMNS)
    assert [row[:6] for row in from_csv[1:]] == expected
    assert {row[6] for row in from_csv[1:]} == {"2026-11-27 10:00"}

    out_xlsx = tmp_path / "p.data"
    status, _, _ = run_cli(
        capsys, "export", "participants", "--format", "xlsx", "--out", str(out_xlsx)
    )
    assert status == 0
    with out_xlsx.open("rb") as handle:
        sheet = load_workbook(handle).active
    assert sheet is not None
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0] == list(PARTICIPANT_COLUMNS)
    assert [row[:6] for row in values[1:]] == expected
    assert sheet["A2"].data_type == "s" and sheet["A2"].number_format == "@"
    assert sheet["C2"].value == phone(1) and sheet["C2"].data_type == "s"
    actions = rows_of(database, "SELECT actor, action, target FROM audit_log ORDER BY id")
    assert actions[-2:] == [
        ("cli", "export.participants.csv", "2"),
        ("cli", "export.participants.xlsx", "2"),
    ]


def test_export_enrollments(
    database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "hadir.xlsx"
    assert run_cli(capsys, "export", "enrollments", "--out", str(out))[0] == 0
    sheet = load_workbook(out).active
    assert sheet is not None
    assert [list(row) for row in sheet.iter_rows(values_only=True)] == [
        list(ENROLLMENT_COLUMNS),
        ["BTK-01", nik(1), "Peserta Nomor B", "enrolled", None, "2026-11-27 10:00"],
    ]


@pytest.mark.parametrize(
    ("argv", "error"),
    [
        (["--out", "x.pdf"], "error: --format must be csv or xlsx"),
        (["--out", "missing/x.csv"], "error: missing: no such folder"),
    ],
)
def test_export_refuses_bad_output(
    database: Path, capsys: pytest.CaptureFixture[str], argv: list[str], error: str
) -> None:
    status, _, err = run_cli(capsys, "export", "participants", *argv)
    assert status == 2 and err.startswith(error)


def seed_many(path: Path, start: int, count: int) -> None:
    connection = sqlite3.connect(path)
    stamp = NOW.isoformat()
    with connection:
        connection.executemany(
            "INSERT INTO participant (nik, full_name, phone, business_name, sector, kecamatan,"
            " consent_at, created_at, updated_at) VALUES (?, ?, ?, 'Usaha', 'Lainnya', 'Setu',"
            " ?, ?, ?)",
            [
                (nik(1000 + number), f"Peserta {number}", phone(number), stamp, stamp, stamp)
                for number in range(start, start + count)
            ],
        )
    connection.close()


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_export_memory_does_not_grow_with_rows(
    database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], export_format: str
) -> None:
    out = tmp_path / f"big.{export_format}"
    seed_many(database, 0, 2_000)
    assert run_cli(capsys, "export", "participants", "--out", str(out))[0] == 0  # warm-up
    peaks = []
    for start, count in ((0, 0), (2_000, 3_000)):
        seed_many(database, start, count)
        tracemalloc.start()
        try:
            assert run_cli(capsys, "export", "participants", "--out", str(out))[0] == 0
            peaks.append(tracemalloc.get_traced_memory()[1])
        finally:
            tracemalloc.stop()
    small, large = peaks
    print(
        f"{export_format}: peak {small / 1e6:.2f} MB for 2,000 rows, {large / 1e6:.2f} for 5,000"
    )
    # Keeping the rows would cost over 1.5 MB for the 3,000 more; streaming costs nothing.
    assert large < small + 500_000


# participants import


def write_xlsx(path: Path, rows: list[list[object]]) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    workbook.save(path)


HEADER = ["nik", "full_name", "phone", "business_name", "sector", "kecamatan"]


def test_import_all_good_then_again_changes_nothing(
    database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet = tmp_path / "peserta.xlsx"
    write_xlsx(
        sheet,
        [
            HEADER,
            [nik(10), "Ani Lestari", "0812-1000-0010", "Kue Ani", "Makanan & Minuman", "Setu"],
            [nik(11), "Budi Hartono", "081210000011", "Mebel Budi", "Furnitur & Kayu", "babelan"],
        ],
    )
    status, out, err = run_cli(capsys, "participants", "import", str(sheet))
    assert (status, err) == (0, "")
    assert out == "peserta.xlsx: 2 new, 0 changed, 0 unchanged, 0 bad row(s)\n"
    before = rows_of(database, "SELECT * FROM participant ORDER BY id")
    status, out, _ = run_cli(capsys, "participants", "import", str(sheet))
    assert status == 0 and "0 new, 0 changed, 2 unchanged" in out
    assert rows_of(database, "SELECT * FROM participant ORDER BY id") == before


def test_import_with_bad_rows_stores_the_good_ones_and_exits_2(
    database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet = tmp_path / "peserta.csv"
    sheet.write_text(
        "nik;full_name;phone;business_name;sector;kecamatan\n"
        f"{nik(20)};Citra Dewi;0812-2000-0020;Citra Batik;Batik & Tekstil;Setu\n"
        f"{nik(21)};Dodi;0812-2000-0021;Dodi Roti;Otomotif;Setu\n",
        encoding="utf-8",
    )
    status, out, err = run_cli(capsys, "participants", "import", str(sheet))
    assert status == 2
    assert err.startswith("line 3: sector: unknown sector 'Otomotif'")
    assert out == "peserta.csv: 1 new, 0 changed, 0 unchanged, 1 bad row(s)\n"
    assert rows_of(database, f"SELECT full_name FROM participant WHERE nik = '{nik(20)}'") == [
        ("Citra Dewi",)
    ]


@pytest.mark.parametrize(
    ("content", "error"),
    [
        (None, "error: {path}: no such file"),
        ("nik,full_name\n1,2\n", "error: line 1: missing column(s) phone, business_name"),
    ],
)
def test_import_refuses_an_unreadable_sheet(
    database: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    content: str | None,
    error: str,
) -> None:
    sheet = tmp_path / "x.csv"
    if content is not None:
        sheet.write_text(content, encoding="utf-8")
    status, _, err = run_cli(capsys, "participants", "import", str(sheet))
    assert status == 2 and err.startswith(error.format(path=sheet))


# backup


@pytest.fixture
def busy_writer(database: Path) -> Iterator[threading.Event]:
    """Keep writing audit rows from another connection, as the running bot would."""
    stop, started = threading.Event(), threading.Event()

    def write() -> None:
        connection = sqlite3.connect(database, timeout=10)
        try:
            for written in itertools.count():
                if stop.is_set():
                    break
                if written == 20:
                    started.set()
                with connection:
                    connection.execute(
                        "INSERT INTO audit_log (actor, action, target, at)"
                        " VALUES ('test', 'busy', NULL, '2026-11-27')"
                    )
                time.sleep(0.002)  # a busy bot, not a lock held forever
        finally:
            connection.close()

    thread = threading.Thread(target=write)
    thread.start()
    started.wait(10)
    try:
        yield stop
    finally:
        stop.set()
        thread.join()


def test_backup_while_another_process_writes(
    database: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    busy_writer: threading.Event,
) -> None:
    target = tmp_path / "copy.sqlite3"
    status, out, err = run_cli(capsys, "backup", str(target))
    busy_writer.set()
    assert (status, err) == (0, "")
    assert out.startswith(f"{target}: backup of ")
    copy = sqlite3.connect(target)
    try:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        assert copy.execute("SELECT COUNT(*) FROM participant").fetchone() == (2,)
        [(busy,)] = copy.execute("SELECT COUNT(*) FROM audit_log WHERE action = 'busy'")
        assert busy >= 20  # a snapshot taken while the writer kept writing
    finally:
        copy.close()
    assert not (tmp_path / "copy.sqlite3.part").exists()
    status, _, err = run_cli(capsys, "backup", str(target))
    assert (status, err) == (2, f"error: {target}: already exists; choose a new file name\n")


def test_copy_database_leaves_nothing_behind_on_failure(tmp_path: Path) -> None:
    not_a_database = tmp_path / "junk.sqlite3"
    not_a_database.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(sqlite3.DatabaseError):
        copy_database(not_a_database, tmp_path / "out.sqlite3")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["junk.sqlite3"]


# officers remove


def test_officers_remove(database: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(capsys, "officers", "add", "--telegram-id", "777", "--role", "officer")[0] == 0
    status, out, _ = run_cli(capsys, "officers", "remove", "--telegram-id", "777")
    assert (status, out) == (0, "telegram user 777 is no longer an officer\n")
    assert rows_of(database, "SELECT COUNT(*) FROM officer") == [(0,)]
    assert rows_of(database, "SELECT actor, action, target FROM audit_log")[-1] == (
        "cli",
        "officer.remove",
        "777",
    )
    status, _, err = run_cli(capsys, "officers", "remove", "--telegram-id", "777")
    assert (status, err) == (2, "error: telegram user 777 is not an officer\n")


def test_removing_a_configured_admin_warns_that_it_comes_back(
    database: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ADMIN_TELEGRAM_IDS", "778")
    run_cli(capsys, "officers", "add", "--telegram-id", "778", "--role", "admin")
    status, out, _ = run_cli(capsys, "officers", "remove", "--telegram-id", "778")
    assert status == 0 and "ADMIN_TELEGRAM_IDS" in out
