"""Test support for evaluations: questionnaire files, a session that ended, attendees."""

from __future__ import annotations

from datetime import timedelta

from handlers.evaluations.catalogue import import_questionnaire
from handlers.evaluations.questionnaires import Kind, parse_questionnaire
from storage import Storage
from storage.models import BimtekSession, Participant
from tests.support.chat import NOW
from tests.support.officers import person

PRETEST = """\
title: Pre-test Batik Tulis
questions:
  - id: q1
    text: Alat untuk menorehkan malam pada kain disebut?
    options: [Canting, Kuas, Cap]
    correct: A
  - id: q2
    text: Bahan perintang warna pada batik tulis adalah?
    options: [Cat minyak, Malam (lilin), Tinta]
    correct: Malam (lilin)
  - id: q3
    text: Proses menghilangkan malam disebut?
    options: [Nglorod, Nyanting, Nembok, Ngiseni]
    correct: A
"""

SHORT_EVALUASI = """\
title: Evaluasi singkat
questions:
  - id: materi
    type: scale
    text: Materi mudah dipahami
  - id: puas
    type: scale
    text: Secara keseluruhan saya puas
  - id: saran
    type: text
    text: Saran Anda
"""


async def load(
    storage: Storage, text: str, kind: Kind, session: BimtekSession | None = None
) -> None:
    """Import a questionnaire file's text."""
    await import_questionnaire(
        storage, parse_questionnaire(text, kind), session, NOW, actor="test"
    )


async def ended_session(
    storage: Storage, code: str = "BTK-01", *, ended: timedelta = timedelta(hours=1)
) -> BimtekSession:
    """Add a session of seven hours that ended some time before NOW."""
    async with storage.db.transaction():
        return await storage.sessions.add(
            code=code,
            title="Bimtek Batik Tulis",
            venue="Aula",
            starts_at=NOW - ended - timedelta(hours=7),
            ends_at=NOW - ended,
            capacity=30,
            now=NOW - timedelta(days=10),
            hours=32,
        )


async def attendee(
    storage: Storage, session: BimtekSession, number: int, *, attended: bool = True
) -> Participant:
    """Store participant `number` (telegram address = number), enrolled, checked in or not."""
    participant = await person(storage, number)
    async with storage.db.transaction():
        enrollment = await storage.enrollments.enroll(
            participant.id, session.id, "enrolled", session.starts_at - timedelta(days=5)
        )
        if attended:
            await storage.enrollments.mark_attended(enrollment.id, session.starts_at)
    return participant
