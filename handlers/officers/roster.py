"""Admins manage officers: add by Telegram id, change role, rename, remove.

The rules chat's /petugas and the console both call (an admin never removes or demotes
themself), channel-free.
Removing an officer or changing their role ends their web console sessions at once (the
officer repository does it in the same transaction).
"""

from __future__ import annotations

from datetime import datetime
from typing import Final

from handlers.conversation.access import officer_actor
from storage import Storage
from storage.models import Channel, Officer, Role

MAX_ID_DIGITS: Final = 15
MAX_DISPLAY_NAME: Final = 64
ROLES: Final[tuple[Role, ...]] = ("officer", "admin")


class RosterRefused(Exception):
    """The change cannot be made; `reason` is one of: id, role, name, unknown, self."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def read_telegram_id(text: str) -> str:
    """Return a Telegram user id as digits, or refuse."""
    typed = text.strip()
    if not (typed.isascii() and typed.isdigit()) or len(typed) > MAX_ID_DIGITS or int(typed) <= 0:
        raise RosterRefused("id")
    return str(int(typed))


def read_role(text: str) -> Role:
    """Return a role, or refuse."""
    role = next((known for known in ROLES if known == text.strip()), None)
    if role is None:
        raise RosterRefused("role")
    return role


def read_display_name(text: str) -> str | None:
    """Return a display name with whitespace collapsed (None when empty), or refuse."""
    name = " ".join(text.split())
    if len(name) > MAX_DISPLAY_NAME or any(not char.isprintable() for char in name):
        raise RosterRefused("name")
    return name or None


async def _other(storage: Storage, admin: Officer, officer_id: int) -> Officer:
    target = await storage.officers.get_by_id(officer_id)
    if target is None:
        raise RosterRefused("unknown")
    if target.id == admin.id:
        raise RosterRefused("self")
    return target


async def add_officer(
    storage: Storage,
    telegram_id: str,
    role: Role,
    *,
    admin: Officer,
    now: datetime,
    channel: Channel = "telegram",
) -> Officer:
    """Make a user an officer or admin (an existing one gets the role); never oneself.

    The id is a Telegram user id; chat's /petugas adds it on the channel it is used in.
    """
    address = read_telegram_id(telegram_id)
    async with storage.db.transaction():
        existing = await storage.officers.get(channel, address)
        if existing is not None and existing.id == admin.id:
            raise RosterRefused("self")
        officer = await storage.officers.add(channel, address, role, now)
        await storage.audit.record(
            officer_actor(admin), f"officer.add.{officer.role}", officer.address, now
        )
    return officer


async def set_role(
    storage: Storage, officer_id: int, role: Role, *, admin: Officer, now: datetime
) -> Officer:
    """Give another officer a role; their console sessions end when it changes."""
    async with storage.db.transaction():
        target = await _other(storage, admin, officer_id)
        changed = await storage.officers.add(target.channel, target.address, role, now)
        if target.role != role:
            await storage.audit.record(
                officer_actor(admin), f"officer.role.{role}", target.address, now
            )
    return changed


async def remove_officer(
    storage: Storage, officer_id: int, *, admin: Officer, now: datetime
) -> Officer:
    """Take the officer role away from someone else; their console sessions end."""
    async with storage.db.transaction():
        target = await _other(storage, admin, officer_id)
        await storage.officers.remove(target.channel, target.address)
        await storage.audit.record(officer_actor(admin), "officer.remove", target.address, now)
    return target


async def rename_officer(
    storage: Storage, officer_id: int, display_name: str, *, admin: Officer, now: datetime
) -> None:
    """Set the name colleagues see of an officer (empty: show the Telegram id)."""
    name = read_display_name(display_name)
    async with storage.db.transaction():
        target = await storage.officers.get_by_id(officer_id)
        if target is None:
            raise RosterRefused("unknown")
        await storage.officers.set_display_name(target.id, name)
        await storage.audit.record(officer_actor(admin), "officer.rename", target.address, now)
