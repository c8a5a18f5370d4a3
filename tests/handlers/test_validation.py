from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from handlers.validation import (
    InvalidBusinessName,
    InvalidName,
    InvalidNik,
    InvalidPhone,
    KecamatanMatch,
    ValidationError,
    mask_nik,
    match_kecamatan,
    normalize_nik,
    normalize_phone,
    validate_business_name,
    validate_full_name,
)

BEKASI = (
    "Babelan",
    "Bojongmangu",
    "Cabangbungin",
    "Cibarusah",
    "Cibitung",
    "Cikarang Barat",
    "Cikarang Pusat",
    "Cikarang Selatan",
    "Cikarang Timur",
    "Cikarang Utara",
    "Karangbahagia",
    "Kedungwaringin",
    "Muaragembong",
    "Pebayuran",
    "Serang Baru",
    "Setu",
    "Sukakarya",
    "Sukatani",
    "Sukawangi",
    "Tambelang",
    "Tambun Selatan",
    "Tambun Utara",
    "Tarumajaya",
)
VALID_NIK = "3216011508900001"
HUGE = "x" * 1_000_000
# No example database: runs must not leave files in the shared tree.
PROPERTY = settings(database=None, deadline=None, max_examples=300)


def test_validation_errors_are_value_errors_with_reason() -> None:
    error = InvalidPhone("invalid")
    assert isinstance(error, ValidationError)
    assert isinstance(error, ValueError)
    assert error.reason == "invalid"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Siti Nurhaliza", "Siti Nurhaliza"),
        ("  budi   santoso  ", "budi santoso"),
        ("Budi\nSantoso\t", "Budi Santoso"),
        ("José Müller", "José Müller"),
        ("Jose\u0301", "José"),
        ("O'Brien", "O'Brien"),
        ("Ma\u2019ruf Amin", "Ma'ruf Amin"),
        ("Dr. H. Ahmad Fauzi, S.T.", "Dr. H. Ahmad Fauzi, S.T."),
        ("Jean-Luc Picard", "Jean-Luc Picard"),
        ("Ani", "Ani"),
        ("王小明", "王小明"),
        ("a" * 100, "a" * 100),
    ],
)
def test_validate_full_name_accepts(text: str, expected: str) -> None:
    assert validate_full_name(text) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("   \n\t ", "empty"),
        ("Budi123", "chars"),
        ("Budi 😀", "chars"),
        ("Robert'); DROP TABLE students;--", "chars"),
        ("admin' OR 1=1", "chars"),
        ("Budi*", "chars"),
        ("Budi (Ani)", "chars"),
        ("Budi@mail", "chars"),
        ("Bu\u200ddi Santoso", "chars"),
        ("Budi\x00Santoso", "chars"),
        ("Ab", "too_short"),
        ("A. B", "too_short"),
        ("...", "too_short"),
        ("a-b", "too_short"),
        ("a" * 101, "too_long"),
        ("a " * 60, "too_long"),
        (HUGE, "too_long"),
    ],
)
def test_validate_full_name_rejects(text: str, reason: str) -> None:
    with pytest.raises(InvalidName) as caught:
        validate_full_name(text)
    assert caught.value.reason == reason


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (VALID_NIK, VALID_NIK),
        ("3216015508900001", "3216015508900001"),  # women: day + 40
        ("3216014108900001", "3216014108900001"),
        ("3216017112900001", "3216017112900001"),
        ("3216013101900001", "3216013101900001"),
        ("3216 0115 0890 0001", VALID_NIK),
        ("32.16.01.150890.0001", VALID_NIK),
        ("3216-01-150890-0001", VALID_NIK),
        ("  3216011508900001\n", VALID_NIK),
    ],
)
def test_normalize_nik_accepts(text: str, expected: str) -> None:
    assert normalize_nik(text) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        (" - . ", "empty"),
        ("3216O11508900001", "chars"),
        ("3216/01/150890/0001", "chars"),
        ("٣٢١٦٠١١٥٠٨٩٠٠٠٠١", "chars"),
        ("3216011508900001😀", "chars"),
        ("'; DROP TABLE peserta;--", "chars"),
        ("+3216011508900001", "chars"),
        ("321601150890000", "length"),
        ("32160115089000011", "length"),
        ("1" * 100_000, "length"),
        ("1111111111111111", "repeated"),
        ("0000000000000000", "repeated"),
        ("0016011508900001", "region"),
        ("3216010008900001", "date"),
        ("3216013208900001", "date"),
        ("3216014008900001", "date"),
        ("3216017208900001", "date"),
        ("3216011500900001", "date"),
        ("3216011513900001", "date"),
    ],
)
def test_normalize_nik_rejects(text: str, reason: str) -> None:
    with pytest.raises(InvalidNik) as caught:
        normalize_nik(text)
    assert caught.value.reason == reason


