"""Admins manage officers in chat (/petugas): list, add, change role, remove.

Buttons carry `petugas:<action>[:<officer id>]`; adding is a stored flow that asks the new
officer's Telegram user id (typed, or a shared contact card) and then the role. Every press
and every step checks that the sender is an admin. An admin cannot remove or demote
themself, so a chat never loses its last admin by a slip.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from handlers.conversation import flows
from handlers.conversation.access import OfficersOnly, require_officer
from handlers.conversation.messages import Button
from handlers.conversation.payloads import Payload, read_number
from handlers.conversation.router import Feature, on
from handlers.conversation.textnorm import clean_line
from handlers.conversation.turn import Turn
from handlers.officers.roster import (
    MAX_DISPLAY_NAME,
    RosterRefused,
    add_officer,
    remove_officer,
    rename_officer,
    set_role,
)
from storage.models import Officer, Role

MAX_LISTED: Final = 30
# Display names are short: they head ticket alerts.
# Telegram user ids have at most 52 significant bits.
MAX_USER_ID: Final = 2**52 - 1
ROLES: Final[tuple[Role, ...]] = ("officer", "admin")


@dataclass(frozen=True)
class DeskButton(Payload, prefix="petugas", officers="petugas", admin=True):
    """The /petugas desk, `petugas:<action>[:<officer>]`: admins only, checked at every press."""


class ListOfficers(DeskButton, tag="list"):
    """The officers."""


class AddOfficer(DeskButton, tag="add"):
    """Add an officer (a flow)."""


@dataclass(frozen=True)
class OfficerButton(DeskButton):
    """A desk button about one officer: `petugas:<action>:<officer>`."""

    officer_id: int


class ToggleRole(OfficerButton, tag="role"):
    """Officer ↔ admin."""


class AskRemove(OfficerButton, tag="rm"):
    """Ask to confirm the removal."""


class ConfirmRemove(OfficerButton, tag="rmok"):
    """Remove the officer."""


class RenameOfficer(OfficerButton, tag="name"):
    """Set the display name used in ticket alerts and the audit log (a flow)."""


async def open_desk(turn: Turn, _arg: str) -> None:
    """Show the officers to an admin (/petugas)."""
    if await require_officer(turn, "petugas", admin=True) is None:
        return
    await show_officers(turn)


async def show_officers(turn: Turn) -> None:
    """List the officers with buttons to change role or remove, and one to add."""
    officers = await turn.storage.officers.list_all()
    lines = [
        turn.t(
            "petugas.line",
            address=officer.address,
            name=f" ({officer.display_name})" if officer.display_name else "",
            role=turn.t(f"petugas.role.{officer.role}"),
        )
        for officer in officers[:MAX_LISTED]
    ]
    buttons: list[tuple[Button, ...]] = [
        (
            Button(
                turn.t("petugas.btn.toggle", address=officer.address),
                ToggleRole(officer.id).pack(),
            ),
            Button(
                turn.t("petugas.btn.remove", address=officer.address), AskRemove(officer.id).pack()
            ),
        )
        for officer in officers[:MAX_LISTED]
        if not _is_self(turn, officer)
    ]
    buttons.extend(
        (
            Button(
                turn.t("petugas.btn.name", address=officer.address),
                RenameOfficer(officer.id).pack(),
            ),
        )
        for officer in officers[:MAX_LISTED]
    )
    buttons.append((Button(turn.t("petugas.btn.add"), AddOfficer().pack()),))
    turn.say("petugas.list", buttons=tuple(buttons), lines="\n".join(lines) or "-")


def _is_self(turn: Turn, officer: Officer) -> bool:
    return officer.channel == turn.inbound.channel and officer.address == turn.inbound.sender_id


async def list_officers(turn: Turn, _pressed: ListOfficers) -> None:
    """List the officers again."""
    await show_officers(turn)


async def start_add(turn: Turn, _pressed: AddOfficer) -> None:
    """Begin adding an officer: ask the user id."""
    await ADD_FLOW.begin(turn)


async def toggle_role(turn: Turn, pressed: ToggleRole) -> None:
    """Make an officer an admin or an admin an officer."""
    target = await _target(turn, pressed.officer_id)
    if target is not None:
        await _toggle(turn, turn.checked_officer(), target)


async def ask_remove(turn: Turn, pressed: AskRemove) -> None:
    """Ask to confirm removing an officer."""
    target = await _target(turn, pressed.officer_id)
    if target is None:
        return
    buttons = (
        (
            Button(turn.t("petugas.remove.yes"), ConfirmRemove(target.id).pack()),
            Button(turn.t("petugas.remove.no"), ListOfficers().pack()),
        ),
    )
    turn.say("petugas.remove.confirm", buttons=buttons, address=target.address)


async def confirm_remove(turn: Turn, pressed: ConfirmRemove) -> None:
    """Remove an officer."""
    target = await _target(turn, pressed.officer_id)
    if target is not None:
        await _remove(turn, turn.checked_officer(), target)


async def start_rename(turn: Turn, pressed: RenameOfficer) -> None:
    """Ask the officer's display name (an admin may name themself too)."""
    target = await turn.storage.officers.get_by_id(pressed.officer_id)
    if target is None:
        turn.say("stale_button")
        return
    await NAME_FLOW.begin(turn, {"officer_id": target.id, "address": target.address})


