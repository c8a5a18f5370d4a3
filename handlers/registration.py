"""Registration (/daftar): consent, the participant fields, a session, summary, store."""

from __future__ import annotations

from typing import Any, Final

from handlers import fields
from handlers.core import Button, rows
from handlers.payload_ids import parse_id
from handlers.preregistered import claim, claimable
from handlers.router import Feature
from handlers.sessions_view import session_details, session_label
from handlers.turn import Turn
from handlers.validation import mask_nik
from storage.models import EnrollmentStatus, NewParticipant, SessionAvailability

FLOW: Final = "registration"
STEPS: Final = ("consent", *fields.FIELDS, "session")
SUMMARY: Final = "summary"
PICK: Final = "pick"
WAITLIST: Final = "waitlist"
EDITABLE: Final = (*fields.FIELDS, "session")


async def start(turn: Turn, _arg: str) -> None:
    """Begin registration, or tell a registered person where their data is."""
    participant = await turn.participant()
    if participant is not None:
        turn.say_with_menu("reg.already", name=participant.full_name)
        return
    await turn.save_state(FLOW, "consent", {})
    _ask_consent(turn)


def _ask_consent(turn: Turn) -> None:
    buttons = (
        (
            Button(turn.t("reg.consent.yes"), fields.payload(FLOW, "consent", "yes")),
            Button(turn.t("reg.consent.no"), fields.payload(FLOW, "consent", "no")),
        ),
    )
    turn.say("reg.consent", buttons=buttons)


class RegistrationFlow:
    """The /daftar conversation, resumable at any step after a restart."""

    name = FLOW

    async def prompt(self, turn: Turn) -> None:
        """Ask again what the current step needs."""
        assert turn.conversation is not None  # noqa: S101 - the router checks
        await _ask_step(turn, turn.conversation.step, dict(turn.conversation.data))

    async def resume(self, turn: Turn) -> None:
        """Handle the answer at the current step."""
        assert turn.conversation is not None  # noqa: S101 - the router checks
        step = turn.conversation.step
        data = dict(turn.conversation.data)
        if fields.is_stale_button(turn, FLOW, step):
            turn.say("stale_button")
            await _ask_step(turn, step, data)
        elif step == "consent":
            await _on_consent(turn)
        elif step in (*fields.FIELDS, fields.KECAMATAN_CONFIRM):
            await _on_field(turn, step, data)
        elif step == "session":
            await _on_session(turn, data)
        elif step == WAITLIST:
            await _on_waitlist(turn, data)
        elif step == SUMMARY:
            await _on_summary(turn, data)
        elif step == PICK:
            await _on_pick(turn, data)
        else:
            await _ask_step(turn, step, data)


async def _ask_step(turn: Turn, step: str, data: dict[str, Any]) -> None:
    if step == "consent":
        _ask_consent(turn)
    elif step in (*fields.FIELDS, fields.KECAMATAN_CONFIRM):
        fields.ask(turn, FLOW, step, _progress(turn, step, data))
    elif step == "session":
        await _ask_session(turn, data)
    elif step == WAITLIST:
        await _ask_waitlist(turn, data)
    elif step == SUMMARY:
        await _show_summary(turn, data)
    elif step == PICK:
        _ask_pick(turn)
    else:
        # A step this version no longer has (stored before an upgrade): start afresh.
        await _go(turn, "consent", {})


def _progress(turn: Turn, step: str, data: dict[str, Any]) -> str:
    if data.get("editing"):
        return ""
    if step == fields.KECAMATAN_CONFIRM:
        step = "kecamatan"
    number = STEPS.index(step) + 1
    return turn.t("reg.step", step=number, total=len(STEPS)) + "\n"


async def _on_consent(turn: Turn) -> None:
    answer = fields.button_value(turn, FLOW, "consent")
    if answer == "yes":
        data = {"consent": True}
        await _go(turn, "full_name", data)
    elif answer == "no":
        await turn.end_flow()
        turn.say_with_menu("reg.consent.refused")
    else:
        turn.say("invalid.choice")
        _ask_consent(turn)


