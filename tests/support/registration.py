"""Walk a registration to any step, and look at what the database holds meanwhile."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from handlers.conversation import texts
from storage import Storage
from storage.models import NewParticipant
from tests.support.chat import GOOD_NIK, NOW, OTHER_NIK, Chat, add_session

# Every step the registration conversation can wait at, in the order a person meets them.
STEPS = (
    "consent",
    "full_name",
    "nik",
    "phone",
    "business_name",
    "sector",
    "kecamatan",
    "kecamatan_confirm",
    "session",
    "waitlist",
    "summary",
    "pick",
)
FREE_TITLE = "Bimtek Batik Tulis"
FULL_TITLE = "Bimtek Roti dan Kue"
GENERIC_ERROR = texts.ID["error"]


async def seed_sessions(storage: Storage) -> None:
    """Add a session with free places and a full one (its only place taken by someone else)."""
    await add_session(storage, "BTK-01", capacity=30, title=FREE_TITLE)
    full = await add_session(
        storage, "BTK-02", capacity=1, starts_in=timedelta(days=5), title=FULL_TITLE
    )
    async with storage.db.transaction():
        other = await storage.participants.create(
            NewParticipant(
                nik=OTHER_NIK,
                full_name="Peserta Lain",
                phone="+6281200000001",
                business_name="Roti Lain",
                sector="Makanan & Minuman",
                kecamatan="Setu",
            ),
            NOW,
        )
        await storage.enrollments.enroll(other.id, full.id, "enrolled", NOW)


def label_starting(chat: Chat, prefix: str) -> str:
    """Return the label of the button in the latest replies that starts with prefix."""
    for label in chat.labels():
        if label.startswith(prefix):
            return label
    raise AssertionError(f"no button starting {prefix!r} in {chat.labels()}")


async def walk_to(chat: Chat, step: str, *, nik: str = GOOD_NIK) -> None:
    """Answer every question before step correctly, so the conversation waits at step."""
    await chat.text("/daftar")
    answers = (
        ("full_name", chat.press, "Setuju"),
        ("nik", chat.text, "Siti Aminah"),
        ("phone", chat.text, nik),
        ("business_name", chat.contact, "+62 812-3456-7890"),
        ("sector", chat.text, "Batik Siti"),
        ("kecamatan", chat.press, "Batik & Tekstil"),
    )
    if step == "consent":
        return
    for reached, answer, value in answers:
        await answer(value)
        if reached == step:
            return
    if step == "kecamatan_confirm":
        await chat.text("cikarang utr")
        return
    await chat.text("Cikarang Utara")
    if step == "session":
        return
    if step == "waitlist":
        await chat.press(label_starting(chat, FULL_TITLE))
        return
    await chat.press(label_starting(chat, FREE_TITLE))
    if step == "summary":
        return
    assert step == "pick", step
    await chat.press("Ubah")


async def conversation_of(storage: Storage, chat: Chat) -> tuple[str, str, dict[str, Any]] | None:
    """Return the stored flow, step and data of the chat's conversation."""
    found = await storage.conversations.get("telegram", chat.address)
    return None if found is None else (found.flow, found.step, dict(found.data))


async def stored_records(storage: Storage) -> dict[str, list[tuple[Any, ...]]]:
    """Return every row a registration may write (participant, enrollment, audit log)."""
    result = {}
    for table in ("participant", "enrollment", "audit_log"):
        rows = await storage.db.fetch_all(f"SELECT * FROM {table} ORDER BY id")  # noqa: S608
        result[table] = [tuple(row) for row in rows]
    return result


def says(chat: Chat, key: str, language: str = "id") -> bool:
    """Tell whether the latest replies contain the fixed part of a catalogue entry."""
    fixed = max(re.split(r"\{\w*\}", texts.CATALOGUES[language][key]), key=len)
    assert fixed.strip(), key
    return fixed in chat.said
