"""Flows as step tables: each step says how it asks, what it offers and how it reads.

A flow is a name and an ordered table of steps, the way python-telegram-bot's
`ConversationHandler(states=...)` and aiogram's scenes declare a conversation. A step has

- `ask`: the question (a `Prompt`), or where to go instead when it cannot be asked;
- `choices`: the buttons it offers, as rows of `Choice` (label and value), so the engine packs
  every payload and the router can tell what a step offers without asking it;
- `read`: what an answer does — `Go` to a step, `Stay` (and ask again), `End`, or `Switch` to
  another flow;
- `saves`: the data key its answer is stored under;
- `takes_text`: whether it also reads typed text of its own beside its buttons (kecamatan
  names), so a typed near miss of a label is left to it.

The engine does what every flow needs, once: it stores the position after each answer, in the
turn's transaction; re-reads an officer flow's role at every answer and every time it asks
again; refuses a payload it could not have packed and answers a button of another step as an
old one; and, when the stored step no longer exists after an upgrade, apologises and carries
on at the first step whose answer is missing, keeping the answers of the steps it still has.
Typed text that names one of the step's buttons (its label, or its number in the list) counts
as pressing it, and a near miss is asked about ("Maksud Anda «Setuju»?"): see `typed.py`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Final, NamedTuple, Protocol

from handlers.conversation.access import OfficersOnly, refuse_payload, require_officer
from handlers.conversation.messages import Button, Inbound, Reply
from handlers.conversation.payloads import BadPayload, Payload, read_number, step_answers
from handlers.conversation.turn import Turn
from handlers.conversation.typed import Offered, match_typed, trust_of

# Typed text is cut here before any rule reads it.
MAX_TEXT: Final = 4096
# An ask may send the conversation on to another step; more hops than this is a loop.
MAX_HOPS: Final = 4
# The value of "Bukan" under a near-miss question: no step offers it, the step asks again.
NOT_MEANT: Final = "_not_meant"

Data = dict[str, Any]


@dataclass(frozen=True)
class Choice:
    """A button a step offers: its own answer (a word or number) or another feature's payload."""

    label: str
    value: str | int | Payload


Rows = tuple[tuple[Choice, ...], ...]


@dataclass(frozen=True)
class Prompt:
    """The question a step asks; its buttons come from the step's choices."""

    text: str
    request_contact: str | None = None
    remove_menu: bool = False


@dataclass(frozen=True)
class Answer:
    """What the person sent at a step: typed text, a contact, a photo, or one of its buttons."""

    inbound: Inbound
    # The value of this step's button that was pressed; None for anything but such a press.
    value: str | None = None

    @property
    def text(self) -> str | None:
        """Return the typed text (cut at MAX_TEXT), or None when nothing was typed."""
        return self.inbound.text[:MAX_TEXT] if self.inbound.kind == "text" else None

    @property
    def number(self) -> int | None:
        """Return the pressed value as a number (an id or index), or None."""
        return None if self.value is None else read_number(self.value, canonical=True)


class Go(NamedTuple):
    """Store the conversation at `step` with `data` and ask its question."""

    step: str
    data: Data


class Stay(NamedTuple):
    """Stay at the step (the read queued why); ask again unless `ask` is False."""

    ask: bool = True
    data: Data | None = None


class End(NamedTuple):
    """The flow is over; the read or ask queued its last words."""


class Switch(NamedTuple):
    """Leave this flow for another one, at its `step` (its first when None)."""

    flow: Flow
    data: Data
    step: str | None = None


Asked = Prompt | Go | End
Outcome = Go | Stay | End | Switch
Ask = Callable[[Turn, Data], Awaitable[Asked]]
Read = Callable[[Turn, Data, Answer], Awaitable[Outcome]]
Offer = Callable[[Turn, Data], Awaitable[Rows]]


class ButtonReader(Protocol):
    """Something that reads and runs a button press on its own (a router `Desk`)."""

    async def press(self, turn: Turn, payload: str) -> None:
        """Read and run one press."""
        ...


@dataclass(frozen=True)
class Step:
    """One row of a flow's table."""

    ask: Ask
    read: Read
    choices: Offer | None = None
    saves: str | None = None
    takes_text: bool = False
    # A step that reads a sent document (a sheet to import); elsewhere one is refused.
    takes_documents: bool = False


async def no_choices(_turn: Turn, _data: Data) -> Rows:
    """Offer no buttons."""
    return ()


