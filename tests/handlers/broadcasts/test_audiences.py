"""Who a broadcast goes to: exact recipient sets over a built population."""

from __future__ import annotations

from datetime import timedelta

import pytest

from handlers.broadcasts.audiences import (
    Audience,
    InvalidAudience,
    count_audience,
    parse_audience,
    resolve_audience,
    select_recipients,
)
from handlers.participants.regions import load_region, load_sectors
from storage import Storage
from storage.broadcasts import AudienceMember
from tests.support.chat import NOW, add_session
from tests.support.officers import allocate, enroll, person

SECTORS = load_sectors()
KECAMATAN = load_region().kecamatan


@pytest.fixture
async def population(storage: Storage) -> None:
    """Eight participants, one unregistered chat, two sessions, allocations in every state.

    | # | kecamatan     | sector    | BTK-01 (started) | BTK-02     | equipment   | chat      |
    | 1 | Setu          | Kerajinan | enrolled, came   |            | confirmed   | 1         |
    | 2 | Setu          | Makanan   | enrolled, absent |            | unconfirmed | 2 blocked |
    | 3 | Cibitung      | Kerajinan | enrolled, absent |            |             | 3 opt out |
    | 4 | Cibitung      | Makanan   | waitlisted       | enrolled   | unconfirmed | 4, wa 4   |
    | 5 | Tambun Sel.   | Kerajinan |                  | enrolled   | unconfirmed | none      |
    | 6 | Setu (erased) | Kerajinan | enrolled, absent |            |             | 6         |
    | 7 | Setu          | Kerajinan | cancelled        | waitlisted | not handed  | 7         |
    | 8 | Setu          | Makanan   |                  |            | damaged     | 8         |
    """
    started = await add_session(storage, "BTK-01", starts_in=-timedelta(hours=1))
    ahead = await add_session(storage, "BTK-02")
    food = "Makanan & Minuman"
    people = {
        1: await person(storage, 1),
        2: await person(storage, 2, sector=food),
        3: await person(storage, 3, kecamatan="Cibitung"),
        4: await person(
            storage,
            4,
            kecamatan="Cibitung",
            sector=food,
            contacts=(("telegram", "4"), ("whatsapp", "6281200000004")),
        ),
        5: await person(storage, 5, kecamatan="Tambun Selatan", contacts=()),
        6: await person(storage, 6),
        7: await person(storage, 7),
        8: await person(storage, 8, sector=food),
    }
    await enroll(storage, people[1], started, attended=True)
    for number in (2, 3, 6):
        await enroll(storage, people[number], started)
    await enroll(storage, people[4], started, "waitlisted")
    await enroll(storage, people[7], started, "cancelled")
    await enroll(storage, people[4], ahead)
    await enroll(storage, people[5], ahead)
    await enroll(storage, people[7], ahead, "waitlisted")
    await allocate(storage, people[1], confirmation="received")
    for number in (2, 4, 5):
        await allocate(storage, people[number])
    await allocate(storage, people[7], handed_over=False)
    await allocate(storage, people[8], confirmation="damaged")
    async with storage.db.transaction():
        await storage.contacts.mark_blocked("telegram", "2", NOW)
        await storage.contacts.set_opted_out("telegram", "3", True, NOW)
        await storage.participants.erase(people[6].id, NOW)
        await storage.contacts.touch("telegram", "99", NOW)  # chatted, never registered


AUDIENCES = [
    # spec, expected recipients (channel:address), skipped blocked, skipped opted out
    ("all", {"t1", "t4", "w4", "t7", "t8"}, 1, 1),
    ("session:BTK-01", {"t1"}, 1, 1),
    ("session:BTK-02", {"t4", "w4"}, 0, 0),
    ("waitlist:BTK-01", {"t4", "w4"}, 0, 0),
    ("waitlist:BTK-02", {"t7"}, 0, 0),
    ("noshow:BTK-01", set(), 1, 1),
    ("kecamatan:Setu", {"t1", "t7", "t8"}, 1, 0),
    ("kecamatan:setu", {"t1", "t7", "t8"}, 1, 0),
    ("kecamatan:Cibitung", {"t4", "w4"}, 0, 1),
    ("kecamatan:Tambun Selatan", set(), 0, 0),
    ("sector:Makanan & Minuman", {"t4", "w4", "t8"}, 1, 0),
    ("sector:kerajinan", {"t1", "t7"}, 0, 1),
    ("unconfirmed", {"t4", "w4"}, 1, 0),
]


