"""Registration step by step: bad input everywhere, editing, cancelling and the odd paths."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest

from bot.features import build_router
from handlers.conversation.messages import Reply
from handlers.conversation.router import Router
from handlers.conversation.turn import Services
from handlers.participants.regions import load_region, load_sectors
from storage import Storage
from tests.support.chat import GOOD_NIK, Chat, add_session, register
from tests.support.registration import (
    FREE_TITLE,
    FULL_TITLE,
    GENERIC_ERROR,
    STEPS,
    conversation_of,
    label_starting,
    says,
    seed_sessions,
    stored_records,
    walk_to,
)

THIRD_NIK = "3216011508900001"
TEXT_STEPS = ("full_name", "nik", "phone", "business_name")

Action = Callable[[Chat], Awaitable[object]]


@dataclass(frozen=True)
class BadInput:
    """Something a person might send at any step, and how it is sent."""

    name: str
    send: Action


def typed(text: str) -> Action:
    return lambda chat: chat.text(text)


def pressed(payload: str) -> Action:
    return lambda chat: chat.payload(payload)


def sent(kind: str) -> Action:
    return lambda chat: chat.kind(kind)


TYPED = {
    "empty": "",
    "whitespace": " \t\n  ",
    "huge": "x" * 5000,
    "emoji": "🙂🎉🧵",
    "sql": "'; DROP TABLE participant; --",
    "rtl_zero_width": "\u202e\u200f\u200b\u2066\u200d",
}
BAD_INPUTS = [
    *(BadInput(name, typed(text)) for name, text in TYPED.items()),
    BadInput("sticker", sent("unsupported")),
    BadInput("photo", sent("photo")),
    BadInput("location", sent("location")),
    BadInput("edited", sent("edited")),
    BadInput("foreign_contact", lambda chat: chat.contact("+6281399990000", owner="555")),
    BadInput("stale_button", pressed("registration:consent:yes")),
    BadInput("forged_sector", pressed("registration:sector:999")),
    BadInput("forged_sector_superscript", pressed("registration:sector:²")),
    BadInput("forged_kecamatan_long", pressed("registration:kecamatan:" + "9" * 5000)),
    BadInput("forged_session", pressed("registration:session:abc")),
    BadInput("forged_session_superscript", pressed("registration:session:²")),
    BadInput("forged_session_long", pressed("registration:session:" + "9" * 5000)),
    BadInput("forged_pick", pressed("registration:pick:nik; drop")),
    BadInput("forged_step", pressed("registration:bogus:1")),
    BadInput("payload_without_colon", pressed("garbage")),
    BadInput("unknown_language", pressed("lang:xx")),
    BadInput("command_profil", typed("/profil")),
    BadInput("command_hapus", typed("/hapus")),
    BadInput("command_daftar", typed("/daftar")),
    BadInput("command_unknown", typed("/terbang")),
]

# What the person is told, per step, for inputs whose answer depends on the step.
ACCEPTED = "accepted"  # a valid answer after all: the flow moves on
BACK = "back"  # typed at the kecamatan confirmation: a new attempt, back to the list
TEXT_REASONS: dict[str, dict[str, str]] = {
    "full_name": {
        "empty": "invalid.full_name.empty",
        "whitespace": "invalid.full_name.empty",
        "huge": "invalid.full_name.too_long",
        "emoji": "invalid.full_name.chars",
        "sql": "invalid.full_name.chars",
        # Direction and zero-width characters are removed: nothing is left.
        "rtl_zero_width": "invalid.full_name.empty",
    },
    "nik": {
        "empty": "invalid.nik.empty",
        "whitespace": "invalid.nik.empty",
        "huge": "invalid.nik.chars",
        "emoji": "invalid.nik.chars",
        "sql": "invalid.nik.chars",
        "rtl_zero_width": "invalid.nik.empty",
    },
    "phone": {
        "empty": "invalid.phone.empty",
        "whitespace": "invalid.phone.empty",
        "huge": "invalid.phone.too_long",
        "emoji": "invalid.phone.invalid",
        "sql": "invalid.phone.invalid",
        "rtl_zero_width": "invalid.phone.invalid",
    },
    "business_name": {
        "empty": "invalid.business_name.empty",
        "whitespace": "invalid.business_name.empty",
        "huge": "invalid.business_name.too_long",
        # A business may well carry an emoji or punctuation in its name; stored verbatim.
        "emoji": ACCEPTED,
        "sql": ACCEPTED,
        "rtl_zero_width": "invalid.business_name.empty",
    },
    "kecamatan": dict.fromkeys(TYPED, "invalid.kecamatan"),
    "kecamatan_confirm": dict.fromkeys(TYPED, BACK),
}
ATTACHMENT_REASONS = {
    "consent": "invalid.choice",
    "full_name": "invalid.text_expected",
    "nik": "invalid.text_expected",
    "phone": "invalid.phone.invalid",
    "business_name": "invalid.text_expected",
    "sector": "invalid.choice",
    "kecamatan": "invalid.text_expected",
}
# A payload the bot could not have packed ("²", 5000 digits, "nik; drop") is refused by the
# codec like an old button; a well-formed one that names nothing offered is read by the step.
OWN_PAYLOAD_REASONS = {
    ("sector", "forged_sector"): "stale_button",
    ("session", "forged_session"): "reg.session.closed",
}


def expected_reason(step: str, bad: str) -> str:
    """Return the catalogue key the person should read, or ACCEPTED / BACK."""
    if bad in TYPED:
        return TEXT_REASONS.get(step, {}).get(bad, "invalid.choice")
    if bad == "sticker":
        return "unsupported"
    if bad == "edited":
        return "edited"
    if bad in ("photo", "location"):
        return ATTACHMENT_REASONS.get(step, "invalid.choice")
    if bad == "foreign_contact":
        return (
            "invalid.phone.not_own"
            if step == "phone"
            else ATTACHMENT_REASONS.get(step, "invalid.choice")
        )
    if bad.startswith("command_"):
        return "unknown_command" if bad == "command_unknown" else "busy"
    return OWN_PAYLOAD_REASONS.get((step, bad), "stale_button")


@pytest.mark.parametrize("bad", BAD_INPUTS, ids=lambda bad: bad.name)
@pytest.mark.parametrize("step", STEPS)
async def test_bad_input_at_every_step_is_explained_and_changes_nothing(
    chat: Chat, storage: Storage, step: str, bad: BadInput
) -> None:
    await seed_sessions(storage)
    await walk_to(chat, step)
    before = await conversation_of(storage, chat)
    assert before is not None and before[:2] == ("registration", step)
    question_buttons = chat.labels()
    records = await stored_records(storage)
    sender = BadInput("stale_consent", pressed("registration:summary:ok"))
    if not (step == "consent" and bad.name == "stale_button"):
        sender = bad

    await sender.send(chat)

    assert chat.last, "every input gets an answer"
    assert GENERIC_ERROR not in chat.said
    assert await stored_records(storage) == records
    reason = expected_reason(step, bad.name)
    after = await conversation_of(storage, chat)
    if reason == ACCEPTED:
        assert after is not None and after[1] == "sector"
        assert after[2]["business_name"] == TYPED[bad.name]
        return
    if reason == BACK:
        assert says(chat, "invalid.kecamatan")
        assert chat.labels() == list(load_region().kecamatan)
        assert after is not None and after[1] == "kecamatan"
        expected_data = {k: v for k, v in before[2].items() if k != "kecamatan_candidate"}
        assert after[2] == expected_data
        return
    assert says(chat, reason), (reason, chat.said)
    assert after == before
    # Choices are offered again (a text step has none to offer).
    assert chat.labels() == question_buttons


async def test_superscript_sector_button_does_not_crash(chat: Chat, storage: Storage) -> None:
    # "²".isdigit() is true but int("²") fails: a forged payload once raised here.
    await seed_sessions(storage)
    await walk_to(chat, "sector")
    await chat.payload("registration:sector:²")
    assert says(chat, "stale_button")
    await chat.payload("registration:sector:1")
    after = await conversation_of(storage, chat)
    assert after is not None and after[1] == "kecamatan"
    assert after[2]["sector"] == load_sectors()[1]


async def test_sql_text_is_stored_verbatim_as_a_business_name(
    chat: Chat, storage: Storage
) -> None:
    await seed_sessions(storage)
    await walk_to(chat, "business_name")
    await chat.text(TYPED["sql"])
    await chat.press("Kerajinan")
    await chat.text("Setu")
    await chat.press(label_starting(chat, FREE_TITLE))
    await chat.press("Benar")
    stored = await storage.participants.get_by_nik(GOOD_NIK)
    assert stored is not None and stored.business_name == TYPED["sql"]
    assert await storage.participants.count_active() == 2


# --- Ubah: change a field from the summary ---------------------------------------------------


@pytest.mark.parametrize(
    ("label", "answer", "kind", "field", "stored"),
    [
        ("Nama", "Siti Rahmawati", "text", "full_name", "Siti Rahmawati"),
        ("NIK", "3216 0115 0890 0001", "text", "nik", THIRD_NIK),
        ("No. HP", "0813-1111-2222", "text", "phone", "+6281311112222"),
        ("Nama usaha", "Batik Siti Jaya", "text", "business_name", "Batik Siti Jaya"),
        ("Sektor", "Kerajinan", "press", "sector", "Kerajinan"),
        ("Kecamatan", "tambun selatan", "text", "kecamatan", "Tambun Selatan"),
    ],
)
async def test_change_a_field_from_the_summary(
    chat: Chat, storage: Storage, label: str, answer: str, kind: str, field: str, stored: str
) -> None:
    await seed_sessions(storage)
    await walk_to(chat, "pick")
    assert says(chat, "reg.pick_field")
    await chat.press(label)
    state = await conversation_of(storage, chat)
    assert state is not None and state[1] == field
    assert "Langkah" not in chat.said  # no step counter while editing
    await (chat.press(answer) if kind == "press" else chat.text(answer))
    state = await conversation_of(storage, chat)
    assert state is not None and state[1] == "summary"
    assert says(chat, "reg.summary")
    shown = "************0001" if field == "nik" else stored
    assert shown in chat.said
    assert chat.labels() == ["Benar", "Ubah"]
    await chat.press("Benar")
    participant = await storage.participants.get_by_nik(THIRD_NIK if field == "nik" else GOOD_NIK)
    assert participant is not None
    assert getattr(participant, field) == stored


async def test_change_the_session_to_the_waiting_list(chat: Chat, storage: Storage) -> None:
    await seed_sessions(storage)
    await walk_to(chat, "pick")
    await chat.press("Sesi")
    await chat.press(label_starting(chat, FULL_TITLE))
    assert says(chat, "reg.session.full")
    await chat.press("Masuk daftar tunggu")
    assert f"{FULL_TITLE} (daftar tunggu)" in chat.said
    await chat.press("Benar")
    participant = await storage.participants.get_by_nik(GOOD_NIK)
    assert participant is not None
    enrolled = await storage.enrollments.for_participant(participant.id)
    assert [(e.session.title, e.enrollment.status) for e in enrolled] == [
        (FULL_TITLE, "waitlisted")
    ]


async def test_bad_input_while_changing_a_field_keeps_the_old_answers(
    chat: Chat, storage: Storage
) -> None:
    await seed_sessions(storage)
    await walk_to(chat, "pick")
    await chat.press("Nama")
    await chat.text("R2D2")
    assert says(chat, "invalid.full_name.chars")
    state = await conversation_of(storage, chat)
    assert state is not None and state[1] == "full_name"
    assert state[2]["full_name"] == "Siti Aminah"


# --- /batal, refusal, duplicates ------------------------------------------------------------


@pytest.mark.parametrize("command", ["/batal", "/cancel", "/batal@wub_ikm_bot"])
@pytest.mark.parametrize("step", STEPS)
async def test_cancel_at_every_step_clears_the_state_and_stores_nothing(
    chat: Chat, storage: Storage, step: str, command: str
) -> None:
    await seed_sessions(storage)
    records = await stored_records(storage)
    await walk_to(chat, step)
    await chat.text(command)
    assert says(chat, "cancelled")
    assert await conversation_of(storage, chat) is None
    assert await stored_records(storage) == records
    await chat.text("/batal")
    assert says(chat, "nothing_to_cancel")


async def test_consent_refusal_stores_nothing(chat: Chat, storage: Storage) -> None:
    await chat.text("/daftar")
    assert chat.labels() == ["Setuju", "Tidak setuju"]
    assert "UU No. 27 Tahun 2022" in chat.said
    await chat.press("Tidak setuju")
    assert says(chat, "reg.consent.refused")
    assert await conversation_of(storage, chat) is None
    assert await stored_records(storage) == {"participant": [], "enrollment": [], "audit_log": []}


async def test_duplicate_nik_from_another_chat_is_refused_at_the_nik_step(
    chat: Chat, router: Router, services: Services, storage: Storage
) -> None:
    await add_session(storage)
    await register(chat)
    other = Chat(router, services, address="2002")
    await walk_to(other, "nik")
    await other.text(GOOD_NIK)
    assert says(other, "reg.nik_taken")
    assert "hubungi petugas" in other.said
    state = await conversation_of(storage, other)
    assert state is not None and state[1] == "nik"
    assert "nik" not in state[2]
    assert await storage.participants.count_active() == 1


async def test_nik_registered_meanwhile_is_caught_at_the_summary(
    chat: Chat, router: Router, services: Services, storage: Storage
) -> None:
    await add_session(storage)
    other = Chat(router, services, address="2002")
    await walk_to(other, "summary")
    await register(chat)
    await other.press("Benar")
    assert says(other, "reg.nik_taken")
    state = await conversation_of(storage, other)
    assert state is not None and state[1] == "nik"
    assert await storage.participants.count_active() == 1
    await other.text(THIRD_NIK)
    assert says(other, "reg.summary")
    await other.press("Benar")
    assert await storage.participants.count_active() == 2


async def test_same_person_registering_again_is_told_they_are_registered(
    chat: Chat, storage: Storage
) -> None:
    await add_session(storage)
    await register(chat)
    await chat.text("/daftar")
    assert says(chat, "reg.already")
    assert "Siti Aminah" in chat.said
    assert await conversation_of(storage, chat) is None
    await chat.text("📝 Daftar")
    assert says(chat, "reg.already")


# --- kecamatan, sessions, phone -------------------------------------------------------------


async def test_near_miss_kecamatan_is_confirmed(chat: Chat, storage: Storage) -> None:
    await seed_sessions(storage)
    await walk_to(chat, "kecamatan")
    await chat.text("cikarang utr")
    assert "Maksud Anda Kecamatan Cikarang Utara?" in chat.said
    assert chat.labels() == ["Ya, benar", "Bukan"]
    await chat.press("Ya, benar")
    state = await conversation_of(storage, chat)
    assert state is not None and state[1] == "session"
    assert state[2]["kecamatan"] == "Cikarang Utara"
    assert "kecamatan_candidate" not in state[2]


async def test_near_miss_kecamatan_refused_goes_back_to_the_list(
    chat: Chat, storage: Storage
) -> None:
    await seed_sessions(storage)
    await walk_to(chat, "kecamatan_confirm")
    await chat.press("Bukan")
    assert says(chat, "reg.ask.kecamatan")
    assert chat.labels() == list(load_region().kecamatan)
    state = await conversation_of(storage, chat)
    assert state is not None and state[1] == "kecamatan"
    assert "kecamatan" not in state[2] and "kecamatan_candidate" not in state[2]
    await chat.press("Setu")
    state = await conversation_of(storage, chat)
    assert state is not None and state[1] == "session" and state[2]["kecamatan"] == "Setu"


async def test_full_session_offers_the_waiting_list_and_ends_waitlisted(
    chat: Chat, storage: Storage
) -> None:
    await seed_sessions(storage)
    await walk_to(chat, "session")
    full_label = label_starting(chat, FULL_TITLE)
    assert "penuh" in full_label
    assert "(30 tempat)" in label_starting(chat, FREE_TITLE)
    await chat.press(full_label)
    assert says(chat, "reg.session.full")
    assert chat.labels() == ["Masuk daftar tunggu", "Pilih sesi lain"]
    await chat.press("Pilih sesi lain")
    assert says(chat, "reg.ask.session")
    await chat.press(label_starting(chat, FULL_TITLE))
    await chat.press("Masuk daftar tunggu")
    assert f"{FULL_TITLE} (daftar tunggu)" in chat.said
    await chat.press("Benar")
    assert says(chat, "reg.done")
    assert says(chat, "reg.done.waitlisted")
    participant = await storage.participants.get_by_nik(GOOD_NIK)
    assert participant is not None
    enrolled = await storage.enrollments.for_participant(participant.id)
    assert [e.enrollment.status for e in enrolled] == ["waitlisted"]


async def test_phone_step_rejects_someone_elses_contact_and_accepts_typed(
    chat: Chat, storage: Storage
) -> None:
    await seed_sessions(storage)
    await walk_to(chat, "phone")
    question = chat.last[-1]
    assert isinstance(question, Reply) and question.request_contact == "📱 Bagikan nomor"
    await chat.contact("+6281399990000", owner="555")
    assert says(chat, "invalid.phone.not_own")
    state = await conversation_of(storage, chat)
    assert state is not None and state[1] == "phone"
    await chat.text("0812-3456-7890")
    state = await conversation_of(storage, chat)
    assert state is not None and state[1] == "business_name"
    assert state[2]["phone"] == "+6281234567890"


@pytest.mark.parametrize(
    "typed_phone",
    ["0812-3456-7890", "+62 812 3456 7890", "62 812-3456-7890", "(0812) 3456.7890"],
)
async def test_typed_phone_forms_are_normalised(
    chat: Chat, storage: Storage, typed_phone: str
) -> None:
    await walk_to(chat, "phone")
    await chat.text(typed_phone)
    state = await conversation_of(storage, chat)
    assert state is not None and state[2]["phone"] == "+6281234567890"


async def test_registration_without_any_open_session(chat: Chat, storage: Storage) -> None:
    await add_session(storage, "OLD", starts_in=-timedelta(hours=1))
    await walk_to(chat, "session")
    assert says(chat, "reg.session.none")
    assert chat.labels() == ["Daftar tanpa sesi"]
    await chat.press("Daftar tanpa sesi")
    assert "belum memilih sesi" in chat.said
    await chat.press("Benar")
    assert says(chat, "reg.done")
    participant = await storage.participants.get_by_nik(GOOD_NIK)
    assert participant is not None
    assert await storage.enrollments.for_participant(participant.id) == []
    assert [e.action for e in await storage.audit.latest()] == ["participant.register"]


async def test_skip_session_button_is_refused_while_sessions_are_open(
    chat: Chat, storage: Storage
) -> None:
    await seed_sessions(storage)
    await walk_to(chat, "session")
    await chat.payload("registration:session:none")
    assert says(chat, "reg.session.closed")
    state = await conversation_of(storage, chat)
    assert state is not None and state[1] == "session"


async def test_registration_in_english_after_bahasa(chat: Chat, storage: Storage) -> None:
    await add_session(storage)
    await chat.text("/bahasa")
    await chat.press("English")
    assert says(chat, "language.set", "en")
    await chat.text("/daftar")
    assert says(chat, "reg.consent", "en")
    await chat.press("I agree")
    assert "Step 2 of 8" in chat.said
    await chat.text("Siti Aminah")
    await chat.text("123")
    assert says(chat, "invalid.nik.length", "en")
    await chat.text(GOOD_NIK)
    await chat.contact("+62 812-3456-7890")
    await chat.text("Batik Siti")
    await chat.press("Batik & Tekstil")
    await chat.text("Cikarang Utara")
    await chat.press(label_starting(chat, "Bimtek Batik Tulis"))
    assert says(chat, "reg.summary", "en")
    await chat.press("Correct")
    assert says(chat, "reg.done", "en")
    assert "You are enrolled in" in chat.said
    participant = await storage.participants.get_by_nik(GOOD_NIK)
    assert participant is not None and participant.language == "en"


async def test_a_restart_mid_flow_goes_on_at_the_same_step(
    chat: Chat, storage: Storage, router: Router, services: Services
) -> None:
    await seed_sessions(storage)
    await walk_to(chat, "sector")
    # A new router and chat driver over the same database: as after a restart.
    again = Chat(build_router(), services, address=chat.address)
    await again.kind("unsupported")
    assert says(again, "reg.ask.sector")
    await again.press("Kerajinan")
    state = await conversation_of(storage, again)
    assert state is not None and state[1] == "kecamatan"
    assert state[2]["full_name"] == "Siti Aminah" and state[2]["sector"] == "Kerajinan"
