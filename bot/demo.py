"""Demo data for the console chat: a few upcoming sessions, one of them already full."""

from __future__ import annotations

from datetime import timedelta

from bot.channels.console import ADDRESS as CONSOLE_ADDRESS
from handlers.conversation.turn import Services
from storage.models import NewParticipant


async def seed_demo(services: Services) -> None:
    """Add demo sessions (and a participant who fills the small one) to an empty database."""
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
