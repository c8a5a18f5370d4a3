"""Every feature the bot answers, in the order of the specification."""

from __future__ import annotations

from handlers import (
    broadcast,
    calendar,
    checkin,
    equipment,
    exports_chat,
    officer_equipment,
    officer_sessions,
    officers_admin,
    optout,
    profile,
    registration,
    rsvp,
    schedule,
    start,
    stats,
    waitlist,
)
from handlers.router import Router

FEATURES = (
    start.FEATURE,
    registration.FEATURE,
    schedule.FEATURE,
    rsvp.FEATURE,
    waitlist.FEATURE,
    checkin.FEATURE,
    calendar.FEATURE,
    equipment.FEATURE,
    profile.FEATURE,
    officer_sessions.FEATURE,
    officer_equipment.FEATURE,
    # Officer tools
    broadcast.FEATURE,
    stats.FEATURE,
    exports_chat.FEATURE,
    officers_admin.FEATURE,
    optout.FEATURE,
)


def build_router() -> Router:
    """Return the router over every feature."""
    return Router(FEATURES)
