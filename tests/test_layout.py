"""The promised shape of the house: layers point one way and each domain has its room."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from handlers.conversation.features import FEATURES

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
