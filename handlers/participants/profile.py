"""The participant's own data: view and edit (/profil), erase (/hapus)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Final, Literal

from handlers.conversation import flows
from handlers.conversation.messages import Button, rows
from handlers.conversation.payloads import Payload
from handlers.conversation.router import Feature, on
from handlers.conversation.turn import Turn
from handlers.participants.erasure import erase_participant
from handlers.participants.fields import field_steps
from handlers.participants.validation import mask_nik
from storage.models import Participant
from storage.participants import EDITABLE_FIELDS, EditableField


class ProfileButton(Payload, prefix="profile"):
    """The buttons of the profile message."""


@dataclass(frozen=True)
class EditField(ProfileButton, tag="edit"):
    """`profile:edit:<field>`: change one field (a flow, so it waits for the current one).

    The NIK is not among the fields: once registered, it is who the person is.
    """

    field: EditableField


@dataclass(frozen=True)
class AskErase(ProfileButton, tag="erase"):
    """`profile:erase:ask`: ask to erase the participant's data."""

    confirm: Literal["ask"] = "ask"


async def show(turn: Turn, _arg: str) -> None:
    """Show the participant's data with a button per editable field."""
    participant = await turn.participant()
    if participant is None:
        turn.say_with_menu("profile.not_registered")
        return
    _show(turn, participant)


def _show(turn: Turn, participant: Participant) -> None:
    edits = [
        Button(
            turn.t("profile.edit", field=turn.t(f"field.{name}").lower()),
            EditField(name).pack(),
        )
        for name in EDITABLE_FIELDS
    ]
    edits.append(Button(turn.t("profile.erase"), AskErase().pack()))
    turn.say(
        "profile.show",
        buttons=rows(edits, 2),
        full_name=participant.full_name,
        nik=mask_nik(participant.nik or ""),
        phone=participant.phone,
        business_name=participant.business_name,
        sector=participant.sector,
        kecamatan=participant.kecamatan,
    )


async def edit_field(turn: Turn, pressed: EditField) -> None:
    """Start editing a field from a button of the profile message."""
    if await turn.participant() is None:
        turn.say_with_menu("profile.not_registered")
        return
    await PROFILE_FLOW.begin(turn, step=pressed.field)


async def erase_button(turn: Turn, _pressed: AskErase) -> None:
    """Ask to erase, from the button of the profile message."""
    await ask_erase(turn, "")


def _for_participants(step: flows.Step) -> flows.Step:
    """Read a profile answer only while the person is still registered."""

    async def read(turn: Turn, data: flows.Data, answer: flows.Answer) -> flows.Outcome:
        if await turn.participant() is None:
            turn.say_with_menu("profile.not_registered")
            return flows.End()
        return await step.read(turn, data, answer)

    return replace(step, read=read)


async def _update(turn: Turn, _data: flows.Data, field: str, value: str) -> flows.Outcome:
    """Store the new value of one field, then show the profile again."""
    participant = await turn.participant()
    assert participant is not None  # noqa: S101 - checked before the answer was read
    await turn.storage.participants.update_field(participant.id, field, value, turn.now)
    await turn.storage.audit.record(turn.actor, f"participant.edit.{field}", None, turn.now)
    turn.say_with_menu("profile.updated", field=turn.t(f"field.{field}"))
    updated = await turn.participant()
    if updated is not None:
        _show(turn, updated)
    return flows.End()


async def ask_erase(turn: Turn, _arg: str) -> None:
    """Ask the participant to confirm erasing their data."""
    if await turn.participant() is None:
        turn.say_with_menu("profile.not_registered")
        return
    await ERASE_FLOW.begin(turn)


async def _ask_erase(turn: Turn, _data: flows.Data) -> flows.Prompt:
    return flows.Prompt(turn.t("erase.confirm"))


async def _erase_choices(turn: Turn, _data: flows.Data) -> flows.Rows:
    return ((flows.Choice(turn.t("erase.yes"), "yes"),), (flows.Choice(turn.t("erase.no"), "no"),))


async def _on_erase(turn: Turn, _data: flows.Data, answer: flows.Answer) -> flows.Outcome:
    """Erase on yes, keep on no."""
    participant = await turn.participant()
    if answer.value == "yes" and participant is not None:
        await _erase(turn, participant)
        return flows.End()
    if answer.value in ("yes", "no"):
        turn.say_with_menu("erase.kept")
        return flows.End()
    turn.say("stale_button" if answer.value is not None else "invalid.choice")
    return flows.Stay()


async def _erase(turn: Turn, participant: Participant) -> None:
    storage = turn.storage
    await turn.end_flow()
    await erase_participant(
        storage,
        participant.id,
        turn.now,
        actor=f"participant:{participant.id}",
        action="participant.erase",
    )
    turn.say("erase.done", remove_menu=True)


# Re-enter one field of the profile, validated as at registration.
PROFILE_FLOW: Final = flows.Flow(
    "profile",
    {
        name: _for_participants(step)
        for name, step in field_steps(_update, only=EDITABLE_FIELDS).items()
    },
)
# Confirm, then erase personal data and keep anonymous counts.
ERASE_FLOW: Final = flows.Flow(
    "erase", {"confirm": flows.Step(_ask_erase, _on_erase, _erase_choices)}
)

FEATURE = Feature(
    "participants.profile",
    commands={"profil": show, "hapus": ask_erase},
    flows=(PROFILE_FLOW, ERASE_FLOW),
    buttons=(
        on(EditField, edit_field, starts_flow=True),
        on(AskErase, erase_button, starts_flow=True),
    ),
    menu={"menu.profile": "profil"},
)
