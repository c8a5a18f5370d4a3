"""Forged, truncated and oversized button payloads, sent to every prefix the router knows.

Telegram lets any client send any callback data, and a WhatsApp reply id is text too. Each
forged payload must get a polite answer, log no ERROR and change nothing in the database,
whoever sends it (a participant, an officer, an admin) and whatever flow they are in. The
prefixes come from the router itself, so a new button family is covered without editing
this file.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import pytest

from handlers.conversation import texts
from handlers.conversation.messages import Reply
from handlers.conversation.router import Router
from handlers.conversation.turn import Services
from storage import Storage
from tests.support.chat import NOW, Chat, add_session
from tests.support.officers import ADMIN, OFFICER, allocate, enroll, make_officer, person
from tests.support.tables import table_rows

PARTICIPANT = "1"
# Numbers a forger might put where the bot writes an id or an index.
BAD_NUMBERS = [
    "²",  # str.isdigit() says yes, int() says no
    "٣",  # Arabic-Indic: int() says yes
    "9" * 19,  # over SQLite's 64-bit integers
    "-1",
    "１",  # fullwidth
    "01",
    "1e3",
    "9" * 5000,
    "\u202e1",
    "' OR 1=1 --",
]
# Action words the bot's own payloads use; a forger pairs them with bad numbers.
ACTIONS = [
    "show", "qr", "hadir", "mark", "cancel", "cancelok", "open", "close", "move", "new",
    "list", "menu", "alloc", "handover", "cases", "case", "resolve", "bast", "bastp",
    "role", "rm", "rmok", "add", "item", "ans", "proof", "next", "edit", "erase",
    "participants", "enrollments", "allocations", "take", "skip", "yes", "no",
    "mulai", "a", "lewati",
]  # fmt: skip
NEW_SESSION = {
    "code": "BTK-09",
    "title": "Bimtek Kemasan",
    "venue": "Aula",
    "starts_at": (NOW + timedelta(days=9)).isoformat(),
    "ends_at": (NOW + timedelta(days=9, hours=6)).isoformat(),
    "capacity": 30,
    "maps_url": None,
}
# A person in each flow, at a step with buttons where there is one.
FLOW_STATES: dict[str, tuple[str, dict[str, Any]]] = {
    "registration": ("sector", {"full_name": "Siti Aminah"}),
    "profile": ("sector", {}),
    "erase": ("confirm", {}),
    "alat": ("proof", {"allocation_id": 1}),
    "sesi_new": ("confirm", NEW_SESSION),
    "sesi_move": ("starts_at", {"session_id": 1}),
    "alatp_alloc": ("item", {"participant_id": 1}),
    "alatp_handover": ("confirm", {"participant_id": 1}),
    "alatp_resolve": ("note", {"case_id": 1}),
    "alatp_bast": ("nik", {}),
    "siaran": ("audience", {"text": "Halo"}),
    "petugas_add": ("role", {"address": "123456"}),
    "kuis": ("answer", {"response": 1}),
    "petugas_name": ("name", {"officer_id": 1, "address": "9001"}),
    "tanya_ask": ("question", {}),
    "faq_add": ("keywords", {"question": "Boleh?", "answer": "Boleh."}),
    "faq_edit": ("field", {"faq_id": 1}),
    "faq_import": ("sheet", {}),
    "tiket_reply": ("text", {"ticket_id": 1}),
    "tiket_close": ("note", {"ticket_id": 1}),
    "tiket_new": ("text", {"participant_id": 1, "name": "Siti"}),
}


def forged(prefix: str) -> list[str]:
    """Return forged payloads for one prefix: bare, truncated, bad numbers, extra parts."""
    payloads = [prefix, f"{prefix}:", f"{prefix}::", prefix + ":" * 40, f"{prefix}:1:2:3:4:5:6"]
    for number in BAD_NUMBERS:
        payloads += [f"{prefix}:{number}", f"{prefix}:{number}:yes", f"{prefix}:{number}:take"]
        payloads += [f"{prefix}:ans:{number}:r", f"{prefix}:hadir:1:{number}"]
    for number in BAD_NUMBERS[:4]:
        payloads += [f"{prefix}:{action}:{number}" for action in ACTIONS]
    return payloads


@pytest.fixture
async def population(storage: Storage) -> None:
    """A session; participant 1 enrolled, one item damaged (open case), one to hand over."""
    session = await add_session(storage)
    participant = await person(storage, 1)
    await enroll(storage, participant, session)
    await allocate(storage, participant, confirmation="damaged")
    await allocate(storage, participant, item_id=2, handed_over=False)
    await make_officer(storage, OFFICER)
    await make_officer(storage, ADMIN, "admin")
    async with storage.db.transaction():
        await storage.equipment_cases.open(1, "damaged", NOW)


async def answering_the_evaluation(storage: Storage) -> None:
    """Participant 1 invited to the default evaluation of session 1: response 1."""
    async with storage.db.transaction():
        invitation = await storage.quizzes.invite(
            1, 1, "post", ["evaluasi"], NOW, NOW + timedelta(days=7)
        )
        assert invitation is not None
        await storage.quizzes.start(invitation.id, 1, "evaluasi", NOW)


async def snapshot(storage: Storage) -> dict[str, list[tuple[Any, ...]]]:
    """Return every row of every table but the audit log and contacts' last-seen times."""
    return await table_rows(storage, "audit_log", "contact")


