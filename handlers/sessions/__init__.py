"""Bimtek sessions: schedule, calendar, RSVP, waiting list, check-in, the desk."""
