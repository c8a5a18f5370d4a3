"""Import reasons as data: one catalogue per language with the same keys and placeholders,
every key the code names is known (and every known key is named), pydantic errors mapped by
type, typed values bounded, and one renderer for rows, sheets and single reasons."""

from __future__ import annotations

import ast
from pathlib import Path
from string import Formatter
from typing import Annotated

import pytest
from pydantic import BaseModel, StringConstraints, ValidationError, field_validator

from handlers.participants import validation
from handlers.participants.validation import rule_reason
from handlers.spreadsheets.catalogue import CATALOGUES, EN, ID
from handlers.spreadsheets.reasons import (
    _TYPES,
    FALLBACK,
    MAX_VALUE_CHARS,
    BadRow,
    Reason,
    ReasonError,
    SheetProblem,
    bounded,
    from_validation,
    reason,
    render,
)

ROOT = Path(__file__).resolve().parents[3]
# Keys the renderer itself uses, not named through reason().
FRAME_KEYS = {"where.line", "where.column", "where.separator", FALLBACK, *_TYPES.values()}
# pydantic's sized string errors are mapped in code to these.
SIZED_KEYS = {"value.empty", "value.too_short", "value.too_long"}


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(template) if name}


def named_keys() -> set[str]:
    """Return every key the code passes to reason() as a literal."""
    keys = set()
    for folder in ("handlers", "bot"):
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text("utf-8"))):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Name)
                    and node.func.id == "reason"
                    and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)
                ):
                    keys.add(node.args[0].value)
    return keys


# Each participant rule refused once per reason it has (chat registration's own checks).
RULE_REFUSALS = [
    ("nik", validation.normalize_nik, ["", "12ab", "1234", "1111111111111111"]),
    ("nik", validation.normalize_nik, ["9916010101000001", "3216019901000001"]),
    ("full_name", validation.validate_full_name, ["", "x" * 101, "Иван Петров", "B4di", "Al"]),
    ("phone", validation.normalize_phone, ["", "0" * 31, "0812-abc", "0812"]),
    ("business_name", validation.validate_business_name, ["", "x" * 101]),
]


def rule_keys() -> set[str]:
    keys = set()
    for field, rule, inputs in RULE_REFUSALS:
        for text in inputs:
            with pytest.raises(validation.ValidationError) as refused:
                rule(text)
            keys.add(rule_reason(field, refused.value).key)
    return keys


def test_both_languages_have_the_same_keys() -> None:
    assert sorted(set(ID) - set(EN)) == []
    assert sorted(set(EN) - set(ID)) == []


def test_both_languages_have_the_same_placeholders() -> None:
    assert [key for key in ID if placeholders(ID[key]) != placeholders(EN[key])] == []


def test_every_key_the_code_names_is_in_the_catalogue() -> None:
    assert sorted(named_keys() - set(ID)) == []
    assert sorted(rule_keys() - set(ID)) == []


def test_every_key_in_the_catalogue_is_named_somewhere() -> None:
    used = named_keys() | rule_keys() | FRAME_KEYS | SIZED_KEYS
    assert sorted(set(ID) - used) == []


# The frame a reason is written in (line, column), tested with rows below.
REASON_KEYS = sorted(key for key in ID if not key.startswith("where."))


@pytest.mark.parametrize("key", REASON_KEYS)
@pytest.mark.parametrize("language", sorted(CATALOGUES))
def test_every_reason_renders_with_its_values(key: str, language: str) -> None:
    values: dict[str, str | int] = {
        name: f"<{name}>" for name in placeholders(ID[key]) if name != "line"
    }
    if "line" in placeholders(ID[key]):
        values["line"] = 7
    text = render(reason(key, **values), language)
    assert "{" not in text and "}" not in text
    assert all(str(value) in text for value in values.values())
    assert text == CATALOGUES[language][key].format(**values)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("id", "baris 3: barang 'Kapal Selam' tidak dikenal (yang ada: Oven)"),
        ("en", "line 3: unknown item 'Kapal Selam' (known: Oven)"),
        ("xx", "baris 3: barang 'Kapal Selam' tidak dikenal (yang ada: Oven)"),
    ],
)
def test_a_bad_row_renders_with_its_line(language: str, expected: str) -> None:
    row = BadRow(3, (reason("equipment.unknown_item", item="Kapal Selam", known="Oven"),))
    assert render(row, language) == expected


