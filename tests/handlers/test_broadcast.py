"""/siaran in chat, and the worker that queues scheduled broadcasts and reports progress."""

from __future__ import annotations

from datetime import timedelta

import pytest
from chat_support import NOW, Chat, add_session
from officer_support import OFFICER, FakeBoard, enroll, make_officer, outbox_rows, person, settle

from handlers import texts
from handlers.audience import Audience
from handlers.broadcasting import (
    BroadcastWorker,
    compose,
    format_reasons,
    queue_due,
    reason_key,
    report,
    start_broadcast,
)
from handlers.clock import FrozenClock
from handlers.core import Inbound, Reply
from handlers.router import Router
from handlers.turn import Services
from storage import Storage

FOOTER = "— Ketik BERHENTI untuk berhenti menerima pengumuman."
TEXT = "Besok pameran produk IKM di Aula Disperindag, pukul 09.00."


@pytest.fixture
async def desk(router: Router, services: Services, storage: Storage) -> Chat:
    """Return the chat of an officer, with five participants in Setu and Cibitung."""
    await make_officer(storage)
    for number in (1, 2, 3):
        await person(storage, number)
    await person(storage, 4, kecamatan="Cibitung", language="en")
    await person(storage, 5, kecamatan="Cibitung")
    return Chat(router, services, OFFICER)


def texts_of(chat: Chat) -> list[str]:
    return [reply.text for reply in chat.last if isinstance(reply, Reply)]


async def photo(chat: Chat, file_id: str, caption: str = "") -> None:
    await chat.send(
        Inbound(
            channel="telegram",
            address=chat.address,
            sender_id=chat.address,
            kind="photo",
            photo_id=file_id,
            text=caption,
        )
    )


async def test_compose_preview_and_send_now(desk: Chat, storage: Storage) -> None:
    await desk.text("/siaran")
    assert "Tulis isi pengumuman" in desk.said
    await desk.text(TEXT)
    assert desk.labels() == ["Tanpa foto"]
    await desk.press("Tanpa foto")
    assert "Semua peserta" in " ".join(desk.labels())
    await desk.press("📍 Satu kecamatan")
    await desk.press("Setu")
    preview = texts_of(desk)
    assert preview[1] == f"{TEXT}\n\n{FOOTER}"  # exactly what recipients get
    assert "Kecamatan Setu" in preview[2] and "Akan dikirim ke 3 penerima" in preview[2]
    assert desk.labels() == ["✅ Kirim sekarang", "🕒 Jadwalkan", "❌ Batal"]
    await desk.press("✅ Kirim sekarang")
    assert "Siaran #1 sedang dikirim ke 3 penerima" in desk.said
    rows = await outbox_rows(storage, 1)
    assert rows == [(str(number), f"{TEXT}\n\n{FOOTER}") for number in (1, 2, 3)]
    broadcast = await storage.broadcasts.get(1)
    assert broadcast is not None and broadcast.status == "sending"
    assert (broadcast.recipients, broadcast.progress_address) == (3, OFFICER)
    assert broadcast.author == "officer:1" and broadcast.audience == "kecamatan:Setu"
    assert await storage.conversations.get("telegram", OFFICER) is None
    actions = [(entry.actor, entry.action, entry.target) for entry in await storage.audit.latest()]
    assert ("officer:1", "broadcast.send", "1") in actions


async def test_photo_with_caption_and_each_recipients_language(
    desk: Chat, storage: Storage
) -> None:
    await desk.text("/siaran")
    await photo(desk, "PHOTO-1", caption=TEXT)
    await desk.press("📍 Satu kecamatan")
    await desk.press("Cibitung")
    shown = [reply for reply in desk.last if isinstance(reply, Reply)][1]
    assert shown.photo_file_id == "PHOTO-1"
    await desk.press("✅ Kirim sekarang")
    rows = await storage.db.fetch_all("SELECT address, body FROM outbox ORDER BY id")
    bodies = {row["address"]: row["body"] for row in rows}
    assert '"photo_file_id":"PHOTO-1"' in bodies["4"] and "Reply STOP" in bodies["4"]
    assert "BERHENTI" in bodies["5"]


async def test_photo_first_then_text(desk: Chat, storage: Storage) -> None:
    await desk.text("/siaran")
    await photo(desk, "PHOTO-2")
    assert "Foto diterima" in desk.said
    await desk.text(TEXT)
    assert "Kirim ke siapa?" in desk.said  # no photo step: it has one


