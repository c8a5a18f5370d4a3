"""Questionnaires, quiz invitations, responses and answers, and certificates."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Sequence
from datetime import datetime
from typing import Any, Final

from storage.db import Database, db_time
from storage.evaluation_models import (
    AnswerCount,
    Certificate,
    Invitee,
    NewQuestion,
    Phase,
    Question,
    Questionnaire,
    QuestionnaireSummary,
    QuizAnswer,
    QuizInvitation,
    QuizKind,
    QuizResponse,
    ResponseRecord,
    SessionEvaluation,
)

# The questionnaire a session uses for a kind: its own, else the default (session_id NULL).
_HAS_QUESTIONNAIRE: Final = (
    "EXISTS (SELECT 1 FROM questionnaire q WHERE q.kind = ?"
    " AND (q.session_id = s.id OR q.session_id IS NULL)"
    " AND EXISTS (SELECT 1 FROM question x WHERE x.questionnaire_id = q.id))"
)
_PAGE: Final = 500


class QuestionnaireRepository:
    """Read and replace questionnaires and their questions."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, questionnaire_id: int) -> Questionnaire | None:
        """Return the questionnaire with this id."""
        row = await self._db.fetch_one(
            "SELECT * FROM questionnaire WHERE id = ?", (questionnaire_id,)
        )
        return None if row is None else Questionnaire.model_validate(dict(row))

    async def find(self, kind: QuizKind, session_id: int | None) -> Questionnaire | None:
        """Return the questionnaire of exactly this kind and session (None: the default)."""
        if session_id is None:
            row = await self._db.fetch_one(
                "SELECT * FROM questionnaire WHERE kind = ? AND session_id IS NULL", (kind,)
            )
        else:
            row = await self._db.fetch_one(
                "SELECT * FROM questionnaire WHERE kind = ? AND session_id = ?",
                (kind, session_id),
            )
        return None if row is None else Questionnaire.model_validate(dict(row))

    async def for_session(self, kind: QuizKind, session_id: int) -> Questionnaire | None:
        """Return the questionnaire a session uses: its own, else the default; with questions."""
        row = await self._db.fetch_one(
            "SELECT q.* FROM questionnaire q WHERE q.kind = ?"
            " AND (q.session_id = ? OR q.session_id IS NULL)"
            " AND EXISTS (SELECT 1 FROM question x WHERE x.questionnaire_id = q.id)"
            " ORDER BY q.session_id IS NULL LIMIT 1",
            (kind, session_id),
        )
        return None if row is None else Questionnaire.model_validate(dict(row))

    async def summaries(self) -> list[QuestionnaireSummary]:
        """Return every questionnaire with its session, question and response counts."""
        rows = await self._db.fetch_all(
            "SELECT q.*, s.code AS session_code,"
            " (SELECT COUNT(*) FROM question x WHERE x.questionnaire_id = q.id) AS n_questions,"
            " (SELECT COUNT(*) FROM quiz_response r WHERE r.questionnaire_id = q.id"
            " AND r.submitted_at IS NOT NULL) AS n_responses"
            " FROM questionnaire q LEFT JOIN bimtek_session s ON s.id = q.session_id"
            " ORDER BY q.session_id IS NOT NULL, s.code, q.kind"
        )
        summaries = []
        for row in rows:
            values = dict(row)
            summaries.append(
                QuestionnaireSummary(
                    questionnaire=Questionnaire.model_validate(values),
                    session_code=values["session_code"],
                    questions=values["n_questions"],
                    responses=values["n_responses"],
                )
            )
        return summaries

    async def questions(self, questionnaire_id: int) -> list[Question]:
        """Return the questions in their order."""
        rows = await self._db.fetch_all(
            "SELECT * FROM question WHERE questionnaire_id = ? ORDER BY position",
            (questionnaire_id,),
        )
        return [Question.model_validate(dict(row)) for row in rows]

    async def has_answers(self, questionnaire_id: int) -> bool:
        """Tell whether anyone has answered any question of the questionnaire."""
        value = await self._db.fetch_value(
            "SELECT EXISTS (SELECT 1 FROM quiz_answer a JOIN quiz_response r"
            " ON r.id = a.response_id WHERE r.questionnaire_id = ?)",
            (questionnaire_id,),
        )
        return bool(value)

    async def replace(
        self,
        kind: QuizKind,
        session_id: int | None,
        title: str,
        questions: Sequence[NewQuestion],
        now: datetime,
    ) -> Questionnaire:
        """Create the questionnaire, or give it new questions (the caller checks answers)."""
        stamp = db_time(now)
        found = await self.find(kind, session_id)
        if found is None:
            questionnaire_id = await self._db.insert(
                "INSERT INTO questionnaire (kind, session_id, title, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (kind, session_id, title, stamp, stamp),
            )
        else:
            questionnaire_id = found.id
            await self._db.execute(
                "UPDATE questionnaire SET title = ?, updated_at = ? WHERE id = ?",
                (title, stamp, questionnaire_id),
            )
            await self._db.execute(
                "DELETE FROM question WHERE questionnaire_id = ?", (questionnaire_id,)
            )
        await self._db.executemany(
            "INSERT INTO question (questionnaire_id, position, ref, type, prompt, options,"
            " correct, required) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    questionnaire_id,
                    position,
                    question.ref,
                    question.type,
                    question.prompt,
                    json.dumps(list(question.options), ensure_ascii=False),
                    question.correct,
                    int(question.required),
                )
                for position, question in enumerate(questions, start=1)
            ],
        )
        stored = await self.get(questionnaire_id)
        assert stored is not None  # noqa: S101 - written just above
        return stored


