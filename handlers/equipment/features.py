"""What the equipment domain answers: one place to see its commands, flows and buttons."""

from __future__ import annotations

from handlers.equipment import answers, desk

FEATURES = (
    answers.FEATURE,
    desk.FEATURE,
)
