"""Officers' announcements in chat (/siaran): text, optional photo, audience, preview, send.

A stored flow: text → photo (or none) → audience (and its session, kecamatan or sector) →
preview with the exact recipient count and the message as it will look → `Kirim sekarang`,
`Jadwalkan` (then a time) or `Batal`. Every step re-checks the officer role; button values
are indexes or ids, checked against the database.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Final

from handlers import fields
from handlers.audience import Audience, InvalidAudience, parse_audience
from handlers.broadcasting import (
    BroadcastRefused,
    check_text,
    compose,
    resolve_audience,
    start_broadcast,
)
from handlers.core import Button, rows
from handlers.officers_auth import officer_actor, require_officer
from handlers.payload_ids import parse_id
from handlers.router import Feature
from handlers.timefmt import ZONE_LABELS, format_date, format_datetime, parse_local_datetime
from handlers.turn import Turn
from storage.broadcasts import AudienceKind
from storage.models import BimtekSession

FLOW: Final = "siaran"
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


def _payload(step: str, value: str) -> str:
    return fields.payload(FLOW, step, value)


async def open_composer(turn: Turn, _arg: str) -> None:
    """Begin an announcement (/siaran)."""
    if await require_officer(turn, "siaran") is None:
        return
    await turn.save_state(FLOW, "text", {})
    turn.say("siaran.ask.text")


class BroadcastFlow:
    """The /siaran conversation, resumable at any step after a restart."""

    name = FLOW

    async def prompt(self, turn: Turn) -> None:
        """Ask again what the current step needs."""
        assert turn.conversation is not None  # noqa: S101 - the router checks
        await _ask(turn, turn.conversation.step, dict(turn.conversation.data))

    async def resume(self, turn: Turn) -> None:
        """Read the officer's answer at the current step."""
        assert turn.conversation is not None  # noqa: S101 - the router checks
        if await require_officer(turn, "siaran") is None:
            await turn.end_flow()
            return
        step, data = turn.conversation.step, dict(turn.conversation.data)
        if fields.is_stale_button(turn, FLOW, step):
            turn.say("stale_button")
            await _ask(turn, step, data)
            return
        handler = STEPS.get(step)
        if handler is None:
            await turn.end_flow()
            turn.say("stale_button")
            return
        await handler(turn, data)


async def _go(turn: Turn, step: str, data: dict[str, Any]) -> None:
    await turn.save_state(FLOW, step, data)
    await _ask(turn, step, data)


async def _ask(turn: Turn, step: str, data: dict[str, Any]) -> None:
    if step == "text":
        turn.say("siaran.ask.text_after_photo" if data.get("photo") else "siaran.ask.text")
    elif step == "photo":
        skip = Button(turn.t("siaran.no_photo"), _payload("photo", "none"))
        turn.say("siaran.ask.photo", buttons=((skip,),))
    elif step == "audience":
        choices = [
            Button(turn.t(f"siaran.kind.{kind}"), _payload("audience", kind))
            for kind in KIND_BUTTONS
        ]
        turn.say("siaran.ask.audience", buttons=rows(choices, 1))
    elif step == "pick_session":
        await _ask_session(turn, str(data.get("kind", "session")))
    elif step == "pick_kecamatan":
        _ask_names(turn, step, turn.services.region.kecamatan, 3)
    elif step == "pick_sector":
        _ask_names(turn, step, turn.services.sectors, 2)
    elif step == "preview":
        await _preview(turn, data)
    elif step == "schedule":
        zone = turn.services.zone
        turn.say("siaran.ask.time", zone=ZONE_LABELS.get(zone.key, zone.key))


def _ask_names(turn: Turn, step: str, names: tuple[str, ...], per_row: int) -> None:
    choices = [Button(name, _payload(step, str(index))) for index, name in enumerate(names)]
    turn.say(f"siaran.ask.{step}", buttons=rows(choices, per_row))


async def _sessions(turn: Turn, kind: str) -> list[BimtekSession]:
    found = await turn.storage.sessions.recent_availability(
        turn.now - SESSIONS_SINCE, MAX_SESSIONS
    )
    sessions = [item.session for item in found]
    if kind == "noshow":
        return [session for session in sessions if session.starts_at <= turn.now]
    return [session for session in sessions if session.cancelled_at is None]


async def _ask_session(turn: Turn, kind: str) -> None:
    sessions = await _sessions(turn, kind)
    back = Button(turn.t("siaran.back"), _payload("pick_session", "back"))
    if not sessions:
        turn.say("siaran.no_sessions", buttons=((back,),))
        return
    zone, language = turn.services.zone, turn.language
    choices = [
        Button(
            f"{session.code} — {format_date(session.starts_at, zone, language)}",
            _payload("pick_session", str(session.id)),
        )
        for session in sessions
    ]
    turn.say("siaran.ask.pick_session", buttons=(*rows(choices, 1), (back,)))


async def _on_text(turn: Turn, data: dict[str, Any]) -> None:
    inbound = turn.inbound
    if inbound.kind == "photo" and inbound.photo_id:
        data["photo"] = inbound.photo_id
        if not inbound.text.strip():
            await _go(turn, "text", data)
            return
    elif inbound.kind != "text":
        turn.say("siaran.invalid.text_expected")
        return
    try:
        data["text"] = check_text(inbound.text[: fields.MAX_TEXT])
    except BroadcastRefused as error:
        turn.say(f"siaran.refused.{error.reason}")
        return
    await _go(turn, "audience" if data.get("photo") else "photo", data)


