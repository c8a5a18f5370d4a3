"""The participant's own data: /profil to view and edit, /hapus to erase."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from handlers.participants.regions import load_region, load_sectors
from storage import Storage
from storage.models import Participant
from tests.support.chat import GOOD_NIK, Chat, add_session, register
from tests.support.registration import GENERIC_ERROR, conversation_of, says

Answer = Callable[[Chat], Awaitable[object]]
CHOICES = {"sector": list(load_sectors()), "kecamatan": list(load_region().kecamatan)}
EDIT_BUTTONS = [
    "Ubah nama",
    "Ubah no. hp",
    "Ubah nama usaha",
    "Ubah sektor",
    "Ubah kecamatan",
    "🗑 Hapus data saya",
]


@pytest.fixture
async def registered(chat: Chat, storage: Storage) -> Participant:
    """Register the chat's person in a session and return them."""
    await add_session(storage)
    await register(chat)
    participant = await storage.participants.get_by_nik(GOOD_NIK)
    assert participant is not None
    return participant


def typed(text: str) -> Answer:
    return lambda chat: chat.text(text)


def pressed(label: str) -> Answer:
    return lambda chat: chat.press(label)


def payload(raw: str) -> Answer:
    return lambda chat: chat.payload(raw)


def shared(phone: str, owner: str | None = None) -> Answer:
    return lambda chat: chat.contact(phone, owner=owner)


async def test_profile_shows_the_data_with_the_nik_masked(
    chat: Chat, registered: Participant
) -> None:
    await chat.text("/profil")
    assert says(chat, "profile.show")
    assert "NIK: ************0002" in chat.said
    assert GOOD_NIK not in chat.said
    for shown in ("Siti Aminah", "+6281234567890", "Batik Siti", "Batik & Tekstil"):
        assert shown in chat.said
    assert "Cikarang Utara" in chat.said
    assert chat.labels() == EDIT_BUTTONS


async def test_profile_menu_label_shows_the_profile(chat: Chat, registered: Participant) -> None:
    await chat.text("👤 Profil saya")
    assert says(chat, "profile.show")


@pytest.mark.parametrize("command", ["/profil", "/hapus", "/jadwal"])
async def test_not_registered_person_is_told_to_register(chat: Chat, command: str) -> None:
    await chat.text(command)
    assert says(chat, "profile.not_registered")


async def test_profile_buttons_of_a_not_registered_person(chat: Chat) -> None:
    await chat.payload("profile:edit:full_name")
    assert says(chat, "profile.not_registered")
    assert await conversation_of_chat(chat) is None


EDITS = [
    # field, button, bad answers with the reason each gets, good answer, stored value
    pytest.param(
        "full_name",
        "Ubah nama",
        [(typed("R2D2"), "invalid.full_name.chars"), (typed("  "), "invalid.full_name.empty")],
        typed("Siti Rahmawati"),
        "Siti Rahmawati",
        id="full_name",
    ),
    pytest.param(
        "phone",
        "Ubah no. hp",
        [
            (typed("12345"), "invalid.phone.invalid"),
            (shared("+6281399990000", owner="555"), "invalid.phone.not_own"),
            (payload("profile:phone:self"), "invalid.phone.invalid"),
        ],
        typed("0813-1111-2222"),
        "+6281311112222",
        id="phone-typed",
    ),
    pytest.param(
        "phone",
        "Ubah no. hp",
        [(typed("🙂"), "invalid.phone.invalid")],
        shared("+62 813 1111 2222"),
        "+6281311112222",
        id="phone-shared",
    ),
    pytest.param(
        "business_name",
        "Ubah nama usaha",
        [
            (typed("x" * 101), "invalid.business_name.too_long"),
            (typed("\u200b\u200f"), "invalid.business_name.empty"),
        ],
        typed("Batik Siti Jaya"),
        "Batik Siti Jaya",
        id="business_name",
    ),
    pytest.param(
        "sector",
        "Ubah sektor",
        [
            (typed("Batik"), "invalid.choice"),
            (payload("profile:sector:999"), "stale_button"),
            (payload("profile:sector:²"), "stale_button"),
            (payload("registration:sector:1"), "stale_button"),
        ],
        pressed("Kerajinan"),
        "Kerajinan",
        id="sector",
    ),
    pytest.param(
        "kecamatan",
        "Ubah kecamatan",
        [
            (typed("Jakarta"), "invalid.kecamatan"),
            (payload("profile:kecamatan:99"), "stale_button"),
        ],
        pressed("Setu"),
        "Setu",
        id="kecamatan-button",
    ),
    pytest.param(
        "kecamatan",
        "Ubah kecamatan",
        [(typed("🙂"), "invalid.kecamatan")],
        typed("tambun selatan"),
        "Tambun Selatan",
        id="kecamatan-typed",
    ),
]


