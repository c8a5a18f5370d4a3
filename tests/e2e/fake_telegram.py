"""Fake Telegram Bot API server that end-to-end tests own and drive."""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import mimetypes
import re
import socket
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Self, TypeVar

from aiohttp import BodyPartReader, web

T = TypeVar("T")

BOT_ID = 999000
BOT_FIRST_NAME = "WUB IKM"
DEFAULT_BOT_USERNAME = "wubikm_test_bot"
USER_FIRST_NAME = "Tester"
GROUP_TITLE = "Test Group"

# Calls that count as "a message to the chat" for messages_to/texts_to/next_reply/wait_idle.
MESSAGE_METHODS: tuple[str, ...] = ("sendMessage", "sendDocument", "sendPhoto", "editMessageText")

# Parameters that python-telegram-bot sends as raw strings (never JSON-decode them).
_STRING_FIELDS = frozenset(
    {
        "text",
        "caption",
        "parse_mode",
        "callback_query_id",
        "file_id",
        "inline_message_id",
        "action",
        "url",
        "query",
        "name",
        "title",
        "description",
        "short_description",
        "emoji",
        "sticker",
        "document",
        "photo",
        "voice",
        "video",
        "audio",
        "animation",
        "thumbnail",
        "secret_token",
        "ip_address",
        "phone_number",
        "first_name",
        "last_name",
        "vcard",
        "address",
        "question",
        "explanation",
        "language_code",
        "business_connection_id",
        "message_effect_id",
        "payload",
        "currency",
        "provider_token",
        "start_parameter",
        "custom_title",
        "invite_link",
        "error_message",
    }
)

# Methods whose result is a Message built from the call parameters.
_MESSAGE_RESULT = frozenset(
    {"sendmessage", "senddocument", "sendphoto", "editmessagetext", "editmessagecaption"}
)
# Methods answering a bare ``true``.
_TRUE_RESULT = frozenset(
    {
        "deletewebhook",
        "setwebhook",
        "setmycommands",
        "deletemycommands",
        "answercallbackquery",
        "sendchataction",
        "deletemessage",
        "editmessagereplymarkup",
    }
)

_COMMAND_RE = re.compile(r"/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?=\s|$)")


@dataclass
class ApiCall:
    """One Bot API request the fake accepted (params decoded, uploads kept as bytes)."""

    method: str
    params: dict[str, Any]
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    at: float = field(default_factory=time.monotonic)

    @property
    def chat_id(self) -> Any:
        """The ``chat_id`` parameter of the call, or None."""
        return self.params.get("chat_id")

    @property
    def text(self) -> str | None:
        """The ``text`` or ``caption`` parameter of the call, or None."""
        value = self.params.get("text", self.params.get("caption"))
        return None if value is None else str(value)


@dataclass
class _Failure:
    """One injected error answer."""

    status: int
    description: str
    retry_after: int | None


def _is_outgoing(method: str) -> bool:
    """Whether a (lower-cased) method sends or edits a message in a chat."""
    return (method.startswith("send") and method != "sendchataction") or method in {
        "copymessage",
        "forwardmessage",
        "editmessagetext",
        "editmessagecaption",
    }


def _decode_form_value(key: str, raw: str) -> Any:
    """Decode one form/multipart field the way python-telegram-bot JSON-encoded it."""
    if key in _STRING_FIELDS:
        return raw
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def _decode_json_value(key: str, value: Any) -> Any:
    """Decode JSON-encoded object strings embedded in a JSON body."""
    if isinstance(value, str) and key not in _STRING_FIELDS and value.lstrip()[:1] in ("{", "["):
        with contextlib.suppress(ValueError):
            return json.loads(value)
    return value


def _scope_key(scope: Any) -> str:
    """A command-menu scope as one comparable string ("default" when none is given)."""
    if not isinstance(scope, dict):
        return "default"
    return json.dumps(scope, sort_keys=True)


def _menu_key(params: dict[str, Any]) -> tuple[str, str]:
    """The (scope, language code) a set/get/deleteMyCommands call is about."""
    return _scope_key(params.get("scope")), str(params.get("language_code") or "")


def _utf16_len(text: str) -> int:
    """Length of a string in UTF-16 code units, as Telegram counts entity offsets."""
    return len(text.encode("utf-16-le")) // 2


def _command_entities(text: str) -> list[dict[str, Any]]:
    """The ``bot_command`` entity Telegram attaches to a leading /command."""
    match = _COMMAND_RE.match(text)
    if match is None:
        return []
    return [{"offset": 0, "length": _utf16_len(match.group(0)), "type": "bot_command"}]


def _error(status: int, description: str, retry_after: int | None = None) -> dict[str, Any]:
    """Telegram's error envelope."""
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if retry_after is not None:
        body["parameters"] = {"retry_after": retry_after}
    return body


