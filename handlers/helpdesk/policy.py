"""The help desk's rules, from the HELPDESK_* settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Final

from handlers.helpdesk.hours import OfficeHours

DEFAULT_HELPDESK_HOURS: Final = "Mon-Fri 08:00-16:00"


@dataclass(frozen=True)
class HelpdeskPolicy:
    """When officers answer, when to follow up, how often to alert, when to close."""

    hours: OfficeHours = field(default_factory=lambda: OfficeHours.parse(DEFAULT_HELPDESK_HOURS))
    followup: timedelta = timedelta(hours=24)
    max_alerts_per_hour: int = 5
    autoclose: timedelta = timedelta(days=3)
    show_officer_name: bool = False
