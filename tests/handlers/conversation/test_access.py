"""Every officer command, button and flow, tried by a participant: refused, audited, no effect."""

from __future__ import annotations

from typing import Any

import pytest

from handlers.conversation.messages import Reply
from handlers.conversation.router import Router
from handlers.conversation.turn import Services
from storage import Storage
from tests.support.chat import NOW, Chat, add_session
from tests.support.officers import ADMIN, OFFICER, allocate, enroll, make_officer, person
from tests.support.tables import table_rows

PARTICIPANT = "1"
REFUSAL = "Maaf, perintah ini hanya untuk petugas."

COMMANDS = [
    "/sesi",
    "/kelolaalat",
    "/kasus",
    "/siaran",
    "/rekap",
    "/ekspor",
    "/petugas",
    "/tiket",
    "/peserta",
    "/peserta Peserta",
    "/peserta 3216010101000001",
    "/faq",
]
BUTTONS = [
    "sesi:list",
    "sesi:show:{session}",
    "sesi:qr:{session}",
    "sesi:hadir:{session}:0",
    "sesi:mark:{session}:{enrollment}",
    "sesi:cancel:{session}",
    "sesi:cancelok:{session}",
    "sesi:open:{session}",
    "sesi:close:{session}",
    "sesi:move:{session}",
    "sesi:new",
    "alatp:menu",
    "alatp:alloc",
    "alatp:handover",
    "alatp:bast",
    "alatp:cases",
    "alatp:case:{case}",
    "alatp:resolve:{case}",
    "alatp:bastp:{participant}",
    "ekspor:participants:csv",
    "ekspor:enrollments:xlsx",
    "ekspor:allocations:csv",
    "petugas:list",
    "petugas:add",
    "petugas:role:{officer}",
    "petugas:rm:{officer}",
    "petugas:rmok:{officer}",
    "petugas:name:{officer}",
    "tiket:open",
    "tiket:mine",
    "tiket:answered",
    "tiket:alerts:on",
    "tiket:alerts:off",
    "tiket:show:{ticket}",
    "tiket:take:{ticket}",
    "tiket:reply:{ticket}",
    "tiket:close:{ticket}",
    "tiket:take:99999",
    "tiket:forged:{ticket}",
    "tiket:take:-1",
    "peserta:msg:{participant}",
    "peserta:msg:x",
    "faq:list",
    "faq:add",
    "faq:edit:1",
    "faq:rm:1",
    "faq:rmok:1",
    "faq:imp",
]
# Officer flows a person might still be in (an officer who was removed meanwhile).
FLOWS = [
    ("siaran", "text", {}, "Halo semua"),
    ("siaran", "preview", {"text": "Halo", "audience": "all"}, "siaran:preview:send"),
    ("siaran", "schedule", {"text": "Halo", "audience": "all"}, "2026-12-01 08:00"),
    ("petugas_add", "address", {}, "123456"),
    ("petugas_add", "role", {"address": "123456"}, "petugas_add:role:admin"),
    ("sesi_new", "code", {}, "BTK-09"),
    ("sesi_move", "starts_at", {"session_id": 1}, "2026-12-20 09:00"),
    ("alatp_alloc", "nik", {}, "3216010101000001"),
    ("alatp_bast", "nik", {}, "3216010101000001"),
    ("petugas_name", "name", {"officer_id": 1, "address": "9001"}, "Budi"),
    ("faq_add", "question", {}, "Boleh bawa anak?"),
    ("faq_add", "keywords", {"question": "Boleh?", "answer": "Boleh."}, "faq_add:keywords:none"),
    ("faq_edit", "value", {"faq_id": 1, "field": "answer"}, "Jawaban baru"),
    ("faq_import", "sheet", {}, "question,answer"),
    ("tiket_reply", "text", {"ticket_id": 1}, "Jawaban"),
    ("tiket_close", "note", {"ticket_id": 1}, "tiket_close:note:none"),
    ("tiket_close", "note", {"ticket_id": 1}, "Sudah selesai"),
    ("tiket_new", "text", {"participant_id": 1, "name": "Peserta Nomor B"}, "Halo"),
]


