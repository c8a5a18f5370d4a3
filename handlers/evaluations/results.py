"""Results for officers: /rekap's evaluation lines and chart, and the evaluations export."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Final
from zoneinfo import ZoneInfo

from handlers.equipment.export import local_stamp
from handlers.evaluations.questionnaires import option_letter
from handlers.spreadsheets.writing import CellValue, ExportFormat, write_table
from storage import Storage
from storage.evaluation_models import Question, QuizAnswer, SessionEvaluation

RESPONSE_COLUMNS: Final = (
    "session_code",
    "nik",
    "full_name",
    "kind",
    "score",
    "max_score",
    "submitted_at",
)


def _mean(value: float | None, digits: int = 0) -> str:
    if value is None:
        return "-"
    return f"{value:.{digits}f}".replace(".", ",") if digits else f"{round(value)}%"


def session_line_values(numbers: SessionEvaluation) -> dict[str, object]:
    """Return the values of one session's /rekap line."""
    return {
        "code": numbers.code,
        "attended": numbers.attended,
        "pre_done": numbers.pre_done,
        "pre_invited": numbers.pre_invited,
        "post_done": numbers.posttest_done,
        "post_invited": numbers.post_invited,
        "evaluasi_done": numbers.evaluasi_done,
        "pre_mean": _mean(numbers.pre_mean),
        "post_mean": _mean(numbers.post_mean),
        "satisfaction": _mean(numbers.satisfaction, 2),
        "certificates": numbers.certificates,
    }


def has_evaluations(numbers: SessionEvaluation) -> bool:
    """Tell whether a session has anything to show: an invitation or a certificate."""
    return bool(numbers.pre_invited or numbers.post_invited or numbers.certificates)


@dataclass(frozen=True)
class EvaluationChartLabels:
    """The evaluation chart's words in the officer's language."""

    title: str
    scores: str
    pre: str
    post: str
    rates: str
    satisfaction: str


def _rate(done: int, invited: int) -> float:
    return 100.0 * done / invited if invited else 0.0


def render_evaluation_chart(
    sessions: Sequence[SessionEvaluation], labels: EvaluationChartLabels
) -> bytes:
    """Return a PNG: mean pre → post score, response rates, satisfaction, per session."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(12, 4.5), dpi=90, layout="constrained")
    FigureCanvasAgg(figure)
    figure.suptitle(labels.title, fontsize=14, fontweight="bold")
    score_axes, rate_axes, satisfaction_axes = figure.subplots(1, 3).flat
    codes = [item.code for item in sessions]
    places = list(range(len(codes)))
    width = 0.38
    score_axes.bar(
        [p - width / 2 for p in places],
        [item.pre_mean or 0 for item in sessions],
        width,
        label=labels.pre,
        color="#99a8b2",
    )
    score_axes.bar(
        [p + width / 2 for p in places],
        [item.post_mean or 0 for item in sessions],
        width,
        label=labels.post,
        color="#1f6f8b",
    )
    score_axes.set_ylim(0, 100)
    score_axes.legend(fontsize=8)
    rates = (
        ("pre-test", [_rate(i.pre_done, i.pre_invited) for i in sessions], "#99a8b2"),
        ("post-test", [_rate(i.posttest_done, i.post_invited) for i in sessions], "#1f6f8b"),
        ("evaluasi", [_rate(i.evaluasi_done, i.post_invited) for i in sessions], "#2e8b57"),
    )
    third = 0.27
    for index, (name, values, color) in enumerate(rates):
        offsets = [p + (index - 1) * third for p in places]
        rate_axes.bar(offsets, values, third, label=name, color=color)
    rate_axes.set_ylim(0, 100)
    rate_axes.legend(fontsize=8)
    satisfaction_axes.bar(
        places, [item.satisfaction or 0 for item in sessions], 0.6, color="#e6a400"
    )
    satisfaction_axes.set_ylim(0, 5)
    for axes, title in (
        (score_axes, labels.scores),
        (rate_axes, labels.rates),
        (satisfaction_axes, labels.satisfaction),
    ):
        axes.set_title(title, fontsize=11)
        axes.set_xticks(places, codes, rotation=30, ha="right", fontsize=8)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def answer_cell(question: Question, answer: QuizAnswer | None) -> CellValue:
    """Return an answer as an export cell: an option letter, a 1-5 value, or the text."""
    if answer is None or answer.skipped:
        return None
    if question.type == "choice" and answer.choice is not None:
        return option_letter(answer.choice) if answer.choice < len(question.options) else None
    if question.type == "scale":
        return answer.choice
    return answer.text


async def export_columns(
    storage: Storage, session_id: int | None
) -> tuple[tuple[str, ...], dict[int, int]]:
    """Return the export's header and, per question id, its column index.

    One column per question, named `<kind>.<id from the file>`; questionnaires of the same
    kind that share an id share its column.
    """
    header = list(RESPONSE_COLUMNS)
    positions: dict[str, int] = {}
    by_question: dict[int, int] = {}
    for questionnaire_id in await storage.quizzes.questionnaire_ids(session_id):
        questionnaire = await storage.questionnaires.get(questionnaire_id)
        if questionnaire is None:
            continue
        for question in await storage.questionnaires.questions(questionnaire_id):
            name = f"{questionnaire.kind}.{question.ref}"
            if name not in positions:
                positions[name] = len(header)
                header.append(name)
            by_question[question.id] = positions[name]
    return tuple(header), by_question


async def response_rows(
    storage: Storage,
    zone: ZoneInfo,
    width: int,
    by_question: dict[int, int],
    session_id: int | None,
) -> AsyncIterator[list[CellValue]]:
    """Yield one row per participant and questionnaire, answers in their columns."""
    questions: dict[int, dict[int, Question]] = {}
    async for record in storage.quizzes.records(session_id):
        if record.questionnaire_id not in questions:
            listed = await storage.questionnaires.questions(record.questionnaire_id)
            questions[record.questionnaire_id] = {question.id: question for question in listed}
        row: list[CellValue] = [
            record.session_code,
            record.nik,
            record.full_name,
            record.kind,
            record.score,
            record.max_score,
            local_stamp(record.submitted_at, zone),
        ]
        row.extend([None] * (width - len(row)))
        answers = await storage.quizzes.answers(record.id)
        for question_id, question in questions[record.questionnaire_id].items():
            column = by_question.get(question_id)
            if column is not None:
                row[column] = answer_cell(question, answers.get(question_id))
        yield row


async def write_evaluations(
    storage: Storage,
    zone: ZoneInfo,
    target: Path | BinaryIO,
    export_format: ExportFormat,
    session_id: int | None = None,
) -> int:
    """Write the evaluations export; return the rows written."""
    header, by_question = await export_columns(storage, session_id)
    rows = response_rows(storage, zone, len(header), by_question, session_id)
    return await write_table(target, export_format, header, rows)
