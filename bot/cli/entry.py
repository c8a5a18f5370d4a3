"""Parse the command line, then run the chosen command; every failure is one line, status 2."""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Final

from pydantic import ValidationError

from bot.cli import (
    attendance,
    backup,
    bast,
    broadcast,
    certificates,
    console,
    copy_database,
    equipment,
    export,
    helpdesk,
    migrate,
    officers,
    participants,
    quiz,
    running,
    sessions,
)
from bot.cli.common import CliError, Command
from bot.logs import configure_logging, redact
from bot.settings import MissingSetting, Settings

# The command groups, in the order `--help` lists them.
GROUPS: Final[tuple[ModuleType, ...]] = (
    running,
    migrate,
    sessions,
    attendance,
    officers,
    equipment,
    bast,
    export,
    broadcast,
    backup,
    participants,
    quiz,
    certificates,
    console,
    helpdesk,
    copy_database,
)


def build_parser() -> argparse.ArgumentParser:
    """Describe every command and its options: each group adds its own."""
    parser = argparse.ArgumentParser(prog="python -m bot", description="WUB IKM Bot")
    commands = parser.add_subparsers(dest="command", required=True)
    for group in GROUPS:
        group.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command and return the exit status."""
    args = build_parser().parse_args(argv)
    settings: Settings | None = None
    try:
        settings = Settings()
        configure_logging(settings.log_level)
        command: Command = args.func
        outcome = command(settings, args)
        return outcome if isinstance(outcome, int) else asyncio.run(outcome)
    except (CliError, MissingSetting) as error:
        return fail(str(error))
    except ValidationError as error:
        where = "invalid configuration: " if settings is None else ""
        return fail(where + _first_error(error))
    except sqlite3.Error as error:
        # Locked, full, read-only or not a database at all: the operator can act on the file.
        database = "database" if settings is None else f"database {settings.database_path}"
        return fail(redact(f"{database}: {error}"))
    except OSError as error:
        return fail(redact(os_problem(error)))
    except KeyboardInterrupt:
        return 130


def os_problem(error: OSError) -> str:
    """Say what the system refused and on which file, without a traceback."""
    reason = error.strerror or str(error) or type(error).__name__
    if error.filename is None:
        return reason
    return f"{Path(str(error.filename))}: {reason}"


def _first_error(error: ValidationError) -> str:
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"])
    return f"{where}: {first['msg']}" if where else first["msg"]


def fail(message: str) -> int:
    """Print `error: message` on stderr and return the exit status for refused work."""
    print(f"error: {message}", file=sys.stderr)
    return 2
