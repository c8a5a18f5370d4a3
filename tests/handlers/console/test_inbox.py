"""The help desk inbox in the console: the same ticket service as chat, and the same refusals."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from starlette.applications import Starlette

from bot.channels.media import MediaStore
from bot.console_photos import ConsolePhotos
from handlers.console.app import console_mount
from handlers.console.web import Console
from handlers.conversation.turn import Services
from handlers.helpdesk.policy import HelpdeskPolicy
from handlers.helpdesk.tickets import Incoming, receive
from handlers.participants.admin import erase_by_officer
from storage.helpdesk import Ticket
from storage.models import Officer
from tests.support.chat import NOW
from tests.support.console import BASE, Browser, sign_in

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


async def ask(services: Services, participant_id: int, incoming: Incoming) -> Ticket:
    """Let a participant's message reach the help desk as chat delivers it."""
    storage = services.storage
    participant = await storage.participants.get(participant_id)
    async with storage.db.transaction():
        received = await receive(
            storage,
            services.need(HelpdeskPolicy),
            services.zone,
            channel="telegram",
            address=str(participant_id),
            participant=participant,
            incoming=incoming,
            now=services.clock.now(),
        )
    return received.ticket


async def snapshot(services: Services) -> tuple[object, ...]:
    """Return what a refused action must leave unchanged."""
    storage = services.storage
    tickets = [await storage.tickets.get(n) for n in (1, 2)]
    messages = [len(await storage.tickets.messages(n)) for n in (1, 2)]
    outbox = await storage.db.fetch_value("SELECT COUNT(*) FROM outbox")
    audit = len(await storage.audit.latest(1000))
    return tickets, messages, outbox, audit


@pytest.fixture
async def asked(services: Services, desk: tuple[Starlette, Console]) -> tuple[Ticket, Ticket]:
    """Open two tickets: a question in text, and a photo from another participant."""
    first = await ask(services, 1, Incoming("text", "Apakah alat oven sudah bisa diambil?"))
    second = await ask(services, 2, Incoming("text", "Saya kehilangan KTP"))
    return first, second


async def _audit(services: Services) -> tuple[str, str, str | None, str | None]:
    entry = (await services.storage.audit.latest(1))[0]
    return entry.actor, entry.action, entry.target, entry.via


async def test_the_inbox_lists_open_mine_and_answered(
    services: Services, as_officer: Browser, asked: tuple[Ticket, Ticket], officer: Officer
) -> None:
    page = await as_officer.get("/console/tiket")
    assert page.status_code == 200
    assert 'href="/console/tiket"' in page.text  # the menu entry
    assert '<meta http-equiv="refresh" content="60">' in page.text
    assert page.text.index("/console/tiket/1") < page.text.index("/console/tiket/2")
    assert "Peserta Nomor B" in page.text and "2 tiket" in page.text
    assert "0 tiket" in (await as_officer.get("/console/tiket?which=mine")).text
    assert "0 tiket" in (await as_officer.get("/console/tiket?which=answered")).text
    forged = await as_officer.get("/console/tiket?which=' OR 1=1 --")
    assert forged.status_code == 200 and "2 tiket" in forged.text

    await as_officer.post("/console/tiket/2/tangani")
    mine = (await as_officer.get("/console/tiket?which=mine")).text
    assert "/console/tiket/2" in mine and "/console/tiket/1" not in mine
    await as_officer.post("/console/tiket/1/balas", {"text": "Sudah, silakan ambil Senin."})
    answered = (await as_officer.get("/console/tiket?which=answered")).text
    assert "/console/tiket/1" in answered and "/console/tiket/2" not in answered


