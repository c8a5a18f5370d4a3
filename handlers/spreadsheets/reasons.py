"""Why a sheet or a row of it was refused, as data: a catalogue key and its values.

Parsers deep in the import code do not know who will read their verdict: an officer in the
console or chat (Indonesian or English) or the CLI (English). So they return a `Reason`
(key + values), never a finished sentence, and `render` writes it in the reader's language
from `handlers.spreadsheets.catalogue`. pydantic's errors are turned into reasons by their
`type` and context (`from_validation`); our own validators raise `ReasonError` so their
reason survives pydantic unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Final

from pydantic import ValidationError as PydanticError
from pydantic_core import ErrorDetails

from handlers.spreadsheets.catalogue import CATALOGUES, ID

Value = str | int
# A typed value quoted in a reason is cut to this, so a 10,000-character cell cannot make a
# 10,000-character line in a report.
MAX_VALUE_CHARS: Final = 160
FALLBACK: Final = "value.invalid"
# pydantic's error types and the reason each stands for (sized ones are read below).
_TYPES: Final = {
    "missing": "value.empty",
    "int_parsing": "value.whole_number",
    "int_type": "value.whole_number",
    "int_from_float": "value.whole_number",
}


@dataclass(frozen=True)
class Reason:
    """Why something was refused: a catalogue key, its values, and the column if one."""

    key: str
    values: tuple[tuple[str, Value], ...] = ()
    column: str = ""

    def at(self, column: str) -> Reason:
        """Return this reason as found in a column (the column's name as the sheet has it)."""
        return replace(self, column=bounded(column))


def reason(key: str, **values: Value) -> Reason:
    """Return a reason with its values, each typed value bounded in length."""
    return Reason(key, tuple((name, _bounded_value(value)) for name, value in values.items()))


def bounded(text: str, limit: int = MAX_VALUE_CHARS) -> str:
    """Return text on one line, cut to the limit with an ellipsis."""
    line = " ".join(text[: limit * 4].split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _bounded_value(value: Value) -> Value:
    return bounded(value) if isinstance(value, str) else value


class ReasonError(ValueError):
    """A validator's refusal carrying its reason (pydantic passes it through as the error)."""

    def __init__(self, why: Reason) -> None:
        super().__init__(render(why, "en"))
        self.reason = why


@dataclass(frozen=True)
class BadRow:
    """A row that was not imported, its sheet line (header = line 1) and why."""

    line: int
    reasons: tuple[Reason, ...]

    def __str__(self) -> str:
        return render(self, "en")


class SheetProblem(Exception):
    """A whole sheet or file refused: why, the line if one is to blame, the file's name.

    `str()` is the CLI's English line (with the file's name); `render` leaves the name out,
    since an upload's file is a temporary copy whose name means nothing to the reader.
    """

    def __init__(self, why: Reason, *, line: int | None = None, file: str = "") -> None:
        self.reason = why
        self.line = line
        self.file = file
        text = render(self, "en")
        super().__init__(f"{file}: {text}" if file else text)


Problem = Reason | BadRow | SheetProblem


def render(problem: Problem, language: str) -> str:
    """Return a reason, a bad row or a refused sheet as a sentence in the language."""
    catalogue = CATALOGUES.get(language, ID)
    if isinstance(problem, Reason):
        return _reason_text(problem, catalogue)
    if isinstance(problem, BadRow):
        text = _reasons_text(problem.reasons, catalogue)
        return catalogue["where.line"].format(line=problem.line, text=text)
    text = _reason_text(problem.reason, catalogue)
    if problem.line is None:
        return text
    return catalogue["where.line"].format(line=problem.line, text=text)


def render_reasons(reasons: Iterable[Reason], language: str) -> str:
    """Return several reasons (a row's, or a value's checks) as one sentence in the language."""
    return _reasons_text(reasons, CATALOGUES.get(language, ID))


def _reasons_text(reasons: Iterable[Reason], catalogue: dict[str, str]) -> str:
    return catalogue["where.separator"].join(_reason_text(why, catalogue) for why in reasons)


def _reason_text(why: Reason, catalogue: dict[str, str]) -> str:
    template = catalogue.get(why.key) or catalogue[FALLBACK]
    values = dict(why.values)
    try:
        text = template.format(**values)
    except (KeyError, IndexError, ValueError):
        text = catalogue[FALLBACK]
    if why.column:
        return catalogue["where.column"].format(column=why.column, text=text)
    return text


def from_validation(error: PydanticError) -> tuple[Reason, ...]:
    """Return each problem pydantic found as a reason in its column."""
    return tuple(_from_problem(problem) for problem in error.errors())


def _from_problem(problem: ErrorDetails) -> Reason:
    location = problem["loc"]
    column = str(location[0]) if location else ""
    kind = problem["type"]
    context = problem.get("ctx") or {}
    found = context.get("error")
    if isinstance(found, ReasonError):
        why = found.reason
    elif kind == "string_too_short":
        least = int(context.get("min_length", 1))
        why = reason("value.empty") if least <= 1 else reason("value.too_short", min=least)
    elif kind == "string_too_long":
        why = reason("value.too_long", max=int(context.get("max_length", 0)))
    else:
        why = reason(_TYPES.get(kind, FALLBACK))
    return why.at(column) if column else why
