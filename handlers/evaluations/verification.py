"""The public check page of a certificate: what it may show, in one plain HTML page.

Anyone with the QR code's address sees whether the certificate is valid or revoked, the
holder's name (withheld once the holder erased their data), the session, its dates, the
number and the issuer — never a NIK, a phone number or anything else. The route answering
`/v/<code>` is a thin adapter over `verify` and `render_page`.
"""

from __future__ import annotations

import re
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Final, Literal
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, select_autoescape

from handlers.conversation import texts
from handlers.conversation.timefmt import format_date
from handlers.evaluations.certificates import session_dates
from storage import Storage

Status = Literal["valid", "revoked", "missing", "limited"]
CODE_PATTERN: Final = re.compile(r"[A-Za-z0-9_-]{16,64}")
# A malformed code is still looked up (as this one, which no certificate has), so an unknown
# code costs the same database work as a real one.
_NO_CODE: Final = "x" * 20
LANGUAGES: Final = ("id", "en")
# The sentences verify.html shows (through its `t`), named here so the catalogue knows them.
PAGE_KEYS: Final = (
    "verify.title",
    "verify.valid",
    "verify.revoked",
    "verify.revoked_on",
    "verify.missing",
    "verify.missing_body",
    "verify.limited",
    "verify.holder",
    "verify.withheld",
    "verify.number",
    "verify.session",
    "verify.dates",
    "verify.hours",
    "verify.issued",
    "verify.issuer",
    "verify.other_language",
)


@dataclass(frozen=True)
class VerificationView:
    """What the check page shows."""

    status: Status
    issuer: str
    programme: str
    number: str | None = None
    holder: str | None = None
    session_title: str | None = None
    dates: str | None = None
    hours: int | None = None
    issued_on: str | None = None
    revoked_on: str | None = None


def _base(status: Status, language: str) -> VerificationView:
    return VerificationView(
        status=status,
        issuer=texts.text(language, "bast.issuer"),
        programme=texts.text(language, "bast.programme"),
    )


def limited_view(language: str) -> VerificationView:
    """Return the page for an address that asked too often."""
    return _base("limited", language)


async def verify(storage: Storage, code: str, zone: ZoneInfo, language: str) -> VerificationView:
    """Look the code up and return what the page may show about it."""
    wellformed = CODE_PATTERN.fullmatch(code) is not None
    certificate = await storage.certificates.get_by_code(code if wellformed else _NO_CODE)
    if certificate is None:
        return _base("missing", language)
    session = await storage.sessions.get(certificate.session_id)
    if session is None:
        return _base("missing", language)
    revoked = certificate.revoked_at
    return VerificationView(
        status="valid" if revoked is None else "revoked",
        issuer=texts.text(language, "bast.issuer"),
        programme=texts.text(language, "bast.programme"),
        number=certificate.number,
        holder=certificate.holder_name,
        session_title=session.title,
        dates=session_dates(session, zone, language),
        hours=session.hours,
        issued_on=format_date(certificate.issued_at, zone, language),
        revoked_on=None if revoked is None else format_date(revoked, zone, language),
    )


@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("handlers.evaluations", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
    )


def render_page(view: VerificationView, language: str, other_language_href: str | None) -> str:
    """Return the page's HTML (no script, styles inline, prints on one sheet)."""
    template = _environment().get_template("verify.html")

    def t(key: str, **values: object) -> str:
        if key not in PAGE_KEYS:
            raise KeyError(key)
        return texts.text(language, key, **values)

    return template.render(
        view=view, language=language, t=t, other_language_href=other_language_href
    )


class RateLimiter:
    """At most `limit` requests per `window` seconds from one address (a sliding log)."""

    MAX_ADDRESSES: Final = 10_000

    def __init__(
        self, limit: int = 30, window: float = 60.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._limit = limit
        self._window = window
        self._clock = clock
        self._seen: OrderedDict[str, list[float]] = OrderedDict()

    def allow(self, address: str) -> bool:
        """Count one request from the address; False when it is over the limit."""
        now = self._clock()
        recent = [moment for moment in self._seen.pop(address, []) if now - moment < self._window]
        allowed = len(recent) < self._limit
        if allowed:
            recent.append(now)
        self._seen[address] = recent
        while len(self._seen) > self.MAX_ADDRESSES:
            self._seen.popitem(last=False)
        return allowed
