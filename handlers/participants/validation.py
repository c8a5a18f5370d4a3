"""Business rules for what participants type during registration.

Pure functions only: no I/O and no messenger imports, so the same rules serve
Telegram, WhatsApp and the tests.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import phonenumbers
from rapidfuzz import fuzz, process

from handlers.conversation.textnorm import clean_line
from handlers.participants.provinces import province_name
from handlers.spreadsheets.reasons import Reason, reason

NAME_MIN_LENGTH = 3
NAME_MAX_LENGTH = 100
NAME_MIN_LETTERS = 3
NAME_PUNCTUATION = frozenset(" '.-,")
BUSINESS_NAME_MAX_LENGTH = 100
NIK_LENGTH = 16
NIK_MAX_INPUT = 100
PHONE_MAX_LENGTH = 30
PHONE_REGION = "ID"
KECAMATAN_MAX_INPUT = 100
KECAMATAN_MIN_FUZZY_LENGTH = 4
KECAMATAN_SCORE_CUTOFF = 80.0
KECAMATAN_AMBIGUITY_MARGIN = 5.0
# Typed text this many times over a field's limit is refused before it is normalised.
RAW_LENGTH_FACTOR = 10

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


def _is_latin_letter(char: str) -> bool:
    is_letter = unicodedata.category(char).startswith("L")
    return is_letter and unicodedata.name(char, "").startswith("LATIN ")


def _is_accent(char: str) -> bool:
    # Accents NFC cannot fold into a letter stay as combining diacritical marks.
    return unicodedata.category(char) == "Mn" and "\u0300" <= char <= "\u036f"


def _is_foreign(char: str) -> bool:
    """Tell whether a character is a letter or mark of another script than Latin."""
    category = unicodedata.category(char)
    if category.startswith("L"):
        return not _is_latin_letter(char)
    return category.startswith("M") and not _is_accent(char)


def validate_full_name(text: str) -> str:
    """Return the participant's full name normalised, or raise InvalidName.

    A name is Latin letters (accents allowed), spaces and ' . - , as on a KTP; other scripts
    are refused with their own reason, so the person knows what to change.
    """
    too_long = InvalidName("too_long", f"name is longer than {NAME_MAX_LENGTH} characters")
    if len(text) > NAME_MAX_LENGTH * RAW_LENGTH_FACTOR:
        raise too_long
    name = clean_line(text.translate(_APOSTROPHES))
    if not name:
        raise InvalidName("empty", "name is empty")
    if len(name) > NAME_MAX_LENGTH:
        raise too_long
    if any(_is_foreign(char) for char in name):
        raise InvalidName("script", "name must be written in Latin letters")
    if not all(
        _is_latin_letter(char) or _is_accent(char) or char in NAME_PUNCTUATION for char in name
    ):
        raise InvalidName("chars", "name may contain only letters, spaces and ' . - ,")
    letters = sum(1 for char in name if _is_latin_letter(char))
    if len(name) < NAME_MIN_LENGTH or letters < NAME_MIN_LETTERS:
        raise InvalidName("too_short", f"name needs at least {NAME_MIN_LETTERS} letters")
    return name


def is_birth_date(ddmmyy: str) -> bool:
    """Tell whether a NIK's DDMMYY part is a real date; women's days are counted from 41.

    The two-digit year may mean 19YY or 20YY, so 29 February is accepted when either is a
    leap year: exactly when YY is divisible by 4 (2000 was a leap year, 1900 was not).
    """
    day, month, year = int(ddmmyy[0:2]), int(ddmmyy[2:4]), int(ddmmyy[4:6])
    if day > 40:
        day -= 40
    if not 1 <= month <= 12:
        return False
    # 2000-2099 has a leap year exactly when YY % 4 == 0, the rule above.
    return 1 <= day <= calendar.monthrange(2000 + year, month)[1]


def normalize_nik(text: str) -> str:
    """Return the 16-digit NIK without separators, or raise InvalidNik.

    Checked: digits only, 16 of them, not one digit repeated, a province code that exists
    (handlers/data/provinces.json) and a birth date (digits 7-12, DDMMYY) that exists.
    """
    # Invisible marks a copied NIK may carry (e.g. U+200E) are dropped with the separators.
    nik = _NIK_SEPARATORS.sub("", text if len(text) > NIK_MAX_INPUT else clean_line(text))
    if not nik:
        raise InvalidNik("empty", "NIK is empty")
    if not (nik.isascii() and nik.isdigit()):
        raise InvalidNik("chars", "NIK may contain only digits")
    if len(nik) != NIK_LENGTH:
        raise InvalidNik("length", f"NIK must have exactly {NIK_LENGTH} digits")
    if len(set(nik)) == 1:
        raise InvalidNik("repeated", "NIK cannot be one digit repeated")
    if province_name(nik[:2]) is None:
        raise InvalidNik("region", "NIK does not start with a known province code")
    if not is_birth_date(nik[6:12]):
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


def validate_business_name(text: str) -> str:
    """Return the business name normalised, or raise InvalidBusinessName."""
    limit = BUSINESS_NAME_MAX_LENGTH
    too_long = InvalidBusinessName("too_long", f"business name is longer than {limit} characters")
    if len(text) > limit * RAW_LENGTH_FACTOR:
        raise too_long
    name = clean_line(text)
    if not name:
        raise InvalidBusinessName("empty", "business name is empty")
    if len(name) > limit:
        raise too_long
    return name


# The limit each refusal names in an import report, by field and reason.
_RULE_LIMITS: dict[str, dict[str, int]] = {
    "nik.length": {"digits": NIK_LENGTH},
    "full_name.too_long": {"max": NAME_MAX_LENGTH},
    "full_name.too_short": {"min": NAME_MIN_LETTERS},
    "phone.too_long": {"max": PHONE_MAX_LENGTH},
    "business_name.too_long": {"max": BUSINESS_NAME_MAX_LENGTH},
}


def rule_reason(field: str, error: ValidationError) -> Reason:
    """Return a refusal of these rules as an import report's reason (`<field>.<reason>`)."""
    key = f"{field}.{error.reason}"
    return reason(key, **_RULE_LIMITS.get(key, {}))


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
