"""Each repository on a fresh database, and the constraints the schema itself enforces."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storage import Storage
from storage.db import IntegrityError, db_time
from storage.models import EnrollmentStatus, NewParticipant, Participant
from storage.participants import EDITABLE_FIELDS, NikTaken
from storage.sessions import SessionCodeTaken
from tests.support.chat import GOOD_NIK, NOW, OTHER_NIK, add_session

LATER = NOW + timedelta(hours=1)


def new_participant(nik: str = GOOD_NIK, **changes: Any) -> NewParticipant:
    fields: dict[str, Any] = {
        "nik": nik,
        "full_name": "Siti Aminah",
        "phone": "+6281234567890",
        "business_name": "Batik Siti",
        "sector": "Batik & Tekstil",
        "kecamatan": "Cikarang Utara",
    }
    fields.update(changes)
    return NewParticipant(**fields)


async def create(storage: Storage, nik: str = GOOD_NIK, **changes: Any) -> Participant:
    async with storage.db.transaction():
        return await storage.participants.create(new_participant(nik, **changes), NOW)


async def count(storage: Storage, table: str) -> int:
    return int(await storage.db.fetch_value(f"SELECT COUNT(*) FROM {table}"))


# --- participants ---------------------------------------------------------------------------


async def test_participant_create_and_get(storage: Storage) -> None:
    created = await create(storage, language="en")
    assert created.nik == GOOD_NIK
    assert created.full_name == "Siti Aminah"
    assert created.phone == "+6281234567890"
    assert created.language == "en"
    assert created.consent_at == created.created_at == created.updated_at == NOW
    assert created.deleted_at is None
    assert await storage.participants.get(created.id) == created
    assert await storage.participants.get_by_nik(GOOD_NIK) == created


@pytest.mark.parametrize("lookup", ["get", "get_by_nik"])
async def test_participant_missing_is_none(storage: Storage, lookup: str) -> None:
    await create(storage)
    if lookup == "get":
        assert await storage.participants.get(999) is None
    else:
        assert await storage.participants.get_by_nik(OTHER_NIK) is None


async def test_participant_duplicate_nik_raises_nik_taken(storage: Storage) -> None:
    first = await create(storage)
    with pytest.raises(NikTaken):
        await create(storage, full_name="Orang Lain")
    assert await count(storage, "participant") == 1
    assert await storage.participants.get_by_nik(GOOD_NIK) == first


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("full_name", "Siti Aminah Binti Ahmad"),
        ("phone", "+6281299998888"),
        ("business_name", "Batik Siti Jaya"),
        ("sector", "Kerajinan"),
        ("kecamatan", "Tambun Selatan"),
    ],
)
async def test_participant_update_editable_field(storage: Storage, field: str, value: str) -> None:
    created = await create(storage)
    await storage.participants.update_field(created.id, field, value, LATER)
    updated = await storage.participants.get(created.id)
    assert updated is not None
    assert getattr(updated, field) == value
    assert updated.updated_at == LATER
    assert updated.created_at == NOW
    untouched = {name for name in EDITABLE_FIELDS if name != field} | {"nik"}
    for name in untouched:
        assert getattr(updated, name) == getattr(created, name)


@pytest.mark.parametrize(
    "field",
    ["nik", "id", "deleted_at", "language", "consent_at", "full_name = 'x', nik", "", "desa"],
)
async def test_participant_update_rejects_a_field_that_is_not_editable(
    storage: Storage, field: str
) -> None:
    created = await create(storage)
    with pytest.raises(ValueError, match="cannot be edited"):
        await storage.participants.update_field(created.id, field, "x", LATER)
    assert await storage.participants.get(created.id) == created


def test_editable_fields_are_the_profile_fields() -> None:
    assert set(EDITABLE_FIELDS) == {"full_name", "phone", "business_name", "sector", "kecamatan"}


async def test_participant_set_language(storage: Storage) -> None:
    created = await create(storage)
    await storage.participants.set_language(created.id, "en", LATER)
    updated = await storage.participants.get(created.id)
    assert updated is not None and updated.language == "en" and updated.updated_at == LATER


async def test_participant_erase_keeps_sector_and_kecamatan_and_nulls_the_rest(
    storage: Storage,
) -> None:
    created = await create(storage)
    async with storage.db.transaction():
        await storage.participants.erase(created.id, LATER)
    erased = await storage.participants.get(created.id)
    assert erased is not None
    personal = (erased.nik, erased.full_name, erased.phone, erased.business_name)
    assert personal == (None,) * 4
    assert (erased.sector, erased.kecamatan) == ("Batik & Tekstil", "Cikarang Utara")
    assert erased.deleted_at == LATER
    assert erased.updated_at == LATER
    assert await storage.participants.get_by_nik(GOOD_NIK) is None
    # The freed NIK can register again.
    again = await create(storage)
    assert again.id != created.id


async def test_participant_count_active_skips_erased(storage: Storage) -> None:
    assert await storage.participants.count_active() == 0
    first = await create(storage)
    await create(storage, OTHER_NIK)
    assert await storage.participants.count_active() == 2
    await storage.participants.erase(first.id, LATER)
    assert await storage.participants.count_active() == 1
    assert await count(storage, "participant") == 2


# --- contacts -------------------------------------------------------------------------------


async def test_contact_touch_creates_then_updates_last_inbound(storage: Storage) -> None:
    first = await storage.contacts.touch("telegram", "1001", NOW)
    assert first.channel == "telegram" and first.address == "1001"
    assert first.participant_id is None
    assert first.language == "id"
    assert first.last_inbound_at == NOW
    assert first.blocked_at is None and first.opted_out_at is None
    again = await storage.contacts.touch("telegram", "1001", LATER)
    assert again.id == first.id
    assert again.last_inbound_at == LATER
    assert await count(storage, "contact") == 1
    created_at = await storage.db.fetch_value("SELECT created_at FROM contact")
    assert created_at == db_time(NOW)


async def test_contact_same_address_on_two_channels_is_two_contacts(storage: Storage) -> None:
    telegram = await storage.contacts.touch("telegram", "1001", NOW)
    whatsapp = await storage.contacts.touch("whatsapp", "1001", NOW)
    assert telegram.id != whatsapp.id
    assert await storage.contacts.get("console", "1001") is None


async def test_contact_link_set_language_and_for_participant(storage: Storage) -> None:
    participant = await create(storage)
    await storage.contacts.touch("telegram", "1001", NOW)
    await storage.contacts.touch("whatsapp", "6281234567890", NOW)
    await storage.contacts.touch("telegram", "2002", NOW)
    await storage.contacts.link("telegram", "1001", participant.id)
    await storage.contacts.link("whatsapp", "6281234567890", participant.id)
    await storage.contacts.set_language("telegram", "1001", "en")
    linked = await storage.contacts.for_participant(participant.id)
    assert [(c.channel, c.address, c.language) for c in linked] == [
        ("telegram", "1001", "en"),
        ("whatsapp", "6281234567890", "id"),
    ]
    stranger = await storage.contacts.get("telegram", "2002")
    assert stranger is not None and stranger.participant_id is None


async def test_contact_delete_for_participant_leaves_others(storage: Storage) -> None:
    participant = await create(storage)
    other = await create(storage, OTHER_NIK)
    await storage.contacts.touch("telegram", "1001", NOW)
    await storage.contacts.touch("telegram", "2002", NOW)
    await storage.contacts.link("telegram", "1001", participant.id)
    await storage.contacts.link("telegram", "2002", other.id)
    await storage.contacts.delete_for_participant(participant.id)
    assert await storage.contacts.get("telegram", "1001") is None
    assert await storage.contacts.for_participant(participant.id) == []
    assert [c.address for c in await storage.contacts.for_participant(other.id)] == ["2002"]


# --- sessions -------------------------------------------------------------------------------


async def test_session_add_and_get(storage: Storage) -> None:
    async with storage.db.transaction():
        added = await storage.sessions.add(
            code="BTK-01",
            title="Bimtek Batik Tulis",
            venue="Aula Disperindag",
            starts_at=NOW + timedelta(days=3),
            ends_at=NOW + timedelta(days=3, hours=7),
            capacity=30,
            now=NOW,
            maps_url="https://maps.google.com/?q=Cikarang",
        )
    assert added.code == "BTK-01"
    assert added.starts_at == NOW + timedelta(days=3)
    assert added.starts_at.tzinfo is not None
    assert added.capacity == 30
    assert added.registration_open is True
    assert added.cancelled_at is None
    assert added.maps_url == "https://maps.google.com/?q=Cikarang"
    assert len(added.checkin_code) >= 12
    assert added.checkin_code != added.code
    assert await storage.sessions.get(added.id) == added
    assert await storage.sessions.get_by_code("BTK-01") == added
    assert await storage.sessions.get_by_code("BTK-99") is None
    assert await storage.sessions.get(999) is None


async def test_sessions_get_distinct_checkin_codes(storage: Storage) -> None:
    codes = {(await add_session(storage, f"S-{n}")).checkin_code for n in range(20)}
    assert len(codes) == 20
    assert all(code.isalnum() for code in codes)


async def test_session_duplicate_code_is_refused(storage: Storage) -> None:
    await add_session(storage, "BTK-01")
    with pytest.raises(SessionCodeTaken):
        await add_session(storage, "BTK-01", title="Lain")
    assert await count(storage, "bimtek_session") == 1


async def test_open_for_registration_excludes_started_closed_and_cancelled(
    storage: Storage,
) -> None:
    await add_session(storage, "LATER", starts_in=timedelta(days=10))
    await add_session(storage, "SOON", starts_in=timedelta(days=1))
    await add_session(storage, "STARTED", starts_in=timedelta(hours=-1))
    await add_session(storage, "NOW", starts_in=timedelta(0))
    closed = await add_session(storage, "CLOSED", starts_in=timedelta(days=2))
    cancelled = await add_session(storage, "CANCELLED", starts_in=timedelta(days=2))
    await storage.db.execute(
        "UPDATE bimtek_session SET registration_open = 0 WHERE id = ?", (closed.id,)
    )
    await storage.db.execute(
        "UPDATE bimtek_session SET cancelled_at = ? WHERE id = ?", (db_time(NOW), cancelled.id)
    )
    open_now = await storage.sessions.open_for_registration(NOW)
    assert [option.session.code for option in open_now] == ["SOON", "LATER"]
    every = await storage.sessions.list_availability()
    assert [option.session.code for option in every] == [
        "STARTED",
        "NOW",
        "SOON",
        "CANCELLED",
        "CLOSED",
        "LATER",
    ]
    later = await storage.sessions.open_for_registration(NOW + timedelta(days=5))
    assert [option.session.code for option in later] == ["LATER"]


async def test_availability_counts_enrolled_and_waitlisted(storage: Storage) -> None:
    session = await add_session(storage, capacity=2)
    other_session = await add_session(storage, "BTK-02")
    people = [await create(storage, nik) for nik in (GOOD_NIK, OTHER_NIK, "3216011508900001")]
    fourth = await create(storage, "3216014107850004")
    await storage.enrollments.enroll(people[0].id, session.id, "enrolled", NOW)
    await storage.enrollments.enroll(people[1].id, session.id, "enrolled", NOW)
    await storage.enrollments.enroll(people[2].id, session.id, "waitlisted", NOW)
    await storage.enrollments.enroll(fourth.id, session.id, "cancelled", NOW)
    await storage.enrollments.enroll(fourth.id, other_session.id, "enrolled", NOW)
    found = await storage.sessions.availability(session.id)
    assert found is not None
    assert (found.enrolled, found.waitlisted, found.free_places) == (2, 1, 0)
    other = await storage.sessions.availability(other_session.id)
    assert other is not None
    assert (other.enrolled, other.waitlisted, other.free_places) == (1, 0, 29)
    assert await storage.sessions.availability(999) is None


@pytest.mark.parametrize(
    ("capacity", "enrolled", "free"), [(1, 0, 1), (1, 1, 0), (3, 1, 2), (1, 2, 0)]
)
async def test_free_places_never_negative(
    storage: Storage, capacity: int, enrolled: int, free: int
) -> None:
    session = await add_session(storage, capacity=capacity)
    for nik in (GOOD_NIK, OTHER_NIK)[:enrolled]:
        person = await create(storage, nik)
        await storage.enrollments.enroll(person.id, session.id, "enrolled", NOW)
    found = await storage.sessions.availability(session.id)
    assert found is not None and found.free_places == free


# --- enrollments ----------------------------------------------------------------------------


async def test_enroll_upserts_one_row_per_participant_and_session(storage: Storage) -> None:
    session = await add_session(storage)
    person = await create(storage)
    first = await storage.enrollments.enroll(person.id, session.id, "waitlisted", NOW)
    assert (first.status, first.rsvp, first.attended_at) == ("waitlisted", None, None)
    second = await storage.enrollments.enroll(person.id, session.id, "enrolled", LATER)
    assert second.id == first.id
    assert second.status == "enrolled"
    assert second.created_at == NOW
    assert await count(storage, "enrollment") == 1
    assert await storage.enrollments.count(session.id, "enrolled") == 1
    assert await storage.enrollments.count(session.id, "waitlisted") == 0


async def test_enrollments_for_participant_soonest_first(storage: Storage) -> None:
    late = await add_session(storage, "LATE", starts_in=timedelta(days=9), title="Roti")
    soon = await add_session(storage, "SOON", starts_in=timedelta(days=2), title="Batik")
    person = await create(storage)
    other = await create(storage, OTHER_NIK)
    await storage.enrollments.enroll(person.id, late.id, "waitlisted", NOW)
    await storage.enrollments.enroll(person.id, soon.id, "enrolled", NOW)
    await storage.enrollments.enroll(other.id, soon.id, "enrolled", NOW)
    mine = await storage.enrollments.for_participant(person.id)
    assert [(item.session.code, item.enrollment.status) for item in mine] == [
        ("SOON", "enrolled"),
        ("LATE", "waitlisted"),
    ]
    assert all(item.enrollment.participant_id == person.id for item in mine)
    assert [item.enrollment.session_id for item in mine] == [soon.id, late.id]
    assert mine[0].session.title == "Batik"
    assert await storage.enrollments.for_participant(999) == []


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ((), {"enrolled": 0, "waitlisted": 0, "cancelled": 0}),
        (("enrolled", "enrolled", "waitlisted"), {"enrolled": 2, "waitlisted": 1, "cancelled": 0}),
        (
            ("cancelled", "waitlisted", "waitlisted"),
            {"enrolled": 0, "waitlisted": 2, "cancelled": 1},
        ),
    ],
)
async def test_enrollment_count_by_status(
    storage: Storage,
    statuses: tuple[EnrollmentStatus, ...],
    expected: dict[EnrollmentStatus, int],
) -> None:
    session = await add_session(storage)
    niks = (GOOD_NIK, OTHER_NIK, "3216011508900001")
    for nik, status in zip(niks, statuses, strict=False):
        person = await create(storage, nik)
        await storage.enrollments.enroll(person.id, session.id, status, NOW)
    for status, number in expected.items():
        assert await storage.enrollments.count(session.id, status) == number


# --- officers, audit, conversations, bot settings -------------------------------------------


async def test_officer_add_upserts_the_role(storage: Storage) -> None:
    assert await storage.officers.get("telegram", "42") is None
    added = await storage.officers.add("telegram", "42", "officer", NOW)
    assert (added.channel, added.address, added.role) == ("telegram", "42", "officer")
    promoted = await storage.officers.add("telegram", "42", "admin", LATER)
    assert promoted.id == added.id and promoted.role == "admin"
    await storage.officers.add("whatsapp", "42", "officer", NOW)
    everyone = await storage.officers.list_all()
    assert [(o.channel, o.address, o.role) for o in everyone] == [
        ("telegram", "42", "admin"),
        ("whatsapp", "42", "officer"),
    ]


async def test_audit_record_and_latest_newest_first(storage: Storage) -> None:
    assert await storage.audit.latest() == []
    for number in range(5):
        await storage.audit.record(
            "participant:1", f"action.{number}", None if number % 2 else "session:1", NOW
        )
    latest = await storage.audit.latest(limit=3)
    assert [entry.action for entry in latest] == ["action.4", "action.3", "action.2"]
    assert [entry.target for entry in latest] == ["session:1", None, "session:1"]
    assert all(entry.actor == "participant:1" and entry.at == NOW for entry in latest)
    assert len(await storage.audit.latest()) == 5


UNICODE_DATA: dict[str, Any] = {
    "full_name": "Siti Aminah",
    "emoji": "🎉🧵🍞",
    "rtl": "مخبز \u202e\u200f",
    "zero_width": "a\u200bb\u200dc",
    "nul": "a\x00b",
    "quotes": "'; DROP TABLE conversation; --",
    "nested": {"list": [1, 2.5, None, True, "ü"], "empty": {}},
    "session_id": None,
}


async def test_conversation_save_get_clear_round_trips_unicode(storage: Storage) -> None:
    assert await storage.conversations.get("telegram", "1001") is None
    await storage.conversations.save("telegram", "1001", "registration", "nik", UNICODE_DATA, NOW)
    found = await storage.conversations.get("telegram", "1001")
    assert found is not None
    assert (found.channel, found.address, found.flow, found.step) == (
        "telegram",
        "1001",
        "registration",
        "nik",
    )
    assert found.data == UNICODE_DATA
    stored = await storage.db.fetch_value("SELECT data FROM conversation")
    assert "🎉" in stored  # kept readable, not \\u-escaped
    await storage.conversations.save("telegram", "1001", "profile", "sector", {}, LATER)
    replaced = await storage.conversations.get("telegram", "1001")
    assert replaced is not None and (replaced.flow, replaced.step, replaced.data) == (
        "profile",
        "sector",
        {},
    )
    assert await count(storage, "conversation") == 1
    await storage.conversations.clear("telegram", "1001")
    assert await storage.conversations.get("telegram", "1001") is None
    await storage.conversations.clear("telegram", "1001")  # clearing twice is harmless


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.text(max_size=10), children, max_size=3)
    ),
    max_leaves=10,
)


@settings(
    database=None,
    deadline=None,
    max_examples=60,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.dictionaries(st.text(max_size=20), JSON_VALUES, max_size=5))
async def test_conversation_round_trips_any_json_data(
    storage: Storage, data: dict[str, Any]
) -> None:
    await storage.conversations.save("console", "demo", "registration", "kecamatan", data, NOW)
    found = await storage.conversations.get("console", "demo")
    assert found is not None and found.data == data


async def test_bot_settings_get_and_put(storage: Storage) -> None:
    assert await storage.bot_settings.get("telegram_username") is None
    await storage.bot_settings.put("telegram_username", "wub_ikm_bot")
    assert await storage.bot_settings.get("telegram_username") == "wub_ikm_bot"
    await storage.bot_settings.put("telegram_username", "wub_ikm_bekasi_bot")
    assert await storage.bot_settings.get("telegram_username") == "wub_ikm_bekasi_bot"
    await storage.bot_settings.put("emoji", "🤖")
    assert await storage.bot_settings.get("emoji") == "🤖"
    assert await count(storage, "bot_setting") == 2


# --- constraints ----------------------------------------------------------------------------

STAMP = db_time(NOW)
CONSTRAINT_VIOLATIONS = [
    pytest.param(
        "INSERT INTO participant (nik, full_name, created_at, updated_at) VALUES (?, ?, ?, ?)",
        ("123", "Siti", STAMP, STAMP),
        "CHECK",
        id="nik-not-16-chars",
    ),
    pytest.param(
        "INSERT INTO participant (nik, full_name, created_at, updated_at) VALUES (?, ?, ?, ?)",
        (GOOD_NIK, "Dup", STAMP, STAMP),
        "UNIQUE",
        id="duplicate-nik",
    ),
    pytest.param(
        "INSERT INTO participant (nik, full_name, created_at, updated_at) VALUES (?, ?, ?, ?)",
        (None, None, STAMP, STAMP),
        "CHECK",
        id="active-participant-without-nik",
    ),
    pytest.param(
        "INSERT INTO participant (nik, full_name, language, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?)",
        (OTHER_NIK, "Siti", "fr", STAMP, STAMP),
        "CHECK",
        id="unknown-language",
    ),
    pytest.param(
        "INSERT INTO contact (channel, address, created_at) VALUES (?, ?, ?)",
        ("telegram", "1001", STAMP),
        "UNIQUE",
        id="duplicate-contact",
    ),
    pytest.param(
        "INSERT INTO contact (channel, address, created_at) VALUES (?, ?, ?)",
        ("sms", "1001", STAMP),
        "CHECK",
        id="unknown-channel",
    ),
    pytest.param(
        "INSERT INTO bimtek_session (code, title, venue, starts_at, ends_at, capacity,"
        " checkin_code, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        ("X", "T", "V", STAMP, STAMP, 10, "code-x", STAMP, STAMP),
        "CHECK",
        id="session-ends-before-it-starts",
    ),
    pytest.param(
        "INSERT INTO bimtek_session (code, title, venue, starts_at, ends_at, capacity,"
        " checkin_code, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        ("X", "T", "V", STAMP, db_time(NOW + timedelta(hours=1)), 0, "code-x", STAMP, STAMP),
        "CHECK",
        id="session-without-capacity",
    ),
    pytest.param(
        "INSERT INTO enrollment (participant_id, session_id, status, created_at, updated_at)"
        " VALUES (1, 1, ?, ?, ?)",
        ("maybe", STAMP, STAMP),
        "CHECK",
        id="unknown-enrollment-status",
    ),
    pytest.param(
        "INSERT INTO enrollment (participant_id, session_id, status, created_at, updated_at)"
        " VALUES (1, 1, ?, ?, ?)",
        ("enrolled", STAMP, STAMP),
        "UNIQUE",
        id="second-enrollment-in-a-session",
    ),
    pytest.param(
        "INSERT INTO enrollment (participant_id, session_id, status, created_at, updated_at)"
        " VALUES (999, 1, ?, ?, ?)",
        ("enrolled", STAMP, STAMP),
        "FOREIGN KEY",
        id="enrollment-of-nobody",
    ),
    pytest.param(
        "UPDATE enrollment SET rsvp = ? WHERE id = 1", ("perhaps",), "CHECK", id="unknown-rsvp"
    ),
    pytest.param(
        "INSERT INTO officer (channel, address, role, created_at) VALUES (?, ?, ?, ?)",
        ("telegram", "42", "boss", STAMP),
        "CHECK",
        id="unknown-role",
    ),
    pytest.param(
        "INSERT INTO audit_log (actor, action, target, at) VALUES (?, ?, ?, ?)",
        (None, "x", None, STAMP),
        "NOT NULL",
        id="audit-without-actor",
    ),
]


@pytest.mark.parametrize(("sql", "params", "kind"), CONSTRAINT_VIOLATIONS)
async def test_constraint_violation_raises_and_rolls_back_the_transaction(
    storage: Storage, sql: str, params: tuple[Any, ...], kind: str
) -> None:
    person = await create(storage)
    session = await add_session(storage)
    await storage.contacts.touch("telegram", "1001", NOW)
    await storage.enrollments.enroll(person.id, session.id, "enrolled", NOW)
    before = await snapshot(storage)
    with pytest.raises(IntegrityError, match=kind):
        async with storage.db.transaction():
            # A write that would succeed on its own is undone with the failing one.
            await storage.audit.record("test", "before.violation", None, NOW)
            await storage.bot_settings.put("written", "yes")
            await storage.db.execute(sql, params)
    assert await snapshot(storage) == before
    # The connection is usable again afterwards.
    async with storage.db.transaction():
        await storage.bot_settings.put("after", "ok")
    assert await storage.bot_settings.get("after") == "ok"


async def test_repository_duplicate_check_and_unique_constraint_agree(storage: Storage) -> None:
    # Even if the Python-side NikTaken check is bypassed, the schema refuses the duplicate.
    await create(storage)
    with pytest.raises(IntegrityError, match="UNIQUE"):
        await storage.db.execute(
            "INSERT INTO participant (nik, full_name, created_at, updated_at)"
            " VALUES (?, 'x', ?, ?)",
            (GOOD_NIK, STAMP, STAMP),
        )


TABLES = ("participant", "contact", "bimtek_session", "enrollment", "officer", "audit_log")


async def snapshot(storage: Storage) -> dict[str, list[tuple[Any, ...]]]:
    result = {}
    for table in (*TABLES, "bot_setting"):
        order = "key" if table == "bot_setting" else "id"
        rows = await storage.db.fetch_all(f"SELECT * FROM {table} ORDER BY {order}")
        result[table] = [tuple(row) for row in rows]
    return result


async def test_contacts_get_many_returns_the_known_ones_by_address(storage: Storage) -> None:
    for address in ("6281", "6282"):
        await storage.contacts.touch("whatsapp", address, NOW)
    await storage.contacts.touch("telegram", "6283", NOW)
    odd = ["6283", "", "' OR '1'='1", "🙂" * 40]
    found = await storage.contacts.get_many("whatsapp", ["6281", "6282", "6281", *odd])
    assert sorted(found) == ["6281", "6282"]
    assert found["6281"].channel == "whatsapp"
    many = await storage.contacts.get_many("whatsapp", [str(n) for n in range(1_200)] + ["6282"])
    assert list(many) == ["6282"]
    assert await storage.contacts.get_many("whatsapp", []) == {}
