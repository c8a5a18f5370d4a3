"""Button payloads: one typed codec for every button the bot shows.

A payload is a frozen dataclass whose class names its prefix (and, when several actions share
a prefix, its tag) and whose fields are typed: `int` (an id, index or page: ASCII digits, no
sign, at most SQLite's largest integer), a `Literal` of words, or `str` (a short lower-case
word). `pack()` writes `prefix[:tag]:field:...` and refuses anything over Telegram's 64 bytes;
`unpack()` reads it back strictly and raises `BadPayload` for anything else (numbers only in
the form the bot writes them: no sign, no leading zero) — a forged,
truncated or out-of-range payload never reaches a handler. Modelled on aiogram's
`CallbackData`; the wire format is the one the bot always used, so buttons in old messages and
rows already in the outbox keep working.

A family base class may declare that its buttons are officer tools (`officers="sesi"`): the
router then checks the sender's role before anything else and audits every refusal.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from typing import Any, ClassVar, Final, Literal, Self, get_args, get_origin

SEPARATOR: Final = ":"
# Telegram's callback_data limit; WhatsApp allows more, Telegram is the bound.
MAX_BYTES: Final = 64
# SQLite's largest INTEGER: a bigger id would overflow before it reached the query.
MAX_ID: Final = 2**63 - 1
_WORD: Final = re.compile(r"[a-z0-9_]{1,32}")
_NAME: Final = re.compile(r"[a-z][a-z0-9_]{0,31}")


class BadPayload(ValueError):
    """A payload that is not one the bot could have packed: forged, truncated or stale."""


def read_number(text: str, maximum: int = MAX_ID, *, canonical: bool = False) -> int | None:
    """Return plain ASCII digits as a number from 0 to maximum, or None for anything else.

    `str.isdigit()` alone also admits "²", and `int()` reads Arabic-Indic or fullwidth digits;
    only "0"-"9" count here. The length is checked before `int()`, so a forged thousand-digit
    value costs nothing. `canonical` also refuses leading zeros, which the bot never writes in
    a payload (a person may type "05").
    """
    if not text or len(text) > len(str(maximum)) or not (text.isascii() and text.isdigit()):
        return None
    if canonical and text[0] == "0" and text != "0":
        return None
    value = int(text)
    return value if value <= maximum else None


def prefix_of(payload: str) -> str:
    """Return the prefix of a payload: the text before the first separator."""
    return payload.partition(SEPARATOR)[0]


@dataclass(frozen=True)
class _Field:
    """How one field is written and read."""

    name: str
    kind: Literal["number", "word", "choice"]
    options: tuple[str, ...] = ()

    def read(self, segment: str) -> int | str:
        if self.kind == "number":
            number = read_number(segment, canonical=True)
            if number is None:
                raise BadPayload(f"{self.name}: not a number")
            return number
        if self.kind == "choice" and segment not in self.options:
            raise BadPayload(f"{self.name}: not one of {self.options}")
        if self.kind == "word" and not _WORD.fullmatch(segment):
            raise BadPayload(f"{self.name}: not a word")
        return segment

    def write(self, value: object) -> str:
        if self.kind == "number":
            if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_ID:
                raise ValueError(f"{self.name}={value!r} is not an id from 0 to {MAX_ID}")
            return str(value)
        text = str(value)
        if self.kind == "choice" and text not in self.options:
            raise ValueError(f"{self.name}={value!r} is not one of {self.options}")
        if self.kind == "word" and not _WORD.fullmatch(text):
            raise ValueError(f"{self.name}={value!r} is not a short lower-case word")
        return text


def _field_of(name: str, annotation: object) -> _Field:
    if annotation is int:
        return _Field(name, "number")
    if annotation is str:
        return _Field(name, "word")
    if get_origin(annotation) is Literal:
        options = get_args(annotation)
        if all(isinstance(option, str) and _WORD.fullmatch(option) for option in options):
            return _Field(name, "choice", options)
    raise TypeError(f"payload field {name}: use int, str or a Literal of short words")


class Payload:
    """Base of every button payload; subclasses are frozen dataclasses.

    Class keywords: `prefix` (the first segment; a family base sets it for its members),
    `tag` (the action word after the prefix), `officers` (the audit area of an officer tool:
    a refusal is audited as `denied:<area>.<tag>`, or as `audit` when given) and `admin`
    (admins only).
    """

    prefix: ClassVar[str] = ""
    tag: ClassVar[str | None] = None
    officers: ClassVar[str | None] = None
    admin: ClassVar[bool] = False
    audit: ClassVar[str | None] = None
    _fields: ClassVar[tuple[_Field, ...] | None] = None

    def __init_subclass__(
        cls,
        *,
        prefix: str | None = None,
        tag: str | None = None,
        officers: str | None = None,
        admin: bool | None = None,
        audit: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init_subclass__(**kwargs)
        for word in (prefix, tag):
            if word is not None and not _NAME.fullmatch(word):
                raise ValueError(f"{cls.__name__}: {word!r} is not a valid prefix or tag")
        if prefix is not None:
            cls.prefix = prefix
        cls.tag = tag
        if officers is not None:
            cls.officers = officers
        if admin is not None:
            cls.admin = admin
        cls.audit = audit
        cls._fields = None

    @classmethod
    def specification(cls) -> tuple[_Field, ...]:
        """Return the typed fields in wire order; raise TypeError for an unsupported one."""
        if cls._fields is None:
            hints = typing.get_type_hints(cls)
            cls._fields = tuple(_field_of(item.name, hints[item.name]) for item in fields(cls))  # type: ignore[arg-type]
        return cls._fields

    @classmethod
    def head(cls) -> tuple[str, ...]:
        """Return the fixed segments: the prefix and, when there is one, the tag."""
        if not cls.prefix:
            raise TypeError(f"{cls.__name__} has no prefix")
        return (cls.prefix,) if cls.tag is None else (cls.prefix, cls.tag)

    @classmethod
    def audit_action(cls) -> str:
        """Return the action a refused officer press is audited as, e.g. `sesi.show`."""
        return cls.audit or f"{cls.officers}.{cls.tag}"

    def pack(self) -> str:
        """Return the payload text; raise ValueError past Telegram's 64 bytes."""
        segments = [*self.head()]
        segments.extend(spec.write(getattr(self, spec.name)) for spec in self.specification())
        packed = SEPARATOR.join(segments)
        if len(packed.encode()) > MAX_BYTES:
            raise ValueError(f"payload {packed!r} is longer than {MAX_BYTES} bytes")
        return packed

    @classmethod
    def unpack(cls, payload: str) -> Self:
        """Read a payload of this class; raise BadPayload for anything it could not have packed."""
        if len(payload.encode()) > MAX_BYTES:
            raise BadPayload("longer than any payload the bot packs")
        segments = payload.split(SEPARATOR)
        head = cls.head()
        if tuple(segments[: len(head)]) != head:
            raise BadPayload(f"not a {cls.__name__} payload")
        values = segments[len(head) :]
        specification = cls.specification()
        if len(values) != len(specification):
            raise BadPayload(f"{cls.__name__} takes {len(specification)} value(s)")
        read = {
            spec.name: spec.read(value) for spec, value in zip(specification, values, strict=True)
        }
        return cls(**read)


