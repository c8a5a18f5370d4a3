"""Fill a fresh database with many participants quickly (plain sqlite3, one transaction)."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from storage import Storage

SECTORS = ("Makanan & Minuman", "Batik & Tekstil", "Kerajinan", "Lainnya")
KECAMATAN = ("Setu", "Cibitung", "Tambun Selatan", "Cikarang Utara", "Babelan")


def nik_for(index: int) -> str:
    """Return a valid, unique NIK for the index."""
    return f"3216{index // 10**6 % 100:02d}5505{index % 10**6:06d}"


def seed(
    database: Path, *, participants: int, sessions: int, first_chat_id: int = 1_000_000
) -> None:
    """Create the schema, `sessions` sessions and `participants` enrolled participants."""
    asyncio.run(_migrate(database))
    now = datetime.now(UTC)
    stamp = now.isoformat(timespec="microseconds")
    connection = sqlite3.connect(database)
    try:
        with connection:
            for number in range(sessions):
                starts = (now + timedelta(days=3, hours=number)).isoformat(timespec="microseconds")
                ends = (now + timedelta(days=3, hours=number + 6)).isoformat(
                    timespec="microseconds"
                )
                connection.execute(
                    "INSERT INTO bimtek_session (code, title, venue, starts_at, ends_at,"
                    " capacity, checkin_code, created_at, updated_at)"
                    " VALUES (?, ?, 'Aula', ?, ?, ?, ?, ?, ?)",
                    (f"S{number:04d}", f"Bimtek {number}", starts, ends, participants + 1,
                     f"code{number}", stamp, stamp),
                )  # fmt: skip
            connection.executemany(
                "INSERT INTO participant (id, nik, full_name, phone, business_name, sector,"
                " kecamatan, consent_at, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, 'Usaha', ?, ?, ?, ?, ?)",
                (
                    (i + 1, nik_for(i), f"Peserta {i}", f"+62812{i:08d}", SECTORS[i % 4],
                     KECAMATAN[i % 5], stamp, stamp, stamp)
                    for i in range(participants)
                ),
            )  # fmt: skip
            connection.executemany(
                "INSERT INTO contact (participant_id, channel, address, created_at)"
                " VALUES (?, 'telegram', ?, ?)",
                ((i + 1, str(first_chat_id + i), stamp) for i in range(participants)),
            )
            connection.executemany(
                "INSERT INTO enrollment (participant_id, session_id, status, created_at,"
                " updated_at, enrolled_at) VALUES (?, ?, 'enrolled', ?, ?, ?)",
                ((i + 1, i % max(sessions, 1) + 1, stamp, stamp, stamp)
                 for i in range(participants if sessions else 0)),
            )  # fmt: skip
    finally:
        connection.close()


async def _migrate(database: Path) -> None:
    storage = await Storage.open(database, datetime.now(UTC))
    await storage.close()