async def test_reply_goes_through_the_outbox_as_a_chat_answer(
    services: Services, as_officer: Browser, asked: tuple[Ticket, Ticket], officer: Officer
) -> None:
    storage = services.storage
    thread = await as_officer.get("/console/tiket/1")
    assert thread.status_code == 200
    assert "Apakah alat oven sudah bisa diambil?" in thread.text
    assert await _audit(services) == (
        f"officer:{officer.id}",
        "ticket.view",
        "ticket:1",
        "console",
    )
    sent = await as_officer.post("/console/tiket/1/balas", {"text": "Sudah, ambil hari Senin."})
    assert sent.status_code == 303
    assert sent.headers["location"] == "/console/tiket/1?ok=ok.ticket_sent"
    [row] = await storage.outbox.with_key_prefix("ticketanswer:1:")
    assert (row.channel, row.address) == ("telegram", "1")
    assert "💬 Jawaban petugas" in row.body.text and "Sudah, ambil hari Senin." in row.body.text
    ticket = await storage.tickets.get(1)
    assert ticket is not None
    assert (ticket.status, ticket.officer_id) == ("answered", officer.id)
    assert ticket.first_answer_at == NOW
    messages = await storage.tickets.messages(1)
    assert [(m.author, m.text) for m in messages][-1] == ("officer", "Sudah, ambil hari Senin.")
    assert await _audit(services) == (
        f"officer:{officer.id}",
        "ticket.answer",
        "ticket:1",
        "console",
    )
    shown = await as_officer.get(sent.headers["location"])
    assert "Jawaban dikirim ke peserta." in shown.text
    assert "Sudah, ambil hari Senin." in shown.text


async def test_take_and_close_with_a_note(
    services: Services, as_officer: Browser, asked: tuple[Ticket, Ticket], officer: Officer
) -> None:
    storage = services.storage
    taken = await as_officer.post("/console/tiket/1/tangani")
    assert taken.status_code == 303
    ticket = await storage.tickets.get(1)
    assert ticket is not None and ticket.officer_id == officer.id
    assert await _audit(services) == (
        f"officer:{officer.id}",
        "ticket.take",
        "ticket:1",
        "console",
    )
    closed = await as_officer.post("/console/tiket/1/tutup", {"note": "KTP diurus di kantor"})
    assert closed.status_code == 303
    ticket = await storage.tickets.get(1)
    assert ticket is not None
    assert (ticket.status, ticket.close_note) == ("closed", "KTP diurus di kantor")
    assert await _audit(services) == (
        f"officer:{officer.id}",
        "ticket.close",
        "ticket:1",
        "console",
    )
    # Without a note, too.
    assert (await as_officer.post("/console/tiket/2/tutup", {"note": "  "})).status_code == 303
    second = await storage.tickets.get(2)
    assert second is not None and (second.status, second.close_note) == ("closed", None)
    page = (await as_officer.get("/console/tiket/1")).text
    assert "sudah ditutup" in page and 'id="reply-form"' not in page


async def test_a_closed_ticket_takes_no_reply_and_nothing_is_sent(
    services: Services, as_officer: Browser, asked: tuple[Ticket, Ticket]
) -> None:
    await as_officer.post("/console/tiket/1/tutup", {"note": ""})
    before = await snapshot(services)
    for path, form in (
        ("/console/tiket/1/balas", {"text": "Halo lagi"}),
        ("/console/tiket/1/tangani", {}),
        ("/console/tiket/1/tutup", {"note": "lagi"}),
    ):
        answer = await as_officer.post(path, form)
        assert answer.status_code == 422, path
        assert "Tiket itu sudah ditutup; tidak ada yang dikirim." in answer.text
    assert await snapshot(services) == before


async def test_an_erased_participants_ticket_takes_no_reply(
    services: Services, as_officer: Browser, asked: tuple[Ticket, Ticket], admin: Officer
) -> None:
    storage = services.storage
    await erase_by_officer(storage, 1, actor=f"officer:{admin.id}", now=NOW)
    before = await snapshot(services)
    answer = await as_officer.post("/console/tiket/1/balas", {"text": "Halo"})
    assert answer.status_code == 422
    assert "Data peserta tiket itu sudah dihapus; tidak ada yang dikirim." in answer.text
    closing = await as_officer.post("/console/tiket/1/tutup", {"note": ""})
    assert closing.status_code == 422
    assert await snapshot(services) == before
    page = (await as_officer.get("/console/tiket/1")).text
    assert "Apakah alat oven" not in page and "(dihapus)" in page


