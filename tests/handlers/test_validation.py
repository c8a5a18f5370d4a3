from collections.abc import Callable
from datetime import date

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from handlers import texts
from handlers.provinces import load_provinces
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
PROVINCE_CODES = tuple(sorted(load_provinces()))
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
        ("a" * 100, "a" * 100),
        ("Nguyễn Văn Ánh", "Nguyễn Văn Ánh"),
        ("Zoë Łukasz Ørsted", "Zoë Łukasz Ørsted"),
        ("Straße Çelik", "Straße Çelik"),
        # Invisible and direction characters go; the name stays.
        ("Bu\u200ddi Santoso", "Budi Santoso"),
        ("\u202eBudi Santoso\u202c", "Budi Santoso"),
        ("Budi\u2066 Santoso\u2069", "Budi Santoso"),
        ("\ufeffSiti\u200b Aminah\u200e", "Siti Aminah"),
        ("Budi\x00Santoso", "BudiSantoso"),
        # A letter under a flood of accents keeps two of them.
        ("Ani" + "\u0301" * 96, "An\u00ed\u0301"),
        ("n\u0303\u0308\u0301\u0300 Ani", "ñ\u0308 Ani"),
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
        ("Budi ♥", "chars"),
        ("Budi_Santoso", "chars"),
        ("Budi\u00a0\u00b2", "chars"),
        ("王小明", "script"),
        ("Иван Петров", "script"),
        ("محمد علي", "script"),
        ("Βασίλης", "script"),
        ("Budi Сантосо", "script"),
        ("Budi \u0915\u093f", "script"),
        ("Ani\u0489", "script"),  # a combining mark outside the Latin accents
        ("\u202e\u200f\u200b\u2066\u200d", "empty"),
        ("\u3164\u3164\u3164", "empty"),
        ("Ab", "too_short"),
        ("A. B", "too_short"),
        ("...", "too_short"),
        ("a-b", "too_short"),
        ("a" * 101, "too_long"),
        ("a " * 60, "too_long"),
        (HUGE, "too_long"),
        ("\u200b" * 1001 + "Budi", "too_long"),
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


def nik_born(ddmmyy: str, province: str = "32") -> str:
    """Return a NIK of Kabupaten Bekasi (or another province) with this birth-date part."""
    return f"{province}1601{ddmmyy}0001"


# Every month's last day in a common year (1990) and in a leap year (1992).
LAST_DAYS_COMMON = {1: 31, 2: 28, 3: 31, 4: 30, 5: 31, 6: 30, 7: 31, 8: 31, 9: 30, 10: 31}
LAST_DAYS_COMMON |= {11: 30, 12: 31}
LAST_DAYS_LEAP = LAST_DAYS_COMMON | {2: 29}


@pytest.mark.parametrize(("year", "last_days"), [("90", LAST_DAYS_COMMON), ("92", LAST_DAYS_LEAP)])
@pytest.mark.parametrize("women", [0, 40], ids=["man", "woman"])
@pytest.mark.parametrize("month", range(1, 13))
def test_every_months_last_day_is_valid_and_the_day_after_is_not(
    month: int, women: int, year: str, last_days: dict[int, int]
) -> None:
    last = last_days[month] + women
    assert normalize_nik(nik_born(f"{last:02d}{month:02d}{year}")) == nik_born(
        f"{last:02d}{month:02d}{year}"
    )
    with pytest.raises(InvalidNik) as caught:
        normalize_nik(nik_born(f"{last + 1:02d}{month:02d}{year}"))
    assert caught.value.reason == "date"


# YY divisible by 4 is a leap year as 20YY (and as 19YY except 1900): 29 February may be.
@pytest.mark.parametrize("year", ["00", "04", "48", "88", "92", "96", "20", "24"])
@pytest.mark.parametrize("day", ["29", "69"], ids=["man", "woman"])
def test_29_february_is_valid_in_leap_years(year: str, day: str) -> None:
    assert normalize_nik(nik_born(f"{day}02{year}")) == nik_born(f"{day}02{year}")


