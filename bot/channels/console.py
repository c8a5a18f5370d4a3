"""The console channel: a chat in the terminal, buttons shown numbered."""

from __future__ import annotations

import asyncio
from typing import TextIO

from bot.dispatcher import Delivery
from handlers.conversation.messages import Document, Inbound, Outbound, Photo, Reply
from handlers.conversation.router import Router
from handlers.conversation.turn import Services

ADDRESS = "demo"
# The console person's "own" number, offered when the bot asks to share a contact.
DEMO_PHONE = "+6281234567890"
QUIT = frozenset({"/keluar", "/quit", "/exit"})


class ConsoleChannel:
    """Read lines from a text stream, write the bot's answers to another."""

    def __init__(self, router: Router, services: Services, reader: TextIO, writer: TextIO) -> None:
        self._router = router
        self._services = services
        self._reader = reader
        self._writer = writer
        # What a typed number stands for: the options of the latest message that had some.
        self._options: list[Inbound] = []

    async def run(self) -> None:
        """Chat until end of input or /keluar."""
        self._print(
            "WUB IKM Bot — demo di konsol. Ketik pesan seperti di Telegram; "
            "ketik angka untuk menekan tombol; /keluar untuk selesai. Anda juga admin di demo "
            "ini: /bantuan menampilkan perintah petugas (/sesi, /siaran, /rekap, ...).\n"
        )
        await self._exchange(self._inbound_text("/start"))
        while True:
            line = await asyncio.to_thread(self._reader.readline)
            if not line:
                break
            text = line.rstrip("\r\n")
            if text.strip().lower() in QUIT:
                break
            self._print(f"> {text}")
            await self._exchange(self._interpret(text))
        self._print("Sampai jumpa!")

    def _inbound_text(self, text: str) -> Inbound:
        return Inbound(
            channel="console", address=ADDRESS, sender_id=ADDRESS, kind="text", text=text
        )

    def _interpret(self, text: str) -> Inbound:
        stripped = text.strip()
        if stripped.isdigit() and 1 <= int(stripped) <= len(self._options):
            return self._options[int(stripped) - 1]
        return self._inbound_text(text)

    async def _exchange(self, inbound: Inbound) -> None:
        self._options = []
        for outbound in await self._router.handle(inbound, self._services):
            self._render(outbound)

    def _render(self, outbound: Outbound) -> None:
        if isinstance(outbound, Reply):
            self._render_reply(outbound)
        elif isinstance(outbound, Document):
            self._print(
                f"Bot: [berkas {outbound.filename}, {len(outbound.content)} bita] "
                f"{outbound.caption}"
            )
        elif isinstance(outbound, Photo):
            self._print(f"Bot: [gambar {outbound.filename}] {outbound.caption}")

    def _render_reply(self, reply: Reply) -> None:
        if reply.photo_file_id is not None:
            self._print("Bot: [foto]")
        self._print("Bot: " + reply.text.replace("\n", "\n     "))
        options: list[tuple[str, Inbound]] = []
        if reply.buttons:
            for row in reply.buttons:
                for button in row:
                    options.append((button.label, self._button(button.payload)))
        elif reply.request_contact:
            options.append((reply.request_contact, self._shared_contact()))
        elif reply.menu:
            for menu_row in reply.menu:
                for label in menu_row:
                    options.append((label, self._inbound_text(label)))
        if options:
            self._options = [inbound for _, inbound in options]
            for number, (label, _) in enumerate(options, start=1):
                self._print(f"     [{number}] {label}")
        self._print("")

    def _button(self, payload: str) -> Inbound:
        return Inbound(
            channel="console", address=ADDRESS, sender_id=ADDRESS, kind="button", payload=payload
        )

    def _shared_contact(self) -> Inbound:
        return Inbound(
            channel="console",
            address=ADDRESS,
            sender_id=ADDRESS,
            kind="contact",
            contact_phone=DEMO_PHONE,
            contact_user_id=ADDRESS,
        )

    def show(self, outbound: Outbound) -> None:
        """Print a message the bot sends on its own (a broadcast, a reminder) in the chat."""
        self._render(outbound)

    def _print(self, text: str) -> None:
        self._writer.write(text + "\n")
        self._writer.flush()


class ConsoleSender:
    """The outbox's sender for the console chat: a queued message is printed in it.

    `python -m bot demo --web` runs the outbox dispatcher with this sender, so a broadcast
    composed in the web console reaches the chat below it and its report fills in.
    """

    def __init__(self, chat: ConsoleChannel) -> None:
        self._chat = chat

    async def deliver(self, channel: str, address: str, reply: Reply) -> Delivery:
        """Print the message when it is for the console person; no one else is here."""
        if channel != "console" or address != ADDRESS:
            return Delivery.failed(f"the demo chat is {ADDRESS}, not {address}", permanent=True)
        self._chat.show(reply)
        return Delivery.ok()
