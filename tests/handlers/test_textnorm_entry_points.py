"""Every place a person types free text that is stored normalises it the same way.

Registration, profile edits, equipment notes, case notes, session titles, item names,
broadcasts (chat and CLI) and both imports: direction overrides, zero-width characters and
floods of combining marks never reach the database.
"""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from chat_support import GOOD_NIK, ZONE, Chat, add_session
from equipment_support import (
    PARTICIPANT,
    from_outbox,
    handed_over,
    officer_chat,
    participant_with_chat,
)
from officer_support import cli_database, make_officer, nik, open_storage, person, run_cli

from handlers.router import Router
from handlers.turn import Services
from storage import Storage

# What an attacker (or a bad keyboard) might send, and what must be stored instead.
NAME = "\u202eSiti\u200b Ami\u2066n" + "\u0303" * 60 + "ah\u2069\ufeff"
NAME_STORED = "Siti Ami\u00f1\u0303ah"
BUSINESS = "\u2067Batik\u200b Siti\u2069 \u200fJaya\u2060 🧵"
BUSINESS_STORED = "Batik Siti Jaya 🧵"
NOTE = "Pintu\u200b oven\u202e penyok" + "\u0301" * 30
NOTE_STORED = "Pintu oven penyo\u1e31\u0301"  # k with two acute accents, composed
MESSAGE = "\u202eBesok\u202c bimtek\u200b di Aula.\r\n\r\nSalam 👨\u200d🌾\u2066"
MESSAGE_STORED = "Besok bimtek di Aula.\n\nSalam 👨\u200d🌾"
INVISIBLE = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u200b\ufeff")


def clean(text: str) -> bool:
    return not INVISIBLE & set(text)


async def test_registration_stores_names_normalised(
    chat: Chat, storage: Storage, router: Router, services: Services
) -> None:
    await add_session(storage)
    await chat.text("/daftar")
    await chat.press("Setuju")
    await chat.text(NAME)
    await chat.text(GOOD_NIK)
    await chat.contact("+62 812-3456-7890")
    await chat.text(BUSINESS)
    await chat.press("Batik & Tekstil")
    await chat.text("Cikarang Utara")
    await chat.press(chat.labels()[0])
    assert NAME_STORED in chat.said and BUSINESS_STORED in chat.said  # the summary
    await chat.press("Benar")
    participant = await storage.participants.get_by_nik(GOOD_NIK)
    assert participant is not None
    assert (participant.full_name, participant.business_name) == (NAME_STORED, BUSINESS_STORED)


async def test_a_profile_edit_stores_the_business_name_normalised(
    storage: Storage, router: Router, services: Services
) -> None:
    participant = await participant_with_chat(storage)
    chat = Chat(router, services, PARTICIPANT)
    await chat.payload("profile:edit:business_name")
    await chat.text(BUSINESS)
    changed = await storage.participants.get(participant.id)
    assert changed is not None and changed.business_name == BUSINESS_STORED


async def test_equipment_and_case_notes_are_normalised(
    storage: Storage, router: Router, services: Services
) -> None:
    participant = await participant_with_chat(storage)
    await handed_over(storage, participant, ("Oven", 1))
    person_chat = Chat(router, services, PARTICIPANT)
    await from_outbox(person_chat)
    await person_chat.press("Rusak / tidak sesuai")
    await person_chat.text(NOTE)
    [allocation] = await storage.allocations.for_participant(participant.id)
    assert allocation.note == NOTE_STORED
    desk = await officer_chat(router, services)
    await desk.payload("alatp:resolve:1")
    await desk.text("\u202eOven\u200b pengganti\u2066 diantar")
    case = await storage.equipment_cases.get(1)
    assert case is not None and case.resolution == "Oven pengganti diantar"


async def test_a_broadcast_from_chat_is_stored_normalised(
    storage: Storage, router: Router, services: Services
) -> None:
    await make_officer(storage)
    await person(storage, 1)
    desk = Chat(router, services, "9001")
    await desk.text("/siaran")
    await desk.text(MESSAGE)
    await desk.press("Tanpa foto")
    await desk.press("👥 Semua peserta")
    await desk.press("✅ Kirim sekarang")
    broadcast = await storage.broadcasts.get(1)
    assert broadcast is not None and broadcast.text == MESSAGE_STORED


