"""Live numbers for officers (/rekap): registrations, sessions, equipment, help desk."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Final

from handlers.conversation.access import officer_actor, require_officer
from handlers.conversation.messages import Photo
from handlers.conversation.router import Feature
from handlers.conversation.timefmt import format_date, format_datetime
from handlers.conversation.turn import Turn
from handlers.evaluations.rekap import add_to_rekap
from handlers.helpdesk.numbers import DeskNumbers, desk_numbers, duration_text
from handlers.helpdesk.policy import HelpdeskPolicy
from handlers.officers.charts import ChartData, ChartLabels, render_chart
from storage.stats import GroupCount

# Sessions that ended this long ago still count, so last month's attendance shows.
SESSIONS_SINCE: Final = timedelta(days=30)
TOP: Final = 10


async def show_stats(turn: Turn, _arg: str) -> None:
    """Send the numbers as text and as one PNG chart (/rekap)."""
    officer = await require_officer(turn, "rekap")
    if officer is None:
        return
    stats = turn.storage.stats
    policy = turn.services.need(HelpdeskPolicy)
    desk = await desk_numbers(turn.storage, policy.hours, turn.services.zone)
    data = ChartData(
        by_sector=await stats.registrations_by("sector"),
        by_kecamatan=await stats.registrations_by("kecamatan"),
        sessions=await stats.sessions(turn.now - SESSIONS_SINCE),
        equipment=await stats.equipment(),
        tickets=(desk.open, desk.answered, desk.closed),
    )
    turn.say_text(stats_text(turn, await stats.registrations(), data) + desk_text(turn, desk))
    # Drawing takes a moment: off the event loop, so other chats are not held up.
    image = await asyncio.to_thread(render_chart, data, chart_labels(turn, desk))
    stamp = format_date(turn.now, turn.services.zone, turn.language)
    turn.replies.append(Photo(image, turn.t("rekap.caption", when=stamp), "rekap.png"))
    await add_to_rekap(turn, SESSIONS_SINCE)
    await turn.storage.audit.record(officer_actor(officer), "stats.view", None, turn.now)


def _groups(turn: Turn, groups: list[GroupCount] | tuple[GroupCount, ...]) -> str:
    if not groups:
        return turn.t("rekap.none")
    shown = [f"• {group.name}: {group.count}" for group in groups[:TOP]]
    rest = sum(group.count for group in groups[TOP:])
    if rest:
        shown.append(turn.t("rekap.others", count=rest))
    return "\n".join(shown)


def stats_text(turn: Turn, registered: int, data: ChartData) -> str:
    """Return the /rekap text."""
    zone, language = turn.services.zone, turn.language
    sessions = "\n".join(
        turn.t(
            "rekap.session",
            code=item.code,
            date=format_date(item.starts_at, zone, language),
            enrolled=item.enrolled,
            capacity=item.capacity,
            waitlisted=item.waitlisted,
            rsvp_yes=item.rsvp_yes,
            rsvp_no=item.rsvp_no,
            attended=item.attended,
        )
        for item in data.sessions
    )
    equipment = data.equipment
    return turn.t(
        "rekap.text",
        when=format_datetime(turn.now, zone, language),
        registered=registered,
        by_sector=_groups(turn, list(data.by_sector)),
        by_kecamatan=_groups(turn, list(data.by_kecamatan)),
        sessions=sessions or turn.t("rekap.none"),
        allocations=equipment.allocations,
        not_handed_over=equipment.not_handed_over,
        unconfirmed=equipment.unconfirmed,
        received=equipment.received,
        not_received=equipment.not_received,
        damaged=equipment.damaged,
        open_cases=equipment.open_cases,
    )


def _faq_share(desk: DeskNumbers) -> str:
    if not desk.questions:
        return "-"
    return f"{desk.self_served} ({round(100 * desk.self_served / desk.questions)}%)"


def desk_text(turn: Turn, desk: DeskNumbers) -> str:
    """Return the help desk's part of the /rekap text."""
    return turn.t(
        "rekap.helpdesk",
        open=desk.open,
        answered=desk.answered,
        closed=desk.closed,
        median=duration_text(desk.median),
        p90=duration_text(desk.p90),
        faq_share=_faq_share(desk),
        questions=desk.questions,
    )


def chart_labels(turn: Turn, desk: DeskNumbers | None = None) -> ChartLabels:
    """Return the chart's words in the officer's language."""
    return ChartLabels(
        title=turn.t("rekap.chart.title"),
        by_sector=turn.t("rekap.chart.by_sector"),
        by_kecamatan=turn.t("rekap.chart.by_kecamatan"),
        sessions=turn.t("rekap.chart.sessions"),
        equipment=turn.t("rekap.chart.equipment"),
        enrolled=turn.t("rekap.chart.enrolled"),
        waitlisted=turn.t("rekap.chart.waitlisted"),
        rsvp_yes=turn.t("rekap.chart.rsvp_yes"),
        attended=turn.t("rekap.chart.attended"),
        equipment_states=(
            turn.t("rekap.chart.received"),
            turn.t("rekap.chart.unconfirmed"),
            turn.t("rekap.chart.not_received"),
            turn.t("rekap.chart.damaged"),
            turn.t("rekap.chart.not_handed_over"),
        ),
        nothing=turn.t("rekap.chart.nothing"),
        helpdesk=turn.t("rekap.chart.helpdesk"),
        ticket_states=(
            turn.t("rekap.chart.ticket_open"),
            turn.t("rekap.chart.ticket_answered"),
            turn.t("rekap.chart.ticket_closed"),
        ),
        helpdesk_note=""
        if desk is None
        else turn.t(
            "rekap.chart.helpdesk_note",
            median=duration_text(desk.median),
            p90=duration_text(desk.p90),
            faq_share=_faq_share(desk),
        ),
    )


FEATURE = Feature("officers.numbers", commands={"rekap": show_stats})
