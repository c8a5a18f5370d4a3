"""The promised shape of the house: layers point one way and each domain has its room."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from bot.features import FEATURES

ROOT = Path(__file__).resolve().parents[1]
DOMAINS = (
    "participants",
    "sessions",
    "equipment",
    "broadcasts",
    "officers",
    "evaluations",
    "console",
    "helpdesk",
)
# The web console is a channel of its own: only its package may speak HTTP (Starlette).
WEB = ROOT / "handlers" / "console"
CORE = ROOT / "handlers" / "conversation"
# Helper packages any layer may use; every other package in handlers/ is a domain.
SHARED = {"conversation", "documents", "spreadsheets"}


def imported_modules(path: Path) -> set[str]:
    """Return every module a file imports (absolute imports only; the code uses no others)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module is not None:
            found.add(node.module)
    return found


def modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("path", modules("storage"), ids=lambda path: path.name)
def test_storage_imports_neither_handlers_nor_bot(path: Path) -> None:
    wrong = {name for name in imported_modules(path) if name.split(".")[0] in ("handlers", "bot")}
    assert wrong == set()


@pytest.mark.parametrize("path", modules("handlers"), ids=lambda path: str(path.parent.name))
def test_handlers_import_no_platform_and_not_the_bot(path: Path) -> None:
    platforms = {"bot", "telegram", "httpx", "starlette", "uvicorn"}
    if path.is_relative_to(WEB):
        platforms.discard("starlette")
    wrong = {name for name in imported_modules(path) if name.split(".")[0] in platforms}
    assert wrong == set()


def imported_names(source: str, package: str) -> set[str]:
    """Return every dotted name a module of package imports, `from a import b` as `a.b`.

    Relative imports are resolved, and imports under `if TYPE_CHECKING:` count: a type-only
    import is an arrow all the same.
    """
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            packages = package.split(".")
            base = packages[: len(packages) + 1 - node.level] if node.level else []
            base += node.module.split(".") if node.module else []
            found.update(".".join([*base, alias.name]) for alias in node.names)
    return found


def domain_imports(source: str, package: str) -> set[str]:
    """Return the names a module imports from a domain package of handlers/."""
    domains = {
        folder.name
        for folder in (ROOT / "handlers").iterdir()
        if (folder / "__init__.py").is_file() and folder.name not in SHARED
    }
    return {
        name
        for name in imported_names(source, package)
        if name.split(".")[0] == "handlers" and name.split(".")[1] in domains
    }


@pytest.mark.parametrize("path", sorted(CORE.rglob("*.py")), ids=lambda path: path.name)
def test_the_conversation_core_imports_no_domain(path: Path) -> None:
    # The composition root (bot/features.py) hands the core its features and sentences.
    package = ".".join(path.relative_to(ROOT).parent.parts)
    assert domain_imports(path.read_text(encoding="utf-8"), package) == set()


@pytest.mark.parametrize(
    ("source", "caught"),
    [
        (
            "from handlers.helpdesk.matching import FaqIndex",
            {"handlers.helpdesk.matching.FaqIndex"},
        ),
        ("import handlers.sessions.service", {"handlers.sessions.service"}),
        ("from handlers import equipment, conversation", {"handlers.equipment"}),
        ("from ..participants import regions", {"handlers.participants.regions"}),
        ("from .. import console", {"handlers.console"}),
        (
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import handlers.officers",
            {"handlers.officers"},
        ),
        (
            "def f() -> None:\n    from handlers.evaluations import texts",
            {"handlers.evaluations.texts"},
        ),
        ("from handlers.conversation import texts\nfrom handlers.spreadsheets import xlsx", set()),
        ("from . import texts\nfrom .turn import Turn\nfrom storage.models import Contact", set()),
    ],
)
def test_the_core_rule_sees_every_form_of_import(source: str, caught: set[str]) -> None:
    assert domain_imports(source, "handlers.conversation") == caught


def test_only_the_console_web_layer_imports_starlette() -> None:
    web = {
        path.relative_to(WEB).as_posix()
        for path in modules("handlers/console")
        if any(name.split(".")[0] == "starlette" for name in imported_modules(path))
    }
    # signin, chat, services, labels, charts and features stay free of HTTP.
    assert web.isdisjoint({"signin.py", "chat.py", "services.py", "labels.py", "charts.py"})


def test_no_module_sits_in_handlers_outside_a_package() -> None:
    loose = [path.name for path in (ROOT / "handlers").glob("*.py") if path.name != "__init__.py"]
    assert loose == []


def test_each_domain_lists_what_it_answers_in_one_place() -> None:
    for domain in DOMAINS:
        assert (ROOT / "handlers" / domain / "features.py").is_file(), domain
    names = [feature.name for feature in FEATURES]
    assert len(names) == len(set(names))
    assert {name.split(".")[0] for name in names} == set(DOMAINS)


def test_the_test_tree_mirrors_the_packages() -> None:
    for package in (ROOT / "handlers").iterdir():
        if (package / "__init__.py").is_file():
            assert (ROOT / "tests" / "handlers" / package.name).is_dir(), package.name