def test_several_reasons_of_a_row_are_joined_each_in_its_column() -> None:
    row = BadRow(
        4,
        (
            reason("nik.length", digits=16).at("nik"),
            reason("value.empty").at("item"),
            reason("equipment.quantity", max=1000).at("qty"),
        ),
    )
    assert render(row, "id") == (
        "baris 4: kolom nik: NIK harus 16 angka; kolom item: kosong;"
        " kolom qty: jumlah harus bilangan bulat 1–1000"
    )
    assert str(row) == (
        "line 4: nik: NIK must have exactly 16 digits; item: empty;"
        " qty: the quantity must be a whole number from 1 to 1000"
    )


def test_a_refused_sheet_names_its_file_only_in_english_text_for_the_cli() -> None:
    problem = SheetProblem(reason("sheet.no_header", columns="nik,item,qty"), line=1, file="a.csv")
    assert str(problem) == "a.csv: line 1: the header row nik,item,qty is missing"
    assert render(problem, "en") == "line 1: the header row nik,item,qty is missing"
    assert render(problem, "id") == "baris 1: baris judul nik,item,qty tidak ada"
    whole = SheetProblem(reason("sheet.too_many_rows", max=5000))
    assert render(whole, "id") == "lebih dari 5000 baris: pecah berkasnya"


@pytest.mark.parametrize(
    "typed",
    ["K" * 10_000, "🙂" * 10_000, "'; DROP TABLE allocation; --" * 500, "a\n" * 5000],
)
def test_a_typed_value_is_bounded_to_one_short_line(typed: str) -> None:
    text = render(
        BadRow(2, (reason("participant.unknown_sector", value=typed, known=typed),)), "id"
    )
    assert len(text) < 2 * MAX_VALUE_CHARS + 100
    assert "\n" not in text and "…" in text


def test_bounded_keeps_short_text_and_cuts_long_text() -> None:
    assert bounded("  Kapal   Selam ") == "Kapal Selam"
    assert bounded("x" * 200, 10) == "x" * 9 + "…"


def test_a_reason_with_missing_values_reads_as_the_fallback_not_a_crash() -> None:
    assert render(Reason("equipment.unknown_item"), "id") == ID[FALLBACK]
    assert render(Reason("no.such.key").at("qty"), "en") == "qty: value not accepted"


Short = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=10)]
Needed = Annotated[str, StringConstraints(min_length=1)]


class Row(BaseModel):
    """A model with every kind of check an import model has."""

    question: Short = "abc"
    answer: Needed = "x"
    qty: int = 1
    code: str = "ok"
    note: str = "ok"
    required: str

    @field_validator("code")
    @classmethod
    def _code(cls, value: str) -> str:
        if value != "ok":
            raise ReasonError(reason("equipment.quantity", max=5))
        return value

    @field_validator("note")
    @classmethod
    def _note(cls, value: str) -> str:
        if value != "ok":
            raise ValueError("some English only a developer reads")
        return value


@pytest.mark.parametrize(
    ("values", "indonesian", "english"),
    [
        (
            {"question": "ab"},
            "kolom question: minimal 3 karakter",
            "question: at least 3 characters",
        ),
        (
            {"question": "x" * 11},
            "kolom question: lebih dari 10 karakter",
            "question: longer than 10 characters",
        ),
        ({"answer": ""}, "kolom answer: kosong", "answer: empty"),
        ({"qty": "dua"}, "kolom qty: harus bilangan bulat", "qty: must be a whole number"),
        ({"qty": 2.5}, "kolom qty: harus bilangan bulat", "qty: must be a whole number"),
        (
            {"code": "no"},
            "kolom code: jumlah harus bilangan bulat 1–5",
            "code: the quantity must be a whole number from 1 to 5",
        ),
        ({"note": "no"}, "kolom note: isinya tidak bisa diterima", "note: value not accepted"),
        ({"qty": [1]}, "kolom qty: harus bilangan bulat", "qty: must be a whole number"),
    ],
)
def test_pydantic_problems_are_mapped_by_type_and_column(
    values: dict[str, object], indonesian: str, english: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        Row.model_validate({"required": "x", **values})
    [why] = from_validation(refused.value)
    assert render(BadRow(9, (why,)), "id") == f"baris 9: {indonesian}"
    assert render(BadRow(9, (why,)), "en") == f"line 9: {english}"


def test_a_missing_field_is_empty() -> None:
    with pytest.raises(ValidationError) as refused:
        Row.model_validate({})
    assert [render(why, "id") for why in from_validation(refused.value)] == [
        "kolom required: kosong"
    ]


def test_an_unmapped_pydantic_type_still_names_its_column() -> None:
    with pytest.raises(ValidationError) as refused:
        Row.model_validate({"required": ["a list"]})
    [why] = from_validation(refused.value)
    assert render(BadRow(5, (why,)), "id") == "baris 5: kolom required: isinya tidak bisa diterima"
