"""The catalogues: the same keys and placeholders in every language, every key used and known.

"Used" is read from the code itself: a key is used when it appears as a string literal in
handlers/ or bot/, or when texts.BUILT_KEYS declares it as built at run time by an f-string.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from string import Formatter
from typing import get_args

import pytest

from bot.channels.telegram_menu import ADMIN_COMMANDS, OFFICER_COMMANDS, PARTICIPANT_COMMANDS
from bot.features import SENTENCES, build_router, install_sentences
from handlers.broadcasts.audiences import AUDIENCE_KINDS
from handlers.broadcasts.compose import KIND_BUTTONS
from handlers.conversation import texts
from handlers.equipment.cases import CaseEvent
from handlers.equipment.rules import AllocationState
from handlers.officers.export_chat import CHAT_EXPORTS
from handlers.participants.registration import EDITABLE
from handlers.sessions.checkin import Refusal
from handlers.sessions.service import _CHAT_KEYS, REASONS
from storage.models import Confirmation, EnrollmentStatus, Role, Rsvp

ROOT = Path(__file__).resolve().parents[3]
CODE = ("handlers", "bot")
# The web console's `t` reads its own catalogue first (tests/handlers/console/test_labels.py).
CONSOLE = ROOT / "handlers" / "console"
# Where each function that takes a catalogue key takes it (the argument's position).
KEY_ARGUMENT = {"say": 0, "t": 0, "say_with_menu": 0, "text": 1, "labels": 0, "session_details": 2}


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(template) if name is not None}


@cache
def code_trees() -> tuple[tuple[Path, ast.Module], ...]:
    """Parse every module that may name a key (the catalogue itself excluded)."""
    paths = sorted(path for folder in CODE for path in (ROOT / folder).rglob("*.py"))
    return tuple(
        (path, ast.parse(path.read_text("utf-8"))) for path in paths if path.name != "texts.py"
    )


def pattern_of(node: ast.JoinedStr) -> str:
    """Return an f-string with each value it puts in written as {}."""
    return "".join(part.value if isinstance(part, ast.Constant) else "{}" for part in node.values)


def key_arguments() -> list[tuple[str, ast.expr]]:
    """Return (where, argument) for every argument given where a catalogue key is expected."""
    found = []
    for path, tree in code_trees():
        if path.is_relative_to(CONSOLE):
            continue
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            function = node.func
            name = (
                function.attr
                if isinstance(function, ast.Attribute)
                else function.id
                if isinstance(function, ast.Name)
                else ""
            )
            position = KEY_ARGUMENT.get(name)
            if position is not None and len(node.args) > position:
                where = f"{path.relative_to(ROOT)}:{node.lineno}"
                found.append((where, node.args[position]))
    return found


def string_literals() -> set[str]:
    return {
        node.value
        for _, tree in code_trees()
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }


def built_patterns() -> set[str]:
    return {
        pattern_of(node)
        for _, tree in code_trees()
        for node in ast.walk(tree)
        if isinstance(node, ast.JoinedStr)
    }


@pytest.mark.parametrize("language", sorted(texts.CATALOGUES))
def test_every_language_has_the_same_keys(language: str) -> None:
    catalogue = texts.CATALOGUES[language]
    assert sorted(set(texts.ID) - set(catalogue)) == []
    assert sorted(set(catalogue) - set(texts.ID)) == []


@pytest.mark.parametrize("language", sorted(set(texts.CATALOGUES) - {"id"}))
def test_every_language_has_the_same_placeholders(language: str) -> None:
    catalogue = texts.CATALOGUES[language]
    differing = [
        key
        for key, template in texts.ID.items()
        if key in catalogue and placeholders(template) != placeholders(catalogue[key])
    ]
    assert differing == []


def test_no_key_is_unused() -> None:
    built = {key for keys in texts.BUILT_KEYS.values() for key in keys}
    unused = set(texts.ID) - string_literals() - built
    assert sorted(unused) == []


def test_every_key_the_code_names_exists() -> None:
    missing = [
        f"{where}: {argument.value}"
        for where, argument in key_arguments()
        if isinstance(argument, ast.Constant)
        and isinstance(argument.value, str)
        and argument.value not in texts.ID
    ]
    assert missing == []


def test_every_key_built_at_run_time_is_declared() -> None:
    undeclared = [
        f"{where}: {pattern_of(argument)}"
        for where, argument in key_arguments()
        if isinstance(argument, ast.JoinedStr) and pattern_of(argument) not in texts.BUILT_KEYS
    ]
    assert undeclared == []


def test_every_declared_pattern_is_still_built() -> None:
    assert sorted(set(texts.BUILT_KEYS) - built_patterns()) == []


@pytest.mark.parametrize("pattern", sorted(texts.BUILT_KEYS))
def test_declared_keys_exist_and_fit_their_pattern(pattern: str) -> None:
    keys = texts.BUILT_KEYS[pattern]
    shape = re.compile(re.escape(pattern).replace(r"\{\}", r"[a-z_]+(?:\.[a-z_]+)*"))
    assert [key for key in keys if not shape.fullmatch(key)] == []
    assert [key for key in keys if key not in texts.ID] == []
    assert len(set(keys)) == len(keys)


def values_of(pattern: str) -> set[str]:
    """Return the values a declared pattern with one {} is filled with."""
    head, tail = pattern.split("{}")
    return {key.removeprefix(head).removesuffix(tail) for key in texts.BUILT_KEYS[pattern]}


@pytest.mark.parametrize(
    ("pattern", "values"),
    [
        ("alat.answer.{}", set(get_args(Confirmation))),
        ("alat.state.{}", set(get_args(AllocationState))),
        ("alatp.state.{}", set(get_args(AllocationState))),
        # A closed case has a sentence of its own, not a header.
        ("alatp.case.header.{}", set(get_args(CaseEvent)) - {"closed"}),
        ("checkin.{}", set(get_args(Refusal))),
        ("command.{}", {*PARTICIPANT_COMMANDS, *OFFICER_COMMANDS, *ADMIN_COMMANDS}),
        ("ekspor.caption.{}", set(CHAT_EXPORTS)),
        ("ekspor.kind.{}", set(CHAT_EXPORTS)),
        ("field.{}", set(EDITABLE)),
        ("flow.{}", set(build_router().flows)),
        ("petugas.role.{}", set(get_args(Role))),
        ("schedule.rsvp.{}", set(get_args(Rsvp))),
        ("sesi.invalid.{}", set(REASONS) - set(_CHAT_KEYS)),
        ("siaran.audience.{}", set(AUDIENCE_KINDS)),
        ("siaran.kind.{}", set(KIND_BUTTONS)),
        ("status.{}", {*get_args(EnrollmentStatus), "session_cancelled"}),
    ],
)
def test_declared_keys_follow_the_values_the_code_has(pattern: str, values: set[str]) -> None:
    """Where the values come from a type or a table, a new value needs its sentence."""
    assert values_of(pattern) == values


@pytest.fixture
def reinstall() -> Iterator[None]:
    """Put the composition root's sentences back after a test installs others."""
    yield
    install_sentences()


