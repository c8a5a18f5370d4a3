"""Registration (/daftar): consent, the participant fields, a session, summary, store."""

from __future__ import annotations

from typing import Final

from handlers.conversation import flows
from handlers.conversation.messages import rows
from handlers.conversation.router import Feature
from handlers.conversation.turn import Turn
from handlers.participants.fields import FIELDS, field_steps
from handlers.participants.preregistered import claim, claimable
from handlers.participants.validation import mask_nik
from handlers.sessions.views import session_details, session_label
from storage.models import EnrollmentStatus, NewParticipant, SessionAvailability

# The numbered steps ("step 2 of 8"); the rest are confirmations and corrections.
STEPS: Final = ("consent", *FIELDS, "session")
SUMMARY: Final = "summary"
PICK: Final = "pick"
WAITLIST: Final = "waitlist"
EDITABLE: Final = (*FIELDS, "session")


async def start(turn: Turn, _arg: str) -> None:
    """Begin registration, or tell a registered person where their data is."""
    participant = await turn.participant()
    if participant is not None:
        turn.say_with_menu("reg.already", name=participant.full_name)
        return
    await FLOW.begin(turn)


def _progress(turn: Turn, step: str, data: flows.Data) -> str:
    if data.get("editing"):
        return ""
    number = STEPS.index(step) + 1
    return turn.t("reg.step", step=number, total=len(STEPS)) + "\n"


async def _accept_field(_turn: Turn, data: flows.Data, field: str, value: str) -> flows.Outcome:
    data[field] = value
    if data.get("editing"):
        return flows.Go(SUMMARY, data)
    return flows.Go(STEPS[STEPS.index(field) + 1], data)


# Consent


async def _ask_consent(turn: Turn, _data: flows.Data) -> flows.Prompt:
    return flows.Prompt(turn.t("reg.consent"))


async def _consent_choices(turn: Turn, _data: flows.Data) -> flows.Rows:
    return (
        (
            flows.Choice(turn.t("reg.consent.yes"), "yes"),
            flows.Choice(turn.t("reg.consent.no"), "no"),
        ),
    )


async def _on_consent(turn: Turn, _data: flows.Data, answer: flows.Answer) -> flows.Outcome:
    if answer.value == "yes":
        return flows.Go("full_name", {"consent": True})
    if answer.value == "no":
        turn.say_with_menu("reg.consent.refused")
        return flows.End()
    turn.say("invalid.choice")
    return flows.Stay()


# Session


async def _open_sessions(turn: Turn) -> list[SessionAvailability]:
    return await turn.storage.sessions.open_for_registration(turn.now)


async def _ask_session(turn: Turn, data: flows.Data) -> flows.Prompt:
    key = "reg.ask.session" if await _open_sessions(turn) else "reg.session.none"
    return flows.Prompt(_progress(turn, "session", data) + turn.t(key))


async def _session_choices(turn: Turn, _data: flows.Data) -> flows.Rows:
    available = await _open_sessions(turn)
    if not available:
        return ((flows.Choice(turn.t("reg.session.skip"), "none"),),)
    return tuple(
        (flows.Choice(session_label(turn, option), option.session.id),)
        for option in available[:10]
    )


async def _on_session(turn: Turn, data: flows.Data, answer: flows.Answer) -> flows.Outcome:
    if answer.value == "none" and not await _open_sessions(turn):
        return flows.Go(SUMMARY, {**data, "session_id": None, "waitlist": False})
    option = await _chosen_session(turn, answer.number)
    if option is None:
        turn.say("invalid.choice" if answer.value is None else "reg.session.closed")
        return flows.Stay()
    data["session_id"] = option.session.id
    if option.free_places > 0:
        return flows.Go(SUMMARY, {**data, "waitlist": False})
    return flows.Go(WAITLIST, data)


async def _chosen_session(turn: Turn, session_id: int | None) -> SessionAvailability | None:
    if session_id is None:
        return None
    for option in await _open_sessions(turn):
        if option.session.id == session_id:
            return option
    return None


async def _ask_waitlist(turn: Turn, data: flows.Data) -> flows.Prompt:
    session = await turn.storage.sessions.get(int(data["session_id"]))
    title = session.title if session is not None else "-"
    return flows.Prompt(turn.t("reg.session.full", title=title))


