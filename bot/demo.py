"""Demo data for the console chat: a few upcoming sessions, one of them already full."""

from __future__ import annotations

from datetime import timedelta

from bot.channels.console import ADDRESS as CONSOLE_ADDRESS
from bot.channels.console import DEMO_PHONE
from handlers.conversation.turn import Services
from storage.models import NewParticipant

# The console person's NIK when the web demo makes them a participant.
WEB_DEMO_NIK = "3216011505900009"


async def seed_demo(services: Services) -> None:
    """Add demo sessions (and a participant who fills the small one) to an empty database."""
    await _seed(services)


async def seed_web_demo(services: Services) -> None:
    """Seed the demo, and make the console person a participant of BTK-01 too.

    So a broadcast composed in the web console has someone to reach: it arrives in the chat
    below it, as it would in a participant's Telegram.
    """
    await _seed(services)
    storage = services.storage
    now = services.clock.now()
    async with storage.db.transaction():
        contact = await storage.contacts.touch("console", CONSOLE_ADDRESS, now)
        if contact.participant_id is not None:
            return
        you = await storage.participants.create(
            NewParticipant(
                nik=WEB_DEMO_NIK,
                full_name="Anda (Demo)",
                phone=DEMO_PHONE,
                business_name="Usaha Demo",
                sector=services.sectors[0],
                kecamatan=services.region.kecamatan[0],
            ),
            now,
        )
        await storage.contacts.link("console", CONSOLE_ADDRESS, you.id)
        first = await storage.sessions.get_by_code("BTK-01")
        assert first is not None  # noqa: S101 - seeded above
        await storage.enrollments.enroll(you.id, first.id, "enrolled", now)


async def _seed(services: Services) -> None:
    storage = services.storage
    now = services.clock.now()
    local_today = now.astimezone(services.zone).replace(hour=9, minute=0, second=0, microsecond=0)
    async with storage.db.transaction():
        if await storage.sessions.list_availability():
            return
        for code, title, venue, days, capacity in (
            ("BTK-01", "Bimtek Batik Tulis", "Aula Disperindag, Cikarang Pusat", 3, 30),
            ("BTK-02", "Bimtek Roti dan Kue", "Balai Desa Sukamaju, Tambun Selatan", 10, 25),
            ("BTK-03", "Bimtek Kemasan Produk", "Gedung Koperasi, Cibitung", 17, 1),
        ):
            starts = local_today + timedelta(days=days)
            await storage.sessions.add(
                code=code,
                title=title,
                venue=venue,
                starts_at=starts,
                ends_at=starts + timedelta(hours=7),
                capacity=capacity,
                now=now,
                maps_url="https://maps.google.com/?q=Cikarang" if code == "BTK-01" else None,
            )
        full = await storage.sessions.get_by_code("BTK-03")
        filler = await storage.participants.create(
            NewParticipant(
                nik="3216015505900001",
                full_name="Peserta Contoh",
                phone="+6281200000001",
                business_name="Kemasan Contoh",
                sector=services.sectors[0],
                kecamatan=services.region.kecamatan[0],
            ),
            now,
        )
        assert full is not None  # noqa: S101 - added just above
        await storage.enrollments.enroll(filler.id, full.id, "enrolled", now)
        # The person at the console is also an admin, so the officer tools can be tried.
        await storage.officers.add("console", CONSOLE_ADDRESS, "admin", now)
