"""Participants' answers about handed-over equipment and the problem cases they open.

"Belum diterima" and "Rusak / tidak sesuai" open a case that every officer is told about at
once through the outbox, with the proof photo when there is one; a photo or note sent
afterwards follows the case; an officer resolves it with a note and the participant is told.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo

from handlers.conversation import texts
from handlers.conversation.messages import Button, Reply
from handlers.conversation.outbox import notify_participant, stored
from handlers.conversation.timefmt import format_datetime
from handlers.equipment.buttons import AskItem, ResolveCase
from handlers.equipment.messages import item_text
from handlers.equipment.rules import (
    CaseAction,
    EquipmentRefused,
    case_action,
    check_answerable,
    problem,
)
from handlers.participants.validation import mask_nik
from storage import Storage
from storage.db import db_time
from storage.models import Allocation, Confirmation, EquipmentCase, Participant

CaseEvent = Literal["open", "change", "photo", "note", "closed", "detail"]


@dataclass(frozen=True)
class CaseView:
    """A case with the allocation it is about and the participant who reported it."""

    case: EquipmentCase
    allocation: Allocation
    participant: Participant


@dataclass(frozen=True)
class AnswerOutcome:
    """What an answer changed: the allocation as it is now, and its case, if any."""

    allocation: Allocation
    action: CaseAction
    case_id: int | None


async def load_case(storage: Storage, case_id: int) -> CaseView | None:
    """Return a case with its allocation and participant."""
    case = await storage.equipment_cases.get(case_id)
    if case is None:
        return None
    allocation = await storage.allocations.get(case.allocation_id)
    assert allocation is not None  # noqa: S101 - cases reference existing allocations
    participant = await storage.participants.get(allocation.participant_id)
    assert participant is not None  # noqa: S101 - allocations reference existing participants
    return CaseView(case, allocation, participant)


def case_text(language: str, view: CaseView, zone: ZoneInfo, event: CaseEvent) -> str:
    """Describe a case to an officer: who, what, the answer, the handover, notes, state."""
    case, allocation, participant = view.case, view.allocation, view.participant
    if event == "closed":
        return texts.text(
            language,
            "alatp.case.closed_by_participant",
            case=case.id,
            item=allocation.item_name,
            name=participant.full_name or "-",
        )
    handed = allocation.handed_over_at
    body = texts.text(
        language,
        "alatp.case.body",
        name=participant.full_name or "-",
        nik=mask_nik(participant.nik or ""),
        business=participant.business_name or "-",
        item=item_text(language, allocation),
        kind=texts.text(language, f"alat.answer.{case.kind}"),
        handed="-" if handed is None else format_datetime(handed, zone, language),
        by=allocation.handed_over_by or "-",
        opened=format_datetime(case.opened_at, zone, language),
    )
    if case.note:
        body += texts.text(language, "alatp.case.note", note=case.note)
    if case.resolved_at is not None:
        body += texts.text(
            language,
            "alatp.case.resolved",
            when=format_datetime(case.resolved_at, zone, language),
            resolution=case.resolution or texts.text(language, "alatp.case.by_participant"),
        )
    header = texts.text(language, f"alatp.case.header.{event}", case=case.id)
    return header + "\n" + body


def resolve_button(language: str, case_id: int) -> Button:
    """Return the button that starts resolving a case."""
    return Button(
        texts.text(language, "alatp.btn.resolve", case=case_id),
        ResolveCase(case_id).pack(),
    )


def officer_message(language: str, view: CaseView, zone: ZoneInfo, event: CaseEvent) -> Reply:
    """Compose a case alert or detail for an officer, with the photo and the resolve button."""
    text = case_text(language, view, zone, event)
    if event == "closed":
        return Reply(text)
    buttons = () if view.case.resolved_at else ((resolve_button(language, view.case.id),),)
    photo = None if event == "note" else view.case.photo_file_id
    return Reply(text, buttons=buttons, photo_file_id=photo)


async def alert_officers(
    storage: Storage, view: CaseView, event: CaseEvent, now: datetime, zone: ZoneInfo
) -> int:
    """Tell every officer about a case event through the outbox; return rows queued."""
    case = view.case
    if event == "open":
        prefix = f"case:{case.id}"
    else:
        # Each event gets its own key: a second photo is a new message, a repeat is not.
        seen = f"{db_time(now)}|{case.kind}|{case.photo_file_id}|{case.note}"
        prefix = f"case:{case.id}:{event}:{hashlib.sha256(seen.encode()).hexdigest()[:12]}"
    queued = 0
    for officer in await storage.officers.list_all():
        contact = await storage.contacts.get(officer.channel, officer.address)
        language = contact.language if contact is not None else texts.DEFAULT_LANGUAGE
        reply = officer_message(language, view, zone, event)
        key = f"{prefix}:officer:{officer.id}"
        queued += int(
            await storage.outbox.enqueue(key, officer.channel, officer.address, stored(reply), now)
        )
    return queued


async def record_answer(
    storage: Storage,
    allocation: Allocation,
    answer: Confirmation,
    *,
    actor: str,
    now: datetime,
    zone: ZoneInfo,
) -> AnswerOutcome:
    """Store a participant's answer and open, change or close the problem case it implies."""
    check_answerable(allocation)
    action = case_action(allocation.confirmation, answer, allocation.open_case_id is not None)
    async with storage.db.transaction():
        await storage.allocations.confirm(allocation.id, answer, now)
        case_id = allocation.open_case_id
        if action == "open":
            case_id = (await storage.equipment_cases.open(allocation.id, problem(answer), now)).id
        elif action == "change" and case_id is not None:
            await storage.equipment_cases.set_kind(case_id, problem(answer), now)
        elif action == "close" and case_id is not None:
            await storage.equipment_cases.resolve(case_id, actor, None, now)
        await storage.audit.record(actor, f"allocation.confirm.{answer}", _target(allocation), now)
        if case_id is not None and action != "none":
            await _alert(storage, case_id, "closed" if action == "close" else action, now, zone)
        updated = await storage.allocations.get(allocation.id)
    assert updated is not None  # noqa: S101 - read back in the same transaction
    return AnswerOutcome(updated, action, updated.open_case_id)