def test_the_core_speaks_alone_and_with_whatever_parts_it_is_given(reinstall: None) -> None:
    texts.install(())
    assert dict(texts.CORE.id) == texts.ID
    assert dict(texts.CORE.en) == texts.EN
    assert dict(texts.CORE.built_keys) == texts.BUILT_KEYS
    assert texts.text("en", "cancelled") == texts.CORE.en["cancelled"]
    part = texts.Sentences({"probe.hello": "Halo {name}"}, {"probe.hello": "Hello {name}"})
    texts.install((part,))
    assert texts.text("en", "probe.hello", name="Siti") == "Hello Siti"
    assert texts.text("xx", "probe.hello", name="Siti") == "Halo Siti"
    # Installing again starts from the core: what an earlier call added is gone.
    texts.install(())
    with pytest.raises(KeyError):
        texts.text("id", "probe.hello")


@pytest.mark.parametrize(
    "part",
    [
        texts.Sentences({"welcome": "Selamat datang lagi"}, {}),
        texts.Sentences({}, {"tanya.ask": "Ask again"}),
        texts.Sentences({}, {}, {"status.{}": ("status.enrolled",)}),
    ],
    ids=["a core key", "a domain key", "a built pattern"],
)
def test_a_key_given_twice_is_refused_and_changes_nothing(
    reinstall: None, part: texts.Sentences
) -> None:
    before = (dict(texts.ID), dict(texts.EN), dict(texts.BUILT_KEYS))
    with pytest.raises(ValueError, match="defined twice"):
        texts.install((*SENTENCES, part))
    assert (dict(texts.ID), dict(texts.EN), dict(texts.BUILT_KEYS)) == before


def test_the_composition_root_installs_every_domain_part() -> None:
    for part in SENTENCES:
        assert part.id.items() <= texts.ID.items()
        assert part.en.items() <= texts.EN.items()
        assert part.built_keys.items() <= texts.BUILT_KEYS.items()
