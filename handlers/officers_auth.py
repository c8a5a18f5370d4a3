"""Who may use officer tools: the role check every officer command and button starts with."""

from __future__ import annotations

from typing import Literal

from handlers.turn import Flow, Turn
from storage.models import Officer

FlowRole = Literal["officer", "admin"]


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


class OfficerOnly:
    """An officer flow whose question is asked again only after re-checking the role.

    Someone removed (or demoted) in the middle of the flow who then sends a sticker, STOP or
    a command gets the refusal and the flow ends; the question, which may show a
    participant's name and masked NIK, is not asked again. Answers are checked by the flow
    itself, which audits the refusal under its own action name.
    """

    def __init__(self, flow: Flow, role: FlowRole) -> None:
        self.name = flow.name
        self._flow = flow
        self._admin = role == "admin"

    async def prompt(self, turn: Turn) -> None:
        """Ask the flow's question again, if the sender is still allowed in it."""
        if await self._allowed(turn):
            await self._flow.prompt(turn)

    async def resume(self, turn: Turn) -> None:
        """Hand the answer to the flow."""
        await self._flow.resume(turn)

    async def _allowed(self, turn: Turn) -> bool:
        if await require_officer(turn, self.name, admin=self._admin) is not None:
            return True
        await turn.end_flow()
        return False
