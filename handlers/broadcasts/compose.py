"""Officers' announcements in chat (/siaran): text, optional photo, audience, preview, send.

A stored flow: text → photo (or none) → audience (and its session, kecamatan or sector) →
preview with the exact recipient count and the message as it will look → `Kirim sekarang`,
`Jadwalkan` (then a time) or `Batal`. Every step re-checks the officer role; button values
are indexes or ids, checked against the database.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Final

from handlers.broadcasts.audiences import Audience, InvalidAudience, parse_audience
from handlers.broadcasts.service import (
    BroadcastRefused,
    check_text,
    compose,
    resolve_audience,
    start_broadcast,
)
from handlers.conversation import flows
from handlers.conversation.access import OfficersOnly, officer_actor, require_officer
from handlers.conversation.messages import rows
from handlers.conversation.router import Feature
from handlers.conversation.timefmt import (
    ZONE_LABELS,
    format_date,
    format_datetime,
    parse_local_datetime,
)
from handlers.conversation.turn import Turn
from storage.broadcasts import AudienceKind
from storage.models import BimtekSession

KIND_BUTTONS: Final[tuple[AudienceKind, ...]] = (
    "all",
    "session",
    "waitlist",
    "kecamatan",
    "sector",
    "unconfirmed",
    "noshow",
)
PICK_STEP: Final[dict[str, str]] = {
    "session": "pick_session",
    "waitlist": "pick_session",
    "noshow": "pick_session",
    "kecamatan": "pick_kecamatan",
    "sector": "pick_sector",
}
# Sessions that ended this long ago can still be an audience (no-shows, follow-ups).
SESSIONS_SINCE: Final = timedelta(days=60)
MAX_SESSIONS: Final = 20


async def open_composer(turn: Turn, _arg: str) -> None:
    """Begin an announcement (/siaran)."""
    if await require_officer(turn, "siaran") is None:
        return
    await FLOW.begin(turn)


# Text and photo


async def _ask_text(turn: Turn, data: flows.Data) -> flows.Prompt:
    return flows.Prompt(
        turn.t("siaran.ask.text_after_photo" if data.get("photo") else "siaran.ask.text")
    )


async def _on_text(turn: Turn, data: flows.Data, answer: flows.Answer) -> flows.Outcome:
    inbound = turn.inbound
    if inbound.kind == "photo" and inbound.photo_id:
        data["photo"] = inbound.photo_id
        if not inbound.text.strip():
            return flows.Go("text", data)
    elif answer.text is None:
        turn.say("siaran.invalid.text_expected")
        return flows.Stay(ask=False)
    try:
        data["text"] = check_text(inbound.text[: flows.MAX_TEXT])
    except BroadcastRefused as error:
        turn.say(f"siaran.refused.{error.reason}")
        return flows.Stay(ask=False)
    return flows.Go("audience" if data.get("photo") else "photo", data)


async def _ask_photo(turn: Turn, _data: flows.Data) -> flows.Prompt:
    return flows.Prompt(turn.t("siaran.ask.photo"))


async def _photo_choices(turn: Turn, _data: flows.Data) -> flows.Rows:
    return ((flows.Choice(turn.t("siaran.no_photo"), "none"),),)


async def _on_photo(turn: Turn, data: flows.Data, answer: flows.Answer) -> flows.Outcome:
    inbound = turn.inbound
    if inbound.kind == "photo" and inbound.photo_id:
        data["photo"] = inbound.photo_id
    elif answer.value != "none":
        turn.say("siaran.invalid.photo_expected")
        return flows.Stay()
    return flows.Go("audience", data)


# Audience


async def _ask_audience(turn: Turn, _data: flows.Data) -> flows.Prompt:
    return flows.Prompt(turn.t("siaran.ask.audience"))


async def _audience_choices(turn: Turn, _data: flows.Data) -> flows.Rows:
    return rows([flows.Choice(turn.t(f"siaran.kind.{kind}"), kind) for kind in KIND_BUTTONS], 1)


async def _on_audience(turn: Turn, data: flows.Data, answer: flows.Answer) -> flows.Outcome:
    kind = next((known for known in KIND_BUTTONS if known == answer.value), None)
    if kind is None:
        turn.say("invalid.choice")
        return flows.Stay()
    data["kind"] = kind
    step = PICK_STEP.get(kind)
    if step is None:
        data["audience"] = kind
        return flows.Go("preview", data)
    return flows.Go(step, data)


async def _sessions(turn: Turn, kind: str) -> list[BimtekSession]:
    found = await turn.storage.sessions.recent_availability(
        turn.now - SESSIONS_SINCE, MAX_SESSIONS
    )
    sessions = [item.session for item in found]
    if kind == "noshow":
        return [session for session in sessions if session.starts_at <= turn.now]
    return [session for session in sessions if session.cancelled_at is None]


async def _ask_session(turn: Turn, data: flows.Data) -> flows.Prompt:
    sessions = await _sessions(turn, str(data.get("kind", "session")))
    return flows.Prompt(turn.t("siaran.ask.pick_session" if sessions else "siaran.no_sessions"))


async def _session_choices(turn: Turn, data: flows.Data) -> flows.Rows:
    zone, language = turn.services.zone, turn.language
    choices = [
        flows.Choice(
            f"{session.code} — {format_date(session.starts_at, zone, language)}", session.id
        )
        for session in await _sessions(turn, str(data.get("kind", "session")))
    ]
    return (*rows(choices, 1), (flows.Choice(turn.t("siaran.back"), "back"),))


async def _on_session(turn: Turn, data: flows.Data, answer: flows.Answer) -> flows.Outcome:
    if answer.value == "back":
        return flows.Go("audience", data)
    kind = str(data.get("kind", "session"))
    session_id = answer.number
    sessions = {session.id: session for session in await _sessions(turn, kind)}
    if session_id is None or session_id not in sessions:
        turn.say("invalid.choice")
        return flows.Stay()
    data["audience"] = f"{kind}:{sessions[session_id].code}"
    return flows.Go("preview", data)


def _names(turn: Turn, kind: str) -> tuple[str, ...]:
    return turn.services.region.kecamatan if kind == "kecamatan" else turn.services.sectors


def _name_step(kind: str, per_row: int) -> flows.Step:
    """Pick a kecamatan or a sector as the audience."""

    async def ask(turn: Turn, _data: flows.Data) -> flows.Prompt:
        return flows.Prompt(turn.t(f"siaran.ask.pick_{kind}"))

    async def choices(turn: Turn, _data: flows.Data) -> flows.Rows:
        names = _names(turn, kind)
        return rows([flows.Choice(name, index) for index, name in enumerate(names)], per_row)

    async def read(turn: Turn, data: flows.Data, answer: flows.Answer) -> flows.Outcome:
        names = _names(turn, kind)
        index = answer.number
        if index is None or index >= len(names):
            turn.say("invalid.choice")
            return flows.Stay()
        data["audience"] = f"{kind}:{names[index]}"
        return flows.Go("preview", data)

    return flows.Step(ask, read, choices, saves="audience")


def _audience(data: flows.Data) -> Audience:
    return parse_audience(str(data["audience"]))


def audience_label(turn: Turn, spec: str) -> str:
    """Return how an audience reads to the officer, e.g. "Kecamatan Setu"."""
    kind, _, value = spec.partition(":")
    return turn.t(f"siaran.audience.{kind}", value=value)


# Preview, then send now or at a time


async def _preview(turn: Turn, data: flows.Data) -> flows.Prompt | flows.Go:
    try:
        selection = await resolve_audience(turn.services, _audience(data), turn.now)
    except InvalidAudience as error:
        turn.say(f"siaran.audience_invalid.{error.reason}", value=error.value)
        return flows.Go("audience", data)
    label = audience_label(turn, str(data["audience"]))
    if selection.count == 0:
        turn.say("siaran.preview.empty", audience=label)
        return flows.Go("audience", data)
    turn.say("siaran.preview.header")
    turn.replies.append(compose(str(data["text"]), data.get("photo"), turn.language))
    return flows.Prompt(
        turn.t(
            "siaran.preview",
            audience=label,
            count=selection.count,
            skipped_blocked=selection.skipped_blocked,
            opted_out=selection.skipped_opted_out,
        )
    )


async def _preview_choices(turn: Turn, _data: flows.Data) -> flows.Rows:
    return (
        (
            flows.Choice(turn.t("siaran.send_now"), "send"),
            flows.Choice(turn.t("siaran.schedule"), "schedule"),
        ),
        (flows.Choice(turn.t("siaran.cancel"), "cancel"),),
    )


async def _on_preview(turn: Turn, data: flows.Data, answer: flows.Answer) -> flows.Outcome:
    if answer.value == "cancel":
        turn.say("siaran.cancelled")
        return flows.End()
    if answer.value == "schedule":
        return flows.Go("schedule", data)
    if answer.value == "send":
        return await _send(turn, data)
    turn.say("invalid.choice")
    return flows.Stay()


async def _ask_time(turn: Turn, _data: flows.Data) -> flows.Prompt:
    zone = turn.services.zone
    return flows.Prompt(turn.t("siaran.ask.time", zone=ZONE_LABELS.get(zone.key, zone.key)))


async def _on_time(turn: Turn, data: flows.Data, answer: flows.Answer) -> flows.Outcome:
    if answer.text is None:
        turn.say("siaran.invalid.time")
        return flows.Stay()
    try:
        at = parse_local_datetime(answer.text, turn.services.zone)
    except ValueError:
        turn.say("siaran.invalid.time")
        return flows.Stay()
    if at <= turn.now:
        turn.say("siaran.refused.past")
        return flows.Stay()
    data["at"] = at.isoformat()
    return await _send(turn, data)


async def _send(turn: Turn, data: flows.Data) -> flows.Outcome:
    officer = turn.checked_officer()
    at = datetime.fromisoformat(data["at"]) if data.get("at") else None
    contact = turn.contact
    try:
        broadcast, count = await start_broadcast(
            turn.services,
            author=officer_actor(officer),
            text=str(data["text"]),
            audience=_audience(data),
            now=turn.now,
            at=at,
            photo_file_id=data.get("photo"),
            progress_chat=(contact.channel, contact.address),
        )
    except InvalidAudience as error:
        turn.say(f"siaran.audience_invalid.{error.reason}", value=error.value)
        return flows.Go("audience", data)
    except BroadcastRefused as error:
        turn.say(f"siaran.refused.{error.reason}")
        return flows.Go("schedule" if error.reason == "past" else "text", data)
    if at is None:
        turn.say("siaran.started", id=broadcast.id, count=count)
    else:
        when = format_datetime(at, turn.services.zone, turn.language)
        turn.say("siaran.scheduled", id=broadcast.id, when=when, count=count)
    return flows.End()


FLOW: Final = flows.Flow(
    "siaran",
    {
        "text": flows.Step(_ask_text, _on_text, saves="text"),
        "photo": flows.Step(_ask_photo, _on_photo, _photo_choices, saves="photo"),
        "audience": flows.Step(_ask_audience, _on_audience, _audience_choices, saves="kind"),
        "pick_session": flows.Step(_ask_session, _on_session, _session_choices, saves="audience"),
        "pick_kecamatan": _name_step("kecamatan", 3),
        "pick_sector": _name_step("sector", 2),
        "preview": flows.Step(_preview, _on_preview, _preview_choices),
        "schedule": flows.Step(_ask_time, _on_time, saves="at"),
    },
    officers=OfficersOnly("siaran"),
)

FEATURE = Feature("broadcasts.compose", commands={"siaran": open_composer}, flows=(FLOW,))
