"""Route one inbound event to the feature that handles it, inside one transaction."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field

from handlers import texts
from handlers.core import Command, Inbound, Outbound, Reply, parse_command
from handlers.officers_auth import FlowRole, OfficerOnly
from handlers.turn import Flow, Services, Turn, main_menu

logger = logging.getLogger(__name__)

CommandHandler = Callable[[Turn, str], Awaitable[None]]
ButtonHandler = Callable[[Turn, str], Awaitable[None]]

# Commands that work in the middle of a flow; every other one is answered with "finish first".
FREE_DURING_FLOW = frozenset({"batal", "cancel", "bantuan", "help"})


@dataclass(frozen=True)
class Feature:
    """What one handler module answers: commands, stored flows, stateless buttons, menu labels."""

    commands: Mapping[str, CommandHandler] = field(default_factory=dict)
    flows: Mapping[str, Flow] = field(default_factory=dict)
    # Who may be in these flows; the router re-checks it before asking a question again.
    flow_role: FlowRole | None = None
    # Buttons keyed by payload prefix (before the first ':') that work whatever the flow;
    # the flow's question is asked again after them, so the conversation goes on.
    buttons: Mapping[str, ButtonHandler] = field(default_factory=dict)
    # Buttons that start something new, so they wait until the current flow is over.
    idle_buttons: Mapping[str, ButtonHandler] = field(default_factory=dict)
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


class Router:
    """Dispatch inbound events to features; one transaction per event."""

    def __init__(self, features: Iterable[Feature]) -> None:
        self.commands: dict[str, CommandHandler] = {}
        self.flows: dict[str, Flow] = {}
        self.buttons: dict[str, ButtonHandler] = {}
        self.idle_buttons: dict[str, ButtonHandler] = {}
        self.menu: dict[str, str] = {}
        self.interrupting: list[Callable[[Command], bool]] = []
        self.keywords: dict[str, str] = {}
        self.photos: list[Callable[[Turn], Awaitable[bool]]] = []
        for feature in features:
            self.commands.update(feature.commands)
            for name, flow in feature.flows.items():
                role = feature.flow_role
                self.flows[name] = flow if role is None else OfficerOnly(flow, role)
            self.buttons.update(feature.buttons)
            self.idle_buttons.update(feature.idle_buttons)
            for key, command in feature.menu.items():
                for label in texts.labels(key):
                    self.menu[label] = command
            self.keywords.update(feature.keywords)
            if feature.interrupting is not None:
                self.interrupting.append(feature.interrupting)
            if feature.photos is not None:
                self.photos.append(feature.photos)

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
                turn = Turn(inbound, services, contact, conversation, now)
                await self._route(turn)
                return turn.replies
        except Exception:
            # The traceback names code, not people: no inbound text or address is logged.
            logger.exception("handler failed (channel=%s kind=%s)", inbound.channel, inbound.kind)
            return [Reply(texts.text(texts.DEFAULT_LANGUAGE, "error"))]

    async def _route(self, turn: Turn) -> None:
        inbound = turn.inbound
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
        elif inbound.kind in ("unsupported", "edited"):
            turn.say(inbound.kind)
            await self._reprompt_or_menu(turn)
        elif turn.conversation is not None:
            await self._flow(turn).resume(turn)
        elif inbound.kind == "photo" and await self._photo(turn):
            return
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

    async def _photo(self, turn: Turn) -> bool:
        for takes in self.photos:
            if await takes(turn):
                return True
        return False

    def _may_interrupt(self, command: Command) -> bool:
        if command.name in FREE_DURING_FLOW:
            return True
        return any(allows(command) for allows in self.interrupting)

    async def _button(self, turn: Turn) -> None:
        prefix = turn.inbound.payload.split(":", 1)[0]
        anytime = self.buttons.get(prefix)
        idle = self.idle_buttons.get(prefix)
        in_flow = turn.conversation is not None
        if turn.conversation is not None and prefix == turn.conversation.flow:
            # The flow's own buttons first: a profile edit's sector choices ("profile:sector:3")
            # share their prefix with the profile message's buttons.
            await self._flow(turn).resume(turn)
        elif anytime is not None:
            await anytime(turn, turn.inbound.payload)
            if in_flow and turn.conversation is not None:
                await self._flow(turn).prompt(turn)
        elif idle is not None and not in_flow:
            await idle(turn, turn.inbound.payload)
        elif idle is not None:
            flow = self._flow(turn)
            turn.say("busy", flow=turn.t(f"flow.{flow.name}"))
            await flow.prompt(turn)
        elif in_flow:
            await self._flow(turn).resume(turn)
        else:
            turn.say_with_menu("stale_button")

    def _flow(self, turn: Turn) -> Flow:
        assert turn.conversation is not None  # noqa: S101 - callers check
        return self.flows[turn.conversation.flow]

    async def _reprompt_or_menu(self, turn: Turn) -> None:
        if turn.conversation is not None and turn.conversation.flow in self.flows:
            await self._flow(turn).prompt(turn)
        else:
            turn.replies.append(Reply(turn.t("help"), menu=main_menu(turn.language)))
