"""Pydantic models the repositories return; the rest of the code never sees raw rows."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, field_validator

Channel = Literal["telegram", "whatsapp", "console"]
Language = Literal["id", "en"]
EnrollmentStatus = Literal["enrolled", "waitlisted", "cancelled"]
Rsvp = Literal["yes", "no"]
Role = Literal["admin", "officer"]


class Model(BaseModel):
    """Immutable base for stored records."""

    model_config = ConfigDict(frozen=True, from_attributes=True)


class Participant(Model):
    """A registered entrepreneur; personal fields are None once erased."""

    id: int
    nik: str | None
    full_name: str | None
    phone: str | None
    business_name: str | None
    sector: str | None
    kecamatan: str | None
    desa: str | None
    language: Language
    consent_at: datetime | None
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None


class NewParticipant(BaseModel):
    """The validated fields of a registration, before it is stored."""

    nik: str
    full_name: str
    phone: str
    business_name: str
    sector: str
    kecamatan: str
    language: Language = "id"


class Contact(Model):
    """One chat address of a person on one channel."""

    id: int
    participant_id: int | None
    channel: Channel
    address: str
    language: Language
    blocked_at: datetime | None
    opted_out_at: datetime | None
    last_inbound_at: datetime | None


class BimtekSession(Model):
    """A training session participants enrol in."""

    id: int
    code: str
    title: str
    venue: str
    maps_url: str | None
    starts_at: datetime
    ends_at: datetime
    capacity: int
    registration_open: bool
    checkin_code: str
    cancelled_at: datetime | None


class SessionAvailability(Model):
    """A session together with how many places are taken."""

    session: BimtekSession
    enrolled: int
    waitlisted: int

    @property
    def free_places(self) -> int:
        """Return the places still free."""
        return max(0, self.session.capacity - self.enrolled)


class Enrollment(Model):
    """A participant's place (or waiting-list entry) in a session."""

    id: int
    participant_id: int
    session_id: int
    status: EnrollmentStatus
    rsvp: Rsvp | None
    attended_at: datetime | None
    created_at: datetime


class EnrolledSession(Model):
    """An enrollment with its session, for a participant's schedule."""

    enrollment: Enrollment
    session: BimtekSession


class Officer(Model):
    """Staff allowed to use officer tools."""

    id: int
    channel: Channel
    address: str
    role: Role


class AuditEntry(Model):
    """Who did what to what, and when."""

    id: int
    actor: str
    action: str
    target: str | None
    at: datetime


class Conversation(Model):
    """Where a person is in a multi-step flow, and what they entered so far."""

    channel: Channel
    address: str
    flow: str
    step: str
    data: dict[str, Any]

    @field_validator("data", mode="before")
    @classmethod
    def _decode(cls, value: Any) -> Any:
        return json.loads(value) if isinstance(value, str) else value
