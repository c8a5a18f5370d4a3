"""The console's catalogue: the same keys and placeholders in both languages, every key known."""

from __future__ import annotations

import re
from pathlib import Path
from string import Formatter

import pytest

from handlers.console import labels
from handlers.console.app import MENU
from handlers.conversation import texts

CONSOLE = Path(labels.__file__).parent
# t("key") in templates and in Python; `~` joins a key built from a value in a template.
_LITERAL = re.compile(r"""\bt\(\s*["']([a-z_.]+)["']\s*[,)]""")
_BUILT = re.compile(r"""\bt\(\s*["']([a-z_.]+\.)["']\s*~""")


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(template) if name is not None}


def test_both_languages_have_the_same_keys_and_placeholders() -> None:
    assert sorted(set(labels.ID) ^ set(labels.EN)) == []
    differing = [
        key for key in labels.ID if placeholders(labels.ID[key]) != placeholders(labels.EN[key])
    ]
    assert differing == []


def sources() -> list[tuple[str, str]]:
    files = [*CONSOLE.glob("templates/*.html"), *CONSOLE.glob("*.py")]
    return [(path.name, path.read_text("utf-8")) for path in files]


def test_every_literal_key_is_in_a_catalogue() -> None:
    missing = [
        f"{name}: {key}"
        for name, source in sources()
        for key in _LITERAL.findall(source)
        if key not in labels.ID and key not in texts.ID
    ]
    assert missing == []


@pytest.mark.parametrize(
    ("prefix", "values"),
    [
        ("nav.", tuple(entry.key for entry in MENU)),
        ("role.", ("admin", "officer")),
        ("status.", ("enrolled", "waitlisted", "cancelled", "attended", "none")),
        ("rsvp.", ("yes", "no", "none")),
        ("confirmation.", ("received", "not_received", "damaged", "none")),
        ("broadcast.status.", ("scheduled", "sending", "done", "cancelled")),
        ("exports.kind.", ("participants", "enrollments", "allocations")),
    ],
)
def test_keys_built_from_values_exist(prefix: str, values: tuple[str, ...]) -> None:
    built = {found for _, source in sources() for found in _BUILT.findall(source)}
    assert prefix in built or prefix.rstrip(".") + "." in built
    assert [value for value in values if f"{prefix}{value}" not in labels.ID] == []


def test_unknown_keys_read_as_themselves_and_missing_values_as_empty() -> None:
    assert labels.text("id", "no.such.key") == "no.such.key"
    assert labels.text("en", "sesi.is_cancelled") == "Session  is already cancelled."
    assert labels.known("id", "https://evil.example") is None
