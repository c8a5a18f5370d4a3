"""The help desk through the router: FAQ, tickets, officer answers, limits, bad input."""

from __future__ import annotations

from datetime import timedelta

import pytest

from handlers.conversation import texts
from handlers.conversation.messages import Inbound, Reply
from handlers.conversation.router import Router
from handlers.conversation.turn import Services
from handlers.helpdesk.policy import HelpdeskPolicy
from handlers.helpdesk.tickets import autoclose
from storage import Storage
from storage.outbox import OutboxMessage
from tests.support.chat import GOOD_NIK, NOW, Chat, add_session, register
from tests.support.clock import FrozenClock
from tests.support.officers import ADMIN, OFFICER, make_officer

PERSON = "1001"


def said(chat: Chat, key: str, language: str = "id", **values: object) -> bool:
    return texts.text(language, key, **values) in chat.said


async def rows(storage: Storage, prefix: str) -> list[OutboxMessage]:
    return await storage.outbox.with_key_prefix(prefix)


async def mark_sent(storage: Storage, row: OutboxMessage, message_id: int) -> None:
    """Record an outbox row as delivered to Telegram as message `message_id` of its chat."""
    async with storage.db.transaction():
        await storage.db.execute("UPDATE outbox SET status = 'sending' WHERE id = ?", (row.id,))
        await storage.outbox.mark_sent(row.id, NOW, f"{row.address}:{message_id}")


async def officers(storage: Storage) -> None:
    await make_officer(storage, OFFICER)
    await make_officer(storage, ADMIN, "admin")


@pytest.fixture
async def desk(router: Router, services: Services, storage: Storage) -> Chat:
    await officers(storage)
    return Chat(router, services, OFFICER)


async def test_free_text_opens_a_ticket_and_every_officer_is_alerted(
    chat: Chat, desk: Chat, storage: Storage
) -> None:
    await chat.text("Saya kehilangan KTP, bagaimana?")
    assert said(chat, "tanya.opened", ticket=1)
    assert "belum mengerti" not in chat.said
    alerts = await rows(storage, "ticket:1:")
    assert sorted(row.address for row in alerts) == sorted([OFFICER, ADMIN])
    body = alerts[0].body
    assert "Saya kehilangan KTP" in body.text and "Belum terdaftar" in body.text
    assert [b.label for row in body.buttons for b in row] == ["✋ Saya tangani", "✅ Tutup"]
    ticket = await storage.tickets.get(1)
    assert ticket is not None and ticket.status == "open"


async def test_a_muted_officer_gets_no_alert(chat: Chat, desk: Chat, storage: Storage) -> None:
    await desk.text("/tiket")
    await desk.press("🔕 Matikan notifikasi")
    assert said(desk, "tiket.alerts.now_off")
    await chat.text("Halo, ada yang bisa bantu?")
    assert [row.address for row in await rows(storage, "ticket:1:")] == [ADMIN]


async def test_the_officers_answer_by_replying_to_the_alert(
    chat: Chat, desk: Chat, storage: Storage, router: Router, services: Services
) -> None:
    await chat.text("Saya kehilangan KTP, bagaimana?")
    alerts = {row.address: row for row in await rows(storage, "ticket:1:")}
    await mark_sent(storage, alerts[OFFICER], 41)
    await mark_sent(storage, alerts[ADMIN], 77)
    await desk.send(
        Inbound(
            channel="telegram",
            address=OFFICER,
            sender_id=OFFICER,
            kind="text",
            text="Bawa surat kehilangan dari polisi.",
            reply_to="41",
        )
    )
    assert said(desk, "tiket.sent", ticket=1)
    answers = await rows(storage, "ticketanswer:1:")
    assert [row.address for row in answers] == [PERSON]
    assert "Bawa surat kehilangan" in answers[0].body.text
    assert "Petugas WUB IKM" in answers[0].body.text
    ticket = await storage.tickets.get(1)
    assert ticket is not None and ticket.status == "answered" and ticket.first_answer_at == NOW
    edits = await rows(storage, "ticketedit:1:")
    assert [row.address for row in edits] == [ADMIN]
    assert edits[0].body.edits == alerts[ADMIN].key
    assert "Dijawab oleh #1" in edits[0].body.text
    # The follow-up joins the ticket and alerts the officers again.
    await chat.text("Baik, terima kasih. Suratnya harus asli?")
    assert said(chat, "tanya.joined", ticket=1)
    ticket = await storage.tickets.get(1)
    assert ticket is not None and ticket.status == "open"
    assert len(await storage.tickets.messages(1)) == 3
    audit = [entry.action for entry in await storage.audit.latest(10)]
    assert "ticket.answer" in audit