def _as_int(value: Any) -> int | None:
    """Coerce a decoded parameter to int (None when absent or not numeric)."""
    if value is None or isinstance(value, bool):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _keyboard_rows(call: ApiCall) -> list[list[Any]]:
    """The button rows of a call's reply_markup (inline or reply keyboard)."""
    markup = call.params.get("reply_markup")
    if isinstance(markup, str):
        markup = json.loads(markup)
    if not isinstance(markup, dict):
        return []
    rows = markup.get("inline_keyboard") or markup.get("keyboard") or []
    return [list(row) for row in rows]


def reply_markup_buttons(call: ApiCall) -> list[list[str]]:
    """Labels of the inline or reply keyboard buttons of a call, row by row."""
    return [
        [button["text"] if isinstance(button, dict) else str(button) for button in row]
        for row in _keyboard_rows(call)
    ]


def callback_data(call: ApiCall, label: str) -> str:
    """The callback_data of the inline button labelled ``label`` (KeyError if absent)."""
    for row in _keyboard_rows(call):
        for button in row:
            if isinstance(button, dict) and button.get("text") == label:
                data = button.get("callback_data")
                if isinstance(data, str):
                    return data
    raise KeyError(
        f"no inline button {label!r} with callback_data in {reply_markup_buttons(call)}"
    )


