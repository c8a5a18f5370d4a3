"""Admins manage officers in chat (/petugas): list, add, change role, remove.

Buttons carry `petugas:<action>[:<officer id>]`; adding is a stored flow that asks the new
officer's Telegram user id (typed, or a shared contact card) and then the role. Every press
and every step checks that the sender is an admin. An admin cannot remove or demote
themself, so a chat never loses its last admin by a slip.
"""

from __future__ import annotations

from typing import Final

from handlers import fields
from handlers.core import Button
from handlers.officers_auth import officer_actor, require_officer
from handlers.payload_ids import parse_id
from handlers.router import Feature
from handlers.turn import Flow, Turn
from storage.models import Officer, Role

PREFIX: Final = "petugas"
ADD_FLOW: Final = "petugas_add"
MAX_LISTED: Final = 30
MAX_ID_DIGITS: Final = 15
ROLES: Final[tuple[Role, ...]] = ("officer", "admin")


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
            "petugas.line", address=officer.address, role=turn.t(f"petugas.role.{officer.role}")
        )
        for officer in officers[:MAX_LISTED]
    ]
    buttons: list[tuple[Button, ...]] = [
        (
            Button(
                turn.t("petugas.btn.toggle", address=officer.address), _payload("role", officer)
            ),
            Button(turn.t("petugas.btn.remove", address=officer.address), _payload("rm", officer)),
        )
        for officer in officers[:MAX_LISTED]
        if not _is_self(turn, officer)
    ]
    buttons.append((Button(turn.t("petugas.btn.add"), f"{PREFIX}:add"),))
    turn.say("petugas.list", buttons=tuple(buttons), lines="\n".join(lines) or "-")


def _payload(action: str, officer: Officer) -> str:
    return f"{PREFIX}:{action}:{officer.id}"


def _is_self(turn: Turn, officer: Officer) -> bool:
    return officer.channel == turn.inbound.channel and officer.address == turn.inbound.sender_id


async def on_button(turn: Turn, pressed: str) -> None:
    """Carry out a /petugas button after checking that the sender is an admin."""
    parts = pressed.split(":")
    action = parts[1] if len(parts) > 1 else ""
    admin = await require_officer(turn, f"petugas.{action or 'unknown'}", admin=True)
    if admin is None:
        return
    if action == "list" and len(parts) == 2:
        await show_officers(turn)
        return
    if action == "add" and len(parts) == 2:
        await _start_add(turn)
        return
    target = await _target(turn, parts)
    if target is None or action not in ("role", "rm", "rmok"):
        turn.say("stale_button")
        return
    if _is_self(turn, target):
        turn.say("petugas.not_self")
        return
    if action == "rm":
        buttons = (
            (
                Button(turn.t("petugas.remove.yes"), _payload("rmok", target)),
                Button(turn.t("petugas.remove.no"), f"{PREFIX}:list"),
            ),
        )
        turn.say("petugas.remove.confirm", buttons=buttons, address=target.address)
        return
    await (_remove(turn, admin, target) if action == "rmok" else _toggle(turn, admin, target))


async def _target(turn: Turn, parts: list[str]) -> Officer | None:
    officer_id = parse_id(parts[2]) if len(parts) == 3 else None
    if officer_id is None:
        return None
    return next(
        (
            officer
            for officer in await turn.storage.officers.list_all()
            if officer.id == officer_id
        ),
        None,
    )


async def _remove(turn: Turn, admin: Officer, target: Officer) -> None:
    storage = turn.storage
    await storage.officers.remove(target.channel, target.address)
    await storage.audit.record(officer_actor(admin), "officer.remove", target.address, turn.now)
    turn.say("petugas.removed", address=target.address)
    await show_officers(turn)


async def _toggle(turn: Turn, admin: Officer, target: Officer) -> None:
    role: Role = "officer" if target.role == "admin" else "admin"
    storage = turn.storage
    await storage.officers.add(target.channel, target.address, role, turn.now)
    await storage.audit.record(
        officer_actor(admin), f"officer.role.{role}", target.address, turn.now
    )
    turn.say("petugas.role_set", address=target.address, role=turn.t(f"petugas.role.{role}"))
    await show_officers(turn)


# Adding an officer


async def _start_add(turn: Turn) -> None:
    if turn.conversation is not None:
        turn.say("busy", flow=turn.t(f"flow.{turn.conversation.flow}"))
        return
    await turn.save_state(ADD_FLOW, "address", {})
    turn.say("petugas.add.ask_id")


def read_user_id(turn: Turn) -> str | None:
    """Return the Telegram user id typed or shared as a contact card, or None."""
    inbound = turn.inbound
    if inbound.kind == "contact":
        return inbound.contact_user_id
    if inbound.kind != "text":
        return None
    typed = inbound.text.strip()
    if typed.isascii() and typed.isdigit() and len(typed) <= MAX_ID_DIGITS and int(typed) > 0:
        return str(int(typed))
    return None


class AddOfficerFlow:
    """Ask the new officer's user id, then the role; store and audit."""

    name = ADD_FLOW

    async def prompt(self, turn: Turn) -> None:
        """Ask again what the current step needs."""
        assert turn.conversation is not None  # noqa: S101 - the router checks
        if turn.conversation.step == "address":
            turn.say("petugas.add.ask_id")
        else:
            _ask_role(turn, str(turn.conversation.data.get("address", "")))

    async def resume(self, turn: Turn) -> None:
        """Read the user id, or the role."""
        assert turn.conversation is not None  # noqa: S101 - the router checks
        admin = await require_officer(turn, "petugas.add", admin=True)
        if admin is None:
            await turn.end_flow()
            return
        data = dict(turn.conversation.data)
        if turn.conversation.step == "address":
            address = read_user_id(turn)
            if address is None:
                turn.say("petugas.add.invalid_id")
                return
            data["address"] = address
            await turn.save_state(ADD_FLOW, "role", data)
            _ask_role(turn, address)
            return
        await _on_role(turn, admin, data)


def _ask_role(turn: Turn, address: str) -> None:
    buttons = (
        tuple(
            Button(turn.t(f"petugas.role.{role}"), fields.payload(ADD_FLOW, "role", role))
            for role in ROLES
        ),
    )
    turn.say("petugas.add.ask_role", buttons=buttons, address=address)


async def _on_role(turn: Turn, admin: Officer, data: dict[str, str]) -> None:
    pressed = fields.button_value(turn, ADD_FLOW, "role")
    role = next((known for known in ROLES if known == pressed), None)
    address = str(data.get("address", ""))
    if role is None:
        turn.say("invalid.choice")
        _ask_role(turn, address)
        return
    storage = turn.storage
    officer = await storage.officers.add(turn.inbound.channel, address, role, turn.now)
    await storage.audit.record(
        officer_actor(admin), f"officer.add.{officer.role}", officer.address, turn.now
    )
    await turn.end_flow()
    turn.say("petugas.added", address=address, role=turn.t(f"petugas.role.{officer.role}"))
    await show_officers(turn)


FLOWS: Final[dict[str, Flow]] = {ADD_FLOW: AddOfficerFlow()}

FEATURE = Feature(
    commands={"petugas": open_desk},
    flows=FLOWS,
    flow_role="admin",
    buttons={PREFIX: on_button},
)
