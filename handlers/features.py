"""Every feature the bot answers, in the order of the specification."""

from __future__ import annotations

from handlers import profile, registration, schedule, start
from handlers.router import Router

FEATURES = (start.FEATURE, registration.FEATURE, schedule.FEATURE, profile.FEATURE)


def build_router() -> Router:
    """Return the router over every feature."""
    return Router(FEATURES)
