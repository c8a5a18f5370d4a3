"""A pilot's SQLite database (demo seed plus real registrations) moved to PostgreSQL."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

from tests.support.fake_telegram import FakeTelegram
from tests.support.harness import ROOT, BotProcess, Person
from tests.support.postgres import Server
from tests.support.walks import register_until_summary

TABLES_WITH_ROWS = ("bimtek_session", "participant", "contact", "enrollment", "officer")


def seed_demo(database: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "bot", "demo", "--database", str(database)],
        cwd=ROOT, stdin=subprocess.DEVNULL, capture_output=True, timeout=60, check=True,
    )  # fmt: skip


def register(fake: FakeTelegram, user_id: int, nik: str) -> None:
    person = Person(fake, user_id)
    summary = register_until_summary(person, nik)
    assert "Bimtek" in summary
    assert "Pendaftaran berhasil" in person.presses("Benar")


def test_copy_a_pilot_database_then_register_on_the_copy(
    fake: FakeTelegram, tmp_path: Path, postgres_server: Server
) -> None:
    pilot = BotProcess(fake, tmp_path, {})
    seed_demo(pilot.database)
    pilot.start()
    try:
        register(fake, 6001, "3216015505900011")
        register(fake, 6002, "3216015505900012")
    finally:
        pilot.stop()
    counts = {t: pilot.query(f"SELECT COUNT(*) FROM {t}")[0][0] for t in TABLES_WITH_ROWS}
    assert counts["participant"] == 3 and counts["enrollment"] == 3

    url = asyncio.run(postgres_server.create_database(migrated=False))
    try:
        copied = pilot.cli("copy-database", "--to", url)
        assert "counts and checksums match" in copied.stdout
        assert "participant\t3 rows" in copied.stdout
        again = pilot.cli("copy-database", "--to", url, check=False)
        assert again.returncode == 2
        last = again.stderr.strip().splitlines()[-1]
        assert last.startswith("error: the target database is not empty (it has tables:")
        assert "Traceback" not in again.stderr

        moved = BotProcess(fake, tmp_path / "moved", {"DATABASE_URL": url})
        moved.workdir.mkdir()
        for table, count in counts.items():
            assert moved.query(f"SELECT COUNT(*) FROM {table}") == [(count,)], table
        moved.start()
        try:
            register(fake, 6003, "3216015505900013")
            assert "Jadwal bimtek Anda" in Person(fake, 6001).says("/jadwal")
        finally:
            moved.stop()
        ids = moved.query("SELECT id FROM participant ORDER BY id")
        assert len(ids) == 4 and ids[-1][0] == 4  # the sequence went past the copied ids
        assert moved.query("SELECT COUNT(*) FROM enrollment WHERE status = 'enrolled'") == [(4,)]
    finally:
        asyncio.run(postgres_server.drop_database(url))