@pytest.mark.parametrize(
    ("path", "form", "status", "says"),
    [
        ("/console/tiket/1/balas", {"text": ""}, 422, "Jawaban kosong tidak dikirim"),
        ("/console/tiket/1/balas", {"text": " \n\t "}, 422, "Jawaban kosong tidak dikirim"),
        ("/console/tiket/1/balas", {}, 422, "Jawaban kosong tidak dikirim"),
        ("/console/tiket/1/balas", {"text": "x" * 5000}, 422, "paling banyak 4000 karakter"),
        ("/console/tiket/1/tutup", {"note": "n" * 501}, 422, "paling banyak 500 karakter"),
        ("/console/tiket/999/balas", {"text": "Halo"}, 404, ""),
        ("/console/tiket/999/tangani", {}, 404, ""),
        ("/console/tiket/999/tutup", {}, 404, ""),
        ("/console/tiket/1%20OR%201=1/balas", {"text": "Halo"}, 404, ""),
        ("/console/tiket/-1/balas", {"text": "Halo"}, 404, ""),
        ("/console/tiket/99999999999999/balas", {"text": "Halo"}, 404, ""),
    ],
)
async def test_bad_input_gets_a_clear_answer_and_changes_nothing(
    services: Services,
    as_officer: Browser,
    asked: tuple[Ticket, Ticket],
    path: str,
    form: dict[str, str],
    status: int,
    says: str,
) -> None:
    before = await snapshot(services)
    answer = await as_officer.post(path, form)
    assert answer.status_code == status, answer.text[:300]
    assert says in answer.text
    assert await snapshot(services) == before


async def test_a_long_reply_keeps_the_draft_and_sql_looking_text_is_just_text(
    services: Services, as_officer: Browser, asked: tuple[Ticket, Ticket]
) -> None:
    long = await as_officer.post("/console/tiket/1/balas", {"text": "ā" * 4001})
    assert long.status_code == 422 and "ā" * 100 in long.text
    odd = "'); DROP TABLE ticket; -- 😀 <script>alert(1)</script>"
    assert (await as_officer.post("/console/tiket/1/balas", {"text": odd})).status_code == 303
    messages = await services.storage.tickets.messages(1)
    assert messages[-1].text == odd
    page = (await as_officer.get("/console/tiket/1")).text
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


async def test_a_post_without_the_csrf_token_is_refused(
    services: Services, as_officer: Browser, asked: tuple[Ticket, Ticket]
) -> None:
    before = await snapshot(services)
    answer = await as_officer.http.post("/console/tiket/1/balas", data={"text": "Halo"})
    assert answer.status_code == 403
    wrong = await as_officer.http.post(
        "/console/tiket/1/tutup", data={"csrf": "forged", "note": ""}
    )
    assert wrong.status_code == 403
    after = await snapshot(services)
    # Only the two refusals were audited.
    assert after[:3] == before[:3] and after[3] == before[3] + 2  # type: ignore[operator]


async def test_the_participant_page_lists_their_tickets(
    as_officer: Browser, asked: tuple[Ticket, Ticket]
) -> None:
    page = (await as_officer.get("/console/peserta/1")).text
    assert 'href="/console/tiket/1"' in page and 'href="/console/tiket/2"' not in page
    assert "Tiket #1" in page
    assert 'href="/console/tiket/' not in (await as_officer.get("/console/peserta/3")).text


@pytest.fixture
async def with_media(
    services: Services, tmp_path: Path, officer: Officer
) -> AsyncIterator[tuple[Browser, MediaStore]]:
    """Return a signed-in browser on a console that can show stored media, and the store."""
    media = MediaStore(tmp_path / "ticket-media")
    console = Console(services, BASE, media, ConsolePhotos(media, None, "http://127.0.0.1:9"))
    browser = await sign_in(services, Starlette(routes=[console_mount(console)]), officer)
    try:
        yield browser, media
    finally:
        await browser.http.aclose()


