"""One turn of a conversation: the inbound event, the services, and the replies so far."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol, TypeVar
from zoneinfo import ZoneInfo

from handlers.conversation import texts
from handlers.conversation.clock import Clock
from handlers.conversation.messages import Button, Inbound, Outbound, Reply
from storage import Storage
from storage.models import Contact, Conversation, Officer, Participant


class FileSource(Protocol):
    """Where a sent document's bytes come from: a Telegram file id or a stored `media:` one."""

    async def fetch(self, reference: str) -> tuple[bytes, str] | None:
        """Return the file's bytes and media type, or None when it cannot be had."""


class Region(Protocol):
    """The regency and the kecamatan people choose from (the participants' reference data)."""

    @property
    def regency(self) -> str:
        """Return the regency's name."""

    @property
    def kecamatan(self) -> tuple[str, ...]:
        """Return the kecamatan, in the order they are offered."""


Provided = TypeVar("Provided")


@dataclass(frozen=True)
class Services:
    """What handlers need from the outside world, built once by the composition root."""

    storage: Storage
    clock: Clock
    zone: ZoneInfo
    region: Region
    sectors: tuple[str, ...]
    policy: Policy = field(default_factory=lambda: Policy())
    # Documents officers send (a sheet to import); None: documents cannot be read.
    files: FileSource | None = None
    # What the domains bring (their policies, the FAQ index), at most one object per type:
    # the core never names a domain's types, a domain asks for its own with `need`.
    provided: tuple[object, ...] = ()

    def __post_init__(self) -> None:
        # `need` answers with the first instance, so no type may have two (a subclass counts).
        for item in self.provided:
            if sum(isinstance(other, type(item)) for other in self.provided) > 1:
                raise ValueError(f"two provided services are a {type(item).__name__}")

    def need(self, kind: type[Provided]) -> Provided:
        """Return the provided object of that type; LookupError when none was provided."""
        for item in self.provided:
            if isinstance(item, kind):
                return item
        raise LookupError(f"no {kind.__name__} among the provided services")


@dataclass(frozen=True)
class Policy:
    """The programme's timing rules, from settings."""

    reminder_offsets: tuple[timedelta, ...] = (timedelta(days=1), timedelta(hours=2))
    waitlist_hold: timedelta = timedelta(hours=24)
    checkin_opens_before: timedelta = timedelta(hours=2)
    equipment_nudge_after: timedelta = timedelta(days=2)
    equipment_nudge_max: int = 3
    bot_username: str | None = None
    # The https address officers open the web console at; None: the console is off.
    public_base_url: str | None = None


@dataclass
class Turn:
    """Everything one handler call reads and writes; replies go out after commit."""

    inbound: Inbound
    services: Services
    contact: Contact
    conversation: Conversation | None
    now: datetime
    replies: list[Outbound] = field(default_factory=list)
    # The sender's officer record, once the router checked it for an officer tool.
    officer: Officer | None = None
    # The main menu's label keys as the router lays them out.
    menu_rows: MenuRows = ()

    @property
    def storage(self) -> Storage:
        """Return the repositories."""
        return self.services.storage

    @property
    def language(self) -> str:
        """Return the language this person reads."""
        return self.contact.language

    @property
    def actor(self) -> str:
        """Return how this person is named in the audit log, without personal data."""
        if self.contact.participant_id is not None:
            return f"participant:{self.contact.participant_id}"
        return f"contact:{self.contact.id}"

    def checked_officer(self) -> Officer:
        """Return the officer the router checked for this event (only for officer tools)."""
        if self.officer is None:
            raise RuntimeError("no officer check ran for this event")
        return self.officer

    def t(self, key: str, **values: object) -> str:
        """Return a sentence in this person's language."""
        return texts.text(self.language, key, **values)

    def say(
        self,
        key: str,
        *,
        buttons: tuple[tuple[Button, ...], ...] = (),
        request_contact: str | None = None,
        remove_menu: bool = False,
        **values: object,
    ) -> None:
        """Queue a reply from the catalogue."""
        self.replies.append(
            Reply(
                self.t(key, **values),
                buttons=buttons,
                request_contact=request_contact,
                remove_menu=remove_menu,
            )
        )

    def say_text(self, body: str, **options: Any) -> None:
        """Queue a reply whose text is already composed."""
        self.replies.append(Reply(body, **options))

    def say_with_menu(self, key: str, **values: object) -> None:
        """Queue a reply that also shows the main menu keyboard."""
        self.replies.append(Reply(self.t(key, **values), menu=self.main_menu()))

    def main_menu(self) -> tuple[tuple[str, ...], ...]:
        """Return the main-menu keyboard labels in this person's language."""
        return menu_labels(self.menu_rows, self.language)

    async def participant(self) -> Participant | None:
        """Return the participant behind this contact, if registered."""
        if self.contact.participant_id is None:
            return None
        found = await self.storage.participants.get(self.contact.participant_id)
        return None if found is None or found.deleted_at is not None else found

    async def save_state(self, flow: str, step: str, data: dict[str, Any]) -> None:
        """Remember where the person is, in this turn's transaction."""
        await self.storage.conversations.save(
            self.contact.channel, self.contact.address, flow, step, data, self.now
        )
        self.conversation = Conversation(
            channel=self.contact.channel,
            address=self.contact.address,
            flow=flow,
            step=step,
            data=data,
        )

    async def end_flow(self) -> None:
        """Forget the person's current flow."""
        await self.storage.conversations.clear(self.contact.channel, self.contact.address)
        self.conversation = None


# The main menu: rows of label keys, each the key of a feature's menu label.
MenuRows = tuple[tuple[str, ...], ...]


def menu_labels(rows: MenuRows, language: str) -> tuple[tuple[str, ...], ...]:
    """Return the main-menu keyboard labels of rows of label keys."""
    return tuple(tuple(texts.text(language, key) for key in row) for row in rows)
