"""What every command group shares: the one error, the output format, sheets, progress bars."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Final, TypeAlias, TypeVar

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
)

from bot.settings import Settings
from handlers.equipment.rules import EquipmentRefused
from handlers.participants.validation import InvalidNik, mask_nik, normalize_nik
from handlers.spreadsheets.reading import Cell, SheetError, TableError, TableLimits, read_table
from handlers.spreadsheets.writing import FORMATS, ExportFormat
from storage import Storage
from storage.models import BimtekSession, Participant

# Who the audit log names for everything done on the command line.
ACTOR: Final = "cli"
# Work smaller than this is over before a bar would help.
PROGRESS_FROM: Final = 200

# A command's body: it gets the settings and the parsed arguments and returns the exit status;
# most are coroutines the entry runs, `run` manages its own event loop.
Command = Callable[[Settings, argparse.Namespace], Coroutine[Any, Any, int] | int]
Subparsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"
Parsed = TypeVar("Parsed")


class CliError(Exception):
    """The command cannot be carried out as asked: printed as one line, exit status 2."""


async def session_by_code(storage: Storage, code: str) -> BimtekSession:
    """Return the session with a code, or raise CliError."""
    session = await storage.sessions.get_by_code(code)
    if session is None:
        raise CliError(f"no session with code {code!r}")
    return session


def read_nik(text: str) -> str:
    """Return a NIK given on the command line in its stored form, or raise CliError."""
    try:
        return normalize_nik(text)
    except InvalidNik as error:
        raise CliError(f"--nik: not a valid NIK ({error})") from error


async def participant_by_nik(storage: Storage, nik: str) -> Participant:
    """Return the participant with a NIK, or raise CliError (naming the NIK masked)."""
    participant = await storage.participants.get_by_nik(nik)
    if participant is None:
        raise CliError(f"no participant with NIK {mask_nik(nik)}")
    return participant


@contextmanager
def equipment_refusals() -> Iterator[None]:
    """Turn a refused equipment action into the CLI's one-line error."""
    try:
        yield
    except EquipmentRefused as error:
        raise CliError(str(error)) from error


def export_format(given: str | None, out: Path) -> ExportFormat:
    """Return the format asked for with --format, or else the one --out's suffix names."""
    chosen = given or out.suffix.lower().lstrip(".")
    for known in FORMATS:
        if chosen == known:
            return known
    raise CliError("--format must be csv or xlsx")


def check_folder(out: Path) -> None:
    """Refuse an output file whose folder does not exist, before any work is done."""
    if not out.parent.is_dir():
        raise CliError(f"{out.parent}: no such folder")


def write_file(out: Path, content: bytes) -> None:
    """Write an output file, turning an OS refusal into the CLI's one-line error."""
    try:
        out.write_bytes(content)
    except OSError as error:
        raise CliError(f"{out}: {error.strerror or error}") from error


def read_sheet(
    path: Path, parse: Callable[[Iterator[list[Cell]]], Parsed], settings: Settings
) -> Parsed:
    """Read a .csv/.xlsx sheet within the limits and parse it; a bad sheet is a CliError."""
    if not path.is_file():
        raise CliError(f"{path}: no such file")
    try:
        return parse(read_table(path, TableLimits(max_rows=settings.import_max_rows)))
    except (TableError, SheetError) as error:
        raise CliError(str(error)) from error


@contextmanager
def progress_bar(description: str, total: int) -> Iterator[Callable[[], None]]:
    """Yield a function that moves a bar on stderr one step; it does nothing off a terminal."""
    if total < PROGRESS_FROM or not sys.stderr.isatty():
        yield lambda: None
        return
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task(description, total=total)
        yield lambda: progress.advance(task)
