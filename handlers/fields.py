"""The participant fields that registration asks and the profile edits: ask, then read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from handlers.core import Button, rows
from handlers.payload_ids import parse_id
from handlers.preregistered import is_unclaimed
from handlers.turn import Turn
from handlers.validation import (
    ValidationError,
    match_kecamatan,
    normalize_nik,
    normalize_phone,
    validate_business_name,
    validate_full_name,
)

FIELDS: Final = ("full_name", "nik", "phone", "business_name", "sector", "kecamatan")
# A typed kecamatan that is only close to a known name waits at this step for a yes or no.
KECAMATAN_CONFIRM: Final = "kecamatan_confirm"
MAX_TEXT: Final = 4096


# Steps answered with buttons: after a bad answer the buttons are shown again.
CHOICE_STEPS: Final = frozenset({"sector", "kecamatan", KECAMATAN_CONFIRM})


@dataclass(frozen=True)
class Outcome:
    """What reading an answer gave.

    A value: accepted. A wait_step: the question for that step is queued; stay there.
    Neither: the reason is queued; stay at the same step.
    """

    value: str | None = None
    wait_step: str | None = None


def payload(flow: str, step: str, value: str) -> str:
    """Return the button payload of a flow step."""
    return f"{flow}:{step}:{value}"


def button_value(turn: Turn, flow: str, step: str) -> str | None:
    """Return the value of a button pressed at this step, None for other input or old buttons."""
    if turn.inbound.kind != "button":
        return None
    parts = turn.inbound.payload.split(":", 2)
    if len(parts) != 3 or parts[0] != flow or parts[1] != step:
        return None
    return parts[2]


def is_stale_button(turn: Turn, flow: str, step: str) -> bool:
    """Tell whether a pressed button belongs to another step or flow."""
    return turn.inbound.kind == "button" and button_value(turn, flow, step) is None


def ask(turn: Turn, flow: str, field: str, prefix: str = "") -> None:
    """Queue the question for a field, with its buttons."""
    if field == "phone":
        _ask_phone(turn, flow, prefix)
    elif field == "sector":
        choices = [
            Button(name, payload(flow, "sector", str(index)))
            for index, name in enumerate(turn.services.sectors)
        ]
        turn.say_text(prefix + turn.t("reg.ask.sector"), buttons=rows(choices, 2))
    elif field == "kecamatan":
        choices = [
            Button(name, payload(flow, "kecamatan", str(index)))
            for index, name in enumerate(turn.services.region.kecamatan)
        ]
        turn.say_text(prefix + turn.t("reg.ask.kecamatan"), buttons=rows(choices, 3))
    elif field == KECAMATAN_CONFIRM:
        ask_kecamatan_confirm(turn, flow, str(_data(turn).get("kecamatan_candidate", "")))
    else:
        turn.say_text(prefix + turn.t(f"reg.ask.{field}"), remove_menu=field == "business_name")


def _ask_phone(turn: Turn, flow: str, prefix: str) -> None:
    if turn.inbound.verified_phone:
        use = Button(turn.t("reg.use_this_number"), payload(flow, "phone", "self"))
        turn.say_text(
            prefix + turn.t("reg.ask.phone.whatsapp", this_number=turn.t("reg.use_this_number")),
            buttons=((use,),),
        )
        return
    share = turn.t("reg.share_phone")
    turn.say_text(prefix + turn.t("reg.ask.phone", share=share), request_contact=share)


def ask_kecamatan_confirm(turn: Turn, flow: str, candidate: str) -> None:
    """Queue the 'did you mean' question for a near-miss kecamatan."""
    buttons = (
        (
            Button(turn.t("reg.kecamatan.yes"), payload(flow, KECAMATAN_CONFIRM, "yes")),
            Button(turn.t("reg.kecamatan.no"), payload(flow, KECAMATAN_CONFIRM, "no")),
        ),
    )
    turn.say("reg.kecamatan.confirm", buttons=buttons, name=candidate)


async def read(turn: Turn, flow: str, step: str, data: dict[str, Any]) -> Outcome:
    """Read the answer to a field's step; on bad input queue the reason and ask again."""
    if step in ("sector", "kecamatan") and turn.inbound.kind == "button":
        return _read_choice(turn, flow, step)
    if step == KECAMATAN_CONFIRM:
        return _read_kecamatan_confirm(turn, flow, data)
    if step == "phone":
        return _read_phone(turn, flow)
    if turn.inbound.kind != "text":
        turn.say("invalid.choice" if step == "sector" else "invalid.text_expected")
        return Outcome()
    answer = turn.inbound.text[:MAX_TEXT]
    if step == "sector":
        turn.say("invalid.choice")
        return Outcome()
    if step == "kecamatan":
        return _read_kecamatan_text(turn, flow, answer, data)
    return await _read_text(turn, step, answer)


