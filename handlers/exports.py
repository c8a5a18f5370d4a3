"""Stream a table to UTF-8 CSV or XLSX: a header, then rows from an async iterator.

Rows are written as they come, so memory does not grow with the number of rows (openpyxl's
write-only mode keeps them in a temporary file until the workbook is saved). Text a person
typed can never become a spreadsheet formula.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import AsyncIterable, Collection, Sequence
from pathlib import Path
from typing import BinaryIO, Final, Literal, Protocol, get_args

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

ExportFormat = Literal["csv", "xlsx"]
FORMATS: Final[tuple[ExportFormat, ...]] = get_args(ExportFormat)
CellValue = str | int | None
TEXT_FORMAT: Final = "@"
# A phone number or a plain number is data, not a formula, even with a leading + or -.
_NUMBER_LIKE: Final = re.compile(r"[+-]?[0-9][0-9 ]*")
_FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")


class _Sink(Protocol):
    def write(self, values: Sequence[CellValue]) -> None: ...

    def close(self) -> None: ...


def defuse(value: str) -> str:
    """Return a CSV value that a spreadsheet will not run as a formula."""
    if value.startswith(_FORMULA_STARTS) and not _NUMBER_LIKE.fullmatch(value):
        return "'" + value
    return value


class _CsvSink:
    def __init__(self, target: Path | BinaryIO, header: Sequence[str]) -> None:
        self._owned = isinstance(target, Path)
        binary: BinaryIO = target.open("wb") if isinstance(target, Path) else target
        self._stream = io.TextIOWrapper(binary, encoding="utf-8", newline="")
        self._writer = csv.writer(self._stream)
        self._writer.writerow(header)

    def write(self, values: Sequence[CellValue]) -> None:
        self._writer.writerow(
            [
                "" if value is None else defuse(value) if isinstance(value, str) else value
                for value in values
            ]
        )

    def close(self) -> None:
        if self._owned:
            # Flushes, and closes the file even when the flush fails (a full disk).
            self._stream.close()
            return
        self._stream.flush()
        self._stream.detach()


class _XlsxSink:
    def __init__(
        self, target: Path | BinaryIO, header: Sequence[str], text_columns: Collection[str]
    ) -> None:
        self._target = target
        self._workbook = Workbook(write_only=True)
        self._sheet = self._workbook.create_sheet("data")
        self._text = [name in text_columns for name in header]
        self._sheet.append(list(header))

    def write(self, values: Sequence[CellValue]) -> None:
        cells = zip(values, self._text, strict=True)
        self._sheet.append([self._cell(value, text) for value, text in cells])

    def _cell(self, value: CellValue, text: bool) -> WriteOnlyCell:
        if isinstance(value, str):
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell = WriteOnlyCell(self._sheet, value=value)
        if isinstance(value, str):
            cell.data_type = "s"  # never a formula, whatever the text starts with
        if text:
            cell.number_format = TEXT_FORMAT
        return cell

    def close(self) -> None:
        if isinstance(self._target, Path):
            with self._target.open("wb") as stream:
                _save(self._workbook, stream)
        else:
            _save(self._workbook, self._target)


class _KeepFirstError(io.RawIOBase):
    """Pass writes on until one fails; keep that error and swallow the writes after it.

    openpyxl leaves its ZIP and XML writers half open when a write fails (a full disk), and
    they print tracebacks when they are collected. Letting it finish into the void and
    raising the first error afterwards keeps a full disk one clean OSError.
    """

    def __init__(self, inner: BinaryIO) -> None:
        super().__init__()
        self._inner = inner
        self._written = 0
        self.error: OSError | None = None

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        size = memoryview(data).nbytes
        if self.error is None:
            try:
                self._inner.write(data)
            except OSError as error:
                self.error = error
        self._written += size
        return size

    def tell(self) -> int:
        return self._written


def _save(workbook: Workbook, stream: BinaryIO) -> None:
    keeper = _KeepFirstError(stream)
    workbook.save(keeper)
    if keeper.error is not None:
        raise keeper.error


def _open_sink(
    target: Path | BinaryIO,
    export_format: ExportFormat,
    header: Sequence[str],
    text_columns: Collection[str],
) -> _Sink:
    if export_format == "csv":
        return _CsvSink(target, header)
    return _XlsxSink(target, header, text_columns)


async def write_table(
    target: Path | BinaryIO,
    export_format: ExportFormat,
    header: Sequence[str],
    rows: AsyncIterable[Sequence[CellValue]],
    *,
    text_columns: Collection[str] = ("nik", "phone"),
) -> int:
    """Write the header and every row to a file or binary stream; return the rows written.

    Columns named in `text_columns` are text cells in XLSX, so a NIK keeps all 16 digits.
    """
    if export_format not in FORMATS:
        raise ValueError(f"unknown export format {export_format!r}")
    sink = _open_sink(target, export_format, header, text_columns)
    written = 0
    try:
        async for values in rows:
            sink.write(values)
            written += 1
    finally:
        sink.close()
    return written
