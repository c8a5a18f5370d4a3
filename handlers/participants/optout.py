"""Opting out of broadcasts: BERHENTI / STOP, and back in with MULAI / START.

The words work anywhere, also in the middle of a flow. Only broadcasts stop: reminders for
sessions the person is enrolled in still come. The choice belongs to the chat address
(contact), so a person on two channels decides for each.
"""

from __future__ import annotations

from handlers.conversation.router import Feature
from handlers.conversation.turn import Turn


async def opt_out(turn: Turn, _arg: str) -> None:
    """Stop broadcasts to this chat and say how to undo it."""
    contact = turn.contact
    changed = await turn.storage.contacts.set_opted_out(
        contact.channel, contact.address, True, turn.now
    )
    if changed:
        await turn.storage.audit.record(turn.actor, "broadcast.opt_out", None, turn.now)
    _answer(turn, "optout.done" if changed else "optout.already")


async def opt_in(turn: Turn, _arg: str) -> None:
    """Resume broadcasts to this chat."""
    contact = turn.contact
    changed = await turn.storage.contacts.set_opted_out(
        contact.channel, contact.address, False, turn.now
    )
    if changed:
        await turn.storage.audit.record(turn.actor, "broadcast.opt_in", None, turn.now)
    _answer(turn, "optout.resumed" if changed else "optout.not_out")


def _answer(turn: Turn, key: str) -> None:
    # Inside a flow the flow's own keyboard comes next, so no menu keyboard here.
    if turn.conversation is None:
        turn.say_with_menu(key)
    else:
        turn.say(key)


FEATURE = Feature(
    "participants.optout",
    commands={"berhenti": opt_out, "stop": opt_out, "mulai": opt_in},
    keywords={"berhenti": "berhenti", "stop": "stop", "mulai": "mulai", "start": "mulai"},
)
