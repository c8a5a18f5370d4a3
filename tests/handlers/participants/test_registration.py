"""Registration through the router: the happy path and what goes wrong at each step."""

from __future__ import annotations

from storage import Storage
from tests.support.chat import GOOD_NIK, Chat, add_session, register


async def count(storage: Storage, table: str) -> int:
    return int(await storage.db.fetch_value(f"SELECT COUNT(*) FROM {table}"))  # noqa: S608


async def test_full_registration_stores_participant_contact_enrollment_audit(
    chat: Chat, storage: Storage
) -> None:
    session = await add_session(storage)
    await register(chat)
    assert "Pendaftaran berhasil" in chat.said
    participant = await storage.participants.get_by_nik(GOOD_NIK)
    assert participant is not None
    assert participant.full_name == "Siti Aminah"
    assert participant.phone == "+6281234567890"
    assert participant.kecamatan == "Cikarang Utara"
    contact = await storage.contacts.get("telegram", "1001")
    assert contact is not None and contact.participant_id == participant.id
    enrolled = await storage.enrollments.for_participant(participant.id)
    assert [(e.session.id, e.enrollment.status) for e in enrolled] == [(session.id, "enrolled")]
    assert [entry.action for entry in await storage.audit.latest()] == ["participant.register"]
    assert await storage.conversations.get("telegram", "1001") is None