class QuizRepository:
    """Invitations to answer, responses and their answers."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def invite(
        self,
        session_id: int,
        participant_id: int,
        phase: Phase,
        kinds: Sequence[QuizKind],
        now: datetime,
        closes_at: datetime,
    ) -> QuizInvitation | None:
        """Record an invitation; None when this person was already invited to this phase."""
        changed = await self._db.execute(
            "INSERT INTO quiz_invitation (session_id, participant_id, phase, kinds, invited_at,"
            " closes_at) VALUES (?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (session_id, participant_id, phase) DO NOTHING",
            (session_id, participant_id, phase, ",".join(kinds), db_time(now), db_time(closes_at)),
        )
        if changed != 1:
            return None
        return await self.invitation_of(session_id, participant_id, phase)

    async def invitation(self, invitation_id: int) -> QuizInvitation | None:
        """Return the invitation with this id."""
        row = await self._db.fetch_one(
            "SELECT * FROM quiz_invitation WHERE id = ?", (invitation_id,)
        )
        return None if row is None else QuizInvitation.model_validate(dict(row))

    async def invitation_of(
        self, session_id: int, participant_id: int, phase: Phase
    ) -> QuizInvitation | None:
        """Return a participant's invitation to a session's phase."""
        row = await self._db.fetch_one(
            "SELECT * FROM quiz_invitation WHERE session_id = ? AND participant_id = ?"
            " AND phase = ?",
            (session_id, participant_id, phase),
        )
        return None if row is None else QuizInvitation.model_validate(dict(row))

    async def open_for(self, participant_id: int, now: datetime) -> list[QuizInvitation]:
        """Return the participant's unfinished invitations still open, oldest first."""
        rows = await self._db.fetch_all(
            "SELECT * FROM quiz_invitation WHERE participant_id = ? AND finished_at IS NULL"
            " AND closes_at > ? ORDER BY invited_at, id",
            (participant_id, db_time(now)),
        )
        return [QuizInvitation.model_validate(dict(row)) for row in rows]

    async def pre_invitees(self, now: datetime, opens_at_or_after: datetime) -> list[Invitee]:
        """Return who is enrolled in a session whose pre-test is open but was not invited.

        A pre-test is open from `PRETEST_BEFORE` before the start until the start; the caller
        passes `now + PRETEST_BEFORE` as `opens_at_or_after`.
        """
        rows = await self._db.fetch_all(
            "SELECT s.id AS session_id, e.participant_id FROM bimtek_session s"  # noqa: S608 - constants only
            " JOIN enrollment e ON e.session_id = s.id AND e.status = 'enrolled'"
            " JOIN participant p ON p.id = e.participant_id AND p.deleted_at IS NULL"
            " WHERE s.cancelled_at IS NULL AND s.starts_at > ? AND s.starts_at <= ?"
            f" AND {_HAS_QUESTIONNAIRE}"
            " AND NOT EXISTS (SELECT 1 FROM quiz_invitation i WHERE i.session_id = s.id"
            " AND i.participant_id = e.participant_id AND i.phase = 'pre')"
            " ORDER BY s.starts_at, e.id LIMIT ?",
            (db_time(now), db_time(opens_at_or_after), "pretest", _PAGE),
        )
        return [Invitee.model_validate(dict(row)) for row in rows]

    async def post_invitees(self, ended_by: datetime, ended_after: datetime) -> list[Invitee]:
        """Return who attended a session that ended in the window but was not yet invited."""
        rows = await self._db.fetch_all(
            "SELECT s.id AS session_id, e.participant_id FROM bimtek_session s"  # noqa: S608 - constants only
            " JOIN enrollment e ON e.session_id = s.id AND e.attended_at IS NOT NULL"
            " JOIN participant p ON p.id = e.participant_id AND p.deleted_at IS NULL"
            " WHERE s.cancelled_at IS NULL AND s.ends_at <= ? AND s.ends_at > ?"
            f" AND ({_HAS_QUESTIONNAIRE} OR {_HAS_QUESTIONNAIRE})"
            " AND NOT EXISTS (SELECT 1 FROM quiz_invitation i WHERE i.session_id = s.id"
            " AND i.participant_id = e.participant_id AND i.phase = 'post')"
            " ORDER BY s.ends_at, e.id LIMIT ?",
            (db_time(ended_by), db_time(ended_after), "posttest", "evaluasi", _PAGE),
        )
        return [Invitee.model_validate(dict(row)) for row in rows]

    async def nudge_candidates(self, now: datetime, nudge_max: int) -> list[QuizInvitation]:
        """Return open, unfinished invitations that have had fewer than nudge_max nudges."""
        rows = await self._db.fetch_all(
            "SELECT i.* FROM quiz_invitation i JOIN participant p ON p.id = i.participant_id"
            " WHERE i.finished_at IS NULL AND i.closes_at > ? AND i.nudges_sent < ?"
            " AND p.deleted_at IS NULL ORDER BY i.id LIMIT ?",
            (db_time(now), nudge_max, _PAGE),
        )
        return [QuizInvitation.model_validate(dict(row)) for row in rows]

    async def record_nudge(self, invitation_id: int, expected: int, now: datetime) -> bool:
        """Count one more nudge, once: False when another run already counted it."""
        changed = await self._db.execute(
            "UPDATE quiz_invitation SET nudges_sent = nudges_sent + 1, last_nudged_at = ?"
            " WHERE id = ? AND nudges_sent = ?",
            (db_time(now), invitation_id, expected),
        )
        return changed == 1

    async def finish(self, invitation_id: int, now: datetime) -> None:
        """Mark an invitation finished: every questionnaire submitted."""
        await self._db.execute(
            "UPDATE quiz_invitation SET finished_at = ? WHERE id = ? AND finished_at IS NULL",
            (db_time(now), invitation_id),
        )

    async def response(self, response_id: int) -> QuizResponse | None:
        """Return the response with this id."""
        row = await self._db.fetch_one("SELECT * FROM quiz_response WHERE id = ?", (response_id,))
        return None if row is None else QuizResponse.model_validate(dict(row))

    async def response_of(self, invitation_id: int, kind: QuizKind) -> QuizResponse | None:
        """Return the response of one kind to an invitation."""
        row = await self._db.fetch_one(
            "SELECT * FROM quiz_response WHERE invitation_id = ? AND kind = ?",
            (invitation_id, kind),
        )
        return None if row is None else QuizResponse.model_validate(dict(row))

    async def start(
        self, invitation_id: int, questionnaire_id: int, kind: QuizKind, now: datetime
    ) -> QuizResponse:
        """Return the response of this kind, starting it when there is none yet."""
        await self._db.execute(
            "INSERT INTO quiz_response (invitation_id, questionnaire_id, kind, started_at)"
            " VALUES (?, ?, ?, ?) ON CONFLICT (invitation_id, kind) DO NOTHING",
            (invitation_id, questionnaire_id, kind, db_time(now)),
        )
        found = await self.response_of(invitation_id, kind)
        assert found is not None  # noqa: S101 - upserted just above
        return found

    async def submitted(
        self, session_id: int, participant_id: int, kind: QuizKind
    ) -> QuizResponse | None:
        """Return the participant's submitted response of a kind for a session."""
        row = await self._db.fetch_one(
            "SELECT r.* FROM quiz_response r JOIN quiz_invitation i ON i.id = r.invitation_id"
            " WHERE i.session_id = ? AND i.participant_id = ? AND r.kind = ?"
            " AND r.submitted_at IS NOT NULL",
            (session_id, participant_id, kind),
        )
        return None if row is None else QuizResponse.model_validate(dict(row))

    async def answers(self, response_id: int) -> dict[int, QuizAnswer]:
        """Return the answers of a response by question id."""
        rows = await self._db.fetch_all(
            "SELECT * FROM quiz_answer WHERE response_id = ?", (response_id,)
        )
        answers = [QuizAnswer.model_validate(dict(row)) for row in rows]
        return {answer.question_id: answer for answer in answers}

    async def save_answer(
        self,
        response_id: int,
        question_id: int,
        now: datetime,
        *,
        choice: int | None = None,
        text: str | None = None,
        skipped: bool = False,
    ) -> bool:
        """Store an answer once; False when the question was already answered."""
        changed = await self._db.execute(
            "INSERT INTO quiz_answer (response_id, question_id, choice, text, skipped,"
            " answered_at) VALUES (?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (response_id, question_id) DO NOTHING",
            (response_id, question_id, choice, text, int(skipped), db_time(now)),
        )
        return changed == 1

    async def submit(
        self, response_id: int, score: int | None, max_score: int | None, now: datetime
    ) -> bool:
        """Mark a response submitted with its score; False when it already was."""
        changed = await self._db.execute(
            "UPDATE quiz_response SET submitted_at = ?, score = ?, max_score = ?"
            " WHERE id = ? AND submitted_at IS NULL",
            (db_time(now), score, max_score, response_id),
        )
        return changed == 1

    async def erase_personal(self, participant_id: int) -> int:
        """Forget the participant's free-text answers; return how many were cleared."""
        return await self._db.execute(
            "UPDATE quiz_answer SET text = NULL WHERE text IS NOT NULL AND response_id IN"
            " (SELECT r.id FROM quiz_response r JOIN quiz_invitation i"
            " ON i.id = r.invitation_id WHERE i.participant_id = ?)",
            (participant_id,),
        )

    async def answer_counts(self, questionnaire_id: int) -> list[AnswerCount]:
        """Return, per question and value, how many submitted responses chose it."""
        rows = await self._db.fetch_all(
            "SELECT a.question_id, a.choice, COUNT(*) AS count FROM quiz_answer a"
            " JOIN quiz_response r ON r.id = a.response_id"
            " WHERE r.questionnaire_id = ? AND r.submitted_at IS NOT NULL"
            " AND a.skipped = 0 AND a.choice IS NOT NULL"
            " GROUP BY a.question_id, a.choice ORDER BY a.question_id, a.choice",
            (questionnaire_id,),
        )
        return [AnswerCount.model_validate(dict(row)) for row in rows]

    async def session_numbers(self, ended_after: datetime, limit: int) -> list[SessionEvaluation]:
        """Return, per session ending after a moment, invitations, responses and means."""
        rows = await self._db.fetch_all(_SESSION_NUMBERS, (db_time(ended_after), limit))
        return [SessionEvaluation.model_validate(dict(row)) for row in rows]

    async def records(self, session_id: int | None = None) -> AsyncIterator[ResponseRecord]:
        """Yield every response with its session and participant, page by page."""
        last = 0
        where = "" if session_id is None else " AND i.session_id = ?"
        extra: tuple[Any, ...] = () if session_id is None else (session_id,)
        while True:
            rows = await self._db.fetch_all(
                "SELECT r.id, s.code AS session_code, p.nik, p.full_name, r.kind,"  # noqa: S608 - constants only
                " r.questionnaire_id, r.score, r.max_score, r.submitted_at"
                " FROM quiz_response r JOIN quiz_invitation i ON i.id = r.invitation_id"
                " JOIN bimtek_session s ON s.id = i.session_id"
                " JOIN participant p ON p.id = i.participant_id"
                f" WHERE r.id > ?{where} ORDER BY r.id LIMIT ?",
                (last, *extra, _PAGE),
            )
            if not rows:
                return
            for row in rows:
                yield ResponseRecord.model_validate(dict(row))
            last = int(rows[-1]["id"])

    async def questionnaire_ids(self, session_id: int | None = None) -> list[int]:
        """Return the questionnaires anyone responded to (in one session, if given)."""
        where = "" if session_id is None else " WHERE i.session_id = ?"
        rows = await self._db.fetch_all(
            "SELECT DISTINCT r.questionnaire_id FROM quiz_response r"  # noqa: S608 - constants only
            f" JOIN quiz_invitation i ON i.id = r.invitation_id{where}"
            " ORDER BY r.questionnaire_id",
            () if session_id is None else (session_id,),
        )
        return [int(row["questionnaire_id"]) for row in rows]

    async def count_records(self, session_id: int | None = None) -> int:
        """Return how many responses the export will hold."""
        where = "" if session_id is None else " WHERE i.session_id = ?"
        value = await self._db.fetch_value(
            "SELECT COUNT(*) FROM quiz_response r"  # noqa: S608 - constants only
            f" JOIN quiz_invitation i ON i.id = r.invitation_id{where}",
            () if session_id is None else (session_id,),
        )
        return int(value)


