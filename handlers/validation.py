"""Business rules for what participants type during registration.

Pure functions only: no I/O and no messenger imports, so the same rules serve
Telegram, WhatsApp and the tests.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import phonenumbers
from rapidfuzz import fuzz, process

NAME_MIN_LENGTH = 3
NAME_MAX_LENGTH = 100
NAME_MIN_LETTERS = 3
NAME_PUNCTUATION = frozenset(" '.-,")
BUSINESS_NAME_MAX_LENGTH = 100
NIK_LENGTH = 16
PHONE_MAX_LENGTH = 30
PHONE_REGION = "ID"
KECAMATAN_MAX_INPUT = 100
KECAMATAN_MIN_FUZZY_LENGTH = 4
KECAMATAN_SCORE_CUTOFF = 80.0
KECAMATAN_AMBIGUITY_MARGIN = 5.0

# Phone keyboards often insert typographic apostrophes (e.g. "Ma’ruf").
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u02bc": "'", "\u2018": "'"})
_NIK_SEPARATORS = re.compile(r"[\s.\-]+")
_PHONE_CHARS = re.compile(r"\+?[0-9\s().\-]+")
_PHONE_DECORATION = re.compile(r"[\s().\-]+")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")


class ValidationError(ValueError):
    """Signal that user input breaks a business rule."""

    def __init__(self, reason: str, message: str | None = None) -> None:
        super().__init__(message or reason)
        self.reason = reason


class InvalidName(ValidationError):
    """Signal an unacceptable full name."""


class InvalidNik(ValidationError):
    """Signal an unacceptable NIK (Indonesian identity number)."""


class InvalidPhone(ValidationError):
    """Signal an unacceptable phone number."""


class InvalidBusinessName(ValidationError):
    """Signal an unacceptable business name."""


def _collapse_whitespace(text: str) -> str:
    return " ".join(text.split())


def _is_name_char(char: str) -> bool:
    # Combining marks are kept for scripts and accents without precomposed forms.
    category = unicodedata.category(char)
    return category[0] in "LM" or char in NAME_PUNCTUATION


def validate_full_name(text: str) -> str:
    """Return the participant's full name normalised, or raise InvalidName."""
    name = _collapse_whitespace(unicodedata.normalize("NFC", text).translate(_APOSTROPHES))
    if not name:
        raise InvalidName("empty", "name is empty")
    if len(name) > NAME_MAX_LENGTH:
        raise InvalidName("too_long", f"name is longer than {NAME_MAX_LENGTH} characters")
    if not all(_is_name_char(char) for char in name):
        raise InvalidName("chars", "name may contain only letters, spaces and ' . - ,")
    letters = sum(1 for char in name if unicodedata.category(char).startswith("L"))
    if len(name) < NAME_MIN_LENGTH or letters < NAME_MIN_LETTERS:
        raise InvalidName("too_short", f"name needs at least {NAME_MIN_LETTERS} letters")
    return name


def _is_birth_day(day: str) -> bool:
    # Women's NIKs carry the birth day plus 40.
    value = int(day)
    return 1 <= value <= 31 or 41 <= value <= 71


def normalize_nik(text: str) -> str:
    """Return the 16-digit NIK without separators, or raise InvalidNik."""
    nik = _NIK_SEPARATORS.sub("", text)
    if not nik:
        raise InvalidNik("empty", "NIK is empty")
    if not (nik.isascii() and nik.isdigit()):
        raise InvalidNik("chars", "NIK may contain only digits")
    if len(nik) != NIK_LENGTH:
        raise InvalidNik("length", f"NIK must have exactly {NIK_LENGTH} digits")
    if len(set(nik)) == 1:
        raise InvalidNik("repeated", "NIK cannot be one digit repeated")
    if nik[:2] == "00":
        raise InvalidNik("region", "NIK has no valid province code")
    if not _is_birth_day(nik[6:8]) or not 1 <= int(nik[8:10]) <= 12:
        raise InvalidNik("date", "NIK does not contain a valid birth date")
    return nik