async def test_a_reply_to_a_closed_or_erased_ticket_sends_nothing(
    chat: Chat, desk: Chat, storage: Storage
) -> None:
    await chat.text("Pertanyaan pertama saya")
    alert = next(r for r in await rows(storage, "ticket:1:") if r.address == OFFICER)
    await mark_sent(storage, alert, 5)
    await desk.payload("tiket:close:1")
    await desk.press("Tutup tanpa catatan")
    assert said(desk, "tiket.closed", ticket=1)
    reply = Inbound(
        channel="telegram",
        address=OFFICER,
        sender_id=OFFICER,
        kind="text",
        text="Jawab",
        reply_to="5",
    )
    await desk.send(reply)
    assert said(desk, "tiket.refused.closed")
    assert await rows(storage, "ticketanswer:") == []


async def test_a_reply_to_a_non_alert_message(desk: Chat, storage: Storage) -> None:
    await desk.send(
        Inbound(
            channel="telegram",
            address=OFFICER,
            sender_id=OFFICER,
            kind="text",
            text="Halo",
            reply_to="999",
        )
    )
    assert said(desk, "tiket.not_alert")
    assert await storage.tickets.counts() == {"open": 0, "answered": 0, "closed": 0}


@pytest.mark.parametrize("typed", ["/tanya", "/tanya Bagaimana cara daftar?", "/TANYA 😀"])
async def test_an_officer_asking_is_told_where_questions_go(
    desk: Chat, storage: Storage, typed: str
) -> None:
    await desk.text(typed)
    assert said(desk, "tanya.officer")
    assert not said(desk, "tiket.not_alert")
    assert await storage.tickets.counts() == {"open": 0, "answered": 0, "closed": 0}


async def test_a_participant_replying_to_a_bot_message_is_just_asking(
    chat: Chat, desk: Chat, storage: Storage
) -> None:
    await chat.send(
        Inbound(
            channel="telegram",
            address=PERSON,
            sender_id=PERSON,
            kind="text",
            text="Kalau saya terlambat bagaimana?",
            reply_to="3",
        )
    )
    assert said(chat, "tanya.opened", ticket=1)


async def test_the_desk_lists_shows_takes_answers_and_closes(
    chat: Chat, desk: Chat, storage: Storage
) -> None:
    await chat.text("Apakah boleh membawa anak?")
    await desk.text("/tiket")
    assert "Terbuka: 1" in desk.said
    await desk.press("📥 Terbuka (1)")
    await desk.press(desk.labels()[0])
    assert "Apakah boleh membawa anak?" in desk.said
    await desk.press("✋ Saya tangani")
    assert said(desk, "tiket.taken", ticket=1)
    await desk.payload("tiket:reply:1")
    assert said(desk, "tiket.ask_reply", ticket=1)
    await desk.text("   ")
    assert said(desk, "tiket.refused.empty")
    await desk.text("Boleh, asal tidak mengganggu.")
    assert said(desk, "tiket.sent", ticket=1)
    await desk.payload("tiket:close:1")
    await desk.text("Sudah dijawab")
    ticket = await storage.tickets.get(1)
    assert ticket is not None
    assert (ticket.status, ticket.close_note, ticket.officer_id) == ("closed", "Sudah dijawab", 1)
    actions = [entry.action for entry in await storage.audit.latest(20)]
    assert {"ticket.take", "ticket.answer", "ticket.close"} <= set(actions)


