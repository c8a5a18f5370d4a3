"""python-telegram-bot's requests over aiohttp instead of httpx.

PTB leaves the HTTP library open (`telegram.request.BaseRequest`); its default, httpx on
httpcore and anyio, parses HTTP in Python and enters anyio cancel scopes around every read
and write. Profiled at 0 ms API latency it was two thirds of the bot's event-loop time;
aiohttp parses with its C parser (llhttp) and costs a fraction of that per call
(`docs/PERFORMANCE.md`). Behaviour seen by PTB is the same: (status, body) per call,
`TimedOut` for timeouts, `NetworkError` for every other transport failure.
"""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

# Said by a TimedOut when the request never left this process (no connection was free or
# none could be opened): sending it again cannot make a duplicate.
NOT_SENT = "Request was *not* sent to Telegram"


class AiohttpRequest(BaseRequest):
    """One aiohttp session with a bounded connection pool, as PTB's HTTPXRequest has.

    A semaphore of the pool's size is taken before each request, so waiting for a free
    connection has its own timeout (PTB's `pool_timeout`), apart from opening one.
    """

    __slots__ = ("_free", "_limits", "_pool_size", "_session")

    def __init__(
        self,
        connection_pool_size: int = 64,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
        media_write_timeout: float | None = 20.0,
    ) -> None:
        self._pool_size = connection_pool_size
        self._limits = {
            "read": read_timeout,
            "write": write_timeout,
            "connect": connect_timeout,
            "pool": pool_timeout,
            "media_write": media_write_timeout,
        }
        self._session: aiohttp.ClientSession | None = None
        self._free = asyncio.Semaphore(connection_pool_size)

    @property
    def read_timeout(self) -> float | None:
        """The default read timeout (PTB adds it to getUpdates' long-poll timeout)."""
        return self._limits["read"]

    async def initialize(self) -> None:
        """Open the session (inside the running event loop, as aiohttp requires)."""
        if self._session is None or self._session.closed:
            self._free = asyncio.Semaphore(self._pool_size)
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size),
                cookie_jar=aiohttp.DummyCookieJar(),
                headers={"User-Agent": self.USER_AGENT},
            )

    async def shutdown(self) -> None:
        """Close the session and its connections."""
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Make one request; return the status code and the body."""
        session = self._session
        if session is None or session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        files = request_data.multipart_data if request_data else None
        read = self._given(read_timeout, "read")
        write = self._given(write_timeout, "media_write" if files else "write")
        connect = self._given(connect_timeout, "connect")
        pool = self._given(pool_timeout, "pool")
        timeout = aiohttp.ClientTimeout(
            connect=connect,
            sock_read=read,
            # aiohttp has no write timeout; bound the whole call by the sum instead.
            total=_total(read, write, connect),
        )
        await self._take_connection(pool)
        try:
            async with session.request(
                method, url, data=_body(request_data), timeout=timeout
            ) as response:
                return response.status, await response.read()
        except aiohttp.ConnectionTimeoutError as error:
            raise TimedOut(f"Connect timeout: {NOT_SENT}.") from error
        except (TimeoutError, aiohttp.ServerTimeoutError) as error:
            raise TimedOut from error
        except aiohttp.ClientConnectorError as error:
            raise NetworkError(f"aiohttp.{type(error).__name__}: {NOT_SENT}.") from error
        except aiohttp.ClientError as error:
            raise NetworkError(f"aiohttp.{type(error).__name__}: {error}") from error
        finally:
            self._free.release()

    async def _take_connection(self, patience: float | None) -> None:
        if not self._free.locked():
            await self._free.acquire()  # a connection is free: no wait, no timer
            return
        try:
            async with asyncio.timeout(patience):
                await self._free.acquire()
        except TimeoutError:
            raise TimedOut(
                f"Pool timeout: all {self._pool_size} connections are busy. {NOT_SENT}."
            ) from None

    def _given(self, value: ODVInput[float], default: str) -> float | None:
        if isinstance(value, DefaultValue):
            return self._limits[default]
        return value


def _total(*parts: float | None) -> float | None:
    if any(part is None for part in parts):
        return None
    return sum(part for part in parts if part is not None)


def _body(request_data: RequestData | None) -> Any:
    """Form fields as PTB sends them (JSON-encoded values), multipart when there are files."""
    if request_data is None:
        return None
    fields = request_data.json_parameters
    files = request_data.multipart_data
    if not files:
        return fields or None
    form = aiohttp.FormData()
    for name, value in fields.items():
        form.add_field(name, value)
    for name, part in files.items():
        filename, content, *rest = part
        form.add_field(
            name,
            content,
            filename=filename,
            content_type=rest[0] if rest else "application/octet-stream",
        )
    return form
