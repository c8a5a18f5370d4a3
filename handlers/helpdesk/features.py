"""What the help desk answers: one place to see its commands, flows, buttons and text takers."""

from __future__ import annotations

from handlers.helpdesk import desk, faq_desk, participant

FEATURES = (
    participant.FEATURE,
    desk.FEATURE,
    faq_desk.FEATURE,
)