async def _read_text(turn: Turn, step: str, answer: str) -> Outcome:
    validators = {
        "full_name": validate_full_name,
        "nik": normalize_nik,
        "business_name": validate_business_name,
    }
    try:
        value = validators[step](answer)
    except ValidationError as error:
        turn.say(f"invalid.{step}.{error.reason}")
        return Outcome()
    if step == "nik" and not await _nik_free(turn, value):
        turn.say("reg.nik_taken")
        return Outcome()
    return Outcome(value=value)


async def _nik_free(turn: Turn, nik: str) -> bool:
    owner = await turn.storage.participants.get_by_nik(nik)
    if owner is None or owner.id == turn.contact.participant_id:
        return True
    # Pre-registered from a paper form: claimed at the end if the phone matches too.
    return await is_unclaimed(turn.storage, owner)


def _read_phone(turn: Turn, flow: str) -> Outcome:
    inbound = turn.inbound
    share = turn.t("reg.share_phone")
    if inbound.kind == "contact":
        if inbound.contact_user_id is None or inbound.contact_user_id != inbound.sender_id:
            turn.say("invalid.phone.not_own", share=share)
            return Outcome()
        candidate = inbound.contact_phone or ""
    elif button_value(turn, flow, "phone") == "self" and inbound.verified_phone:
        candidate = inbound.verified_phone
    elif inbound.kind == "text":
        candidate = inbound.text[:MAX_TEXT]
    else:
        turn.say("invalid.phone.invalid")
        return Outcome()
    try:
        return Outcome(value=normalize_phone(candidate))
    except ValidationError as error:
        turn.say(f"invalid.phone.{error.reason}")
        return Outcome()


def _read_choice(turn: Turn, flow: str, step: str) -> Outcome:
    options = turn.services.sectors if step == "sector" else turn.services.region.kecamatan
    index = parse_id(button_value(turn, flow, step))
    if index is None or index >= len(options):
        turn.say("stale_button")
        return Outcome()
    return Outcome(value=options[index])


def _read_kecamatan_text(turn: Turn, flow: str, answer: str, data: dict[str, Any]) -> Outcome:
    region = turn.services.region
    match = match_kecamatan(answer, region.kecamatan)
    if match is None:
        shown = answer.strip()[:40] or "…"
        turn.say("invalid.kecamatan", text=shown, regency=region.regency)
        return Outcome()
    if match.exact:
        return Outcome(value=match.name)
    data["kecamatan_candidate"] = match.name
    ask_kecamatan_confirm(turn, flow, match.name)
    return Outcome(wait_step=KECAMATAN_CONFIRM)


def _read_kecamatan_confirm(turn: Turn, flow: str, data: dict[str, Any]) -> Outcome:
    candidate = data.get("kecamatan_candidate")
    if turn.inbound.kind == "text":
        # Typing again at the confirmation is a new attempt at the name.
        outcome = _read_kecamatan_text(turn, flow, turn.inbound.text[:MAX_TEXT], data)
        if outcome.value is None and outcome.wait_step is None:
            data.pop("kecamatan_candidate", None)
            ask(turn, flow, "kecamatan")
            return Outcome(wait_step="kecamatan")
        return outcome
    answer = button_value(turn, flow, KECAMATAN_CONFIRM)
    valid = isinstance(candidate, str) and candidate in turn.services.region.kecamatan
    if answer == "yes" and valid:
        data.pop("kecamatan_candidate", None)
        return Outcome(value=str(candidate))
    if answer == "no" or (answer == "yes" and not valid):
        data.pop("kecamatan_candidate", None)
        ask(turn, flow, "kecamatan")
        return Outcome(wait_step="kecamatan")
    turn.say("stale_button" if turn.inbound.kind == "button" else "invalid.choice")
    return Outcome()


def _data(turn: Turn) -> dict[str, Any]:
    return dict(turn.conversation.data) if turn.conversation is not None else {}
