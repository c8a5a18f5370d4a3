"""Officers' session desk in chat (/sesi): list, details, QR, attendance, cancel, open/close.

Buttons carry `sesi:<action>:<ids>`. Every press re-checks the sender's officer role and
re-reads the ids from the database, so an old or forged button changes nothing it should not.
Moving a session and creating one are stored flows in `handlers.sessions.desk_flows`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Final

from handlers.conversation.access import officer_actor, require_officer
from handlers.conversation.messages import Button, Photo, rows
from handlers.conversation.payloads import Payload
from handlers.conversation.router import Feature, on
from handlers.conversation.timefmt import format_date, format_datetime, format_time
from handlers.conversation.turn import Turn
from handlers.sessions import desk_flows
from handlers.sessions.qr import BotUsernameUnknown, bot_username, checkin_link, checkin_qr_png
from handlers.sessions.service import (
    SessionChangeRefused,
    cancel_session,
    mark_attended_by_officer,
    set_registration,
)
from storage.models import BimtekSession, SessionAvailability, SessionMember

# Sessions that ended this long ago still show, so their attendance can be completed.
SHOW_ENDED_FOR: Final = timedelta(days=30)
LIST_LIMIT: Final = 30
PAGE_SIZE: Final = 15


@dataclass(frozen=True)
class DeskButton(Payload, prefix="sesi", officers="sesi"):
    """The /sesi desk, `sesi:<action>[:<ids>]`; every press re-checks the role and the ids."""


class ListSessions(DeskButton, tag="list"):
    """Recent and upcoming sessions."""


class NewSession(DeskButton, tag="new"):
    """Create a session (a flow)."""


@dataclass(frozen=True)
class SessionButton(DeskButton):
    """A desk button about one session: `sesi:<action>:<session>`."""

    session_id: int


class ShowSession(SessionButton, tag="show"):
    """The session's numbers, check-in code and actions."""


class SessionQr(SessionButton, tag="qr"):
    """The check-in QR code."""


class AskCancel(SessionButton, tag="cancel"):
    """Ask to confirm the cancellation."""


class ConfirmCancel(SessionButton, tag="cancelok"):
    """Cancel the session and tell everyone."""


class OpenRegistration(SessionButton, tag="open"):
    """Open the session for registration."""


class CloseRegistration(SessionButton, tag="close"):
    """Close the session for registration."""


class MoveSession(SessionButton, tag="move"):
    """Give the session new times (a flow)."""


@dataclass(frozen=True)
class Attendance(SessionButton, tag="hadir"):
    """A page of the attendance list: `sesi:hadir:<session>:<page>`."""

    page: int


@dataclass(frozen=True)
class MarkAttended(SessionButton, tag="mark"):
    """Record by hand that someone came: `sesi:mark:<session>:<enrollment>`."""

    enrollment_id: int


def refusal_text(turn: Turn, error: SessionChangeRefused, session: BimtekSession | None) -> str:
    """Return the chat sentence for a refused change."""
    if session is None:
        return turn.t(error.text_key, code="", when="")
    when = format_datetime(session.starts_at, turn.services.zone, turn.language)
    return turn.t(error.text_key, code=session.code, when=when)


async def open_desk(turn: Turn, _arg: str) -> None:
    """Show the sessions to an officer (/sesi)."""
    if await require_officer(turn, "sesi") is None:
        return
    await show_list(turn)


async def show_list(turn: Turn) -> None:
    """List recent and upcoming sessions as buttons, with the button for a new one."""
    sessions = await turn.storage.sessions.recent_availability(
        turn.now - SHOW_ENDED_FOR, LIST_LIMIT
    )
    choices = [
        Button(_list_label(turn, item), ShowSession(item.session.id).pack()) for item in sessions
    ]
    choices.append(Button(turn.t("sesi.new"), NewSession().pack()))
    turn.say("sesi.list" if sessions else "sesi.list.empty", buttons=rows(choices, 1))


def _list_label(turn: Turn, item: SessionAvailability) -> str:
    session = item.session
    date = format_date(session.starts_at, turn.services.zone, turn.language)
    key = "sesi.list.label_cancelled" if session.cancelled_at else "sesi.list.label"
    return turn.t(
        key,
        code=session.code,
        title=session.title[:24],
        date=date,
        enrolled=item.enrolled,
        capacity=session.capacity,
    )


async def _list(turn: Turn, _pressed: ListSessions) -> None:
    await show_list(turn)


