"""Peserta: find participants, read one in full, correct a field, reveal a NIK, erase."""

from __future__ import annotations

from typing import Final
from urllib.parse import urlencode

from starlette.exceptions import HTTPException
from starlette.responses import Response

from handlers.console import services as svc
from handlers.console.web import Desk, MenuEntry, Page
from storage.directory import (
    EQUIPMENT_FILTERS,
    SORT_KEYS,
    STATUS_FILTERS,
    DirectoryQuery,
)
from storage.models import Participant
from storage.participants import EDITABLE_FIELDS

PAGE_SIZE: Final = 50
FILTERS: Final = ("q", "session", "status", "kecamatan", "sector", "equipment", "sort", "dir")


def _choice(value: str, options: tuple[str, ...]) -> str | None:
    return value if value in options else None


def read_query(desk: Desk) -> DirectoryQuery:
    """Return the list's query from the address, ignoring anything not among the choices."""
    services = desk.services
    session = desk.query("session")
    page = desk.query("page")
    return DirectoryQuery(
        text=desk.query("q")[:100],
        session_id=int(session) if session.isdigit() and len(session) < 12 else None,
        status=_choice(desk.query("status"), STATUS_FILTERS),  # type: ignore[arg-type]
        kecamatan=_choice(desk.query("kecamatan"), tuple(services.region.kecamatan)),
        sector=_choice(desk.query("sector"), tuple(services.sectors)),
        equipment=_choice(desk.query("equipment"), EQUIPMENT_FILTERS),  # type: ignore[arg-type]
        sort=_choice(desk.query("sort"), SORT_KEYS) or "name",  # type: ignore[arg-type]
        descending=desk.query("dir") == "desc",
        page=int(page) if page.isdigit() and 0 < len(page) < 7 else 1,
        page_size=PAGE_SIZE,
    )


async def list_people(desk: Desk) -> Response:
    """Show one page of participants matching the search and filters."""
    query = read_query(desk)
    found = await desk.storage.directory.page(query)
    pages = max(1, -(-found.total // PAGE_SIZE))
    kept = {name: desk.query(name) for name in FILTERS if desk.query(name)}

    def link(page: int, **changes: str) -> str:
        return "?" + urlencode({**kept, **changes, "page": str(page)})

    def sort_link(key: str) -> str:
        descending = query.sort == key and not query.descending
        return link(1, sort=key, dir="desc" if descending else "asc")

    return desk.render(
        "people.html",
        nav="people",
        query=query,
        rows=found.rows,
        total=found.total,
        page=min(query.page, pages),
        pages=pages,
        link=link,
        sort_link=sort_link,
        sessions=await desk.storage.sessions.list_availability(),
        sectors=desk.services.sectors,
        kecamatan=desk.services.region.kecamatan,
        statuses=STATUS_FILTERS,
        equipment_states=EQUIPMENT_FILTERS,
        mask=svc.mask_nik,
    )


async def _participant(desk: Desk) -> Participant:
    participant = await desk.storage.participants.get(desk.int_param("participant_id"))
    if participant is None:
        raise HTTPException(404)
    return participant


async def show_person(
    desk: Desk, *, error: str | None = None, nik: str | None = None, status: int = 200
) -> Response:
    """Show a participant: profile, sessions, equipment, tickets, chats and audit trail."""
    participant = await _participant(desk)
    storage = desk.storage
    allocations = await storage.allocations.for_participant(participant.id)
    cases = {
        allocation.id: await storage.equipment_cases.latest_for_allocation(allocation.id)
        for allocation in allocations
    }
    return desk.render(
        "person.html",
        status=status,
        nav="people",
        person=participant,
        shown_nik=nik or svc.mask_nik(participant.nik or ""),
        nik_revealed=nik is not None,
        enrollments=await storage.enrollments.for_participant(participant.id),
        allocations=allocations,
        cases=cases,
        contacts=await storage.contacts.for_participant(participant.id),
        tickets=await storage.tickets.for_participant(participant.id),
        trail=await storage.audit.about(
            (f"participant:{participant.id}", str(participant.id)),
            f"participant:{participant.id}",
            limit=30,
        ),
        fields=EDITABLE_FIELDS,
        sectors=desk.services.sectors,
        kecamatan=desk.services.region.kecamatan,
        error=error,
    )


async def person_page(desk: Desk) -> Response:
    """Show a participant."""
    return await show_person(desk)


async def edit_person(desk: Desk) -> Response:
    """Change one field of a participant, validated as chat validates it."""
    participant = await _participant(desk)
    field = desk.value("field")
    try:
        changed = await svc.edit_participant(
            desk.storage,
            participant.id,
            field,
            desk.value("value"),
            sectors=desk.services.sectors,
            kecamatan=desk.services.region.kecamatan,
            actor=desk.actor,
            now=desk.now,
        )
    except svc.ParticipantEditRefused as error:
        return await show_person(desk, error=desk.t(error.key), status=422)
    ok = "ok.saved" if changed else "ok.unchanged"
    return desk.redirect(f"/peserta/{participant.id}", ok)


async def reveal(desk: Desk) -> Response:
    """Show an admin the full NIK, recording that they looked."""
    participant = await _participant(desk)
    try:
        nik = await svc.reveal_nik(desk.storage, participant.id, actor=desk.actor, now=desk.now)
    except svc.ParticipantEditRefused as error:
        return await show_person(desk, error=desk.t(error.key), status=422)
    return await show_person(desk, nik=nik)


async def erase(desk: Desk) -> Response:
    """Erase a participant's personal data (admins, after ticking the confirmation)."""
    participant = await _participant(desk)
    if desk.value("confirm") != "yes":
        return await show_person(desk, error=desk.t("person.erase_unconfirmed"), status=422)
    try:
        await svc.erase_by_officer(desk.storage, participant.id, actor=desk.actor, now=desk.now)
    except svc.ParticipantEditRefused as error:
        return await show_person(desk, error=desk.t(error.key), status=422)
    return desk.redirect("/peserta", "ok.erased")


MENU: Final = (MenuEntry("people", "/peserta"),)

PAGES: Final = (
    Page("/peserta", list_people),
    Page("/peserta/{participant_id}", person_page),
    Page("/peserta/{participant_id}/ubah", edit_person, methods=("POST",)),
    Page("/peserta/{participant_id}/nik", reveal, methods=("POST",), admin=True),
    Page("/peserta/{participant_id}/hapus", erase, methods=("POST",), admin=True),
)
