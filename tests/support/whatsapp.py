"""Test support for the WhatsApp channel: a scripted Graph API behind httpx.MockTransport."""

from __future__ import annotations

import json
from collections import deque
from dataclasses import dataclass, field
from typing import Any

import httpx

from bot.channels.graph import GraphClient

BASE_URL = "https://graph.test/v21.0"
PHONE_NUMBER_ID = "1098"
TOKEN = "EAAG-unit-token"


@dataclass
class ScriptedGraph:
    """Answer Graph API calls: message ids for sends, or scripted errors; record everything."""

    sent: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    uploads: list[bytes] = field(default_factory=list)
    media: dict[str, bytes] = field(default_factory=dict)
    errors: deque[tuple[int, int] | Exception] = field(default_factory=deque)
    unauthorized: int = 0

    def client(self) -> GraphClient:
        """Return a client whose requests this fake answers."""
        return GraphClient(
            BASE_URL, TOKEN, PHONE_NUMBER_ID, transport=httpx.MockTransport(self.handle)
        )

    def fail(self, code: int, status: int = 400) -> None:
        """Answer the next send with a Graph error."""
        self.errors.append((status, code))

    def handle(self, request: httpx.Request) -> httpx.Response:
        """Serve one request."""
        if request.headers.get("Authorization") != f"Bearer {TOKEN}":
            self.unauthorized += 1
            return httpx.Response(401, json={"error": {"code": 190, "message": "bad token"}})
        path = request.url.path
        if path == f"/v21.0/{PHONE_NUMBER_ID}/messages":
            return self._send(request)
        if path == f"/v21.0/{PHONE_NUMBER_ID}/media":
            self.uploads.append(request.content)
            return httpx.Response(200, json={"id": f"upload-{len(self.uploads)}"})
        media_id = path.rsplit("/", 1)[-1]
        if path.startswith("/download/") and media_id in self.media:
            return httpx.Response(200, content=self.media[media_id])
        if media_id in self.media:
            return httpx.Response(
                200,
                json={
                    "url": f"https://lookaside.test/download/{media_id}",
                    "mime_type": "image/jpeg",
                },
            )
        return httpx.Response(404, json={"error": {"code": 100, "message": "unknown"}})

    def _send(self, request: httpx.Request) -> httpx.Response:
        if self.errors:
            error = self.errors.popleft()
            if isinstance(error, Exception):
                raise error
            status, code = error
            details = {"messaging_product": "whatsapp", "details": f"error {code}"}
            return httpx.Response(
                status,
                json={"error": {"code": code, "message": "refused", "error_data": details}},
            )
        body = json.loads(request.content)
        self.sent.append((body["to"], body))
        return httpx.Response(
            200,
            json={
                "messaging_product": "whatsapp",
                "messages": [{"id": f"wamid.{len(self.sent)}"}],
            },
        )

    def types(self) -> list[str]:
        """Return the type of every accepted message."""
        return [body["type"] for _, body in self.sent]
