"""Welcome, help, cancel and language: the commands every person meets first."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

from handlers.conversation import texts
from handlers.conversation.messages import Button, Command, Reply
from handlers.conversation.payloads import Payload
from handlers.conversation.router import Feature, on
from handlers.conversation.turn import Turn
from handlers.sessions import checkin

LanguageCode = Literal["id", "en"]
LANGUAGES: Final[tuple[tuple[LanguageCode, str], ...]] = (
    ("id", "Bahasa Indonesia"),
    ("en", "English"),
)


@dataclass(frozen=True)
class ChooseLanguage(Payload, prefix="lang"):
    """`lang:<code>`: switch the person's language."""

    code: LanguageCode


async def start(turn: Turn, arg: str) -> None:
    """Greet the person and show the main menu; `hadir_<code>` (the QR deep link) checks in."""
    code = checkin.checkin_code_of(arg)
    if code is not None:
        await checkin.check_in(turn, code)
        return
    participant = await turn.participant()
    if participant is not None:
        turn.say_with_menu("welcome.registered", name=participant.full_name)
    else:
        turn.say_with_menu("welcome")


async def show_help(turn: Turn, _arg: str) -> None:
    """List the commands, and the officer tools to officers."""
    body = turn.t("help")
    sender = turn.inbound.sender_id
    if sender and await turn.storage.officers.get(turn.inbound.channel, sender) is not None:
        body += "\n\n" + turn.t("help.officer")
    turn.replies.append(Reply(body, menu=turn.main_menu()))


async def cancel(turn: Turn, _arg: str) -> None:
    """Leave the current flow without storing what it collected."""
    if turn.conversation is None:
        turn.say_with_menu("nothing_to_cancel")
        return
    flow = turn.conversation.flow
    await turn.end_flow()
    # A flow that keeps what was answered (the quiz) says so instead of "nothing was stored".
    own = f"cancelled.{flow}"
    turn.say_with_menu(own if own in texts.ID else "cancelled")


async def ask_language(turn: Turn, _arg: str) -> None:
    """Offer the languages."""
    buttons = tuple((Button(label, ChooseLanguage(code).pack()),) for code, label in LANGUAGES)
    turn.say("language.ask", buttons=buttons)


async def choose_language(turn: Turn, pressed: ChooseLanguage) -> None:
    """Switch the person's language (works in the middle of any flow)."""
    code = pressed.code
    contact = turn.contact
    await turn.storage.contacts.set_language(contact.channel, contact.address, code)
    if contact.participant_id is not None:
        await turn.storage.participants.set_language(contact.participant_id, code, turn.now)
    turn.contact = contact.model_copy(update={"language": code})
    turn.say_with_menu("language.set")


def is_checkin_link(command: Command) -> bool:
    """Tell whether a command is the check-in deep link, which may interrupt any flow."""
    return command.name == "start" and checkin.checkin_code_of(command.arg) is not None


FEATURE = Feature(
    "participants.start",
    commands={
        "start": start,
        "bantuan": show_help,
        "help": show_help,
        "batal": cancel,
        "cancel": cancel,
        "bahasa": ask_language,
        "language": ask_language,
    },
    buttons=(on(ChooseLanguage, choose_language),),
    menu={"menu.help": "bantuan", "menu.language": "bahasa"},
    interrupting=is_checkin_link,
)
