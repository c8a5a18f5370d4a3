"""Who is asked to answer when: invitations, nudges and closing, all through the outbox.

Everything here is derived from the database and safe to run again at any moment: an
invitation row (unique per participant, session and phase) makes each invitation once only,
across restarts, and each nudge is counted on it before its message is queued.

- pre-test: to everyone enrolled, from PRETEST_BEFORE before the start (at once for those who
  enrol later) until the start, when it closes;
- post-test and evaluation: EVALUATION_AFTER after the end, to those who checked in or were
  marked present; they close EVALUATION_CLOSES_AFTER after the end;
- nudges: at most EVALUATION_NUDGE_MAX, spread evenly over the time the questionnaire is open.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Final
from zoneinfo import ZoneInfo

from handlers.conversation import texts
from handlers.conversation.messages import Button, Reply
from handlers.conversation.outbox import notify_participant
from handlers.conversation.timefmt import format_datetime
from handlers.evaluations import certificates
from handlers.evaluations.buttons import StartQuiz
from handlers.evaluations.policy import EvaluationPolicy
from storage import Storage
from storage.evaluation_models import Invitee, Phase, QuizInvitation, QuizKind
from storage.models import BimtekSession

logger = logging.getLogger(__name__)

PHASE_KINDS: Final[dict[Phase, tuple[QuizKind, ...]]] = {
    "pre": ("pretest",),
    "post": ("posttest", "evaluasi"),
}


@dataclass
class DeliveryReport:
    """What one run queued."""

    invited_pre: int = 0
    invited_post: int = 0
    nudged: int = 0
    certificates: int = 0


async def deliver_due(
    storage: Storage, policy: EvaluationPolicy, zone: ZoneInfo, now: datetime
) -> DeliveryReport:
    """Queue every invitation, nudge and attendance-only certificate due at `now`."""
    report = DeliveryReport()
    for invitee in await storage.quizzes.pre_invitees(now, now + policy.pretest_before):
        report.invited_pre += await _invite(storage, policy, zone, invitee, "pre", now)
    ended_by, ended_after = now - policy.evaluation_after, now - policy.closes_after
    for invitee in await storage.quizzes.post_invitees(ended_by, ended_after):
        report.invited_post += await _invite(storage, policy, zone, invitee, "post", now)
    report.nudged = await _nudge(storage, policy, zone, now)
    if policy.certificate_requires <= {"attendance"}:
        # Nothing to answer first: attendance alone earns the certificate after the end.
        for invitee in await storage.certificates.attendees_without(ended_by, ended_after):
            report.certificates += await _certify(storage, policy, zone, invitee, now)
    if report.invited_pre or report.invited_post or report.nudged or report.certificates:
        logger.info("evaluations: %s", report)
    return report


async def _invite(
    storage: Storage,
    policy: EvaluationPolicy,
    zone: ZoneInfo,
    invitee: Invitee,
    phase: Phase,
    now: datetime,
) -> int:
    async with storage.db.transaction():
        session = await storage.sessions.get(invitee.session_id)
        if session is None:
            return 0
        counts = await question_counts(storage, session.id, PHASE_KINDS[phase])
        if not counts:
            return 0
        closes_at = session.starts_at if phase == "pre" else session.ends_at + policy.closes_after
        invitation = await storage.quizzes.invite(
            session.id, invitee.participant_id, phase, list(counts), now, closes_at
        )
        if invitation is None:
            return 0
        await notify_participant(
            storage,
            invitee.participant_id,
            f"kuis:{phase}:{invitation.id}:p{invitee.participant_id}",
            lambda language: invitation_message(language, invitation, session, counts, zone),
            now,
        )
    return 1


async def question_counts(
    storage: Storage, session_id: int, kinds: tuple[QuizKind, ...]
) -> dict[QuizKind, int]:
    """Return how many questions each kind has for the session (kinds without any left out)."""
    counts: dict[QuizKind, int] = {}
    for kind in kinds:
        questionnaire = await storage.questionnaires.for_session(kind, session_id)
        if questionnaire is not None:
            counts[kind] = len(await storage.questionnaires.questions(questionnaire.id))
    return counts


def items_text(language: str, counts: dict[QuizKind, int]) -> str:
    """Return e.g. 'post-test (10 pertanyaan) dan evaluasi (14 pertanyaan)'."""
    parts = [
        texts.text(language, "kuis.item", name=texts.text(language, f"kuis.kind.{kind}"), n=n)
        for kind, n in counts.items()
    ]
    if len(parts) < 2:
        return "".join(parts)
    return texts.text(language, "kuis.and", first=", ".join(parts[:-1]), last=parts[-1])


def start_button(language: str, invitation: QuizInvitation, label: str = "kuis.start") -> Button:
    """Return the button that starts (or resumes) an invitation's questionnaires."""
    return Button(texts.text(language, label), StartQuiz(invitation.id).pack())


