"""Importing FAQ entries from a sheet sent to the /faq desk in chat: the CLI's reader and
import, the counts and bad lines told back, and bad files refused with the database unchanged."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from handlers.conversation.router import Router
from handlers.conversation.turn import Services
from handlers.helpdesk.faq_desk import MAX_PROBLEMS_SHOWN, MAX_SHEET_BYTES
from storage import Storage
from tests.support.chat import Chat
from tests.support.officers import OFFICER, make_officer
from tests.support.sheets import write_xlsx, zip_bomb

SEEDED = 6
GOOD_CSV = (
    b"question,answer,keywords\n"
    b'Boleh bawa anak?,"Boleh, asal didampingi.","anak, bawa anak"\n'
    b"Kapan jadwal bimtek?,Lihat /jadwal.,jadwal\n"
    b"ab,terlalu pendek,\n"
    b"Apa ada makan siang?,,\n"
)


class FakeFiles:
    """Documents by file id, as the Bot API's getFile would give them."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.asked: list[str] = []

    async def fetch(self, reference: str) -> tuple[bytes, str] | None:
        self.asked.append(reference)
        found = self.files.get(reference)
        return None if found is None else (found, "application/octet-stream")


@pytest.fixture
def files() -> FakeFiles:
    return FakeFiles()


@pytest.fixture
async def desk(router: Router, services: Services, storage: Storage, files: FakeFiles) -> Chat:
    """An officer at /faq who pressed the import button."""
    await make_officer(storage, OFFICER)
    chat = Chat(router, dataclasses.replace(services, files=files), OFFICER)
    await chat.text("/faq")
    await chat.press("📥 Impor dari file")
    return chat


async def entries(storage: Storage) -> list[tuple[str, str, str]]:
    return [(faq.question, faq.answer, faq.keywords) for faq in await storage.faqs.list_all()]


async def test_a_csv_imports_and_the_officer_reads_counts_and_bad_lines(
    desk: Chat, storage: Storage, files: FakeFiles
) -> None:
    assert "Kirim file .xlsx atau .csv" in desk.said
    files.files["doc-1"] = GOOD_CSV
    await desk.document("doc-1")
    assert "1 baru, 1 diubah, 0 sama, 2 baris salah" in desk.said
    assert "baris 4: kolom question: minimal 3 karakter" in desk.said
    assert "baris 5: kolom answer: kosong" in desk.said
    assert "line " not in desk.said
    stored = await entries(storage)
    assert ("Boleh bawa anak?", "Boleh, asal didampingi.", "anak, bawa anak") in stored
    assert ("Kapan jadwal bimtek?", "Lihat /jadwal.", "jadwal") in stored
    assert len(stored) == SEEDED + 1
    entry = (await storage.audit.latest(1))[0]
    assert (entry.action, entry.target) == ("faq.import", "1 added, 1 changed, 2 bad")
    assert entry.actor.startswith("officer:")
    assert await storage.conversations.get("telegram", OFFICER) is None
    # The same file again changes nothing.
    await desk.text("/faq")
    await desk.press("📥 Impor dari file")
    await desk.document("doc-1")
    assert "0 baru, 0 diubah, 2 sama" in desk.said
    assert await entries(storage) == stored


async def test_an_xlsx_is_told_by_its_content(
    desk: Chat, storage: Storage, files: FakeFiles, tmp_path: Path
) -> None:
    sheet = write_xlsx(
        tmp_path / "faq.xlsx",
        [["Question", "Answer"], ["Di mana parkir motor? 🏍", "Di halaman belakang."]],
    )
    files.files["doc-x"] = sheet.read_bytes()
    await desk.document("doc-x")
    assert "1 baru, 0 diubah, 0 sama, 0 baris salah" in desk.said
    assert ("Di mana parkir motor? 🏍", "Di halaman belakang.", "") in await entries(storage)


async def test_many_bad_lines_are_listed_up_to_a_bound(
    desk: Chat, storage: Storage, files: FakeFiles
) -> None:
    before = await entries(storage)
    files.files["doc-bad"] = ("question,answer\n" + "x,\n" * 40).encode()
    await desk.document("doc-bad")
    assert "0 baru, 0 diubah, 0 sama, 40 baris salah" in desk.said
    assert len(re.findall(r"^baris \d+: kolom question: minimal 3 karakter", desk.said, re.M)) == (
        MAX_PROBLEMS_SHOWN
    )
    assert f"dan {40 - MAX_PROBLEMS_SHOWN} baris salah lagi" in desk.said
    assert await entries(storage) == before


async def test_an_english_reading_officer_reads_the_bad_lines_in_english(
    desk: Chat, storage: Storage, files: FakeFiles
) -> None:
    await storage.contacts.set_language("telegram", OFFICER, "en")
    files.files["doc-1"] = GOOD_CSV
    await desk.document("doc-1")
    assert "line 4: question: at least 3 characters" in desk.said
    assert "line 5: answer: empty" in desk.said
    assert "baris" not in desk.said


