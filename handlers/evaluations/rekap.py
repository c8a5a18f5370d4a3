"""The evaluations' part of /rekap: a line per session and one more chart."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from handlers.conversation.messages import Photo
from handlers.conversation.timefmt import format_date
from handlers.conversation.turn import Turn
from handlers.evaluations.results import (
    EvaluationChartLabels,
    has_evaluations,
    render_evaluation_chart,
    session_line_values,
)

MAX_SESSIONS = 12


async def add_to_rekap(turn: Turn, since: timedelta) -> None:
    """Append response rates, mean pre → post score and satisfaction per session, and a chart."""
    numbers = await turn.storage.quizzes.session_numbers(turn.now - since, MAX_SESSIONS * 4)
    shown = [item for item in numbers if has_evaluations(item)][:MAX_SESSIONS]
    if not shown:
        return
    lines = [turn.t("rekap.eval.title")]
    lines += [turn.t("rekap.eval.session", **session_line_values(item)) for item in shown]
    turn.say_text("\n".join(lines))
    labels = EvaluationChartLabels(
        title=turn.t("rekap.eval.chart.title"),
        scores=turn.t("rekap.eval.chart.scores"),
        pre=turn.t("rekap.eval.chart.pre"),
        post=turn.t("rekap.eval.chart.post"),
        rates=turn.t("rekap.eval.chart.rates"),
        satisfaction=turn.t("rekap.eval.chart.satisfaction"),
    )
    image = await asyncio.to_thread(render_evaluation_chart, shown, labels)
    stamp = format_date(turn.now, turn.services.zone, turn.language)
    turn.replies.append(Photo(image, turn.t("rekap.eval.caption", when=stamp), "evaluasi.png"))
