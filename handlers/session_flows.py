"""Officers' stored flows for sessions: create one (`sesi_new`), move one (`sesi_move`).

Each answer is validated with a clear re-ask; the officer role is checked again at every
step, and the session id kept in the flow is re-read from the database before any change.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final

from handlers import fields
from handlers.core import Button
from handlers.officers_auth import officer_actor, require_officer
from handlers.session_admin import (
    NewSession,
    SessionChangeRefused,
    check_times,
    create_session,
    move_session,
    read_capacity,
    read_code,
    read_label,
    read_maps_url,
)
from handlers.timefmt import ZONE_LABELS, format_datetime, format_time, parse_local_datetime
from handlers.turn import Flow, Turn
from storage.models import BimtekSession, Officer

NEW_FLOW: Final = "sesi_new"
MOVE_FLOW: Final = "sesi_move"
NEW_STEPS: Final = ("code", "title", "venue", "starts_at", "ends_at", "capacity", "maps_url")
MOVE_STEPS: Final = ("starts_at", "ends_at")
CONFIRM: Final = "confirm"


def _zone_label(turn: Turn) -> str:
    zone = turn.services.zone
    return ZONE_LABELS.get(zone.key, zone.key)


def _when(turn: Turn, moment: datetime) -> str:
    return format_datetime(moment, turn.services.zone, turn.language)


def _moment(data: dict[str, Any], key: str) -> datetime:
    return datetime.fromisoformat(str(data[key]))


def _busy(turn: Turn) -> bool:
    """Tell (and say) whether the officer is in a flow, which a new one must not overwrite.

    The router asks the current flow's question again after a button, so the officer sees
    where they are.
    """
    conversation = turn.conversation
    if conversation is None:
        return False
    turn.say("busy", flow=turn.t(f"flow.{conversation.flow}"))
    return True


def _confirm_buttons(turn: Turn, flow: str, yes: str, no: str) -> tuple[tuple[Button, ...], ...]:
    return (
        (
            Button(turn.t(yes), fields.payload(flow, CONFIRM, "yes")),
            Button(turn.t(no), fields.payload(flow, CONFIRM, "no")),
        ),
    )


def _read_time(turn: Turn, text: str, data: dict[str, Any], step: str) -> datetime:
    """Read a typed local time for a start or end step, or raise SessionChangeRefused."""
    try:
        moment = parse_local_datetime(text[: fields.MAX_TEXT], turn.services.zone)
    except ValueError as error:
        raise SessionChangeRefused("time") from error
    if step == "starts_at" and moment <= turn.now:
        raise SessionChangeRefused("past")
    if step == "ends_at":
        check_times(_moment(data, "starts_at"), moment, turn.now)
    return moment


def _refusal(turn: Turn, error: SessionChangeRefused, data: dict[str, Any]) -> None:
    when = _when(turn, _moment(data, "starts_at")) if "starts_at" in data else ""
    turn.say(error.text_key, code=data.get("code", ""), when=when)


async def _text_answer(turn: Turn, action: str) -> str | None:
    """Return the typed answer after re-checking the role; None when refused or not text."""
    if await require_officer(turn, action) is None:
        await turn.end_flow()
        return None
    if turn.inbound.kind != "text":
        turn.say("stale_button" if turn.inbound.kind == "button" else "sesi.invalid.text_expected")
        return None
    return turn.inbound.text[: fields.MAX_TEXT]


# Creating a session


async def start_new(turn: Turn) -> None:
    """Begin the new-session flow at its first question."""
    if _busy(turn):
        return
    await turn.save_state(NEW_FLOW, "code", {})
    _ask_new(turn, "code", {})


def _ask_new(turn: Turn, step: str, data: dict[str, Any]) -> None:
    if step != CONFIRM:
        turn.say(f"sesi.new.ask.{step}", zone=_zone_label(turn))
        return
    zone, language = turn.services.zone, turn.language
    turn.say(
        "sesi.new.summary",
        buttons=_confirm_buttons(turn, NEW_FLOW, "sesi.new.yes", "sesi.new.no"),
        code=data["code"],
        title=data["title"],
        venue=data["venue"],
        when=_when(turn, _moment(data, "starts_at")),
        ends=format_time(_moment(data, "ends_at"), zone, language),
        capacity=data["capacity"],
        maps=data.get("maps_url") or "-",
    )


class NewSessionFlow:
    """Code, title, venue, start, end, capacity, map link, then a summary to confirm."""

    name = NEW_FLOW

    async def prompt(self, turn: Turn) -> None:
        """Ask again what the current step needs."""
        assert turn.conversation is not None  # noqa: S101 - the router checks
        _ask_new(turn, turn.conversation.step, dict(turn.conversation.data))

    async def resume(self, turn: Turn) -> None:
        """Read the answer at the current step."""
        assert turn.conversation is not None  # noqa: S101 - the router checks
        step, data = turn.conversation.step, dict(turn.conversation.data)
        if step == CONFIRM:
            await _on_new_confirm(turn, data)
            return
        answer = await _text_answer(turn, "sesi.new")
        if answer is None:
            if turn.conversation is not None:
                _ask_new(turn, step, data)
            return
        try:
            data[step] = await _read_new(turn, step, answer, data)
        except SessionChangeRefused as error:
            _refusal(turn, error, data | {"code": answer.strip()[:32]})
            return
        await _go_new(turn, _after(step, data), data)


def _after(step: str, data: dict[str, Any]) -> str:
    """Return the step after an answer: the summary again when fixing one answer from it."""
    # A new start also needs its end checked again, so it never skips straight back.
    if step == NEW_STEPS[-1] or (data.get("fixing") and step != "starts_at"):
        return CONFIRM
    return NEW_STEPS[NEW_STEPS.index(step) + 1]


async def _go_new(turn: Turn, step: str, data: dict[str, Any]) -> None:
    await turn.save_state(NEW_FLOW, step, data)
    _ask_new(turn, step, data)


async def _read_new(turn: Turn, step: str, answer: str, data: dict[str, Any]) -> object:
    if step == "code":
        code = read_code(answer)
        if await turn.storage.sessions.get_by_code(code) is not None:
            raise SessionChangeRefused("code_taken")
        return code
    if step in ("title", "venue"):
        return read_label(answer)
    if step in ("starts_at", "ends_at"):
        return _read_time(turn, answer, data, step).isoformat()
    if step == "capacity":
        return read_capacity(answer)
    return read_maps_url(answer)


async def _confirming_officer(turn: Turn, flow: str, action: str) -> Officer | None:
    """Return the officer who pressed yes at the confirmation; otherwise end or keep waiting.

    A non-officer is refused and the flow ends; "no" ends it with `<action>.aborted`; anything
    else is answered with "pick a button" and the caller asks again.
    """
    officer = await require_officer(turn, action)
    if officer is None:
        await turn.end_flow()
        return None
    answer = fields.button_value(turn, flow, CONFIRM)
    if answer == "no":
        await turn.end_flow()
        turn.say(f"{action}.aborted")
        return None
    if answer != "yes":
        turn.say("invalid.choice")
        return None
    return officer


async def _on_new_confirm(turn: Turn, data: dict[str, Any]) -> None:
    officer = await _confirming_officer(turn, NEW_FLOW, "sesi.new")
    if officer is None:
        if turn.conversation is not None:
            _ask_new(turn, CONFIRM, data)
        return
    new = NewSession(
        code=data["code"],
        title=data["title"],
        venue=data["venue"],
        starts_at=_moment(data, "starts_at"),
        ends_at=_moment(data, "ends_at"),
        capacity=int(data["capacity"]),
        maps_url=data.get("maps_url"),
    )
    try:
        session = await create_session(
            turn.storage, new, actor=officer_actor(officer), now=turn.now
        )
    except SessionChangeRefused as error:
        _refusal(turn, error, data)
        # Go back to the answer that no longer holds: the code, or the start that passed.
        data["fixing"] = True
        await _go_new(turn, "code" if error.reason == "code_taken" else "starts_at", data)
        return
    await turn.end_flow()
    turn.say("sesi.new.done", code=session.code, checkin_code=session.checkin_code)


# Moving a session


async def start_move(turn: Turn, session: BimtekSession) -> None:
    """Begin moving a session: ask its new start."""
    if _busy(turn):
        return
    data = {"session_id": session.id}
    await turn.save_state(MOVE_FLOW, "starts_at", data)
    await _ask_move(turn, "starts_at", data)


async def _ask_move(turn: Turn, step: str, data: dict[str, Any]) -> None:
    session = await turn.storage.sessions.get(int(data["session_id"]))
    if session is None or session.cancelled_at is not None:
        await turn.end_flow()
        turn.say("sesi.gone")
        return
    if step == "starts_at":
        turn.say(
            "sesi.move.ask_start",
            code=session.code,
            title=session.title,
            when=_when(turn, session.starts_at),
            zone=_zone_label(turn),
        )
    elif step == "ends_at":
        turn.say("sesi.move.ask_end", zone=_zone_label(turn))
    else:
        enrolled = await turn.storage.enrollments.count(session.id, "enrolled")
        turn.say(
            "sesi.move.confirm",
            buttons=_confirm_buttons(turn, MOVE_FLOW, "sesi.move.yes", "sesi.move.no"),
            code=session.code,
            title=session.title,
            old=_when(turn, session.starts_at),
            when=_when(turn, _moment(data, "starts_at")),
            ends=format_time(_moment(data, "ends_at"), turn.services.zone, turn.language),
            enrolled=enrolled,
        )


class MoveSessionFlow:
    """New start, new end, then confirm; the participants enrolled are told."""

    name = MOVE_FLOW

    async def prompt(self, turn: Turn) -> None:
        """Ask again what the current step needs."""
        assert turn.conversation is not None  # noqa: S101 - the router checks
        await _ask_move(turn, turn.conversation.step, dict(turn.conversation.data))

    async def resume(self, turn: Turn) -> None:
        """Read the answer at the current step."""
        assert turn.conversation is not None  # noqa: S101 - the router checks
        step, data = turn.conversation.step, dict(turn.conversation.data)
        if step == CONFIRM:
            await _on_move_confirm(turn, data)
            return
        answer = await _text_answer(turn, "sesi.move")
        if answer is None:
            if turn.conversation is not None:
                await _ask_move(turn, step, data)
            return
        try:
            data[step] = _read_time(turn, answer, data, step).isoformat()
        except SessionChangeRefused as error:
            _refusal(turn, error, data)
            return
        following = "ends_at" if step == "starts_at" else CONFIRM
        await turn.save_state(MOVE_FLOW, following, data)
        await _ask_move(turn, following, data)


async def _on_move_confirm(turn: Turn, data: dict[str, Any]) -> None:
    officer = await _confirming_officer(turn, MOVE_FLOW, "sesi.move")
    if officer is None:
        if turn.conversation is not None:
            await _ask_move(turn, CONFIRM, data)
        return
    session_id = int(data["session_id"])
    starts_at = _moment(data, "starts_at")
    try:
        notified = await move_session(
            turn.storage,
            session_id,
            starts_at,
            _moment(data, "ends_at"),
            actor=officer_actor(officer),
            now=turn.now,
            zone=turn.services.zone,
        )
    except SessionChangeRefused as error:
        _refusal(turn, error, data)
        if error.reason == "past":
            await turn.save_state(MOVE_FLOW, "starts_at", data)
            await _ask_move(turn, "starts_at", data)
        else:
            await turn.end_flow()
        return
    await turn.end_flow()
    session = await turn.storage.sessions.get(session_id)
    code = session.code if session is not None else ""
    turn.say("sesi.move.done", code=code, when=_when(turn, starts_at), notified=notified)


FLOWS: Final[dict[str, Flow]] = {NEW_FLOW: NewSessionFlow(), MOVE_FLOW: MoveSessionFlow()}
