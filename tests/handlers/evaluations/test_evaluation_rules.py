"""Pure rules: reading answers, scores, per-question results, qualification, numbers."""

from __future__ import annotations

from datetime import timedelta

import pytest

from handlers.evaluations.certificates import Qualification, qualifies
from handlers.evaluations.delivery import nudge_due_at
from handlers.evaluations.numbering import certificate_number, check_number_format, number_scope
from handlers.evaluations.policy import EvaluationPolicy, parse_requirements
from handlers.evaluations.scoring import (
    AnswerRefused,
    ReadAnswer,
    question_results,
    read_button,
    read_typed,
    score,
)
from storage.evaluation_models import AnswerCount, Question, QuizAnswer, QuizInvitation
from tests.support.chat import NOW

CHOICE = Question(
    id=1,
    questionnaire_id=1,
    position=1,
    ref="q1",
    type="choice",
    prompt="Bahan perintang warna?",
    options=("Cat minyak", "Malam (lilin)", "Tinta"),
    correct=1,
    required=True,
)
SCALE = CHOICE.model_copy(update={"id": 2, "type": "scale", "options": (), "correct": None})
TEXT = CHOICE.model_copy(
    update={"id": 3, "type": "text", "options": (), "correct": None, "required": False}
)
LABELS = ("sangat kurang", "kurang", "cukup", "baik", "sangat baik")


@pytest.mark.parametrize(
    ("question", "typed", "expected"),
    [
        (CHOICE, "B", ReadAnswer(choice=1)),
        (CHOICE, "b", ReadAnswer(choice=1)),
        (CHOICE, " b. ", ReadAnswer(choice=1)),
        (CHOICE, "2", ReadAnswer(choice=1)),
        (CHOICE, "MALAM lilin", ReadAnswer(choice=1)),
        (CHOICE, "tinta!", ReadAnswer(choice=2)),
        (SCALE, "5", ReadAnswer(choice=5)),
        (SCALE, "Sangat baik", ReadAnswer(choice=5)),
        (SCALE, "kurang.", ReadAnswer(choice=2)),
        (TEXT, "  Materi   bagus ", ReadAnswer(text="Materi bagus")),
        (TEXT, "-", ReadAnswer(skipped=True)),
        (TEXT, "Lewati", ReadAnswer(skipped=True)),
    ],
)
def test_typed_answers(question: Question, typed: str, expected: ReadAnswer) -> None:
    assert read_typed(question, typed, LABELS) == expected


@pytest.mark.parametrize(
    ("question", "typed", "reason"),
    [
        (CHOICE, "D", "choice"),
        (CHOICE, "4", "choice"),
        (CHOICE, "0", "choice"),
        (CHOICE, "9" * 40, "choice"),
        (CHOICE, "", "choice"),
        (CHOICE, "🧰", "choice"),
        (CHOICE, "'; DROP TABLE quiz_answer; --", "choice"),
        (SCALE, "0", "scale"),
        (SCALE, "6", "scale"),
        (SCALE, "45", "scale"),
        (SCALE, "٣", "scale"),
        (SCALE, "bagus sekali", "scale"),
        (TEXT, "   ", "text"),
        (TEXT, "x" * 1001, "too_long"),
    ],
)
def test_bad_typed_answers_are_refused(question: Question, typed: str, reason: str) -> None:
    with pytest.raises(AnswerRefused) as refused:
        read_typed(question, typed, LABELS)
    assert refused.value.reason == reason


def test_a_required_text_question_cannot_be_skipped() -> None:
    required = TEXT.model_copy(update={"required": True})
    assert read_typed(required, "-", LABELS) == ReadAnswer(text="-")
    with pytest.raises(AnswerRefused):
        read_button(required, None)


@pytest.mark.parametrize(
    ("question", "value", "expected"),
    [
        (CHOICE, 0, ReadAnswer(choice=0)),
        (CHOICE, 2, ReadAnswer(choice=2)),
        (SCALE, 1, ReadAnswer(choice=1)),
        (TEXT, None, ReadAnswer(skipped=True)),
        (CHOICE, 3, None),
        (CHOICE, None, None),
        (SCALE, 0, None),
        (SCALE, 6, None),
        (SCALE, None, None),
        (TEXT, 1, None),
        (CHOICE, 10**18, None),
    ],
)
def test_button_values_and_forged_ones(
    question: Question, value: int | None, expected: ReadAnswer | None
) -> None:
    if expected is None:
        with pytest.raises(AnswerRefused):
            read_button(question, value)
    else:
        assert read_button(question, value) == expected