@pytest.fixture
async def ids(storage: Storage) -> dict[str, int]:
    """A session, an enrolled participant (chat 1) with a damaged item, an officer, an admin."""
    session = await add_session(storage)
    participant = await person(storage, 1)
    await enroll(storage, participant, session)
    await allocate(storage, participant, confirmation="damaged")
    await make_officer(storage, OFFICER)
    await make_officer(storage, ADMIN, "admin")
    async with storage.db.transaction():
        case = await storage.equipment_cases.open(1, "damaged", NOW)
        ticket = await storage.tickets.open("telegram", PARTICIPANT, participant.id, NOW)
    officer = await storage.officers.get("telegram", OFFICER)
    enrollment = await storage.enrollments.get_for(participant.id, session.id)
    assert officer is not None and enrollment is not None
    return {
        "session": session.id,
        "participant": participant.id,
        "enrollment": enrollment.id,
        "case": case.id,
        "officer": officer.id,
        "ticket": ticket.id,
    }


async def snapshot(storage: Storage, *skip: str) -> dict[str, list[tuple[Any, ...]]]:
    """Return every row of every table, except the audit log, contacts and those skipped."""
    return await table_rows(storage, "audit_log", "contact", *skip)


async def assert_refused(chat: Chat, storage: Storage, actor: str, before: object) -> None:
    assert [reply.text for reply in chat.last if isinstance(reply, Reply)] == [REFUSAL]
    assert len(chat.last) == 1
    latest = (await storage.audit.latest(1))[0]
    assert latest.actor == actor and latest.action.startswith("denied:")


@pytest.mark.parametrize("command", COMMANDS)
async def test_officer_commands_refuse_participants(
    router: Router, services: Services, storage: Storage, ids: dict[str, int], command: str
) -> None:
    chat = Chat(router, services, PARTICIPANT)
    before = await snapshot(storage)
    await chat.text(command)
    await assert_refused(chat, storage, "participant:1", before)
    assert await snapshot(storage) == before


@pytest.mark.parametrize("template", BUTTONS)
async def test_officer_buttons_refuse_participants(
    router: Router, services: Services, storage: Storage, ids: dict[str, int], template: str
) -> None:
    chat = Chat(router, services, PARTICIPANT)
    before = await snapshot(storage)
    await chat.payload(template.format(**ids))
    await assert_refused(chat, storage, "participant:1", before)
    assert await snapshot(storage) == before


@pytest.mark.parametrize(("flow", "step", "data", "answer"), FLOWS)
async def test_officer_flows_refuse_and_end_for_a_participant(
    router: Router,
    services: Services,
    storage: Storage,
    ids: dict[str, int],
    flow: str,
    step: str,
    data: dict[str, Any],
    answer: str,
) -> None:
    async with storage.db.transaction():
        await storage.conversations.save("telegram", PARTICIPANT, flow, step, data, NOW)
    chat = Chat(router, services, PARTICIPANT)
    before = await snapshot(storage, "conversation")
    if answer.startswith(f"{flow}:"):
        await chat.payload(answer)
    else:
        await chat.text(answer)
    await assert_refused(chat, storage, "participant:1", before)
    assert await snapshot(storage, "conversation") == before
    assert await storage.conversations.get("telegram", PARTICIPANT) is None


@pytest.mark.parametrize(
    "action",
    [
        "/petugas",
        "petugas:list",
        "petugas:add",
        "petugas:rmok:{officer}",
        "petugas:name:{officer}",
    ],
)
async def test_officer_management_is_for_admins_only(
    router: Router, services: Services, storage: Storage, ids: dict[str, int], action: str
) -> None:
    chat = Chat(router, services, OFFICER)
    before = await snapshot(storage)
    if action.startswith("/"):
        await chat.text(action)
    else:
        await chat.payload(action.format(**ids))
    await assert_refused(chat, storage, f"officer:{ids['officer']}", before)
    assert await snapshot(storage) == before


