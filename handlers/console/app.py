"""Every console route in one list, mounted under /console of the bot's web server."""

from __future__ import annotations

from starlette.routing import BaseRoute, Mount, Router
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send

from handlers.console import (
    access,
    broadcasts,
    downloads,
    equipment,
    home,
    officers,
    people,
    sessions,
)
from handlers.console.web import PREFIX, Console, SecurityHeaders, page, refusal

PAGE_MODULES = (access, home, people, sessions, equipment, broadcasts, downloads, officers)


def console_mount(console: Console) -> Mount:
    """Return /console: every page, and the package's static files, under security headers."""
    routes: list[BaseRoute] = list(access.public_routes(console))
    for module in PAGE_MODULES:
        routes.extend(page(console, spec) for spec in module.PAGES)
    routes.append(Mount("/static", app=StaticFiles(packages=[("handlers.console", "static")])))

    async def not_found(scope: Scope, receive: Receive, send: Send) -> None:
        await refusal(console, 404, "refused.not_found")(scope, receive, send)

    return Mount(PREFIX, app=SecurityHeaders(Router(routes=routes, default=not_found)))