def _parse_phone(digits: str) -> phonenumbers.PhoneNumber | None:
    candidates = [digits]
    # "62812..." typed without "+" would otherwise parse as a national number.
    if digits.startswith("62"):
        candidates.insert(0, "+" + digits)
    for candidate in candidates:
        try:
            number = phonenumbers.parse(candidate, PHONE_REGION)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return number
    return None


def normalize_phone(text: str) -> str:
    """Return the phone number in E.164 form, or raise InvalidPhone."""
    raw = text.strip()
    if not raw:
        raise InvalidPhone("empty", "phone number is empty")
    if len(raw) > PHONE_MAX_LENGTH:
        raise InvalidPhone("too_long", f"phone number is longer than {PHONE_MAX_LENGTH} chars")
    if not _PHONE_CHARS.fullmatch(raw):
        raise InvalidPhone("invalid", "phone number may contain only digits and + ( ) - .")
    number = _parse_phone(_PHONE_DECORATION.sub("", raw))
    if number is None:
        raise InvalidPhone("invalid", "not a valid phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _is_forbidden_in_business_name(char: str) -> bool:
    # Surrogates cannot be stored as UTF-8; control characters break layouts.
    return unicodedata.category(char) in ("Cc", "Cs")


def validate_business_name(text: str) -> str:
    """Return the business name normalised, or raise InvalidBusinessName."""
    name = _collapse_whitespace(text)
    if all(unicodedata.category(char) == "Cf" for char in name):
        # Zero-width and direction marks alone would store a name nobody can see.
        raise InvalidBusinessName("empty", "business name is empty")
    if len(name) > BUSINESS_NAME_MAX_LENGTH:
        raise InvalidBusinessName(
            "too_long", f"business name is longer than {BUSINESS_NAME_MAX_LENGTH} characters"
        )
    if any(_is_forbidden_in_business_name(char) for char in name):
        raise InvalidBusinessName("chars", "business name contains control characters")
    return name


def mask_nik(nik: str) -> str:
    """Return the NIK with all but its last four digits hidden."""
    visible = nik[-4:]
    return "*" * (len(nik) - len(visible)) + visible


@dataclass(frozen=True)
class KecamatanMatch:
    """A kecamatan recognised in what the participant typed."""

    name: str
    exact: bool


def _kecamatan_key(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text[:KECAMATAN_MAX_INPUT])
    without_accents = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _NON_ALNUM.sub(" ", without_accents.casefold()).strip()


def match_kecamatan(text: str, names: Sequence[str]) -> KecamatanMatch | None:
    """Return the kecamatan the text most likely means, or None if unsure.

    Exact means equal after ignoring case, accents, spaces and punctuation
    ("muara gembong" is Muaragembong). Otherwise the closest name by
    rapidfuzz WRatio is returned when it scores at least
    KECAMATAN_SCORE_CUTOFF and beats the runner-up by more than
    KECAMATAN_AMBIGUITY_MARGIN. Ambiguous input such as "cikarang" (five
    Cikarang kecamatan) or "tambun" returns None so the caller can show
    buttons; so do inputs shorter than four letters, empty input and names
    outside the list ("jakarta"). Only the first 100 characters are read.
    """
    query = _kecamatan_key(text)
    if not query or not names:
        return None
    keys = [_kecamatan_key(name) for name in names]
    compact_query = query.replace(" ", "")
    for name, key in zip(names, keys, strict=True):
        if key.replace(" ", "") == compact_query:
            return KecamatanMatch(name=name, exact=True)
    if len(compact_query) < KECAMATAN_MIN_FUZZY_LENGTH:
        return None
    return _closest_kecamatan(query, names, keys)


def _closest_kecamatan(
    query: str, names: Sequence[str], keys: Sequence[str]
) -> KecamatanMatch | None:
    ranked = process.extract(query, keys, scorer=fuzz.WRatio, limit=2)
    _, best_score, best_index = ranked[0]
    if best_score < KECAMATAN_SCORE_CUTOFF:
        return None
    # The runner-up counts even below the cutoff: a near tie means we are guessing.
    if len(ranked) > 1 and best_score - ranked[1][1] <= KECAMATAN_AMBIGUITY_MARGIN:
        return None
    return KecamatanMatch(name=names[best_index], exact=False)
