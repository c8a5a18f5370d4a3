"""Send the core's Reply, Document and Photo to a WhatsApp number through the Graph API."""

from __future__ import annotations

import asyncio
import logging
import mimetypes
from collections import OrderedDict
from typing import Any, Final

from bot.channels.graph import GraphClient
from bot.channels.media import MediaStore, is_stored
from bot.channels.whatsapp import MAX_CAPTION, render_page, render_reply
from handlers.conversation.messages import Document, Outbound, Photo, Reply

logger = logging.getLogger(__name__)

# Document types WhatsApp accepts; anything textual (.ics, .csv) goes as text/plain.
_DOCUMENT_TYPES: Final = frozenset(
    {
        "application/pdf",
        "text/plain",
        "application/vnd.ms-excel",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/msword",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    }
)


class ChoicePages:
    """The latest long list of choices sent to each number, so "Berikutnya" can page it.

    Kept in memory: after a restart a "Berikutnya" tap is answered with a hint to type the
    answer instead (every list step also accepts typed answers or /batal).
    """

    LIMIT: Final = 10_000

    def __init__(self) -> None:
        self._replies: OrderedDict[str, tuple[Reply, str]] = OrderedDict()

    def remember(self, address: str, reply: Reply, language: str) -> None:
        """Keep the reply whose choices were split into pages."""
        self._replies[address] = (reply, language)
        self._replies.move_to_end(address)
        while len(self._replies) > self.LIMIT:
            self._replies.popitem(last=False)

    def page(self, address: str, page: int) -> list[dict[str, Any]] | None:
        """Return the messages of a page of the latest list, or None when it is gone."""
        found = self._replies.get(address)
        if found is None:
            return None
        reply, language = found
        return render_page(reply, language, page)


class WhatsAppMessenger:
    """Render outbounds for WhatsApp and send them; return the id of the last message."""

    def __init__(self, client: GraphClient, media: MediaStore, pages: ChoicePages) -> None:
        self.client = client
        self._media = media
        self.pages = pages

    async def send(self, to: str, outbound: Outbound, language: str) -> str | None:
        """Send one outbound; raise GraphError or httpx.HTTPError when the platform refuses."""
        if isinstance(outbound, Reply):
            return await self._reply(to, outbound, language)
        if isinstance(outbound, Document):
            mime_type = _document_type(outbound.filename)
            media_id = await self.client.upload(outbound.content, mime_type, outbound.filename)
            document: dict[str, Any] = {"id": media_id, "filename": outbound.filename}
            if outbound.caption:
                document["caption"] = outbound.caption[:MAX_CAPTION]
            return await self.client.send(to, {"type": "document", "document": document})
        assert isinstance(outbound, Photo)  # noqa: S101 - Outbound has three kinds
        media_id = await self.client.upload(outbound.content, "image/png", outbound.filename)
        return await self._image(to, media_id, outbound.caption)

    async def send_all(self, to: str, messages: list[dict[str, Any]]) -> str | None:
        """Send ready message bodies in order; return the last id."""
        last = None
        for message in messages:
            last = await self.client.send(to, message)
        return last

    async def _reply(self, to: str, reply: Reply, language: str) -> str | None:
        rendered = render_reply(reply, language)
        if rendered.paged:
            self.pages.remember(to, reply, language)
        messages = rendered.messages
        photo = await self._photo_id(reply.photo_file_id)
        if photo is not None:
            plain = len(messages) == 1 and messages[0]["type"] == "text"
            if plain and len(reply.text) <= MAX_CAPTION:
                return await self._image(to, photo, reply.text)
            await self._image(to, photo, "")
        return await self.send_all(to, messages)

    async def _photo_id(self, reference: str | None) -> str | None:
        if reference is None:
            return None
        if not is_stored(reference):
            # Another platform's file id (a Telegram photo) means nothing to WhatsApp.
            logger.debug("whatsapp: photo from another channel left out")
            return None
        stored = await asyncio.to_thread(self._media.load, reference)
        if stored is None:
            logger.warning("whatsapp: stored photo is missing")
            return None
        content, name = stored
        mime_type = mimetypes.guess_type(name)[0] or "image/jpeg"
        return await self.client.upload(content, mime_type, name)

    async def _image(self, to: str, media_id: str, caption: str) -> str:
        image: dict[str, Any] = {"id": media_id}
        if caption:
            image["caption"] = caption[:MAX_CAPTION]
        return await self.client.send(to, {"type": "image", "image": image})


def _document_type(filename: str) -> str:
    guessed = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    if guessed in _DOCUMENT_TYPES:
        return guessed
    return "text/plain" if guessed.startswith("text/") else guessed
