"""Test support shared by unit tests: known moments and NIKs, a chat driver, helpers."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from handlers.conversation.messages import Button, Inbound, Outbound, Reply
from handlers.conversation.router import Router
from handlers.conversation.turn import Services
from storage import Storage
from storage.models import BimtekSession

os.environ.setdefault("PTB_TIMEDELTA", "1")

NOW = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)
ZONE = ZoneInfo("Asia/Jakarta")
GOOD_NIK = "3216015505900002"
OTHER_NIK = "3216014107850003"


async def add_session(
    storage: Storage,
    code: str = "BTK-01",
    *,
    capacity: int = 30,
    starts_in: timedelta = timedelta(days=3),
    title: str = "Bimtek Batik Tulis",
) -> BimtekSession:
    """Add a session starting some time after NOW."""
    async with storage.db.transaction():
        return await storage.sessions.add(
            code=code,
            title=title,
            venue="Aula Disperindag",
            starts_at=NOW + starts_in,
            ends_at=NOW + starts_in + timedelta(hours=7),
            capacity=capacity,
            now=NOW,
        )


class Chat:
    """Drive the router as one person would: type, press buttons by label, share contacts."""

    def __init__(self, router: Router, services: Services, address: str = "1001") -> None:
        self.router = router
        self.services = services
        self.address = address
        self.last: list[Outbound] = []

    async def send(self, inbound: Inbound) -> list[Outbound]:
        """Deliver one inbound event and keep the replies."""
        self.last = await self.router.handle(inbound, self.services)
        return self.last

    async def text(self, text: str) -> list[Outbound]:
        """Type a message."""
        return await self.send(self._inbound(kind="text", text=text))

    async def payload(self, payload: str) -> list[Outbound]:
        """Press a button with this payload (possibly a forged or old one)."""
        return await self.send(self._inbound(kind="button", payload=payload))

    async def press(self, label: str) -> list[Outbound]:
        """Press the button with this label in the latest replies."""
        return await self.payload(self.button(label).payload)

    async def contact(self, phone: str, owner: str | None = None) -> list[Outbound]:
        """Share a contact card (one's own unless owner says otherwise)."""
        return await self.send(
            self._inbound(
                kind="contact",
                contact_phone=phone,
                contact_user_id=self.address if owner is None else owner,
            )
        )

    async def document(self, media_id: str, caption: str = "") -> list[Outbound]:
        """Send a document (by the platform's file id, as the channels pass it on)."""
        return await self.send(self._inbound(kind="document", media_id=media_id, text=caption))

    async def kind(self, kind: str) -> list[Outbound]:
        """Send a sticker, photo, location or edited message."""
        return await self.send(self._inbound(kind=kind))

    def _inbound(self, **fields: object) -> Inbound:
        return Inbound(
            channel="telegram",
            address=self.address,
            sender_id=self.address,
            **fields,  # type: ignore[arg-type]
        )

    def button(self, label: str) -> Button:
        """Return the button with this label in the latest replies."""
        for reply in self.last:
            if isinstance(reply, Reply):
                for row in reply.buttons:
                    for button in row:
                        if button.label == label:
                            return button
        raise AssertionError(f"no button {label!r} in {self.labels()}")

    def labels(self) -> list[str]:
        """Return the labels of every button in the latest replies."""
        return [
            button.label
            for reply in self.last
            if isinstance(reply, Reply)
            for row in reply.buttons
            for button in row
        ]

    @property
    def said(self) -> str:
        """Return the text of the latest replies, joined."""
        return "\n".join(reply.text for reply in self.last if isinstance(reply, Reply))


async def register(chat: Chat, *, nik: str = GOOD_NIK, session_label: str | None = None) -> None:
    """Walk a whole registration with good answers."""
    await chat.text("/daftar")
    await chat.press("Setuju")
    await chat.text("Siti Aminah")
    await chat.text(nik)
    await chat.contact("+62 812-3456-7890")
    await chat.text("Batik Siti")
    await chat.press("Batik & Tekstil")
    await chat.text("Cikarang Utara")
    if session_label is None:
        labels = chat.labels()
        await chat.press(labels[0])
    else:
        await chat.press(session_label)
    await chat.press("Benar")
