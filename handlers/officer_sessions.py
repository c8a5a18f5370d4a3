"""Officers' session desk in chat (/sesi): list, details, QR, attendance, cancel, open/close.

Buttons carry `sesi:<action>:<ids>`. Every press re-checks the sender's officer role and
re-reads the ids from the database, so an old or forged button changes nothing it should not.
Moving a session and creating one are stored flows in `handlers.session_flows`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Final

from handlers import session_flows
from handlers.core import Button, Photo, rows
from handlers.officers_auth import officer_actor, require_officer
from handlers.payload_ids import parse_ids
from handlers.qr import BotUsernameUnknown, bot_username, checkin_link, checkin_qr_png
from handlers.router import Feature
from handlers.session_admin import (
    SessionChangeRefused,
    cancel_session,
    mark_attended_by_officer,
    set_registration,
)
from handlers.timefmt import format_date, format_datetime, format_time
from handlers.turn import Turn
from storage.models import BimtekSession, Officer, SessionAvailability, SessionMember

PREFIX: Final = "sesi"
# Sessions that ended this long ago still show, so their attendance can be completed.
SHOW_ENDED_FOR: Final = timedelta(days=30)
LIST_LIMIT: Final = 30
PAGE_SIZE: Final = 15

Action = Callable[[Turn, Officer, tuple[int, ...]], Awaitable[None]]


def payload(action: str, *ids: int) -> str:
    """Return the payload of a /sesi button."""
    return ":".join((PREFIX, action, *(str(value) for value in ids)))


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


async def on_button(turn: Turn, pressed: str) -> None:
    """Carry out a /sesi button after checking the role and the ids it carries."""
    parts = pressed.split(":")
    name = parts[1] if len(parts) > 1 and parts[1] in ACTIONS else "unknown"
    officer = await require_officer(turn, f"sesi.{name}")
    if officer is None:
        return
    arity, action = ACTIONS.get(name, (-1, _stale))
    ids = parse_ids(parts[2:])
    if ids is None or len(ids) != arity:
        await _stale(turn, officer, ())
        return
    await action(turn, officer, ids)


async def _stale(turn: Turn, _officer: Officer, _ids: tuple[int, ...]) -> None:
    turn.say("stale_button")


async def show_list(turn: Turn) -> None:
    """List recent and upcoming sessions as buttons, with the button for a new one."""
    sessions = await turn.storage.sessions.recent_availability(
        turn.now - SHOW_ENDED_FOR, LIST_LIMIT
    )
    choices = [
        Button(_list_label(turn, item), payload("show", item.session.id)) for item in sessions
    ]
    choices.append(Button(turn.t("sesi.new"), payload("new")))
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


async def _list(turn: Turn, _officer: Officer, _ids: tuple[int, ...]) -> None:
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
    back = (Button(turn.t("sesi.btn.list"), payload("list")),)
    attendance = Button(turn.t("sesi.btn.attendance"), payload("hadir", session.id, 0))
    if session.cancelled_at is not None:
        return ((attendance,), back)
    toggle = "close" if session.registration_open else "open"
    return (
        (Button(turn.t("sesi.btn.qr"), payload("qr", session.id)), attendance),
        (
            Button(turn.t("sesi.btn.move"), payload("move", session.id)),
            Button(turn.t("sesi.btn.cancel"), payload("cancel", session.id)),
        ),
        (Button(turn.t(f"sesi.btn.{toggle}"), payload(toggle, session.id)),),
        back,
    )


async def _detail(turn: Turn, _officer: Officer, ids: tuple[int, ...]) -> None:
    await show_detail(turn, ids[0])


async def _qr(turn: Turn, officer: Officer, ids: tuple[int, ...]) -> None:
    session = await _active(turn, ids[0])
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
    back = (Button(turn.t("sesi.btn.detail"), payload("show", session.id)),)
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
    return payload("mark", session.id, member.enrollment.id)


def _page_buttons(turn: Turn, session_id: int, page: int, pages: int) -> tuple[Button, ...]:
    found = []
    if page > 0:
        found.append(Button(turn.t("sesi.btn.prev"), payload("hadir", session_id, page - 1)))
    if page + 1 < pages:
        found.append(Button(turn.t("sesi.btn.next"), payload("hadir", session_id, page + 1)))
    return tuple(found)


async def _attendance(turn: Turn, officer: Officer, ids: tuple[int, ...]) -> None:
    session_id, page = ids
    await show_attendance(turn, session_id, page)
    await turn.storage.audit.record(
        officer_actor(officer), "attendance.view", str(session_id), turn.now
    )


async def _mark_attended(turn: Turn, officer: Officer, ids: tuple[int, ...]) -> None:
    session_id, enrollment_id = ids
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


async def _ask_cancel(turn: Turn, _officer: Officer, ids: tuple[int, ...]) -> None:
    item = await turn.storage.sessions.availability(ids[0])
    if item is None or item.session.cancelled_at is not None:
        await _active(turn, ids[0])
        return
    session = item.session
    buttons = (
        (
            Button(turn.t("sesi.cancel.yes"), payload("cancelok", session.id)),
            Button(turn.t("sesi.cancel.no"), payload("show", session.id)),
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


async def _cancel(turn: Turn, officer: Officer, ids: tuple[int, ...]) -> None:
    session = await turn.storage.sessions.get(ids[0])
    try:
        notified = await cancel_session(
            turn.storage,
            ids[0],
            actor=officer_actor(officer),
            now=turn.now,
            zone=turn.services.zone,
        )
    except SessionChangeRefused as error:
        turn.say_text(refusal_text(turn, error, session))
        return
    assert session is not None  # noqa: S101 - cancel_session refuses a missing session
    turn.say("sesi.cancel.done", code=session.code, notified=notified)
    await show_detail(turn, session.id)


async def _set_open(turn: Turn, officer: Officer, ids: tuple[int, ...], is_open: bool) -> None:
    try:
        session = await set_registration(
            turn.storage, ids[0], is_open, actor=officer_actor(officer), now=turn.now
        )
    except SessionChangeRefused as error:
        turn.say_text(refusal_text(turn, error, await turn.storage.sessions.get(ids[0])))
        return
    turn.say(
        "sesi.registration.opened" if is_open else "sesi.registration.closed", code=session.code
    )
    await show_detail(turn, session.id)


async def _open(turn: Turn, officer: Officer, ids: tuple[int, ...]) -> None:
    await _set_open(turn, officer, ids, True)


async def _close(turn: Turn, officer: Officer, ids: tuple[int, ...]) -> None:
    await _set_open(turn, officer, ids, False)


async def _move(turn: Turn, _officer: Officer, ids: tuple[int, ...]) -> None:
    session = await _active(turn, ids[0])
    if session is not None:
        await session_flows.start_move(turn, session)


async def _new(turn: Turn, _officer: Officer, _ids: tuple[int, ...]) -> None:
    await session_flows.start_new(turn)


# Action name → (how many ids its payload carries, what it does).
ACTIONS: Final[dict[str, tuple[int, Action]]] = {
    "list": (0, _list),
    "show": (1, _detail),
    "qr": (1, _qr),
    "hadir": (2, _attendance),
    "mark": (2, _mark_attended),
    "cancel": (1, _ask_cancel),
    "cancelok": (1, _cancel),
    "open": (1, _open),
    "close": (1, _close),
    "move": (1, _move),
    "new": (0, _new),
}

FEATURE = Feature(
    commands={"sesi": open_desk},
    flows=session_flows.FLOWS,
    flow_role="officer",
    buttons={PREFIX: on_button},
)