async def test_faq_answers_at_once_and_can_still_reach_an_officer(
    chat: Chat, desk: Chat, storage: Storage
) -> None:
    await chat.text("kpn sertifikat keluar?")
    assert "Sertifikat diberikan" in chat.said
    assert chat.labels() == ["👍 Terjawab", "💬 Tanya petugas"]
    assert await storage.tickets.counts() == {"open": 0, "answered": 0, "closed": 0}
    await chat.press("💬 Tanya petugas")
    assert said(chat, "tanya.opened", ticket=1)
    messages = await storage.tickets.messages(1)
    assert [m.text for m in messages] == ["kpn sertifikat keluar?"]
    assert await storage.questions.counts() == {"faq": 0, "own_data": 0, "ticket": 1}


async def test_faq_answered_counts_for_the_faq(chat: Chat, storage: Storage) -> None:
    await chat.text("apa syarat ikut bimtek")
    await chat.press("👍 Terjawab")
    assert said(chat, "tanya.thanks")
    assert await storage.questions.counts() == {"faq": 1, "own_data": 0, "ticket": 0}
    question = await storage.questions.get(1)
    assert question is not None and question.text is None


async def test_questions_about_own_data_are_answered_from_it(chat: Chat, storage: Storage) -> None:
    await add_session(storage)
    await register(chat)
    await chat.text("kapan bimtek saya?")
    assert "Bimtek Batik Tulis" in chat.said and "Aula Disperindag" in chat.said
    assert chat.labels()[-1] == "💬 Tanya petugas"
    assert await storage.tickets.counts() == {"open": 0, "answered": 0, "closed": 0}


async def test_alerts_per_ticket_per_hour_are_limited(
    chat: Chat, desk: Chat, storage: Storage, clock: FrozenClock
) -> None:
    for number in range(7):
        await chat.text(f"Pesan nomor {number}")
    alerted = [m.alerted for m in await storage.tickets.messages(1)]
    assert alerted == [True] * 5 + [False] * 2
    assert len(await rows(storage, "ticket:1:")) == 5 * 2
    clock.advance(timedelta(hours=1, minutes=1))
    await chat.text("Pesan sejam kemudian")
    assert len(await rows(storage, "ticket:1:")) == 6 * 2


async def test_outside_office_hours_the_person_is_told_when_officers_are_back(
    chat: Chat, desk: Chat, clock: FrozenClock
) -> None:
    clock.advance(timedelta(days=1))  # Saturday
    await chat.text("Halo, apakah kantor buka?")
    assert said(chat, "tanya.opened", ticket=1)
    assert "Senin, 30 November 2026 pukul 08.00 WIB" in chat.said


@pytest.mark.parametrize(
    ("inbound", "expected"),
    [
        ({"kind": "text", "text": ""}, "tanya.empty"),
        ({"kind": "text", "text": "   \n "}, "tanya.empty"),
        ({"kind": "unsupported"}, "unsupported"),
    ],
)
async def test_empty_and_sticker_only_messages_open_no_ticket(
    chat: Chat, desk: Chat, storage: Storage, inbound: dict[str, str], expected: str
) -> None:
    await chat.send(Inbound(channel="whatsapp", address="6281234567890", **inbound))  # type: ignore[arg-type]
    assert texts.ID[expected] in chat.said
    assert await storage.tickets.counts() == {"open": 0, "answered": 0, "closed": 0}


async def test_a_long_question_and_a_photo_only_question(
    chat: Chat, desk: Chat, storage: Storage
) -> None:
    await chat.text("panjang " * 700)
    assert said(chat, "tanya.opened", ticket=1)
    stored = (await storage.tickets.messages(1))[0].text
    assert stored is not None and len(stored) == 4000
    other = Chat(chat.router, chat.services, "2002")
    await other.send(
        Inbound(
            channel="telegram", address="2002", sender_id="2002", kind="photo", photo_id="AgAC1"
        )
    )
    assert said(other, "tanya.opened", ticket=2)
    alert = (await rows(storage, "ticket:2:"))[0]
    assert alert.body.photo_file_id == "AgAC1"
    voice = Chat(chat.router, chat.services, "3003")
    await voice.send(
        Inbound(
            channel="telegram", address="3003", sender_id="3003", kind="voice", media_id="AwAC"
        )
    )
    assert (await rows(storage, "ticket:3:"))[0].body.voice_file_id == "AwAC"


