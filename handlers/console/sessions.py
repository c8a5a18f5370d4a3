"""Sesi: list, create, edit (times included), cancel, open/close, attendance, check-in poster."""

from __future__ import annotations

from datetime import datetime
from typing import Final

import segno
from markupsafe import Markup
from starlette.exceptions import HTTPException
from starlette.responses import Response

from handlers.console import services as svc
from handlers.console.web import Desk, MenuEntry, Page
from storage.models import BimtekSession

POSTER_SCALE: Final = 12
REFRESH_SECONDS: Final = 20
FORM_FIELDS: Final = ("code", "title", "venue", "maps_url", "capacity", "starts_at", "ends_at")


async def list_sessions(desk: Desk) -> Response:
    """Show every session with its places, state and links."""
    return desk.render(
        "sessions.html", nav="sessions", sessions=await desk.storage.sessions.list_availability()
    )


def _local_input(desk: Desk, moment: datetime) -> str:
    """Return a moment as an <input type=datetime-local> value in the configured zone."""
    return moment.astimezone(desk.services.zone).strftime("%Y-%m-%dT%H:%M")


def _read_time(desk: Desk, name: str) -> datetime:
    typed = desk.value(name).replace("T", " ")
    try:
        return svc.parse_local_datetime(typed, desk.services.zone)
    except ValueError as error:
        raise svc.SessionChangeRefused("time") from error


def _refusal(desk: Desk, error: svc.SessionChangeRefused) -> str:
    return desk.t(error.text_key, code=desk.value("code"), when="", **error.values)


async def new_form(desk: Desk) -> Response:
    """Show the form for a new session."""
    return desk.render("session_form.html", nav="sessions", session=None, values={})


async def create(desk: Desk) -> Response:
    """Create a session from the form."""
    values = {name: desk.value(name) for name in FORM_FIELDS}
    try:
        new = svc.NewSession(
            code=svc.read_code(values["code"]),
            title=svc.read_label(values["title"]),
            venue=svc.read_label(values["venue"]),
            starts_at=_read_time(desk, "starts_at"),
            ends_at=_read_time(desk, "ends_at"),
            capacity=svc.read_capacity(values["capacity"]),
            maps_url=svc.read_maps_url(values["maps_url"] or "-"),
        )
        session = await svc.create_session(desk.storage, new, actor=desk.actor, now=desk.now)
    except svc.SessionChangeRefused as error:
        return desk.render(
            "session_form.html",
            status=422,
            nav="sessions",
            session=None,
            values=values,
            error=_refusal(desk, error),
        )
    return desk.redirect(f"/sesi/{session.id}/hadir", "ok.session_created")


async def _session(desk: Desk) -> BimtekSession:
    session = await desk.storage.sessions.get(desk.int_param("session_id"))
    if session is None:
        raise HTTPException(404)
    return session


async def edit_form(desk: Desk) -> Response:
    """Show the form to change a session."""
    session = await _session(desk)
    values = {
        "title": session.title,
        "venue": session.venue,
        "maps_url": session.maps_url or "",
        "capacity": str(session.capacity),
        "starts_at": _local_input(desk, session.starts_at),
        "ends_at": _local_input(desk, session.ends_at),
    }
    return desk.render("session_form.html", nav="sessions", session=session, values=values)


async def update(desk: Desk) -> Response:
    """Change title, venue, map link and capacity; new times move it and tell those enrolled."""
    session = await _session(desk)
    values = {name: desk.value(name) for name in FORM_FIELDS}
    try:
        edit = svc.SessionEdit(
            title=svc.read_label(values["title"]),
            venue=svc.read_label(values["venue"]),
            capacity=svc.read_capacity(values["capacity"]),
            maps_url=svc.read_maps_url(values["maps_url"] or "-"),
        )
        starts_at, ends_at = _read_time(desk, "starts_at"), _read_time(desk, "ends_at")
        moved = (starts_at, ends_at) != (session.starts_at, session.ends_at)
        if moved:
            svc.check_times(starts_at, ends_at, desk.now)
        await svc.edit_session(
            desk.storage,
            session.id,
            edit,
            actor=desk.actor,
            now=desk.now,
            policy=desk.services.policy,
            zone=desk.services.zone,
        )
        if moved:
            await svc.move_session(
                desk.storage,
                session.id,
                starts_at,
                ends_at,
                actor=desk.actor,
                now=desk.now,
                zone=desk.services.zone,
            )
    except svc.SessionChangeRefused as error:
        return desk.render(
            "session_form.html",
            status=422,
            nav="sessions",
            session=session,
            values=values,
            error=_refusal(desk, error),
        )
    return desk.redirect("/sesi", "ok.session_moved" if moved else "ok.saved")