def answer(question: Question, choice: int | None) -> QuizAnswer:
    return QuizAnswer(
        response_id=1,
        question_id=question.id,
        choice=choice,
        text=None,
        skipped=False,
        answered_at=NOW,
    )


def test_score_counts_right_choices_only() -> None:
    second = CHOICE.model_copy(update={"id": 9, "correct": 0})
    answers = {1: answer(CHOICE, 1), 9: answer(second, 2), 2: answer(SCALE, 5)}
    assert score([CHOICE, second, SCALE], answers) == (1, 2)
    assert score([SCALE, TEXT], {}) is None


def test_question_results_share_right_mean_and_distribution() -> None:
    counts = [
        AnswerCount(question_id=1, choice=1, count=3),
        AnswerCount(question_id=1, choice=0, count=1),
        AnswerCount(question_id=2, choice=5, count=2),
        AnswerCount(question_id=2, choice=3, count=2),
    ]
    choice, scale, text = question_results([CHOICE, SCALE, TEXT], counts)
    assert (choice.answered, choice.share_right) == (4, 0.75)
    assert (scale.mean, scale.distribution) == (4.0, (0, 0, 2, 0, 2))
    assert (text.share_right, text.mean) == (None, None)


@pytest.mark.parametrize(
    ("requires", "facts", "expected"),
    [
        ("attendance,evaluasi", Qualification(True, True, None), True),
        ("attendance,evaluasi", Qualification(False, True, None), False),
        ("attendance,evaluasi", Qualification(True, False, 100.0), False),
        ("attendance", Qualification(True, False, None), True),
        ("attendance,posttest", Qualification(True, False, 60.0), True),
        ("attendance,posttest", Qualification(True, True, 59.9), False),
        ("attendance,posttest", Qualification(True, True, None), False),
        ("evaluasi,posttest", Qualification(False, True, 80.0), True),
    ],
)
def test_qualification(requires: str, facts: Qualification, expected: bool) -> None:
    policy = EvaluationPolicy(certificate_requires=parse_requirements(requires), min_posttest=60)
    assert qualifies(facts, policy) is expected


@pytest.mark.parametrize("text", ["", "attendance,hadir", "evaluasi;posttest"])
def test_unknown_requirements_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="unknown requirement"):
        parse_requirements(text)


@pytest.mark.parametrize(
    ("number_format", "number", "scope"),
    [
        ("WUB-{year}/{session}/{seq:04d}", "WUB-2026/BTK-01/0007", "WUB-2026/BTK-01/#"),
        ("{seq}", "7", "#"),
        ("SERT/{year}/{seq:05d}", "SERT/2026/00007", "SERT/2026/#"),
        ("{session!s}-{seq:03}", "BTK-01-007", "BTK-01-#"),
    ],
)
def test_number_format(number_format: str, number: str, scope: str) -> None:
    assert check_number_format(number_format) == number_format
    assert certificate_number(number_format, 2026, "BTK-01", 7) == number
    assert number_scope(number_format, 2026, "BTK-01") == scope


@pytest.mark.parametrize(
    ("number_format", "reason"),
    [
        ("WUB-{year}/{session}", "needs {seq}"),
        ("{nik}-{seq}", "unknown field {nik}"),
        ("{seq", "malformed"),
        ("{seq:q}", "malformed"),
        ("{seq:.0}", "malformed"),
        ("X" * 120 + "{seq}", "longer than"),
        ("{__class__}{seq}", "unknown field"),
    ],
)
def test_bad_number_formats_are_refused(number_format: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        check_number_format(number_format)


def test_nudges_are_spread_over_the_open_time() -> None:
    invitation = QuizInvitation(
        id=1,
        session_id=1,
        participant_id=1,
        phase="post",
        kinds=("evaluasi",),
        invited_at=NOW,
        closes_at=NOW + timedelta(days=6),
        nudges_sent=0,
        last_nudged_at=None,
        finished_at=None,
    )
    assert nudge_due_at(invitation, 2) == NOW + timedelta(days=2)
    second = invitation.model_copy(update={"nudges_sent": 1})
    assert nudge_due_at(second, 2) == NOW + timedelta(days=4)
