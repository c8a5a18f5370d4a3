"""The webhook server: one ASGI app (Starlette under uvicorn) for every pushed update.

- `GET /healthz`: 200 when the database answers, for deployment checks, with each channel's
  state (up, or down since when) and the outbox backlog;
- `GET /whatsapp`: Meta's verification handshake (hub.verify_token → hub.challenge);
- `POST /whatsapp`: WhatsApp Cloud API deliveries, `X-Hub-Signature-256` checked against the
  raw body in constant time before anything is read from it;
- `POST /telegram`: Telegram updates in webhook mode, `X-Telegram-Bot-Api-Secret-Token`
  checked in constant time;
- `/console/...`: the officer web console, when PUBLIC_BASE_URL is set (handlers.console).

Handlers answer as soon as the update is recorded (WhatsApp status reports: applied, in
batches shared by concurrent deliveries); processing happens in the channel's tasks. A
delivery that could not be recorded is answered 500, so the platform sends it again.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import logging
import socket
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Final

import uvicorn
from pydantic import ValidationError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from bot.channels.whatsapp import WebhookPayload

logger = logging.getLogger(__name__)

# Webhook bodies are small (a message, a few statuses); anything bigger is not ours.
MAX_BODY: Final = 256 * 1024
SIGNATURE_PREFIX: Final = "sha256="


class ListenError(Exception):
    """The webhook server could not listen on its host and port."""


@dataclass(frozen=True)
class WhatsAppEndpoint:
    """What the /whatsapp route needs: the secrets and where accepted deliveries go."""

    verify_token: str
    app_secret: str
    receive: Callable[[WebhookPayload], Awaitable[None]]


@dataclass(frozen=True)
class TelegramEndpoint:
    """What the /telegram route needs: the secret token and where updates go."""

    secret: str
    push: Callable[[object], Awaitable[bool]]


def valid_signature(app_secret: str, body: bytes, header: str | None) -> bool:
    """Tell whether `X-Hub-Signature-256` is the HMAC-SHA256 of the body with the app secret."""
    if not header or not header.startswith(SIGNATURE_PREFIX):
        return False
    expected = hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header[len(SIGNATURE_PREFIX) :].strip().lower())


def build_app(
    health: Callable[[], Awaitable[dict[str, Any]]],
    whatsapp: WhatsAppEndpoint | None = None,
    telegram: TelegramEndpoint | None = None,
    extra_routes: Sequence[BaseRoute] = (),
) -> Starlette:
    """Return the ASGI app serving the configured endpoints and `extra_routes` (/v/, /console)."""

    async def healthz(request: Request) -> Response:
        try:
            report = await health()
        except Exception:
            logger.exception("healthz: check failed")
            return JSONResponse({"status": "error"}, status_code=503)
        # A platform that is down is reported ("degraded") but still 200: restarting the
        # process would not bring Telegram back, and the bot keeps serving other channels.
        return JSONResponse({"status": "ok", **report})

    routes: list[BaseRoute] = [Route("/healthz", healthz, methods=["GET"])]
    if whatsapp is not None:
        routes.append(_whatsapp_route(whatsapp))
    if telegram is not None:
        routes.append(_telegram_route(telegram))
    routes.extend(extra_routes)
    return Starlette(routes=routes)


def _whatsapp_route(endpoint: WhatsAppEndpoint) -> Route:
    async def whatsapp(request: Request) -> Response:
        if request.method == "GET":
            return _handshake(request, endpoint.verify_token)
        body = await _read_body(request)
        if body is None:
            return PlainTextResponse("body too large", status_code=413)
        signature = request.headers.get("x-hub-signature-256")
        if not valid_signature(endpoint.app_secret, body, signature):
            logger.warning("whatsapp webhook: bad or missing signature; refused")
            return PlainTextResponse("forbidden", status_code=403)
        try:
            payload = WebhookPayload.model_validate_json(body)
        except ValidationError:
            if not _is_json(body):
                return PlainTextResponse("malformed JSON", status_code=400)
            # Signed by Meta but not a shape we know: accept, so it is not redelivered.
            logger.warning("whatsapp webhook: unexpected payload shape ignored")
            return PlainTextResponse("ignored")
        try:
            await endpoint.receive(payload)
        except Exception:
            # Nothing of it is acknowledged: Meta delivers it again, and what was recorded
            # meanwhile is dropped (messages) or applied again without effect (statuses).
            logger.exception("whatsapp webhook: the delivery could not be recorded; answered 500")
            return PlainTextResponse("try again", status_code=500)
        return PlainTextResponse("ok")

    return Route("/whatsapp", whatsapp, methods=["GET", "POST"])


def _handshake(request: Request, verify_token: str) -> Response:
    params = request.query_params
    token = params.get("hub.verify_token", "")
    if params.get("hub.mode") == "subscribe" and hmac.compare_digest(
        token.encode(), verify_token.encode()
    ):
        return PlainTextResponse(params.get("hub.challenge", ""))
    return PlainTextResponse("forbidden", status_code=403)


def _telegram_route(endpoint: TelegramEndpoint) -> Route:
    async def telegram(request: Request) -> Response:
        secret = request.headers.get("x-telegram-bot-api-secret-token", "")
        if not hmac.compare_digest(secret.encode(), endpoint.secret.encode()):
            logger.warning("telegram webhook: bad or missing secret token; refused")
            return PlainTextResponse("forbidden", status_code=403)
        body = await _read_body(request)
        if body is None:
            return PlainTextResponse("body too large", status_code=413)
        try:
            data = json.loads(body)
        except ValueError:
            return PlainTextResponse("malformed JSON", status_code=400)
        if not await endpoint.push(data):
            return PlainTextResponse("not an update", status_code=400)
        return PlainTextResponse("ok")

    return Route("/telegram", telegram, methods=["POST"])


async def _read_body(request: Request) -> bytes | None:
    """Return the raw body, or None as soon as it is larger than MAX_BODY."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY:
        return None
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > MAX_BODY:
            return None
    return bytes(body)


def _is_json(body: bytes) -> bool:
    try:
        json.loads(body)
    except ValueError:
        return False
    return True


class _EmbeddedServer(uvicorn.Server):
    """uvicorn inside the bot's event loop: the bot, not uvicorn, handles SIGINT and SIGTERM."""

    @contextlib.contextmanager
    def capture_signals(self) -> Any:
        """Leave the signal handlers alone."""
        yield


@contextlib.asynccontextmanager
async def serve(app: Starlette, host: str, port: int) -> AsyncIterator[None]:
    """Serve the app on host:port for the duration of the block."""
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        raise ListenError(f"cannot listen on {host}:{port} ({error.strerror})") from error
    config = uvicorn.Config(
        app,
        log_config=None,
        access_log=False,
        lifespan="off",
        # The C parser, named rather than "auto": a missing httptools is an error at start,
        # not a silent fall back to the pure-Python h11 parser at a fraction of the speed.
        http="httptools",
        server_header=False,
        timeout_graceful_shutdown=5,
    )
    server = _EmbeddedServer(config)
    task = asyncio.create_task(server.serve(sockets=[sock]), name="webhook-server")
    try:
        while not server.started:
            if task.done():
                task.result()
                raise ListenError(f"webhook server on {host}:{port} stopped at start-up")
            await asyncio.sleep(0.01)
        logger.info("webhook server listening on %s:%d", host, port)
        yield
    finally:
        server.should_exit = True
        await task
        sock.close()
