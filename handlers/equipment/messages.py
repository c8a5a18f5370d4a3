"""What the bot tells participants about their equipment, in chat and through the outbox.

The handover request and the nudges both end with the question about the first item still
unanswered; each answer in chat asks about the next one, so one tap per item suffices.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from functools import partial
from itertools import groupby

from handlers.conversation import texts
from handlers.conversation.messages import Button, Reply
from handlers.conversation.outbox import notify_participant
from handlers.conversation.turn import Policy
from handlers.equipment.buttons import AnswerItem
from handlers.equipment.rules import ANSWER_CODES, AnswerCode, state_of
from storage import Storage
from storage.models import Allocation, Confirmation

logger = logging.getLogger(__name__)

_CODES: dict[Confirmation, AnswerCode] = {answer: code for code, answer in ANSWER_CODES.items()}


def item_text(language: str, allocation: Allocation) -> str:
    """Return "Oven — 1 unit"."""
    return texts.text(
        language,
        "alat.item",
        name=allocation.item_name,
        qty=allocation.quantity,
        unit=allocation.item_unit,
    )


def answer_label(language: str, allocation: Allocation) -> str:
    """Return the state of an allocation as the participant reads it."""
    return texts.text(language, f"alat.state.{state_of(allocation)}")


def answer_payload(allocation: Allocation, answer: Confirmation) -> str:
    """Return the payload of an answer button (`alat:ans:<id>:<r|n|d>`)."""
    return AnswerItem(allocation.id, _CODES[answer]).pack()


def question(language: str, allocation: Allocation) -> Reply:
    """Ask whether one item arrived in good condition, with the three answer buttons."""
    body = texts.text(language, "alat.question", item=item_text(language, allocation))
    if allocation.confirmation is not None:
        body += "\n" + texts.text(
            language, "alat.question.current", state=answer_label(language, allocation)
        )
    buttons = tuple(
        (
            Button(
                texts.text(language, f"alat.answer.{answer}"), answer_payload(allocation, answer)
            ),
        )
        for answer in ANSWER_CODES.values()
    )
    return Reply(body, buttons=buttons)


def unanswered(allocations: Sequence[Allocation]) -> list[Allocation]:
    """Return the handed-over allocations still waiting for the participant's answer."""
    return [a for a in allocations if a.handed_over_at is not None and a.confirmation is None]


def bullet_list(language: str, allocations: Sequence[Allocation]) -> str:
    """Return one "• item — qty unit" line per allocation."""
    return "\n".join("• " + item_text(language, allocation) for allocation in allocations)


def request_message(
    language: str, key: str, listed: Sequence[Allocation], first: Allocation
) -> Reply:
    """Compose a handover request or nudge: the items, then the question about `first`."""
    ask = question(language, first)
    intro = texts.text(language, key, items=bullet_list(language, listed))
    return Reply(intro + "\n\n" + ask.text, buttons=ask.buttons)


async def queue_handover_request(
    storage: Storage, participant_id: int, handed: Sequence[Allocation], now: datetime
) -> int:
    """Ask the participant, through the outbox, to confirm what was just handed over."""
    waiting = unanswered(await storage.allocations.for_participant(participant_id))
    if not handed or not waiting:
        return 0
    compose = partial(request_message, key="alat.handover", listed=handed, first=waiting[0])
    key = f"handover:{participant_id}:{handed[0].id}"
    return await notify_participant(storage, participant_id, key, compose, now)


async def queue_due_nudges(storage: Storage, now: datetime, policy: Policy) -> int:
    """Queue a nudge to everyone whose handover stayed unconfirmed too long; return how many.

    A handover is nudged `equipment_nudge_after` after it was made and again that long after
    each nudge, at most `equipment_nudge_max` times. The count is stored with the outbox rows
    in one transaction, so a nudge is queued once also when this runs again or in parallel.
    """
    if policy.equipment_nudge_max <= 0:
        return 0
    queued = 0
    async with storage.db.transaction():
        due = await storage.allocations.due_for_nudge(
            now - policy.equipment_nudge_after, policy.equipment_nudge_max
        )
        for participant_id, group in groupby(due, key=lambda a: a.participant_id):
            nudged = list(group)
            waiting = unanswered(await storage.allocations.for_participant(participant_id))
            first = nudged[0]
            key = f"nudge:{participant_id}:{first.id}:{first.nudges_sent + 1}"
            compose = partial(request_message, key="alat.nudge", listed=waiting, first=waiting[0])
            await notify_participant(storage, participant_id, key, compose, now)
            await storage.allocations.record_nudge([a.id for a in nudged], now)
            queued += 1
    if queued:
        logger.info("equipment: %d nudge(s) queued", queued)
    return queued
