"""Fake WhatsApp Cloud API (Graph API) server that end-to-end tests own and drive.

It records every message the bot sends, answers with message ids (`wamid.out.N`), accepts
media uploads, serves media a test registered for download, and answers with the Graph API's
error envelope when a test asks it to (`fail_next`). Like the real Cloud API it can hold the
number to a throughput (`throughput`: beyond it a send is answered 130429) and post status
webhooks (sent, delivered, read) for every accepted message back to the bot
(`post_statuses_to`), signed with the app secret.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import itertools
import json
import socket
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Self, TypeVar

from aiohttp import ClientError, ClientSession, ClientTimeout, web

T = TypeVar("T")

VERSION = "v21.0"
PHONE_NUMBER_ID = "109876543210"
TOKEN = "EAAG-test-whatsapp-token"


@dataclass
class GraphMessage:
    """One message the bot sent (the JSON body of POST /<phone id>/messages)."""

    to: str
    body: dict[str, Any]
    id: str
    at: float = field(default_factory=time.monotonic)

    @property
    def type(self) -> str:
        """The message type: text, interactive, template, image, document."""
        return str(self.body.get("type"))

    @property
    def text(self) -> str:
        """What the person reads: text body, interactive body, caption or template text."""
        kind = self.type
        if kind == "text":
            return str(self.body["text"]["body"])
        if kind == "interactive":
            return str(self.body["interactive"]["body"]["text"])
        if kind in ("image", "document"):
            return str(self.body[kind].get("caption", ""))
        if kind == "template":
            return " ".join(
                str(parameter.get("text", ""))
                for component in self.body["template"].get("components", [])
                if component.get("type") == "body"
                for parameter in component.get("parameters", [])
            )
        return ""

    def choices(self) -> dict[str, str]:
        """Return {title: id} of the reply buttons or list rows of an interactive message."""
        if self.type != "interactive":
            return {}
        interactive = self.body["interactive"]
        action = interactive.get("action", {})
        if interactive.get("type") == "button":
            return {b["reply"]["title"]: b["reply"]["id"] for b in action.get("buttons", [])}
        return {
            row["title"]: row["id"]
            for section in action.get("sections", [])
            for row in section.get("rows", [])
        }

    def template_payloads(self) -> list[str]:
        """Return the quick-reply payloads of a template message, by button index."""
        if self.type != "template":
            return []
        return [
            component["parameters"][0]["payload"]
            for component in self.body["template"].get("components", [])
            if component.get("type") == "button"
        ]


@dataclass
class _Failure:
    status: int
    code: int
    message: str
    to: str | None


class FakeGraph:
    """A fake graph.facebook.com served by aiohttp in its own thread and event loop."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._messages: list[GraphMessage] = []
        self._rejected: list[GraphMessage] = []
        self._uploads: dict[str, tuple[str, bytes]] = {}
        self._media: dict[str, tuple[bytes, str]] = {}
        self._failures: deque[_Failure] = deque()
        self._ids = itertools.count(1)
        self.unauthorized = 0
        # Messages a second the number may send (None: no limit); beyond it, 130429.
        self.throughput: float | None = None
        # Numbers whose sends fail with a passing server error (500) until removed.
        self.unreachable: set[str] = set()
        self._sent_at: deque[float] = deque()
        self._hook: tuple[str, str] | None = None
        self._statuses: asyncio.Queue[tuple[str, str, str]] | None = None
        self._posters: list[asyncio.Task[None]] = []
        self._session: ClientSession | None = None
        self.statuses_posted = 0
        self.statuses_failed = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self._port: int | None = None

    # ------------------------------------------------------------------ lifecycle

    @property
    def base_url(self) -> str:
        """The versioned API root, as WHATSAPP_API_BASE_URL takes it."""
        if self._port is None:
            raise RuntimeError("FakeGraph is not started")
        return f"http://127.0.0.1:{self._port}/{VERSION}"

    def __enter__(self) -> Self:
        """Start serving on 127.0.0.1 with an ephemeral port."""
        loop = asyncio.new_event_loop()
        ready = threading.Event()

        def run() -> None:
            asyncio.set_event_loop(loop)
            loop.run_until_complete(self._setup())
            ready.set()
            loop.run_forever()
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

        self._loop = loop
        self._thread = threading.Thread(target=run, name="fake-graph", daemon=True)
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError("FakeGraph did not start")
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Stop the server and join its thread."""
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        asyncio.run_coroutine_threadsafe(self._shutdown(), loop).result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        self._loop = self._thread = None

    async def _setup(self) -> None:
        app = web.Application(client_max_size=32 * 1024 * 1024)
        app.router.add_post(f"/{VERSION}/{{phone}}/messages", self._send)
        app.router.add_post(f"/{VERSION}/{{phone}}/media", self._upload)
        app.router.add_get(f"/{VERSION}/{{media_id}}", self._media_info)
        app.router.add_get("/download/{media_id}", self._download)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        self._port = int(sock.getsockname()[1])
        await web.SockSite(self._runner, sock).start()

    async def _shutdown(self) -> None:
        for task in self._posters:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._session is not None:
            await self._session.close()
        if self._runner is not None:
            await self._runner.cleanup()

    # ------------------------------------------------------------------ HTTP handlers

    def _authorized(self, request: web.Request) -> bool:
        if request.headers.get("Authorization") == f"Bearer {TOKEN}":
            return True
        with self._cond:
            self.unauthorized += 1
        return False

    async def _send(self, request: web.Request) -> web.Response:
        if not self._authorized(request):
            return _error(401, 190, "Invalid OAuth access token")
        if request.match_info["phone"] != PHONE_NUMBER_ID:
            return _error(400, 100, "Unknown phone number id")
        body = await request.json()
        to = str(body.get("to"))
        message = GraphMessage(to, body, f"wamid.out.{next(self._ids)}")
        with self._cond:
            failure = self._take_failure(to)
            if failure is None and to in self.unreachable:
                failure = _Failure(500, 1, "An unknown error occurred", to)
            failure = failure or self._over_throughput(message.at)
            if failure is not None:
                self._rejected.append(message)
                self._cond.notify_all()
                return _error(failure.status, failure.code, failure.message)
            self._messages.append(message)
            self._cond.notify_all()
        if self._statuses is not None:
            for state in ("sent", "delivered", "read"):
                self._statuses.put_nowait((message.id, to, state))
        return web.json_response(
            {
                "messaging_product": "whatsapp",
                "contacts": [{"input": to, "wa_id": to}],
                "messages": [{"id": message.id}],
            }
        )

    def _over_throughput(self, now: float) -> _Failure | None:
        """Answer 130429 when the number sent `throughput` messages in the last second."""
        if self.throughput is None:
            return None
        while self._sent_at and self._sent_at[0] <= now - 1.0:
            self._sent_at.popleft()
        if len(self._sent_at) >= self.throughput:
            return _Failure(400, 130429, "Rate limit hit", None)
        self._sent_at.append(now)
        return None

    def _take_failure(self, to: str) -> _Failure | None:
        for failure in self._failures:
            if failure.to is None or failure.to == to:
                self._failures.remove(failure)
                return failure
        return None

    async def _upload(self, request: web.Request) -> web.Response:
        if not self._authorized(request):
            return _error(401, 190, "Invalid OAuth access token")
        form = await request.post()
        upload = form.get("file")
        if not isinstance(upload, web.FileField):
            return _error(400, 100, "file is missing")
        media_id = f"upload-{next(self._ids)}"
        with self._cond:
            self._uploads[media_id] = (upload.filename, upload.file.read())
        return web.json_response({"id": media_id})

    async def _media_info(self, request: web.Request) -> web.Response:
        if not self._authorized(request):
            return _error(401, 190, "Invalid OAuth access token")
        media_id = request.match_info["media_id"]
        if media_id == PHONE_NUMBER_ID:  # the bot's probe while WhatsApp seemed down
            return web.json_response({"id": PHONE_NUMBER_ID, "verified_name": "WUB IKM"})
        with self._cond:
            found = self._media.get(media_id)
        if found is None:
            return _error(404, 100, "Unknown media")
        port = self._port
        return web.json_response(
            {
                "url": f"http://127.0.0.1:{port}/download/{media_id}",
                "mime_type": found[1],
                "id": media_id,
                "file_size": len(found[0]),
            }
        )

    async def _download(self, request: web.Request) -> web.Response:
        if not self._authorized(request):
            return web.Response(status=401)
        with self._cond:
            found = self._media.get(request.match_info["media_id"])
        if found is None:
            return web.Response(status=404)
        return web.Response(body=found[0], content_type=found[1])

    # ------------------------------------------------------------------ test-side set-up

    def add_media(self, media_id: str, content: bytes, mime_type: str = "image/jpeg") -> None:
        """Make a photo a person sent downloadable under its media id."""
        with self._cond:
            self._media[media_id] = (content, mime_type)

    def fail_next(
        self, code: int, *, status: int = 400, message: str = "error", to: str | None = None
    ) -> None:
        """Answer the next send (to `to`, or to anyone) with a Graph API error."""
        with self._cond:
            self._failures.append(_Failure(status, code, message, to))

    def post_statuses_to(self, url: str, app_secret: str, *, concurrency: int = 16) -> None:
        """Post sent, delivered and read for every accepted message to the bot's webhook."""
        loop = self._loop
        assert loop is not None, "start the fake first"  # noqa: S101 - test helper

        async def start() -> None:
            self._hook = (url, app_secret)
            self._statuses = asyncio.Queue()
            self._session = session = ClientSession(timeout=ClientTimeout(total=30))
            self._posters = [
                asyncio.create_task(self._post_statuses(session)) for _ in range(concurrency)
            ]

        asyncio.run_coroutine_threadsafe(start(), loop).result(timeout=10)

    async def _post_statuses(self, session: ClientSession) -> None:
        assert self._hook is not None and self._statuses is not None  # noqa: S101
        url, secret = self._hook
        while True:
            wamid, to, state = await self._statuses.get()
            body = json.dumps(_status_delivery(wamid, to, state)).encode()
            signature = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
            headers = {
                "Content-Type": "application/json",
                "X-Hub-Signature-256": f"sha256={signature}",
            }
            try:
                async with session.post(url, data=body, headers=headers) as response:
                    ok = response.status == 200
            except (ClientError, TimeoutError):
                ok = False
            with self._cond:
                if ok:
                    self.statuses_posted += 1
                else:
                    self.statuses_failed += 1
                self._cond.notify_all()

    def statuses_pending(self) -> int:
        """Return how many status webhooks wait to be posted."""
        return 0 if self._statuses is None else self._statuses.qsize()

    # ------------------------------------------------------------------ inspection

    def mark(self) -> int:
        """Return the current length of the sent-message log."""
        with self._cond:
            return len(self._messages)

    def messages(self, to: str | None = None) -> list[GraphMessage]:
        """Return the accepted messages (to one number, or all), in order."""
        with self._cond:
            return [m for m in self._messages if to is None or m.to == to]

    def rejected(self) -> list[GraphMessage]:
        """Return the sends answered with an injected error."""
        with self._cond:
            return list(self._rejected)

    def uploads(self) -> dict[str, tuple[str, bytes]]:
        """Return the uploaded files by media id."""
        with self._cond:
            return dict(self._uploads)

    def wait_for(
        self, predicate: Callable[[list[GraphMessage]], T | None], timeout: float, what: str
    ) -> T:
        """Wait until the predicate over the message log returns something."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                found = predicate(list(self._messages))
                if found is not None:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    recent = [(m.to, m.type, m.text[:60]) for m in self._messages[-10:]]
                    raise TimeoutError(f"timed out {what}; last messages: {recent}")
                self._cond.wait(remaining)

    def replies_after(
        self, to: str, mark: int, quiet: float = 0.3, timeout: float = 15
    ) -> list[GraphMessage]:
        """Wait for a first message to `to` after `mark`, then until it is quiet; return all."""

        def first(messages: list[GraphMessage]) -> bool | None:
            return True if any(m.to == to for m in messages[mark:]) else None

        self.wait_for(first, timeout, f"for a reply to {to}")
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                last = max(m.at for m in self._messages[mark:] if m.to == to)
                idle = time.monotonic() - last
                if idle >= quiet or time.monotonic() > deadline:
                    return [m for m in self._messages[mark:] if m.to == to]
                self._cond.wait(quiet - idle)


def _error(status: int, code: int, message: str) -> web.Response:
    body = {
        "error": {
            "message": message,
            "type": "OAuthException",
            "code": code,
            "error_data": {"messaging_product": "whatsapp", "details": message},
            "fbtrace_id": "Afake",
        }
    }
    return web.json_response(body, status=status)


def _status_delivery(wamid: str, to: str, state: str) -> dict[str, Any]:
    """Return a webhook body reporting one status of a message the bot sent."""
    status = {"id": wamid, "status": state, "timestamp": str(int(time.time())), "recipient_id": to}
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "628000000000", "phone_number_id": PHONE_NUMBER_ID},
        "statuses": [status],
    }
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": "WABA", "changes": [{"field": "messages", "value": value}]}],
    }
