"""Hostile and oversized sheets through the real CLI: one `error:` line, status 2, bounded memory.

Each import runs as its own process so its peak memory can be read from the kernel
(see `sheet_support.run_measured`). How long each takes is printed by
`bench/hostile.py`; here only what cannot depend on the machine's load is asserted.
"""

from __future__ import annotations

import os
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from chat_support import GOOD_NIK
from sheet_support import (
    entity_bomb,
    not_a_zip,
    run_measured,
    wide_row,
    write_xlsx,
    zip_bomb,
)

ROOT = Path(__file__).resolve().parents[2]
PEAK_MEMORY_MB = 200


def run_import(
    tmp_path: Path, command: str, sheet: Path, **settings: str
) -> tuple[int, str, str, float]:
    """Run `python -m bot <command> import SHEET`; return status, out, err and peak MB."""
    environment = {
        **os.environ,
        "DATABASE_PATH": str(tmp_path / "cli.sqlite3"),
        "PYTHONPATH": str(ROOT),
        **settings,
    }
    for name in ("TELEGRAM_BOT_TOKEN", "LOG_LEVEL", "ADMIN_TELEGRAM_IDS"):
        environment.pop(name, None)
    out_path, err_path = tmp_path / "out.txt", tmp_path / "err.txt"
    with out_path.open("w") as out, err_path.open("w") as err:
        status, peak = run_measured(
            [sys.executable, "-m", "bot", command, "import", str(sheet)],
            tmp_path / "peak.txt",
            cwd=tmp_path,
            env=environment,
            stdout=out,
            stderr=err,
        )
    return status, out_path.read_text(), err_path.read_text(), peak


def big_csv(path: Path) -> Path:
    path.write_bytes(b"nik,item,qty\n" + b"3216015505900002,Oven,1\n" * (2 * 2**20))
    return path


def wide_csv(path: Path) -> Path:
    path.write_text(",".join(f"c{number}" for number in range(10_000)) + "\n")
    return path


@pytest.mark.parametrize(
    ("make", "name", "error"),
    [
        (lambda p: zip_bomb(p, unpacked_mb=1024), "bom.xlsx", "unpacks to 1024 MB"),
        (wide_row, "lebar.xlsx", "line 1 has a value in column 101"),
        (not_a_zip, "palsu.xlsx", "not a zip archive"),
        (entity_bomb, "entitas.xlsx", "declares a DTD"),
        (big_csv, "besar.csv", "more than the 32 MB a sheet may have"),
        (wide_csv, "lebar.csv", "line 1 has more than 100 columns"),
    ],
)
def test_a_hostile_sheet_is_refused_with_one_line_and_bounded_memory(
    tmp_path: Path, make: Callable[[Path], Path], name: str, error: str
) -> None:
    sheet = make(tmp_path / name)
    status, out, err, peak = run_import(tmp_path, "equipment", sheet)
    assert status == 2
    assert out == ""
    assert err.count("\n") == 1 and err.startswith(f"error: {name}: ")
    assert error in err
    assert peak <= PEAK_MEMORY_MB


PARTICIPANT_HEADER = ["nik", "full_name", "phone", "business_name", "sector", "kecamatan"]


def participant(number: int) -> list[str | int | float | None]:
    return [
        f"{GOOD_NIK[:-2]}{number:02d}",
        "Siti Aminah",
        f"0812345678{number:02d}",
        "Batik Siti",
        "Lainnya",
        "Setu",
    ]


def participants_in(database: Path) -> int:
    with sqlite3.connect(database) as connection:
        return int(connection.execute("SELECT COUNT(*) FROM participant").fetchone()[0])


def test_a_sheet_declaring_the_whole_grid_is_read_as_its_real_rows(tmp_path: Path) -> None:
    sheet = write_xlsx(
        tmp_path / "dimensi.xlsx",
        [PARTICIPANT_HEADER, participant(1)],
        dimension="A1:XFD1048576",
    )
    assert sheet.stat().st_size < 5_000
    status, out, err, peak = run_import(tmp_path, "participants", sheet)
    assert (status, err) == (0, "")
    assert out == "dimensi.xlsx: 1 new, 0 changed, 0 unchanged, 0 bad row(s)\n"
    assert participants_in(tmp_path / "cli.sqlite3") == 1
    assert peak <= PEAK_MEMORY_MB


def test_a_sheet_over_import_max_rows_is_refused_whole(tmp_path: Path) -> None:
    sheet = write_xlsx(
        tmp_path / "peserta.xlsx", [PARTICIPANT_HEADER, *(participant(n) for n in range(4))]
    )
    status, out, err, _ = run_import(tmp_path, "participants", sheet, IMPORT_MAX_ROWS="3")
    assert (status, out) == (2, "")
    assert err == (
        "error: peserta.xlsx: more than 3 rows below the header (IMPORT_MAX_ROWS);"
        " split the file\n"
    )
    assert participants_in(tmp_path / "cli.sqlite3") == 0
    status, out, _, _ = run_import(tmp_path, "participants", sheet, IMPORT_MAX_ROWS="4")
    assert (status, out) == (0, "peserta.xlsx: 4 new, 0 changed, 0 unchanged, 0 bad row(s)\n")