# Every officer flow at a step whose question shows a participant (or another officer).
FLOW_STEPS = [
    ("alatp_alloc", "item", {"participant_id": 1}),
    ("alatp_alloc", "qty", {"participant_id": 1, "item_id": 1}),
    ("alatp_alloc", "more", {"participant_id": 1}),
    ("alatp_handover", "confirm", {"participant_id": 1}),
    ("alatp_resolve", "note", {"case_id": 1}),
    ("alatp_bast", "nik", {}),
    ("siaran", "preview", {"text": "Halo", "audience": "all", "kind": "all"}),
    ("sesi_new", "title", {"code": "BTK-09"}),
    ("sesi_move", "starts_at", {"session_id": 1}),
    ("petugas_add", "role", {"address": "123456"}),
    ("petugas_name", "name", {"officer_id": 1, "address": "9001"}),
    ("faq_add", "answer", {"question": "Boleh?"}),
    ("faq_edit", "field", {"faq_id": 1}),
    ("faq_import", "sheet", {}),
    ("tiket_reply", "text", {"ticket_id": 1}),
    ("tiket_close", "note", {"ticket_id": 1}),
    ("tiket_new", "text", {"participant_id": 1, "name": "Peserta Nomor B"}),
]
# What re-asks a flow's question instead of answering it.
NOT_ANSWERS = {
    "sticker": lambda chat: chat.kind("unsupported"),
    "edited": lambda chat: chat.kind("edited"),
    "stop": lambda chat: chat.text("STOP"),
    "other_command": lambda chat: chat.text("/jadwal"),
    "unknown_command": lambda chat: chat.text("/terbang"),
    "language_button": lambda chat: chat.payload("lang:id"),
    "reminder_button": lambda chat: chat.payload("rsvp:1:yes"),
}
PERSONAL = ("Peserta Nomor B", "************0001", "Usaha 1", "123456", "BTK-01")


def test_the_table_covers_every_officer_flow(router: Router) -> None:
    participant_flows = {"registration", "profile", "erase", "alat", "kuis", "tanya_ask"}
    assert {flow for flow, _, _ in FLOW_STEPS} == set(router.flows) - participant_flows


@pytest.mark.parametrize("sent", NOT_ANSWERS)
@pytest.mark.parametrize(("flow", "step", "data"), FLOW_STEPS)
async def test_a_removed_officer_is_refused_at_the_question_too(
    router: Router,
    services: Services,
    storage: Storage,
    ids: dict[str, int],
    flow: str,
    step: str,
    data: dict[str, Any],
    sent: str,
) -> None:
    """Removed in the middle of a flow: no question with a participant's data, the flow ends."""
    address = ADMIN if flow.startswith("petugas_") else OFFICER
    async with storage.db.transaction():
        await storage.conversations.save("telegram", address, flow, step, data, NOW)
        await storage.officers.remove("telegram", address)
    chat = Chat(router, services, address)
    before = await snapshot(storage, "conversation")
    await NOT_ANSWERS[sent](chat)
    assert REFUSAL in [reply.text for reply in chat.last if isinstance(reply, Reply)]
    assert not any(value in chat.said for value in PERSONAL), chat.said
    assert await storage.conversations.get("telegram", address) is None
    assert await snapshot(storage, "conversation") == before
    assert (await storage.audit.latest(1))[0].action == f"denied:{flow}"


@pytest.mark.parametrize(("flow", "step", "data"), FLOW_STEPS)
async def test_a_demoted_admin_is_refused_in_admin_flows_only(
    router: Router,
    services: Services,
    storage: Storage,
    ids: dict[str, int],
    flow: str,
    step: str,
    data: dict[str, Any],
) -> None:
    async with storage.db.transaction():
        await storage.conversations.save("telegram", ADMIN, flow, step, data, NOW)
        await storage.officers.add("telegram", ADMIN, "officer", NOW)
    chat = Chat(router, services, ADMIN)
    await chat.kind("unsupported")
    refused = REFUSAL in chat.said
    assert refused == flow.startswith("petugas_")
    if refused:
        assert await storage.conversations.get("telegram", ADMIN) is None
