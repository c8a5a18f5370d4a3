"""What the web console answers in chat: `/konsol`, which sends an officer their sign-in link."""

from __future__ import annotations

from handlers.console import chat

FEATURES = (chat.FEATURE,)