class Flow:
    """A conversation whose position is stored between turns, described by its step table."""

    def __init__(
        self,
        name: str,
        steps: Mapping[str, Step],
        *,
        officers: OfficersOnly | None = None,
        context: Sequence[str] = (),
        desk: ButtonReader | None = None,
    ) -> None:
        if not steps:
            raise ValueError(f"flow {name!r} has no steps")
        self.name = name
        self.steps = dict(steps)
        self.first = next(iter(self.steps))
        self.officers = officers
        self.answers = step_answers(name)
        # Kept when an upgrade removed the stored step: the answers and what the flow began with.
        self.keeps = frozenset(
            {step.saves for step in self.steps.values() if step.saves is not None} | {*context}
        )
        # A flow whose buttons are another feature's (the equipment proof step): presses go there.
        self.desk = desk

    async def begin(self, turn: Turn, data: Data | None = None, step: str | None = None) -> None:
        """Start the flow at its first step (or `step`) and ask the question."""
        await self._go(turn, step or self.first, dict(data or {}))

    async def resume(self, turn: Turn) -> None:
        """Read the person's answer at the stored step."""
        conversation = turn.conversation
        assert conversation is not None  # noqa: S101 - the router checks
        step = self.steps.get(conversation.step)
        if step is None:
            await self._restart(turn)
            return
        if not await self._authorised(turn, self.officers.action if self.officers else ""):
            return
        data = dict(conversation.data)
        if turn.inbound.kind == "text" and await self._typed(turn, conversation.step, step, data):
            return
        if self.desk is not None and turn.inbound.kind == "button":
            await self.desk.press(turn, turn.inbound.payload)
            return
        answer = await self._answer(turn, conversation.step, step)
        if answer is None:
            await self._ask(turn, conversation.step, data)
            return
        await self._follow(turn, conversation.step, data, await step.read(turn, data, answer))

    async def prompt(self, turn: Turn) -> None:
        """Ask the stored step's question again (after a button or command beside the flow)."""
        conversation = turn.conversation
        assert conversation is not None  # noqa: S101 - the router checks
        if conversation.step not in self.steps:
            await self._restart(turn)
        elif await self._authorised(turn, self.name):
            await self._ask(turn, conversation.step, dict(conversation.data))

    async def offered(self, turn: Turn) -> Rows:
        """Return the buttons the stored step offers now (none when it is unknown)."""
        conversation = turn.conversation
        step = None if conversation is None else self.steps.get(conversation.step)
        if conversation is None or step is None or step.choices is None:
            return ()
        return await step.choices(turn, dict(conversation.data))

    def pack(self, step: str, choice: Choice) -> Button:
        """Return the button of a choice a step offers."""
        value = choice.value
        payload = value if isinstance(value, Payload) else self.answers(step, str(value))
        return Button(choice.label, payload.pack())

    async def _authorised(self, turn: Turn, audited_as: str) -> bool:
        """Re-read an officer flow's role; a person no longer allowed is refused and let go.

        A refused answer is audited under the action it would have carried out
        (`denied:sesi.new`), a refused re-ask under the flow's name (`denied:sesi_new`).
        """
        if self.officers is None:
            return True
        turn.officer = await require_officer(turn, audited_as, admin=self.officers.admin)
        if turn.officer is None:
            await turn.end_flow()
            return False
        return True

    async def _answer(self, turn: Turn, name: str, step: Step) -> Answer | None:
        """Return the answer, or None after saying why a pressed button does not count."""
        inbound = turn.inbound
        if inbound.kind != "button":
            return Answer(inbound)
        try:
            pressed = self.answers.unpack(inbound.payload)
        except BadPayload:
            await refuse_payload(turn, None if self.officers is None else self.officers.action)
            return None
        if pressed.step != name or step.choices is None:
            turn.say("stale_button")
            return None
        if pressed.value == NOT_MEANT:
            # "Bukan" under "Maksud Anda «...»?": the question comes again.
            return None
        return Answer(inbound, pressed.value)

    async def _typed(self, turn: Turn, name: str, step: Step, data: Data) -> bool:
        """Read typed text as a press of the step's button it names.

        A sure match (label or number) turns the event into that press and returns False, so
        the answer is read as usual; a near miss is asked about and returns True.
        """
        if step.choices is None:
            return False
        offered = [
            Offered(choice.label, self.pack(name, choice).payload)
            for row in await step.choices(turn, data)
            for choice in row
        ]
        found = match_typed(turn.inbound.text, offered, trust_of(offered, step.takes_text))
        if found is None:
            return False
        if found.how != "near":
            turn.inbound = replace(turn.inbound, kind="button", payload=found.button.payload)
            return False
        buttons = (
            (
                Button(turn.t("typed.yes"), found.button.payload),
                Button(turn.t("typed.no"), self.answers(name, NOT_MEANT).pack()),
            ),
        )
        turn.say("typed.confirm", buttons=buttons, label=found.button.label)
        return True

    async def _follow(self, turn: Turn, name: str, data: Data, outcome: Outcome) -> None:
        if isinstance(outcome, Go):
            await self._go(turn, outcome.step, outcome.data)
        elif isinstance(outcome, Stay):
            if outcome.data is not None:
                await turn.save_state(self.name, name, outcome.data)
                data = outcome.data
            if outcome.ask:
                await self._ask(turn, name, data)
        elif isinstance(outcome, Switch):
            await outcome.flow.begin(turn, outcome.data, outcome.step)
        else:
            await turn.end_flow()

    async def _go(self, turn: Turn, name: str, data: Data, hops: int = 0) -> None:
        await turn.save_state(self.name, name, data)
        await self._ask(turn, name, data, hops)

    async def _ask(self, turn: Turn, name: str, data: Data, hops: int = 0) -> None:
        step = self.steps[name]
        asked = await step.ask(turn, data)
        if isinstance(asked, Go):
            if hops >= MAX_HOPS:
                raise RuntimeError(f"flow {self.name}: step {name} keeps sending elsewhere")
            await self._go(turn, asked.step, asked.data, hops + 1)
            return
        if isinstance(asked, End):
            await turn.end_flow()
            return
        rows = () if step.choices is None else await step.choices(turn, data)
        buttons = tuple(tuple(self.pack(name, choice) for choice in row) for row in rows)
        turn.replies.append(
            Reply(
                asked.text,
                buttons=tuple(row for row in buttons if row),
                request_contact=asked.request_contact,
                remove_menu=asked.remove_menu,
            )
        )

    async def _restart(self, turn: Turn) -> None:
        """Carry on after an upgrade removed the stored step: see the module docstring."""
        conversation = turn.conversation
        assert conversation is not None  # noqa: S101 - callers check
        data = {key: value for key, value in conversation.data.items() if key in self.keeps}
        turn.say("flow_restarted")
        missing = (
            name
            for name, step in self.steps.items()
            if step.saves is None or step.saves not in data
        )
        await self._go(turn, next(missing, self.first), data)
