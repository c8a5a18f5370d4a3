"""Read the shown sheet of an .xlsx workbook as rows of cell values, within fixed bounds.

A workbook is a zip of XML parts. Its declared sizes are checked before anything is
unpacked (so a zip bomb is refused unread), and the sheet is streamed through lxml's
event interface: no tree is built, the sheet's declared dimension is never trusted (nothing
is padded to it), values right of the column cap and rows past the last one a spreadsheet
can have are refused, and DTDs (entity bombs), entity expansion and network access are off.
Dates stay the numbers Excel stores; our sheets hold text.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Final, Protocol

from lxml import etree

from handlers.spreadsheets.reasons import Reason, reason, render

MAIN: Final = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
RELATIONSHIPS: Final = "{http://schemas.openxmlformats.org/package/2006/relationships}"
OFFICE_REL: Final = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_ROW, _CELL, _VALUE = f"{MAIN}row", f"{MAIN}c", f"{MAIN}v"
_TEXT, _PHONETIC, _STRING = f"{MAIN}t", f"{MAIN}rPh", f"{MAIN}si"
# What Excel itself allows.
EXCEL_MAX_ROWS: Final = 1_048_576
EXCEL_MAX_COLUMNS: Final = 16_384
EXCEL_MAX_CELL_CHARS: Final = 32_767
FEED_BYTES: Final = 64 * 1024
# The workbook's small parts (its list of sheets, relationships) are read whole.
MAX_SMALL_PART: Final = 8 * 2**20
_REFERENCE = re.compile(r"([A-Z]{1,3})(\d{1,7})")
_INTEGER = re.compile(r"[+-]?\d{1,40}")

XlsxCell = str | int | float | None
XlsxRow = tuple[int, list[XlsxCell]]


class XlsxError(Exception):
    """The workbook is not one this reader will read; `reason` says why."""

    def __init__(self, why: Reason) -> None:
        super().__init__(render(why, "en"))
        self.reason = why


@dataclass(frozen=True)
class XlsxLimits:
    """How big a workbook may be, unpacked and read."""

    max_unpacked_bytes: int
    max_strings_bytes: int
    max_entries: int
    max_columns: int


def read_xlsx(path: Path, limits: XlsxLimits) -> Iterator[XlsxRow]:
    """Yield (sheet row number, cells) for each row written in the shown sheet."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as error:
        raise XlsxError(reason("xlsx.not_zip")) from error
    with archive:
        _check_archive(archive, limits)
        try:
            sheet, strings_part = _locate_parts(archive)
            strings = _shared_strings(archive, strings_part, limits) if strings_part else []
            target = _SheetTarget(strings, limits)
            for _ in _feed(archive, sheet, target):
                yield from target.finished
                target.finished.clear()
        # zipfile raises NotImplementedError for a compression method it cannot read.
        except (
            KeyError,
            IndexError,
            ValueError,
            EOFError,
            OSError,
            zlib.error,
            zipfile.BadZipFile,
            NotImplementedError,
            etree.LxmlError,
        ) as error:
            raise XlsxError(reason("xlsx.unreadable", detail=_reason(error))) from error


def _reason(error: BaseException) -> str:
    text = str(error).splitlines()[0] if str(error) else type(error).__name__
    return text[:120]


def _check_archive(archive: zipfile.ZipFile, limits: XlsxLimits) -> None:
    entries = archive.infolist()
    if len(entries) > limits.max_entries:
        raise XlsxError(reason("xlsx.too_many_parts", count=len(entries)))
    # zipfile never unpacks more than an entry's declared size, so the sum is a real bound.
    unpacked = sum(entry.file_size for entry in entries)
    if unpacked > limits.max_unpacked_bytes:
        size, most = unpacked // 2**20, limits.max_unpacked_bytes // 2**20
        raise XlsxError(reason("xlsx.too_big_unpacked", size=size, max=most))


class _Target(Protocol):
    def close(self) -> None: ...


