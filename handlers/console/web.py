"""The console's plumbing: who is asking, what they may do, and how a page is answered.

Every route goes through `page()`: the session cookie names a signed-in officer (else a
GET goes to the sign-in page and anything else is refused), admin pages check the role,
every POST must carry the session's CSRF token and stay under its size cap, and the
audit entries the handler writes are marked `via=console`. Security headers are added to
every response by `SecurityHeaders`.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final, Protocol
from urllib.parse import quote, urlsplit

from jinja2 import Environment, PackageLoader, select_autoescape
from python_multipart.exceptions import MultipartParseError
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from handlers.console import labels
from handlers.console.services import (
    Services,
    format_date,
    format_datetime,
    format_time,
    officer_actor,
)
from handlers.console.signin import current
from storage import Storage
from storage.audit import audited_via
from storage.console import SignedIn
from storage.models import Officer

logger = logging.getLogger(__name__)

COOKIE: Final = "konsol_sesi"
PREFIX: Final = "/console"
# Ordinary forms are small; routes that take a file say how much they accept.
FORM_LIMIT: Final = 64 * 1024
MAX_TEXT: Final = 5000
CSP: Final = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
    " connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none';"
    " object-src 'none'"
)
_HEADERS: Final = (
    (b"content-security-policy", CSP.encode()),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"x-content-type-options", b"nosniff"),
    (b"cross-origin-opener-policy", b"same-origin"),
)


class PhotoSource(Protocol):
    """Where the console gets a photo a participant sent (by its stored reference)."""

    async def fetch(self, reference: str) -> tuple[bytes, str] | None:
        """Return the photo's bytes and media type, or None when it cannot be had."""
        ...


class MediaSaver(Protocol):
    """Where an uploaded broadcast photo is kept, so every channel can send it."""

    def save(self, stem: str, content: bytes, mime_type: str) -> str:
        """Write the photo and return its reference."""
        ...

    def load(self, reference: str) -> tuple[bytes, str] | None:
        """Return a kept photo's bytes and file name, or None."""
        ...


@dataclass(frozen=True)
class Console:
    """What every console route needs, built once by the composition root."""

    services: Services
    base_url: str
    media: MediaSaver
    photos: PhotoSource | None = None
    templates: Environment = field(default_factory=lambda: build_templates())

    @property
    def secure(self) -> bool:
        """Tell whether officers reach the console over https (cookies then say Secure)."""
        return self.base_url.startswith("https://")

    @property
    def origin(self) -> str:
        """Return the scheme, host and port of the public address."""
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}"


