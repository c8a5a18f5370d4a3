"""Who an announcement goes to: audience specs, and the rule that picks the recipients.

A spec is text the CLI and the database share: `all`, `session:CODE`, `waitlist:CODE`,
`kecamatan:NAME`, `sector:NAME`, `unconfirmed`, `noshow:CODE`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final, get_args

from storage import Storage
from storage.broadcasts import AudienceKind, AudienceMember, AudienceTally

AUDIENCE_KINDS: Final[tuple[AudienceKind, ...]] = get_args(AudienceKind)
SESSION_KINDS: Final[frozenset[AudienceKind]] = frozenset({"session", "waitlist", "noshow"})
NAMED_KINDS: Final[frozenset[AudienceKind]] = frozenset({"kecamatan", "sector"})
BARE_KINDS: Final[frozenset[AudienceKind]] = frozenset({"all", "unconfirmed"})
MAX_SPEC: Final = 200


class InvalidAudience(ValueError):
    """The audience cannot be used; `reason` names the text that explains why."""

    def __init__(self, reason: str, value: str = "") -> None:
        super().__init__(f"{reason}: {value}" if value else reason)
        self.reason = reason
        self.value = value


@dataclass(frozen=True)
class Audience:
    """A kind of audience and, for most kinds, the session code or name it is about."""

    kind: AudienceKind
    value: str | None = None

    @property
    def spec(self) -> str:
        """Return the stored form, e.g. `kecamatan:Setu`."""
        return self.kind if self.value is None else f"{self.kind}:{self.value}"


@dataclass(frozen=True)
class Selection:
    """The contacts a broadcast goes to, and how many of the audience it skips and why."""

    recipients: tuple[AudienceMember, ...]
    skipped_blocked: int
    skipped_opted_out: int

    @property
    def count(self) -> int:
        """Return how many contacts get the broadcast."""
        return len(self.recipients)


def parse_audience(text: str) -> Audience:
    """Read a spec such as `session:BTK-01`; raise InvalidAudience on a malformed one."""
    spec = text.strip()
    if not spec or len(spec) > MAX_SPEC:
        raise InvalidAudience("malformed", spec[:40])
    kind_text, _, value = spec.partition(":")
    kind = next((known for known in AUDIENCE_KINDS if known == kind_text.strip().lower()), None)
    if kind is None:
        raise InvalidAudience("unknown_kind", kind_text.strip()[:40])
    value = " ".join(value.split())
    if kind in BARE_KINDS:
        if value:
            raise InvalidAudience("no_value_expected", kind)
        return Audience(kind)
    if not value:
        raise InvalidAudience("value_missing", kind)
    return Audience(kind, value)


def select_recipients(members: Iterable[AudienceMember]) -> Selection:
    """Keep each contact once, skipping those that blocked the bot or opted out."""
    recipients: list[AudienceMember] = []
    seen: set[tuple[str, str]] = set()
    blocked = opted_out = 0
    for member in members:
        address = (member.channel, member.address)
        if address in seen:
            continue
        seen.add(address)
        if member.blocked_at is not None:
            blocked += 1
        elif member.opted_out_at is not None:
            opted_out += 1
        else:
            recipients.append(member)
    return Selection(tuple(recipients), blocked, opted_out)


def _canonical(name: str, known: Sequence[str]) -> str | None:
    wanted = name.casefold()
    return next((option for option in known if option.casefold() == wanted), None)


async def check_audience(
    storage: Storage,
    audience: Audience,
    *,
    sectors: Sequence[str],
    kecamatan: Sequence[str],
    now: datetime,
) -> Audience:
    """Return the audience with its name spelled as stored; raise InvalidAudience if unknown.

    No-shows only exist once a session has started.
    """
    value = audience.value or ""
    if audience.kind in NAMED_KINDS:
        known = sectors if audience.kind == "sector" else kecamatan
        name = _canonical(value, known)
        if name is None:
            raise InvalidAudience(f"unknown_{audience.kind}", value)
        return Audience(audience.kind, name)
    if audience.kind in SESSION_KINDS:
        session = await storage.sessions.get_by_code(value)
        if session is None:
            raise InvalidAudience("unknown_session", value)
        if audience.kind == "noshow" and session.starts_at > now:
            raise InvalidAudience("not_started", session.code)
        return Audience(audience.kind, session.code)
    return audience


async def _query(
    storage: Storage,
    audience: Audience,
    *,
    sectors: Sequence[str],
    kecamatan: Sequence[str],
    now: datetime,
) -> tuple[AudienceKind, str | int | None]:
    """Check the audience and return what the audience repository is asked with."""
    checked = await check_audience(
        storage, audience, sectors=sectors, kecamatan=kecamatan, now=now
    )
    if checked.kind in SESSION_KINDS:
        session = await storage.sessions.get_by_code(checked.value or "")
        assert session is not None  # noqa: S101 - check_audience found it
        return checked.kind, session.id
    return checked.kind, checked.value


async def resolve_audience(
    storage: Storage,
    audience: Audience,
    *,
    sectors: Sequence[str],
    kecamatan: Sequence[str],
    now: datetime,
) -> Selection:
    """Return who gets a broadcast to this audience now."""
    kind, value = await _query(storage, audience, sectors=sectors, kecamatan=kecamatan, now=now)
    return select_recipients(await storage.audiences.members(kind, value))


async def count_audience(
    storage: Storage,
    audience: Audience,
    *,
    sectors: Sequence[str],
    kecamatan: Sequence[str],
    now: datetime,
) -> AudienceTally:
    """Return how many a broadcast to this audience reaches now and skips, without loading it."""
    kind, value = await _query(storage, audience, sectors=sectors, kecamatan=kecamatan, now=now)
    return await storage.audiences.tally(kind, value)