def invitation_message(
    language: str,
    invitation: QuizInvitation,
    session: BimtekSession,
    counts: dict[QuizKind, int],
    zone: ZoneInfo,
) -> Reply:
    """Compose the invitation to answer, with its start button."""
    body = texts.text(
        language,
        f"kuis.invite.{invitation.phase}",
        title=session.title,
        items=items_text(language, counts),
        starts=format_datetime(session.starts_at, zone, language),
        closes=format_datetime(invitation.closes_at, zone, language),
    )
    return Reply(body, buttons=((start_button(language, invitation),),))


def nudge_due_at(invitation: QuizInvitation, nudge_max: int) -> datetime:
    """Return when the invitation's next nudge is due: evenly spread over its open time."""
    step = (invitation.closes_at - invitation.invited_at) / (nudge_max + 1)
    return invitation.invited_at + step * (invitation.nudges_sent + 1)


async def _nudge(storage: Storage, policy: EvaluationPolicy, zone: ZoneInfo, now: datetime) -> int:
    if policy.nudge_max <= 0:
        return 0
    nudged = 0
    for invitation in await storage.quizzes.nudge_candidates(now, policy.nudge_max):
        if now < nudge_due_at(invitation, policy.nudge_max):
            continue
        async with storage.db.transaction():
            if not await storage.quizzes.record_nudge(invitation.id, invitation.nudges_sent, now):
                continue
            session = await storage.sessions.get(invitation.session_id)
            if session is None or session.cancelled_at is not None:
                continue
            number = invitation.nudges_sent + 1
            await notify_participant(
                storage,
                invitation.participant_id,
                f"kuis:nudge:{invitation.id}:{number}:p{invitation.participant_id}",
                partial(
                    nudge_message,
                    invitation=invitation,
                    session=session,
                    pending=await _pending_counts(storage, invitation),
                    zone=zone,
                ),
                now,
            )
        nudged += 1
    return nudged


async def _pending_counts(storage: Storage, invitation: QuizInvitation) -> dict[QuizKind, int]:
    counts = await question_counts(storage, invitation.session_id, invitation.kinds)
    for kind in invitation.kinds:
        response = await storage.quizzes.response_of(invitation.id, kind)
        if response is not None and response.submitted_at is not None:
            counts.pop(kind, None)
    return counts


def nudge_message(
    language: str,
    invitation: QuizInvitation,
    session: BimtekSession,
    pending: dict[QuizKind, int],
    zone: ZoneInfo,
) -> Reply:
    """Compose a reminder to finish, with the button that resumes."""
    body = texts.text(
        language,
        "kuis.nudge",
        title=session.title,
        items=items_text(language, pending),
        closes=format_datetime(invitation.closes_at, zone, language),
    )
    return Reply(body, buttons=((start_button(language, invitation, "kuis.resume"),),))


async def _certify(
    storage: Storage, policy: EvaluationPolicy, zone: ZoneInfo, invitee: Invitee, now: datetime
) -> int:
    async with storage.db.transaction():
        session = await storage.sessions.get(invitee.session_id)
        participant = await storage.participants.get(invitee.participant_id)
        if session is None or participant is None:
            return 0
        issued = await certificates.issue_if_qualified(
            storage, policy, zone, session, participant, now
        )
        if issued is None:
            return 0
        await certificates.notify_ready(storage, issued, session, now)
    return 1
