"""`/konsol` in chat: an officer gets a one-time link to the web console."""

from __future__ import annotations

from handlers.console.signin import LINK_VALID, SignInRefused, issue_link
from handlers.conversation.access import require_officer
from handlers.conversation.router import Feature
from handlers.conversation.turn import Turn

MINUTES = int(LINK_VALID.total_seconds() // 60)


async def send_link(turn: Turn, _arg: str) -> None:
    """Send the officer a sign-in link; anyone else gets one sentence and an audit entry."""
    officer = await require_officer(turn, "konsol")
    if officer is None:
        return
    base_url = turn.services.policy.public_base_url
    if not base_url:
        turn.say("konsol.off")
        return
    try:
        link = await issue_link(turn.storage, officer, base_url, turn.now)
    except SignInRefused:
        turn.say("konsol.rate_limited", minutes=MINUTES)
        return
    turn.say("konsol.link", link=link, minutes=MINUTES)


FEATURE = Feature("console.signin", commands={"konsol": send_link, "console": send_link})