@dataclass(frozen=True)
class Family:
    """The payload classes that share one prefix, told apart by their tag."""

    prefix: str
    members: Mapping[str | None, type[Payload]]
    officers: str | None
    admin: bool

    @classmethod
    def of(cls, classes: Iterable[type[Payload]]) -> Family:
        """Group classes of one prefix; raise ValueError when they disagree or collide."""
        members: dict[str | None, type[Payload]] = {}
        for payload in classes:
            payload.specification()
            if payload.tag in members:
                raise ValueError(
                    f"{payload.__name__} and {members[payload.tag].__name__} share "
                    f"{SEPARATOR.join(payload.head())!r}"
                )
            members[payload.tag] = payload
        first = next(iter(members.values()))
        if None in members and len(members) > 1:
            raise ValueError(f"prefix {first.prefix!r} mixes tagged and untagged payloads")
        for payload in members.values():
            if (payload.prefix, payload.officers, payload.admin) != (
                first.prefix,
                first.officers,
                first.admin,
            ):
                raise ValueError(f"{payload.__name__} and {first.__name__} disagree on access")
        return cls(first.prefix, members, first.officers, first.admin)

    def member(self, payload: str) -> type[Payload] | None:
        """Return the class a payload claims to be (by its tag), without reading its values."""
        if None in self.members:
            return self.members[None]
        _, _, rest = payload.partition(SEPARATOR)
        return self.members.get(prefix_of(rest))

    def unpack(self, payload: str) -> Payload:
        """Read a payload of this family; raise BadPayload."""
        member = self.member(payload)
        if member is None:
            raise BadPayload(f"no {self.prefix!r} action of that name")
        return member.unpack(payload)

    def audit_action(self, payload: str) -> str:
        """Return the action a refused press is audited as (`<area>.unknown` when unknown)."""
        member = self.member(payload)
        return member.audit_action() if member is not None else f"{self.officers}.unknown"


@dataclass(frozen=True)
class StepAnswer(Payload):
    """A button of a stored flow's step, `<flow>:<step>:<value>`: the flow's name is the prefix."""

    step: str
    value: str


_STEP_ANSWERS: dict[str, type[StepAnswer]] = {}


def step_answers(flow: str) -> type[StepAnswer]:
    """Return the payload class of one flow's step buttons."""
    found = _STEP_ANSWERS.get(flow)
    if found is None:
        made = types.new_class(f"StepAnswer[{flow}]", (StepAnswer,), {"prefix": flow})
        found = _STEP_ANSWERS[flow] = dataclass(frozen=True)(made)
    return found
