"""The CLI as a whole: every command documented and helpful, every OS or database failure one line.

Each command's own behaviour is tested beside its group (test_sessions_cli.py, ...).
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import ctypes
import os
import re
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from chat_support import add_session
from officer_support import cli_database, nik, open_storage, person, phone, run_cli

import storage.db
from bot.cli import build_parser, main

ROOT = Path(__file__).resolve().parents[2]


def command_tree(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], list[str], bool]]:
    """Yield (command path, its long options, whether it runs on its own) for every command."""
    children: dict[str, argparse.ArgumentParser] = {}
    options: list[str] = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            children.update(action.choices)
        elif action.option_strings and "--help" not in action.option_strings:
            options.append(max(action.option_strings, key=len))
    if path:
        yield path, options, "func" in parser._defaults
    for name, child in children.items():
        yield from command_tree(child, (*path, name))


COMMANDS = list(command_tree(build_parser()))


def readme_command_lines() -> list[str]:
    """Return the README's command-line block as logical lines, comments dropped."""
    readme = (ROOT / "README.md").read_text("utf-8")
    section = readme.split("\n## Command line\n", 1)[1].split("\n## ", 1)[0]
    block = section.split("```sh\n", 1)[1].split("```", 1)[0]
    lines: list[str] = []
    for raw in block.replace("\\\n", " ").splitlines():
        code = raw.split("  #", 1)[0].strip()
        if code.startswith("python -m bot "):
            lines.append(code)
    return lines


def words(line: str) -> set[str]:
    return set(re.split(r"[\s|\[\]]+", line))


def test_the_command_tree_is_what_the_readme_shows() -> None:
    """A guard on the walk below: it must see every group and every leaf command."""
    leaves = {path for path, _, runs in COMMANDS if runs}
    assert ("sessions", "qr") in leaves and ("equipment", "items", "edit") in leaves
    assert ("broadcast",) in leaves and ("broadcast", "status") in leaves
    assert len(leaves) >= 30


@pytest.mark.parametrize(
    ("path", "options"),
    [(path, options) for path, options, runs in COMMANDS if runs or options],
    ids=lambda value: " ".join(value) if isinstance(value, tuple) else None,
)
def test_every_command_and_option_is_in_the_readme(
    path: tuple[str, ...], options: list[str]
) -> None:
    lines = [
        line
        for line in readme_command_lines()
        if line.split()[3] == path[0] and set(path[1:]) <= words(line)
    ]
    assert lines, f"python -m bot {' '.join(path)} is missing from the README's command line"
    missing = [option for option in options if not any(option in words(line) for line in lines)]
    assert missing == [], f"python -m bot {' '.join(path)}: {missing} not in the README"


