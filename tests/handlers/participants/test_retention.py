"""Retention: participants whose every session ended long ago lose their personal data."""

from __future__ import annotations

from datetime import timedelta

from handlers.participants.retention import erase_expired
from storage import Storage
from tests.support.chat import NOW, add_session
from tests.support.officers import enroll, person

KEEP = timedelta(days=365)


async def test_only_participants_whose_sessions_all_ended_before_the_cutoff(
    storage: Storage,
) -> None:
    old = await add_session(storage, "OLD", starts_in=-timedelta(days=400))
    recent = await add_session(storage, "RECENT", starts_in=-timedelta(days=300))
    ahead = await add_session(storage, "AHEAD")
    only_old = await person(storage, 1)
    old_and_ahead = await person(storage, 2)
    only_recent = await person(storage, 3)
    no_session = await person(storage, 4)
    waitlisted_old = await person(storage, 5)
    await enroll(storage, only_old, old, attended=True)
    await enroll(storage, old_and_ahead, old)
    await enroll(storage, old_and_ahead, ahead, "waitlisted")
    await enroll(storage, only_recent, recent)
    await enroll(storage, waitlisted_old, old, "waitlisted")

    assert await erase_expired(storage, NOW, KEEP) == 2
    erased = {only_old.id, waitlisted_old.id}
    for participant in (only_old, old_and_ahead, only_recent, no_session, waitlisted_old):
        found = await storage.participants.get(participant.id)
        assert found is not None
        assert (found.deleted_at is not None) == (participant.id in erased)
        if participant.id in erased:
            assert (found.nik, found.full_name, found.phone) == (None, None, None)
            assert found.kecamatan == "Setu"  # anonymous counts stay
            assert await storage.contacts.for_participant(participant.id) == []
    entries = [(e.actor, e.action) for e in await storage.audit.latest(2)]
    assert entries == [("scheduler", "participant.erase.retention")] * 2
    assert await erase_expired(storage, NOW, KEEP) == 0  # nothing twice
    assert await erase_expired(storage, NOW + timedelta(days=100), KEEP) == 1  # RECENT's turn
