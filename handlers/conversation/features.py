"""Every feature the bot answers: each domain package lists its own in its `features.py`."""

from __future__ import annotations

from handlers.broadcasts.features import FEATURES as BROADCASTS
from handlers.console.features import FEATURES as CONSOLE
from handlers.conversation.router import Router
from handlers.equipment.features import FEATURES as EQUIPMENT
from handlers.evaluations.features import FEATURES as EVALUATIONS
from handlers.helpdesk.features import FEATURES as HELPDESK
from handlers.officers.features import FEATURES as OFFICERS
from handlers.participants.features import FEATURES as PARTICIPANTS
from handlers.sessions.features import FEATURES as SESSIONS

FEATURES = (
    *PARTICIPANTS,
    *SESSIONS,
    *EQUIPMENT,
    *BROADCASTS,
    *OFFICERS,
    *EVALUATIONS,
    *CONSOLE,
    *HELPDESK,
)


def build_router() -> Router:
    """Return the router over every feature."""
    return Router(FEATURES)