def _feed(archive: zipfile.ZipFile, part: str, target: _Target) -> Iterator[None]:
    """Stream one part through the target, pausing after each piece."""
    parser = etree.XMLParser(
        target=target, resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    with archive.open(part) as source:
        while piece := source.read(FEED_BYTES):
            parser.feed(piece)
            yield
    parser.close()
    yield


def _read_part(archive: zipfile.ZipFile, name: str) -> Any:
    if archive.getinfo(name).file_size > MAX_SMALL_PART:
        raise XlsxError(reason("xlsx.part_too_large", part=name[:60]))
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    return etree.fromstring(archive.read(name), parser=parser)


def _locate_parts(archive: zipfile.ZipFile) -> tuple[str, str | None]:
    """Return the part names of the sheet Excel shows first and of the shared strings."""
    workbook_part = _office_document(archive)
    workbook = _read_part(archive, workbook_part)
    targets = _relationship_targets(archive, workbook_part)
    sheets = workbook.findall(f"{MAIN}sheets/{MAIN}sheet")
    if not sheets:
        raise XlsxError(reason("xlsx.no_sheet"))
    view = workbook.find(f"{MAIN}bookViews/{MAIN}workbookView")
    active = int(view.get("activeTab", "0")) if view is not None else 0
    shown = sheets[active] if 0 <= active < len(sheets) else sheets[0]
    sheet = targets[shown.get(f"{OFFICE_REL}id", "")][0]
    strings = next((name for name, kind in targets.values() if kind == "sharedStrings"), None)
    return sheet, strings


def _office_document(archive: zipfile.ZipFile) -> str:
    for relationship in _read_part(archive, "_rels/.rels").iter(f"{RELATIONSHIPS}Relationship"):
        if relationship.get("Type", "").endswith("/officeDocument"):
            return _normalise(relationship.get("Target", ""))
    return "xl/workbook.xml"


def _relationship_targets(archive: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """Map each relationship id of a part to (target part name, relationship kind)."""
    folder = PurePosixPath(part).parent
    rels = folder / "_rels" / (PurePosixPath(part).name + ".rels")
    targets = {}
    for relationship in _read_part(archive, str(rels)).iter(f"{RELATIONSHIPS}Relationship"):
        target = relationship.get("Target", "")
        name = target if target.startswith("/") else f"{folder}/{target}"
        kind = relationship.get("Type", "").rsplit("/", 1)[-1]
        targets[relationship.get("Id", "")] = (_normalise(name), kind)
    return targets


def _normalise(name: str) -> str:
    parts: list[str] = []
    for part in name.split("/"):
        if part == "..":
            if parts:
                parts.pop()
        elif part not in ("", "."):
            parts.append(part)
    return "/".join(parts)


class _TextTarget:
    """Collect the text of `<t>` elements, leaving phonetic guides (furigana) out."""

    def __init__(self) -> None:
        self._texts: list[str] | None = None
        self._pieces: list[str] = []
        self._chars = 0
        self._phonetic = 0

    def doctype(self, *_: object) -> None:
        raise XlsxError(reason("xlsx.dtd"))

    def _start_text(self, tag: str) -> None:
        if tag == _PHONETIC:
            self._phonetic += 1
        elif tag == _TEXT and not self._phonetic:
            self._texts = []

    def _end_text(self, tag: str) -> None:
        if tag == _PHONETIC:
            self._phonetic -= 1
        elif tag == _TEXT and self._texts is not None:
            self._pieces.append("".join(self._texts))
            self._texts = None

    def data(self, text: str) -> None:
        """Keep text inside the element being collected."""
        if self._texts is not None:
            self._chars += len(text)
            if self._chars > EXCEL_MAX_CELL_CHARS:
                raise XlsxError(reason("xlsx.cell_too_long", max=EXCEL_MAX_CELL_CHARS))
            self._texts.append(text)

    def _take_text(self) -> str:
        text = "".join(self._pieces)
        self._pieces.clear()
        self._chars = 0
        return text

    def close(self) -> None:
        """Nothing to hand back: results are read from the target."""


class _StringsTarget(_TextTarget):
    """Read the shared string table: one text per `<si>`."""

    def __init__(self) -> None:
        super().__init__()
        self.strings: list[str] = []

    def start(self, tag: str, _attributes: object) -> None:
        """Begin an element."""
        self._start_text(tag)

    def end(self, tag: str) -> None:
        """End an element."""
        if tag == _STRING:
            self.strings.append(self._take_text())
        else:
            self._end_text(tag)


def _shared_strings(archive: zipfile.ZipFile, part: str, limits: XlsxLimits) -> list[str]:
    if archive.getinfo(part).file_size > limits.max_strings_bytes:
        raise XlsxError(reason("xlsx.strings_too_large", max=limits.max_strings_bytes // 2**20))
    target = _StringsTarget()
    for _ in _feed(archive, part, target):
        pass
    return target.strings


class _SheetTarget(_TextTarget):
    """Turn a worksheet's elements into finished rows."""

    def __init__(self, strings: list[str], limits: XlsxLimits) -> None:
        super().__init__()
        self.finished: list[XlsxRow] = []
        self._strings = strings
        self._max_columns = limits.max_columns
        self._row: list[XlsxCell] | None = None
        self._row_number = 0
        self._column = 0
        self._kind: str | None = None  # the type of the cell being read, None outside cells

    def start(self, tag: str, attributes: Any) -> None:
        """Begin an element."""
        if tag == _CELL:
            self._column = self._cell_column(attributes.get("r"))
            self._kind = attributes.get("t", "n")
        elif self._kind is None:
            if tag == _ROW:
                self._row = []
                self._row_number = self._next_row(attributes.get("r"))
                self._column = 0
        elif tag == _VALUE:
            self._texts = []
        else:
            self._start_text(tag)

    def end(self, tag: str) -> None:
        """End an element."""
        if tag == _CELL:
            self._add_value(self._cell_value())
            self._kind = None
        elif self._kind is not None:
            if tag == _VALUE and self._texts is not None:
                self._pieces.append("".join(self._texts))
                self._texts = None
            else:
                self._end_text(tag)
        elif tag == _ROW and self._row is not None:
            self.finished.append((self._row_number, self._row))
            self._row = None

    def _next_row(self, given: str | None) -> int:
        last = self._row_number
        if given is None:
            number = last + 1
        elif given.isdigit() and len(given) <= 7:
            number = int(given)
        else:
            raise XlsxError(reason("xlsx.bad_row_number", value=given[:20]))
        if number <= last:
            raise XlsxError(reason("xlsx.rows_out_of_order", number=number, last=last))
        if number > EXCEL_MAX_ROWS:
            raise XlsxError(reason("xlsx.row_past_end", number=number))
        return number

    def _cell_column(self, reference: str | None) -> int:
        if reference is None:
            column = self._column + 1
        else:
            match = _REFERENCE.fullmatch(reference.upper())
            if match is None:
                raise XlsxError(reason("xlsx.bad_reference", value=reference[:20]))
            column = 0
            for letter in match.group(1):
                column = column * 26 + ord(letter) - ord("A") + 1
        if column > EXCEL_MAX_COLUMNS:
            raise XlsxError(reason("xlsx.column_past_end", line=self._row_number))
        if column <= self._column:
            raise XlsxError(reason("xlsx.cells_out_of_order", line=self._row_number))
        return column

    def _cell_value(self) -> XlsxCell:
        text = self._take_text()
        kind = self._kind
        if kind == "inlineStr":
            return text
        if not text:
            return None
        if kind == "s":
            return self._strings[int(text)]
        if kind == "b":
            return "TRUE" if text.strip() == "1" else "FALSE"
        if kind == "n":
            return self._number(text.strip())
        return text  # str (a formula's text), e (an error such as #N/A), d (an ISO date)

    def _number(self, text: str) -> int | float:
        if _INTEGER.fullmatch(text):
            return int(text)
        try:
            return float(text)
        except ValueError:
            raise XlsxError(reason("xlsx.not_a_number", line=self._row_number)) from None

    def _add_value(self, value: XlsxCell) -> None:
        row = self._row
        if row is None or value is None or value == "":
            return  # empty cells (Excel writes styled ones far right) are not kept
        if self._column > self._max_columns:
            why = reason(
                "xlsx.too_many_columns",
                line=self._row_number,
                position=self._column,
                max=self._max_columns,
            )
            raise XlsxError(why)
        row.extend([None] * (self._column - 1 - len(row)))
        row.append(value)
