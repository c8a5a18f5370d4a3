"""Fuzz: thousands of random events across every flow, for participants and an officer.

The events mix what people really do (the buttons they were just shown, valid answers) with
what goes wrong (old and forged buttons, commands out of order, unicode, SQL-looking text,
stickers, contacts of other people). Nothing may raise, no answer may be the generic
apology, and the database must stay consistent.
"""

from __future__ import annotations

import logging
import random
from datetime import timedelta

import pytest

from handlers.conversation import texts
from handlers.conversation.messages import Inbound, Reply
from handlers.conversation.router import Router
from handlers.conversation.turn import Services
from storage import Storage
from tests.support.chat import NOW, add_session

EVENTS = 10_000
OFFICER = "9000"
PEOPLE = [str(1000 + index) for index in range(8)]
APOLOGIES = {texts.ID["error"], texts.EN["error"]}

GOOD_TEXT = [
    "Siti Aminah", "Budi Santoso", "3216015505900002", "3216014107850003", "0812 3456 7890",
    "+6281298765432", "Batik Siti", "Setu", "cikarang utr", "tambun", "2030-12-01 09:00",
    "2030-12-01 16:00", "BTK-09", "Bimtek Kopi", "Aula Desa", "25", "-", "1", "Ya", "BERHENTI",
    "MULAI", "STOP", "START", "Pengumuman penting untuk peserta", "3216015505900002,Oven,2",
]  # fmt: skip
BAD_TEXT = [
    "", " ", "🙂" * 300, "x" * 5000, "'; DROP TABLE participant; --", "\u202egnp.exe", "\u200b",
    "١٢٣٤", "NULL", "0", "-1", "99999999999999999999", "%s %d {0} {name}", "<b>bold</b>",
    "\x00\x01", "ß" * 17, "/", "//", "@all", "2026-13-45 25:61",
]  # fmt: skip
COMMANDS = [
    "/start", "/start hadir_nope", "/daftar", "/jadwal", "/alat", "/profil", "/hapus", "/batal",
    "/bahasa", "/bantuan", "/sesi", "/siaran", "/rekap", "/ekspor", "/petugas", "/kasus",
    "/kelolaalat", "/hadir", "/tidakada", "/start@wubikm_test_bot", "/DAFTAR", "/help extra",
]  # fmt: skip
KINDS = ["text", "text", "text", "command", "button", "button", "button", "button", "contact",
         "photo", "unsupported", "edited", "location", "forged"]  # fmt: skip


class Fuzzer:
    """Send random events, remembering the buttons each chat was shown."""

    def __init__(self, router: Router, services: Services, rng: random.Random) -> None:
        self.router = router
        self.services = services
        self.rng = rng
        self.shown: dict[str, list[str]] = {}
        self.history: list[str] = []
        self.prefixes = router.prefixes()

    def event(self, address: str) -> Inbound:
        """Return one random event from this chat."""
        rng = self.rng
        kind = rng.choice(KINDS)
        base = {"channel": "telegram", "address": address, "sender_id": address}
        if kind == "text":
            return Inbound(kind="text", text=rng.choice(GOOD_TEXT + BAD_TEXT), **base)
        if kind == "command":
            return Inbound(kind="text", text=rng.choice(COMMANDS), **base)
        if kind == "button":
            pool = self.shown.get(address) or self.history or ["lang:id"]
            if rng.random() < 0.2 and self.history:
                pool = self.history  # an old button, possibly someone else's
            return Inbound(kind="button", payload=rng.choice(pool), **base)
        if kind == "forged":
            tail = rng.choice(["", "x", "999999", "1:take", "-1", "1:" + "9" * 40, "🙂", ":::"])
            return Inbound(kind="button", payload=f"{rng.choice(self.prefixes)}:{tail}", **base)
        if kind == "contact":
            owner = address if rng.random() < 0.7 else "31337"
            phone = rng.choice(["+6281234567890", "0812", "+1 202 555 0123", ""])
            return Inbound(kind="contact", contact_phone=phone, contact_user_id=owner, **base)
        if kind == "photo":
            return Inbound(kind="photo", photo_id=f"photo-{rng.randint(1, 5)}", **base)
        return Inbound(kind=kind, **base)  # type: ignore[arg-type]

    async def send(self, inbound: Inbound) -> None:
        """Deliver the event and check the answer."""
        replies = await self.router.handle(inbound, self.services)
        payloads = [
            button.payload
            for reply in replies
            if isinstance(reply, Reply)
            for row in reply.buttons
            for button in row
        ]
        if payloads:
            self.shown[inbound.address] = payloads
            self.history.extend(payloads)
            del self.history[:-500]
        texts_sent = {reply.text for reply in replies if isinstance(reply, Reply)}
        assert not texts_sent & APOLOGIES, f"apology after {inbound}"
        assert replies, f"no answer to {inbound}"


@pytest.mark.timeout(300)
async def test_random_events_never_break_anything(
    router: Router, services: Services, storage: Storage, caplog: pytest.LogCaptureFixture
) -> None:
    await add_session(storage, "BTK-01", capacity=3)
    await add_session(storage, "BTK-02", capacity=1, starts_in=timedelta(hours=1))
    async with storage.db.transaction():
        await storage.officers.add("telegram", OFFICER, "admin", NOW)
    fuzzer = Fuzzer(router, services, random.Random(20261127))  # noqa: S311 - reproducible
    caplog.set_level(logging.ERROR)
    for number in range(EVENTS):
        address = OFFICER if fuzzer.rng.random() < 0.2 else fuzzer.rng.choice(PEOPLE)
        await fuzzer.send(fuzzer.event(address))
        if number % 1000 == 999:
            services.clock.advance(timedelta(minutes=20))  # type: ignore[attr-defined]
    assert [record.getMessage() for record in caplog.records] == []
    assert await storage.db.fetch_value("PRAGMA integrity_check") == "ok"
    assert await storage.db.fetch_all("PRAGMA foreign_key_check") == []
    registered = await storage.db.fetch_value("SELECT COUNT(*) FROM participant")
    assert registered >= 1, "the fuzz never completed a registration: it is too random"