async def cancel(desk: Desk) -> Response:
    """Cancel a session after the tick-box, telling everyone enrolled or waiting."""
    session = await _session(desk)
    if desk.value("confirm") != "yes":
        return desk.redirect(f"/sesi/{session.id}/hadir", "ok.not_confirmed")
    try:
        await svc.cancel_session(
            desk.storage, session.id, actor=desk.actor, now=desk.now, zone=desk.services.zone
        )
    except svc.SessionChangeRefused as error:
        return desk.redirect(f"/sesi/{session.id}/hadir", error.text_key)
    return desk.redirect("/sesi", "ok.session_cancelled")


async def set_open(desk: Desk) -> Response:
    """Open or close a session for registration."""
    session = await _session(desk)
    is_open = desk.value("open") == "1"
    try:
        await svc.set_registration(
            desk.storage, session.id, is_open, actor=desk.actor, now=desk.now
        )
    except svc.SessionChangeRefused as error:
        return desk.redirect(f"/sesi/{session.id}/hadir", error.text_key)
    return desk.redirect(f"/sesi/{session.id}/hadir", "ok.saved")


async def attendance(desk: Desk) -> Response:
    """Show who is enrolled and who came, reloading itself while the session runs."""
    session = await _session(desk)
    storage = desk.storage
    members = await storage.enrollments.members(session.id, ("enrolled",))
    waiting = await storage.enrollments.members(session.id, ("waitlisted",))
    came = sum(1 for member in members if member.enrollment.attended_at is not None)
    opens = session.starts_at - desk.services.policy.checkin_opens_before
    live = session.cancelled_at is None and opens <= desk.now <= session.ends_at
    return desk.render(
        "attendance.html",
        nav="sessions",
        session=session,
        members=members,
        waiting=waiting,
        came=came,
        refresh=REFRESH_SECONDS if live else None,
        mask=svc.mask_nik,
    )


async def mark(desk: Desk) -> Response:
    """Record by hand that a participant came."""
    session = await _session(desk)
    enrollment = desk.value("enrollment")
    if not enrollment.isdigit() or len(enrollment) > 12:
        return desk.redirect(f"/sesi/{session.id}/hadir", "sesi.invalid.not_enrolled")
    try:
        _, marked = await svc.mark_attended_by_officer(
            desk.storage, session.id, int(enrollment), actor=desk.actor, now=desk.now
        )
    except svc.SessionChangeRefused as error:
        return desk.redirect(f"/sesi/{session.id}/hadir", error.text_key)
    return desk.redirect(f"/sesi/{session.id}/hadir", "ok.marked" if marked else "ok.unchanged")


async def poster(desk: Desk) -> Response:
    """Show the printable A4 check-in poster: a big QR of the check-in link."""
    session = await _session(desk)
    try:
        username = await svc.bot_username(desk.storage, desk.services.policy)
    except svc.BotUsernameUnknown:
        return desk.render("poster.html", session=session, link=None, qr=None)
    link = svc.checkin_link(username, session.checkin_code)
    qr = segno.make(link, error="m", micro=False).svg_inline(
        scale=POSTER_SCALE, omitsize=True, svgclass="qr"
    )
    await desk.storage.audit.record(desk.actor, "session.qr", session.code, desk.now)
    return desk.render("poster.html", session=session, link=link, qr=Markup(qr))  # noqa: S704


MENU: Final = (MenuEntry("sessions", "/sesi"),)

PAGES: Final = (
    Page("/sesi", list_sessions),
    Page("/sesi/baru", new_form),
    Page("/sesi/baru", create, methods=("POST",)),
    Page("/sesi/{session_id}/ubah", edit_form),
    Page("/sesi/{session_id}/ubah", update, methods=("POST",)),
    Page("/sesi/{session_id}/batal", cancel, methods=("POST",)),
    Page("/sesi/{session_id}/pendaftaran", set_open, methods=("POST",)),
    Page("/sesi/{session_id}/hadir", attendance),
    Page("/sesi/{session_id}/hadir", mark, methods=("POST",)),
    Page("/sesi/{session_id}/poster", poster),
)
