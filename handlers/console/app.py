"""Every console route in one list, mounted under /console of the bot's web server."""

from __future__ import annotations

from typing import Final

from starlette.routing import BaseRoute, Mount, Router
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send

from handlers.console import (
    access,
    broadcasts,
    downloads,
    equipment,
    home,
    inbox,
    officers,
    people,
    sessions,
)
from handlers.console.web import PREFIX, Console, SecurityHeaders, page, refusal

# A new page group is one more module here with its PAGES and
# MENU; the route x role table in tests/handlers/console/test_console_routes.py then asks
# for its rows.
PAGE_MODULES = (
    access,
    home,
    people,
    inbox,
    sessions,
    equipment,
    broadcasts,
    downloads,
    officers,
)
MENU: Final = tuple(entry for module in PAGE_MODULES for entry in module.MENU)


def console_mount(console: Console) -> Mount:
    """Return /console: every page, and the package's static files, under security headers."""
    console.templates.globals["menu"] = MENU
    routes: list[BaseRoute] = list(access.public_routes(console))
    for module in PAGE_MODULES:
        routes.extend(page(console, spec) for spec in module.PAGES)
    routes.append(Mount("/static", app=StaticFiles(packages=[("handlers.console", "static")])))

    async def not_found(scope: Scope, receive: Receive, send: Send) -> None:
        await refusal(console, 404, "refused.not_found")(scope, receive, send)

    return Mount(PREFIX, app=SecurityHeaders(Router(routes=routes, default=not_found)))
