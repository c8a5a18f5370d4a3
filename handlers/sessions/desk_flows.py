"""Officers' stored flows for sessions: create one (`sesi_new`), move one (`sesi_move`).

Each answer is validated with a clear re-ask; the engine checks the officer role again at every
step, and the session id kept in the flow is re-read from the database before any change.
"""

from __future__ import annotations

from datetime import datetime
from typing import Final

from handlers.conversation import flows
from handlers.conversation.access import OfficersOnly, officer_actor
from handlers.conversation.timefmt import (
    ZONE_LABELS,
    format_datetime,
    format_time,
    parse_local_datetime,
)
from handlers.conversation.turn import Turn
from handlers.sessions.service import (
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
from storage.models import BimtekSession

NEW_STEPS: Final = ("code", "title", "venue", "starts_at", "ends_at", "capacity", "maps_url")
CONFIRM: Final = "confirm"


def _zone_label(turn: Turn) -> str:
    zone = turn.services.zone
    return ZONE_LABELS.get(zone.key, zone.key)


def _when(turn: Turn, moment: datetime) -> str:
    return format_datetime(moment, turn.services.zone, turn.language)


def _moment(data: flows.Data, key: str) -> datetime:
    return datetime.fromisoformat(str(data[key]))


def _confirm_choices(action: str) -> flows.Offer:
    async def choices(turn: Turn, _data: flows.Data) -> flows.Rows:
        return (
            (
                flows.Choice(turn.t(f"{action}.yes"), "yes"),
                flows.Choice(turn.t(f"{action}.no"), "no"),
            ),
        )

    return choices


def _read_time(turn: Turn, text: str, data: flows.Data, step: str) -> datetime:
    """Read a typed local time for a start or end step, or raise SessionChangeRefused."""
    try:
        moment = parse_local_datetime(text, turn.services.zone)
    except ValueError as error:
        raise SessionChangeRefused("time") from error
    if step == "starts_at" and moment <= turn.now:
        raise SessionChangeRefused("past")
    if step == "ends_at":
        check_times(_moment(data, "starts_at"), moment, turn.now)
    return moment


def _refusal(turn: Turn, error: SessionChangeRefused, data: flows.Data) -> None:
    when = _when(turn, _moment(data, "starts_at")) if "starts_at" in data else ""
    turn.say(error.text_key, code=data.get("code", ""), when=when)


def _typed(turn: Turn, answer: flows.Answer) -> str | None:
    """Return the typed answer, or say that text is expected."""
    if answer.text is None:
        turn.say("sesi.invalid.text_expected")
    return answer.text


def _confirmed(turn: Turn, answer: flows.Answer, action: str) -> flows.Outcome | None:
    """Return None on yes; otherwise what "no" or another answer does at a confirmation."""
    if answer.value == "yes":
        return None
    if answer.value == "no":
        turn.say(f"{action}.aborted")
        return flows.End()
    turn.say("invalid.choice")
    return flows.Stay()


# Creating a session: code, title, venue, start, end, capacity, map link, then confirm.


async def start_new(turn: Turn) -> None:
    """Begin the new-session flow at its first question."""
    await NEW_FLOW.begin(turn)


def _new_step(step: str) -> flows.Step:
    async def ask(turn: Turn, _data: flows.Data) -> flows.Prompt:
        return flows.Prompt(turn.t(f"sesi.new.ask.{step}", zone=_zone_label(turn)))

    async def read(turn: Turn, data: flows.Data, answer: flows.Answer) -> flows.Outcome:
        typed = _typed(turn, answer)
        if typed is None:
            return flows.Stay()
        try:
            data[step] = await _read_new(turn, step, typed, data)
        except SessionChangeRefused as error:
            _refusal(turn, error, data | {"code": typed.strip()[:32]})
            return flows.Stay(ask=False)
        return flows.Go(_after(step, data), data)

    return flows.Step(ask, read, saves=step)


def _after(step: str, data: flows.Data) -> str:
    """Return the step after an answer: the summary again when fixing one answer from it."""
    # A new start also needs its end checked again, so it never skips straight back.
    if step == NEW_STEPS[-1] or (data.get("fixing") and step != "starts_at"):
        return CONFIRM
    return NEW_STEPS[NEW_STEPS.index(step) + 1]


async def _read_new(turn: Turn, step: str, answer: str, data: flows.Data) -> object:
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


async def _ask_new_confirm(turn: Turn, data: flows.Data) -> flows.Prompt:
    zone, language = turn.services.zone, turn.language
    return flows.Prompt(
        turn.t(
            "sesi.new.summary",
            code=data["code"],
            title=data["title"],
            venue=data["venue"],
            when=_when(turn, _moment(data, "starts_at")),
            ends=format_time(_moment(data, "ends_at"), zone, language),
            capacity=data["capacity"],
            maps=data.get("maps_url") or "-",
        )
    )


async def _on_new_confirm(turn: Turn, data: flows.Data, answer: flows.Answer) -> flows.Outcome:
    not_yes = _confirmed(turn, answer, "sesi.new")
    if not_yes is not None:
        return not_yes
    new = NewSession(
        code=data["code"],
        title=data["title"],
        venue=data["venue"],
        starts_at=_moment(data, "starts_at"),
        ends_at=_moment(data, "ends_at"),
        capacity=int(data["capacity"]),
        maps_url=data.get("maps_url"),
    )
    actor = officer_actor(turn.checked_officer())
    try:
        session = await create_session(turn.storage, new, actor=actor, now=turn.now)
    except SessionChangeRefused as error:
        _refusal(turn, error, data)
        # Go back to the answer that no longer holds: the code, or the start that passed.
        step = "code" if error.reason == "code_taken" else "starts_at"
        return flows.Go(step, {**data, "fixing": True})
    turn.say("sesi.new.done", code=session.code, checkin_code=session.checkin_code)
    return flows.End()


NEW_FLOW: Final = flows.Flow(
    "sesi_new",
    {
        **{step: _new_step(step) for step in NEW_STEPS},
        CONFIRM: flows.Step(_ask_new_confirm, _on_new_confirm, _confirm_choices("sesi.new")),
    },
    officers=OfficersOnly("sesi.new"),
)


# Moving a session: new start, new end, then confirm; the participants enrolled are told.


async def start_move(turn: Turn, session: BimtekSession) -> None:
    """Begin moving a session: ask its new start."""
    await MOVE_FLOW.begin(turn, {"session_id": session.id})


async def _moved_session(turn: Turn, data: flows.Data) -> BimtekSession | None:
    session = await turn.storage.sessions.get(int(data["session_id"]))
    if session is None or session.cancelled_at is not None:
        turn.say("sesi.gone")
        return None
    return session


async def _ask_start(turn: Turn, data: flows.Data) -> flows.Prompt | flows.End:
    session = await _moved_session(turn, data)
    if session is None:
        return flows.End()
    return flows.Prompt(
        turn.t(
            "sesi.move.ask_start",
            code=session.code,
            title=session.title,
            when=_when(turn, session.starts_at),
            zone=_zone_label(turn),
        )
    )


async def _ask_end(turn: Turn, data: flows.Data) -> flows.Prompt | flows.End:
    if await _moved_session(turn, data) is None:
        return flows.End()
    return flows.Prompt(turn.t("sesi.move.ask_end", zone=_zone_label(turn)))


def _read_move(step: str, following: str) -> flows.Read:
    async def read(turn: Turn, data: flows.Data, answer: flows.Answer) -> flows.Outcome:
        typed = _typed(turn, answer)
        if typed is None:
            return flows.Stay()
        try:
            data[step] = _read_time(turn, typed, data, step).isoformat()
        except SessionChangeRefused as error:
            _refusal(turn, error, data)
            return flows.Stay(ask=False)
        return flows.Go(following, data)

    return read


async def _ask_move_confirm(turn: Turn, data: flows.Data) -> flows.Prompt | flows.End:
    session = await _moved_session(turn, data)
    if session is None:
        return flows.End()
    enrolled = await turn.storage.enrollments.count(session.id, "enrolled")
    return flows.Prompt(
        turn.t(
            "sesi.move.confirm",
            code=session.code,
            title=session.title,
            old=_when(turn, session.starts_at),
            when=_when(turn, _moment(data, "starts_at")),
            ends=format_time(_moment(data, "ends_at"), turn.services.zone, turn.language),
            enrolled=enrolled,
        )
    )


async def _on_move_confirm(turn: Turn, data: flows.Data, answer: flows.Answer) -> flows.Outcome:
    not_yes = _confirmed(turn, answer, "sesi.move")
    if not_yes is not None:
        return not_yes
    session_id = int(data["session_id"])
    starts_at = _moment(data, "starts_at")
    try:
        notified = await move_session(
            turn.storage,
            session_id,
            starts_at,
            _moment(data, "ends_at"),
            actor=officer_actor(turn.checked_officer()),
            now=turn.now,
            zone=turn.services.zone,
        )
    except SessionChangeRefused as error:
        _refusal(turn, error, data)
        return flows.Go("starts_at", data) if error.reason == "past" else flows.End()
    session = await turn.storage.sessions.get(session_id)
    code = session.code if session is not None else ""
    turn.say("sesi.move.done", code=code, when=_when(turn, starts_at), notified=notified)
    return flows.End()


MOVE_FLOW: Final = flows.Flow(
    "sesi_move",
    {
        "starts_at": flows.Step(_ask_start, _read_move("starts_at", "ends_at"), saves="starts_at"),
        "ends_at": flows.Step(_ask_end, _read_move("ends_at", CONFIRM), saves="ends_at"),
        CONFIRM: flows.Step(_ask_move_confirm, _on_move_confirm, _confirm_choices("sesi.move")),
    },
    officers=OfficersOnly("sesi.move"),
    context=("session_id",),
)
FLOWS: Final = (NEW_FLOW, MOVE_FLOW)
