"""Test support for the web console: the app over a test database, and signed-in browsers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import httpx
from starlette.applications import Starlette

from bot.channels.media import MediaStore
from handlers.console.app import console_mount
from handlers.console.signin import issue_link
from handlers.console.web import Console
from handlers.conversation.turn import Services
from storage.models import Officer

BASE = "http://testserver"
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def build_console_app(services: Services, media_dir: Path) -> tuple[Starlette, Console]:
    """Return a Starlette app serving only the console, and the console itself."""
    console = Console(services, BASE, MediaStore(media_dir))
    return Starlette(routes=[console_mount(console)]), console


def client(app: Starlette) -> httpx.AsyncClient:
    """Return an HTTP client talking to the app in-process (no redirects followed)."""
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE)


@dataclass
class Browser:
    """A client and the CSRF token of its console session."""

    http: httpx.AsyncClient
    csrf: str = ""

    async def get(self, path: str, **options: object) -> httpx.Response:
        """GET a console page."""
        return await self.http.get(path, **options)  # type: ignore[arg-type]

    async def post(
        self, path: str, data: dict[str, str] | None = None, **options: object
    ) -> httpx.Response:
        """POST a form with the session's CSRF token."""
        return await self.http.post(path, data={"csrf": self.csrf, **(data or {})}, **options)  # type: ignore[arg-type]


async def sign_in(services: Services, app: Starlette, officer: Officer) -> Browser:
    """Sign a browser in as an officer through a one-time link; return it with its token."""
    link = await issue_link(services.storage, officer, BASE, services.clock.now())
    browser = Browser(client(app))
    answer = await browser.http.post(link[len(BASE) :])
    assert answer.status_code == 303, answer.text
    home = await browser.http.get("/console/")
    assert home.status_code == 200, home.text
    found = _CSRF.search(home.text)
    assert found is not None
    browser.csrf = found.group(1)
    return browser


def csrf_of(page: str) -> str:
    """Return the CSRF token a page carries."""
    found = _CSRF.search(page)
    assert found is not None
    return found.group(1)