async def test_hostile_cells_are_reported_short_and_change_nothing(
    desk: Chat, storage: Storage, files: FakeFiles
) -> None:
    before = await entries(storage)
    rows = [
        "question,answer,keywords",
        "'; DROP TABLE faq; --,x," + "k" * 10_000,
        '"' + "🙂" * 600 + '",jawaban,',
        "Tanya\x01?,Jawab,",
    ]
    files.files["doc-h"] = "\n".join(rows).encode()
    await desk.document("doc-h")
    said = desk.said
    assert "baris 2: kolom keywords: lebih dari 500 karakter" in said
    assert "baris 3: kolom question: lebih dari 500 karakter" in said
    assert "baris 4: kolom question: berisi karakter kontrol" in said
    # No typed value is echoed back, and no report line is long.
    assert "kkkkkkkkkk" not in said and "🙂🙂" not in said
    assert max(len(line) for line in said.splitlines()) < 200
    assert await entries(storage) == before


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"pertanyaan,jawaban\nApa?,Itu.\n", "baris 1: kolom question, answer tidak ada"),
        (b"", "baris 1: berkasnya kosong"),
        (b"PK\x03\x04 not really a workbook", "bukan buku kerja .xlsx yang bisa dibaca"),
    ],
)
async def test_a_bad_file_is_explained_in_indonesian(
    desk: Chat, files: FakeFiles, content: bytes, expected: str
) -> None:
    files.files["doc"] = content
    await desk.document("doc")
    assert expected in desk.said
    assert "line 1" not in desk.said and "faq.csv" not in desk.said


def _huge() -> bytes:
    return b"question,answer\n" + b"x" * (MAX_SHEET_BYTES + 1)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "tidak bisa dibaca"),
        (b"pertanyaan,jawaban\nApa?,Itu.\n", "tidak bisa dibaca"),
        (b"question,answer\n\n\n", "tidak berisi entri"),
        (b"PK\x03\x04 not really a workbook", "tidak bisa dibaca"),
        (b"'; DROP TABLE faq; --", "tidak bisa dibaca"),
        (b"\x89PNG\r\n\x1a\n\x00\x00binary", "tidak bisa dibaca"),
        (_huge(), "lebih dari 2 MB"),
    ],
)
async def test_a_bad_file_is_refused_and_asked_again(
    desk: Chat, storage: Storage, files: FakeFiles, content: bytes, expected: str
) -> None:
    before = await entries(storage)
    files.files["doc"] = content
    await desk.document("doc")
    assert expected in desk.said
    assert await entries(storage) == before
    conversation = await storage.conversations.get("telegram", OFFICER)
    assert conversation is not None and conversation.step == "sheet"


async def test_a_zip_bomb_is_refused(
    desk: Chat, storage: Storage, files: FakeFiles, tmp_path: Path
) -> None:
    before = await entries(storage)
    files.files["bomb"] = zip_bomb(tmp_path / "bomb.xlsx", unpacked_mb=200).read_bytes()
    await desk.document("bomb")
    assert "tidak bisa dibaca" in desk.said or "lebih dari" in desk.said
    assert await entries(storage) == before


@pytest.mark.parametrize("send", ["text", "photo", "unfetchable"])
async def test_anything_but_a_fetchable_document_is_asked_again(
    desk: Chat, storage: Storage, send: str
) -> None:
    before = await entries(storage)
    if send == "text":
        await desk.text("question,answer")
        assert "sebagai dokumen" in desk.said
    elif send == "photo":
        await desk.kind("photo")
        assert "sebagai dokumen" in desk.said
    else:
        await desk.document("gone")
        assert "tidak bisa diambil" in desk.said
    assert await entries(storage) == before


async def test_cancel_leaves_the_import(desk: Chat, storage: Storage) -> None:
    await desk.text("/batal")
    assert await storage.conversations.get("telegram", OFFICER) is None


async def test_a_participant_cannot_import(
    router: Router, services: Services, storage: Storage, files: FakeFiles
) -> None:
    before = await entries(storage)
    files.files["doc-1"] = GOOD_CSV
    chat = Chat(router, dataclasses.replace(services, files=files), "1")
    await chat.payload("faq:imp")
    assert "hanya untuk petugas" in chat.said
    assert (await storage.audit.latest(1))[0].action.startswith("denied:faq")
    await chat.document("doc-1")
    assert files.asked == []
    assert await entries(storage) == before


async def test_an_officer_demoted_mid_import_is_refused(
    desk: Chat, storage: Storage, files: FakeFiles
) -> None:
    before = await entries(storage)
    await storage.officers.remove("telegram", OFFICER)
    files.files["doc-1"] = GOOD_CSV
    await desk.document("doc-1")
    assert "hanya untuk petugas" in desk.said
    assert files.asked == []
    assert await entries(storage) == before