async def _waitlist_choices(turn: Turn, _data: flows.Data) -> flows.Rows:
    return (
        (flows.Choice(turn.t("reg.session.join_waitlist"), "yes"),),
        (flows.Choice(turn.t("reg.session.other"), "other"),),
    )


async def _on_waitlist(turn: Turn, data: flows.Data, answer: flows.Answer) -> flows.Outcome:
    if answer.value == "yes":
        return flows.Go(SUMMARY, {**data, "waitlist": True})
    if answer.value == "other":
        return flows.Go("session", data)
    turn.say("invalid.choice")
    return flows.Stay()


# Summary, and changing one answer from it


async def _show_summary(turn: Turn, data: flows.Data) -> flows.Prompt:
    return flows.Prompt(
        turn.t(
            "reg.summary",
            full_name=data["full_name"],
            nik=mask_nik(data["nik"]),
            phone=data["phone"],
            business_name=data["business_name"],
            sector=data["sector"],
            kecamatan=data["kecamatan"],
            session=await _session_summary(turn, data),
        )
    )


async def _summary_choices(turn: Turn, _data: flows.Data) -> flows.Rows:
    return (
        (flows.Choice(turn.t("reg.confirm"), "ok"), flows.Choice(turn.t("reg.change"), "change")),
    )


async def _session_summary(turn: Turn, data: flows.Data) -> str:
    session_id = data.get("session_id")
    session = None if session_id is None else await turn.storage.sessions.get(int(session_id))
    if session is None:
        return turn.t("reg.summary.no_session")
    if data.get("waitlist"):
        return turn.t("reg.summary.waitlist", title=session.title)
    return session.title


async def _on_summary(turn: Turn, data: flows.Data, answer: flows.Answer) -> flows.Outcome:
    if answer.value == "ok":
        return await _store(turn, data)
    if answer.value == "change":
        return flows.Go(PICK, data)
    turn.say("invalid.choice")
    return flows.Stay()


async def _ask_pick(turn: Turn, _data: flows.Data) -> flows.Prompt:
    return flows.Prompt(turn.t("reg.pick_field"))


async def _pick_choices(turn: Turn, _data: flows.Data) -> flows.Rows:
    return rows([flows.Choice(turn.t(f"field.{name}"), name) for name in EDITABLE], 2)


async def _on_pick(turn: Turn, data: flows.Data, answer: flows.Answer) -> flows.Outcome:
    chosen = next((name for name in EDITABLE if name == answer.value), None)
    if chosen is None:
        turn.say("invalid.choice")
        return flows.Stay()
    return flows.Go(chosen, {**data, "editing": True})


async def _store(turn: Turn, data: flows.Data) -> flows.Outcome:
    """Store participant, contact link, enrollment and audit entry in this turn's transaction."""
    storage = turn.storage
    registered = await turn.participant()
    if registered is not None:
        turn.say_with_menu("reg.already", name=registered.full_name)
        return flows.End()
    preregistered = await claimable(storage, data["nik"], data["phone"])
    if preregistered is None and await storage.participants.get_by_nik(data["nik"]) is not None:
        turn.say("reg.nik_taken")
        return flows.Go("nik", {**data, "editing": True})
    option = None
    if data.get("session_id") is not None:
        option = await _chosen_session(turn, int(data["session_id"]))
        if option is None:
            turn.say("reg.session.closed")
            return flows.Go("session", data)
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
    turn.say_with_menu("reg.done", name=participant.full_name)
    if option is not None:
        await _enroll(turn, participant.id, option, bool(data.get("waitlist")))
    return flows.End()


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


FLOW: Final = flows.Flow(
    "registration",
    {
        "consent": flows.Step(_ask_consent, _on_consent, _consent_choices, saves="consent"),
        **field_steps(_accept_field, _progress),
        "session": flows.Step(_ask_session, _on_session, _session_choices, saves="session_id"),
        WAITLIST: flows.Step(_ask_waitlist, _on_waitlist, _waitlist_choices, saves="waitlist"),
        SUMMARY: flows.Step(_show_summary, _on_summary, _summary_choices),
        PICK: flows.Step(_ask_pick, _on_pick, _pick_choices),
    },
)

FEATURE = Feature(
    "participants.registration",
    commands={"daftar": start},
    flows=(FLOW,),
    menu={"menu.register": "daftar"},
)