async def add_photo(
    storage: Storage,
    allocation: Allocation,
    photo_file_id: str,
    *,
    actor: str,
    now: datetime,
    zone: ZoneInfo,
) -> int | None:
    """Keep a proof photo; return the open case it was forwarded with, if any."""
    async with storage.db.transaction():
        await storage.allocations.set_photo(allocation.id, photo_file_id, now)
        await storage.audit.record(actor, "allocation.photo", _target(allocation), now)
        if allocation.open_case_id is None:
            return None
        await storage.equipment_cases.set_photo(allocation.open_case_id, photo_file_id, now)
        await _alert(storage, allocation.open_case_id, "photo", now, zone)
    return allocation.open_case_id


async def add_note(
    storage: Storage,
    allocation: Allocation,
    note: str,
    *,
    actor: str,
    now: datetime,
    zone: ZoneInfo,
) -> int | None:
    """Keep the participant's note; return the open case it was forwarded with, if any."""
    async with storage.db.transaction():
        await storage.allocations.set_note(allocation.id, note, now)
        await storage.audit.record(actor, "allocation.note", _target(allocation), now)
        if allocation.open_case_id is None:
            return None
        await storage.equipment_cases.set_note(allocation.open_case_id, note, now)
        await _alert(storage, allocation.open_case_id, "note", now, zone)
    return allocation.open_case_id


async def resolve_case(
    storage: Storage, case_id: int, resolution: str, *, actor: str, now: datetime
) -> tuple[CaseView, int]:
    """Close a case with the officer's note and tell the participant; return it and chats told."""
    async with storage.db.transaction():
        view = await load_case(storage, case_id)
        if view is None:
            raise EquipmentRefused("unknown_case")
        if not await storage.equipment_cases.resolve(case_id, actor, resolution, now):
            raise EquipmentRefused("case_closed")
        await storage.audit.record(actor, "case.resolve", f"case:{case_id}", now)
        resolved = await load_case(storage, case_id)
        assert resolved is not None  # noqa: S101 - read back in the same transaction
        allocation = resolved.allocation

        def compose(language: str) -> Reply:
            body = texts.text(
                language,
                "alat.case_resolved",
                item=item_text(language, allocation),
                case=case_id,
                resolution=resolution,
            )
            change = Button(
                texts.text(language, "alat.btn.change", item=allocation.item_name),
                AskItem(allocation.id).pack(),
            )
            return Reply(body, buttons=((change,),))

        told = await notify_participant(
            storage, allocation.participant_id, f"case:{case_id}:resolved", compose, now
        )
    return resolved, told


async def _alert(
    storage: Storage, case_id: int, event: CaseEvent, now: datetime, zone: ZoneInfo
) -> None:
    view = await load_case(storage, case_id)
    assert view is not None  # noqa: S101 - the case was just written in this transaction
    await alert_officers(storage, view, event, now, zone)


def _target(allocation: Allocation) -> str:
    return f"allocation:{allocation.id}"
