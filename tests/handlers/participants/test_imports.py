"""Pre-registered participants: sheet checks, idempotent import, claimed at chat registration."""

from __future__ import annotations

import sqlite3

import pytest

from handlers.participants.imports import (
    COLUMNS,
    Choices,
    SheetError,
    import_participants,
    parse_sheet,
)
from handlers.participants.regions import load_region, load_sectors
from handlers.spreadsheets.reading import Cell
from storage import Storage
from tests.support.chat import GOOD_NIK, NOW, OTHER_NIK, Chat, add_session, register
from tests.support.officers import nik

CHOICES = Choices(load_sectors(), load_region().kecamatan)
HEADER: list[Cell] = list(COLUMNS)
SITI: list[Cell] = [
    GOOD_NIK,
    "Siti Aminah",
    "0812-3456-7890",
    "Batik Siti",
    "batik & tekstil",
    "Cikarang Utara",
]


def sheet(*rows: list[Cell]) -> list[list[Cell]]:
    return [HEADER, *rows]


def test_good_rows_are_normalised_like_chat_answers() -> None:
    parsed = parse_sheet(
        sheet(
            SITI,
            [
                "3216 0141 0785 0003",
                " Budi  Santoso ",
                "+62 813 1111 2222",
                "Roti",
                "Lainnya",
                "setu",
            ],
        ),
        CHOICES,
    )
    assert parsed.bad == []
    first, second = parsed.rows
    assert (first.phone, first.sector, first.line) == ("+6281234567890", "Batik & Tekstil", 2)
    assert (second.nik, second.full_name, second.kecamatan) == (OTHER_NIK, "Budi Santoso", "Setu")