def build_templates() -> Environment:
    """Return the Jinja2 environment over the package's templates (autoescaped)."""
    environment = Environment(
        loader=PackageLoader("handlers.console", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.globals["prefix"] = PREFIX
    return environment


@dataclass
class Desk:
    """One request of a signed-in officer."""

    request: Request
    console: Console
    signed_in: SignedIn
    now: datetime
    form: FormData | None = None

    @property
    def services(self) -> Services:
        """Return the domain services."""
        return self.console.services

    @property
    def storage(self) -> Storage:
        """Return the repositories."""
        return self.console.services.storage

    @property
    def officer(self) -> Officer:
        """Return the officer signed in."""
        return self.signed_in.officer

    @property
    def is_admin(self) -> bool:
        """Tell whether the officer is an admin."""
        return self.officer.role == "admin"

    @property
    def actor(self) -> str:
        """Return the officer as the audit log names them (as chat does)."""
        return officer_actor(self.officer)

    @property
    def language(self) -> str:
        """Return the language the officer reads the console in."""
        return self.signed_in.session.language

    def t(self, key: str, **values: object) -> str:
        """Return a console text in the officer's language."""
        return labels.text(self.language, key, **values)

    def value(self, name: str, default: str = "") -> str:
        """Return a form field as text (cut to a sane length), or the default."""
        found = None if self.form is None else self.form.get(name)
        return found[:MAX_TEXT] if isinstance(found, str) else default

    def upload(self, name: str) -> UploadFile | None:
        """Return an uploaded file of the form, if one was chosen."""
        found = None if self.form is None else self.form.get(name)
        if isinstance(found, UploadFile) and found.filename:
            return found
        return None

    def query(self, name: str, default: str = "") -> str:
        """Return a query parameter as text (cut to a sane length)."""
        return self.request.query_params.get(name, default)[:MAX_TEXT]

    def int_param(self, name: str) -> int:
        """Return an integer path parameter (404 when it is not one)."""
        raw = str(self.request.path_params.get(name, ""))
        if not raw.isdigit() or len(raw) > 12:
            raise HTTPException(404)
        return int(raw)

    def render(self, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        """Render a page of the console."""
        return render(
            self.console,
            template,
            self.language,
            status=status,
            officer=self.officer,
            csrf=self.signed_in.session.csrf_token,
            is_admin=self.is_admin,
            ok=labels.known(self.language, self.query("ok")),
            path=self.request.url.path,
            **{"error": labels.known(self.language, self.query("err")), **context},
        )

    def redirect(self, path: str, ok: str | None = None) -> RedirectResponse:
        """Send the browser to another console page after a change (303: then a GET).

        The flash is a catalogue key: `ok.*` shows as done, any other as a refusal.
        """
        target = PREFIX + path
        if ok:
            name = "ok" if ok.startswith("ok.") else "err"
            target += ("&" if "?" in target else "?") + f"{name}=" + quote(ok)
        return RedirectResponse(target, status_code=303)

    def when(self, moment: datetime | None) -> str:
        """Return a moment as the officer reads it."""
        return "" if moment is None else format_datetime(moment, self.services.zone, self.language)


def render(
    console: Console, template: str, language: str, *, status: int = 200, **context: Any
) -> HTMLResponse:
    """Render a template with the helpers every page uses."""
    zone = console.services.zone

    def when(moment: datetime | None) -> str:
        return "" if moment is None else format_datetime(moment, zone, language)

    def day(moment: datetime | None) -> str:
        return "" if moment is None else format_date(moment, zone, language)

    def clock(moment: datetime | None) -> str:
        return "" if moment is None else format_time(moment, zone, language)

    def local(moment: datetime | None) -> str:
        return "" if moment is None else moment.astimezone(zone).strftime("%Y-%m-%d %H:%M")

    def t(key: str, **values: object) -> str:
        return labels.text(language, key, **values)

    body = console.templates.get_template(template).render(
        t=t, when=when, day=day, clock=clock, local=local, lang=language, **context
    )
    return HTMLResponse(body, status_code=status)


Handler = Callable[[Desk], Awaitable[Response]]


@dataclass(frozen=True)
class Page:
    """A console route: its path, its handler and what it demands of the request."""

    path: str
    handler: Handler
    methods: tuple[str, ...] = ("GET",)
    admin: bool = False
    max_body: int = FORM_LIMIT
    files: int = 0


@dataclass(frozen=True)
class MenuEntry:
    """A link in the console's top menu: its label key (`nav.<key>`) and where it goes."""

    key: str
    path: str
    admin: bool = False


def refusal(console: Console, status: int, key: str, language: str = "id") -> HTMLResponse:
    """Return the short page that says why a request was refused."""
    return render(console, "refused.html", language, status=status, reason=key)


def page(console: Console, spec: Page) -> Route:
    """Return the Starlette route that checks the request and then calls the handler."""

    async def endpoint(request: Request) -> Response:
        services = console.services
        now = services.clock.now()
        signed_in = await current(services.storage, request.cookies.get(COOKIE, ""), now)
        if signed_in is None:
            if request.method == "GET":
                target = quote(request.url.path, safe="/")
                return RedirectResponse(f"{PREFIX}/masuk?next={target}", status_code=303)
            return refusal(console, 403, "refused.signed_out")
        desk = Desk(request, console, signed_in, now)
        with audited_via("console"):
            if spec.admin and not desk.is_admin:
                await services.storage.audit.record(
                    desk.actor, f"denied:console{spec.path}", None, now
                )
                return refusal(console, 403, "refused.admin_only", desk.language)
            try:
                if request.method == "POST":
                    problem = await _read_post(desk, spec)
                    if problem is not None:
                        return problem
                return await spec.handler(desk)
            finally:
                if desk.form is not None:
                    await desk.form.close()  # uploaded files are temporary files

    return Route(spec.path, endpoint, methods=list(spec.methods))


async def _read_post(desk: Desk, spec: Page) -> Response | None:
    """Read a POST's form within its caps and check its CSRF token and origin."""
    request, console = desk.request, desk.console
    declared = request.headers.get("content-length", "")
    if not declared.isdigit():
        return refusal(console, 411, "refused.length", desk.language)
    if int(declared) > spec.max_body:
        return refusal(console, 413, "refused.too_large", desk.language)
    origin = request.headers.get("origin")
    own = f"{request.url.scheme}://{request.url.netloc}"
    if origin is not None and origin not in (console.origin, own):
        return await _csrf_refused(desk, "origin")
    try:
        desk.form = await request.form(
            max_files=spec.files, max_fields=200, max_part_size=FORM_LIMIT
        )
    except (MultiPartException, MultipartParseError, HTTPException):
        return refusal(console, 400, "refused.bad_form", desk.language)
    sent = desk.value("csrf") or request.headers.get("x-csrf-token", "")
    expected = desk.signed_in.session.csrf_token
    if not sent or not hmac.compare_digest(sent.encode(), expected.encode()):
        return await _csrf_refused(desk, "token")
    return None


async def _csrf_refused(desk: Desk, why: str) -> Response:
    await desk.storage.audit.record(desk.actor, "denied:console.csrf", why, desk.now)
    return refusal(desk.console, 403, "refused.csrf", desk.language)


class SecurityHeaders:
    """Add the console's security headers to every response under it."""

    def __init__(self, app: ASGIApp, extra: Mapping[bytes, bytes] | None = None) -> None:
        self._app = app
        self._extra = tuple((extra or {}).items())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on and add the headers to the response's start."""
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [*message.get("headers", []), *_HEADERS, *self._extra]
                if "/static/" not in scope["path"]:
                    headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            await send(message)

        await self._app(scope, receive, send_with_headers)