async def test_photos_voice_and_documents_of_the_thread(
    services: Services,
    desk: tuple[Starlette, Console],
    with_media: tuple[Browser, MediaStore],
) -> None:
    browser, media = with_media
    photo = media.save("t1-photo", PNG, "image/png")
    voice = media.save("t1-voice", b"OggS" + b"\x00" * 20, "audio/ogg")
    document = media.save("t1-doc", b"%PDF-1.4 test", "application/pdf")
    await ask(services, 1, Incoming("photo", "KTP saya", photo))
    await ask(services, 1, Incoming("voice", None, voice))
    await ask(services, 1, Incoming("document", None, document))
    await ask(services, 2, Incoming("text", "Pertanyaan lain"))
    page = (await browser.get("/console/tiket/1")).text
    assert '<img class="photo" src="/console/tiket/1/media/1"' in page
    assert '<audio controls preload="none" src="/console/tiket/1/media/2"' in page
    assert 'href="/console/tiket/1/media/3"' in page

    shown = await browser.get("/console/tiket/1/media/1")
    assert (shown.status_code, shown.headers["content-type"], shown.content) == (
        200,
        "image/png",
        PNG,
    )
    played = await browser.get("/console/tiket/1/media/2")
    assert played.headers["content-type"] == "audio/ogg"
    downloaded = await browser.get("/console/tiket/1/media/3")
    assert downloaded.headers["content-type"] == "application/pdf"
    assert downloaded.headers["content-disposition"].startswith("attachment;")
    # Another ticket's message, a text message and a message that does not exist: nothing.
    for path in ("2/media/1", "2/media/4", "1/media/9"):
        assert (await browser.get(f"/console/tiket/{path}")).status_code == 404, path
    # After erasure the media is gone from the thread as well.
    await erase_by_officer(services.storage, 1, actor="officer:1", now=NOW)
    assert (await browser.get("/console/tiket/1/media/1")).status_code == 404


async def test_an_unregistered_whatsapp_chat_is_answered_on_whatsapp(
    services: Services, as_officer: Browser, desk: tuple[Starlette, Console], admin: Officer
) -> None:
    storage = services.storage
    async with storage.db.transaction():
        await storage.officers.set_display_name(admin.id, "Bu Sari")
        received = await receive(
            storage,
            services.need(HelpdeskPolicy),
            services.zone,
            channel="whatsapp",
            address="6281299990000",
            participant=None,
            incoming=Incoming("text", "Bagaimana cara daftar?"),
            now=NOW,
        )
        await storage.tickets.take(received.ticket.id, admin.id)
    listed = (await as_officer.get("/console/tiket")).text
    assert "Belum terdaftar" in listed and "Bu Sari" in listed
    thread = (await as_officer.get(f"/console/tiket/{received.ticket.id}")).text
    assert "WhatsApp" in thread and "Bagaimana cara daftar?" in thread
    sent = await as_officer.post(
        f"/console/tiket/{received.ticket.id}/balas", {"text": "Ketik /daftar ya."}
    )
    assert sent.status_code == 303
    [row] = await storage.outbox.with_key_prefix(f"ticketanswer:{received.ticket.id}:")
    assert (row.channel, row.address) == ("whatsapp", "6281299990000")
    assert "Ketik /daftar ya." in row.body.text


async def test_the_inbox_in_english(
    as_officer: Browser, asked: tuple[Ticket, Ticket], officer: Officer
) -> None:
    await as_officer.post("/console/bahasa", {"language": "en", "next": "/console/tiket"})
    listed = (await as_officer.get("/console/tiket")).text
    assert "Help desk tickets" in listed and ">open<" in listed
    await as_officer.post("/console/tiket/1/tutup", {"note": ""})
    refused = await as_officer.post("/console/tiket/1/balas", {"text": "Hello"})
    assert "That ticket is already closed; nothing was sent." in refused.text
    too_long = await as_officer.post("/console/tiket/2/balas", {"text": "x" * 4500})
    assert "at most 4000 characters" in too_long.text
