"""Ekspor: every export as a download, streamed while it is written.

CSV leaves in chunks as rows are read (memory stays flat); XLSX is written to a temporary
file first (a workbook is a zip that is only complete at its end) and then streamed.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
import tempfile
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Final

from starlette.exceptions import HTTPException
from starlette.responses import Response, StreamingResponse

from handlers.console import services as svc
from handlers.console.web import Desk, MenuEntry, Page

CHUNK_ROWS: Final = 500
FILE_CHUNK: Final = 64 * 1024
MEDIA_TYPES: Final = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class _Pipe(io.RawIOBase):
    """A write-only stream whose bytes are taken out in chunks."""

    def __init__(self) -> None:
        super().__init__()
        self._parts: list[bytes] = []

    def writable(self) -> bool:
        """Say that this stream takes writes."""
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        """Keep the bytes until they are taken."""
        self._parts.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        """Return and forget what was written so far."""
        taken, self._parts = b"".join(self._parts), []
        return taken


async def stream_csv(desk: Desk, kind: svc.ExportKind) -> AsyncIterator[bytes]:
    """Yield the CSV export in chunks while its rows are read."""
    export = svc.EXPORTS[kind]
    pipe = _Pipe()
    chunks: asyncio.Queue[bytes | None] = asyncio.Queue(maxsize=8)

    async def rows() -> AsyncIterator[Sequence[svc.CellValue]]:
        count = 0
        async for row in export.rows(desk.storage, desk.services.zone):
            yield row
            count += 1
            if count % CHUNK_ROWS == 0:
                await chunks.put(pipe.take())

    async def produce() -> int:
        try:
            return await svc.write_table(pipe, "csv", export.columns, rows())  # type: ignore[arg-type]
        finally:
            await chunks.put(pipe.take())
            await chunks.put(None)

    task = asyncio.create_task(produce())
    try:
        while (chunk := await chunks.get()) is not None:
            if chunk:
                yield chunk
        await task
    finally:
        if not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


async def stream_xlsx(desk: Desk, kind: svc.ExportKind) -> AsyncIterator[bytes]:
    """Write the XLSX export to a temporary file, then yield it in chunks."""
    handle, name = tempfile.mkstemp(prefix="wub-export-", suffix=".xlsx")
    os.close(handle)
    path = Path(name)
    try:
        export = svc.EXPORTS[kind]
        await svc.write_table(
            path, "xlsx", export.columns, export.rows(desk.storage, desk.services.zone)
        )
        workbook = await asyncio.to_thread(path.open, "rb")
        try:
            while chunk := await asyncio.to_thread(workbook.read, FILE_CHUNK):
                yield chunk
        finally:
            workbook.close()
    finally:
        await asyncio.to_thread(path.unlink, True)


async def exports_page(desk: Desk) -> Response:
    """List every export with a download per format."""
    counts = {kind: await svc.EXPORTS[kind].count(desk.storage) for kind in svc.EXPORT_KINDS}
    return desk.render(
        "exports.html", nav="exports", kinds=svc.EXPORT_KINDS, formats=svc.FORMATS, counts=counts
    )


async def download(desk: Desk) -> Response:
    """Stream one export."""
    kind = next((k for k in svc.EXPORT_KINDS if k == desk.request.path_params["kind"]), None)
    export_format = next((f for f in svc.FORMATS if f == desk.request.path_params["format"]), None)
    if kind is None or export_format is None:
        raise HTTPException(404)
    stamp = desk.now.astimezone(desk.services.zone).strftime("%Y%m%d-%H%M")
    filename = f"{svc.EXPORTS[kind].filename}-{stamp}.{export_format}"
    # Recorded as the download starts (with the rows it holds): a browser may stop reading.
    rows = await svc.EXPORTS[kind].count(desk.storage)
    await desk.storage.audit.record(
        desk.actor, f"export.{kind}.{export_format}", str(rows), desk.now
    )
    body = stream_csv(desk, kind) if export_format == "csv" else stream_xlsx(desk, kind)
    return StreamingResponse(
        body,
        media_type=MEDIA_TYPES[export_format],
        headers={"content-disposition": f'attachment; filename="{filename}"'},
    )


MENU: Final = (MenuEntry("exports", "/ekspor"),)

PAGES: Final = (
    Page("/ekspor", exports_page),
    Page("/ekspor/{kind}.{format}", download),
)