@pytest.mark.parametrize("year", ["01", "02", "03", "10", "23", "25", "90", "99"])
@pytest.mark.parametrize("day", ["29", "69"], ids=["man", "woman"])
def test_29_february_is_invalid_in_common_years(year: str, day: str) -> None:
    with pytest.raises(InvalidNik) as caught:
        normalize_nik(nik_born(f"{day}02{year}"))
    assert caught.value.reason == "date"


@pytest.mark.parametrize("day", [f"{day:02d}" for day in range(41, 72)])
def test_every_womans_day_of_a_31_day_month_is_valid(day: str) -> None:
    assert normalize_nik(nik_born(f"{day}0790")) == nik_born(f"{day}0790")


@pytest.mark.parametrize(
    "ddmmyy",
    [
        "000190",  # day 0
        "320190",  # no 32nd
        "350190",
        "400190",  # a woman's day 0
        "720190",  # a woman's 32nd
        "990190",
        "700290",  # a woman's 30 February
        "710290",
        "700292",
        "300290",
        "310490",  # 31 April
        "710490",  # a woman's 31 April
        "310690",
        "310990",
        "311190",
        "150090",  # month 0
        "151390",  # month 13
        "159990",
    ],
)
def test_impossible_birth_dates_are_refused(ddmmyy: str) -> None:
    with pytest.raises(InvalidNik) as caught:
        normalize_nik(nik_born(ddmmyy))
    assert caught.value.reason == "date"


@pytest.mark.parametrize("province", PROVINCE_CODES)
def test_every_province_code_is_valid(province: str) -> None:
    assert normalize_nik(nik_born("150890", province)) == nik_born("150890", province)


@pytest.mark.parametrize(
    "province",
    ["00", "01", "09", "10", "20", "22", "30", "37", "50", "54", "60", "66", "70", "77", "80"]
    + ["83", "90", "97", "98", "99"],
)
def test_province_codes_that_do_not_exist_are_refused(province: str) -> None:
    with pytest.raises(InvalidNik) as caught:
        normalize_nik(nik_born("150890", province))
    assert caught.value.reason == "region"


NIK_REASONS = {"length", "repeated", "region", "date"}


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("321601150890001", "length"),
        ("7777777777777777", "repeated"),
        ("9916011508900001", "region"),
        ("3216013102900001", "date"),
    ],
)
@pytest.mark.parametrize("language", ["id", "en"])
def test_each_kind_of_bad_nik_has_its_own_clear_text(
    text: str, reason: str, language: str
) -> None:
    with pytest.raises(InvalidNik) as caught:
        normalize_nik(text)
    assert caught.value.reason == reason
    sentence = texts.text(language, f"invalid.nik.{reason}")
    others = {texts.text(language, f"invalid.nik.{other}") for other in NIK_REASONS - {reason}}
    assert sentence not in others
    assert "NIK" in sentence


def test_a_nik_copied_with_invisible_marks_is_read() -> None:
    assert normalize_nik("\u200e3216 0115 0890 0001\u200f") == VALID_NIK
    assert normalize_nik("3216\u200b0115\u20600890\ufeff0001") == VALID_NIK


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
        ("\u202eToko Ani\u202c", "Toko Ani"),
        ("Toko\u200b Ani\u2060\ufeff", "Toko Ani"),
        ("Toko\x00Ani\x07", "TokoAni"),
        ("Toko \ud800Ani", "Toko Ani"),
        ("Kopi 👨\u200d🌾 Pak Tani", "Kopi 👨\u200d🌾 Pak Tani"),
        ("Toko Ani" + "\u0301" * 50, "Toko An\u00ed\u0301"),
        ("Batik Ани", "Batik Ани"),
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
        ("\u202e\u2066\u200b\u200d\ufeff", "empty"),
        ("\x00\x07", "empty"),
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
    """Draw a NIK with a real province code and a real birth date (either sex)."""
    province = draw(st.sampled_from(PROVINCE_CODES))
    regency = draw(st.from_regex(r"[0-9]{4}", fullmatch=True))
    born = draw(st.dates(date(1940, 1, 1), date(2039, 12, 31)))
    day = born.day + draw(st.sampled_from([0, 40]))
    rest = draw(st.from_regex(r"[0-9]{4}", fullmatch=True))
    nik = f"{province}{regency}{day:02d}{born.month:02d}{born.year % 100:02d}{rest}"
    assume(len(set(nik)) > 1)
    return nik


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
