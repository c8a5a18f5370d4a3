"""The equipment commands of the CLI: items, allocate, import, handover, BAST, export."""

from __future__ import annotations

import asyncio
import csv
import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from bot.cli import main
from storage import Storage
from storage.models import NewParticipant

NIK = "3216015505900002"
OTHER_NIK = "3216014107850003"


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point the CLI at a fresh database with one participant (chat 3000), away from .env."""
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "cli.sqlite3"
    monkeypatch.setenv("DATABASE_PATH", str(path))
    monkeypatch.setenv("TIMEZONE", "Asia/Jakarta")
    for name in ("TELEGRAM_BOT_USERNAME", "TELEGRAM_BOT_TOKEN", "LOG_LEVEL"):
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
            participant = await storage.participants.create(
                NewParticipant(
                    nik=NIK,
                    full_name="Siti Aminah",
                    phone="+6281234567890",
                    business_name="Batik Siti",
                    sector="Batik & Tekstil",
                    kecamatan="Cikarang Utara",
                ),
                now,
            )
            await storage.contacts.touch("telegram", "3000", now)
            await storage.contacts.link("telegram", "3000", participant.id)
    finally:
        await storage.close()


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def query(path: Path, sql: str) -> list[tuple[object, ...]]:
    async def fetch() -> list[tuple[object, ...]]:
        storage = await Storage.open(path, datetime.now(UTC))
        try:
            return [tuple(row) for row in await storage.db.fetch_all(sql)]
        finally:
            await storage.close()

    return asyncio.run(fetch())


def allocations(path: Path) -> list[tuple[object, ...]]:
    return query(
        path,
        "SELECT i.name, a.quantity, a.handed_over_by FROM allocation a"
        " JOIN equipment_item i ON i.id = a.item_id ORDER BY a.id",
    )


def test_items_add_edit_list(database: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(
        capsys, "equipment", "items", "add", "--name", " Kompor  gas ", "--unit", "unit"
    ) == (
        0,
        "item 6 added: Kompor gas (unit)\n",
        "",
    )
    status, _, err = run(capsys, "equipment", "items", "add", "--name", "OVEN")
    assert (status, err) == (2, "error: an item with this name already exists: OVEN\n")
    status, out, _ = run(
        capsys, "equipment", "items", "edit", "--name", "kompor gas", "--new-name", "Kompor gas 2"
    )
    assert (status, out) == (0, "item 6 is now: Kompor gas 2 (unit)\n")
    status, out, _ = run(capsys, "equipment", "items", "list")
    assert out.splitlines()[0] == "1\tCanting batik\tbuah"
    assert out.splitlines()[-1] == "6\tKompor gas 2\tunit"
    status, _, err = run(capsys, "equipment", "items", "edit", "--name", "Obeng", "--unit", "x")
    assert (status, err) == (2, "error: no such item: 'Obeng'\n")


@pytest.mark.parametrize(
    ("argv", "error"),
    [
        (("--nik", OTHER_NIK, "--item", "Oven", "--qty", "1"), "no participant with this NIK"),
        (("--nik", "12", "--item", "Oven", "--qty", "1"), "not a valid NIK: NIK must have"),
        (("--nik", NIK, "--item", "Obeng", "--qty", "1"), "no such item: 'Obeng'"),
        (("--nik", NIK, "--item", "Oven", "--qty", "0"), "the quantity must be a whole number"),
        (("--nik", NIK, "--item", "Oven", "--qty", "lima"), "the quantity must be"),
    ],
)
def test_allocate_refuses_bad_input_in_one_line(
    database: Path, capsys: pytest.CaptureFixture[str], argv: tuple[str, ...], error: str
) -> None:
    status, out, err = run(capsys, "equipment", "allocate", *argv)
    assert status == 2 and out == ""
    assert err.startswith(f"error: {error}") and err.count("\n") == 1
    assert allocations(database) == []


def test_allocate_handover_bast_and_export(
    database: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    status, out, _ = run(
        capsys, "equipment", "allocate", "--nik", NIK, "--item", "oven", "--qty", "1"
    )
    assert (status, out) == (0, "************0002: Oven x1 unit (new)\n")
    run(capsys, "equipment", "allocate", "--nik", NIK, "--item", "Mixer", "--qty", "1")
    status, out, _ = run(
        capsys, "equipment", "allocate", "--nik", NIK, "--item", "Oven", "--qty", "1"
    )
    assert out.endswith("(unchanged)\n")
    status, _, err = run(capsys, "bast", "--nik", NIK, "--out", "bast.pdf")
    assert (status, err) == (2, "error: nothing has been handed over to this participant yet\n")
    status, out, _ = run(
        capsys, "equipment", "handover", "--nik", NIK, "--officer", "Budi Santoso"
    )
    assert status == 0
    assert out == (
        "************0002: handed over Oven x1, Mixer x1\n"
        "the participant is asked to confirm (1 chat(s))\n"
    )
    assert query(database, "SELECT key, address FROM outbox") == [("handover:1:1:c1", "3000")]
    status, _, err = run(capsys, "equipment", "handover", "--nik", NIK)
    assert (status, err) == (
        2,
        "error: nothing allocated to this participant is waiting for handover\n",
    )
    status, out, _ = run(capsys, "bast", "--nik", NIK, "--out", str(tmp_path / "bast.pdf"))
    assert status == 0 and out.endswith(": BAST BAST/WUB-IKM/00001/2026, 2 item(s)\n")
    text = PdfReader(tmp_path / "bast.pdf").pages[0].extract_text()
    assert "************0002" in text and "Budi Santoso" in text and "Mixer" in text
    status, out, _ = run(capsys, "export", "allocations", "--format", "csv", "--out", "rekap.csv")
    assert (status, out) == (0, "rekap.csv: 2 allocation(s)\n")
    with (tmp_path / "rekap.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["nik"], r["item"], r["qty"], r["handed_over_by"]) for r in rows] == [
        (NIK, "Oven", "1", "Budi Santoso"),
        (NIK, "Mixer", "1", "Budi Santoso"),
    ]
    status, out, _ = run(capsys, "export", "allocations", "--out", "rekap.xlsx")
    assert status == 0
    sheet = load_workbook(tmp_path / "rekap.xlsx").active
    assert sheet is not None and sheet["A2"].value == NIK and sheet["A2"].number_format == "@"
    status, _, err = run(capsys, "export", "allocations", "--out", "rekap.ods")
    assert (status, err) == (2, "error: --format must be csv or xlsx\n")
    status, _, err = run(capsys, "export", "allocations", "--out", "nowhere/rekap.csv")
    assert (status, err) == (2, "error: nowhere: no such folder\n")


SHEET = (
    "nik,item,qty\n"
    f"{NIK},Oven,1\n"
    f"{NIK},Canting batik,5\n"
    "12,Oven,1\n"
    f"{OTHER_NIK},Oven,1\n"
    "\n"
    f"{NIK},Kompor,1\n"
    f"{NIK},Mixer,nol\n"
    f"{NIK},oven,2\n"
)


def test_import_reports_bad_lines_and_imports_the_rest_once(
    database: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "alokasi.csv").write_text(SHEET, encoding="utf-8")
    status, out, err = run(capsys, "equipment", "import", "alokasi.csv")
    assert status == 2
    assert err.splitlines() == [
        "line 4: nik: NIK must have exactly 16 digits",
        "line 5: no participant with this NIK",
        "line 7: unknown item 'Kompor' (known: Canting batik, Kompor batik, Oven, Mixer, Tangga)",
        "line 8: qty: the quantity must be a whole number from 1 to 1000",
        "line 9: same nik and item as line 2",
    ]
    assert out == "alokasi.csv: 2 new, 0 changed, 0 unchanged, 5 bad row(s)\n"
    assert allocations(database) == [("Oven", 1, None), ("Canting batik", 5, None)]
    status, out, _ = run(capsys, "equipment", "import", "alokasi.csv")
    assert status == 2
    assert out == "alokasi.csv: 0 new, 0 changed, 2 unchanged, 5 bad row(s)\n"
    assert allocations(database) == [("Oven", 1, None), ("Canting batik", 5, None)]


def test_import_of_a_clean_sheet_exits_0(
    database: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "bersih.csv").write_text(f"NIK;Item;Qty\n{NIK};Tangga;2\n", encoding="utf-8")
    assert run(capsys, "equipment", "import", "bersih.csv") == (
        0,
        "bersih.csv: 1 new, 0 changed, 0 unchanged, 0 bad row(s)\n",
        "",
    )
    assert allocations(database) == [("Tangga", 2, None)]


@pytest.mark.parametrize(
    ("content", "error"),
    [
        ("nik,item\n1,2\n", "error: line 1: missing column(s) qty (need nik,item,qty)\n"),
        ("", "error: line 1: the header row nik,item,qty is missing\n"),
    ],
)
def test_import_of_a_sheet_without_columns(
    database: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path, content: str, error: str
) -> None:
    (tmp_path / "x.csv").write_text(content, encoding="utf-8")
    assert run(capsys, "equipment", "import", "x.csv") == (2, "", error)


def test_import_of_a_missing_or_foreign_file(
    database: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert run(capsys, "equipment", "import", "none.csv") == (
        2,
        "",
        "error: none.csv: no such file\n",
    )
    (tmp_path / "x.ods").write_bytes(b"x")
    assert run(capsys, "equipment", "import", "x.ods") == (
        2,
        "",
        "error: x.ods: use a .csv or .xlsx file\n",
    )
