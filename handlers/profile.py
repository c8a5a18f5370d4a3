"""The participant's own data: view and edit (/profil), erase (/hapus)."""

from __future__ import annotations

from typing import Final

from handlers import fields
from handlers.core import Button, rows
from handlers.erasure import erase_participant
from handlers.router import Feature
from handlers.turn import Turn
from handlers.validation import mask_nik
from storage.models import Participant
from storage.participants import EDITABLE_FIELDS

PROFILE: Final = "profile"
ERASE: Final = "erase"


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
            f"profile:edit:{name}",
        )
        for name in EDITABLE_FIELDS
    ]
    edits.append(Button(turn.t("profile.erase"), "profile:erase:ask"))
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


async def on_profile_button(turn: Turn, payload: str) -> None:
    """Start editing a field, or ask to erase, from a button of the profile message."""
    participant = await turn.participant()
    if participant is None:
        turn.say_with_menu("profile.not_registered")
        return
    parts = payload.split(":", 2)
    action, target = (parts[1], parts[2]) if len(parts) == 3 else ("", "")
    if action == "edit" and target in EDITABLE_FIELDS:
        await turn.save_state(PROFILE, target, {})
        fields.ask(turn, PROFILE, target)
    elif action == "erase" and target == "ask":
        await ask_erase(turn, "")
    else:
        turn.say("stale_button")


class ProfileEditFlow:
    """Re-enter one field of the profile, validated as at registration."""

    name = PROFILE

    async def prompt(self, turn: Turn) -> None:
        """Ask for the field again."""
        assert turn.conversation is not None  # noqa: S101 - the router checks
        fields.ask(turn, PROFILE, turn.conversation.step)

    async def resume(self, turn: Turn) -> None:
        """Store the new value of the field."""
        assert turn.conversation is not None  # noqa: S101 - the router checks
        participant = await turn.participant()
        if participant is None:
            await turn.end_flow()
            turn.say_with_menu("profile.not_registered")
            return
        step = turn.conversation.step
        if fields.is_stale_button(turn, PROFILE, step):
            turn.say("stale_button")
            fields.ask(turn, PROFILE, step)
            return
        data = dict(turn.conversation.data)
        outcome = await fields.read(turn, PROFILE, step, data)
        if outcome.wait_step is not None:
            await turn.save_state(PROFILE, outcome.wait_step, data)
        elif outcome.value is None:
            if step in fields.CHOICE_STEPS:
                fields.ask(turn, PROFILE, step)
        else:
            field = "kecamatan" if step == fields.KECAMATAN_CONFIRM else step
            await _update(turn, participant, field, outcome.value)


async def _update(turn: Turn, participant: Participant, field: str, value: str) -> None:
    await turn.storage.participants.update_field(participant.id, field, value, turn.now)
    await turn.storage.audit.record(turn.actor, f"participant.edit.{field}", None, turn.now)
    await turn.end_flow()
    turn.say_with_menu("profile.updated", field=turn.t(f"field.{field}"))
    updated = await turn.participant()
    if updated is not None:
        _show(turn, updated)


async def ask_erase(turn: Turn, _arg: str) -> None:
    """Ask the participant to confirm erasing their data."""
    if await turn.participant() is None:
        turn.say_with_menu("profile.not_registered")
        return
    await turn.save_state(ERASE, "confirm", {})
    _ask_erase(turn)


def _ask_erase(turn: Turn) -> None:
    buttons = (
        (Button(turn.t("erase.yes"), fields.payload(ERASE, "confirm", "yes")),),
        (Button(turn.t("erase.no"), fields.payload(ERASE, "confirm", "no")),),
    )
    turn.say("erase.confirm", buttons=buttons)


class EraseFlow:
    """Confirm, then erase personal data and keep anonymous counts."""

    name = ERASE

    async def prompt(self, turn: Turn) -> None:
        """Ask for the confirmation again."""
        _ask_erase(turn)

    async def resume(self, turn: Turn) -> None:
        """Erase on yes, keep on no."""
        answer = fields.button_value(turn, ERASE, "confirm")
        participant = await turn.participant()
        if answer == "yes" and participant is not None:
            await _erase(turn, participant)
        elif answer in ("yes", "no"):
            await turn.end_flow()
            turn.say_with_menu("erase.kept")
        else:
            turn.say("stale_button" if turn.inbound.kind == "button" else "invalid.choice")
            _ask_erase(turn)


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


FEATURE = Feature(
    commands={"profil": show, "hapus": ask_erase},
    flows={PROFILE: ProfileEditFlow(), ERASE: EraseFlow()},
    idle_buttons={"profile": on_profile_button},
    menu={"menu.profile": "profil"},
)
