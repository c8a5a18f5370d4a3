"""Petugas (admins): officers with roles and names, add, change role, remove; who is signed
in to the console, with "revoke"."""

from __future__ import annotations

from typing import Final

from starlette.responses import Response

from handlers.console import services as svc
from handlers.console.signin import revoke
from handlers.console.web import Desk, MenuEntry, Page


def _officer_id(desk: Desk) -> int:
    raw = desk.value("officer")
    return int(raw) if raw.isdigit() and len(raw) < 12 else 0


async def officers_page(desk: Desk) -> Response:
    """List officers and live console sessions."""
    return desk.render(
        "officers.html",
        nav="officers",
        officers=await desk.storage.officers.list_all(),
        signed_in=await desk.storage.console.active(desk.now),
        roles=("officer", "admin"),
        me=desk.officer.id,
        current_session=desk.signed_in.session.id,
    )


def _refused(desk: Desk, error: svc.RosterRefused) -> Response:
    return desk.redirect("/petugas", f"officers.refused.{error.reason}")


async def add(desk: Desk) -> Response:
    """Make a Telegram user an officer or admin."""
    try:
        role = svc.read_role(desk.value("role"))
        await svc.add_officer(
            desk.storage, desk.value("telegram_id"), role, admin=desk.officer, now=desk.now
        )
    except svc.RosterRefused as error:
        return _refused(desk, error)
    return desk.redirect("/petugas", "ok.officer_added")


async def change_role(desk: Desk) -> Response:
    """Give another officer a role (their console sessions end)."""
    try:
        role = svc.read_role(desk.value("role"))
        await svc.set_role(desk.storage, _officer_id(desk), role, admin=desk.officer, now=desk.now)
    except svc.RosterRefused as error:
        return _refused(desk, error)
    return desk.redirect("/petugas", "ok.saved")


async def rename(desk: Desk) -> Response:
    """Set the name colleagues see of an officer."""
    try:
        await svc.rename_officer(
            desk.storage,
            _officer_id(desk),
            desk.value("display_name"),
            admin=desk.officer,
            now=desk.now,
        )
    except svc.RosterRefused as error:
        return _refused(desk, error)
    return desk.redirect("/petugas", "ok.saved")


async def remove(desk: Desk) -> Response:
    """Take the officer role away from someone (after the tick-box)."""
    if desk.value("confirm") != "yes":
        return desk.redirect("/petugas", "ok.not_confirmed")
    try:
        await svc.remove_officer(desk.storage, _officer_id(desk), admin=desk.officer, now=desk.now)
    except svc.RosterRefused as error:
        return _refused(desk, error)
    return desk.redirect("/petugas", "ok.officer_removed")


async def end_session(desk: Desk) -> Response:
    """End a console session (another browser's, or one's own elsewhere)."""
    raw = desk.value("session")
    session_id = int(raw) if raw.isdigit() and len(raw) < 12 else 0
    ended = await revoke(desk.storage, desk.officer, session_id, desk.now)
    return desk.redirect("/petugas", "ok.revoked" if ended else "officers.refused.unknown")


MENU: Final = (MenuEntry("officers", "/petugas", admin=True),)

PAGES: Final = (
    Page("/petugas", officers_page, admin=True),
    Page("/petugas/tambah", add, methods=("POST",), admin=True),
    Page("/petugas/peran", change_role, methods=("POST",), admin=True),
    Page("/petugas/nama", rename, methods=("POST",), admin=True),
    Page("/petugas/hapus", remove, methods=("POST",), admin=True),
    Page("/petugas/sesi-cabut", end_session, methods=("POST",), admin=True),
)