@pytest.mark.parametrize(
    ("nik", "expected"),
    [
        (VALID_NIK, "************0001"),
        ("3216015508901234", "************1234"),
        ("1234", "1234"),
    ],
)
def test_mask_nik(nik: str, expected: str) -> None:
    assert mask_nik(nik) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("081234567890", "+6281234567890"),
        ("0812 3456 7890", "+6281234567890"),
        ("0812-3456-7890", "+6281234567890"),
        ("0812.3456.7890", "+6281234567890"),
        ("+6281234567890", "+6281234567890"),
        ("+62 812-3456-7890", "+6281234567890"),
        ("+62 (812) 3456 7890", "+6281234567890"),
        ("6281234567890", "+6281234567890"),
        ("62 812 3456 7890", "+6281234567890"),
        ("(021) 555 1234", "+62215551234"),
        ("021-5551234", "+62215551234"),
        ("62 21 5551234", "+62215551234"),
        ("+65 9123 4567", "+6591234567"),
        ("+1 650 253 0000", "+16502530000"),
    ],
)
def test_normalize_phone_accepts(text: str, expected: str) -> None:
    assert normalize_phone(text) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("0" * 31, "too_long"),
        ("0812 3456 7890 0812 3456 7890 12", "too_long"),
        (HUGE, "too_long"),
        ("12345", "invalid"),
        ("0812", "invalid"),
        ("abc", "invalid"),
        ("0812-FLOWERS", "invalid"),
        ("+62 812 3456 7890 ext 1", "invalid"),
        ("'; DROP TABLE--", "invalid"),
        ("📞081234567890", "invalid"),
        ("+", "invalid"),
        ("()", "invalid"),
        ("++6281234567890", "invalid"),
        ("0812+34567890", "invalid"),
        ("٠٨١٢٣٤٥٦٧٨٩٠", "invalid"),
    ],
)
def test_normalize_phone_rejects(text: str, reason: str) -> None:
    with pytest.raises(InvalidPhone) as caught:
        normalize_phone(text)
    assert caught.value.reason == reason


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Keripik Maicih", "Keripik Maicih"),
        ("  Toko   Ani  ", "Toko Ani"),
        ("Toko\nAni", "Toko Ani"),
        ("Keripik Pedas 🌶️", "Keripik Pedas 🌶️"),
        ("CV. Maju Jaya (Bekasi) #1", "CV. Maju Jaya (Bekasi) #1"),
        ("X", "X"),
        ("'; DROP TABLE usaha;--", "'; DROP TABLE usaha;--"),
        ("b" * 100, "b" * 100),
    ],
)
def test_validate_business_name_accepts(text: str, expected: str) -> None:
    assert validate_business_name(text) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        (" \t\n ", "empty"),
        ("b" * 101, "too_long"),
        (HUGE, "too_long"),
        ("Toko\x00Ani", "chars"),
        ("Toko\x07Ani", "chars"),
        ("Toko \ud800", "chars"),
    ],
)
def test_validate_business_name_rejects(text: str, reason: str) -> None:
    with pytest.raises(InvalidBusinessName) as caught:
        validate_business_name(text)
    assert caught.value.reason == reason


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("CIBITUNG", KecamatanMatch("Cibitung", exact=True)),
        ("setu", KecamatanMatch("Setu", exact=True)),
        ("  Cikarang   Utara ", KecamatanMatch("Cikarang Utara", exact=True)),
        ("cikarang-utara", KecamatanMatch("Cikarang Utara", exact=True)),
        ("cikarangutara", KecamatanMatch("Cikarang Utara", exact=True)),
        ("muara gembong", KecamatanMatch("Muaragembong", exact=True)),
        ("Sétu", KecamatanMatch("Setu", exact=True)),
        ("ＣＩＢＩＴＵＮＧ", KecamatanMatch("Cibitung", exact=True)),
        ("cikarang utr", KecamatanMatch("Cikarang Utara", exact=False)),
        ("tambun sel", KecamatanMatch("Tambun Selatan", exact=False)),
        ("cibitng", KecamatanMatch("Cibitung", exact=False)),
        ("tarumajya", KecamatanMatch("Tarumajaya", exact=False)),
        ("babelam", KecamatanMatch("Babelan", exact=False)),
        ("kec. babelan", KecamatanMatch("Babelan", exact=False)),
        ("cikrang barat", KecamatanMatch("Cikarang Barat", exact=False)),
        ("sukarya", KecamatanMatch("Sukakarya", exact=False)),
    ],
)
def test_match_kecamatan_finds(text: str, expected: KecamatanMatch) -> None:
    assert match_kecamatan(text, BEKASI) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "jakarta",
        "jakarta barat",
        "karawang",
        "bekasi",
        "xyz",
        "'; DROP TABLE kecamatan;--",
        "😀😀😀",
        "cikarang",  # five Cikarang kecamatan: ambiguous
        "tambun",
        "cikarang ut",
        "tambun s",
        "utara",
        "gia",
        "a",
        HUGE,
    ],
)
def test_match_kecamatan_declines(text: str) -> None:
    assert match_kecamatan(text, BEKASI) is None