@pytest.mark.parametrize(("field", "button", "bad_answers", "good", "stored"), EDITS)
async def test_edit_a_field(
    chat: Chat,
    storage: Storage,
    registered: Participant,
    field: str,
    button: str,
    bad_answers: list[tuple[Answer, str]],
    good: Answer,
    stored: str,
) -> None:
    await chat.text("/profil")
    await chat.press(button)
    state = await conversation_of(storage, chat)
    assert state is not None and state[:2] == ("profile", field)
    audit = await storage.audit.latest()
    for bad, reason in bad_answers:
        await bad(chat)
        assert GENERIC_ERROR not in chat.said
        assert says(chat, reason), (reason, chat.said)
        assert await conversation_of(storage, chat) == state
        assert await storage.participants.get(registered.id) == registered
        if field in CHOICES:
            assert chat.labels() == CHOICES[field], "the choices are offered again"
    assert await storage.audit.latest() == audit
    await good(chat)
    assert says(chat, "profile.updated")
    assert says(chat, "profile.show")
    assert await conversation_of(storage, chat) is None
    updated = await storage.participants.get(registered.id)
    assert updated is not None
    assert getattr(updated, field) == stored
    untouched = {"full_name", "phone", "business_name", "sector", "kecamatan", "nik"} - {field}
    for name in untouched:
        assert getattr(updated, name) == getattr(registered, name)
    latest = await storage.audit.latest(limit=1)
    assert [(e.actor, e.action) for e in latest] == [
        (f"participant:{registered.id}", f"participant.edit.{field}")
    ]


async def test_edit_kecamatan_near_miss_is_confirmed(
    chat: Chat, storage: Storage, registered: Participant
) -> None:
    await chat.text("/profil")
    await chat.press("Ubah kecamatan")
    await chat.text("tambun selatn")
    assert "Maksud Anda Kecamatan Tambun Selatan?" in chat.said
    state = await conversation_of(storage, chat)
    assert state is not None and state[:2] == ("profile", "kecamatan_confirm")
    await chat.press("Bukan")
    assert chat.labels() == list(load_region().kecamatan)
    await chat.text("tambun selatn")
    await chat.press("Ya, benar")
    assert says(chat, "profile.updated")
    updated = await storage.participants.get(registered.id)
    assert updated is not None and updated.kecamatan == "Tambun Selatan"


async def test_sector_buttons_while_editing_are_the_sector_list(
    chat: Chat, registered: Participant
) -> None:
    await chat.text("/profil")
    await chat.press("Ubah sektor")
    assert chat.labels() == list(load_sectors())


async def test_other_commands_wait_until_the_edit_is_done(
    chat: Chat, storage: Storage, registered: Participant
) -> None:
    await chat.text("/profil")
    await chat.press("Ubah nama")
    await chat.text("/jadwal")
    assert says(chat, "busy")
    assert "perubahan data" in chat.said
    assert says(chat, "reg.ask.full_name")
    await chat.text("/batal")
    assert says(chat, "cancelled")
    assert await storage.participants.get(registered.id) == registered


# --- /hapus ---------------------------------------------------------------------------------


