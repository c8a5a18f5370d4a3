"""How a bimtek session reads to a participant: button labels and details."""

from __future__ import annotations

from handlers.conversation.timefmt import format_date, format_datetime
from handlers.conversation.turn import Turn
from storage.models import BimtekSession, SessionAvailability


def session_label(turn: Turn, option: SessionAvailability) -> str:
    """Return a short button label: title, date and free places."""
    date = format_date(option.session.starts_at, turn.services.zone, turn.language)
    title = option.session.title[:40]
    if option.free_places > 0:
        return turn.t("reg.session.label", title=title, date=date, free=option.free_places)
    return turn.t("reg.session.label_full", title=title, date=date)


def session_when(turn: Turn, session: BimtekSession) -> str:
    """Return the start of a session in the person's language and the configured zone."""
    return format_datetime(session.starts_at, turn.services.zone, turn.language)


def session_details(turn: Turn, session: BimtekSession, key: str) -> str:
    """Fill a catalogue entry with the session's title, time, venue and map link."""
    maps = turn.t("session.maps", url=session.maps_url) if session.maps_url else ""
    return turn.t(
        key, title=session.title, when=session_when(turn, session), venue=session.venue, maps=maps
    )
