"""The /rekap chart: one PNG drawn with matplotlib's Agg canvas (no display, no pyplot).

Pure: numbers in, PNG bytes out. A Figure with its own FigureCanvasAgg keeps no global
state, so charts can be drawn in a worker thread while the bot serves others.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from storage.stats import EquipmentNumbers, GroupCount, SessionNumbers

if TYPE_CHECKING:
    from matplotlib.axes import Axes

MAX_BARS: Final = 12
COLORS: Final = ("#1f6f8b", "#99a8b2", "#e6a400", "#2e8b57", "#c0392b")
# Received, not confirmed, not received, damaged, not handed over.
EQUIPMENT_COLORS: Final = ("#2e8b57", "#e6a400", "#c0392b", "#7b241c", "#99a8b2")


@dataclass(frozen=True)
class ChartLabels:
    """The chart's titles and legend entries in the officer's language."""

    title: str
    by_sector: str
    by_kecamatan: str
    sessions: str
    equipment: str
    enrolled: str
    waitlisted: str
    rsvp_yes: str
    attended: str
    equipment_states: tuple[str, str, str, str, str]
    nothing: str
    helpdesk: str = ""
    # Open, answered, closed.
    ticket_states: tuple[str, str, str] = ("", "", "")
    # One line under the help desk panel: time to first answer, FAQ share.
    helpdesk_note: str = ""


@dataclass(frozen=True)
class ChartData:
    """Every number the chart shows."""

    by_sector: Sequence[GroupCount]
    by_kecamatan: Sequence[GroupCount]
    sessions: Sequence[SessionNumbers]
    equipment: EquipmentNumbers
    # Tickets open, answered, closed.
    tickets: tuple[int, int, int] = (0, 0, 0)


def render_chart(data: ChartData, labels: ChartLabels) -> bytes:
    """Return the five-panel PNG: sectors, kecamatan, sessions, equipment, help desk."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(12, 12), dpi=90, layout="constrained")
    FigureCanvasAgg(figure)
    figure.suptitle(labels.title, fontsize=14, fontweight="bold")
    panels = figure.subplot_mosaic(
        [["sector", "kecamatan"], ["sessions", "equipment"], ["helpdesk", "helpdesk"]],
        height_ratios=(3, 3, 2),
    )
    sector_axes, kecamatan_axes = panels["sector"], panels["kecamatan"]
    session_axes, equipment_axes = panels["sessions"], panels["equipment"]
    _helpdesk(panels["helpdesk"], data.tickets, labels)
    _bars(sector_axes, data.by_sector, labels.by_sector, labels.nothing)
    _bars(kecamatan_axes, data.by_kecamatan, labels.by_kecamatan, labels.nothing)
    _sessions(session_axes, data.sessions, labels)
    _equipment(equipment_axes, data.equipment, labels)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def _empty(axes: Axes, title: str, nothing: str) -> None:
    axes.set_title(title)
    axes.text(0.5, 0.5, nothing, ha="center", va="center")
    axes.set_axis_off()


def _bars(axes: Axes, groups: Sequence[GroupCount], title: str, nothing: str) -> None:
    shown = list(groups[:MAX_BARS])
    if not shown:
        _empty(axes, title, nothing)
        return
    names = [group.name[:28] for group in reversed(shown)]
    counts = [group.count for group in reversed(shown)]
    bars = axes.barh(names, counts, color=COLORS[0])
    axes.bar_label(bars, padding=2)
    axes.set_title(title)


def _sessions(axes: Axes, sessions: Sequence[SessionNumbers], labels: ChartLabels) -> None:
    shown = list(sessions[:MAX_BARS])
    if not shown:
        _empty(axes, labels.sessions, labels.nothing)
        return
    series = (
        (labels.enrolled, [item.enrolled for item in shown]),
        (labels.waitlisted, [item.waitlisted for item in shown]),
        (labels.rsvp_yes, [item.rsvp_yes for item in shown]),
        (labels.attended, [item.attended for item in shown]),
    )
    width = 0.8 / len(series)
    for index, (name, values) in enumerate(series):
        positions = [spot + index * width for spot in range(len(shown))]
        axes.bar(positions, values, width, label=name, color=COLORS[index])
    middle = [spot + width * (len(series) - 1) / 2 for spot in range(len(shown))]
    axes.set_xticks(middle, [item.code for item in shown], rotation=30, ha="right")
    axes.legend(fontsize=8)
    axes.set_title(labels.sessions)


def _equipment(axes: Axes, numbers: EquipmentNumbers, labels: ChartLabels) -> None:
    if numbers.allocations == 0:
        _empty(axes, labels.equipment, labels.nothing)
        return
    values = (
        numbers.received,
        numbers.unconfirmed,
        numbers.not_received,
        numbers.damaged,
        numbers.not_handed_over,
    )
    bars = axes.bar(labels.equipment_states, values, color=EQUIPMENT_COLORS)
    axes.bar_label(bars, padding=2)
    axes.tick_params(axis="x", labelrotation=20)
    axes.set_title(labels.equipment)


def _helpdesk(axes: Axes, tickets: tuple[int, int, int], labels: ChartLabels) -> None:
    axes.set_title(labels.helpdesk)
    axes.set_xlabel(labels.helpdesk_note)
    if not any(tickets):
        axes.text(0.5, 0.5, labels.nothing, ha="center", va="center")
        axes.set_xticks([])
        axes.set_yticks([])
        return
    bars = axes.barh(
        list(reversed(labels.ticket_states)), list(reversed(tickets)), color=COLORS[2]
    )
    axes.bar_label(bars, padding=2)
