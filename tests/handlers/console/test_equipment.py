"""The allocation upload's report in the officer's language: bad rows, refused files, hostile
cells (escaped and short), and an unchanged database for everything refused."""

from __future__ import annotations

import re
from html import unescape

import pytest

from handlers.conversation.turn import Services
from tests.support.console import Browser
from tests.support.officers import nik

UPLOAD = "/console/alat/unggah"


def _sheet(*rows: str, header: str = "nik,item,qty") -> bytes:
    return (header + "\n" + "\n".join(rows) + "\n").encode()


async def _upload(browser: Browser, content: bytes, name: str = "alokasi.csv") -> tuple[int, str]:
    answer = await browser.post(UPLOAD, files={"sheet": (name, content, "text/csv")})
    return answer.status_code, answer.text


def _bad_lines(page: str) -> list[str]:
    """Return the report's bad-row lines as the officer reads them (entities decoded)."""
    return [unescape(line) for line in re.findall(r'<li class="mono">(.*?)</li>', page, re.S)]


async def _allocations(services: Services) -> int:
    return int(await services.storage.db.fetch_value("SELECT COUNT(*) FROM allocation") or 0)


SHEET = _sheet(
    f"{nik(1)},Oven,1",
    f"{nik(2)},Kapal Selam,2",
    f"{nik(1)},oven,3",
    f"{nik(2)},Mixer,0",
    f"{nik(2)},,x",
    "3216010101000099,Mixer,1",
)


async def test_bad_rows_read_indonesian_by_default(
    services: Services, as_officer: Browser
) -> None:
    status, page = await _upload(as_officer, SHEET)
    assert status == 200
    assert _bad_lines(page) == [
        "baris 3: barang 'Kapal Selam' tidak dikenal"
        " (yang ada: Canting batik, Kompor batik, Oven, Mixer, Tangga)",
        "baris 4: NIK dan barang sama dengan baris 2",
        "baris 5: kolom qty: jumlah harus bilangan bulat 1–1000",
        "baris 6: kolom item: kosong; kolom qty: jumlah harus bilangan bulat 1–1000",
        "baris 7: tidak ada peserta dengan NIK ini",
    ]
    assert "line " not in page
    assert await _allocations(services) == 1


async def test_bad_rows_read_english_in_the_english_console(
    services: Services, as_officer: Browser
) -> None:
    await as_officer.post("/console/bahasa", {"language": "en", "next": "/console/alat"})
    status, page = await _upload(as_officer, SHEET)
    assert status == 200
    assert _bad_lines(page) == [
        "line 3: unknown item 'Kapal Selam'"
        " (known: Canting batik, Kompor batik, Oven, Mixer, Tangga)",
        "line 4: same nik and item as line 2",
        "line 5: qty: the quantity must be a whole number from 1 to 1000",
        "line 6: item: empty; qty: the quantity must be a whole number from 1 to 1000",
        "line 7: no participant with this NIK",
    ]
    assert "baris " not in page


async def test_a_handed_over_row_is_explained(services: Services, as_officer: Browser) -> None:
    await _upload(as_officer, _sheet(f"{nik(1)},Oven,1"))
    await as_officer.post("/console/alat/serah", {"participant": ["1"]})  # type: ignore[dict-item]
    status, page = await _upload(as_officer, _sheet(f"{nik(1)},Oven,2"))
    assert status == 200
    assert _bad_lines(page) == [
        "baris 2: sudah diserahkan (1 unit); jumlahnya tidak bisa diubah lagi"
    ]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "baris 1: baris judul nik,item,qty tidak ada"),
        (b"\n\n", "baris 1: baris judul nik,item,qty tidak ada"),
        (b"nik,item\n1,2\n", "baris 1: kolom qty tidak ada (yang diperlukan: nik,item,qty)"),
        (
            b"NIK;barang;jumlah\n1;2;3\n",
            "baris 1: kolom item, qty tidak ada (yang diperlukan: nik,item,qty)",
        ),
    ],
)
async def test_a_sheet_without_its_header_is_refused_in_indonesian(
    services: Services, as_officer: Browser, content: bytes, expected: str
) -> None:
    status, page = await _upload(as_officer, content)
    assert status == 422
    assert expected in unescape(page)
    assert "line 1" not in page and "upload.csv" not in page
    assert await _allocations(services) == 0


async def test_a_file_that_is_no_workbook_is_refused_in_the_officers_language(
    as_officer: Browser,
) -> None:
    status, page = await _upload(as_officer, b"not a zip", name="palsu.xlsx")
    assert status == 422
    assert "bukan buku kerja .xlsx yang bisa dibaca" in page
    await as_officer.post("/console/bahasa", {"language": "en", "next": "/console/alat"})
    status, page = await _upload(as_officer, b"not a zip", name="palsu.xlsx")
    assert status == 422
    assert "not a readable .xlsx workbook" in page and "upload.xlsx" not in page


async def test_hostile_cells_are_escaped_short_and_change_nothing(
    services: Services, as_officer: Browser
) -> None:
    huge = "X" * 10_000
    status, page = await _upload(
        as_officer,
        _sheet(
            f"{nik(1)},<script>alert(1)</script>,1",
            f"{nik(1)},'; DROP TABLE allocation; --,1",
            f"{nik(2)},Kapal 🚢 Selam,1",
            f"{nik(2)},{huge},1",
            f"{huge},Oven,{huge}",
        ),
    )
    assert status == 200
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    known = " (yang ada: Canting batik, Kompor batik, Oven, Mixer, Tangga)"
    assert _bad_lines(page) == [
        f"baris 2: barang '<script>alert(1)</script>' tidak dikenal{known}",
        f"baris 3: barang ''; DROP TABLE allocation; --' tidak dikenal{known}",
        f"baris 4: barang 'Kapal 🚢 Selam' tidak dikenal{known}",
        "baris 5: kolom item: lebih dari 100 karakter",
        "baris 6: kolom nik: NIK hanya boleh berisi angka;"
        " kolom qty: jumlah harus bilangan bulat 1–1000",
    ]
    assert "XXXXXXXXXX" not in page
    assert await _allocations(services) == 0
    assert await services.storage.db.fetch_value("SELECT COUNT(*) FROM participant") == 3


async def test_a_long_unknown_item_is_quoted_whole_but_bounded(as_officer: Browser) -> None:
    name = "Barang " + "é" * 93  # 100 characters: the longest name an item may have
    _, page = await _upload(as_officer, _sheet(f"{nik(1)},{name},1"))
    [line] = _bad_lines(page)
    assert name in line and len(line) < 300
