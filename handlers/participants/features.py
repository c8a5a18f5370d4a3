"""What the participants domain answers: one place to see its commands, flows and buttons."""

from __future__ import annotations

from handlers.participants import optout, profile, registration, start

FEATURES = (
    start.FEATURE,
    registration.FEATURE,
    profile.FEATURE,
    optout.FEATURE,
)
