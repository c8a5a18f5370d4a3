"""The router: one transaction per event, private chats only, and what nobody expected."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest

from bot.features import FEATURES, build_router, domain_services
from handlers.conversation.flows import Flow
from handlers.conversation.messages import Inbound, Reply
from handlers.conversation.payloads import Payload
from handlers.conversation.router import DuplicateRegistration, Feature, Router, lay_out, on
from handlers.conversation.turn import Services, Turn
from handlers.participants.regions import load_region, load_sectors
from handlers.participants.registration import FLOW as REGISTRATION
from storage import Storage
from tests.support.chat import GOOD_NIK, NOW, ZONE, Chat
from tests.support.clock import FrozenClock
from tests.support.registration import GENERIC_ERROR, conversation_of, says


async def count(storage: Storage, table: str) -> int:
    return int(await storage.db.fetch_value(f"SELECT COUNT(*) FROM {table}"))  # noqa: S608


def group_message(**fields: object) -> Inbound:
    return Inbound(
        channel="telegram",
        address="-100123",
        sender_id="1001",
        private=False,
        **fields,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize(
    "inbound",
    [
        group_message(kind="text", text="/daftar"),
        group_message(kind="text", text=GOOD_NIK),
        group_message(kind="button", payload="registration:consent:yes"),
        group_message(kind="contact", contact_phone="+6281234567890", contact_user_id="1001"),
        group_message(kind="unsupported"),
    ],
    ids=["command", "text", "button", "contact", "sticker"],
)
async def test_group_chat_gets_the_group_only_text_and_nothing_is_written(
    router: Router, services: Services, storage: Storage, inbound: Inbound
) -> None:
    replies = await router.handle(inbound, services)
    assert [reply.text for reply in replies if isinstance(reply, Reply)] == [
        "Mohon maaf, layanan ini hanya melayani chat pribadi. "
        "Silakan kirim pesan langsung ke bot ini."
    ]
    for table in ("contact", "conversation", "participant", "audit_log"):
        assert await count(storage, table) == 0, table


async def test_group_chat_does_not_disturb_a_private_flow(
    chat: Chat, router: Router, services: Services, storage: Storage
) -> None:
    await chat.text("/daftar")
    before = await conversation_of(storage, chat)
    await router.handle(group_message(kind="text", text="/batal"), services)
    assert await conversation_of(storage, chat) == before


@pytest.mark.parametrize("typed", ["/terbang", "/Terbang", "/terbang@wub_ikm_bot now"])
async def test_unknown_command(chat: Chat, typed: str) -> None:
    await chat.text(typed)
    assert "Perintah /terbang tidak dikenal" in chat.said
    assert says(chat, "help")


async def test_plain_text_without_a_flow_goes_to_the_help_desk(
    chat: Chat, storage: Storage
) -> None:
    await chat.text("halo")
    assert says(chat, "tanya.opened")
    assert not says(chat, "not_understood")
    assert await conversation_of(storage, chat) is None
    assert await count(storage, "ticket") == 1


async def test_an_officers_plain_text_is_not_understood(chat: Chat, storage: Storage) -> None:
    async with storage.db.transaction():
        await storage.officers.add("telegram", chat.address, "officer", NOW)
    await chat.text("halo")
    assert says(chat, "not_understood")
    menus = [reply.menu for reply in chat.last if isinstance(reply, Reply)]
    assert menus == [chat.router.main_menu("id")]
    assert await count(storage, "ticket") == 0


@pytest.mark.parametrize(
    "payload",
    ["registration:consent:yes", "registration:summary:ok", "erase:confirm:yes", "x", ""],
)
async def test_stale_button_without_a_flow(chat: Chat, storage: Storage, payload: str) -> None:
    await chat.payload(payload)
    assert says(chat, "stale_button")
    assert await conversation_of(storage, chat) is None
    assert await count(storage, "participant") == 0


@pytest.mark.parametrize(
    ("kind", "key"),
    [("unsupported", "unsupported"), ("edited", "edited"), ("photo", "tanya.empty")],
)
async def test_non_text_without_a_flow(chat: Chat, storage: Storage, kind: str, key: str) -> None:
    await chat.kind(kind)
    assert says(chat, key)
    assert GENERIC_ERROR not in chat.said
    assert await conversation_of(storage, chat) is None


async def test_sticker_without_a_flow_offers_help(chat: Chat) -> None:
    await chat.kind("unsupported")
    assert says(chat, "unsupported")
    assert says(chat, "help")


@pytest.mark.parametrize(
    "command", ["/jadwal", "/profil", "/hapus", "/daftar", "/start", "/bahasa"]
)
async def test_command_during_a_flow_is_answered_busy_and_the_question_asked_again(
    chat: Chat, storage: Storage, command: str
) -> None:
    await chat.text("/daftar")
    await chat.press("Setuju")
    await chat.text("Siti Aminah")
    before = await conversation_of(storage, chat)
    await chat.text(command)
    assert "Anda sedang mengisi pendaftaran" in chat.said
    assert says(chat, "reg.ask.nik")
    assert await conversation_of(storage, chat) == before


async def test_menu_label_during_a_flow_is_answered_busy(chat: Chat, storage: Storage) -> None:
    await chat.text("/daftar")
    await chat.text("📅 Jadwal saya")
    assert says(chat, "busy")
    assert says(chat, "reg.consent")


async def test_conversation_of_a_flow_that_no_longer_exists_is_cleared(
    chat: Chat, storage: Storage
) -> None:
    await storage.conversations.save("telegram", chat.address, "survey", "q1", {"a": 1}, NOW)
    await chat.text("halo")
    assert says(chat, "tanya.opened")
    assert GENERIC_ERROR not in chat.said
    assert await conversation_of(storage, chat) is None


@pytest.mark.parametrize(
    "send",
    ["text", "button", "sticker", "command"],
)
async def test_any_event_with_a_vanished_flow_starts_afresh(
    chat: Chat, storage: Storage, send: str
) -> None:
    await storage.conversations.save("telegram", chat.address, "survey", "q1", {}, NOW)
    if send == "text":
        await chat.text("jawaban")
    elif send == "button":
        await chat.payload("survey:q1:yes")
    elif send == "sticker":
        await chat.kind("unsupported")
    else:
        await chat.text("/daftar")
        assert says(chat, "reg.consent")
    assert GENERIC_ERROR not in chat.said
    state = await conversation_of(storage, chat)
    assert state is None or state[0] == "registration"


async def test_each_event_touches_the_contact(
    chat: Chat, storage: Storage, clock: FrozenClock
) -> None:
    await chat.text("halo")
    first = await storage.contacts.get("telegram", chat.address)
    assert first is not None and first.last_inbound_at == NOW
    clock.advance(timedelta(minutes=5))
    await chat.kind("unsupported")
    again = await storage.contacts.get("telegram", chat.address)
    assert again is not None and again.id == first.id
    assert again.last_inbound_at == NOW + timedelta(minutes=5)


class Broken(Exception):
    """A handler bug."""


async def broken_command(turn: Turn, _arg: str) -> None:
    await turn.storage.bot_settings.put("half", "written")
    await turn.save_state("registration", "consent", {})
    raise Broken("bug")


async def test_handler_error_rolls_back_apologises_and_logs_without_personal_data(
    services: Services, storage: Storage, caplog: pytest.LogCaptureFixture
) -> None:
    router = Router((*FEATURES, Feature("test.broken", commands={"rusak": broken_command})))
    chat = Chat(router, services)
    with caplog.at_level(logging.ERROR, logger="handlers.conversation.router"):
        await chat.text(f"/rusak {GOOD_NIK}")
    assert chat.said == GENERIC_ERROR
    assert await storage.bot_settings.get("half") is None
    assert await conversation_of(storage, chat) is None
    assert await count(storage, "contact") == 0
    errors = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert len(errors) == 1
    assert errors[0].exc_info is not None and errors[0].exc_info[0] is Broken
    assert GOOD_NIK not in caplog.text
    assert chat.address not in errors[0].getMessage()
    # The next event is served normally.
    await chat.text("/start")
    assert says(chat, "welcome")


async def test_ordinary_traffic_logs_no_errors(
    chat: Chat, storage: Storage, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        for typed in ("/start", "/daftar", "🙂", "/batal", "/jadwal", "/bahasa", "x" * 5000):
            await chat.text(typed)
        await chat.payload("registration:sector:²")
        await chat.kind("unsupported")
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []


@pytest.mark.parametrize("send", ["text", "button", "sticker", "command"])
async def test_registration_stored_at_a_step_that_no_longer_exists_carries_on(
    chat: Chat, storage: Storage, send: str
) -> None:
    # E.g. a step renamed by an upgrade: the person must never be left without an answer.
    await storage.conversations.save(
        "telegram", chat.address, "registration", "desa", {"full_name": "Siti Aminah"}, NOW
    )
    if send == "text":
        await chat.text("Karangasih")
    elif send == "button":
        await chat.payload("registration:desa:1")
    elif send == "sticker":
        await chat.kind("unsupported")
    else:
        await chat.text("/jadwal")
    assert GENERIC_ERROR not in chat.said
    # Apologise, keep the name, and ask the first question still unanswered (consent).
    assert says(chat, "flow_restarted")
    assert says(chat, "reg.consent")
    assert chat.labels() == ["Setuju", "Tidak setuju"]
    kept = {"full_name": "Siti Aminah"}
    assert await conversation_of(storage, chat) == ("registration", "consent", kept)
    await chat.press("Setuju")
    assert says(chat, "reg.ask.full_name")


async def test_an_event_while_another_process_holds_the_write_lock_is_answered_after_it(
    tmp_path: Path, clock: FrozenClock, caplog: pytest.LogCaptureFixture
) -> None:
    storage = await Storage.open(tmp_path / "bot.sqlite3", NOW)
    desk = sqlite3.connect(storage.db.path, isolation_level=None)
    try:
        services = Services(
            storage=storage,
            clock=clock,
            zone=ZONE,
            region=load_region(),
            sectors=load_sectors(),
            provided=domain_services(),
        )
        chat = Chat(build_router(), services)
        desk.execute("BEGIN IMMEDIATE")
        answer = asyncio.create_task(chat.text("/start"))
        while storage.db.busy_retries < 3:  # noqa: ASYNC110 - a counter, no event to wait on
            await asyncio.sleep(0.005)
        assert not answer.done()
        desk.execute("COMMIT")
        with caplog.at_level(logging.ERROR):
            await answer
        assert chat.said != GENERIC_ERROR
        assert says(chat, "welcome")
        assert await count(storage, "contact") == 1
        assert [record for record in caplog.records if record.levelno >= logging.ERROR] == []
    finally:
        desk.close()
        await storage.close()


async def _nothing(_turn: Turn, _arg: str) -> None:
    """Do nothing (a registration to collide with)."""


@dataclass(frozen=True)
class _Calendar(Payload, prefix="ics"):
    """A second family under the calendar's prefix."""

    other: int


