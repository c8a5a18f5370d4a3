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
    # Training hours (JP) shown on certificates; None when not set.
    hours: int | None = None


class SessionAvailability(Model):
    """A session together with how many places are taken."""

    session: BimtekSession
    enrolled: int
    waitlisted: int
    held: int = 0

    @property
    def free_places(self) -> int:
        """Return the places neither taken nor held for someone on the waiting list."""
        return max(0, self.session.capacity - self.enrolled - self.held)


class Enrollment(Model):
    """A participant's place (or waiting-list entry) in a session."""

    id: int
    participant_id: int
    session_id: int
    status: EnrollmentStatus
    rsvp: Rsvp | None
    attended_at: datetime | None
    created_at: datetime
    enrolled_at: datetime | None = None


class EnrolledSession(Model):
    """An enrollment with its session, for a participant's schedule."""

    enrollment: Enrollment
    session: BimtekSession


class SessionMember(Model):
    """An enrollment with its participant, for lists of a session's people."""

    enrollment: Enrollment
    participant: Participant


class WaitlistOffer(Model):
    """A place offered to someone on the waiting list, held until it expires."""

    id: int
    enrollment_id: int
    session_id: int
    offered_at: datetime
    expires_at: datetime
    status: Literal["open", "accepted", "declined", "expired"]
    answered_at: datetime | None


class Officer(Model):
    """Staff allowed to use officer tools."""

    id: int
    channel: Channel
    address: str
    role: Role
    # How officers and the audit log name this officer (`officers add --name`, /petugas).
    display_name: str | None = None
    helpdesk_alerts: bool = True


class AuditEntry(Model):
    """Who did what to what, and when."""

    id: int
    actor: str
    action: str
    target: str | None
    at: datetime
    via: str | None = None
    # The officer's display name when they acted; None for other actors or without a name.
    actor_name: str | None = None

    @property
    def who(self) -> str:
        """Return the actor as a person reads it: `Name (officer:3)`, else the actor."""
        return f"{self.actor_name} ({self.actor})" if self.actor_name else self.actor


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


# Equipment -----------------------------------------------------------------------------------

Confirmation = Literal["received", "not_received", "damaged"]
CaseKind = Literal["not_received", "damaged"]


class EquipmentItem(Model):
    """A kind of equipment participants are given, such as an oven."""

    id: int
    name: str
    unit: str


class Allocation(Model):
    """What one participant is allocated of one item, its handover and their confirmation."""

    id: int
    participant_id: int
    item_id: int
    item_name: str
    item_unit: str
    quantity: int
    created_at: datetime
    updated_at: datetime
    handed_over_at: datetime | None
    handed_over_by: str | None
    confirmation: Confirmation | None
    confirmed_at: datetime | None
    photo_file_id: str | None
    note: str | None
    nudges_sent: int
    last_nudged_at: datetime | None
    open_case_id: int | None = None


class EquipmentCase(Model):
    """A reported problem with an allocation: not received, or damaged / not as described."""

    id: int
    allocation_id: int
    kind: CaseKind
    opened_at: datetime
    updated_at: datetime
    photo_file_id: str | None
    note: str | None
    resolved_at: datetime | None
    resolved_by: str | None
    resolution: str | None


class AllocationRecord(Model):
    """One row of the rekap penerima bantuan: an allocation with its participant's data."""

    id: int
    nik: str | None
    full_name: str | None
    phone: str | None
    business_name: str | None
    kecamatan: str | None
    item_name: str
    item_unit: str
    quantity: int
    handed_over_at: datetime | None
    handed_over_by: str | None
    confirmation: Confirmation | None
    confirmed_at: datetime | None
    note: str | None
    open_case_id: int | None