@pytest.mark.parametrize("path", [path for path, _, _ in COMMANDS], ids=" ".join)
def test_help_works_for_every_command(
    path: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([*path, "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: python -m bot {' '.join(path)}")


def test_the_entry_point_only_parses_and_calls() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "--help"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0 and "sessions" in result.stdout
    entry = (ROOT / "bot" / "__main__.py").read_text("utf-8")
    assert "sys.exit(main())" in entry and "argparse" not in entry


# --- OS and database errors: one line `error: ...`, exit status 2, no traceback -------------


def one_line_error(status: int, out: str, err: str) -> str:
    """Check the shape every failure has and return the message."""
    assert (status, out) == (2, "")
    assert err.startswith("error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err
    return err.removeprefix("error: ").rstrip("\n")


def test_a_corrupt_database_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    database = cli_database(tmp_path, monkeypatch)
    garbage = b"this is not a database, it was overwritten by a copy gone wrong\n" * 100
    database.write_bytes(garbage)
    for argv in (
        ("sessions", "list"),
        ("migrate",),
        ("officers", "add", "--telegram-id", "5", "--role", "admin"),
    ):
        message = one_line_error(*run_cli(capsys, *argv))
        assert message == f"database {database}: file is not a database"
    assert database.read_bytes() == garbage


def test_a_database_folder_that_does_not_exist(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    cli_database(tmp_path, monkeypatch)
    missing = tmp_path / "no-such-folder" / "bot.sqlite3"
    monkeypatch.setenv("DATABASE_PATH", str(missing))
    message = one_line_error(*run_cli(capsys, "sessions", "list"))
    assert message == f"database {missing}: unable to open database file"
    assert not missing.parent.exists()


# Linux capabilities that let root ignore file modes (linux/capability.h), and the prctl that
# drops one from the bounding set, so a process started afterwards never has it.
CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, PR_CAPBSET_DROP = 1, 2, 24


def _drop_root_overrides() -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
        if libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def run_bound_by_modes(database: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    """Run `python -m bot` so that file modes bind it, even when the tests run as root."""
    as_root = os.geteuid() == 0
    env = {"DATABASE_PATH": str(database)}
    return subprocess.run(
        [sys.executable, "-m", "bot", *argv],
        cwd=database.parent.parent,  # away from any .env
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
        capture_output=True,
        text=True,
        check=False,
        preexec_fn=_drop_root_overrides if as_root else None,
    )


@pytest.fixture
def locked(tmp_path: Path) -> Iterator[Path]:
    """A folder whose modes a test may take away; they are given back for the clean-up."""
    folder = tmp_path / "locked"
    folder.mkdir()
    yield folder
    folder.chmod(0o755)
    for child in folder.iterdir():
        child.chmod(0o644)


def test_a_database_in_a_read_only_folder(locked: Path) -> None:
    locked.chmod(0o555)
    database = locked / "bot.sqlite3"
    result = run_bound_by_modes(database, "migrate")
    message = one_line_error(result.returncode, result.stdout, result.stderr)
    assert message == f"database {database}: unable to open database file"
    assert list(locked.iterdir()) == []


@pytest.mark.parametrize("mode", [0o444, 0o000], ids=["read-only", "unreadable"])
def test_a_database_file_that_cannot_be_written_or_read(locked: Path, mode: int) -> None:
    database = locked / "bot.sqlite3"
    asyncio.run(_migrated(database))
    before = database.read_bytes()
    database.chmod(mode)
    locked.chmod(0o555)
    argv = ("officers", "add", "--telegram-id", "5", "--role", "admin")
    result = run_bound_by_modes(database, *argv)
    message = one_line_error(result.returncode, result.stdout, result.stderr)
    assert message.startswith(f"database {database}: ")
    database.chmod(0o644)
    assert database.read_bytes() == before


async def _migrated(path: Path) -> None:
    opened = await open_storage(path)
    await opened.close()


def write_sheet(path: Path, count: int) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["nik", "full_name", "phone", "business_name", "sector", "kecamatan"])
        for number in range(1, count + 1):
            writer.writerow(
                [
                    nik(number),
                    "Peserta Impor",
                    phone(number),
                    f"Usaha {number}",
                    "Kerajinan",
                    "Setu",
                ]
            )


def test_a_full_disk_while_writing_the_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """SQLite's own "database or disk is full", made real by letting the file grow no more."""
    database = cli_database(tmp_path, monkeypatch)
    asyncio.run(_migrated(database))
    pages = sqlite3.connect(database).execute("PRAGMA page_count").fetchone()[0]
    monkeypatch.setattr(
        storage.db, "PRAGMAS", (*storage.db.PRAGMAS, f"PRAGMA max_page_count={pages}")
    )
    write_sheet(tmp_path / "peserta.csv", 400)
    message = one_line_error(*run_cli(capsys, "participants", "import", "peserta.csv"))
    assert message == f"database {database}: database or disk is full"
    count = sqlite3.connect(database).execute("SELECT COUNT(*) FROM participant").fetchone()[0]
    assert count == 0


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize(
    "argv",
    [
        ("export", "participants", "--format", "csv", "--out", "/dev/full"),
        ("export", "allocations", "--format", "xlsx", "--out", "/dev/full"),
        ("sessions", "qr", "--code", "BTK-01", "--out", "/dev/full"),
    ],
    ids=" ".join,
)
def test_a_full_disk_while_writing_an_output_file(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: tuple[str, ...],
) -> None:
    database = cli_database(tmp_path, monkeypatch)
    monkeypatch.setenv("TELEGRAM_BOT_USERNAME", "wub_ikm_bot")
    asyncio.run(_seed(database))
    message = one_line_error(*run_cli(capsys, *argv))
    assert message.endswith("/dev/full: No space left on device")


async def _seed(path: Path) -> None:
    opened = await open_storage(path)
    try:
        await add_session(opened, "BTK-01")
        await person(opened, 1)
    finally:
        await opened.close()


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (("export", "participants", "--out", "missing/peserta.csv"), "missing: no such folder"),
        (("export", "allocations", "--out", "missing/rekap.xlsx"), "missing: no such folder"),
        (
            ("sessions", "qr", "--code", "BTK-01", "--out", "missing/qr.png"),
            "--out: cannot write missing/qr.png: No such file or directory",
        ),
        (("backup", "missing/copy.sqlite3"), "missing: no such folder"),
    ],
    ids=["export participants", "export allocations", "sessions qr", "backup"],
)
def test_an_output_file_in_a_missing_folder(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: tuple[str, ...],
    expected: str,
) -> None:
    database = cli_database(tmp_path, monkeypatch)
    monkeypatch.setenv("TELEGRAM_BOT_USERNAME", "wub_ikm_bot")
    asyncio.run(_seed(database))
    assert one_line_error(*run_cli(capsys, *argv)) == expected
    assert not (tmp_path / "missing").exists()


def test_any_other_os_error_is_one_line_with_its_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """What no command foresaw still ends as one line: the entry catches it, not the body."""
    cli_database(tmp_path, monkeypatch)
    unreadable = tmp_path / "secret" / "3216015505900002.txt"

    async def refused(_settings: object, _args: object) -> int:
        raise PermissionError(13, "Permission denied", str(unreadable))

    monkeypatch.setattr("bot.cli.migrate.migrate_database", refused)
    message = one_line_error(*run_cli(capsys, "migrate"))
    # The NIK-shaped file name is masked like everything else the CLI prints about failures.
    assert message == f"{tmp_path}/secret/<nik>.txt: Permission denied"
