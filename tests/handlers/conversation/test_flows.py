"""The step-table engine: what every flow gets for free (restarts, re-checks, refusals)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.features import FEATURES
from handlers.conversation.flows import Answer, Choice, Data, Flow, Go, Outcome, Prompt, Rows, Step
from handlers.conversation.messages import Inbound
from handlers.conversation.router import Feature, Router
from handlers.conversation.turn import Services, Turn
from handlers.participants.registration import FLOW as REGISTRATION
from handlers.sessions.calendar import CalendarFile
from storage import Storage
from tests.support.chat import NOW, Chat, add_session
from tests.support.officers import OFFICER, make_officer
from tests.support.registration import GENERIC_ERROR, conversation_of, says


async def test_a_removed_step_apologises_keeps_answers_and_asks_the_first_unanswered(
    chat: Chat, storage: Storage
) -> None:
    answered = {"consent": True, "full_name": "Siti Aminah", "nik": "3216015505900002"}
    # `desa` and `editing` belong to no step of this version: they are dropped.
    stored = {**answered, "desa": "Karangasih", "editing": True}
    await storage.conversations.save("telegram", chat.address, "registration", "desa", stored, NOW)
    await chat.text("Karangasih")
    assert GENERIC_ERROR not in chat.said
    assert says(chat, "flow_restarted") and says(chat, "reg.ask.phone")
    assert await conversation_of(storage, chat) == ("registration", "phone", answered)
    await chat.contact("+62 812-3456-7890")
    assert says(chat, "reg.ask.business_name")


async def test_a_removed_step_of_an_officer_flow_keeps_what_the_flow_began_with(
    router: Router, services: Services, storage: Storage
) -> None:
    session = await add_session(storage)
    await make_officer(storage, OFFICER)
    desk = Chat(router, services, OFFICER)
    start = (NOW + timedelta(days=9)).isoformat()
    data = {"session_id": session.id, "starts_at": start, "reason": "old"}
    await storage.conversations.save("telegram", OFFICER, "sesi_move", "why", data, NOW)
    await desk.text("hujan")
    assert says(desk, "flow_restarted") and says(desk, "sesi.move.ask_end")
    kept = {"session_id": session.id, "starts_at": start}
    assert await conversation_of(storage, desk) == ("sesi_move", "ends_at", kept)


@pytest.fixture
async def desk(router: Router, services: Services, storage: Storage) -> Chat:
    """An officer who has just begun creating a session."""
    await make_officer(storage, OFFICER)
    chat = Chat(router, services, OFFICER)
    await chat.payload("sesi:new")
    assert says(chat, "sesi.new.ask.code")
    return chat


async def test_an_officer_removed_mid_flow_is_stopped_when_the_question_comes_again(
    desk: Chat, storage: Storage
) -> None:
    await storage.db.execute("DELETE FROM officer")
    # A command in the middle of a flow asks its question again: the role is read again first.
    await desk.text("/jadwal")
    assert says(desk, "busy") and says(desk, "officer.denied")
    assert not says(desk, "sesi.new.ask.code")
    assert await conversation_of(storage, desk) is None
    assert (await storage.audit.latest(1))[0].action == "denied:sesi_new"


async def test_a_forged_button_in_an_officer_flow_is_refused_and_audited(
    desk: Chat, storage: Storage
) -> None:
    before = await conversation_of(storage, desk)
    await desk.payload("sesi_new:code:²")
    assert says(desk, "stale_button") and says(desk, "sesi.new.ask.code")
    assert await conversation_of(storage, desk) == before
    entry = (await storage.audit.latest(1))[0]
    assert (entry.actor, entry.action, entry.target) == (
        "officer:1",
        "payload.refused",
        "sesi.new",
    )


async def test_a_button_of_another_step_is_an_old_button(chat: Chat, storage: Storage) -> None:
    await chat.text("/daftar")
    await chat.press("Setuju")
    before = await conversation_of(storage, chat)
    await chat.payload("registration:consent:yes")
    assert says(chat, "stale_button") and says(chat, "reg.ask.full_name")
    assert await conversation_of(storage, chat) == before


async def test_a_step_declares_the_choices_it_offers(
    chat: Chat, services: Services, storage: Storage
) -> None:
    await chat.text("/daftar")
    contact = await storage.contacts.get("telegram", chat.address)
    conversation = await storage.conversations.get("telegram", chat.address)
    assert contact is not None and conversation is not None
    inbound = Inbound(channel="telegram", address=chat.address, kind="text", text="x")
    turn = Turn(inbound, services, contact, conversation, NOW)
    rows = await REGISTRATION.offered(turn)
    assert [[choice.label for choice in row] for row in rows] == [["Setuju", "Tidak setuju"]]
    assert [REGISTRATION.pack("consent", choice).payload for choice in rows[0]] == [
        "registration:consent:yes",
        "registration:consent:no",
    ]
    # The buttons the person was shown are exactly the declared choices.
    assert chat.labels() == ["Setuju", "Tidak setuju"]


async def _loops(_turn: Turn, data: Data) -> Go:
    return Go("again", data)


async def _never(_turn: Turn, _data: Data, _answer: Answer) -> Outcome:
    raise AssertionError("never read")


LOOPING = Flow("looping", {"again": Step(_loops, _never)})


async def _start_looping(turn: Turn, _arg: str) -> None:
    await LOOPING.begin(turn)


async def test_a_step_that_keeps_sending_elsewhere_is_a_bug_rolled_back(
    services: Services, storage: Storage
) -> None:
    feature = Feature("test.looping", commands={"putar": _start_looping}, flows=(LOOPING,))
    chat = Chat(Router((*FEATURES, feature)), services)
    await chat.text("/putar")
    assert chat.said == GENERIC_ERROR
    assert await conversation_of(storage, chat) is None


async def _ask_pick(turn: Turn, _data: Data) -> Prompt:
    return Prompt("pick")


async def _pick_choices(_turn: Turn, _data: Data) -> Rows:
    return ((Choice("here", "one"), Choice("calendar", CALENDAR)),)


CALENDAR = CalendarFile()


def test_a_choice_may_be_another_features_button() -> None:
    flow = Flow("picking", {"pick": Step(_ask_pick, _never, _pick_choices)})
    assert flow.pack("pick", Choice("here", "one")).payload == "picking:pick:one"
    assert flow.pack("pick", Choice("calendar", CALENDAR)).payload == "ics:all"
    assert flow.pack("pick", Choice("number", 7)).payload == "picking:pick:7"


async def test_a_typed_near_miss_is_asked_back_and_yes_presses_the_button(
    chat: Chat, storage: Storage
) -> None:
    await chat.text("/daftar")
    before = await conversation_of(storage, chat)
    await chat.text("stuju")
    assert "Maksud Anda «Setuju»?" in chat.said
    assert chat.labels() == ["Ya", "Bukan"]
    assert await conversation_of(storage, chat) == before
    await chat.press("Ya")
    assert says(chat, "reg.ask.full_name")


async def test_no_after_a_near_miss_asks_the_question_again(chat: Chat, storage: Storage) -> None:
    await chat.text("/daftar")
    before = await conversation_of(storage, chat)
    await chat.text("stuju")
    await chat.press("Bukan")
    assert says(chat, "reg.consent")
    assert await conversation_of(storage, chat) == before


@pytest.mark.parametrize("typed", ["SETUJU", "✅ setuju!!", "  setuju ", "1", "1."])
async def test_typing_the_consent_label_or_its_number_consents(chat: Chat, typed: str) -> None:
    await chat.text("/daftar")
    await chat.text(typed)
    assert says(chat, "reg.ask.full_name")


@pytest.mark.parametrize("typed", ["3", "ya", "'; DROP TABLE participant;--", "🙂", "x" * 5000])
async def test_other_text_at_a_choice_step_changes_nothing(
    chat: Chat, storage: Storage, typed: str
) -> None:
    await chat.text("/daftar")
    before = await conversation_of(storage, chat)
    await chat.text(typed)
    assert not says(chat, "reg.ask.full_name")
    assert await conversation_of(storage, chat) == before
