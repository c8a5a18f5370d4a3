"""Spreadsheet files written byte by byte: ordinary, very large and hostile ones.

The XML is written by hand (not by openpyxl) so a test can say exactly what a file holds,
including what no honest program writes, and so a 100,000-row workbook takes a second.
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from xml.sax.saxutils import escape

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_REL = "http://schemas.openxmlformats.org/package/2006/relationships"

OFFICE_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels"'
    ' ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{OFFICE_TYPE}.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml"'
    f' ContentType="{OFFICE_TYPE}.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml"'
    f' ContentType="{OFFICE_TYPE}.sharedStrings+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PACKAGE_REL}">'
    f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK = (
    f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{REL}">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PACKAGE_REL}">'
    f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
)

Value = str | int | float | None


def column_letters(number: int) -> str:
    """Return a column's letters (1 is A, 27 is AA)."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_xml(reference: str, value: Value) -> str:
    """Return one cell: text inline, numbers as numbers, None as nothing."""
    if value is None:
        return ""
    if isinstance(value, str):
        return f'<c r="{reference}" t="inlineStr"><is><t>{escape(value)}</t></is></c>'
    return f'<c r="{reference}"><v>{value!r}</v></c>'


def rows_xml(rows: Iterable[list[Value]], first: int = 1) -> Iterator[str]:
    """Return the `<row>` elements of the rows, numbered from `first`."""
    for number, row in enumerate(rows, start=first):
        cells = "".join(
            cell_xml(f"{column_letters(column)}{number}", value)
            for column, value in enumerate(row, start=1)
        )
        yield f'<row r="{number}">{cells}</row>'


def write_workbook(
    path: Path,
    sheet_rows: Iterable[str],
    *,
    dimension: str | None = None,
    strings: list[str] | None = None,
    strings_xml: str | None = None,
    prologue: str = "",
) -> Path:
    """Write an .xlsx whose sheet holds these `<row>` elements (streamed, not held)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        shared = "".join(f"<si><t>{escape(text)}</t></si>" for text in strings or [])
        archive.writestr(
            "xl/sharedStrings.xml",
            strings_xml
            or f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}">{shared}</sst>',
        )
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(f'<?xml version="1.0" encoding="UTF-8"?>{prologue}'.encode())
            sheet.write(f'<worksheet xmlns="{MAIN}">'.encode())
            if dimension is not None:
                sheet.write(f'<dimension ref="{dimension}"/>'.encode())
            sheet.write(b"<sheetData>")
            buffer: list[str] = []
            for row in sheet_rows:
                buffer.append(row)
                if len(buffer) >= 1000:
                    sheet.write("".join(buffer).encode())
                    buffer.clear()
            sheet.write("".join(buffer).encode())
            sheet.write(b"</sheetData></worksheet>")
    return path


def write_xlsx(path: Path, rows: Iterable[list[Value]], **options: object) -> Path:
    """Write an .xlsx holding these rows (text inline, numbers as number cells)."""
    return write_workbook(path, rows_xml(rows), **options)  # type: ignore[arg-type]


# --- hostile files ----------------------------------------------------------------------


def dimension_bomb(path: Path) -> Path:
    """A few hundred bytes that declare the whole sheet (A1:XFD1048576) in use."""
    return write_xlsx(path, [["nik", "item", "qty"]], dimension="A1:XFD1048576")


def zip_bomb(path: Path, unpacked_mb: int = 1024) -> Path:
    """A workbook of a few MB whose sheet unpacks to `unpacked_mb` MB of blank rows."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(f'<worksheet xmlns="{MAIN}"><sheetData>'.encode())
            padding = b" " * 2**20
            for _ in range(unpacked_mb):
                sheet.write(padding)
            sheet.write(b"</sheetData></worksheet>")
    return path


def wide_row(path: Path, columns: int = 10_000) -> Path:
    """A header row with `columns` filled cells."""
    return write_xlsx(path, [[f"c{number}" for number in range(columns)]])


def not_a_zip(path: Path) -> Path:
    """A text file named .xlsx."""
    path.write_bytes(b"nik,item,qty\n" * 100)
    return path


def unknown_compression(path: Path) -> Path:
    """A real workbook whose entries claim a compression method zipfile cannot unpack (99)."""
    write_xlsx(path, [["nik", "item", "qty"]])
    data = bytearray(path.read_bytes())
    # Patch the method (2 bytes) in every local header and central directory record.
    for signature, offset in ((b"PK\x03\x04", 8), (b"PK\x01\x02", 10)):
        start = data.find(signature)
        while start != -1:
            data[start + offset : start + offset + 2] = (99).to_bytes(2, "little")
            start = data.find(signature, start + 4)
    path.write_bytes(bytes(data))
    return path


def entity_bomb(path: Path) -> Path:
    """A sheet whose DTD expands one entity into gigabytes ("billion laughs")."""
    entities = '<!ENTITY a0 "lol">' + "".join(
        f'<!ENTITY a{n} "{f"&a{n - 1};" * 10}">' for n in range(1, 10)
    )
    row = '<row r="1"><c r="A1" t="inlineStr"><is><t>&a9;</t></is></c></row>'
    return write_workbook(path, [row], prologue=f"<!DOCTYPE worksheet [{entities}]>")


# --- measuring a command's own peak memory --------------------------------------------------

# Linux hands a process started by fork+exec the peak memory of the process it was forked
# from (a large test runner) as its own starting peak. So a small launcher forks the command
# itself and reports the peak that wait4 gives for that command alone.
_LAUNCHER = """
import os, sys
report, command = sys.argv[1], sys.argv[2:]
pid = os.fork()
if pid == 0:
    os.execv(command[0], command)
_, status, usage = os.wait4(pid, 0)
with open(report, "w") as file:
    file.write(str(usage.ru_maxrss))
sys.exit(os.waitstatus_to_exitcode(status))
"""


def run_measured(command: list[str], report: Path, **popen: object) -> tuple[int, float]:
    """Run a command to its end; return its exit status and its own peak memory in MB."""
    completed = subprocess.run(
        [sys.executable, "-c", _LAUNCHER, str(report), *command],
        **popen,  # type: ignore[call-overload]
    )
    return completed.returncode, int(report.read_text()) / 1024