async def _go(turn: Turn, step: str, data: dict[str, Any]) -> None:
    """Save the state at step and ask its question."""
    await turn.save_state(FLOW, step, data)
    await _ask_step(turn, step, data)


async def _on_field(turn: Turn, step: str, data: dict[str, Any]) -> None:
    outcome = await fields.read(turn, FLOW, step, data)
    if outcome.wait_step is not None:
        await turn.save_state(FLOW, outcome.wait_step, data)
        return
    if outcome.value is None:
        if step in fields.CHOICE_STEPS:
            fields.ask(turn, FLOW, step)
        return
    field = "kecamatan" if step == fields.KECAMATAN_CONFIRM else step
    data[field] = outcome.value
    if data.get("editing"):
        await _go(turn, SUMMARY, data)
        return
    await _go(turn, STEPS[STEPS.index(field) + 1], data)


async def _open_sessions(turn: Turn) -> list[SessionAvailability]:
    return await turn.storage.sessions.open_for_registration(turn.now)


async def _ask_session(turn: Turn, data: dict[str, Any]) -> None:
    available = await _open_sessions(turn)
    prefix = _progress(turn, "session", data)
    if not available:
        skip = Button(turn.t("reg.session.skip"), fields.payload(FLOW, "session", "none"))
        turn.say_text(prefix + turn.t("reg.session.none"), buttons=((skip,),))
        return
    choices = [
        Button(
            session_label(turn, option),
            fields.payload(FLOW, "session", str(option.session.id)),
        )
        for option in available[:10]
    ]
    turn.say_text(prefix + turn.t("reg.ask.session"), buttons=rows(choices, 1))


async def _on_session(turn: Turn, data: dict[str, Any]) -> None:
    chosen = fields.button_value(turn, FLOW, "session")
    if chosen == "none" and not await _open_sessions(turn):
        data.update(session_id=None, waitlist=False)
        await _go(turn, SUMMARY, data)
        return
    option = await _chosen_session(turn, chosen)
    if option is None:
        turn.say("invalid.choice" if chosen is None else "reg.session.closed")
        await _ask_session(turn, data)
        return
    data["session_id"] = option.session.id
    if option.free_places > 0:
        data["waitlist"] = False
        await _go(turn, SUMMARY, data)
    else:
        await _go(turn, WAITLIST, data)


async def _chosen_session(turn: Turn, chosen: str | None) -> SessionAvailability | None:
    session_id = parse_id(chosen)
    if session_id is None:
        return None
    for option in await _open_sessions(turn):
        if option.session.id == session_id:
            return option
    return None


async def _ask_waitlist(turn: Turn, data: dict[str, Any]) -> None:
    session = await turn.storage.sessions.get(int(data["session_id"]))
    title = session.title if session is not None else "-"
    buttons = (
        (Button(turn.t("reg.session.join_waitlist"), fields.payload(FLOW, WAITLIST, "yes")),),
        (Button(turn.t("reg.session.other"), fields.payload(FLOW, WAITLIST, "other")),),
    )
    turn.say("reg.session.full", buttons=buttons, title=title)


async def _on_waitlist(turn: Turn, data: dict[str, Any]) -> None:
    answer = fields.button_value(turn, FLOW, WAITLIST)
    if answer == "yes":
        data["waitlist"] = True
        await _go(turn, SUMMARY, data)
    elif answer == "other":
        await _go(turn, "session", data)
    else:
        turn.say("invalid.choice")
        await _ask_waitlist(turn, data)


async def _show_summary(turn: Turn, data: dict[str, Any]) -> None:
    buttons = (
        (
            Button(turn.t("reg.confirm"), fields.payload(FLOW, SUMMARY, "ok")),
            Button(turn.t("reg.change"), fields.payload(FLOW, SUMMARY, "change")),
        ),
    )
    turn.say(
        "reg.summary",
        buttons=buttons,
        full_name=data["full_name"],
        nik=mask_nik(data["nik"]),
        phone=data["phone"],
        business_name=data["business_name"],
        sector=data["sector"],
        kecamatan=data["kecamatan"],
        session=await _session_summary(turn, data),
    )


