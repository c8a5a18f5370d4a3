"""What the broadcasts domain answers: one place to see its commands, flows and buttons."""

from __future__ import annotations

from handlers.broadcasts import compose

FEATURES = (compose.FEATURE,)
