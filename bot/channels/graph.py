"""A small client of the WhatsApp Cloud API (Meta's Graph API): send, upload, download.

`WHATSAPP_API_BASE_URL` is the versioned root (default `https://graph.facebook.com/v21.0`);
messages go to `<root>/<phone number id>/messages`, uploads to `<root>/<phone number id>/media`,
and a received photo is found at `<root>/<media id>`, whose answer names the URL to fetch it
from with the same token.
"""

from __future__ import annotations

import json
from typing import Any, Final

import httpx
from httpx_aiohttp import AiohttpTransport

MAX_DOWNLOAD: Final = 16 * 1024 * 1024
PROBE_TIMEOUT: Final = 10.0
CONNECTIONS: Final = 256
LIMITS: Final = httpx.Limits(max_connections=CONNECTIONS, max_keepalive_connections=CONNECTIONS)


class GraphError(Exception):
    """The Graph API refused a call; `code` is WhatsApp's error code (0 when none was given)."""

    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(f"whatsapp error {code} (HTTP {status}): {message}")
        self.status = status
        self.code = code
        self.message = message


class GraphClient:
    """Call the Cloud API for one business phone number."""

    def __init__(
        self,
        base_url: str,
        token: str,
        phone_number_id: str,
        *,
        timeout: float = 15.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._phone_number_id = phone_number_id
        root = base_url.rstrip("/") + "/"
        self._transport = transport or AiohttpTransport(limits=LIMITS)
        # Sends go straight to the transport with a URL, headers and timeout made once: at
        # hundreds of sends a second the client's URL merging, cookie, auth and redirect layers
        # were a third of each send's CPU, and a send needs none of them.
        self._messages = httpx.URL(f"{root}{phone_number_id}/messages")
        self._send_headers = {
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
        }
        self._send_timeout = httpx.Timeout(timeout).as_dict()
        self._http = httpx.AsyncClient(
            base_url=root,
            headers={"Authorization": f"Bearer {token}"},
            timeout=timeout,
            follow_redirects=False,
            transport=self._transport,
            # As many kept-alive connections as sends may overlap (bot.pacing.MAX_IN_FLIGHT):
            # httpx keeps 20 by default, and a new connection per send caps the rate.
            limits=LIMITS,
        )

    async def close(self) -> None:
        """Close the connection pool."""
        await self._http.aclose()

    async def send(self, to: str, message: dict[str, Any]) -> str:
        """Send one message and return its id (wamid)."""
        body = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": to}
        request = httpx.Request(
            "POST",
            self._messages,
            headers=self._send_headers,
            # What httpx's `json=` sends.
            content=json.dumps(
                {**body, **message}, ensure_ascii=False, separators=(",", ":"), allow_nan=False
            ).encode(),
            extensions={"timeout": self._send_timeout},
        )
        response = await self._transport.handle_async_request(request)
        try:
            await response.aread()
        finally:
            await response.aclose()
        answer = _checked(response)
        try:
            return str(answer["messages"][0]["id"])
        except (KeyError, IndexError, TypeError):
            raise GraphError(response.status_code, 0, "no message id in the answer") from None

    async def probe(self) -> bool:
        """Read our phone number's id: True when the Graph API answered (below HTTP 500)."""
        try:
            response = await self._http.get(
                self._phone_number_id, params={"fields": "id"}, timeout=PROBE_TIMEOUT
            )
        except httpx.HTTPError:
            return False
        return response.status_code < 500

    async def upload(self, content: bytes, mime_type: str, filename: str) -> str:
        """Upload a file to send by id; return the media id."""
        response = await self._http.post(
            f"{self._phone_number_id}/media",
            data={"messaging_product": "whatsapp", "type": mime_type},
            files={"file": (filename, content, mime_type)},
        )
        answer = _checked(response)
        media_id = answer.get("id")
        if not isinstance(media_id, str) or not media_id:
            raise GraphError(response.status_code, 0, "no media id in the answer")
        return media_id

    async def download(self, media_id: str) -> tuple[bytes, str]:
        """Return the bytes and MIME type of a file a person sent."""
        if not media_id.replace("_", "").replace("-", "").isalnum():
            raise GraphError(400, 0, "malformed media id")
        answer = _checked(await self._http.get(media_id))
        url = answer.get("url")
        if not isinstance(url, str) or not url.startswith(("https://", "http://")):
            raise GraphError(200, 0, "no media url in the answer")
        mime_type = str(answer.get("mime_type") or "application/octet-stream")
        async with self._http.stream("GET", url) as response:
            if response.status_code != 200:
                raise GraphError(response.status_code, 0, "media download refused")
            content = bytearray()
            async for chunk in response.aiter_bytes():
                content.extend(chunk)
                if len(content) > MAX_DOWNLOAD:
                    raise GraphError(413, 0, "media too large")
        return bytes(content), mime_type


def _checked(response: httpx.Response) -> dict[str, Any]:
    try:
        answer = response.json()
    except ValueError:
        answer = None
    if response.status_code >= 400 or not isinstance(answer, dict) or "error" in answer:
        raise _error(response.status_code, answer)
    return answer


def _error(status: int, answer: Any) -> GraphError:
    error = answer.get("error") if isinstance(answer, dict) else None
    if not isinstance(error, dict):
        return GraphError(status, 0, "unexpected answer")
    code = error.get("code")
    data = error.get("error_data")
    details = data.get("details") if isinstance(data, dict) else None
    message = str(details or error.get("message") or "")[:300]
    return GraphError(status, code if isinstance(code, int) else 0, message)
