"""Route one inbound event to the feature that handles it, inside one transaction."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from handlers.conversation import texts
from handlers.conversation.access import refuse_payload, require_officer
from handlers.conversation.flows import Flow
from handlers.conversation.messages import Command, Inbound, Outbound, Reply, parse_command
from handlers.conversation.payloads import BadPayload, Family, Payload, prefix_of
from handlers.conversation.turn import MenuRows, Services, Turn, menu_labels

logger = logging.getLogger(__name__)

CommandHandler = Callable[[Turn, str], Awaitable[None]]
P = TypeVar("P", bound=Payload)


@dataclass(frozen=True)
class ButtonRoute(Generic[P]):
    """A button payload class and what pressing it does.

    A button that starts a flow waits until the current flow is over ("finish or /batal
    first"); every other button works in the middle of any flow, whose question is asked
    again after it.
    """

    payload: type[P]
    handler: Callable[[Turn, P], Awaitable[None]]
    starts_flow: bool = False


def on(
    payload: type[P], handler: Callable[[Turn, P], Awaitable[None]], *, starts_flow: bool = False
) -> ButtonRoute[P]:
    """Route presses of one payload class to a handler."""
    return ButtonRoute(payload, handler, starts_flow)


@dataclass(frozen=True)
class Desk:
    """Every route of one payload prefix, and the checks each press goes through first."""

    family: Family
    routes: Mapping[type[Payload], ButtonRoute[Any]]

    @classmethod
    def of(cls, routes: Iterable[ButtonRoute[Any]]) -> Desk:
        """Group routes that share a prefix; raise ValueError when their payloads collide."""
        found = {route.payload: route for route in routes}
        return cls(Family.of(found), found)

    async def read(self, turn: Turn, payload: str) -> tuple[ButtonRoute[Any], Payload] | None:
        """Check the sender's role for officer tools, then read the payload strictly.

        Returns the route and the payload, or None after saying why not (a refusal is audited
        when it targets an officer tool; nothing else is written).
        """
        family = self.family
        if family.officers is not None:
            action = family.audit_action(payload)
            turn.officer = await require_officer(turn, action, admin=family.admin)
            if turn.officer is None:
                return None
        try:
            pressed = family.unpack(payload)
        except BadPayload:
            audited = None if family.officers is None else family.audit_action(payload)
            await refuse_payload(turn, audited)
            return None
        return self.routes[type(pressed)], pressed

    async def press(self, turn: Turn, payload: str) -> None:
        """Read a press and run its route (for a flow whose buttons are this desk's)."""
        found = await self.read(turn, payload)
        if found is not None:
            route, pressed = found
            await route.handler(turn, pressed)


# Commands that work in the middle of a flow; every other one is answered with "finish first".
FREE_DURING_FLOW = frozenset({"batal", "cancel", "bantuan", "help"})


@dataclass(frozen=True)
class Feature:
    """What one handler module answers: commands, stored flows, stateless buttons, menu labels."""

    # Named in the error when two features claim the same command, flow, prefix or word.
    name: str
    commands: Mapping[str, CommandHandler] = field(default_factory=dict)
    flows: Sequence[Flow] = ()
    buttons: Sequence[ButtonRoute[Any]] = ()
    # Main-menu label keys mapped to the command they stand for.
    menu: Mapping[str, str] = field(default_factory=dict)
    # Commands allowed to interrupt a flow for a given argument (e.g. a check-in deep link).
    interrupting: Callable[[Command], bool] | None = None
    # Whole messages typed without a slash (any case) that run a command even inside a flow,
    # e.g. BERHENTI / STOP; keys are lower case, values command names.
    keywords: Mapping[str, str] = field(default_factory=dict)
    # Takes a photo sent outside any flow (e.g. proof for an open equipment case); returns
    # False when it has no use for it.
    photos: Callable[[Turn], Awaitable[bool]] | None = None
    # Takes what a person writes outside any flow that nothing else answered (free text, a
    # photo, a document, a voice note): the help desk. Returns False when it does not.
    free_text: Callable[[Turn], Awaitable[bool]] | None = None
    # Takes a message that replies to one of the bot's messages (an officer answering a
    # ticket alert), before anything else; returns False when it is no such reply.
    replies: Callable[[Turn], Awaitable[bool]] | None = None


Taker = Callable[[Turn], Awaitable[bool]]


class DuplicateRegistration(ValueError):
    """Two features claim the same command, flow, button prefix, menu label or keyword."""


class _Owners:
    """Who registered what, so a second claim fails at start naming both features."""

    def __init__(self) -> None:
        self._owners: dict[tuple[str, str], str] = {}

    def claim(self, kind: str, name: str, feature: Feature) -> None:
        first = self._owners.setdefault((kind, name), feature.name)
        if first != feature.name:
            raise DuplicateRegistration(
                f"{kind} {name!r} is registered by both {first!r} and {feature.name!r}"
            )


class Router:
    """Dispatch inbound events to features; one transaction per event."""

    def __init__(self, features: Iterable[Feature], menu_rows: MenuRows = ()) -> None:
        """Gather the features' routes; menu_rows lays out their menu labels' keys."""
        self.commands: dict[str, CommandHandler] = {}
        self.flows: dict[str, Flow] = {}
        routes: dict[str, list[ButtonRoute[Any]]] = {}
        self.menu: dict[str, str] = {}
        self.interrupting: list[Callable[[Command], bool]] = []
        self.keywords: dict[str, str] = {}
        self.photos: list[Taker] = []
        self.free_text: list[Taker] = []
        self.replies: list[Taker] = []
        owners = _Owners()
        claimed: list[str] = []
        for feature in features:
            claimed.extend(feature.menu)
            for command, handler in feature.commands.items():
                owners.claim("command", f"/{command}", feature)
                self.commands[command] = handler
            for flow in feature.flows:
                owners.claim("flow or button prefix", flow.name, feature)
                self.flows[flow.name] = flow
            for prefix in {route.payload.prefix for route in feature.buttons}:
                if prefix not in {flow.name for flow in feature.flows}:
                    # A feature's own flow may share its buttons' prefix (`alat`, `profile`).
                    owners.claim("flow or button prefix", prefix, feature)
            for route in feature.buttons:
                routes.setdefault(route.payload.prefix, []).append(route)
            for key, command in feature.menu.items():
                for label in texts.labels(key):
                    owners.claim("menu label", label, feature)
                    self.menu[label] = command
            for word, command in feature.keywords.items():
                owners.claim("keyword", word, feature)
                self.keywords[word] = command
            if feature.interrupting is not None:
                self.interrupting.append(feature.interrupting)
            if feature.photos is not None:
                self.photos.append(feature.photos)
            if feature.free_text is not None:
                self.free_text.append(feature.free_text)
            if feature.replies is not None:
                self.replies.append(feature.replies)
        self.desks = {prefix: Desk.of(found) for prefix, found in routes.items()}
        self.menu_rows = lay_out(menu_rows, claimed)

    def main_menu(self, language: str) -> tuple[tuple[str, ...], ...]:
        """Return the main-menu keyboard labels in a language."""
        return menu_labels(self.menu_rows, language)

    def prefixes(self) -> list[str]:
        """Return every payload prefix the router answers: button families and flows."""
        return sorted({*self.desks, *self.flows})

    async def handle(self, inbound: Inbound, services: Services) -> list[Outbound]:
        """Answer one event; on an unexpected error, roll back and apologise."""
        if not inbound.private:
            return [Reply(texts.text(texts.DEFAULT_LANGUAGE, "group_only"))]
        storage = services.storage
        now = services.clock.now()
        try:
            async with storage.db.transaction():
                contact = await storage.contacts.touch(inbound.channel, inbound.address, now)
                conversation = await storage.conversations.get(inbound.channel, inbound.address)
                if conversation is not None and conversation.flow not in self.flows:
                    # A flow this version no longer has: start the person afresh.
                    await storage.conversations.clear(inbound.channel, inbound.address)
                    conversation = None
                turn = Turn(
                    inbound, services, contact, conversation, now, menu_rows=self.menu_rows
                )
                await self._route(turn)
                return turn.replies
        except Exception:
            # The traceback names code, not people: no inbound text or address is logged.
            logger.exception("handler failed (channel=%s kind=%s)", inbound.channel, inbound.kind)
            return [Reply(texts.text(texts.DEFAULT_LANGUAGE, "error"))]

    async def _route(self, turn: Turn) -> None:
        inbound = turn.inbound
        if inbound.reply_to is not None and await _first_taker(self.replies, turn):
            return
        if inbound.kind == "button":
            await self._button(turn)
            return
        command = self._command(inbound)
        keyword = self._keyword(inbound) if command is None else None
        if keyword is not None:
            # Honoured anywhere (opt-out words must be); the flow's question comes again.
            await self.commands[keyword.name](turn, keyword.arg)
            if turn.conversation is not None:
                await self._flow(turn).prompt(turn)
            return
        if command is not None:
            await self._run_command(turn, command)
        elif inbound.kind in ("unsupported", "edited") or (
            inbound.kind in ("document", "voice")
            and turn.conversation is not None
            and not (inbound.kind == "document" and self._step_takes_documents(turn))
        ):
            turn.say("edited" if inbound.kind == "edited" else "unsupported")
            await self._reprompt_or_menu(turn)
        elif turn.conversation is not None:
            await self._flow(turn).resume(turn)
        else:
            await self._outside_flow(turn)

    async def _outside_flow(self, turn: Turn) -> None:
        """Offer a photo to its takers, then anything to the help desk; else explain."""
        kind = turn.inbound.kind
        if kind == "photo" and await _first_taker(self.photos, turn):
            return
        if await _first_taker(self.free_text, turn):
            return
        if kind in ("document", "voice"):
            turn.say("unsupported")
            await self._reprompt_or_menu(turn)
        else:
            turn.say_with_menu("not_understood")

    def _command(self, inbound: Inbound) -> Command | None:
        if inbound.kind != "text":
            return None
        menu_command = self.menu.get(inbound.text.strip())
        if menu_command is not None:
            return Command(menu_command, "")
        return parse_command(inbound.text)

    def _keyword(self, inbound: Inbound) -> Command | None:
        if inbound.kind != "text" or len(inbound.text) > 32:
            return None
        name = self.keywords.get(inbound.text.strip().lower())
        return None if name is None else Command(name, "")

    async def _run_command(self, turn: Turn, command: Command) -> None:
        handler = self.commands.get(command.name)
        if handler is None:
            turn.say("unknown_command", command="/" + command.name[:32])
            await self._reprompt_or_menu(turn)
            return
        if turn.conversation is not None and not self._may_interrupt(command):
            flow = self._flow(turn)
            turn.say("busy", flow=turn.t(f"flow.{flow.name}"))
            await flow.prompt(turn)
            return
        await handler(turn, command.arg)

    def _may_interrupt(self, command: Command) -> bool:
        if command.name in FREE_DURING_FLOW:
            return True
        return any(allows(command) for allows in self.interrupting)

    async def _button(self, turn: Turn) -> None:
        payload = turn.inbound.payload
        prefix = prefix_of(payload)
        desk = self.desks.get(prefix)
        if turn.conversation is not None and prefix == turn.conversation.flow:
            # The flow's own buttons first: a profile edit's sector choices ("profile:sector:3")
            # share their prefix with the profile message's buttons.
            await self._flow(turn).resume(turn)
        elif desk is not None:
            await self._press(turn, desk, payload)
        elif turn.conversation is not None:
            await self._flow(turn).resume(turn)
        else:
            turn.say_with_menu("stale_button")

    async def _press(self, turn: Turn, desk: Desk, payload: str) -> None:
        """Run a button's route once its checks pass; a flow's question comes again after it."""
        in_flow = turn.conversation is not None
        found = await desk.read(turn, payload)
        if found is None:
            await self._reprompt(turn, in_flow)
            return
        route, pressed = found
        if route.starts_flow and turn.conversation is not None:
            flow = self._flow(turn)
            turn.say("busy", flow=turn.t(f"flow.{flow.name}"))
            await flow.prompt(turn)
            return
        await route.handler(turn, pressed)
        await self._reprompt(turn, in_flow)

    async def _reprompt(self, turn: Turn, was_in_flow: bool) -> None:
        """Ask the flow's question again after a button that worked beside it."""
        if was_in_flow and turn.conversation is not None:
            await self._flow(turn).prompt(turn)

    def _step_takes_documents(self, turn: Turn) -> bool:
        conversation = turn.conversation
        flow = None if conversation is None else self.flows.get(conversation.flow)
        step = None if flow is None or conversation is None else flow.steps.get(conversation.step)
        return step is not None and step.takes_documents

    def _flow(self, turn: Turn) -> Flow:
        assert turn.conversation is not None  # noqa: S101 - callers check
        return self.flows[turn.conversation.flow]

    async def _reprompt_or_menu(self, turn: Turn) -> None:
        if turn.conversation is not None and turn.conversation.flow in self.flows:
            await self._flow(turn).prompt(turn)
        else:
            turn.replies.append(Reply(turn.t("help"), menu=turn.main_menu()))


def lay_out(rows: MenuRows, claimed: Sequence[str]) -> MenuRows:
    """Keep the rows' keys some feature claims, then add the keys left over in rows of three.

    So a router over fewer features shows only their buttons, and a new feature's label
    appears even before anyone places it.
    """
    placed: list[tuple[str, ...]] = []
    seen: set[str] = set()
    for row in rows:
        kept = tuple(key for key in dict.fromkeys(row) if key in claimed and key not in seen)
        seen.update(kept)
        if kept:
            placed.append(kept)
    rest = [key for key in claimed if key not in seen]
    placed.extend(tuple(rest[start : start + 3]) for start in range(0, len(rest), 3))
    return tuple(placed)


async def _first_taker(takers: list[Taker], turn: Turn) -> bool:
    """Offer the event to each taker in turn; True once one took it."""
    for takes in takers:
        if await takes(turn):
            return True
    return False
