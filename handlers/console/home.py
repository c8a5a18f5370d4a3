"""Beranda: the /rekap numbers as tables and charts, and today's sessions filling up."""

from __future__ import annotations

from typing import Final

from starlette.responses import Response

from handlers.console.charts import bars, share
from handlers.console.services import SESSIONS_SINCE
from handlers.console.web import Desk, MenuEntry, Page

REFRESH_SECONDS: Final = 30


async def home(desk: Desk) -> Response:
    """Show the live numbers (the page reloads itself every half minute)."""
    stats = desk.storage.stats
    zone = desk.services.zone
    sessions = await stats.sessions(desk.now - SESSIONS_SINCE)
    local_today = desk.now.astimezone(zone).date()
    today = []
    for item in sessions:
        if item.starts_at.astimezone(zone).date() == local_today:
            found = await desk.storage.sessions.get_by_code(item.code)
            today.append((item, share(item.attended, item.enrolled), found))
    equipment = await stats.equipment()
    equipment_bars = bars(
        [
            (desk.t("equipment.state.received"), equipment.received),
            (desk.t("equipment.state.unconfirmed"), equipment.unconfirmed),
            (desk.t("equipment.state.not_received"), equipment.not_received),
            (desk.t("equipment.state.damaged"), equipment.damaged),
            (desk.t("equipment.state.not_handed_over"), equipment.not_handed_over),
        ]
    )
    by_sector = await stats.registrations_by("sector")
    by_kecamatan = await stats.registrations_by("kecamatan")
    return desk.render(
        "home.html",
        nav="home",
        refresh=REFRESH_SECONDS,
        registered=await stats.registrations(),
        sector_bars=bars((group.name, group.count) for group in by_sector),
        kecamatan_bars=bars((group.name, group.count) for group in by_kecamatan),
        sessions=sessions,
        today=today,
        equipment=equipment,
        equipment_bars=equipment_bars,
        session_bars=bars(((item.code, item.enrolled) for item in sessions), top=12),
        stamp=desk.when(desk.now),
    )


MENU: Final = (MenuEntry("home", "/"),)

PAGES: Final = (Page("/", home),)