async def test_a_new_session_title_from_chat_is_normalised(
    storage: Storage, router: Router, services: Services
) -> None:
    await make_officer(storage)
    desk = Chat(router, services, "9001")
    await desk.payload("sesi:new")
    await desk.text("BTK-09")
    await desk.text("\u202eBimtek\u200b Batik\u2069")
    conversation = await storage.conversations.get("telegram", "9001")
    assert conversation is not None and conversation.data["title"] == "Bimtek Batik"


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A CLI database with one participant (NIK nik(1)) and the equipment items."""
    path = cli_database(tmp_path, monkeypatch)

    async def seed() -> None:
        storage = await open_storage(path)
        try:
            await person(storage, 1)
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


def test_a_broadcast_from_the_cli_is_stored_normalised(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _, err = run_cli(capsys, "broadcast", "--text", MESSAGE, "--audience", "all")
    assert (status, err) == (0, "")
    assert rows_of(database, "SELECT text FROM broadcast") == [(MESSAGE_STORED,)]


def test_a_broadcast_of_only_invisible_characters_is_refused(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _, err = run_cli(
        capsys, "broadcast", "--text", "\u202e\u200b\u2066", "--audience", "all"
    )
    assert status == 2 and err.startswith("error:")
    assert rows_of(database, "SELECT COUNT(*) FROM broadcast") == [(0,)]


def test_a_session_added_from_the_cli_has_normalised_labels(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The CLI reads the real clock: the session is a month from today.
    day = (datetime.now(ZONE) + timedelta(days=30)).date().isoformat()
    status, _, err = run_cli(
        capsys,
        "sessions", "add", "--code", "BTK-09", "--title", "\u202eBimtek\u200b Batik\u2069",
        "--venue", "Aula\u2066 Disperindag", "--starts-at", f"{day} 09:00",
        "--ends-at", f"{day} 16:00", "--capacity", "30",
    )  # fmt: skip
    assert status == 0, err
    assert rows_of(database, "SELECT title, venue FROM bimtek_session") == [
        ("Bimtek Batik", "Aula Disperindag")
    ]


def test_a_participant_import_stores_names_normalised(
    database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet = tmp_path / "peserta.csv"
    sheet.write_text(
        "nik;full_name;phone;business_name;sector;kecamatan\n"
        f"{nik(20)};{NAME};0812-2000-0020;{BUSINESS};Batik & Tekstil;Setu\n"
        f"{nik(21)};Иван Петров;0812-2000-0021;Roti;Batik & Tekstil;Setu\n",
        encoding="utf-8",
    )
    status, out, err = run_cli(capsys, "participants", "import", str(sheet))
    assert status == 2
    assert err.startswith("line 3: full_name: name must be written in Latin letters")
    assert rows_of(
        database, f"SELECT full_name, business_name FROM participant WHERE nik = '{nik(20)}'"
    ) == [(NAME_STORED, BUSINESS_STORED)]
    assert all(clean(str(value)) for row in rows_of(database, "SELECT * FROM participant")
               for value in row)  # fmt: skip


def test_item_names_are_normalised_when_added_and_when_imported(
    database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _, err = run_cli(
        capsys, "equipment", "items", "add", "--name", "\u202eMesin\u200b Jahit\u2069"
    )
    assert status == 0, err
    assert ("Mesin Jahit",) in rows_of(database, "SELECT name FROM equipment_item")
    (tmp_path / "alokasi.csv").write_text(
        f"nik,item,qty\n{nik(1)},\u2066Mesin\u200b Jahit\u2069,1\n", encoding="utf-8"
    )
    status, out, err = run_cli(capsys, "equipment", "import", "alokasi.csv")
    assert (status, err) == (0, ""), out
    assert rows_of(database, "SELECT quantity FROM allocation") == [(1,)]
    item = "\u202eMesin Jahit\u200b"
    status, _, err = run_cli(
        capsys, "equipment", "allocate", "--nik", nik(1), "--item", item, "--qty", "2"
    )
    assert (status, err) == (0, "")
    assert rows_of(database, "SELECT quantity FROM allocation") == [(2,)]
