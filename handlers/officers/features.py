"""What the officer tools answer: one place to see their commands, flows and buttons."""

from __future__ import annotations

from handlers.officers import export_chat, numbers, roles

FEATURES = (
    numbers.FEATURE,
    export_chat.FEATURE,
    roles.FEATURE,
)
