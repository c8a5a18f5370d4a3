"""The button codec: typed pack/unpack, strict numbers, 64 bytes, one refusal everywhere."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from bot.features import FEATURES
from handlers.conversation.payloads import (
    MAX_BYTES,
    MAX_ID,
    BadPayload,
    Family,
    Payload,
    prefix_of,
    read_number,
    step_answers,
)
from handlers.conversation.router import Router
from handlers.conversation.turn import Services
from handlers.sessions.desk import Attendance, DeskButton, ListSessions, ShowSession
from handlers.sessions.rsvp import Rsvp
from storage import Storage
from tests.support.chat import Chat
from tests.support.officers import OFFICER, make_officer

# The codec is tested on real payload classes: the /sesi desk's family and the RSVP button.
Desk = DeskButton
Show = ShowSession
Page = Attendance
Home = ListSessions
Vote = Rsvp


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0", 0),
        ("42", 42),
        ("007", 7),
        (str(MAX_ID), MAX_ID),
        (str(MAX_ID + 1), None),
        ("9" * 5000, None),
        ("", None),
        ("²", None),
        ("١٢٣", None),
        ("+1", None),
        ("-1", None),
        (" 1", None),
        ("1_000", None),
        ("1.0", None),
    ],
)
def test_read_number_takes_plain_ascii_digits_only(text: str, expected: int | None) -> None:
    assert read_number(text) == expected


@pytest.mark.parametrize(
    "value",
    [
        "",
        "²",  # isdigit() is True, int() raises
        "١٢",  # Arabic-Indic digits: int() would read 12
        "٣",
        "１２",  # fullwidth
        "𝟏",  # mathematical bold digit
        "-1",
        "+1",
        "01",
        "007",
        " 1",
        "1 ",
        "1\n",
        "1_000",
        "1e3",
        "0x10",
        "1.0",
        "9" * 19,
        "9" * 5000,
        "1; DROP TABLE",
    ],
)
def test_payload_numbers_are_only_those_the_bot_writes(value: str) -> None:
    assert read_number(value, canonical=True) is None
    with pytest.raises(BadPayload):
        Show.unpack(f"sesi:show:{value}")


@pytest.mark.parametrize(("value", "expected"), [("0", 0), ("7", 7), ("9" * 18, 10**18 - 1)])
def test_payload_numbers_in_canonical_form_are_read(value: str, expected: int) -> None:
    assert read_number(value, canonical=True) == expected
    assert Show.unpack(f"sesi:show:{value}") == Show(expected)


def test_every_number_of_a_payload_must_be_good() -> None:
    assert Page.unpack("sesi:hadir:3:0") == Page(3, 0)
    with pytest.raises(BadPayload):
        Page.unpack("sesi:hadir:3:²")


def test_read_number_respects_the_maximum() -> None:
    assert read_number("1000", 1000) == 1000
    assert read_number("1001", 1000) is None
    assert read_number("10000", 1000) is None


@pytest.mark.parametrize(
    ("payload", "packed"),
    [
        (Show(5), "sesi:show:5"),
        (Page(5, 0), "sesi:hadir:5:0"),
        (Home(), "sesi:list"),
        (Vote(3, "no"), "rsvp:3:no"),
    ],
)
def test_pack_and_unpack_round_trip(payload: Payload, packed: str) -> None:
    assert payload.pack() == packed
    assert type(payload).unpack(packed) == payload


@pytest.mark.parametrize(
    "forged",
    [
        "sesi:show",
        "sesi:show:",
        "sesi:show:5:6",
        "sesi:show:²",
        "sesi:show:-1",
        "sesi:show:x",
        f"sesi:show:{MAX_ID + 1}",
        "sesi:show:" + "9" * 5000,
        "sesi:hadir:5",
        "sesi:list:1",
        "sesi:bogus:1",
        "desk",
        "rsvp:3:maybe",
        "rsvp:3",
        "rsvp:3:YES",
        "other:show:5",
        "",
        ":::",
    ],
)
def test_forged_or_truncated_payloads_are_refused(forged: str) -> None:
    family = Family.of([Show, Page, Home])
    target = Vote if forged.startswith("rsvp") else family
    with pytest.raises(BadPayload):
        target.unpack(forged)


def test_packing_refuses_more_than_64_bytes() -> None:
    answers = step_answers("a_rather_long_flow_name_here")
    assert len(answers("step", "value").pack().encode()) <= MAX_BYTES
    with pytest.raises(ValueError, match="64 bytes"):
        answers("a_long_step_name_for_a_test", "a_long_value_for_a_test").pack()
    with pytest.raises(BadPayload):
        answers.unpack("a_rather_long_flow_name_here:step:" + "9" * 40)


def test_packing_refuses_values_the_codec_could_not_read_back() -> None:
    with pytest.raises(ValueError):
        Show(-1).pack()
    with pytest.raises(ValueError):
        Vote(1, "maybe").pack()  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        step_answers("flow")("step", "two words").pack()


def test_unsupported_field_types_are_refused_when_declared() -> None:
    @dataclass(frozen=True)
    class Floaty(Payload, prefix="floaty"):
        amount: float

    with pytest.raises(TypeError):
        Floaty.specification()


def test_a_family_refuses_two_classes_with_one_tag() -> None:
    @dataclass(frozen=True)
    class AlsoShow(Desk, tag="show"):
        other: int

    with pytest.raises(ValueError, match="share 'sesi:show'"):
        Family.of([Show, AlsoShow])


def test_a_family_names_the_audited_action() -> None:
    family = Family.of([Show, Page, Home])
    assert family.audit_action("sesi:show:x") == "sesi.show"
    assert family.audit_action("sesi:nope:1") == "sesi.unknown"
    assert family.audit_action("sesi") == "sesi.unknown"
    assert prefix_of("sesi:show:1") == "sesi" and prefix_of("garbage") == "garbage"


def test_step_answers_keep_the_flow_step_value_format() -> None:
    answers = step_answers("registration")
    assert answers is step_answers("registration")
    assert answers("kecamatan_confirm", "yes").pack() == "registration:kecamatan_confirm:yes"
    assert answers.unpack("registration:sector:3") == answers("sector", "3")
    with pytest.raises(BadPayload):
        answers.unpack("registration:sector:²")


def test_every_button_family_packs_its_largest_ids_within_64_bytes() -> None:
    router = Router(FEATURES)
    for desk in router.desks.values():
        for member in desk.family.members.values():
            values = {}
            for spec in member.specification():
                values[spec.name] = MAX_ID if spec.kind == "number" else max(spec.options, key=len)
            packed = member(**values).pack()
            assert len(packed.encode()) <= MAX_BYTES
            assert member.unpack(packed) == member(**values)


# Old buttons in sent messages and outbox rows: every format the bot ever packed still reads.
OLD_PAYLOADS = [
    "lang:en",
    "ics:all",
    "rsvp:12:yes",
    "offer:7:skip",
    "alat:item:3",
    "alat:ans:3:d",
    "alat:proof:3",
    "alat:next",
    "alat:bast",
    "alatp:resolve:4",
    "alatp:bastp:9",
    "sesi:hadir:2:0",
    "sesi:mark:2:11",
    "petugas:rmok:5",
    "ekspor:allocations:xlsx",
    "profile:edit:kecamatan",
    "profile:erase:ask",
]


@pytest.mark.parametrize("old", OLD_PAYLOADS)
def test_payloads_packed_by_earlier_versions_still_read(old: str) -> None:
    desk = Router(FEATURES).desks[prefix_of(old)]
    assert desk.family.unpack(old).pack() == old


@pytest.mark.parametrize(
    ("forged", "target"),
    [
        ("sesi:show:²", "sesi.show"),
        ("sesi:hadir:1", "sesi.hadir"),
        ("sesi:bogus", "sesi.unknown"),
        ("petugas:rm:1:2", "petugas.rm"),
        ("alatp:case:", "equipment.case"),
        ("ekspor:everything:pdf", "ekspor.file"),
    ],
)
async def test_a_forged_officer_payload_is_refused_politely_and_audited(
    router: Router, services: Services, storage: Storage, forged: str, target: str
) -> None:
    await make_officer(storage, OFFICER, "admin")
    desk = Chat(router, services, OFFICER)
    await desk.payload(forged)
    assert desk.said == "Tombol itu berasal dari pesan lama dan sudah tidak berlaku."
    entry = (await storage.audit.latest(1))[0]
    assert (entry.actor, entry.action, entry.target) == ("officer:1", "payload.refused", target)
    assert await storage.conversations.get("telegram", OFFICER) is None


@pytest.mark.parametrize("forged", ["rsvp:1:²", "offer:x:take", "alat:ans:1:x", "lang:xx"])
async def test_a_forged_participant_payload_is_refused_politely_and_writes_nothing(
    chat: Chat, storage: Storage, forged: str
) -> None:
    await chat.payload(forged)
    assert chat.said == "Tombol itu berasal dari pesan lama dan sudah tidak berlaku."
    assert await storage.audit.latest() == []
