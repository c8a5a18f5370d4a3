"""What the sessions domain answers: one place to see its commands, flows and buttons."""

from __future__ import annotations

from handlers.sessions import calendar, checkin, desk, rsvp, schedule, waitlist

FEATURES = (
    schedule.FEATURE,
    rsvp.FEATURE,
    waitlist.FEATURE,
    checkin.FEATURE,
    calendar.FEATURE,
    desk.FEATURE,
)