async def _pressed(_turn: Turn, _pressed: _Calendar) -> None:
    """Do nothing (a registration to collide with)."""


@pytest.mark.parametrize(
    ("feature", "message"),
    [
        (Feature("test.twin", commands={"daftar": _nothing}), "command '/daftar'"),
        (Feature("test.twin", flows=(REGISTRATION,)), "flow or button prefix 'registration'"),
        (Feature("test.twin", buttons=(on(_Calendar, _pressed),)), "prefix 'ics'"),
        (
            Feature("test.twin", menu={"menu.register": "daftar"}),
            "menu label '📝 (Daftar|Register)'",
        ),
        (Feature("test.twin", keywords={"stop": "berhenti"}), "keyword 'stop'"),
    ],
    ids=["command", "flow", "button_prefix", "menu_label", "keyword"],
)
def test_a_second_registration_is_refused_at_start_naming_both_features(
    feature: Feature, message: str
) -> None:
    with pytest.raises(DuplicateRegistration, match=message) as refused:
        Router((*FEATURES, feature))
    assert "'test.twin'" in str(refused.value)
    assert "'participants." in str(refused.value) or "'sessions." in str(refused.value)


def test_a_flow_named_like_another_features_buttons_is_refused() -> None:
    twin = Flow("rsvp", {"only": REGISTRATION.steps["consent"]})
    with pytest.raises(DuplicateRegistration, match="'sessions.rsvp' and 'test.twin'"):
        Router((*FEATURES, Feature("test.twin", flows=(twin,))))


