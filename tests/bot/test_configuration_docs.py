"""Every setting is documented: in .env.example with a comment, and in the README's table."""

from __future__ import annotations

from pathlib import Path

from bot.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def setting_names() -> set[str]:
    return {name.upper() for name in Settings.model_fields}


def test_env_example_lists_every_setting_with_a_comment() -> None:
    lines = (ROOT / ".env.example").read_text("utf-8").splitlines()
    documented = {}
    for number, line in enumerate(lines):
        if line and not line.startswith("#") and "=" in line:
            documented[line.split("=", 1)[0]] = lines[number - 1].startswith("#")
    assert set(documented) == setting_names()
    assert all(documented.values()), [name for name, ok in documented.items() if not ok]


def test_readme_configuration_table_names_every_setting() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    assert [name for name in sorted(setting_names()) if f"| `{name}` |" not in readme] == []
