"""/ekspor: spreadsheets in chat, read back and compared to the database."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from handlers.conversation.messages import Document
from handlers.conversation.router import Router
from handlers.conversation.turn import Services
from handlers.officers.exports import ENROLLMENT_COLUMNS, PARTICIPANT_COLUMNS
from storage import Storage
from tests.support.chat import NOW, Chat, add_session
from tests.support.officers import OFFICER, allocate, enroll, make_officer, nik, person, phone


@pytest.fixture
async def desk(router: Router, services: Services, storage: Storage) -> Chat:
    """An officer's chat; three participants (one erased), one session, one allocation."""
    await make_officer(storage)
    session = await add_session(storage, "BTK-01")
    people = [await person(storage, number) for number in (1, 2, 3)]
    await enroll(storage, people[0], session, attended=True)
    await enroll(storage, people[1], session, "waitlisted")
    await allocate(storage, people[0], confirmation="received")
    async with storage.db.transaction():
        await storage.participants.update_field(
            people[1].id, "business_name", '=HYPERLINK("x")', NOW
        )
        await storage.participants.erase(people[2].id, NOW)
    return Chat(router, services, OFFICER)


async def fetch(desk: Chat, label: str) -> Document:
    await desk.text("/ekspor")
    replies = await desk.press(label)
    assert len(replies) == 1 and isinstance(replies[0], Document)
    return replies[0]


async def test_offers_each_export_as_csv_and_xlsx(desk: Chat) -> None:
    await desk.text("/ekspor")
    assert desk.labels() == [
        "Peserta (CSV)",
        "Peserta (XLSX)",
        "Daftar hadir (CSV)",
        "Daftar hadir (XLSX)",
        "Penerima bantuan (CSV)",
        "Penerima bantuan (XLSX)",
        "Tiket meja tanya (CSV)",
        "Tiket meja tanya (XLSX)",
        "Pre/post-test & evaluasi (CSV)",
        "Pre/post-test & evaluasi (XLSX)",
    ]


async def test_participants_xlsx_matches_the_database(desk: Chat, storage: Storage) -> None:
    document = await fetch(desk, "Peserta (XLSX)")
    assert document.filename == "peserta-20261127-1000.xlsx"
    assert "2 baris" in document.caption
    sheet = load_workbook(io.BytesIO(document.content), read_only=False).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == PARTICIPANT_COLUMNS
    assert rows[1] == (
        nik(1),
        "Peserta Nomor B",
        phone(1),
        "Usaha 1",
        "Kerajinan",
        "Setu",
        "2026-11-27 10:00",
    )
    assert rows[2][3] == '=HYPERLINK("x")'  # text, never a formula
    assert len(rows) == 3  # the erased participant is not exported
    for column in (1, 3):  # nik and phone are text cells, so no digit is lost
        cell = sheet.cell(row=2, column=column)
        assert cell.data_type == "s" and cell.number_format == "@"
    assert sheet.cell(row=3, column=4).data_type == "s"
    assert (await storage.audit.latest(1))[0].action == "export.participants.xlsx"


async def test_enrollments_csv_is_the_daftar_hadir(desk: Chat) -> None:
    document = await fetch(desk, "Daftar hadir (CSV)")
    rows = list(csv.reader(io.StringIO(document.content.decode("utf-8"))))
    assert rows == [
        list(ENROLLMENT_COLUMNS),
        ["BTK-01", nik(1), "Peserta Nomor B", "enrolled", "", "2026-11-27 10:00"],
        ["BTK-01", nik(2), "Peserta Nomor C", "waitlisted", "", ""],
    ]


async def test_allocations_come_from_the_equipment_export(desk: Chat) -> None:
    document = await fetch(desk, "Penerima bantuan (CSV)")
    rows = list(csv.DictReader(io.StringIO(document.content.decode("utf-8"))))
    assert [(row["nik"], row["item"], row["confirmation"]) for row in rows] == [
        (nik(1), "Canting batik", "received")
    ]


async def test_a_forged_export_button_is_stale(desk: Chat) -> None:
    await desk.payload("ekspor:secrets:csv")
    assert "pesan lama" in desk.said
    await desk.payload("ekspor:participants:pdf")
    assert "pesan lama" in desk.said
