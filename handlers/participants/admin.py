"""What officers change about a participant: a field, a look at the full NIK, erasure.

The same rules as the participant's own /profil edit: each field is read by the validator
registration uses, so a value chat would refuse is refused here too.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from handlers.participants.erasure import erase_participant
from handlers.participants.validation import (
    ValidationError,
    match_kecamatan,
    normalize_phone,
    validate_business_name,
    validate_full_name,
)
from storage import Storage
from storage.models import Participant
from storage.participants import EDITABLE_FIELDS

MAX_INPUT = 500


class ParticipantEditRefused(Exception):
    """An officer's change cannot be made; `key` is the catalogue text that says why."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def read_field(field: str, text: str, *, sectors: Sequence[str], kecamatan: Sequence[str]) -> str:
    """Return the stored form of a field's new value, or refuse with the chat's reason."""
    answer = text[:MAX_INPUT]
    try:
        if field == "full_name":
            return validate_full_name(answer)
        if field == "phone":
            return normalize_phone(answer)
        if field == "business_name":
            return validate_business_name(answer)
    except ValidationError as error:
        raise ParticipantEditRefused(f"invalid.{field}.{error.reason}") from error
    if field == "sector":
        if answer not in sectors:
            raise ParticipantEditRefused("invalid.choice")
        return answer
    if field == "kecamatan":
        match = match_kecamatan(answer, kecamatan)
        if match is None or not match.exact:
            raise ParticipantEditRefused("invalid.choice")
        return match.name
    raise ParticipantEditRefused("invalid.choice")


async def _present(storage: Storage, participant_id: int) -> Participant:
    participant = await storage.participants.get(participant_id)
    if participant is None or participant.deleted_at is not None:
        raise ParticipantEditRefused("participant.gone")
    return participant


async def edit_participant(
    storage: Storage,
    participant_id: int,
    field: str,
    text: str,
    *,
    sectors: Sequence[str],
    kecamatan: Sequence[str],
    actor: str,
    now: datetime,
) -> bool:
    """Change one field of a participant; False when it already had that value."""
    if field not in EDITABLE_FIELDS:
        raise ParticipantEditRefused("invalid.choice")
    value = read_field(field, text, sectors=sectors, kecamatan=kecamatan)
    async with storage.db.transaction():
        participant = await _present(storage, participant_id)
        if getattr(participant, field) == value:
            return False
        await storage.participants.update_field(participant.id, field, value, now)
        await storage.audit.record(
            actor, f"participant.edit.{field}", f"participant:{participant.id}", now
        )
    return True


async def reveal_nik(storage: Storage, participant_id: int, *, actor: str, now: datetime) -> str:
    """Return a participant's full NIK and record who looked."""
    async with storage.db.transaction():
        participant = await _present(storage, participant_id)
        await storage.audit.record(
            actor, "participant.nik.reveal", f"participant:{participant.id}", now
        )
    return participant.nik or ""


async def erase_by_officer(
    storage: Storage, participant_id: int, *, actor: str, now: datetime
) -> None:
    """Erase a participant's personal data on an officer's decision (as /hapus does)."""
    async with storage.db.transaction():
        participant = await _present(storage, participant_id)
        await erase_participant(
            storage, participant.id, now, actor=actor, action="participant.erase.officer"
        )
