"""The BAST PDF, parsed back to text."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from pypdf import PdfReader

from handlers.equipment.bast import load_bast, pdf_text, render_bast
from handlers.equipment.cases import record_answer
from handlers.equipment.rules import EquipmentRefused
from storage import Storage
from tests.support.chat import GOOD_NIK, NOW, ZONE, add_session
from tests.support.equipment import allocate, handed_over, participant_with_chat


def text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    # Wrapped table cells come back with doubled spaces from the embedded font's spacing.
    lines = "\n".join(page.extract_text() for page in reader.pages).splitlines()
    return "\n".join(" ".join(line.split()) for line in lines)


async def test_bast_lists_programme_participant_items_handover_and_confirmation(
    storage: Storage,
) -> None:
    session = await add_session(storage)
    participant = await participant_with_chat(storage)
    await storage.enrollments.enroll(participant.id, session.id, "enrolled", NOW)
    done = await handed_over(
        storage, participant, ("Oven", 1), ("Canting batik", 5), officer="Budi Santoso"
    )
    await allocate(storage, participant, ("Tangga", 1))  # allocated, not handed over: not listed
    later = NOW + timedelta(days=1, hours=3)
    for allocation, answer in zip(done.allocations, ("received", "damaged"), strict=True):
        await record_answer(storage, allocation, answer, actor="p", now=later, zone=ZONE)
    bast = await load_bast(storage, participant)
    text = text_of(render_bast(bast, ZONE, later))
    assert "BERITA ACARA SERAH TERIMA (BAST)" in text
    assert "Program Wirausaha Baru Industri Kecil Menengah (WUB IKM)" in text
    assert "Nomor: BAST/WUB-IKM/00001/2026" in text
    assert "Nama: Siti Aminah" in text
    assert "NIK: ************0002" in text and GOOD_NIK not in text
    assert "Nama usaha: Batik Siti" in text
    assert "Bimtek: Bimtek Batik Tulis (BTK-01)" in text
    assert "Tanggal serah terima: Jumat, 27 November 2026" in text
    assert "Petugas: Budi Santoso" in text
    assert "Konfirmasi peserta: Sabtu, 28 November 2026 pukul 13.00 WIB" in text
    assert "1 Oven 1 unit" in text and "2 Canting batik 5 buah" in text
    assert "Jumat, 27 November 2026 pukul 10.00 WIB, Budi Santoso" in text
    assert "Sudah diterima, Sabtu, 28 November 2026 pukul 13.00 WIB" in text
    assert "Rusak / tidak sesuai" in text
    assert "Tangga 1 buah" not in text
    assert "(Siti Aminah)" in text and "(Budi Santoso)" in text


async def test_unconfirmed_items_say_so(storage: Storage) -> None:
    participant = await participant_with_chat(storage)
    await handed_over(storage, participant, ("Mixer", 2))
    text = text_of(render_bast(await load_bast(storage, participant), ZONE, NOW))
    assert "Belum dikonfirmasi" in text
    assert "Konfirmasi peserta: belum semua alat dikonfirmasi" in text


async def test_names_keep_their_letters_in_the_unicode_font(storage: Storage) -> None:
    participant = await participant_with_chat(storage, name="Nguyễn Thị Ánh Łucja 王")
    await handed_over(storage, participant, ("Oven", 1), officer="Petugas “Dinas” — Bekasi")
    text = text_of(render_bast(await load_bast(storage, participant), ZONE, NOW))
    # DejaVu Sans has Vietnamese and Polish letters, not Chinese: only what it lacks is `?`.
    assert "Nama: Nguyễn Thị Ánh Łucja ?" in text
    assert "Petugas “Dinas” — Bekasi" in text


@pytest.mark.parametrize(
    ("given", "drawn"),
    [
        ("Siti Aminah", "Siti Aminah"),
        ("Ma’ruf", "Ma’ruf"),
        ("Trần", "Trần"),
        ("Tra\u0302\u0300n", "Trần"),
        ("🧰 Alat", "? Alat"),
        ("Oven × 2", "Oven × 2"),
    ],
)
def test_pdf_text_keeps_what_the_font_draws(given: str, drawn: str) -> None:
    assert pdf_text(given) == drawn


async def test_no_bast_before_a_handover(storage: Storage) -> None:
    participant = await participant_with_chat(storage)
    await allocate(storage, participant, ("Oven", 1))
    with pytest.raises(EquipmentRefused) as refused:
        await load_bast(storage, participant)
    assert refused.value.reason == "nothing_handed_over"
