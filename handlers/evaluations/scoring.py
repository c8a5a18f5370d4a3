"""Reading an answer (tapped or typed), scores, and what each question's answers add up to."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from handlers.evaluations.questionnaires import LETTERS, normal_text
from storage.evaluation_models import AnswerCount, Question, QuizAnswer

SCALE: Final = (1, 2, 3, 4, 5)
MAX_ANSWER_TEXT: Final = 1000
SKIP_WORDS: Final = frozenset({"-", "lewati", "skip"})


@dataclass(frozen=True)
class ReadAnswer:
    """An accepted answer: an option index or scale value, a text, or a skip."""

    choice: int | None = None
    text: str | None = None
    skipped: bool = False


class AnswerRefused(Exception):
    """The answer does not fit the question; `reason` is the catalogue key's last part."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def letters_of(question: Question) -> str:
    """Return the option letters of a choice question, e.g. 'ABCD'."""
    return LETTERS[: len(question.options)]


def read_button(question: Question, value: int | None) -> ReadAnswer:
    """Return the answer a pressed value stands for (None: the skip button); refuse the rest."""
    if value is None:
        if question.type == "text" and not question.required:
            return ReadAnswer(skipped=True)
        raise AnswerRefused(question.type)
    if question.type == "choice" and value < len(question.options):
        return ReadAnswer(choice=value)
    if question.type == "scale" and value in SCALE:
        return ReadAnswer(choice=value)
    raise AnswerRefused(question.type)


def read_typed(question: Question, typed: str, scale_labels: Sequence[str] = ()) -> ReadAnswer:
    """Return the answer a typed text stands for: a letter, a number, or the option's words.

    For a choice question `B`, `b`, `b.` and `2` all mean the second option, and so does
    its text typed with any case or punctuation. For a scale, `1`-`5` or the scale's words.
    """
    if question.type == "text":
        return _read_text(question, typed)
    folded = normal_text(typed)
    if question.type == "choice":
        letters = letters_of(question)
        if len(folded) == 1 and folded.upper() in letters:
            return ReadAnswer(choice=letters.index(folded.upper()))
        if folded.isascii() and folded.isdigit() and 1 <= int(folded[:3]) <= len(letters):
            return ReadAnswer(choice=int(folded) - 1)
        for index, option in enumerate(question.options):
            if folded and folded == normal_text(option):
                return ReadAnswer(choice=index)
        raise AnswerRefused("choice")
    if folded.isascii() and folded.isdigit() and len(folded) == 1 and int(folded) in SCALE:
        return ReadAnswer(choice=int(folded))
    for value, label in zip(SCALE, scale_labels, strict=False):
        if folded and folded == normal_text(label):
            return ReadAnswer(choice=value)
    raise AnswerRefused("scale")


def _read_text(question: Question, typed: str) -> ReadAnswer:
    text = " ".join(typed.split())
    if not question.required and text.lower() in SKIP_WORDS:
        return ReadAnswer(skipped=True)
    if not text:
        raise AnswerRefused("text")
    if len(text) > MAX_ANSWER_TEXT:
        raise AnswerRefused("too_long")
    return ReadAnswer(text=text)


def current_question(
    questions: Sequence[Question], answers: Mapping[int, QuizAnswer]
) -> Question | None:
    """Return the first question not answered yet, or None when all are."""
    return next((question for question in questions if question.id not in answers), None)


def score(
    questions: Sequence[Question], answers: Mapping[int, QuizAnswer]
) -> tuple[int, int] | None:
    """Return (right answers, choice questions) of a test, or None when it has no such question."""
    graded = [question for question in questions if question.type == "choice"]
    if not graded:
        return None
    right = sum(
        1
        for question in graded
        if question.id in answers and answers[question.id].choice == question.correct
    )
    return right, len(graded)


def percent(score_value: int | None, max_score: int | None) -> float | None:
    """Return a score as a percentage, or None when there is none."""
    if score_value is None or not max_score:
        return None
    return 100.0 * score_value / max_score


@dataclass(frozen=True)
class QuestionResult:
    """What one question's submitted answers add up to."""

    question: Question
    answered: int
    # Tests: the share answering right; evaluation scales: the mean and the counts of 1-5.
    share_right: float | None = None
    mean: float | None = None
    distribution: tuple[int, ...] = ()


def question_results(
    questions: Sequence[Question], counts: Iterable[AnswerCount]
) -> list[QuestionResult]:
    """Return each question's share right (tests) or mean and distribution (scales)."""
    by_question: dict[int, dict[int, int]] = {}
    for count in counts:
        if count.choice is not None:
            by_question.setdefault(count.question_id, {})[count.choice] = count.count
    results = []
    for question in questions:
        values = by_question.get(question.id, {})
        answered = sum(values.values())
        if question.type == "choice":
            right = values.get(question.correct or 0, 0) if question.correct is not None else 0
            share = right / answered if answered else None
            results.append(QuestionResult(question, answered, share_right=share))
        elif question.type == "scale":
            distribution = tuple(values.get(value, 0) for value in SCALE)
            total = sum(value * values.get(value, 0) for value in SCALE)
            mean = total / answered if answered else None
            results.append(
                QuestionResult(question, answered, mean=mean, distribution=distribution)
            )
        else:
            results.append(QuestionResult(question, answered))
    return results