async def _on_photo(turn: Turn, data: dict[str, Any]) -> None:
    inbound = turn.inbound
    if inbound.kind == "photo" and inbound.photo_id:
        data["photo"] = inbound.photo_id
    elif fields.button_value(turn, FLOW, "photo") != "none":
        turn.say("siaran.invalid.photo_expected")
        await _ask(turn, "photo", data)
        return
    await _go(turn, "audience", data)


async def _on_audience(turn: Turn, data: dict[str, Any]) -> None:
    kind = fields.button_value(turn, FLOW, "audience")
    if kind not in KIND_BUTTONS:
        turn.say("invalid.choice")
        await _ask(turn, "audience", data)
        return
    data["kind"] = kind
    step = PICK_STEP.get(kind)
    if step is None:
        data["audience"] = kind
        await _go(turn, "preview", data)
        return
    await _go(turn, step, data)


async def _on_session(turn: Turn, data: dict[str, Any]) -> None:
    value = fields.button_value(turn, FLOW, "pick_session")
    if value == "back":
        await _go(turn, "audience", data)
        return
    kind = str(data.get("kind", "session"))
    session_id = parse_id(value)
    sessions = {session.id: session for session in await _sessions(turn, kind)}
    if session_id is None or session_id not in sessions:
        turn.say("invalid.choice")
        await _ask(turn, "pick_session", data)
        return
    data["audience"] = f"{kind}:{sessions[session_id].code}"
    await _go(turn, "preview", data)


async def _on_name(turn: Turn, data: dict[str, Any]) -> None:
    assert turn.conversation is not None  # noqa: S101 - only called inside the flow
    step = turn.conversation.step
    kind = "kecamatan" if step == "pick_kecamatan" else "sector"
    names = turn.services.region.kecamatan if kind == "kecamatan" else turn.services.sectors
    index = parse_id(fields.button_value(turn, FLOW, step))
    if index is None or index >= len(names):
        turn.say("invalid.choice")
        await _ask(turn, step, data)
        return
    data["audience"] = f"{kind}:{names[index]}"
    await _go(turn, "preview", data)


def _audience(data: dict[str, Any]) -> Audience:
    return parse_audience(str(data["audience"]))


def audience_label(turn: Turn, spec: str) -> str:
    """Return how an audience reads to the officer, e.g. "Kecamatan Setu"."""
    kind, _, value = spec.partition(":")
    return turn.t(f"siaran.audience.{kind}", value=value)


async def _preview(turn: Turn, data: dict[str, Any]) -> None:
    try:
        selection = await resolve_audience(turn.services, _audience(data), turn.now)
    except InvalidAudience as error:
        turn.say(f"siaran.audience_invalid.{error.reason}", value=error.value)
        await _go(turn, "audience", data)
        return
    label = audience_label(turn, str(data["audience"]))
    if selection.count == 0:
        turn.say("siaran.preview.empty", audience=label)
        await _go(turn, "audience", data)
        return
    turn.say("siaran.preview.header")
    turn.replies.append(compose(str(data["text"]), data.get("photo"), turn.language))
    buttons = (
        (
            Button(turn.t("siaran.send_now"), _payload("preview", "send")),
            Button(turn.t("siaran.schedule"), _payload("preview", "schedule")),
        ),
        (Button(turn.t("siaran.cancel"), _payload("preview", "cancel")),),
    )
    turn.say(
        "siaran.preview",
        buttons=buttons,
        audience=label,
        count=selection.count,
        skipped_blocked=selection.skipped_blocked,
        opted_out=selection.skipped_opted_out,
    )


async def _on_preview(turn: Turn, data: dict[str, Any]) -> None:
    answer = fields.button_value(turn, FLOW, "preview")
    if answer == "cancel":
        await turn.end_flow()
        turn.say("siaran.cancelled")
    elif answer == "schedule":
        await _go(turn, "schedule", data)
    elif answer == "send":
        await _send(turn, data)
    else:
        turn.say("invalid.choice")
        await _ask(turn, "preview", data)


async def _on_schedule(turn: Turn, data: dict[str, Any]) -> None:
    if turn.inbound.kind != "text":
        turn.say("siaran.invalid.time")
        await _ask(turn, "schedule", data)
        return
    try:
        at = parse_local_datetime(turn.inbound.text[: fields.MAX_TEXT], turn.services.zone)
    except ValueError:
        turn.say("siaran.invalid.time")
        await _ask(turn, "schedule", data)
        return
    if at <= turn.now:
        turn.say("siaran.refused.past")
        await _ask(turn, "schedule", data)
        return
    data["at"] = at.isoformat()
    await _send(turn, data)


async def _send(turn: Turn, data: dict[str, Any]) -> None:
    officer = await require_officer(turn, "siaran")
    if officer is None:
        await turn.end_flow()
        return
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
        await _go(turn, "audience", data)
        return
    except BroadcastRefused as error:
        turn.say(f"siaran.refused.{error.reason}")
        await _go(turn, "schedule" if error.reason == "past" else "text", data)
        return
    await turn.end_flow()
    if at is None:
        turn.say("siaran.started", id=broadcast.id, count=count)
    else:
        when = format_datetime(at, turn.services.zone, turn.language)
        turn.say("siaran.scheduled", id=broadcast.id, when=when, count=count)


STEPS: Final = {
    "text": _on_text,
    "photo": _on_photo,
    "audience": _on_audience,
    "pick_session": _on_session,
    "pick_kecamatan": _on_name,
    "pick_sector": _on_name,
    "preview": _on_preview,
    "schedule": _on_schedule,
}

FEATURE = Feature(
    commands={"siaran": open_composer}, flows={FLOW: BroadcastFlow()}, flow_role="officer"
)