def test_every_feature_registers_without_a_clash() -> None:
    router = build_router()
    assert {"daftar", "sesi", "siaran", "berhenti"} <= set(router.commands)


@pytest.mark.parametrize(
    ("rows", "claimed", "laid_out"),
    [
        ((("a", "b"), ("c",)), ["c", "a", "b"], (("a", "b"), ("c",))),
        # Keys no feature claims drop out, and so does a row left empty.
        ((("a", "x"), ("y",), ("b",)), ["a", "b"], (("a",), ("b",))),
        # Keys nobody placed follow in rows of three, in the features' order.
        ((("a",),), ["a", "b", "c", "d", "e"], (("a",), ("b", "c", "d"), ("e",))),
        ((), ["a", "b"], (("a", "b"),)),
        # A key placed twice keeps its first place.
        ((("a", "a"), ("b", "a")), ["a", "b"], (("a",), ("b",))),
        ((("a",),), [], ()),
    ],
)
def test_the_menu_shows_what_the_features_claim(
    rows: tuple[tuple[str, ...], ...], claimed: list[str], laid_out: tuple[tuple[str, ...], ...]
) -> None:
    assert lay_out(rows, claimed) == laid_out


async def test_a_router_over_some_features_works_with_only_their_buttons(
    services: Services,
) -> None:
    from handlers.participants.features import FEATURES as PARTICIPANTS

    router = Router(PARTICIPANTS, (("menu.register", "menu.schedule"), ("menu.help", "menu.ask")))
    chat = Chat(router, services)
    await chat.text("/start")
    menus = [reply.menu for reply in chat.last if isinstance(reply, Reply) and reply.menu]
    # Placed where the rows say; the keys they leave out follow in the features' order.
    assert menus == [(("📝 Daftar",), ("❓ Bantuan",), ("🌐 Bahasa", "👤 Profil saya"))]
    await chat.text("/jadwal")
    assert says(chat, "unknown_command")
