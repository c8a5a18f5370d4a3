"""The quiz in chat, its delivery, certificates and erasure, on a fresh database per test."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from pypdf import PdfReader

from bot.features import domain_services
from handlers.conversation.messages import Document, Reply
from handlers.conversation.router import Router
from handlers.conversation.turn import Services
from handlers.evaluations.certificates import CertificateFiles, issue, notify_ready, revoke
from handlers.evaluations.delivery import deliver_due
from handlers.evaluations.policy import EvaluationPolicy
from handlers.evaluations.verification import verify
from handlers.participants.erasure import erase_participant
from handlers.participants.regions import load_region, load_sectors
from storage import Storage
from tests.support.chat import NOW, ZONE, Chat
from tests.support.clock import FrozenClock
from tests.support.evaluations import PRETEST, SHORT_EVALUASI, attendee, ended_session, load


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


POLICY = EvaluationPolicy(public_base_url="https://wub.example.go.id")


@pytest.fixture
def services(storage: Storage, clock: FrozenClock) -> Services:
    """Services with a public address for certificate QR codes."""
    return Services(
        storage=storage,
        clock=clock,
        zone=ZONE,
        region=load_region(),
        sectors=load_sectors(),
        provided=domain_services(evaluations=POLICY),
    )


async def outbox(storage: Storage) -> list[tuple[str, str]]:
    rows = await storage.db.fetch_all("SELECT key, address FROM outbox ORDER BY id")
    return [(row["key"], row["address"]) for row in rows]


async def ready(storage: Storage) -> None:
    """A session that ended an hour ago, its post-test and short evaluation loaded."""
    session = await ended_session(storage)
    await load(storage, PRETEST, "posttest", session)
    await load(storage, SHORT_EVALUASI, "evaluasi", session)


async def test_only_attendees_are_invited_once(storage: Storage) -> None:
    session = await ended_session(storage)
    await load(storage, PRETEST, "posttest", session)
    await attendee(storage, session, 1)
    await attendee(storage, session, 2, attended=False)
    early = await deliver_due(storage, POLICY, ZONE, session.ends_at + timedelta(minutes=29))
    assert early.invited_post == 0
    report = await deliver_due(storage, POLICY, ZONE, NOW)
    assert report.invited_post == 1
    assert await outbox(storage) == [("kuis:post:1:p1:c1", "1")]
    again = await deliver_due(storage, POLICY, ZONE, NOW + timedelta(minutes=1))
    assert again.invited_post == 0 and len(await outbox(storage)) == 1
    closed = await deliver_due(storage, POLICY, ZONE, session.ends_at + timedelta(days=8))
    assert closed.nudged == 0


async def test_nudges_stop_at_the_cap_and_when_finished(storage: Storage) -> None:
    session = await ended_session(storage)
    await load(storage, PRETEST, "posttest", session)
    await attendee(storage, session, 1)
    await deliver_due(storage, POLICY, ZONE, NOW)
    moments = [NOW + timedelta(days=day) for day in (1, 3, 5, 6, 6.9)]
    nudged = [(await deliver_due(storage, POLICY, ZONE, at)).nudged for at in moments]
    assert nudged == [0, 1, 1, 0, 0]
    keys = [key for key, _ in await outbox(storage)]
    assert keys == ["kuis:post:1:p1:c1", "kuis:nudge:1:1:p1:c1", "kuis:nudge:1:2:p1:c1"]


async def test_pretest_goes_before_the_start_and_to_late_enrolments(storage: Storage) -> None:
    async with storage.db.transaction():
        session = await storage.sessions.add(
            code="BTK-09",
            title="Bimtek Roti",
            venue="Aula",
            starts_at=NOW + timedelta(days=3),
            ends_at=NOW + timedelta(days=3, hours=7),
            capacity=10,
            now=NOW,
        )
    await load(storage, PRETEST, "pretest")  # the default pre-test
    early = await attendee(storage, session, 1, attended=False)
    assert (await deliver_due(storage, POLICY, ZONE, NOW)).invited_pre == 0
    day_before = session.starts_at - timedelta(hours=23)
    assert (await deliver_due(storage, POLICY, ZONE, day_before)).invited_pre == 1
    await attendee(storage, session, 2, attended=False)
    later = day_before + timedelta(hours=1)
    assert (await deliver_due(storage, POLICY, ZONE, later)).invited_pre == 1
    invitation = await storage.quizzes.invitation_of(session.id, early.id, "pre")
    assert invitation is not None and invitation.closes_at == session.starts_at


async def test_whole_quiz_by_buttons_and_typing_gives_one_certificate(
    storage: Storage, router: Router, services: Services, clock: FrozenClock
) -> None:
    await ready(storage)
    session = await storage.sessions.get_by_code("BTK-01")
    assert session is not None
    await attendee(storage, session, 1)
    await deliver_due(storage, POLICY, ZONE, NOW)
    chat = Chat(router, services, address="1")
    await chat.payload("kuis:mulai:1")
    assert "Pertanyaan 1 dari 3" in chat.said
    assert chat.labels() == ["A", "B", "C"]
    await chat.press("A")
    assert "Pertanyaan 2 dari 3" in chat.said
    await chat.text("malam lilin")
    await chat.text("/batal")
    assert "dijeda" in chat.said
    await chat.text("/kuis")
    assert "Pertanyaan 3 dari 3" in chat.said
    await chat.text("d")
    assert "Skor Anda: 2 dari 3" in chat.said
    await chat.press("5")
    await chat.text("6")
    assert "bukan nilai 1 sampai 5" in chat.said and "Pertanyaan 2 dari 3" in chat.said
    await chat.kind("photo")
    assert "menunggu teks atau tombol" in chat.said
    await chat.text("baik")
    await chat.text("Tambah praktik")
    documents = [reply for reply in chat.last if isinstance(reply, Document)]
    assert len(documents) == 1 and "Selamat" in chat.said
    certificates = await storage.certificates.listing()
    assert [c.number for c in certificates] == ["WUB-2026/BTK-01/0001"]
    assert certificates[0].holder_name == "Peserta Nomor B"
    await chat.text("/kuis")
    assert "Tidak ada kuis" in chat.said
    await chat.payload("kuis:mulai:1")
    assert "sudah menyelesaikan" in chat.said
    await deliver_due(storage, POLICY, ZONE, NOW + timedelta(minutes=5))
    assert len(await storage.certificates.listing()) == 1
    response = await storage.quizzes.submitted(session.id, 1, "posttest")
    assert response is not None and (response.score, response.max_score) == (2, 3)


async def test_forged_and_foreign_buttons_change_nothing(
    storage: Storage, router: Router, services: Services
) -> None:
    await ready(storage)
    session = await storage.sessions.get_by_code("BTK-01")
    assert session is not None
    await attendee(storage, session, 1)
    await attendee(storage, session, 2)
    await deliver_due(storage, POLICY, ZONE, NOW)
    mine, theirs = Chat(router, services, address="1"), Chat(router, services, address="2")
    await theirs.payload("kuis:mulai:1")
    assert "tidak berlaku" in theirs.said
    await mine.payload("kuis:mulai:1")
    # Well-formed but out of range, another question, another person's response: refused
    # with the current question asked again.
    for forged in ("kuis:a:1:1:5", "kuis:a:1:999:0", "kuis:lewati:1:1"):
        await mine.payload(forged)
        assert "Pertanyaan 1 dari 3" in mine.said, forged
    # Not a payload the bot could have packed: refused by the codec before any handler.
    # A response that is not the sender's (or does not exist) is an old button to them.
    refused = ("kuis:a:2:1:0", "kuis:x:y:z", "kuis:a:1:1", "kuis:1:1:0", "kuis:a:1:1:9")
    for forged in (*refused, "kuis:a:1:1:-1", "kuis:a:01:1:0", "kuis:lewati:1:1:0"):
        await mine.payload(forged)
        assert "tidak berlaku" in mine.said, forged
    assert await storage.quizzes.answers(1) == {}
    await theirs.payload("sertifikat:1")
    assert "tidak berlaku" in theirs.said


async def test_closed_questionnaire_refuses_answers(
    storage: Storage, router: Router, services: Services, clock: FrozenClock
) -> None:
    await ready(storage)
    session = await storage.sessions.get_by_code("BTK-01")
    assert session is not None
    await attendee(storage, session, 1)
    await deliver_due(storage, POLICY, ZONE, NOW)
    chat = Chat(router, services, address="1")
    await chat.payload("kuis:mulai:1")
    clock.advance(timedelta(days=8))
    await chat.text("A")
    assert "sudah ditutup" in chat.said
    assert await storage.quizzes.answers(1) == {}


async def test_erasure_forgets_free_text_and_withholds_the_holder(
    storage: Storage, router: Router, services: Services
) -> None:
    await ready(storage)
    session = await storage.sessions.get_by_code("BTK-01")
    assert session is not None
    participant = await attendee(storage, session, 1)
    await deliver_due(storage, POLICY, ZONE, NOW)
    chat = Chat(router, services, address="1")
    await chat.payload("kuis:mulai:1")
    for answer in ("A", "B", "A", "5", "4", "Rahasia pribadi saya"):
        await chat.text(answer)
    [certificate] = await storage.certificates.listing()
    view = await verify(storage, certificate.code, ZONE, "id")
    assert (view.status, view.holder) == ("valid", "Peserta Nomor B")
    async with storage.db.transaction():
        await erase_participant(storage, participant.id, NOW, actor="t", action="erase")
    texts = await storage.db.fetch_all("SELECT text FROM quiz_answer WHERE text IS NOT NULL")
    assert texts == []
    scales = await storage.db.fetch_all("SELECT choice FROM quiz_answer WHERE choice = 5")
    assert len(scales) == 1  # anonymous ratings stay
    view = await verify(storage, certificate.code, ZONE, "id")
    assert (view.status, view.holder, view.number) == ("valid", None, certificate.number)


async def test_sertifikat_without_any_and_after_revocation(
    storage: Storage, router: Router, services: Services
) -> None:
    chat = Chat(router, services, address="1")
    await chat.text("/sertifikat")
    assert "belum terdaftar" in chat.said
    session = await ended_session(storage)
    await attendee(storage, session, 1)
    await chat.text("/sertifikat")
    assert "belum memiliki sertifikat" in chat.said
    participant = await storage.participants.get_by_nik("3216010101000001")
    assert participant is not None
    async with storage.db.transaction():
        await issue(storage, POLICY, ZONE, session, participant, NOW, issued_by="cli", reason="x")
    await chat.text("/sertifikat")
    assert [type(reply) for reply in chat.last] == [Document]
    async with storage.db.transaction():
        await revoke(storage, "WUB-2026/BTK-01/0001", "Salah data", NOW, actor="cli")
    await chat.text("/sertifikat")
    assert [type(reply) for reply in chat.last] == [Reply] and "dicabut" in chat.said


async def test_a_queued_certificate_is_rendered_when_sent_and_not_once_revoked(
    storage: Storage, services: Services
) -> None:
    session = await ended_session(storage)
    participant = await attendee(storage, session, 1)
    async with storage.db.transaction():
        certificate, _ = await issue(
            storage, POLICY, ZONE, session, participant, NOW, issued_by="cli", reason="x"
        )
        assert await notify_ready(storage, certificate, session, NOW) == 1
    [message] = await storage.outbox.claim_due(NOW, 1)
    assert message.body.attachment == "sertifikat:1"
    files = CertificateFiles(services)
    document = await files(message.body.attachment)
    assert document is not None and document.content.startswith(b"%PDF")
    assert document.filename == "sertifikat-WUB-2026-BTK-01-0001.pdf"
    assert "Peserta Nomor B" in pdf_text(document.content)
    for forged in ("sertifikat:2", "sertifikat:x", "sertifikat:01", "../../etc/passwd", ""):
        assert await files(forged) is None, forged
    async with storage.db.transaction():
        await revoke(storage, certificate.number, "Salah data", NOW, actor="cli")
    assert await files(message.body.attachment) is None
