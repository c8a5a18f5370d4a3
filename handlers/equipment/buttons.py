"""The equipment buttons: the participant's (`alat:`) and the officers' desk (`alatp:`)."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.conversation.payloads import Payload
from handlers.equipment.rules import AnswerCode


@dataclass(frozen=True)
class EquipmentButton(Payload, prefix="alat"):
    """The participant's equipment buttons; they work in the middle of any flow."""


class GoOn(EquipmentButton, tag="next"):
    """`alat:next`: done with photo and note, on to the next item."""


class OwnBast(EquipmentButton, tag="bast"):
    """`alat:bast`: send the participant's BAST."""


@dataclass(frozen=True)
class ItemButton(EquipmentButton):
    """A button about one allocated item: `alat:<action>:<allocation>`."""

    allocation_id: int


class AskItem(ItemButton, tag="item"):
    """Ask (again) whether the item arrived in good condition."""


class AddProof(ItemButton, tag="proof"):
    """Send a photo or a note about the item."""


@dataclass(frozen=True)
class AnswerItem(ItemButton, tag="ans"):
    """`alat:ans:<allocation>:<r|n|d>`: one letter per answer keeps it under 64 bytes."""

    answer: AnswerCode


@dataclass(frozen=True)
class DeskButton(Payload, prefix="alatp", officers="equipment"):
    """The officers' equipment desk, `alatp:<action>[:<id>]`; every press re-checks the role."""


class DeskMenu(DeskButton, tag="menu"):
    """The desk's menu."""


class StartAllocation(DeskButton, tag="alloc"):
    """Allocate items to a participant (a flow)."""


class StartHandover(DeskButton, tag="handover"):
    """Record a handover (a flow)."""


class StartBast(DeskButton, tag="bast"):
    """A participant's BAST by NIK (a flow)."""


class OpenCases(DeskButton, tag="cases"):
    """The open problem cases."""


@dataclass(frozen=True)
class CaseButton(DeskButton):
    """A desk button about one problem case: `alatp:<action>:<case>`."""

    case_id: int


class ShowCase(CaseButton, tag="case"):
    """The case in detail."""


class ResolveCase(CaseButton, tag="resolve"):
    """Close the case with a note (a flow)."""


@dataclass(frozen=True)
class ParticipantBast(DeskButton, tag="bastp"):
    """`alatp:bastp:<participant>`: send one participant's BAST."""

    participant_id: int