def prefixes(router: Router) -> list[str]:
    return router.prefixes()


async def send_all(chat: Chat, payloads: list[str], caplog: pytest.LogCaptureFixture) -> None:
    apology = texts.labels("error")
    for payload in payloads:
        replies = await chat.payload(payload)
        said = [reply.text for reply in replies if isinstance(reply, Reply)]
        assert replies, f"no answer to {payload[:60]!r}"
        assert not apology & set(said), f"apology for {payload[:60]!r}"
    errors = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert not errors, [record.getMessage() for record in errors]


def test_every_flow_has_a_state_here(router: Router) -> None:
    assert set(FLOW_STATES) == set(router.flows)


@pytest.mark.usefixtures("population")
@pytest.mark.parametrize("sender", [PARTICIPANT, OFFICER, ADMIN])
async def test_forged_payloads_to_every_prefix_change_nothing(
    router: Router,
    services: Services,
    storage: Storage,
    caplog: pytest.LogCaptureFixture,
    sender: str,
) -> None:
    caplog.set_level(logging.WARNING)
    before = await snapshot(storage)
    chat = Chat(router, services, sender)
    for prefix in prefixes(router):
        await send_all(chat, forged(prefix), caplog)
        assert await snapshot(storage) == before, prefix


@pytest.mark.usefixtures("population")
@pytest.mark.parametrize("flow", sorted(FLOW_STATES))
async def test_forged_payloads_inside_every_flow_change_nothing(
    router: Router,
    services: Services,
    storage: Storage,
    caplog: pytest.LogCaptureFixture,
    flow: str,
) -> None:
    caplog.set_level(logging.WARNING)
    sender = ADMIN if flow.startswith("petugas_") else OFFICER
    if flow in ("registration", "profile", "erase", "alat", "kuis"):
        sender = PARTICIPANT
    step, data = FLOW_STATES[flow]
    if flow == "kuis":
        await answering_the_evaluation(storage)
    async with storage.db.transaction():
        await storage.conversations.save("telegram", sender, flow, step, data, NOW)
    before = await snapshot(storage)
    chat = Chat(router, services, sender)
    payloads = forged(flow) + [f"{flow}:{step}:{number}" for number in BAD_NUMBERS]
    payloads += [f"{flow}:{step}", f"{flow}:{step}:", f"{flow}:{step}:1:2"]
    await send_all(chat, payloads, caplog)
    assert await snapshot(storage) == before