_SUBMITTED_OF = (
    "(SELECT {expr} FROM quiz_response r JOIN quiz_invitation i ON i.id = r.invitation_id"
    " WHERE i.session_id = s.id AND r.kind = '{kind}' AND r.submitted_at IS NOT NULL)"
)
_SESSION_NUMBERS: Final = (
    "SELECT s.id AS session_id, s.code, s.starts_at,"  # noqa: S608 - constants only
    " (SELECT COUNT(*) FROM enrollment e WHERE e.session_id = s.id"
    " AND e.attended_at IS NOT NULL) AS attended,"
    " (SELECT COUNT(*) FROM quiz_invitation i WHERE i.session_id = s.id AND i.phase = 'pre')"
    " AS pre_invited,"
    f" {_SUBMITTED_OF.format(expr='COUNT(*)', kind='pretest')} AS pre_done,"
    " (SELECT COUNT(*) FROM quiz_invitation i WHERE i.session_id = s.id AND i.phase = 'post')"
    " AS post_invited,"
    f" {_SUBMITTED_OF.format(expr='COUNT(*)', kind='posttest')} AS posttest_done,"
    f" {_SUBMITTED_OF.format(expr='COUNT(*)', kind='evaluasi')} AS evaluasi_done,"
    " {pre_mean} AS pre_mean, {post_mean} AS post_mean,"
    " (SELECT AVG(a.choice * 1.0) FROM quiz_answer a JOIN question x ON x.id = a.question_id"
    " JOIN quiz_response r ON r.id = a.response_id"
    " JOIN quiz_invitation i ON i.id = r.invitation_id"
    " WHERE i.session_id = s.id AND r.kind = 'evaluasi' AND r.submitted_at IS NOT NULL"
    " AND x.type = 'scale' AND a.choice IS NOT NULL) AS satisfaction,"
    " (SELECT COUNT(*) FROM certificate c WHERE c.session_id = s.id"
    " AND c.revoked_at IS NULL) AS certificates"
    " FROM bimtek_session s WHERE s.cancelled_at IS NULL AND s.ends_at > ?"
    " ORDER BY s.starts_at, s.code LIMIT ?"
).format(
    pre_mean=_SUBMITTED_OF.format(
        expr="AVG(100.0 * r.score / NULLIF(r.max_score, 0))", kind="pretest"
    ),
    post_mean=_SUBMITTED_OF.format(
        expr="AVG(100.0 * r.score / NULLIF(r.max_score, 0))", kind="posttest"
    ),
)