async def show_detail(turn: Turn, session_id: int) -> None:
    """Show one session with its numbers, check-in code and the buttons to act on it."""
    item = await turn.storage.sessions.availability(session_id)
    if item is None:
        turn.say("sesi.gone")
        return
    session = item.session
    members = await turn.storage.enrollments.members(session.id)
    zone, language = turn.services.zone, turn.language
    maps = turn.t("session.maps", url=session.maps_url) if session.maps_url else ""
    turn.say(
        "sesi.detail",
        buttons=_detail_buttons(turn, session),
        code=session.code,
        title=session.title,
        when=format_datetime(session.starts_at, zone, language),
        ends=format_time(session.ends_at, zone, language),
        venue=session.venue,
        maps=maps,
        enrolled=item.enrolled,
        capacity=session.capacity,
        waitlisted=item.waitlisted,
        attended=sum(1 for member in members if member.enrollment.attended_at is not None),
        checkin_code=session.checkin_code,
        state=turn.t(f"sesi.state.{_state(session)}"),
    )


def _state(session: BimtekSession) -> str:
    if session.cancelled_at is not None:
        return "cancelled"
    return "open" if session.registration_open else "closed"


def _detail_buttons(turn: Turn, session: BimtekSession) -> tuple[tuple[Button, ...], ...]:
    back = (Button(turn.t("sesi.btn.list"), ListSessions().pack()),)
    attendance = Button(turn.t("sesi.btn.attendance"), Attendance(session.id, 0).pack())
    if session.cancelled_at is not None:
        return ((attendance,), back)
    toggle = "close" if session.registration_open else "open"
    toggle_button = CloseRegistration if session.registration_open else OpenRegistration
    return (
        (Button(turn.t("sesi.btn.qr"), SessionQr(session.id).pack()), attendance),
        (
            Button(turn.t("sesi.btn.move"), MoveSession(session.id).pack()),
            Button(turn.t("sesi.btn.cancel"), AskCancel(session.id).pack()),
        ),
        (Button(turn.t(f"sesi.btn.{toggle}"), toggle_button(session.id).pack()),),
        back,
    )


async def _detail(turn: Turn, pressed: ShowSession) -> None:
    await show_detail(turn, pressed.session_id)


async def _qr(turn: Turn, pressed: SessionQr) -> None:
    officer = turn.checked_officer()
    session = await _active(turn, pressed.session_id)
    if session is None:
        return
    try:
        username = await bot_username(turn.storage, turn.services.policy)
    except BotUsernameUnknown:
        turn.say("sesi.qr.no_username")
        return
    link = checkin_link(username, session.checkin_code)
    caption = turn.t("sesi.qr.caption", code=session.code, title=session.title, link=link)
    turn.replies.append(Photo(checkin_qr_png(link), caption, f"checkin-{session.code}.png"))
    await turn.storage.audit.record(officer_actor(officer), "session.qr", session.code, turn.now)


async def _active(turn: Turn, session_id: int) -> BimtekSession | None:
    """Return the session if it exists and is not cancelled; otherwise say why not."""
    session = await turn.storage.sessions.get(session_id)
    if session is None:
        turn.say("sesi.gone")
        return None
    if session.cancelled_at is not None:
        turn.say("sesi.is_cancelled", code=session.code)
        return None
    return session


