"""Redaction: NIKs, phone numbers and bot tokens never reach a log line in clear."""

from __future__ import annotations

import io
import logging

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.logs import RedactingFilter, redact

PROPERTY = settings(database=None, deadline=None, max_examples=200)


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("nik=3216015505900002", "nik=<nik>"),
        ("NIK 3216015505900002 ditolak", "NIK <nik> ditolak"),
        ("3216015505900002,3216014107850003", "<nik>,<nik>"),
        ("+6281234567890", "<phone>"),
        ("+62 812-3456-7890", "<phone>"),
        ("+62 812 3456 7890", "<phone>"),
        ("+62-812-3456-7890", "<phone>"),
        ("6281234567890", "<phone>"),
        ("62 812 3456 7890", "<phone>"),
        ("081234567890", "<phone>"),
        ("0812-3456-7890", "<phone>"),
        ("0812 3456 7890", "<phone>"),
        ("0812.3456.789", "<phone>"),
        ("telp: 0812-3456-7890.", "telp: <phone>."),
        ("123456:ABC-def_ghi", "<token>"),
        (
            "POST https://api.telegram.org/bot123456789:AAH-xyz_0123456789abcdef/sendMessage",
            "POST https://api.telegram.org/bot<token>/sendMessage",
        ),
        ("from 3216015505900002 at +62 812-3456-7890", "from <nik> at <phone>"),
    ],
)
def test_redact_masks_personal_data(message: str, expected: str) -> None:
    assert redact(message) == expected


@pytest.mark.parametrize(
    "message",
    [
        "2026",
        "BTK-01",
        "session BTK-01 has 30 places",
        "Kamis, 5 Oktober 2026 pukul 09.00 WIB",
        "2026-11-27 08:12:34,123 INFO handlers.router: ok",
        "12:30",
        "id=123456",
        "0812",
        "123456789012345",  # 15 digits: not a NIK
        "12345678901234567",  # 17 digits: not a NIK either
        "Rp 1.250.000",
        "retry_after=30",
        "",
    ],
)
def test_redact_leaves_ordinary_text_alone(message: str) -> None:
    assert redact(message) == message


NIKS = st.from_regex(r"[1-9][0-9]{15}", fullmatch=True)
MOBILES = st.from_regex(r"8[1-9][0-9]{7,10}", fullmatch=True)
PREFIXES = st.sampled_from(["0", "62", "+62", "+62 ", "62-"])
WORDS = st.text(alphabet=st.characters(categories=["L", "Zs"]), max_size=20)


@PROPERTY
@given(before=WORDS, nik=NIKS, after=WORDS)
def test_any_nik_between_words_is_masked(before: str, nik: str, after: str) -> None:
    redacted = redact(f"{before} {nik} {after}")
    assert nik not in redacted
    assert "<nik>" in redacted


@PROPERTY
@given(before=WORDS, prefix=PREFIXES, mobile=MOBILES, after=WORDS)
def test_any_mobile_number_between_words_is_masked(
    before: str, prefix: str, mobile: str, after: str
) -> None:
    redacted = redact(f"{before} {prefix}{mobile} {after}")
    assert mobile not in redacted
    assert "<phone>" in redacted


def make_record(msg: str, args: tuple[object, ...] | None) -> logging.LogRecord:
    return logging.LogRecord("test", logging.INFO, __file__, 1, msg, args, None)


def test_filter_rewrites_a_record_with_args() -> None:
    record = make_record(
        "registered nik=%s phone=%s in %s", ("3216015505900002", "0812-3456-7890", "BTK-01")
    )
    assert RedactingFilter().filter(record) is True
    assert record.args is None
    assert record.getMessage() == "registered nik=<nik> phone=<phone> in BTK-01"


def test_filter_rewrites_a_record_with_mapping_args() -> None:
    record = make_record("token %(token)s", ({"token": "123456:ABC-def_ghi"},))
    RedactingFilter().filter(record)
    assert record.getMessage() == "token <token>"


def test_filtered_handler_writes_no_personal_data() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactingFilter())
    logger = logging.getLogger("tests.bot.redaction")
    logger.propagate = False
    logger.addHandler(handler)
    try:
        logger.warning("contact %s shared %s", "3216015505900002", "+62 812-3456-7890")
    finally:
        logger.removeHandler(handler)
        logger.propagate = True
    assert stream.getvalue() == "contact <nik> shared <phone>\n"


def test_formatter_masks_tracebacks() -> None:
    import logging

    from bot.logs import RedactingFormatter

    try:
        raise ValueError("bad NIK 3216015505900002 from +62 812-3456-7890")
    except ValueError:
        import sys

        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", None, sys.exc_info())
    line = RedactingFormatter("%(message)s").format(record)
    assert "3216015505900002" not in line
    assert "3456-7890" not in line
    assert "<nik>" in line and "ValueError" in line