class FakeTelegram:
    """A fake api.telegram.org served by aiohttp in its own thread and event loop."""

    def __init__(
        self, *, username: str = DEFAULT_BOT_USERNAME, max_poll_timeout: float = 1.0
    ) -> None:
        """Prepare an unstarted fake; ``max_poll_timeout`` caps getUpdates long polls."""
        self.username = username
        self.max_poll_timeout = max_poll_timeout
        self.latency: float = 0.0
        self.blocked_chats: set[int] = set()
        self.global_rate: float | None = None
        self.per_chat_rate: float | None = None
        self.tokens: set[str] = set()
        # Called (in the server thread, outside the lock) with every accepted message call;
        # benchmarks use it to answer each reply with the person's next update at once.
        self.on_message: Callable[[ApiCall], None] | None = None
        self._cond = threading.Condition()
        self._calls: list[ApiCall] = []
        self._rejected: list[ApiCall] = []
        self._updates: list[dict[str, Any]] = []
        self._next_update_id = 100_000_001
        self._delivered_upto = 0
        self._last_delivery = 0.0
        self._poll_times: list[float] = []
        self._message_ids: dict[int, int] = {}
        self._sent: dict[tuple[int, int], dict[str, Any]] = {}
        self._last_bot_message: dict[int, int] = {}
        self._last_user_message: dict[int, int] = {}
        self._files: dict[str, bytes] = {}
        self._file_paths: dict[str, str] = {}
        self._failures: dict[str, deque[_Failure]] = {}
        self._rate_log: deque[tuple[float, Any]] = deque()
        # Command menus by (scope, language code), as Telegram keeps them: "" is no code.
        self._commands: dict[tuple[str, str], list[Any]] = {}
        self._serial = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self._updates_event: asyncio.Event | None = None
        self._stopping = False
        self._port: int | None = None
        self._site: web.SockSite | None = None
        # Outage simulation: None (normal), "refused" (not listening) or an error answer.
        self._outage: str | _Failure | None = None
        self._outage_hits = 0

    # ------------------------------------------------------------------ lifecycle

    @property
    def base_url(self) -> str:
        """Root URL of the running server, e.g. ``http://127.0.0.1:PORT``."""
        if self._port is None:
            raise RuntimeError("FakeTelegram is not started")
        return f"http://127.0.0.1:{self._port}"

    def start(self) -> None:
        """Start serving on 127.0.0.1 with an ephemeral port in a background thread."""
        if self._thread is not None:
            raise RuntimeError("FakeTelegram already started")
        loop = asyncio.new_event_loop()
        ready = threading.Event()
        errors: list[BaseException] = []

        def run() -> None:
            """Thread body: set up the site, serve until stopped, then close the loop."""
            asyncio.set_event_loop(loop)
            try:
                loop.run_until_complete(self._setup())
            except BaseException as exc:  # surfaced to start()'s caller
                errors.append(exc)
                ready.set()
                loop.close()
                return
            ready.set()
            try:
                loop.run_forever()
            finally:
                tasks = asyncio.all_tasks(loop)
                for task in tasks:
                    task.cancel()
                if tasks:
                    loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))
                loop.run_until_complete(loop.shutdown_asyncgens())
                loop.run_until_complete(loop.shutdown_default_executor())
                loop.close()

        self._stopping = False
        self._loop = loop
        self._thread = threading.Thread(target=run, name="fake-telegram", daemon=True)
        self._thread.start()
        ready.wait()
        if errors:
            self._thread.join()
            self._thread = None
            self._loop = None
            raise RuntimeError("FakeTelegram failed to start") from errors[0]

    def stop(self) -> None:
        """Stop the server, close the aiohttp runner and join the thread (idempotent)."""
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        self._stopping = True
        future = asyncio.run_coroutine_threadsafe(self._shutdown(), loop)
        try:
            future.result(timeout=10)
        finally:
            loop.call_soon_threadsafe(loop.stop)
            thread.join(timeout=10)
            self._loop = None
            self._thread = None
            self._port = None

    def __enter__(self) -> Self:
        """Start the server."""
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Stop the server."""
        self.stop()

    async def _setup(self) -> None:
        """Create the aiohttp application and bind it to an ephemeral port."""
        self._updates_event = asyncio.Event()
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=2.0)
        await runner.setup()
        self._runner = runner
        try:
            await self._listen(0)
        except BaseException:
            await runner.cleanup()
            raise

    async def _listen(self, port: int) -> None:
        """Bind 127.0.0.1:port (0: any free port) and serve the app there."""
        assert self._runner is not None  # noqa: S101 - set up first
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind(("127.0.0.1", port))
            self._port = int(sock.getsockname()[1])
            site = web.SockSite(self._runner, sock)
            await site.start()
        except BaseException:
            sock.close()
            raise
        self._site = site

    async def _shutdown(self) -> None:
        """Wake long polls and clean up the aiohttp runner."""
        if self._updates_event is not None:
            self._updates_event.set()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def _wake_pollers(self) -> None:
        """Tell waiting getUpdates handlers (in the server loop) that updates arrived."""
        loop, event = self._loop, self._updates_event
        if loop is None or event is None:
            return
        with contextlib.suppress(RuntimeError):  # loop already closed
            loop.call_soon_threadsafe(event.set)

    # ------------------------------------------------------------------ HTTP handlers

    def _outage_answer(self, request: web.Request) -> web.Response | None:
        """Cut the connection or answer the outage's error, while an outage is on."""
        outage = self._outage
        if outage is None:
            return None
        with self._cond:
            self._outage_hits += 1
        if outage == "refused":
            # Not listening any more; a request on a connection opened before is cut off.
            if request.transport is not None:
                request.transport.abort()
            return web.Response(status=502)
        assert isinstance(outage, _Failure)  # noqa: S101 - the only other kind
        body = _error(outage.status, outage.description)
        return web.json_response(body, status=outage.status)

    async def _handle_api(self, request: web.Request) -> web.Response:
        """Serve ``/bot<token>/<method>``."""
        if (cut := self._outage_answer(request)) is not None:
            return cut
        token = request.match_info["token"]
        method = request.match_info["method"]
        try:
            params, files = await self._read_params(request)
        except ValueError as exc:
            return web.json_response(_error(400, f"Bad Request: {exc}"), status=400)
        if self.latency > 0:
            await asyncio.sleep(self.latency)
        with self._cond:
            self.tokens.add(token)
        if method.lower() == "getupdates":
            return await self._get_updates(method, params)
        status, body = self._dispatch(method, params, files)
        return web.json_response(body, status=status)

    async def _handle_file(self, request: web.Request) -> web.Response:
        """Serve ``/file/bot<token>/<path>`` with bytes registered via add_file."""
        if (cut := self._outage_answer(request)) is not None:
            return cut
        if self.latency > 0:
            await asyncio.sleep(self.latency)
        path = request.match_info["path"]
        with self._cond:
            self.tokens.add(request.match_info["token"])
            file_id = self._file_paths.get(path)
            data = self._files.get(file_id) if file_id is not None else None
        if data is None:
            return web.json_response(_error(404, "Not Found"), status=404)
        return web.Response(body=data, content_type="application/octet-stream")

    @staticmethod
    async def _read_params(
        request: web.Request,
    ) -> tuple[dict[str, Any], dict[str, tuple[str, bytes]]]:
        """Decode query, JSON, urlencoded or multipart parameters and uploaded files."""
        params: dict[str, Any] = {}
        files: dict[str, tuple[str, bytes]] = {}
        for key, value in request.query.items():
            params[key] = _decode_form_value(key, value)
        if request.can_read_body:
            ctype = request.content_type
            if ctype == "application/json":
                body = await request.json()
                if not isinstance(body, dict):
                    raise ValueError("JSON body must be an object")
                for key, value in body.items():
                    params[key] = _decode_json_value(key, value)
            elif ctype == "multipart/form-data":
                reader = await request.multipart()
                async for part in reader:
                    if not isinstance(part, BodyPartReader) or part.name is None:
                        continue
                    if part.filename is not None:
                        data = await part.read(decode=True)
                        files[part.name] = (part.filename, bytes(data))
                    else:
                        params[part.name] = _decode_form_value(part.name, await part.text())
            else:
                form = await request.post()
                for key, field_value in form.items():
                    if isinstance(field_value, str):
                        params[key] = _decode_form_value(key, field_value)
        # python-telegram-bot may upload a file under an attach name ("attach://<name>").
        for key, value in list(params.items()):
            if isinstance(value, str) and value.startswith("attach://"):
                attached = files.get(value.removeprefix("attach://"))
                if attached is not None and key not in files:
                    files[key] = attached
        return params, files

    async def _get_updates(self, method: str, params: dict[str, Any]) -> web.Response:
        """Long-poll getUpdates honouring offset, limit and (capped) timeout."""
        now = time.monotonic()
        with self._cond:
            failure = self._take_failure(method)
            if failure is None:
                self._poll_times.append(now)
                offset = _as_int(params.get("offset"))
                if offset is not None:
                    self._confirm(offset)
                self._cond.notify_all()
        if failure is not None:
            body = _error(failure.status, failure.description, failure.retry_after)
            return web.json_response(body, status=failure.status)
        limit = min(max(_as_int(params.get("limit")) or 100, 1), 100)
        timeout = params.get("timeout") or 0
        wait = min(max(float(timeout), 0.0), self.max_poll_timeout)
        deadline = now + wait
        event = self._updates_event
        batch: list[dict[str, Any]] = []
        while True:
            if event is not None:
                event.clear()
            with self._cond:
                batch = [dict(update) for update in self._updates[:limit]]
                if batch:
                    self._delivered_upto = max(
                        self._delivered_upto, max(u["update_id"] for u in batch)
                    )
                    self._last_delivery = time.monotonic()
                    self._cond.notify_all()
                    break
            remaining = deadline - time.monotonic()
            if remaining <= 0 or self._stopping or event is None:
                break
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)
        return web.json_response({"ok": True, "result": batch})

    # ------------------------------------------------------------------ API logic

    def _confirm(self, offset: int) -> None:
        """Forget confirmed updates (caller holds the lock)."""
        if offset >= 0:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        else:
            self._updates = self._updates[offset:]

    def _take_failure(self, method: str) -> _Failure | None:
        """Pop the next injected failure for a method (caller holds the lock)."""
        queue = self._failures.get(method.lower())
        if not queue:
            return None
        failure = queue.popleft()
        if not queue:
            del self._failures[method.lower()]
        return failure

    def _rate_limited(self, chat_id: Any, now: float) -> int | None:
        """Seconds to retry after when a rate limit is exceeded, else None (lock held)."""
        limits: list[tuple[float, bool]] = []
        if self.global_rate:
            limits.append((self.global_rate, False))
        if self.per_chat_rate:
            limits.append((self.per_chat_rate, True))
        if not limits:
            return None
        horizon = max(max(1.0, 1.0 / rate) for rate, _ in limits)
        while self._rate_log and self._rate_log[0][0] <= now - horizon:
            self._rate_log.popleft()
        for rate, per_chat in limits:
            window = max(1.0, 1.0 / rate)
            allowed = max(1, int(rate * window))
            recent = [
                at
                for at, chat in self._rate_log
                if at > now - window and (not per_chat or chat == chat_id)
            ]
            if len(recent) >= allowed:
                return max(1, math.ceil(recent[0] + window - now))
        return None

    def _dispatch(
        self, method: str, params: dict[str, Any], files: dict[str, tuple[str, bytes]]
    ) -> tuple[int, dict[str, Any]]:
        """Apply fault injection, compute the result and record the call."""
        name = method.lower()
        chat_id = params.get("chat_id")
        now = time.monotonic()
        with self._cond:
            call = ApiCall(method=method, params=params, files=files, at=now)
            failure = self._take_failure(method)
            blocked = chat_id is not None and chat_id in self.blocked_chats
            if failure is None and blocked and (_is_outgoing(name) or name == "sendchataction"):
                failure = _Failure(403, "Forbidden: bot was blocked by the user", None)
            if failure is None and _is_outgoing(name):
                retry_after = self._rate_limited(chat_id, now)
                if retry_after is not None:
                    failure = _Failure(
                        429, f"Too Many Requests: retry after {retry_after}", retry_after
                    )
                else:
                    self._rate_log.append((now, chat_id))
            if failure is not None:
                self._rejected.append(call)
                self._cond.notify_all()
                return failure.status, _error(
                    failure.status, failure.description, failure.retry_after
                )
            result = self._result(name, params, files)
            self._calls.append(call)
            self._cond.notify_all()
        if self.on_message is not None and method in MESSAGE_METHODS:
            self.on_message(call)
        return 200, {"ok": True, "result": result}

    def _result(
        self, name: str, params: dict[str, Any], files: dict[str, tuple[str, bytes]]
    ) -> Any:
        """The ``result`` of a successful call (caller holds the lock)."""
        if name == "getme":
            return self.bot_user(full=True)
        if name in _MESSAGE_RESULT:
            return self._message_result(name, params, files)
        if name == "copymessage":
            return {"message_id": self._new_message_id(_as_int(params.get("chat_id")) or 0)}
        if name == "editmessagereplymarkup":
            self._edit_stored_markup(params)
            return True
        if name == "getfile":
            return self._file_result(str(params.get("file_id", "")))
        if name == "setmycommands":
            commands = params.get("commands")
            self._commands[_menu_key(params)] = (
                list(commands) if isinstance(commands, list) else []
            )
            return True
        if name == "deletemycommands":
            self._commands.pop(_menu_key(params), None)
            return True
        if name == "getmycommands":
            return list(self._commands.get(_menu_key(params), []))
        if name == "getchat":
            chat_id = _as_int(params.get("chat_id")) or 0
            return {**self._chat(chat_id), "accent_color_id": 0, "max_reaction_count": 11}
        if name == "getwebhookinfo":
            return {"url": "", "has_custom_certificate": False, "pending_update_count": 0}
        if name == "deletewebhook" and params.get("drop_pending_updates") is True:
            self._updates.clear()
        return True

    def _file_result(self, file_id: str) -> dict[str, Any]:
        """A File object for getFile (lock held)."""
        path = next((p for p, fid in self._file_paths.items() if fid == file_id), None)
        if path is None:
            path = f"photos/{file_id}.jpg"
            self._file_paths[path] = file_id
        result: dict[str, Any] = {
            "file_id": file_id,
            "file_unique_id": f"U{file_id}"[:32],
            "file_path": path,
        }
        data = self._files.get(file_id)
        if data is not None:
            result["file_size"] = len(data)
        return result

    def _edit_stored_markup(self, params: dict[str, Any]) -> None:
        """Update the remembered reply_markup of an edited message (lock held)."""
        chat_id, message_id = _as_int(params.get("chat_id")), _as_int(params.get("message_id"))
        if chat_id is None or message_id is None:
            return
        stored = self._sent.get((chat_id, message_id))
        if stored is None:
            return
        markup = params.get("reply_markup")
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            stored["reply_markup"] = markup
        else:
            stored.pop("reply_markup", None)

    def _message_result(
        self, name: str, params: dict[str, Any], files: dict[str, tuple[str, bytes]]
    ) -> dict[str, Any] | bool:
        """Build (and remember) the Message a send/edit call produces (lock held)."""
        chat_id = _as_int(params.get("chat_id"))
        if chat_id is None:
            if name.startswith("edit"):
                return True  # inline message edits answer True
            chat_id = 0
        now = int(time.time())
        if name.startswith("edit"):
            message_id = _as_int(params.get("message_id")) or 0
            previous = self._sent.get((chat_id, message_id))
            message = dict(previous) if previous else self._bot_message(chat_id, message_id, "")
            message["edit_date"] = now
            # Editing without reply_markup removes the inline keyboard, as on Telegram.
            message.pop("reply_markup", None)
        else:
            message_id = self._new_message_id(chat_id)
            message = self._bot_message(chat_id, message_id, None)
            self._last_bot_message[chat_id] = message_id
        if name in ("sendmessage", "editmessagetext"):
            message["text"] = str(params.get("text", ""))
            if isinstance(params.get("entities"), list):
                message["entities"] = params["entities"]
        elif "caption" in params:
            message["caption"] = str(params["caption"])
            if isinstance(params.get("caption_entities"), list):
                message["caption_entities"] = params["caption_entities"]
        if name == "senddocument":
            message["document"] = self._media_object("document", params, files)
        elif name == "sendphoto":
            photo = self._media_object("photo", params, files)
            photo.pop("file_name", None)
            photo.pop("mime_type", None)
            message["photo"] = [{**photo, "width": 800, "height": 600}]
        markup = params.get("reply_markup")
        # Telegram only echoes inline keyboards; reply keyboards are not part of Message.
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        self._sent[(chat_id, message_id)] = message
        return dict(message)

    def _media_object(
        self, kind: str, params: dict[str, Any], files: dict[str, tuple[str, bytes]]
    ) -> dict[str, Any]:
        """A Document-like object for an uploaded file or a file_id/URL (lock held)."""
        upload = files.get(kind)
        if upload is not None:
            filename, data = upload
            self._serial += 1
            file_id = f"{kind.upper()}{self._serial:06d}"
            self._files[file_id] = data
            self._file_paths[f"{kind}s/{file_id}/{filename}"] = file_id
            mime = mimetypes.guess_type(filename)[0] or "application/octet-stream"
            return {
                "file_id": file_id,
                "file_unique_id": f"U{file_id}",
                "file_name": filename,
                "mime_type": mime,
                "file_size": len(data),
            }
        reference = str(params.get(kind, ""))
        result: dict[str, Any] = {
            "file_id": reference,
            "file_unique_id": f"U{reference}"[:32],
            "file_name": reference.rsplit("/", 1)[-1] or kind,
        }
        known = self._files.get(reference)
        if known is not None:
            result["file_size"] = len(known)
        return result

    # ------------------------------------------------------------------ object builders

    def bot_user(self, *, full: bool = False) -> dict[str, Any]:
        """The bot's User object (``full`` adds the getMe-only fields)."""
        user: dict[str, Any] = {
            "id": BOT_ID,
            "is_bot": True,
            "first_name": BOT_FIRST_NAME,
            "username": self.username,
        }
        if full:
            user.update(
                can_join_groups=True,
                can_read_all_group_messages=False,
                supports_inline_queries=False,
            )
        return user

    @staticmethod
    def _user(user_id: int, language_code: str | None = "en") -> dict[str, Any]:
        """A human User object."""
        user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": USER_FIRST_NAME}
        if language_code is not None:
            user["language_code"] = language_code
        return user

    @staticmethod
    def _chat(chat_id: int) -> dict[str, Any]:
        """A Chat object: private for positive ids, group for negative ones."""
        if chat_id < 0:
            kind = "supergroup" if str(chat_id).startswith("-100") else "group"
            return {"id": chat_id, "type": kind, "title": GROUP_TITLE}
        return {"id": chat_id, "type": "private", "first_name": USER_FIRST_NAME}

    def _new_message_id(self, chat_id: int) -> int:
        """Next message id in a chat (lock held)."""
        self._message_ids[chat_id] = self._message_ids.get(chat_id, 0) + 1
        return self._message_ids[chat_id]

    def _bot_message(self, chat_id: int, message_id: int, text: str | None) -> dict[str, Any]:
        """A bare Message from the bot."""
        message: dict[str, Any] = {
            "message_id": message_id,
            "from": self.bot_user(),
            "chat": self._chat(chat_id),
            "date": int(time.time()),
        }
        if text is not None:
            message["text"] = text
        return message

    def _user_message(
        self, chat_id: int, user_id: int, language_code: str | None = "en"
    ) -> dict[str, Any]:
        """A fresh Message from a user in a chat (lock held)."""
        message_id = self._new_message_id(chat_id)
        self._last_user_message[chat_id] = message_id
        return {
            "message_id": message_id,
            "from": self._user(user_id, language_code),
            "chat": self._chat(chat_id),
            "date": int(time.time()),
        }

    # ------------------------------------------------------------------ queueing updates

    def _enqueue(self, build: Callable[[], dict[str, Any]]) -> int:
        """Build an update under the lock, queue it and wake pollers; return update_id."""
        with self._cond:
            update = build()
            update_id = _as_int(update.get("update_id"))
            if update_id is None:
                update_id = self._next_update_id
                update = {"update_id": update_id, **update}
            self._next_update_id = max(self._next_update_id, update_id + 1)
            self._updates.append(update)
            self._updates.sort(key=lambda u: u["update_id"])
            self._cond.notify_all()
        self._wake_pollers()
        return update_id

    def push_raw(self, update: dict[str, Any]) -> int:
        """Queue an arbitrary update (update_id assigned when missing)."""
        return self._enqueue(lambda: dict(update))

    def push_text(self, user_id: int, text: str, *, language_code: str | None = "en") -> int:
        """Queue a private text message (with a bot_command entity for /commands)."""

        def build() -> dict[str, Any]:
            message = self._user_message(user_id, user_id, language_code)
            message["text"] = text
            if entities := _command_entities(text):
                message["entities"] = entities
            return {"message": message}

        return self._enqueue(build)

    def push_group_text(self, chat_id: int, user_id: int, text: str) -> int:
        """Queue a text message from a user in a group chat (negative chat id)."""
        if chat_id >= 0:
            raise ValueError("group chat ids are negative")

        def build() -> dict[str, Any]:
            message = self._user_message(chat_id, user_id)
            message["text"] = text
            if entities := _command_entities(text):
                message["entities"] = entities
            return {"message": message}

        return self._enqueue(build)

    def push_callback(self, user_id: int, data: str, *, message_id: int | None = None) -> int:
        """Queue a callback_query for a bot message (default: the last one sent to the chat)."""

        def build() -> dict[str, Any]:
            mid = message_id if message_id is not None else self._last_bot_message.get(user_id)
            if mid is None:
                mid = self._new_message_id(user_id)
            message = self._sent.get((user_id, mid)) or self._bot_message(user_id, mid, "…")
            self._serial += 1
            return {
                "callback_query": {
                    "id": str(4_000_000_000_000 + self._serial),
                    "from": self._user(user_id),
                    "message": dict(message),
                    "chat_instance": str(7_000_000_000 + abs(user_id)),
                    "data": data,
                }
            }

        return self._enqueue(build)

    def push_contact(self, user_id: int, phone_number: str, *, contact_user_id: int | None) -> int:
        """Queue a shared contact (contact_user_id=user_id for "share my number")."""

        def build() -> dict[str, Any]:
            message = self._user_message(user_id, user_id)
            contact: dict[str, Any] = {
                "phone_number": phone_number,
                "first_name": USER_FIRST_NAME,
            }
            if contact_user_id is not None:
                contact["user_id"] = contact_user_id
            message["contact"] = contact
            return {"message": message}

        return self._enqueue(build)

    def push_photo(self, user_id: int, file_id: str, *, caption: str | None = None) -> int:
        """Queue a photo message (one PhotoSize with the given file_id)."""

        def build() -> dict[str, Any]:
            message = self._user_message(user_id, user_id)
            size = {
                "file_id": file_id,
                "file_unique_id": f"U{file_id}"[:32],
                "width": 1280,
                "height": 960,
                "file_size": len(self._files.get(file_id, b"")) or 54321,
            }
            message["photo"] = [size]
            if caption is not None:
                message["caption"] = caption
            return {"message": message}

        return self._enqueue(build)

    def push_sticker(self, user_id: int) -> int:
        """Queue a sticker message."""

        def build() -> dict[str, Any]:
            message = self._user_message(user_id, user_id)
            message["sticker"] = {
                "file_id": "CAACAgIAAxkBAAIBtestSticker",
                "file_unique_id": "AgADtestSticker",
                "type": "regular",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
                "emoji": "\N{THUMBS UP SIGN}",
                "set_name": "TestStickers",
                "file_size": 12345,
            }
            return {"message": message}

        return self._enqueue(build)

    def push_voice(self, user_id: int) -> int:
        """Queue a voice message."""

        def build() -> dict[str, Any]:
            message = self._user_message(user_id, user_id)
            message["voice"] = {
                "file_id": "AwACAgIAAxkBAAIBtestVoice",
                "file_unique_id": "AgADtestVoice",
                "duration": 3,
                "mime_type": "audio/ogg",
                "file_size": 4321,
            }
            return {"message": message}

        return self._enqueue(build)

    def push_edited_text(self, user_id: int, text: str) -> int:
        """Queue an edited_message for the user's last message in the private chat."""

        def build() -> dict[str, Any]:
            mid = self._last_user_message.get(user_id)
            if mid is None:
                mid = self._new_message_id(user_id)
            now = int(time.time())
            message: dict[str, Any] = {
                "message_id": mid,
                "from": self._user(user_id),
                "chat": self._chat(user_id),
                "date": now - 1,
                "edit_date": now,
                "text": text,
            }
            if entities := _command_entities(text):
                message["entities"] = entities
            return {"edited_message": message}

        return self._enqueue(build)

    # ------------------------------------------------------------------ test-side setup

    def add_file(self, file_id: str, data: bytes) -> None:
        """Register bytes served for file_id via getFile + /file/bot<token>/photos/<id>.jpg."""
        with self._cond:
            self._files[file_id] = data
            for path in [p for p, fid in self._file_paths.items() if fid == file_id]:
                del self._file_paths[path]
            self._file_paths[f"photos/{file_id}.jpg"] = file_id

    def fail_next(
        self,
        method: str,
        status: int,
        description: str,
        *,
        retry_after: int | None = None,
        count: int = 1,
    ) -> None:
        """Make the next ``count`` calls of ``method`` answer with Telegram's error JSON."""
        with self._cond:
            queue = self._failures.setdefault(method.lower(), deque())
            queue.extend(_Failure(status, description, retry_after) for _ in range(count))

    # ------------------------------------------------------------------ outages

    def _in_server(self, action: Callable[[], Any]) -> None:
        """Run a coroutine function in the server's loop and wait for it."""
        loop = self._loop
        if loop is None:
            raise RuntimeError("FakeTelegram is not started")
        asyncio.run_coroutine_threadsafe(action(), loop).result(timeout=10)

    def refuse_connections(self) -> None:
        """Become unreachable: stop listening (connection refused) and cut open connections."""
        self._outage = "refused"

        async def stop_listening() -> None:
            if self._site is not None:
                await self._site.stop()
                self._site = None

        self._in_server(stop_listening)

    def answer_every_call(self, status: int = 502, description: str = "Bad Gateway") -> None:
        """Listen again, but answer every call (getUpdates too) with this error, as a proxy."""
        self._outage = _Failure(status, description, None)
        self._listen_again()

    def recover(self) -> None:
        """End the outage: listen on the same port and answer normally."""
        self._outage = None
        self._listen_again()

    def _listen_again(self) -> None:
        port = self._port

        async def listen() -> None:
            if self._site is None and port is not None:
                await self._listen(port)

        self._in_server(listen)

    def outage_hits(self) -> int:
        """How many requests reached the fake while an outage was on (cut or refused)."""
        with self._cond:
            return self._outage_hits

    # ------------------------------------------------------------------ inspection

    @staticmethod
    def _matches(call: ApiCall, method: str | None, chat_id: int | None) -> bool:
        """Whether a call has the given method and chat (None = any)."""
        return (method is None or call.method == method) and (
            chat_id is None or call.params.get("chat_id") == chat_id
        )

    def menu(self, scope: dict[str, Any] | None = None, language_code: str = "") -> list[str]:
        """The commands set for exactly this scope and language code (as getMyCommands)."""
        with self._cond:
            commands = self._commands.get((_scope_key(scope), language_code), [])
            return [str(command.get("command")) for command in commands]

    def menu_seen(self, chat_id: int, language_code: str) -> list[str]:
        """The commands a person sees in their private chat, resolved as Telegram does.

        The first menu set wins, from the narrowest scope down: this chat in the person's
        language, this chat, all private chats in the language, all private chats, the
        default in the language, the default.
        """
        scopes = (
            {"type": "chat", "chat_id": chat_id},
            {"type": "all_private_chats"},
            None,
        )
        with self._cond:
            for scope in scopes:
                for code in (language_code, ""):
                    commands = self._commands.get((_scope_key(scope), code))
                    if commands is not None:
                        return [str(command.get("command")) for command in commands]
        return []

    def calls(self, method: str | None = None, chat_id: int | None = None) -> list[ApiCall]:
        """Accepted calls (getUpdates excluded), optionally filtered, in arrival order."""
        with self._cond:
            return [c for c in self._calls if self._matches(c, method, chat_id)]

    def rejected_calls(
        self, method: str | None = None, chat_id: int | None = None
    ) -> list[ApiCall]:
        """Calls answered with an error (fail_next, blocked chat, rate limit)."""
        with self._cond:
            return [c for c in self._rejected if self._matches(c, method, chat_id)]

    def poll_times(self) -> list[float]:
        """time.monotonic() of every getUpdates call received."""
        with self._cond:
            return list(self._poll_times)

    def pending_updates(self) -> list[dict[str, Any]]:
        """Queued updates the bot has not confirmed yet."""
        with self._cond:
            return [dict(u) for u in self._updates]

    def mark(self) -> int:
        """Current length of the call log (pair with next_reply)."""
        with self._cond:
            return len(self._calls)

    def messages_to(self, chat_id: int) -> list[ApiCall]:
        """sendMessage/sendDocument/sendPhoto/editMessageText calls to a chat, in order."""
        with self._cond:
            return [
                c
                for c in self._calls
                if c.method in MESSAGE_METHODS and c.params.get("chat_id") == chat_id
            ]

    def texts_to(self, chat_id: int) -> list[str]:
        """Text (or caption, or "") of every message call to a chat."""
        return [call.text or "" for call in self.messages_to(chat_id)]

    def _describe(self, limit: int = 40) -> str:
        """Human summary of recorded calls for timeout errors (lock held)."""
        lines = [f"{len(self._calls)} accepted call(s):"]
        for index, call in enumerate(self._calls[-limit:], max(0, len(self._calls) - limit)):
            text = (call.text or "").replace("\n", "\\n")
            lines.append(f"  #{index} {call.method} chat={call.chat_id} {text[:80]!r}")
        if self._rejected:
            lines.append(f"{len(self._rejected)} rejected call(s):")
            lines.extend(f"  {c.method} chat={c.chat_id}" for c in self._rejected[-limit:])
        lines.append(
            f"pending updates: {[u['update_id'] for u in self._updates]}, "
            f"delivered up to {self._delivered_upto}, getUpdates calls: {len(self._poll_times)}"
        )
        return "\n".join(lines)

    def _wait(self, predicate: Callable[[], T | None], timeout: float, what: str) -> T:
        """Wait on the condition until predicate returns non-None or raise TimeoutError."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                result = predicate()
                if result is not None:
                    return result
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"timed out after {timeout}s {what}\n{self._describe()}")
                self._cond.wait(remaining)

    def wait_for_calls(
        self, method: str, chat_id: int | None, count: int = 1, timeout: float = 10.0
    ) -> list[ApiCall]:
        """Wait until at least ``count`` matching calls exist and return all of them."""

        def check() -> list[ApiCall] | None:
            found = [c for c in self._calls if self._matches(c, method, chat_id)]
            return found if len(found) >= count else None

        return self._wait(check, timeout, f"waiting for {count}x {method} to chat {chat_id}")

    def next_reply(self, chat_id: int, after: int, timeout: float = 10.0) -> ApiCall:
        """The first message call to ``chat_id`` at call-log index >= ``after`` (see mark)."""

        def check() -> ApiCall | None:
            for call in self._calls[after:]:
                if call.method in MESSAGE_METHODS and call.params.get("chat_id") == chat_id:
                    return call
            return None

        return self._wait(check, timeout, f"waiting for a reply to chat {chat_id} after #{after}")

    def wait_until_polling(self, timeout: float = 10.0, *, after: float | None = None) -> None:
        """Wait until the bot has called getUpdates (at/after monotonic time ``after``)."""
        since = float("-inf") if after is None else after

        def check() -> bool | None:
            return True if any(t >= since for t in self._poll_times) else None

        self._wait(check, timeout, "waiting for getUpdates polling")

    def wait_idle(self, chat_id: int, quiet: float = 0.3, timeout: float = 10.0) -> None:
        """Wait until updates are all fetched and the chat got nothing new for ``quiet`` s."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                now = time.monotonic()
                unfetched = any(u["update_id"] > self._delivered_upto for u in self._updates)
                last = self._last_delivery
                for call in reversed(self._calls):
                    if call.params.get("chat_id") == chat_id:
                        last = max(last, call.at)
                        break
                idle_for = now - last
                if not unfetched and idle_for >= quiet:
                    return
                remaining = deadline - now
                if remaining <= 0:
                    raise TimeoutError(
                        f"chat {chat_id} not idle within {timeout}s\n{self._describe()}"
                    )
                step = remaining if unfetched else min(remaining, quiet - idle_for)
                self._cond.wait(max(step, 0.005))