async def _ask_name(turn: Turn, data: flows.Data) -> flows.Prompt:
    return flows.Prompt(turn.t("petugas.name.ask", address=str(data.get("address", ""))))


async def _on_name(turn: Turn, data: flows.Data, answer: flows.Answer) -> flows.Outcome:
    name = None if answer.text is None else clean_line(answer.text)
    if not name or len(name) > MAX_DISPLAY_NAME:
        turn.say("petugas.name.invalid", limit=MAX_DISPLAY_NAME)
        return flows.Stay(ask=False)
    officer_id = data.get("officer_id")
    if not isinstance(officer_id, int):
        turn.say("stale_button")
        return flows.End()
    try:
        # The rule the console's Petugas page follows too (handlers/officers/roster.py).
        await rename_officer(
            turn.storage, officer_id, name, admin=turn.checked_officer(), now=turn.now
        )
    except RosterRefused as refused:
        if refused.reason != "name":
            turn.say("stale_button")
            return flows.End()
        turn.say("petugas.name.invalid", limit=MAX_DISPLAY_NAME)
        return flows.Stay(ask=False)
    target = await turn.storage.officers.get_by_id(officer_id)
    turn.say("petugas.name.set", address=target.address if target else "", name=name)
    await show_officers(turn)
    return flows.End()


async def _target(turn: Turn, officer_id: int) -> Officer | None:
    """Return the officer a button names, unless gone or the admin themself (then say so)."""
    target = next(
        (
            officer
            for officer in await turn.storage.officers.list_all()
            if officer.id == officer_id
        ),
        None,
    )
    if target is None:
        turn.say("stale_button")
        return None
    if _is_self(turn, target):
        turn.say("petugas.not_self")
        return None
    return target


async def _remove(turn: Turn, admin: Officer, target: Officer) -> None:
    await remove_officer(turn.storage, target.id, admin=admin, now=turn.now)
    turn.say("petugas.removed", address=target.address)
    await show_officers(turn)


async def _toggle(turn: Turn, admin: Officer, target: Officer) -> None:
    role: Role = "officer" if target.role == "admin" else "admin"
    await set_role(turn.storage, target.id, role, admin=admin, now=turn.now)
    turn.say("petugas.role_set", address=target.address, role=turn.t(f"petugas.role.{role}"))
    await show_officers(turn)


# Adding an officer


def read_user_id(turn: Turn) -> str | None:
    """Return the Telegram user id typed or shared as a contact card, or None."""
    inbound = turn.inbound
    if inbound.kind == "contact":
        return inbound.contact_user_id
    if inbound.kind != "text":
        return None
    user_id = read_number(inbound.text.strip(), MAX_USER_ID)
    return None if user_id is None or user_id == 0 else str(user_id)


async def _ask_id(turn: Turn, _data: flows.Data) -> flows.Prompt:
    return flows.Prompt(turn.t("petugas.add.ask_id"))


async def _on_id(turn: Turn, data: flows.Data, _answer: flows.Answer) -> flows.Outcome:
    address = read_user_id(turn)
    if address is None:
        turn.say("petugas.add.invalid_id")
        return flows.Stay(ask=False)
    return flows.Go("role", {**data, "address": address})


async def _ask_role(turn: Turn, data: flows.Data) -> flows.Prompt:
    return flows.Prompt(turn.t("petugas.add.ask_role", address=str(data.get("address", ""))))


async def _role_choices(turn: Turn, _data: flows.Data) -> flows.Rows:
    return (tuple(flows.Choice(turn.t(f"petugas.role.{role}"), role) for role in ROLES),)


async def _on_role(turn: Turn, data: flows.Data, answer: flows.Answer) -> flows.Outcome:
    role = next((known for known in ROLES if known == answer.value), None)
    if role is None:
        turn.say("invalid.choice")
        return flows.Stay()
    address = str(data.get("address", ""))
    try:
        officer = await add_officer(
            turn.storage,
            address,
            role,
            admin=turn.checked_officer(),
            now=turn.now,
            channel=turn.inbound.channel,
        )
    except RosterRefused:
        turn.say("petugas.not_self")
        return flows.End()
    turn.say("petugas.added", address=address, role=turn.t(f"petugas.role.{officer.role}"))
    await show_officers(turn)
    return flows.End()


# Ask the new officer's user id (typed, or a shared contact card), then the role.
ADD_FLOW: Final = flows.Flow(
    "petugas_add",
    {
        "address": flows.Step(_ask_id, _on_id, saves="address"),
        "role": flows.Step(_ask_role, _on_role, _role_choices),
    },
    officers=OfficersOnly("petugas.add", admin=True),
)

# An officer's display name, typed.
NAME_FLOW: Final = flows.Flow(
    "petugas_name",
    {"name": flows.Step(_ask_name, _on_name)},
    officers=OfficersOnly("petugas.name", admin=True),
    context=("officer_id", "address"),
)

FEATURE = Feature(
    "officers.roles",
    commands={"petugas": open_desk},
    flows=(ADD_FLOW, NAME_FLOW),
    buttons=(
        on(ListOfficers, list_officers),
        on(AddOfficer, start_add, starts_flow=True),
        on(RenameOfficer, start_rename, starts_flow=True),
        on(ToggleRole, toggle_role),
        on(AskRemove, ask_remove),
        on(ConfirmRemove, confirm_remove),
    ),
)
