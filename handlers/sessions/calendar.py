"""The participant's sessions as an .ics calendar file, offered from /jadwal."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final, Literal

from icalendar import Calendar, Event

from handlers.conversation import texts
from handlers.conversation.messages import Button, Document
from handlers.conversation.payloads import Payload
from handlers.conversation.router import Feature, on
from handlers.conversation.turn import Turn
from storage.models import EnrolledSession

FILENAME: Final = "jadwal-bimtek.ics"
PRODUCT_ID: Final = "-//Kementerian Perindustrian//WUB IKM Bot//ID"
UID_DOMAIN: Final = "wub-ikm"


@dataclass(frozen=True)
class CalendarFile(Payload, prefix="ics"):
    """`ics:all`: send the person's calendar file."""

    scope: Literal["all"] = "all"


def calendar_button(language: str) -> Button:
    """Return the button that sends the person's calendar file (works in any flow)."""
    return Button(texts.text(language, "calendar.button"), CalendarFile().pack())


def in_calendar(item: EnrolledSession) -> bool:
    """Tell whether a session belongs in the person's calendar: held or awaited, not cancelled."""
    return item.session.cancelled_at is None and item.enrollment.status in (
        "enrolled",
        "waitlisted",
    )


def sessions_ics(items: Iterable[EnrolledSession], now: datetime, language: str) -> bytes:
    """Return an iCalendar file with one event per session, times in UTC."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    for item in items:
        calendar.add_component(_event(item, now, language))
    return calendar.to_ical()


def _event(item: EnrolledSession, now: datetime, language: str) -> Event:
    session = item.session
    maps = texts.text(language, "calendar.maps", url=session.maps_url) if session.maps_url else ""
    event = Event()
    event.add("uid", f"session-{session.id}@{UID_DOMAIN}")
    event.add("dtstamp", now.astimezone(UTC))
    event.add("dtstart", session.starts_at.astimezone(UTC))
    event.add("dtend", session.ends_at.astimezone(UTC))
    event.add("summary", session.title)
    event.add("location", session.venue)
    if session.maps_url:
        event.add("url", session.maps_url)
    event.add(
        "description",
        texts.text(
            language,
            "calendar.description",
            status=texts.text(language, f"status.{item.enrollment.status}"),
            venue=session.venue,
            maps=maps,
        ),
    )
    event.add("status", "CONFIRMED" if item.enrollment.status == "enrolled" else "TENTATIVE")
    return event


async def send_calendar(turn: Turn, _pressed: CalendarFile) -> None:
    """Send the participant's calendar file."""
    participant = await turn.participant()
    if participant is None:
        turn.say("profile.not_registered")
        return
    items = [
        item
        for item in await turn.storage.enrollments.for_participant(participant.id)
        if in_calendar(item)
    ]
    if not items:
        turn.say("calendar.none")
        return
    content = sessions_ics(items, turn.now, turn.language)
    turn.replies.append(Document(FILENAME, content, turn.t("calendar.caption")))


FEATURE = Feature("sessions.calendar", buttons=(on(CalendarFile, send_calendar),))
