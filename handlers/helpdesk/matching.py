"""FAQ matching on normalised Indonesian text, and questions about the person's own data.

Text is compared as words: lower case, no accents or punctuation, chat spellings written out
("sdh" → "sudah", "kpn" → "kapan"), filler words dropped ("apakah", "ya", "kak"). An entry
is answered when its best score (rapidfuzz token-set ratio against the question, or the
share of the question's words its keywords cover) reaches `CUTOFF` and beats the runner-up
by more than `MARGIN`: the same rule as kecamatan near misses. A near tie means we are
guessing, and a guess is worse than a ticket.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final, Literal

from rapidfuzz import fuzz

from storage.helpdesk import Faq

CUTOFF: Final = 78.0
MARGIN: Final = 8.0
KEYWORD_BASE: Final = 60.0
# Only the start of a long message is compared: a question is asked in its first lines.
MAX_QUERY: Final = 300
MIN_WORDS: Final = 1
_NOT_WORD = re.compile(r"[^0-9a-z]+")

# Chat spellings and their words, as people type them in Indonesia.
SPELLINGS: Final = {
    "sdh": "sudah",
    "udh": "sudah",
    "udah": "sudah",
    "dah": "sudah",
    "blm": "belum",
    "blum": "belum",
    "kpn": "kapan",
    "kpan": "kapan",
    "dmn": "mana",
    "dmana": "mana",
    "dimana": "mana",
    "gmn": "bagaimana",
    "gimana": "bagaimana",
    "bgmn": "bagaimana",
    "gmana": "bagaimana",
    "brp": "berapa",
    "brapa": "berapa",
    "bs": "bisa",
    "bsa": "bisa",
    "tdk": "tidak",
    "gak": "tidak",
    "ga": "tidak",
    "gk": "tidak",
    "nggak": "tidak",
    "enggak": "tidak",
    "ngga": "tidak",
    "tak": "tidak",
    "yg": "yang",
    "utk": "untuk",
    "untk": "untuk",
    "dgn": "dengan",
    "dg": "dengan",
    "krn": "karena",
    "karna": "karena",
    "tgl": "tanggal",
    "jdwl": "jadwal",
    "jdw": "jadwal",
    "sy": "saya",
    "aku": "saya",
    "ak": "saya",
    "gw": "saya",
    "gue": "saya",
    "sertifikat": "sertifikat",
    "srtfkt": "sertifikat",
    "bimbingan": "bimtek",
    "pelatihan": "bimtek",
    "training": "bimtek",
    "lokasi": "tempat",
    "alamat": "tempat",
    "ambil": "diambil",
    "ngambil": "diambil",
    "mengambil": "diambil",
    "ganti": "ubah",
    "mengubah": "ubah",
    "merubah": "ubah",
    "rubah": "ubah",
    "hilang": "hilang",
    "ktp": "ktp",
    "hp": "telepon",
    "nomer": "nomor",
    "no": "nomor",
    "wa": "whatsapp",
}
# Words that carry no question of their own.
FILLERS: Final = frozenset(
    {
        "apa",
        "apakah",
        "ya",
        "yah",
        "kak",
        "kakak",
        "pak",
        "bu",
        "ibu",
        "bapak",
        "min",
        "admin",
        "mas",
        "mbak",
        "mohon",
        "tolong",
        "dong",
        "sih",
        "nih",
        "kah",
        "deh",
        "lah",
        "yang",
        "ini",
        "itu",
        "di",
        "ke",
        "dari",
        "dan",
        "atau",
        "untuk",
        "dengan",
        "ada",
        "akan",
        "info",
        "informasi",
        "halo",
        "hallo",
        "hai",
        "selamat",
        "pagi",
        "siang",
        "sore",
        "malam",
        "permisi",
        "maaf",
        "terima",
        "kasih",
        "mau",
        "tanya",
        "bertanya",
        "nanya",
        "the",
        "a",
        "is",
        "my",
        "i",
        "to",
        "do",
        "when",
    }
)
SELF_WORDS: Final = frozenset({"saya", "ku", "me", "mine"})
SCHEDULE_WORDS: Final = frozenset({"bimtek", "jadwal", "sesi", "schedule", "session"})
EQUIPMENT_WORDS: Final = frozenset({"alat", "equipment"})
OwnData = Literal["schedule", "equipment"]


def words(text: str) -> list[str]:
    """Return the words of a text as compared: spellings written out, fillers dropped."""
    decomposed = unicodedata.normalize("NFKD", text[:MAX_QUERY])
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    found = []
    for raw in _NOT_WORD.sub(" ", plain.casefold()).split():
        # "saya" is also written glued to the noun: "alatku", "jadwalku".
        if len(raw) > 4 and raw.endswith("ku"):
            found.extend([SPELLINGS.get(raw[:-2], raw[:-2]), "saya"])
            continue
        word = SPELLINGS.get(raw, raw)
        if word not in FILLERS:
            found.append(word)
    return found


def key(text: str) -> str:
    """Return the comparable form of a text."""
    return " ".join(words(text))


def own_data_question(text: str) -> OwnData | None:
    """Tell whether the text asks about the person's own session or equipment."""
    found = set(words(text))
    if not found & SELF_WORDS:
        return None
    if found & EQUIPMENT_WORDS:
        return "equipment"
    if found & SCHEDULE_WORDS:
        return "schedule"
    return None


@dataclass(frozen=True)
class IndexedFaq:
    """An FAQ entry with its question and keywords already normalised."""

    faq: Faq
    question_key: str
    keyword_keys: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class FaqMatch:
    """The entry a question most likely means, with its score."""

    faq: Faq
    score: float


@dataclass
class FaqIndex:
    """The FAQ prepared for matching, rebuilt only when the entries change."""

    version: str = ""
    entries: tuple[IndexedFaq, ...] = field(default_factory=tuple)

    def rebuild(self, version: str, faqs: Sequence[Faq]) -> None:
        """Normalise every entry once."""
        self.version = version
        self.entries = tuple(
            IndexedFaq(
                faq=faq,
                question_key=key(faq.question),
                keyword_keys=tuple(
                    tuple(words(keyword)) for keyword in faq.keywords.split(",") if words(keyword)
                ),
            )
            for faq in faqs
        )

    def match(self, text: str) -> FaqMatch | None:
        """Return the entry the text asks about, or None when unsure."""
        query_words = words(text)
        if len(query_words) < MIN_WORDS or not self.entries:
            return None
        query = " ".join(query_words)
        scored = sorted(
            ((score(query, query_words, entry), entry) for entry in self.entries),
            key=lambda pair: pair[0],
            reverse=True,
        )
        best, entry = scored[0]
        if best < CUTOFF:
            return None
        if len(scored) > 1 and best - scored[1][0] <= MARGIN:
            return None
        return FaqMatch(entry.faq, best)


def score(query: str, query_words: list[str], entry: IndexedFaq) -> float:
    """Return how well a question fits an entry, 0 to 100 (a little more with keywords).

    Keywords count by how much of the question they cover: "oven" in a question about an
    oven counts, "tempat" in "may I bring my child to the place?" does not carry it alone.
    """
    text_score = float(fuzz.token_set_ratio(query, entry.question_key))
    present = set(query_words)
    found = [keyword for keyword in entry.keyword_keys if set(keyword) <= present]
    covered = {word for keyword in found for word in keyword}
    keyword_score = 0.0
    if found:
        keyword_score = KEYWORD_BASE + (100.0 - KEYWORD_BASE) * len(covered) / len(present)
    return max(text_score, keyword_score) + min(len(found), 3)
