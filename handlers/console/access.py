"""Signing in and out: the pages a browser sees before and at the end of a session."""

from __future__ import annotations

import re
from typing import Final

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from handlers.console.signin import SESSION_VALID, SignInRefused, sign_in, sign_out
from handlers.console.web import COOKIE, PREFIX, Console, Desk, MenuEntry, Page, refusal, render
from storage.audit import audited_via
from storage.models import Language

# Where a browser may be sent back after signing in or switching language: console pages.
_NEXT: Final = re.compile(r"^/console(/[A-Za-z0-9/_-]*)?$")


def safe_next(target: str) -> str:
    """Return a console path to go back to, or the home page for anything else."""
    return target if _NEXT.match(target) else PREFIX + "/"


def public_routes(console: Console) -> list[Route]:
    """Return the routes open to anyone: how to sign in, and the sign-in link itself."""

    async def how_to_sign_in(request: Request) -> Response:
        return render(
            console, "signin.html", "id", next=safe_next(request.query_params.get("next", ""))
        )

    async def link(request: Request) -> Response:
        token = str(request.path_params["token"])[:200]
        if request.method == "GET":
            # Opening the link only shows a button: link previews and scanners that fetch
            # it do not use it up.
            return render(console, "signin_link.html", "id", token=token)
        return await _use_link(console, request, token)

    return [
        Route("/masuk", how_to_sign_in, methods=["GET"]),
        Route("/login/{token}", link, methods=["GET", "POST"]),
    ]


async def _use_link(console: Console, request: Request, token: str) -> Response:
    services = console.services
    now = services.clock.now()
    try:
        with audited_via("console"):
            started = await sign_in(
                services.storage,
                token,
                language="id",
                user_agent=request.headers.get("user-agent"),
                now=now,
            )
    except SignInRefused as error:
        return refusal(console, 403, f"signin.{error.reason}")
    response = RedirectResponse(PREFIX + "/", status_code=303)
    response.set_cookie(
        COOKIE,
        started.secret,
        max_age=int(SESSION_VALID.total_seconds()),
        path=PREFIX,
        secure=console.secure,
        httponly=True,
        samesite="lax",
    )
    return response


async def sign_out_here(desk: Desk) -> Response:
    """End this browser's session ("Keluar")."""
    await sign_out(desk.storage, desk.signed_in, desk.now)
    response = RedirectResponse(PREFIX + "/masuk?keluar=1", status_code=303)
    response.delete_cookie(COOKIE, path=PREFIX, secure=desk.console.secure, httponly=True)
    return response


async def switch_language(desk: Desk) -> Response:
    """Read the console in Indonesian or English."""
    language: Language = "en" if desk.value("language") == "en" else "id"
    await desk.storage.console.set_language(desk.signed_in.session.id, language)
    return RedirectResponse(safe_next(desk.value("next")), status_code=303)


MENU: Final[tuple[MenuEntry, ...]] = ()

PAGES: Final = (
    Page("/keluar", sign_out_here, methods=("POST",)),
    Page("/bahasa", switch_language, methods=("POST",)),
)