@pytest.mark.parametrize(
    "payload",
    [
        "tiket:take:999999",
        "tiket:take:abc",
        "tiket:take:99999999999999999999",
        "tiket:take:1:2",
        "tiket:explode:1",
        "tiket:reply:424242",
        "tiket:show:0",
    ],
)
async def test_forged_ticket_buttons(
    chat: Chat, desk: Chat, storage: Storage, payload: str
) -> None:
    await chat.text("Pertanyaan asli")
    before = await storage.tickets.get(1)
    await desk.payload(payload)
    assert desk.said
    assert "Terjadi kesalahan" not in desk.said
    assert await storage.tickets.get(1) == before


async def test_someone_elses_answer_button_does_nothing(
    chat: Chat, desk: Chat, storage: Storage
) -> None:
    await chat.text("Pertanyaan asli")
    stranger = Chat(chat.router, chat.services, "5005")
    await stranger.payload("tanya:done:1")
    assert said(stranger, "stale_button")
    ticket = await storage.tickets.get(1)
    assert ticket is not None and ticket.status == "open"


async def test_commands_menu_and_flows_still_work_while_a_ticket_is_open(
    chat: Chat, desk: Chat, storage: Storage
) -> None:
    await chat.text("Pertanyaan asli")
    await chat.text("/daftar")
    assert "Setuju" in chat.labels()
    await chat.text("setuju")  # a typed button label
    assert said(chat, "reg.ask.full_name")
    assert len(await storage.tickets.messages(1)) == 1


async def test_answered_tickets_close_themselves(
    chat: Chat, desk: Chat, storage: Storage, services: Services
) -> None:
    await chat.text("Pertanyaan asli")
    await desk.payload("tiket:reply:1")
    await desk.text("Jawaban")
    policy = HelpdeskPolicy()
    assert await autoclose(storage, policy, NOW + timedelta(days=2)) == 0
    assert await autoclose(storage, policy, NOW + timedelta(days=3, minutes=1)) == 1
    ticket = await storage.tickets.get(1)
    assert ticket is not None and ticket.status == "closed"
    assert (await storage.audit.latest(1))[0].action == "ticket.autoclose"


async def test_erasure_empties_ticket_texts_and_keeps_the_counts(
    chat: Chat, desk: Chat, storage: Storage
) -> None:
    await add_session(storage)
    await register(chat, nik=GOOD_NIK)
    await chat.text("Saya kehilangan KTP")
    await chat.text("/hapus")
    await chat.press(chat.labels()[0])
    messages = await storage.tickets.messages(1)
    assert [m.text for m in messages] == [None]
    ticket = await storage.tickets.get(1)
    assert ticket is not None and ticket.erased_at is not None and ticket.address == "-"
    assert all("KTP" not in row.body.text for row in await rows(storage, "ticket:1:"))
    assert await storage.tickets.counts() == {"open": 0, "answered": 0, "closed": 1}
    await desk.payload("tiket:reply:1")
    assert said(desk, "tiket.refused.erased")


async def test_an_officer_starts_a_conversation_from_peserta(
    chat: Chat, desk: Chat, storage: Storage
) -> None:
    await add_session(storage)
    await register(chat)
    await desk.text("/peserta siti")
    assert "Siti Aminah" in desk.said and GOOD_NIK not in desk.said
    await desk.press(desk.labels()[0])
    await desk.text("Mohon lengkapi foto KTP Anda.")
    answers = await rows(storage, "ticketanswer:1:")
    assert [row.address for row in answers] == [PERSON]
    ticket = await storage.tickets.get(1)
    assert ticket is not None and ticket.started_by == "officer" and ticket.status == "answered"


async def test_rekap_shows_the_desk_numbers(chat: Chat, desk: Chat, storage: Storage) -> None:
    await chat.text("kpn sertifikat keluar?")
    await chat.text("Pertanyaan lain sama sekali")
    await desk.payload("tiket:reply:1")
    await desk.text("Jawaban")
    await desk.text("/rekap")
    text = next(r.text for r in desk.last if isinstance(r, Reply))
    assert "Terbuka: 0 · Dijawab: 1 · Ditutup: 0" in text
    assert "median 0 m" in text
    assert "1 (50%) dari 2" in text