@pytest.mark.parametrize(("spec", "expected", "blocked", "opted_out"), AUDIENCES)
@pytest.mark.usefixtures("population")
async def test_audience_recipients(
    storage: Storage, spec: str, expected: set[str], blocked: int, opted_out: int
) -> None:
    selection = await resolve_audience(
        storage, parse_audience(spec), sectors=SECTORS, kecamatan=KECAMATAN, now=NOW
    )
    got = {f"{member.channel[0]}{member.address[-1]}" for member in selection.recipients}
    assert got == expected
    assert (selection.skipped_blocked, selection.skipped_opted_out) == (blocked, opted_out)
    assert selection.count == len(expected)


@pytest.mark.usefixtures("population")
async def test_noshow_of_a_session_lists_those_enrolled_who_did_not_come(
    storage: Storage,
) -> None:
    async with storage.db.transaction():
        await storage.contacts.touch("telegram", "2", NOW)  # wrote again: not blocked now
        await storage.contacts.set_opted_out("telegram", "3", False, NOW)
    selection = await resolve_audience(
        storage, Audience("noshow", "BTK-01"), sectors=SECTORS, kecamatan=KECAMATAN, now=NOW
    )
    assert sorted(member.address for member in selection.recipients) == ["2", "3"]


REFUSED = [
    ("", "malformed"),
    ("everyone", "unknown_kind"),
    ("all:x", "no_value_expected"),
    ("session", "value_missing"),
    ("session:", "value_missing"),
    ("session:NOPE", "unknown_session"),
    ("noshow:BTK-02", "not_started"),
    ("kecamatan:Jakarta", "unknown_kecamatan"),
    ("sector:Otomotif", "unknown_sector"),
]


@pytest.mark.parametrize(("spec", "reason"), REFUSED)
@pytest.mark.usefixtures("population")
async def test_bad_audiences_are_refused(storage: Storage, spec: str, reason: str) -> None:
    with pytest.raises(InvalidAudience) as refused:
        await resolve_audience(
            storage, parse_audience(spec), sectors=SECTORS, kecamatan=KECAMATAN, now=NOW
        )
    assert refused.value.reason == reason


def test_parse_audience_keeps_the_value_and_reads_the_kind_in_any_case() -> None:
    spaced = parse_audience(" Kecamatan:Tambun   Selatan ")
    assert spaced == Audience("kecamatan", "Tambun Selatan")
    assert parse_audience("UNCONFIRMED").spec == "unconfirmed"
    assert parse_audience("sector:Makanan & Minuman").spec == "sector:Makanan & Minuman"


def member(address: str, *, blocked: bool = False, opted_out: bool = False) -> AudienceMember:
    return AudienceMember(
        contact_id=int(address),
        participant_id=int(address),
        channel="telegram",
        address=address,
        language="id",
        blocked_at=NOW if blocked else None,
        opted_out_at=NOW if opted_out else None,
    )


def test_select_recipients_skips_blocked_before_opted_out_and_repeats() -> None:
    selection = select_recipients(
        [
            member("1"),
            member("2", blocked=True, opted_out=True),
            member("3", opted_out=True),
            member("1"),
        ]
    )
    assert [m.address for m in selection.recipients] == ["1"]
    assert (selection.skipped_blocked, selection.skipped_opted_out) == (1, 1)


@pytest.mark.parametrize(("spec", "expected", "blocked", "opted_out"), AUDIENCES)
@pytest.mark.usefixtures("population")
async def test_the_count_agrees_with_the_recipients(
    storage: Storage, spec: str, expected: set[str], blocked: int, opted_out: int
) -> None:
    # The console's live count is a query of its own: it must count what a broadcast sends.
    audience = parse_audience(spec)
    selection = await resolve_audience(
        storage, audience, sectors=SECTORS, kecamatan=KECAMATAN, now=NOW
    )
    tally = await count_audience(storage, audience, sectors=SECTORS, kecamatan=KECAMATAN, now=NOW)
    assert (tally.recipients, tally.blocked, tally.opted_out) == (
        len(expected),
        blocked,
        opted_out,
    )
    assert tally.recipients == selection.count
    assert (tally.blocked, tally.opted_out) == (
        selection.skipped_blocked,
        selection.skipped_opted_out,
    )


@pytest.mark.parametrize(("spec", "reason"), REFUSED)
@pytest.mark.usefixtures("population")
async def test_bad_audiences_are_refused_when_counted(
    storage: Storage, spec: str, reason: str
) -> None:
    with pytest.raises(InvalidAudience) as refused:
        await count_audience(
            storage, parse_audience(spec), sectors=SECTORS, kecamatan=KECAMATAN, now=NOW
        )
    assert refused.value.reason == reason
