"""Alat: items, the allocations table, sheet upload, handover, problem cases, BAST files."""

from __future__ import annotations

import asyncio
import io
import tempfile
import zipfile
from pathlib import Path
from typing import Final
from urllib.parse import urlencode

from starlette.exceptions import HTTPException
from starlette.responses import Response

from handlers.console import services as svc
from handlers.console.web import Desk, MenuEntry, Page
from storage.directory import ALLOCATION_STATES, AllocationQuery

PAGE_SIZE: Final = 50
# An allocation sheet of a few thousand rows is well under this.
MAX_SHEET: Final = 2 * 1024 * 1024
SHEET_SUFFIXES: Final = (".csv", ".xlsx")
# The bounded reader the CLI imports use, with the console's smaller upload cap.
SHEET_LIMITS: Final = svc.TableLimits(max_rows=20_000, max_file_bytes=MAX_SHEET)
MAX_HANDOVER: Final = 200
FILTERS: Final = ("q", "item", "state", "session")


def _officer_label(desk: Desk) -> str:
    """Return the name the BAST shows for the officer who handed over (as chat does)."""
    return desk.officer.display_name or svc.texts.text(
        "id", "alatp.officer_label", id=desk.officer.id
    )


def _equipment_error(desk: Desk, error: svc.EquipmentRefused) -> str:
    return desk.t(f"equipment.refused.{error.reason}")


