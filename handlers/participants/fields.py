"""The participant fields that registration asks and the profile edits, as flow steps.

`field_steps` returns one step per field (and the "did you mean" kecamatan confirmation):
each asks, offers its buttons and validates with the rules in `validation`; an accepted value
is handed to the flow's own `accept`, which says where the conversation goes next.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Final

from handlers.conversation import flows
from handlers.conversation.messages import rows
from handlers.conversation.turn import Turn
from handlers.participants.preregistered import is_unclaimed
from handlers.participants.validation import (
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
CANDIDATE: Final = "kecamatan_candidate"
_TEXT_RULES: Final = {
    "full_name": validate_full_name,
    "nik": normalize_nik,
    "business_name": validate_business_name,
}

# Store an accepted value and say where the flow goes next: (turn, data, field, value).
Accept = Callable[[Turn, flows.Data, str, str], Awaitable[flows.Outcome]]
# The line shown above a field's question (registration's "step 2 of 8").
Progress = Callable[[Turn, str, flows.Data], str]


def no_progress(_turn: Turn, _field: str, _data: flows.Data) -> str:
    """Show no progress line."""
    return ""


def field_steps(
    accept: Accept, progress: Progress = no_progress, only: Sequence[str] = FIELDS
) -> dict[str, flows.Step]:
    """Return the steps of the named fields, in order, and the kecamatan confirmation."""
    steps: dict[str, flows.Step] = {}
    for field in only:
        steps[field] = _field_step(field, accept, progress)
    if "kecamatan" in only:
        steps[KECAMATAN_CONFIRM] = _confirm_step(accept)
    return steps


def _field_step(field: str, accept: Accept, progress: Progress) -> flows.Step:
    async def ask(turn: Turn, data: flows.Data) -> flows.Prompt:
        return _prompt(turn, field, progress(turn, field, data))

    async def read(turn: Turn, data: flows.Data, answer: flows.Answer) -> flows.Outcome:
        if field == "phone":
            value = _read_phone(turn, answer)
        elif field in ("sector", "kecamatan") and answer.value is not None:
            value = _read_choice(turn, field, answer)
        elif answer.text is None:
            turn.say("invalid.choice" if field == "sector" else "invalid.text_expected")
            value = None
        elif field == "sector":
            turn.say("invalid.choice")
            value = None
        elif field == "kecamatan":
            return await _read_kecamatan(turn, data, answer.text, accept)
        else:
            value = await _read_text(turn, field, answer.text)
        if value is None:
            # Buttons are offered again; a text question needs no repeating under its reason.
            return flows.Stay(ask=field in ("sector", "kecamatan"))
        return await accept(turn, data, field, value)

    async def choices(turn: Turn, _data: flows.Data) -> flows.Rows:
        if field == "sector":
            return _indexed(turn.services.sectors, 2)
        if field == "kecamatan":
            return _indexed(turn.services.region.kecamatan, 3)
        if field == "phone" and turn.inbound.verified_phone:
            return ((flows.Choice(turn.t("reg.use_this_number"), "self"),),)
        return ()

    # Kecamatan names typed have their own near-miss matching.
    return flows.Step(ask, read, choices, saves=field, takes_text=field == "kecamatan")


def _indexed(names: Sequence[str], per_row: int) -> flows.Rows:
    return rows([flows.Choice(name, index) for index, name in enumerate(names)], per_row)


def _prompt(turn: Turn, field: str, prefix: str) -> flows.Prompt:
    if field == "phone":
        if turn.inbound.verified_phone:
            this_number = turn.t("reg.use_this_number")
            return flows.Prompt(prefix + turn.t("reg.ask.phone.whatsapp", this_number=this_number))
        share = turn.t("reg.share_phone")
        return flows.Prompt(prefix + turn.t("reg.ask.phone", share=share), request_contact=share)
    return flows.Prompt(prefix + turn.t(f"reg.ask.{field}"), remove_menu=field == "business_name")


async def _read_text(turn: Turn, field: str, answer: str) -> str | None:
    try:
        value = _TEXT_RULES[field](answer)
    except ValidationError as error:
        turn.say(f"invalid.{field}.{error.reason}")
        return None
    if field == "nik" and not await _nik_free(turn, value):
        turn.say("reg.nik_taken")
        return None
    return value


async def _nik_free(turn: Turn, nik: str) -> bool:
    owner = await turn.storage.participants.get_by_nik(nik)
    if owner is None or owner.id == turn.contact.participant_id:
        return True
    # Pre-registered from a paper form: claimed at the end if the phone matches too.
    return await is_unclaimed(turn.storage, owner)


def _read_phone(turn: Turn, answer: flows.Answer) -> str | None:
    inbound = turn.inbound
    if inbound.kind == "contact":
        if inbound.contact_user_id is None or inbound.contact_user_id != inbound.sender_id:
            turn.say("invalid.phone.not_own", share=turn.t("reg.share_phone"))
            return None
        candidate = inbound.contact_phone or ""
    elif answer.value == "self" and inbound.verified_phone:
        candidate = inbound.verified_phone
    elif answer.text is not None:
        candidate = answer.text
    else:
        turn.say("invalid.phone.invalid")
        return None
    try:
        return normalize_phone(candidate)
    except ValidationError as error:
        turn.say(f"invalid.phone.{error.reason}")
        return None


def _read_choice(turn: Turn, field: str, answer: flows.Answer) -> str | None:
    options = turn.services.sectors if field == "sector" else turn.services.region.kecamatan
    index = answer.number
    if index is None or index >= len(options):
        turn.say("stale_button")
        return None
    return options[index]


async def _read_kecamatan(
    turn: Turn, data: flows.Data, typed: str, accept: Accept
) -> flows.Outcome:
    """Accept an exact name, confirm a near miss, or explain and offer the buttons again."""
    region = turn.services.region
    match = match_kecamatan(typed, region.kecamatan)
    if match is None:
        shown = typed.strip()[:40] or "…"
        turn.say("invalid.kecamatan", text=shown, regency=region.regency)
        return flows.Stay()
    if match.exact:
        return await accept(turn, data, "kecamatan", match.name)
    return flows.Go(KECAMATAN_CONFIRM, {**data, CANDIDATE: match.name})


def _confirm_step(accept: Accept) -> flows.Step:
    """Ask "did you mean <name>?" about a near-miss kecamatan; typing again is a new attempt."""

    async def ask(turn: Turn, data: flows.Data) -> flows.Prompt:
        return flows.Prompt(turn.t("reg.kecamatan.confirm", name=str(data.get(CANDIDATE, ""))))

    async def read(turn: Turn, data: flows.Data, answer: flows.Answer) -> flows.Outcome:
        without = {key: value for key, value in data.items() if key != CANDIDATE}
        if answer.text is not None:
            outcome = await _read_kecamatan(turn, without, answer.text, accept)
            return flows.Go("kecamatan", without) if isinstance(outcome, flows.Stay) else outcome
        candidate = data.get(CANDIDATE)
        valid = isinstance(candidate, str) and candidate in turn.services.region.kecamatan
        if answer.value == "yes" and valid:
            return await accept(turn, without, "kecamatan", str(candidate))
        if answer.value in ("yes", "no"):
            return flows.Go("kecamatan", without)
        turn.say("stale_button" if answer.value is not None else "invalid.choice")
        return flows.Stay()

    async def choices(turn: Turn, _data: flows.Data) -> flows.Rows:
        return (
            (
                flows.Choice(turn.t("reg.kecamatan.yes"), "yes"),
                flows.Choice(turn.t("reg.kecamatan.no"), "no"),
            ),
        )

    # Typing here is a new attempt at the name (see read).
    return flows.Step(ask, read, choices, saves="kecamatan", takes_text=True)
