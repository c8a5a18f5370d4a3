"""FAQ matching on normalised Indonesian text: hits, near misses, ambiguity, chat spellings."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from handlers.helpdesk.matching import FaqIndex, key, own_data_question, words
from storage.helpdesk import Faq

WHEN = datetime(2026, 11, 1, tzinfo=UTC)
ENTRIES = (
    ("Kapan jadwal bimtek?", "jadwal, kapan bimtek, jam berapa"),
    ("Di mana tempat bimtek?", "tempat, mana bimtek, tempat bimtek"),
    ("Apa saja syarat ikut bimtek?", "syarat, persyaratan, bawa apa"),
    ("Kapan bantuan alat bisa diambil?", "alat diambil, bantuan alat, oven, mixer"),
    ("Kapan sertifikat keluar?", "sertifikat, piagam"),
    ("Bagaimana cara mengubah data saya?", "ubah data, ganti nomor, profil"),
)


def index() -> FaqIndex:
    built = FaqIndex()
    faqs = [
        Faq(
            id=number,
            question=question,
            answer=f"jawaban {number}",
            keywords=keywords,
            created_at=WHEN,
            updated_at=WHEN,
        )
        for number, (question, keywords) in enumerate(ENTRIES, start=1)
    ]
    built.rebuild("v1", faqs)
    return built


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Kapan jadwal bimtek?", 1),
        ("kpn jadwal bimtek?", 1),
        ("jadwal bimteknya kapan ya kak", 1),
        ("dmn tempat bimtek", 2),
        ("Lokasi bimtek di mana?", 2),
        ("apa syarat ikut bimtek", 3),
        ("Apakah alat oven sudah bisa diambil?", 4),
        ("apakah alat oven sdh bisa diambil", 4),
        ("alat oven udah bisa diambil blm", 4),
        ("sertifikat kpn keluar", 5),
        ("gmn cara ganti nomor hp", 6),
        ("KAPAN SERTIFIKAT KELUAR!!!", 5),
    ],
)
def test_hits(typed: str, expected: int) -> None:
    found = index().match(typed)
    assert found is not None, typed
    assert found.faq.id == expected


@pytest.mark.parametrize(
    "typed",
    [
        "halo",
        "terima kasih",
        "kapan",  # every "kapan" entry fits equally: a guess, so no answer
        "bimtek",
        "saya kehilangan KTP, bagaimana?",
        "Apakah saya boleh membawa anak ke lokasi?",  # "lokasi" alone is not the venue question
        "",
        "😀😀😀",
        "'; DROP TABLE faq; --",
        "x" * 5000,
    ],
)
def test_no_confident_match(typed: str) -> None:
    assert index().match(typed) is None


def test_spelling_variants_normalise_to_the_same_words() -> None:
    assert words("sdh") == words("sudah") == ["sudah"]
    assert words("kpn") == words("kapan") == ["kapan"]
    assert key("Apakah sdh bisa?") == key("apakah sudah bisa") == "sudah bisa"
    assert words("jadwalku") == ["jadwal", "saya"]


def test_empty_faq_matches_nothing() -> None:
    assert FaqIndex().match("kapan jadwal bimtek") is None


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("kapan bimtek saya?", "schedule"),
        ("di mana bimtek sy", "schedule"),
        ("jadwalku kapan", "schedule"),
        ("alat saya sudah dikirim?", "equipment"),
        ("status alatku", "equipment"),
        ("kapan bimtek?", None),
        ("saya mau tanya", None),
    ],
)
def test_questions_about_own_data(typed: str, expected: str | None) -> None:
    assert own_data_question(typed) == expected