async def test_erase_after_confirmation(
    chat: Chat, storage: Storage, registered: Participant
) -> None:
    enrollments = await storage.enrollments.for_participant(registered.id)
    await chat.text("/hapus")
    assert says(chat, "erase.confirm")
    assert chat.labels() == ["Ya, hapus data saya", "Tidak jadi"]
    await chat.press("Ya, hapus data saya")
    assert says(chat, "erase.done")
    erased = await storage.participants.get(registered.id)
    assert erased is not None
    assert (erased.nik, erased.full_name, erased.phone, erased.business_name) == (
        None,
        None,
        None,
        None,
    )
    assert (erased.sector, erased.kecamatan) == ("Batik & Tekstil", "Cikarang Utara")
    assert erased.deleted_at is not None
    assert await storage.contacts.for_participant(registered.id) == []
    assert await storage.contacts.get("telegram", chat.address) is None
    assert await storage.conversations.get("telegram", chat.address) is None
    latest = await storage.audit.latest(limit=1)
    assert [(e.actor, e.action, e.target) for e in latest] == [
        (f"participant:{registered.id}", "participant.erase", str(registered.id))
    ]
    # Anonymous counts remain: the enrollment row is kept without personal data.
    assert len(await storage.enrollments.for_participant(registered.id)) == len(enrollments)
    assert await storage.participants.count_active() == 0

    await chat.text("/profil")
    assert says(chat, "profile.not_registered")
    await chat.text("/jadwal")
    assert says(chat, "profile.not_registered")
    await chat.text("/start")
    assert says(chat, "welcome")
    assert "Siti" not in chat.said


async def test_erased_person_may_register_again_with_the_same_nik(
    chat: Chat, storage: Storage, registered: Participant
) -> None:
    await chat.text("/hapus")
    await chat.press("Ya, hapus data saya")
    await register(chat)
    assert says(chat, "reg.done")
    again = await storage.participants.get_by_nik(GOOD_NIK)
    assert again is not None and again.id != registered.id


async def test_erase_from_the_profile_button(
    chat: Chat, storage: Storage, registered: Participant
) -> None:
    await chat.text("/profil")
    await chat.press("🗑 Hapus data saya")
    assert says(chat, "erase.confirm")
    await chat.press("Ya, hapus data saya")
    assert await storage.participants.count_active() == 0


async def test_erase_declined_keeps_everything(
    chat: Chat, storage: Storage, registered: Participant
) -> None:
    await chat.text("/hapus")
    await chat.press("Tidak jadi")
    assert says(chat, "erase.kept")
    assert await storage.participants.get(registered.id) == registered
    contact = await storage.contacts.get("telegram", chat.address)
    assert contact is not None and contact.participant_id == registered.id
    assert "participant.erase" not in [e.action for e in await storage.audit.latest()]
    assert await storage.conversations.get("telegram", chat.address) is None
    await chat.text("/profil")
    assert says(chat, "profile.show")


@pytest.mark.parametrize(
    "answer",
    [typed("ya"), typed(""), payload("erase:confirm:maybe"), payload("erase:other:yes")],
    ids=["text", "empty", "forged-value", "forged-step"],
)
async def test_erase_confirmation_needs_a_button(
    chat: Chat, storage: Storage, registered: Participant, answer: Answer
) -> None:
    await chat.text("/hapus")
    await answer(chat)
    assert GENERIC_ERROR not in chat.said
    assert chat.labels() == ["Ya, hapus data saya", "Tidak jadi"]
    state = await conversation_of(storage, chat)
    assert state is not None and state[:2] == ("erase", "confirm")
    assert await storage.participants.get(registered.id) == registered


async def test_cancel_during_erase_keeps_everything(
    chat: Chat, storage: Storage, registered: Participant
) -> None:
    await chat.text("/hapus")
    await chat.text("/batal")
    assert says(chat, "cancelled")
    assert await storage.participants.get(registered.id) == registered


async def conversation_of_chat(chat: Chat) -> object:
    return await chat.services.storage.conversations.get("telegram", chat.address)