async def test_schedule_survives_a_restart_and_goes_out_when_due(
    desk: Chat, storage: Storage, services: Services, clock: FrozenClock
) -> None:
    await desk.text("/siaran")
    await desk.text(TEXT)
    await desk.press("Tanpa foto")
    await desk.press("👥 Semua peserta")
    await desk.press("🕒 Jadwalkan")
    assert "2026-12-01 08:00" in desk.said
    await desk.text("besok pagi")
    assert "tidak bisa dibaca" in desk.said
    await desk.text("2026-11-01 08:00")
    assert "sudah lewat" in desk.said
    await desk.text("2026-11-28 08:00")
    assert "Siaran #1 dijadwalkan Sabtu, 28 November 2026 pukul 08.00 WIB" in desk.said
    assert "5 penerima" in desk.said
    assert await outbox_rows(storage) == []
    await person(storage, 6)  # joins before it is due: counted when it goes out
    # A new worker, as after a restart: the broadcast is a row, not a job in memory.
    worker = BroadcastWorker(services, FakeBoard())
    clock.moment = NOW + timedelta(hours=21, minutes=59)
    await worker.tick()
    assert await outbox_rows(storage) == []
    clock.moment = NOW + timedelta(hours=22)
    await BroadcastWorker(services, FakeBoard()).tick()
    assert [address for address, _ in await outbox_rows(storage, 1)] == list("123456")
    assert await queue_due(services, clock.moment) == []  # queued once only


async def test_cancel_at_preview_sends_nothing(desk: Chat, storage: Storage) -> None:
    await desk.text("/siaran")
    await desk.text(TEXT)
    await desk.press("Tanpa foto")
    await desk.press("👥 Semua peserta")
    await desk.press("❌ Batal")
    assert "tidak ada yang dikirim" in desk.said
    assert await storage.broadcasts.recent() == []
    assert await outbox_rows(storage) == []


async def test_empty_audience_goes_back_to_the_choice(desk: Chat) -> None:
    await desk.text("/siaran")
    await desk.text(TEXT)
    await desk.press("Tanpa foto")
    await desk.press("🏭 Satu sektor")
    await desk.press("Lainnya")
    assert "Tidak ada penerima" in desk.said
    assert "👥 Semua peserta" in desk.labels()


async def test_session_audiences_offer_the_right_sessions(desk: Chat, storage: Storage) -> None:
    started = await add_session(storage, "BTK-01", starts_in=-timedelta(hours=2))
    await add_session(storage, "BTK-02")
    absent = await person(storage, 7)
    await enroll(storage, absent, started)
    await desk.text("/siaran")
    await desk.text(TEXT)
    await desk.press("Tanpa foto")
    await desk.press("📅 Peserta satu sesi")
    assert [label.split(" — ")[0] for label in desk.labels()] == ["BTK-01", "BTK-02", "⬅️ Kembali"]
    await desk.press("⬅️ Kembali")
    await desk.press("🚷 Tidak hadir di satu sesi")
    assert [label.split(" — ")[0] for label in desk.labels()] == ["BTK-01", "⬅️ Kembali"]
    await desk.press(desk.labels()[0])
    assert "Peserta yang tidak hadir di sesi BTK-01" in desk.said
    assert "Akan dikirim ke 1 penerima" in desk.said


async def test_bad_answers_are_asked_again(desk: Chat) -> None:
    await desk.text("/siaran")
    await desk.kind("unsupported")
    assert "hanya bisa membaca pesan teks" in desk.said
    await desk.text(TEXT)
    await desk.text("tidak")
    assert "Kirim fotonya, atau tekan «Tanpa foto»" in desk.said
    await desk.press("Tanpa foto")
    await desk.payload("siaran:audience:everyone")
    assert "Kirim ke siapa?" in desk.said
    await desk.payload("siaran:pick_kecamatan:99")  # a button of another step
    assert "Tombol itu berasal dari pesan lama" in desk.said


async def test_officer_demoted_mid_flow_is_refused_and_the_flow_ends(
    desk: Chat, storage: Storage
) -> None:
    await desk.text("/siaran")
    await desk.text(TEXT)
    async with storage.db.transaction():
        await storage.officers.remove("telegram", OFFICER)
    await desk.press("Tanpa foto")
    assert desk.said == "Maaf, perintah ini hanya untuk petugas."
    assert await storage.conversations.get("telegram", OFFICER) is None


