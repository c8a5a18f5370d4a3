"""What officers read: /rekap's evaluation lines and chart, and /ekspor's evaluations file."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from bot.features import domain_services
from handlers.conversation.messages import Document, Photo
from handlers.conversation.router import Router
from handlers.conversation.turn import Services
from handlers.evaluations.delivery import deliver_due
from handlers.evaluations.policy import EvaluationPolicy
from handlers.evaluations.results import RESPONSE_COLUMNS
from handlers.participants.regions import load_region, load_sectors
from storage import Storage
from storage.models import BimtekSession
from tests.support.chat import NOW, ZONE, Chat
from tests.support.clock import FrozenClock
from tests.support.evaluations import PRETEST, SHORT_EVALUASI, attendee, ended_session, load
from tests.support.officers import OFFICER, make_officer

POLICY = EvaluationPolicy(public_base_url="https://wub.example.go.id")


@pytest.fixture
def services(storage: Storage, clock: FrozenClock) -> Services:
    """Services with the evaluation policy of these tests."""
    return Services(
        storage=storage,
        clock=clock,
        zone=ZONE,
        region=load_region(),
        sectors=load_sectors(),
        provided=domain_services(evaluations=POLICY),
    )


async def pretest_done(storage: Storage, session: BimtekSession, participant_id: int) -> None:
    """Participant invited to the pre-test before the start, one right of three."""
    questionnaire = await storage.questionnaires.for_session("pretest", session.id)
    assert questionnaire is not None
    before = session.starts_at - timedelta(days=1)
    async with storage.db.transaction():
        invitation = await storage.quizzes.invite(
            session.id, participant_id, "pre", ["pretest"], before, session.starts_at
        )
        assert invitation is not None
        response = await storage.quizzes.start(invitation.id, questionnaire.id, "pretest", before)
        assert await storage.quizzes.submit(response.id, 1, 3, before)


@pytest.fixture
async def answered(storage: Storage, router: Router, services: Services) -> Chat:
    """Two attendees and one absentee; one attendee did the pre-test, post-test, evaluation."""
    session = await ended_session(storage)
    await load(storage, PRETEST, "pretest", session)
    await load(storage, PRETEST, "posttest", session)
    await load(storage, SHORT_EVALUASI, "evaluasi", session)
    first = await attendee(storage, session, 1)
    second = await attendee(storage, session, 2)
    await attendee(storage, session, 3, attended=False)
    await pretest_done(storage, session, first.id)
    async with storage.db.transaction():
        await storage.quizzes.invite(
            session.id, second.id, "pre", ["pretest"], NOW - timedelta(days=2), session.starts_at
        )
    await deliver_due(storage, POLICY, ZONE, NOW)
    chat = Chat(router, services, address="1")
    await chat.text("/kuis")
    for answer in ("A", "B", "A", "5", "4", "-"):
        await chat.text(answer)
    assert "Selamat" in chat.said
    await make_officer(storage)
    return Chat(router, services, OFFICER)


async def test_rekap_shows_rates_pre_post_and_satisfaction_per_session(answered: Chat) -> None:
    replies = await answered.text("/rekap")
    assert (
        "• BTK-01: hadir 2 · pre 1/2 · post 1/2 · evaluasi 1/2 · skor 33% → 100%"
        " · kepuasan 4,50 · sertifikat 1"
    ) in answered.said
    charts = [reply for reply in replies if isinstance(reply, Photo)]
    assert [chart.filename for chart in charts] == ["rekap.png", "evaluasi.png"]
    assert charts[1].content.startswith(b"\x89PNG") and len(charts[1].content) > 5000


async def test_rekap_leaves_the_lines_out_without_any_questionnaire(
    storage: Storage, router: Router, services: Services
) -> None:
    await ended_session(storage)
    await make_officer(storage)
    officer = Chat(router, services, OFFICER)
    replies = await officer.text("/rekap")
    assert "Evaluasi per sesi" not in officer.said
    assert [reply.filename for reply in replies if isinstance(reply, Photo)] == ["rekap.png"]


async def test_ekspor_sends_the_evaluations_export(answered: Chat, storage: Storage) -> None:
    await answered.text("/ekspor")
    [document] = await answered.press("Pre/post-test & evaluasi (CSV)")
    assert isinstance(document, Document)
    assert document.filename == "evaluasi-20261127-1000.csv"
    assert "3 baris" in document.caption
    rows = list(csv.DictReader(io.StringIO(document.content.decode("utf-8-sig"))))
    assert [(row["kind"], row["score"], row["max_score"]) for row in rows] == [
        ("pretest", "1", "3"),
        ("posttest", "3", "3"),
        ("evaluasi", "", ""),
    ]
    header = list(rows[0])
    assert tuple(header[: len(RESPONSE_COLUMNS)]) == RESPONSE_COLUMNS
    assert (rows[1]["posttest.q2"], rows[2]["evaluasi.materi"], rows[2]["evaluasi.saran"]) == (
        "B",
        "5",
        "",
    )
    assert (await storage.audit.latest(1))[0].action == "export.evaluations.csv"


async def test_ekspor_of_evaluations_refuses_a_participant(
    answered: Chat, router: Router, services: Services, storage: Storage
) -> None:
    participant = Chat(router, services, address="2")
    await participant.payload("ekspor:evaluations:csv")
    assert not [reply for reply in participant.last if isinstance(reply, Document)]
    assert (await storage.audit.latest(1))[0].action.startswith("denied:")