def test_bad_rows_are_listed_by_line_counting_the_header_as_line_1() -> None:
    parsed = parse_sheet(
        sheet(
            SITI,
            ["", "", "", "", "", ""],  # blank: skipped, still counted
            ["1234", "Budi", "0812-3456-7890", "Roti", "Lainnya", "Setu"],
            [nik(7), "B4di", "0812", "", "Otomotif", "cikarang utr"],
            [GOOD_NIK, "Siti Aminah", "0812-3456-7890", "Batik", "Lainnya", "Setu"],
            [9216010101000008.0, "Rina Wati", "0812-3456-7890", "Rina Cake", "Lainnya", "Setu"],
            [3216010101000009.0, "Rina Wati", "0812-3456-7890", "Rina Cake", "Lainnya", "Setu"],
        ),
        CHOICES,
    )
    # A NIK in a number cell is refused even when it looks whole: Excel keeps 15 digits.
    assert [row.nik for row in parsed.rows] == [GOOD_NIK]
    assert [str(row) for row in parsed.bad] == [
        "line 4: nik: NIK must have exactly 16 digits",
        "line 5: full_name: name may contain only letters, spaces and ' . - ,; "
        "phone: not a valid phone number; business_name: business name is empty; "
        "sector: unknown sector 'Otomotif' (one of: Makanan & Minuman, Batik & Tekstil, "
        "Fesyen & Konveksi, Kerajinan, Kulit & Alas Kaki, Furnitur & Kayu, Logam & Bengkel, "
        "Kimia & Kosmetik, Lainnya); kecamatan: unknown kecamatan 'cikarang utr' "
        "(did you mean Cikarang Utara?)",
        "line 6: same nik as line 2",
        "line 7: NIK is a number in the sheet — Excel keeps only 15 digits;"
        " format the NIK column as Text and type it again",
        "line 8: NIK is a number in the sheet — Excel keeps only 15 digits;"
        " format the NIK column as Text and type it again",
    ]


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ([], "line 1: the header row"),
        ([["nik", "full_name", "phone"]], "line 1: missing column(s) business_name, sector"),
    ],
)
def test_a_sheet_without_its_header_is_refused(table: list[list[Cell]], message: str) -> None:
    with pytest.raises(SheetError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_sheet(table, CHOICES)


async def test_importing_again_changes_nothing(
    storage: Storage,
) -> None:
    rows = parse_sheet(
        sheet(SITI, [OTHER_NIK, "Budi Santoso", "08131111222", "Roti", "Lainnya", "Setu"]), CHOICES
    ).rows
    first = await import_participants(storage, rows, actor="cli", now=NOW)
    assert (first.new, first.changed, first.unchanged) == (2, 0, 0)
    before = [tuple(row) for row in await storage.db.fetch_all("SELECT * FROM participant")]
    again = await import_participants(storage, rows, actor="cli", now=NOW)
    assert (again.new, again.changed, again.unchanged) == (0, 0, 2)
    after = [tuple(row) for row in await storage.db.fetch_all("SELECT * FROM participant")]
    assert after == before
    assert (await storage.audit.latest(1))[0].target == "0 new, 0 changed, 2 unchanged"


async def test_the_write_lock_is_free_between_chunks(storage: Storage) -> None:
    table = [HEADER] + [
        [nik(10 + number), "Budi Santoso", f"0813111122{number:02d}", "Roti", "Lainnya", "Setu"]
        for number in range(5)
    ]
    rows = parse_sheet(table, CHOICES).rows
    if storage.db.engine != "sqlite":
        pytest.skip("SQLite's file lock; PostgreSQL takes its write lock per transaction")
    other_process = sqlite3.connect(storage.db.path, timeout=0, isolation_level=None)
    written: list[int] = []

    def write_meanwhile() -> None:
        # timeout=0: this fails at once if the import still held the lock.
        other_process.execute("BEGIN IMMEDIATE")
        other_process.execute(
            "INSERT INTO bot_setting (key, value) VALUES (?, 'v')", (f"k{len(written)}",)
        )
        other_process.execute("COMMIT")
        written.append(1)

    try:
        report = await import_participants(
            storage, rows, actor="cli", now=NOW, on_row=write_meanwhile, chunk_rows=2
        )
    finally:
        other_process.close()
    assert (report.new, len(written)) == (5, 5)
    assert await storage.db.fetch_value("SELECT COUNT(*) FROM participant") == 5


async def test_an_import_cut_short_is_completed_by_running_it_again(storage: Storage) -> None:
    table = [HEADER] + [
        [nik(10 + number), "Budi Santoso", f"0813111122{number:02d}", "Roti", "Lainnya", "Setu"]
        for number in range(5)
    ]
    rows = parse_sheet(table, CHOICES).rows
    calls = 0

    def fail_after_the_first_chunk() -> None:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise RuntimeError("killed")

    with pytest.raises(RuntimeError):
        await import_participants(
            storage, rows, actor="cli", now=NOW, on_row=fail_after_the_first_chunk, chunk_rows=2
        )
    assert await storage.db.fetch_value("SELECT COUNT(*) FROM participant") == 4
    report = await import_participants(storage, rows, actor="cli", now=NOW, chunk_rows=2)
    assert (report.new, report.unchanged) == (1, 4)


async def test_a_correction_updates_only_someone_not_yet_registered_in_chat(
    chat: Chat, storage: Storage
) -> None:
    await add_session(storage)
    await import_participants(
        storage, parse_sheet(sheet(SITI), CHOICES).rows, actor="cli", now=NOW
    )
    corrected = [*SITI[:3], "Batik Siti Jaya", *SITI[4:]]
    result = await import_participants(
        storage, parse_sheet(sheet(corrected), CHOICES).rows, actor="cli", now=NOW
    )
    assert result.changed == 1
    await register(chat)  # claims the record, with the business name typed in chat
    result = await import_participants(
        storage, parse_sheet(sheet(corrected), CHOICES).rows, actor="cli", now=NOW
    )
    assert result.unchanged == 1
    participant = await storage.participants.get_by_nik(GOOD_NIK)
    assert participant is not None and participant.business_name == "Batik Siti"


async def test_registering_with_the_same_nik_and_phone_claims_the_record(
    chat: Chat, storage: Storage
) -> None:
    await add_session(storage)
    await import_participants(
        storage, parse_sheet(sheet(SITI), CHOICES).rows, actor="cli", now=NOW
    )
    await register(chat)
    assert "Pendaftaran berhasil" in chat.said
    assert await storage.participants.count_active() == 1
    contact = await storage.contacts.get("telegram", chat.address)
    assert contact is not None and contact.participant_id == 1
    enrollments = await storage.enrollments.for_participant(1)
    assert [item.enrollment.status for item in enrollments] == ["enrolled"]
    actions = [entry.action for entry in await storage.audit.latest()]
    assert "participant.claim" in actions and "participant.register" not in actions


async def test_a_different_phone_is_refused_like_any_taken_nik(
    chat: Chat, storage: Storage
) -> None:
    await add_session(storage)
    other_phone = [*SITI[:2], "0813-9999-8888", *SITI[3:]]
    await import_participants(
        storage, parse_sheet(sheet(other_phone), CHOICES).rows, actor="cli", now=NOW
    )
    await register(chat)
    assert "hubungi petugas" in chat.said.lower()
    contact = await storage.contacts.get("telegram", chat.address)
    assert contact is not None and contact.participant_id is None


async def test_a_nik_claimed_in_chat_is_refused_to_another_chat(
    chat: Chat, storage: Storage
) -> None:
    await add_session(storage)
    await import_participants(
        storage, parse_sheet(sheet(SITI), CHOICES).rows, actor="cli", now=NOW
    )
    await register(chat)
    other = Chat(chat.router, chat.services, "2002")
    await other.text("/daftar")
    await other.press("Setuju")
    await other.text("Siti Aminah")
    await other.text(GOOD_NIK)
    assert "hubungi petugas" in other.said.lower()
