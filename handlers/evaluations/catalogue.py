"""Importing questionnaires, and which one a session uses."""

from __future__ import annotations

from datetime import datetime

from handlers.evaluations.questionnaires import QuestionnaireSpec
from storage import Storage
from storage.evaluation_models import NewQuestion, Questionnaire
from storage.models import BimtekSession


class QuestionnaireInUse(Exception):
    """Someone already answered this questionnaire, so its questions stay as they are."""


async def import_questionnaire(
    storage: Storage,
    spec: QuestionnaireSpec,
    session: BimtekSession | None,
    now: datetime,
    *,
    actor: str,
) -> tuple[Questionnaire, bool]:
    """Store the questionnaire of a session (or the default); return it and if it replaced one.

    One transaction: the questions are replaced whole, and only while nobody has answered.
    """
    session_id = None if session is None else session.id
    async with storage.db.transaction():
        existing = await storage.questionnaires.find(spec.kind, session_id)
        if existing is not None and await storage.questionnaires.has_answers(existing.id):
            raise QuestionnaireInUse(existing.id)
        questions = [
            NewQuestion(
                ref=question.ref,
                type=question.type,
                prompt=question.prompt,
                options=question.options,
                correct=question.correct,
                required=question.required,
            )
            for question in spec.questions
        ]
        stored = await storage.questionnaires.replace(
            spec.kind, session_id, spec.title, questions, now
        )
        target = "default" if session is None else session.code
        await storage.audit.record(actor, f"quiz.import.{spec.kind}", target, now)
    return stored, existing is not None
