"""Siaran: compose (with a photo), pick the audience with a live count, preview, send or
schedule, follow the progress and read the report; cancel a scheduled one."""

from __future__ import annotations

import re
import secrets
from datetime import datetime
from typing import Any, Final

from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse, Response

from handlers.console import services as svc
from handlers.console.web import Desk, MenuEntry, Page

MAX_PHOTO: Final = 5 * 1024 * 1024
REFRESH_SECONDS: Final = 5
LISTED: Final = 50
_PHOTO_TYPES: Final = ((b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"))
_CONSOLE_PHOTO: Final = re.compile(r"^media:console-[A-Za-z0-9_-]{8,64}\.(jpg|png)$")
SESSION_KINDS: Final = ("session", "waitlist", "noshow")


async def list_broadcasts(desk: Desk) -> Response:
    """Show the latest broadcasts and their state."""
    found = await desk.storage.broadcasts.recent(LISTED)
    return desk.render("broadcasts.html", nav="broadcasts", broadcasts=found)


def _audience_spec(desk: Desk, values: dict[str, str]) -> str:
    """Return the audience spec the form's choices stand for (checked later by the service)."""
    kind = values.get("kind", "")
    if kind in SESSION_KINDS:
        return f"{kind}:{values.get('session', '')}"
    if kind in ("kecamatan", "sector"):
        return f"{kind}:{values.get(kind, '')}"
    return kind


async def _form_context(desk: Desk) -> dict[str, Any]:
    return {
        "nav": "broadcasts",
        "kinds": svc.AUDIENCE_KINDS,
        "sessions": await desk.storage.sessions.list_availability(),
        "kecamatan": desk.services.region.kecamatan,
        "sectors": desk.services.sectors,
    }


async def compose_form(desk: Desk) -> Response:
    """Show the compose form."""
    return desk.render("broadcast_form.html", values={"kind": "all"}, **await _form_context(desk))


async def count(desk: Desk) -> Response:
    """Return how many people an audience reaches now (for the live count beside the form)."""
    values = {name: desk.query(name) for name in ("kind", "session", "kecamatan", "sector")}
    try:
        audience = svc.parse_audience(_audience_spec(desk, values))
        tally = await svc.count_audience(desk.services, audience, desk.now)
    except svc.InvalidAudience as error:
        return JSONResponse({"error": desk.t(f"audience.invalid.{error.reason}")})
    return JSONResponse(
        {
            "count": tally.recipients,
            "text": desk.t(
                "audience.count",
                count=tally.recipients,
                blocked=tally.blocked,
                opted_out=tally.opted_out,
            ),
        }
    )


def _read_when(desk: Desk, typed: str) -> datetime | None:
    if not typed.strip():
        return None
    try:
        return svc.parse_local_datetime(typed.replace("T", " "), desk.services.zone)
    except ValueError as error:
        raise svc.BroadcastRefused("time") from error


async def _save_photo(desk: Desk) -> str | None:
    upload = desk.upload("photo")
    if upload is None:
        return None
    content = await upload.read(MAX_PHOTO + 1)
    if len(content) > MAX_PHOTO:
        raise svc.BroadcastRefused("photo_too_large")
    media_type = next((kind for magic, kind in _PHOTO_TYPES if content.startswith(magic)), None)
    if media_type is None:
        raise svc.BroadcastRefused("photo_type")
    return desk.console.media.save("console-" + secrets.token_urlsafe(12), content, media_type)


def _kept_photo(desk: Desk, reference: str) -> str | None:
    if not reference:
        return None
    if not _CONSOLE_PHOTO.match(reference) or desk.console.media.load(reference) is None:
        raise svc.BroadcastRefused("photo_gone")
    return reference


async def preview(desk: Desk) -> Response:
    """Check the broadcast and show it exactly as recipients will get it, with the count."""
    values = {
        name: desk.value(name) for name in ("text", "kind", "session", "kecamatan", "sector", "at")
    }
    try:
        body = svc.check_text(values["text"])
        audience = svc.parse_audience(_audience_spec(desk, values))
        tally = await svc.count_audience(desk.services, audience, desk.now)
        at = _read_when(desk, values["at"])
        if at is not None and at <= desk.now:
            raise svc.BroadcastRefused("past")
        photo = await _save_photo(desk)
    except (svc.BroadcastRefused, svc.InvalidAudience) as error:
        key = (
            f"audience.invalid.{error.reason}"
            if isinstance(error, svc.InvalidAudience)
            else f"broadcast.refused.{error.reason}"
        )
        return desk.render(
            "broadcast_form.html",
            status=422,
            values=values,
            error=desk.t(key),
            **await _form_context(desk),
        )
    messages = {language: svc.compose(body, photo, language).text for language in ("id", "en")}
    return desk.render(
        "broadcast_preview.html",
        nav="broadcasts",
        body=body,
        audience=audience,
        tally=tally,
        at=at,
        at_text=values["at"],
        photo=photo,
        messages=messages,
    )


async def send(desk: Desk) -> Response:
    """Queue the broadcast now, or schedule it."""
    try:
        audience = svc.parse_audience(desk.value("audience"))
        at = _read_when(desk, desk.value("at"))
        photo = _kept_photo(desk, desk.value("photo"))
        broadcast, _ = await svc.start_broadcast(
            desk.services,
            author=desk.actor,
            text=desk.value("text"),
            audience=audience,
            now=desk.now,
            at=at,
            photo_file_id=photo,
        )
    except (svc.BroadcastRefused, svc.InvalidAudience) as error:
        key = (
            f"audience.invalid.{error.reason}"
            if isinstance(error, svc.InvalidAudience)
            else f"broadcast.refused.{error.reason}"
        )
        return desk.redirect("/siaran/baru", key)
    ok = "ok.broadcast_scheduled" if at is not None else "ok.broadcast_queued"
    return desk.redirect(f"/siaran/{broadcast.id}", ok)


async def detail(desk: Desk) -> Response:
    """Show a broadcast's progress and, once done, its report by reason."""
    result = await svc.report(desk.storage, desk.int_param("broadcast_id"))
    if result is None:
        raise HTTPException(404)
    running = result.broadcast.status == "scheduled" or not result.complete
    running = running and result.broadcast.status != "cancelled"
    reasons = sorted(result.failed_by_reason().items(), key=lambda item: -item[1])
    return desk.render(
        "broadcast.html",
        nav="broadcasts",
        result=result,
        reasons=reasons,
        done=result.total - result.waiting,
        refresh=REFRESH_SECONDS if running else None,
    )


async def cancel(desk: Desk) -> Response:
    """Cancel a broadcast still waiting for its time."""
    broadcast_id = desk.int_param("broadcast_id")
    cancelled = await svc.cancel_scheduled(desk.storage, broadcast_id, desk.actor, desk.now)
    ok = "ok.broadcast_cancelled" if cancelled else "broadcast.refused.not_scheduled"
    return desk.redirect(f"/siaran/{broadcast_id}", ok)


MENU: Final = (MenuEntry("broadcasts", "/siaran"),)

PAGES: Final = (
    Page("/siaran", list_broadcasts),
    Page("/siaran/baru", compose_form),
    Page("/siaran/hitung", count),
    Page("/siaran/pratinjau", preview, methods=("POST",), max_body=MAX_PHOTO + 64 * 1024, files=1),
    Page("/siaran/kirim", send, methods=("POST",)),
    Page("/siaran/{broadcast_id}", detail),
    Page("/siaran/{broadcast_id}/batal", cancel, methods=("POST",)),
)
