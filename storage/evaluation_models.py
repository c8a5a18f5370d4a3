"""Models of evaluations: questionnaires, invitations, responses, answers and certificates."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, field_validator

from storage.models import Model

QuizKind = Literal["pretest", "posttest", "evaluasi"]
QuestionType = Literal["choice", "scale", "text"]
Phase = Literal["pre", "post"]


class Questionnaire(Model):
    """A set of questions of one kind, for one session or the default for every session."""

    id: int
    kind: QuizKind
    session_id: int | None
    title: str
    created_at: datetime
    updated_at: datetime


class QuestionnaireSummary(Model):
    """A questionnaire with its session code, question count and how many answered it."""

    questionnaire: Questionnaire
    session_code: str | None
    questions: int
    responses: int


class NewQuestion(BaseModel):
    """A checked question from a questionnaire file, before it is stored."""

    ref: str
    type: QuestionType
    prompt: str
    options: tuple[str, ...] = ()
    correct: int | None = None
    required: bool = True


class Question(Model):
    """One question of a questionnaire."""

    id: int
    questionnaire_id: int
    position: int
    ref: str
    type: QuestionType
    prompt: str
    options: tuple[str, ...]
    correct: int | None
    required: bool

    @field_validator("options", mode="before")
    @classmethod
    def _decode(cls, value: Any) -> Any:
        return tuple(json.loads(value)) if isinstance(value, str) else value


class QuizInvitation(Model):
    """A participant asked to answer a session's questionnaires of one phase."""

    id: int
    session_id: int
    participant_id: int
    phase: Phase
    kinds: tuple[QuizKind, ...]
    invited_at: datetime
    closes_at: datetime
    nudges_sent: int
    last_nudged_at: datetime | None
    finished_at: datetime | None

    @field_validator("kinds", mode="before")
    @classmethod
    def _split(cls, value: Any) -> Any:
        return tuple(value.split(",")) if isinstance(value, str) else value


class QuizResponse(Model):
    """A participant's answers to one questionnaire: started, perhaps submitted and scored."""

    id: int
    invitation_id: int
    questionnaire_id: int
    kind: QuizKind
    started_at: datetime
    submitted_at: datetime | None
    score: int | None
    max_score: int | None


class QuizAnswer(Model):
    """One answer: an option or scale value, a free text, or an optional question skipped."""

    response_id: int
    question_id: int
    choice: int | None
    text: str | None
    skipped: bool
    answered_at: datetime


class Invitee(Model):
    """Someone who should be invited now: the session and the participant."""

    session_id: int
    participant_id: int


class Certificate(Model):
    """A certificate of attendance, its public check code, and whether it was revoked."""

    id: int
    number: str
    number_scope: str
    seq: int
    code: str
    session_id: int
    participant_id: int
    holder_name: str | None
    holder_erased_at: datetime | None
    issued_at: datetime
    issued_by: str
    reason: str | None
    revoked_at: datetime | None
    revoked_by: str | None
    revoked_reason: str | None


class ResponseRecord(Model):
    """One row of the evaluations export: a response with its session and participant."""

    id: int
    session_code: str
    nik: str | None
    full_name: str | None
    kind: QuizKind
    questionnaire_id: int
    score: int | None
    max_score: int | None
    submitted_at: datetime | None


class AnswerCount(Model):
    """How many submitted responses gave one value to one question."""

    question_id: int
    choice: int | None
    count: int


class SessionEvaluation(Model):
    """One session's evaluation numbers for /rekap."""

    session_id: int
    code: str
    starts_at: datetime
    attended: int
    pre_invited: int
    pre_done: int
    post_invited: int
    posttest_done: int
    evaluasi_done: int
    pre_mean: float | None
    post_mean: float | None
    satisfaction: float | None
    certificates: int