class CertificateRepository:
    """Issue, find, revoke certificates, and withhold an erased holder's name."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, certificate_id: int) -> Certificate | None:
        """Return the certificate with this id."""
        return await self._one("SELECT * FROM certificate WHERE id = ?", (certificate_id,))

    async def get_by_number(self, number: str) -> Certificate | None:
        """Return the certificate with this number."""
        return await self._one("SELECT * FROM certificate WHERE number = ?", (number,))

    async def get_by_code(self, code: str) -> Certificate | None:
        """Return the certificate whose public check code this is."""
        return await self._one("SELECT * FROM certificate WHERE code = ?", (code,))

    async def get_for(self, session_id: int, participant_id: int) -> Certificate | None:
        """Return the participant's certificate for the session."""
        return await self._one(
            "SELECT * FROM certificate WHERE session_id = ? AND participant_id = ?",
            (session_id, participant_id),
        )

    async def for_participant(self, participant_id: int) -> list[Certificate]:
        """Return the participant's certificates, oldest first."""
        rows = await self._db.fetch_all(
            "SELECT * FROM certificate WHERE participant_id = ? ORDER BY issued_at, id",
            (participant_id,),
        )
        return [Certificate.model_validate(dict(row)) for row in rows]

    async def listing(self, session_id: int | None = None) -> list[Certificate]:
        """Return every certificate (of one session, if given) in number order."""
        if session_id is None:
            rows = await self._db.fetch_all("SELECT * FROM certificate ORDER BY id")
        else:
            rows = await self._db.fetch_all(
                "SELECT * FROM certificate WHERE session_id = ? ORDER BY id", (session_id,)
            )
        return [Certificate.model_validate(dict(row)) for row in rows]

    async def next_seq(self, scope: str) -> int:
        """Return the next sequence number within a number scope."""
        value = await self._db.fetch_value(
            "SELECT COALESCE(MAX(seq), 0) + 1 FROM certificate WHERE number_scope = ?", (scope,)
        )
        return int(value)

    async def add(
        self,
        *,
        number: str,
        scope: str,
        seq: int,
        code: str,
        session_id: int,
        participant_id: int,
        holder_name: str,
        issued_by: str,
        reason: str | None,
        now: datetime,
    ) -> Certificate:
        """Store a new certificate."""
        certificate_id = await self._db.insert(
            "INSERT INTO certificate (number, number_scope, seq, code, session_id,"
            " participant_id, holder_name, issued_at, issued_by, reason)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                number,
                scope,
                seq,
                code,
                session_id,
                participant_id,
                holder_name,
                db_time(now),
                issued_by,
                reason,
            ),
        )
        stored = await self.get(certificate_id)
        assert stored is not None  # noqa: S101 - inserted just above
        return stored

    async def revoke(self, certificate_id: int, by: str, reason: str, now: datetime) -> bool:
        """Revoke a certificate once; False when it already was."""
        changed = await self._db.execute(
            "UPDATE certificate SET revoked_at = ?, revoked_by = ?, revoked_reason = ?"
            " WHERE id = ? AND revoked_at IS NULL",
            (db_time(now), by, reason, certificate_id),
        )
        return changed == 1

    async def withhold_holder(self, participant_id: int, now: datetime) -> int:
        """Withhold the holder's name on every certificate of an erased participant."""
        return await self._db.execute(
            "UPDATE certificate SET holder_name = NULL, holder_erased_at = ?"
            " WHERE participant_id = ? AND holder_erased_at IS NULL",
            (db_time(now), participant_id),
        )

    async def attendees_without(self, ended_by: datetime, ended_after: datetime) -> list[Invitee]:
        """Return who attended a session that ended in the window and holds no certificate."""
        rows = await self._db.fetch_all(
            "SELECT s.id AS session_id, e.participant_id FROM bimtek_session s"
            " JOIN enrollment e ON e.session_id = s.id AND e.attended_at IS NOT NULL"
            " JOIN participant p ON p.id = e.participant_id AND p.deleted_at IS NULL"
            " WHERE s.cancelled_at IS NULL AND s.ends_at <= ? AND s.ends_at > ?"
            " AND NOT EXISTS (SELECT 1 FROM certificate c WHERE c.session_id = s.id"
            " AND c.participant_id = e.participant_id) ORDER BY s.ends_at, e.id LIMIT ?",
            (db_time(ended_by), db_time(ended_after), _PAGE),
        )
        return [Invitee.model_validate(dict(row)) for row in rows]

    async def _one(self, sql: str, params: tuple[Any, ...]) -> Certificate | None:
        row = await self._db.fetch_one(sql, params)
        return None if row is None else Certificate.model_validate(dict(row))
