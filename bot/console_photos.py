"""Photos for the web console: from the media folder, or downloaded from Telegram by file id.

A Telegram file id only opens through the Bot API (`getFile`, then the file URL), which needs
the token: the browser never sees either, only the console's own photo address.
"""

from __future__ import annotations

import logging
from pathlib import PurePosixPath
from typing import Final

import httpx

from bot.channels.media import MediaStore, is_stored

logger = logging.getLogger(__name__)

MAX_PHOTO: Final = 16 * 1024 * 1024
_TYPES: Final = {
    ".png": "image/png",
    ".webp": "image/webp",
    # Documents and voice notes of help desk tickets.
    ".pdf": "application/pdf",
    ".ogg": "audio/ogg",
    ".oga": "audio/ogg",
    ".mp3": "audio/mpeg",
    ".m4a": "audio/mp4",
    ".aac": "audio/aac",
    ".amr": "audio/amr",
}


def media_type(name: str) -> str:
    """Return the media type a file name suggests (a JPEG photo unless it says otherwise)."""
    return _TYPES.get(PurePosixPath(name).suffix.lower(), "image/jpeg")


class ConsolePhotos:
    """Fetch a participant's photo by the reference stored with their allocation or case."""

    def __init__(self, media: MediaStore, token: str | None, api_root: str) -> None:
        self._media = media
        self._token = token
        self._api_root = api_root.rstrip("/")

    async def fetch(self, reference: str) -> tuple[bytes, str] | None:
        """Return the photo's bytes and media type, or None when it cannot be had."""
        if is_stored(reference):
            found = self._media.load(reference)
            return None if found is None else (found[0], media_type(found[1]))
        if self._token is None:
            return None
        try:
            return await self._download(reference)
        except (httpx.HTTPError, ValueError, KeyError, TypeError):
            logger.warning("console: a Telegram photo could not be fetched")
            return None

    async def _download(self, file_id: str) -> tuple[bytes, str] | None:
        base = f"{self._api_root}/bot{self._token}"
        async with httpx.AsyncClient(timeout=15) as client:
            answer = await client.get(f"{base}/getFile", params={"file_id": file_id[:300]})
            found = answer.json()
            if not found.get("ok"):
                return None
            path = str(found["result"]["file_path"])
            content = await client.get(f"{self._api_root}/file/bot{self._token}/{path}")
            if content.status_code != 200 or len(content.content) > MAX_PHOTO:
                return None
            return content.content, media_type(path)
