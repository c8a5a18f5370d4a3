"""Logging set-up that keeps NIKs, phone numbers and the bot token out of every log line."""

from __future__ import annotations

import logging
import re
import sys

_NIK = re.compile(r"(?<!\d)\d{16}(?!\d)")
# "+62 812-..." puts a separator after the country code; "0812 ..." never does.
_PHONE = re.compile(r"(?<!\d)(?:\+?62[\s.-]?|0)8\d[\d\s.-]{6,14}\d(?!\d)")
_TOKEN = re.compile(r"\d{5,}:[A-Za-z0-9_-]{5,}")


def redact(message: str) -> str:
    """Mask NIKs, Indonesian mobile numbers and bot tokens in a log message."""
    message = _TOKEN.sub("<token>", message)
    message = _NIK.sub("<nik>", message)
    return _PHONE.sub("<phone>", message)


class RedactingFilter(logging.Filter):
    """Rewrite each record's message, arguments included, with personal data masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Mask the record in place and keep it."""
        record.msg = redact(record.getMessage())
        record.args = None
        return True


class RedactingFormatter(logging.Formatter):
    """Mask personal data in the whole formatted line, tracebacks included."""

    def format(self, record: logging.LogRecord) -> str:
        """Format the record, then mask it."""
        return redact(super().format(record))


def configure_logging(level: str) -> None:
    """Send logs to stderr, redacted; quiet the HTTP client, whose lines carry the token."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for noisy in ("httpx", "httpcore", "apscheduler"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    # python-telegram-bot's debug lines print whole updates: what people wrote (questions to
    # the help desk included) never goes to the log, whatever LOG_LEVEL says.
    for verbatim in ("telegram",):
        logging.getLogger(verbatim).setLevel(max(root.level, logging.INFO))
