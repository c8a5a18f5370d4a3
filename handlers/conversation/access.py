"""Who may use officer tools: the role check every officer command and button starts with."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.conversation.turn import Turn
from storage.models import Officer


@dataclass(frozen=True)
class OfficersOnly:
    """An officer tool's access rule: the audited action name, and whether admins only."""

    action: str
    admin: bool = False


def officer_actor(officer: Officer) -> str:
    """Return how an officer is named in the audit log."""
    return f"officer:{officer.id}"


async def require_officer(turn: Turn, action: str, *, admin: bool = False) -> Officer | None:
    """Return the sender's officer record, or refuse, audit the attempt and return None.

    The sender, not the chat, is checked: in a shared chat only the person who typed counts.
    A refused person gets one plain sentence and nothing else.
    """
    inbound = turn.inbound
    officer = None
    if inbound.sender_id:
        officer = await turn.storage.officers.get(inbound.channel, inbound.sender_id)
    if officer is not None and (not admin or officer.role == "admin"):
        return officer
    # An officer refused an admin tool is named as the officer, everyone else by their chat.
    actor = turn.actor if officer is None else officer_actor(officer)
    await turn.storage.audit.record(actor, f"denied:{action}", None, turn.now)
    turn.say("officer.denied")
    return None


async def refuse_payload(turn: Turn, audited_as: str | None) -> None:
    """Answer a payload the bot could not have packed: politely, audited for officer tools.

    The same answer as an old button, and nothing is written but the audit entry.
    """
    turn.say("stale_button")
    if audited_as is not None:
        actor = turn.actor if turn.officer is None else officer_actor(turn.officer)
        await turn.storage.audit.record(actor, "payload.refused", audited_as, turn.now)