async def test_worker_edits_progress_every_few_seconds_then_reports(
    desk: Chat, storage: Storage, services: Services, clock: FrozenClock
) -> None:
    async with storage.db.transaction():
        await storage.contacts.set_opted_out("telegram", "5", True, NOW)
    broadcast, count = await start_broadcast(
        services,
        author="officer:1",
        text=TEXT,
        audience=Audience("all"),
        now=NOW,
        progress_chat=("telegram", OFFICER),
    )
    assert count == 4
    board = FakeBoard()
    worker = BroadcastWorker(services, board)
    await worker.tick()
    assert board.posts == [("telegram", OFFICER, board.posts[0][2])]
    assert "Siaran #1 sedang dikirim: 0/4" in board.posts[0][2]
    await settle(storage, broadcast.id, clock.moment, a1="sent")
    clock.advance(timedelta(seconds=1))
    await worker.tick()
    assert board.edits == []  # not more than every few seconds
    clock.advance(timedelta(seconds=3))
    await worker.tick()
    assert [edit[3].splitlines()[0] for edit in board.edits] == [
        "📣 Siaran #1 sedang dikirim: 1/4"
    ]
    clock.advance(timedelta(seconds=1))
    await worker.tick()
    assert len(board.edits) == 1
    await settle(storage, broadcast.id, clock.moment, a2="sent", a3="sent", a4="sent")
    await worker.tick()  # the final state shows at once
    assert board.edits[-1][3].splitlines()[0] == "📣 Siaran #1 selesai: 4/4"
    assert len(board.posts) == 1
    done = await storage.broadcasts.get(broadcast.id)
    assert done is not None and done.status == "done" and done.sent_count == 4


async def test_final_report_counts_every_outcome_by_reason(
    desk: Chat, storage: Storage, services: Services, clock: FrozenClock
) -> None:
    async with storage.db.transaction():
        await storage.contacts.set_opted_out("telegram", "5", True, NOW)
        await storage.contacts.mark_blocked("telegram", "3", NOW)
    broadcast, count = await start_broadcast(
        services,
        author="officer:1",
        text=TEXT,
        audience=Audience("all"),
        now=NOW,
        progress_chat=("telegram", OFFICER),
    )
    assert count == 3
    board = FakeBoard()
    worker = BroadcastWorker(services, board)
    await worker.tick()
    await settle(
        storage,
        broadcast.id,
        clock.moment,
        a1="sent",
        a2="failed:Bad Request: chat not found",
        a4="blocked",
    )
    clock.advance(timedelta(seconds=5))
    await worker.tick()
    done = await storage.broadcasts.get(broadcast.id)
    assert done is not None and done.status == "done"
    assert (done.sent_count, done.failed_count, done.blocked_count) == (1, 1, 1)
    final = board.edits[-1][3]
    assert final.startswith("📣 Siaran #1 selesai: 3/3")
    assert "gagal 1 (chat tidak ditemukan: 1)" in final
    message = await storage.outbox.get_by_key("broadcast:1:report")
    assert message is not None and message.address == OFFICER
    assert message.reply().text.splitlines() == [
        "📊 Laporan siaran #1",
        "Penerima: 3",
        "✅ Terkirim: 1",
        "❌ Gagal: 1 (chat tidak ditemukan: 1)",
        "🚫 Memblokir bot: 1",
        "Tidak dikirim: 1 sudah memblokir bot sebelumnya, 1 berhenti berlangganan",
    ]
    result = await report(storage, broadcast.id)
    assert result is not None and result.complete
    await worker.tick()  # done: nothing more happens
    assert await storage.outbox.counts() == {
        "pending": 1,
        "sending": 0,
        "sent": 1,
        "failed": 1,
        "blocked": 1,
    }


async def test_a_broadcast_with_nobody_left_is_done_at_once(
    storage: Storage, services: Services
) -> None:
    broadcast, count = await start_broadcast(
        services, author="cli", text=TEXT, audience=Audience("all"), now=NOW
    )
    assert count == 0
    await BroadcastWorker(services, None).tick()
    done = await storage.broadcasts.get(broadcast.id)
    assert done is not None and done.status == "done" and done.sent_count == 0


def test_compose_adds_the_opt_out_line_in_the_recipients_language() -> None:
    assert compose("Halo", None, "en") == Reply(
        "Halo\n\n— Reply STOP to stop receiving announcements."
    )
    assert compose("Halo", "P", "id").photo_file_id == "P"


@pytest.mark.parametrize(
    ("reason", "key"),
    [
        ("Bad Request: chat not found", "chat_not_found"),
        ("expired: not delivered within BROADCAST_GIVE_UP_AFTER", "expired"),
        (
            "expired: not delivered within BROADCAST_GIVE_UP_AFTER"
            " (last error: rate limited (WhatsApp 130429))",
            "expired",
        ),
        ("rate limited (WhatsApp 130429)", "rate_limited"),
        ("WhatsApp 131000: something", "other"),
    ],
)
def test_failure_reasons_are_grouped_for_officers(reason: str, key: str) -> None:
    assert reason_key(reason) == key
    assert format_reasons({key: 2}, "id") == f"{texts.text('id', f'broadcast.reason.{key}')}: 2"