def test_match_kecamatan_reads_only_first_hundred_chars() -> None:
    assert match_kecamatan("Setu" + " " * 200 + "zzz", BEKASI) == KecamatanMatch("Setu", True)


def test_match_kecamatan_without_names() -> None:
    assert match_kecamatan("Setu", []) is None


@st.composite
def valid_niks(draw: st.DrawFn) -> str:
    region = draw(st.from_regex(r"[1-9][0-9]{5}", fullmatch=True))
    day = draw(st.integers(1, 31)) + draw(st.sampled_from([0, 40]))
    month = draw(st.integers(1, 12))
    rest = draw(st.from_regex(r"[0-9]{6}", fullmatch=True))
    return f"{region}{day:02d}{month:02d}{rest}"


@PROPERTY
@given(valid_niks(), st.sampled_from(["", " ", ".", "-"]))
def test_normalize_nik_accepts_valid_niks_with_separators(nik: str, separator: str) -> None:
    typed = separator.join([nik[:6], nik[6:12], nik[12:]])
    assert normalize_nik(typed) == nik


@PROPERTY
@given(st.text())
def test_normalize_nik_only_raises_invalid_nik(text: str) -> None:
    try:
        nik = normalize_nik(text)
    except InvalidNik:
        return
    assert len(nik) == 16
    assert nik.isascii()
    assert nik.isdigit()
    assert mask_nik(nik) == "*" * 12 + nik[-4:]


@PROPERTY
@given(st.text() | st.from_regex(r"\+?[0-9 ()\-.]{1,30}", fullmatch=True))
def test_normalize_phone_only_raises_invalid_phone(text: str) -> None:
    try:
        phone = normalize_phone(text)
    except InvalidPhone:
        return
    assert phone.startswith("+")
    assert phone[1:].isdigit()
    assert normalize_phone(phone) == phone


@PROPERTY
@given(st.text())
def test_validate_full_name_only_raises_invalid_name(text: str) -> None:
    try:
        name = validate_full_name(text)
    except InvalidName:
        return
    assert 3 <= len(name) <= 100
    assert validate_full_name(name) == name


@PROPERTY
@given(st.text())
def test_validate_business_name_only_raises_invalid_business_name(text: str) -> None:
    try:
        name = validate_business_name(text)
    except InvalidBusinessName:
        return
    assert 1 <= len(name) <= 100
    assert validate_business_name(name) == name


@PROPERTY
@given(st.text())
def test_match_kecamatan_never_raises(text: str) -> None:
    match = match_kecamatan(text, BEKASI)
    assert match is None or match.name in BEKASI


@PROPERTY
@given(st.sampled_from(BEKASI), st.sampled_from([str.lower, str.upper, str.title]))
def test_match_kecamatan_finds_every_name_in_any_case(
    name: str, case: Callable[[str], str]
) -> None:
    assert match_kecamatan(case(name), BEKASI) == KecamatanMatch(name, exact=True)
