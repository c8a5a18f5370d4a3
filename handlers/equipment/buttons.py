"""The equipment buttons: the participant's (`alat:`) and the officers' desk (`alatp:`)."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.conversation.payloads import Payload
from handlers.equipment.rules import AnswerCode


class EquipmentButton(Payload, prefix="alat"):
    """The participant's equipment buttons; they work in the middle of any flow."""


@dataclass(frozen=True)
class AskItem(EquipmentButton, tag="item"):
    """`alat:item:<allocation>`: ask (again) about one item."""

    allocation_id: int


@dataclass(frozen=True)
class AnswerItem(EquipmentButton, tag="ans"):
    """`alat:ans:<allocation>:<r|n|d>`: one letter per answer keeps it under 64 bytes."""

    allocation_id: int
    answer: AnswerCode


@dataclass(frozen=True)
class AddProof(EquipmentButton, tag="proof"):
    """`alat:proof:<allocation>`: send a photo or note about an item."""

    allocation_id: int


@dataclass(frozen=True)
class GoOn(EquipmentButton, tag="next"):
    """`alat:next`: done with photo and note, on to the next item."""


@dataclass(frozen=True)
class OwnBast(EquipmentButton, tag="bast"):
    """`alat:bast`: send the participant's BAST."""


class DeskButton(Payload, prefix="alatp", officers="equipment"):
    """The officers' equipment desk; every press re-checks the role."""


@dataclass(frozen=True)
class DeskMenu(DeskButton, tag="menu"):
    """`alatp:menu`: the desk's menu."""


@dataclass(frozen=True)
class StartAllocation(DeskButton, tag="alloc"):
    """`alatp:alloc`: allocate items to a participant (a flow)."""


@dataclass(frozen=True)
class StartHandover(DeskButton, tag="handover"):
    """`alatp:handover`: record a handover (a flow)."""


@dataclass(frozen=True)
class StartBast(DeskButton, tag="bast"):
    """`alatp:bast`: a participant's BAST by NIK (a flow)."""


@dataclass(frozen=True)
class OpenCases(DeskButton, tag="cases"):
    """`alatp:cases`: the open problem cases."""


@dataclass(frozen=True)
class ShowCase(DeskButton, tag="case"):
    """`alatp:case:<case>`: one case in detail."""

    case_id: int


@dataclass(frozen=True)
class ResolveCase(DeskButton, tag="resolve"):
    """`alatp:resolve:<case>`: close a case with a note (a flow)."""

    case_id: int


@dataclass(frozen=True)
class ParticipantBast(DeskButton, tag="bastp"):
    """`alatp:bastp:<participant>`: send one participant's BAST."""

    participant_id: int