async def show_attendance(turn: Turn, session_id: int, page: int) -> None:
    """Show a page of the enrolled list, ✅ for those who came, with buttons to mark the rest."""
    session = await turn.storage.sessions.get(session_id)
    if session is None:
        turn.say("sesi.gone")
        return
    members = await turn.storage.enrollments.members(session.id)
    back = (Button(turn.t("sesi.btn.detail"), ShowSession(session.id).pack()),)
    if not members:
        turn.say("sesi.attendance.empty", buttons=(back,), code=session.code)
        return
    pages = (len(members) + PAGE_SIZE - 1) // PAGE_SIZE
    page = min(page, pages - 1)
    shown = members[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    lines = [
        f"{'✅' if member.enrollment.attended_at else '⬜'} {page * PAGE_SIZE + number}. "
        f"{_name(member)}"
        for number, member in enumerate(shown, start=1)
    ]
    text = turn.t(
        "sesi.attendance",
        code=session.code,
        title=session.title,
        attended=sum(1 for member in members if member.enrollment.attended_at is not None),
        enrolled=len(members),
        lines="\n".join(lines),
    )
    if pages > 1:
        text += turn.t("sesi.attendance.page", page=page + 1, pages=pages)
    buttons: list[tuple[Button, ...]] = []
    if session.cancelled_at is None:
        buttons.extend(
            (Button(turn.t("sesi.mark.button", name=_name(member)), _mark(session, member)),)
            for member in shown
            if member.enrollment.attended_at is None
        )
    buttons.append(_page_buttons(turn, session.id, page, pages))
    buttons.append(back)
    turn.say_text(text, buttons=tuple(row for row in buttons if row))


def _name(member: SessionMember) -> str:
    return (member.participant.full_name or "-")[:40]


def _mark(session: BimtekSession, member: SessionMember) -> str:
    return MarkAttended(session.id, member.enrollment.id).pack()


def _page_buttons(turn: Turn, session_id: int, page: int, pages: int) -> tuple[Button, ...]:
    found = []
    if page > 0:
        found.append(Button(turn.t("sesi.btn.prev"), Attendance(session_id, page - 1).pack()))
    if page + 1 < pages:
        found.append(Button(turn.t("sesi.btn.next"), Attendance(session_id, page + 1).pack()))
    return tuple(found)


async def _attendance(turn: Turn, pressed: Attendance) -> None:
    session_id = pressed.session_id
    await show_attendance(turn, session_id, pressed.page)
    actor = officer_actor(turn.checked_officer())
    await turn.storage.audit.record(actor, "attendance.view", str(session_id), turn.now)


async def _mark_attended(turn: Turn, pressed: MarkAttended) -> None:
    officer = turn.checked_officer()
    session_id, enrollment_id = pressed.session_id, pressed.enrollment_id
    try:
        enrollment, marked = await mark_attended_by_officer(
            turn.storage, session_id, enrollment_id, actor=officer_actor(officer), now=turn.now
        )
    except SessionChangeRefused as error:
        turn.say_text(refusal_text(turn, error, await turn.storage.sessions.get(session_id)))
        return
    participant = await turn.storage.participants.get(enrollment.participant_id)
    name = (participant.full_name if participant else None) or "-"
    turn.say("sesi.mark.done" if marked else "sesi.mark.already", name=name)
    members = await turn.storage.enrollments.members(session_id)
    position = next(
        (index for index, member in enumerate(members) if member.enrollment.id == enrollment.id),
        0,
    )
    await show_attendance(turn, session_id, position // PAGE_SIZE)


async def _ask_cancel(turn: Turn, pressed: AskCancel) -> None:
    item = await turn.storage.sessions.availability(pressed.session_id)
    if item is None or item.session.cancelled_at is not None:
        await _active(turn, pressed.session_id)
        return
    session = item.session
    buttons = (
        (
            Button(turn.t("sesi.cancel.yes"), ConfirmCancel(session.id).pack()),
            Button(turn.t("sesi.cancel.no"), ShowSession(session.id).pack()),
        ),
    )
    turn.say(
        "sesi.cancel.confirm",
        buttons=buttons,
        code=session.code,
        title=session.title,
        when=format_datetime(session.starts_at, turn.services.zone, turn.language),
        enrolled=item.enrolled,
        waitlisted=item.waitlisted,
    )


async def _cancel(turn: Turn, pressed: ConfirmCancel) -> None:
    session = await turn.storage.sessions.get(pressed.session_id)
    try:
        notified = await cancel_session(
            turn.storage,
            pressed.session_id,
            actor=officer_actor(turn.checked_officer()),
            now=turn.now,
            zone=turn.services.zone,
        )
    except SessionChangeRefused as error:
        turn.say_text(refusal_text(turn, error, session))
        return
    assert session is not None  # noqa: S101 - cancel_session refuses a missing session
    turn.say("sesi.cancel.done", code=session.code, notified=notified)
    await show_detail(turn, session.id)


async def _set_open(turn: Turn, session_id: int, is_open: bool) -> None:
    actor = officer_actor(turn.checked_officer())
    try:
        session = await set_registration(
            turn.storage, session_id, is_open, actor=actor, now=turn.now
        )
    except SessionChangeRefused as error:
        turn.say_text(refusal_text(turn, error, await turn.storage.sessions.get(session_id)))
        return
    turn.say(
        "sesi.registration.opened" if is_open else "sesi.registration.closed", code=session.code
    )
    await show_detail(turn, session.id)


async def _open(turn: Turn, pressed: OpenRegistration) -> None:
    await _set_open(turn, pressed.session_id, True)


async def _close(turn: Turn, pressed: CloseRegistration) -> None:
    await _set_open(turn, pressed.session_id, False)


async def _move(turn: Turn, pressed: MoveSession) -> None:
    session = await _active(turn, pressed.session_id)
    if session is not None:
        await desk_flows.start_move(turn, session)


async def _new(turn: Turn, _pressed: NewSession) -> None:
    await desk_flows.start_new(turn)


FEATURE = Feature(
    "sessions.desk",
    commands={"sesi": open_desk},
    flows=desk_flows.FLOWS,
    buttons=(
        on(ListSessions, _list),
        on(ShowSession, _detail),
        on(SessionQr, _qr),
        on(Attendance, _attendance),
        on(MarkAttended, _mark_attended),
        on(AskCancel, _ask_cancel),
        on(ConfirmCancel, _cancel),
        on(OpenRegistration, _open),
        on(CloseRegistration, _close),
        on(MoveSession, _move, starts_flow=True),
        on(NewSession, _new, starts_flow=True),
    ),
)