async def overview(desk: Desk) -> Response:
    """Show the items and the allocations table with its filters."""
    items = await desk.storage.equipment_items.list_all()
    item, state, session, page = (
        desk.query("item"),
        desk.query("state"),
        desk.query("session"),
        desk.query("page"),
    )
    query = AllocationQuery(
        text=desk.query("q")[:100],
        item_id=int(item) if item.isdigit() and len(item) < 12 else None,
        state=next((known for known in ALLOCATION_STATES if known == state), None),
        session_id=int(session) if session.isdigit() and len(session) < 12 else None,
        page=int(page) if page.isdigit() and 0 < len(page) < 7 else 1,
        page_size=PAGE_SIZE,
    )
    rows, total = await desk.storage.directory.allocations(query)
    pages = max(1, -(-total // PAGE_SIZE))
    kept = {name: desk.query(name) for name in FILTERS if desk.query(name)}

    def link(number: int) -> str:
        return "?" + urlencode({**kept, "page": str(number)})

    return desk.render(
        "equipment.html",
        nav="equipment",
        items=items,
        rows=rows,
        total=total,
        query=query,
        page=min(query.page, pages),
        pages=pages,
        link=link,
        states=ALLOCATION_STATES,
        sessions=await desk.storage.sessions.list_availability(),
        open_cases=await desk.storage.equipment_cases.count_open(),
        mask=svc.mask_nik,
    )


async def add_item(desk: Desk) -> Response:
    """Add a kind of equipment."""
    try:
        await svc.add_item(
            desk.storage,
            desk.value("name"),
            desk.value("unit") or "buah",
            actor=desk.actor,
            now=desk.now,
        )
    except svc.EquipmentRefused as error:
        return desk.redirect("/alat", f"equipment.refused.{error.reason}")
    return desk.redirect("/alat", "ok.saved")


async def upload_form(desk: Desk) -> Response:
    """Show the allocation sheet upload form."""
    return desk.render("upload.html", nav="equipment", result=None)


async def upload(desk: Desk) -> Response:
    """Import an allocation sheet; report each bad row's line and reasons in the reader's words."""
    sheet = desk.upload("sheet")
    suffix = Path(sheet.filename or "").suffix.lower() if sheet is not None else ""
    if sheet is None or suffix not in SHEET_SUFFIXES:
        return desk.render(
            "upload.html",
            status=422,
            nav="equipment",
            result=None,
            error=desk.t("upload.wrong_type"),
        )
    content = await sheet.read(MAX_SHEET + 1)
    if len(content) > MAX_SHEET:
        return desk.render(
            "upload.html",
            status=413,
            nav="equipment",
            result=None,
            error=desk.t("refused.too_large"),
        )
    try:
        parsed = await asyncio.to_thread(_parse, content, suffix)
    except (svc.TableError, svc.SheetError) as error:
        return desk.render(
            "upload.html",
            status=422,
            nav="equipment",
            result=None,
            error=svc.render(error, desk.language),
        )
    report = await svc.import_allocations(
        desk.storage, parsed.rows, actor=desk.actor, now=desk.now
    )
    bad = sorted([*parsed.bad, *report.bad], key=lambda row: row.line)
    return desk.render(
        "upload.html",
        status=200,
        nav="equipment",
        result=report,
        bad=[svc.render(row, desk.language) for row in bad],
        filename=Path(sheet.filename or "").name[:100],
    )


def _parse(content: bytes, suffix: str) -> svc.ParsedAllocationSheet:
    """Read the uploaded bytes as a sheet (through a temporary file, as the CLI reads one)."""
    with tempfile.TemporaryDirectory(prefix="wub-upload-") as folder:
        path = Path(folder) / f"upload{suffix}"
        path.write_bytes(content)
        return svc.parse_allocation_sheet(svc.read_table(path, SHEET_LIMITS))


async def handover(desk: Desk) -> Response:
    """Record the handover of everything waiting for one or many participants."""
    chosen = [] if desk.form is None else desk.form.getlist("participant")
    ids = sorted(
        {
            int(value)
            for value in chosen
            if isinstance(value, str) and value.isdigit() and len(value) < 12
        }
    )
    if not ids or len(ids) > MAX_HANDOVER:
        return desk.redirect("/alat", "equipment.refused.nothing_chosen")
    done, refused = 0, 0
    for participant_id in ids:
        participant = await desk.storage.participants.get(participant_id)
        if participant is None or participant.deleted_at is not None:
            refused += 1
            continue
        try:
            await svc.hand_over(
                desk.storage,
                participant,
                officer=_officer_label(desk),
                actor=desk.actor,
                now=desk.now,
            )
        except svc.EquipmentRefused:
            refused += 1
            continue
        done += 1
    back = desk.value("back")
    target = back if back.startswith("/peserta/") and back[9:].isdigit() else "/alat"
    return desk.redirect(
        target, "ok.handed_over" if done else "equipment.refused.nothing_to_hand_over"
    )


async def cases(desk: Desk) -> Response:
    """Show the open problem cases, oldest first."""
    found = []
    for case in await desk.storage.equipment_cases.list_open(limit=200):
        view = await svc.load_case(desk.storage, case.id)
        if view is not None:
            found.append(view)
    return desk.render("cases.html", nav="equipment", cases=found)


async def case_page(desk: Desk) -> Response:
    """Show one case with its photo and the resolve form."""
    view = await svc.load_case(desk.storage, desk.int_param("case_id"))
    if view is None:
        raise HTTPException(404)
    return desk.render("case.html", nav="equipment", view=view, mask=svc.mask_nik)


async def resolve(desk: Desk) -> Response:
    """Close a case with the officer's note; the participant is told."""
    case_id = desk.int_param("case_id")
    note = " ".join(desk.value("resolution").split())
    if not 1 <= len(note) <= 500:
        return desk.redirect(f"/alat/kasus/{case_id}", "equipment.refused.note")
    try:
        await svc.resolve_case(desk.storage, case_id, note, actor=desk.actor, now=desk.now)
    except svc.EquipmentRefused as error:
        return desk.redirect(f"/alat/kasus/{case_id}", f"equipment.refused.{error.reason}")
    return desk.redirect("/alat/kasus", "ok.case_resolved")


async def bast(desk: Desk) -> Response:
    """Download a participant's BAST (PDF)."""
    participant = await desk.storage.participants.get(desk.int_param("participant_id"))
    if participant is None:
        raise HTTPException(404)
    try:
        document = await svc.load_bast(desk.storage, participant)
    except svc.EquipmentRefused as error:
        return desk.redirect(f"/peserta/{participant.id}", f"equipment.refused.{error.reason}")
    content = await asyncio.to_thread(
        svc.render_bast, document, desk.services.zone, desk.now, desk.language
    )
    await desk.storage.audit.record(
        desk.actor, "bast.download", f"participant:{participant.id}", desk.now
    )
    return Response(
        content,
        media_type="application/pdf",
        headers={"content-disposition": f'attachment; filename="{svc.bast_filename(document)}"'},
    )


async def bast_zip(desk: Desk) -> Response:
    """Download one zip of the BAST of everyone in a session who was handed something."""
    session = await desk.storage.sessions.get(desk.int_param("session_id"))
    if session is None:
        raise HTTPException(404)
    documents = []
    for member in await desk.storage.enrollments.members(session.id, ("enrolled",)):
        try:
            documents.append(await svc.load_bast(desk.storage, member.participant))
        except svc.EquipmentRefused:
            continue
    if not documents:
        return desk.redirect(f"/sesi/{session.id}/hadir", "equipment.refused.nothing_handed_over")
    zone, now, language = desk.services.zone, desk.now, desk.language

    def build() -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for document in documents:
                archive.writestr(
                    svc.bast_filename(document), svc.render_bast(document, zone, now, language)
                )
        return buffer.getvalue()

    content = await asyncio.to_thread(build)
    await desk.storage.audit.record(desk.actor, "bast.zip", session.code, desk.now)
    name = f"BAST-{session.code}.zip"
    return Response(
        content,
        media_type="application/zip",
        headers={"content-disposition": f'attachment; filename="{name}"'},
    )


async def _photo(desk: Desk, reference: str | None) -> Response:
    source = desk.console.photos
    if reference is None or source is None:
        raise HTTPException(404)
    found = await source.fetch(reference)
    if found is None:
        raise HTTPException(404)
    content, media_type = found
    return Response(
        content, media_type=media_type, headers={"cache-control": "private, max-age=300"}
    )


async def allocation_photo(desk: Desk) -> Response:
    """Show the proof photo of an allocation."""
    allocation = await desk.storage.allocations.get(desk.int_param("allocation_id"))
    return await _photo(desk, None if allocation is None else allocation.photo_file_id)


async def case_photo(desk: Desk) -> Response:
    """Show the photo of a problem case."""
    case = await desk.storage.equipment_cases.get(desk.int_param("case_id"))
    return await _photo(desk, None if case is None else case.photo_file_id)


MENU: Final = (MenuEntry("equipment", "/alat"),)

PAGES: Final = (
    Page("/alat", overview),
    Page("/alat/barang", add_item, methods=("POST",)),
    Page("/alat/unggah", upload_form),
    Page("/alat/unggah", upload, methods=("POST",), max_body=MAX_SHEET + 64 * 1024, files=1),
    Page("/alat/serah", handover, methods=("POST",)),
    Page("/alat/kasus", cases),
    Page("/alat/kasus/{case_id}", case_page),
    Page("/alat/kasus/{case_id}", resolve, methods=("POST",)),
    Page("/alat/bast/{participant_id}", bast),
    Page("/alat/bast-sesi/{session_id}", bast_zip),
    Page("/foto/alokasi/{allocation_id}", allocation_photo),
    Page("/foto/kasus/{case_id}", case_photo),
)
