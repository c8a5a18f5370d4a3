"""`GET /v/<code>`: the public certificate check page on the Starlette app, no sign-in.

A thin adapter: it reads the code and the language, asks `handlers.evaluations.verification`
and renders. Every answer takes at least `MIN_ANSWER_SECONDS`, so an unknown code cannot be
told from a real one by its timing; each address gets `RateLimiter`'s allowance.
"""

from __future__ import annotations

import asyncio
import time
from typing import Final

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from handlers.conversation.turn import Services
from handlers.evaluations.verification import (
    LANGUAGES,
    RateLimiter,
    limited_view,
    render_page,
    verify,
)

MIN_ANSWER_SECONDS: Final = 0.05
MAX_CODE: Final = 64
HEADERS: Final = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none';"
        " frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "X-Robots-Tag": "noindex",
}


def verification_routes(services: Services, limiter: RateLimiter | None = None) -> list[Route]:
    """Return the routes of the check page."""
    limits = limiter or RateLimiter()

    async def check(request: Request) -> Response:
        started = time.monotonic()
        language = request.query_params.get("lang", "id")
        language = language if language in LANGUAGES else "id"
        address = request.client.host if request.client is not None else "-"
        if not limits.allow(address):
            page = render_page(limited_view(language), language, None)
            return HTMLResponse(page, 429, headers={**HEADERS, "Retry-After": "60"})
        # Anything after /v/ is only ever a lookup key: never a path, never echoed back.
        code = str(request.path_params.get("code", ""))[:MAX_CODE]
        view = await verify(services.storage, code, services.zone, language)
        other = "en" if language == "id" else "id"
        href = f"?lang={other}" if view.status != "missing" else None
        page = render_page(view, language, href)
        await asyncio.sleep(max(0.0, MIN_ANSWER_SECONDS - (time.monotonic() - started)))
        return HTMLResponse(page, 404 if view.status == "missing" else 200, headers=HEADERS)

    return [
        Route("/v/{code}", check, methods=["GET"]),
        # Slashes, dots and nothing at all after /v/ get the same "not found" page.
        Route("/v/{code:path}", check, methods=["GET"]),
        Route("/v", check, methods=["GET"]),
    ]