async def _session_summary(turn: Turn, data: dict[str, Any]) -> str:
    session_id = data.get("session_id")
    session = None if session_id is None else await turn.storage.sessions.get(int(session_id))
    if session is None:
        return turn.t("reg.summary.no_session")
    if data.get("waitlist"):
        return turn.t("reg.summary.waitlist", title=session.title)
    return session.title


async def _on_summary(turn: Turn, data: dict[str, Any]) -> None:
    answer = fields.button_value(turn, FLOW, SUMMARY)
    if answer == "ok":
        await _store(turn, data)
    elif answer == "change":
        await _go(turn, PICK, data)
    else:
        turn.say("invalid.choice")
        await _show_summary(turn, data)


def _ask_pick(turn: Turn) -> None:
    choices = [
        Button(turn.t(f"field.{name}"), fields.payload(FLOW, PICK, name)) for name in EDITABLE
    ]
    turn.say("reg.pick_field", buttons=rows(choices, 2))


async def _on_pick(turn: Turn, data: dict[str, Any]) -> None:
    chosen = fields.button_value(turn, FLOW, PICK)
    if chosen not in EDITABLE:
        turn.say("invalid.choice")
        _ask_pick(turn)
        return
    data["editing"] = True
    await _go(turn, chosen, data)


async def _store(turn: Turn, data: dict[str, Any]) -> None:
    """Store participant, contact link, enrollment and audit entry in this turn's transaction."""
    storage = turn.storage
    registered = await turn.participant()
    if registered is not None:
        await turn.end_flow()
        turn.say_with_menu("reg.already", name=registered.full_name)
        return
    preregistered = await claimable(storage, data["nik"], data["phone"])
    if preregistered is None and await storage.participants.get_by_nik(data["nik"]) is not None:
        turn.say("reg.nik_taken")
        data["editing"] = True
        await _go(turn, "nik", data)
        return
    option = None
    if data.get("session_id") is not None:
        option = await _chosen_session(turn, str(data["session_id"]))
        if option is None:
            turn.say("reg.session.closed")
            await _go(turn, "session", data)
            return
    new = NewParticipant(
        nik=data["nik"],
        full_name=data["full_name"],
        phone=data["phone"],
        business_name=data["business_name"],
        sector=data["sector"],
        kecamatan=data["kecamatan"],
        language=turn.language if turn.language in ("id", "en") else "id",
    )
    if preregistered is None:
        participant = await storage.participants.create(new, turn.now)
    else:
        participant = await claim(storage, preregistered, new, turn.now)
    await storage.contacts.link(turn.contact.channel, turn.contact.address, participant.id)
    action = "participant.register" if preregistered is None else "participant.claim"
    await storage.audit.record(f"participant:{participant.id}", action, None, turn.now)
    await turn.end_flow()
    turn.say_with_menu("reg.done", name=participant.full_name)
    if option is not None:
        await _enroll(turn, participant.id, option, bool(data.get("waitlist")))


async def _enroll(
    turn: Turn, participant_id: int, option: SessionAvailability, wants_waitlist: bool
) -> None:
    full = option.free_places <= 0
    status: EnrollmentStatus = "waitlisted" if full else "enrolled"
    await turn.storage.enrollments.enroll(participant_id, option.session.id, status, turn.now)
    if status == "enrolled":
        turn.say_text(session_details(turn, option.session, "reg.done.enrolled"))
        return
    if full and not wants_waitlist:
        turn.say("reg.done.became_full")
    turn.say_text(session_details(turn, option.session, "reg.done.waitlisted"))


FEATURE = Feature(
    commands={"daftar": start},
    flows={FLOW: RegistrationFlow()},
    menu={"menu.register": "daftar"},
)
