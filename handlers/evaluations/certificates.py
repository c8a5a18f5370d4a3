"""Who qualifies for a certificate, issuing it once, revoking it, and what it shows."""

from __future__ import annotations

import asyncio
import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Final
from zoneinfo import ZoneInfo

from handlers.conversation import texts
from handlers.conversation.messages import Button, Document, Reply
from handlers.conversation.outbox import notify_participant
from handlers.conversation.payloads import BadPayload
from handlers.conversation.timefmt import format_date
from handlers.conversation.turn import Services
from handlers.evaluations.buttons import SendCertificate
from handlers.evaluations.certificate_pdf import CertificateView, render_certificate
from handlers.evaluations.numbering import certificate_number, number_scope
from handlers.evaluations.policy import EvaluationPolicy
from handlers.evaluations.scoring import percent
from storage import Storage
from storage.evaluation_models import Certificate
from storage.models import BimtekSession, Participant

CODE_BYTES: Final = 15
MAX_REASON: Final = 500
_FILENAME_UNSAFE: Final = re.compile(r"[^A-Za-z0-9_-]+")


class CertificateRefused(Exception):
    """A certificate cannot be issued or revoked as asked; the message says why."""


@dataclass(frozen=True)
class Qualification:
    """What a participant did at a session that a certificate may require."""

    attended: bool
    evaluasi_done: bool
    posttest_percent: float | None


def qualifies(facts: Qualification, policy: EvaluationPolicy) -> bool:
    """Tell whether the facts meet CERTIFICATE_REQUIRES (and CERTIFICATE_MIN_POSTTEST)."""
    required = policy.certificate_requires
    if "attendance" in required and not facts.attended:
        return False
    if "evaluasi" in required and not facts.evaluasi_done:
        return False
    return "posttest" not in required or (
        facts.posttest_percent is not None and facts.posttest_percent >= policy.min_posttest
    )


async def qualification(storage: Storage, session_id: int, participant_id: int) -> Qualification:
    """Collect the facts about one participant at one session."""
    enrollment = await storage.enrollments.get_for(participant_id, session_id)
    evaluasi = await storage.quizzes.submitted(session_id, participant_id, "evaluasi")
    posttest = await storage.quizzes.submitted(session_id, participant_id, "posttest")
    return Qualification(
        attended=enrollment is not None and enrollment.attended_at is not None,
        evaluasi_done=evaluasi is not None,
        posttest_percent=None if posttest is None else percent(posttest.score, posttest.max_score),
    )


async def issue(
    storage: Storage,
    policy: EvaluationPolicy,
    zone: ZoneInfo,
    session: BimtekSession,
    participant: Participant,
    now: datetime,
    *,
    issued_by: str,
    reason: str | None = None,
) -> tuple[Certificate, bool]:
    """Issue the participant's certificate for the session once; return it and if it is new.

    Runs in the caller's transaction, which also holds the audit entry.
    """
    existing = await storage.certificates.get_for(session.id, participant.id)
    if existing is not None:
        return existing, False
    if participant.deleted_at is not None or participant.full_name is None:
        raise CertificateRefused("the participant's data was erased")
    year = now.astimezone(zone).year
    scope = number_scope(policy.number_format, year, session.code)
    seq = await storage.certificates.next_seq(scope)
    certificate = await storage.certificates.add(
        number=certificate_number(policy.number_format, year, session.code, seq),
        scope=scope,
        seq=seq,
        code=secrets.token_urlsafe(CODE_BYTES),
        session_id=session.id,
        participant_id=participant.id,
        holder_name=participant.full_name,
        issued_by=issued_by,
        reason=reason,
        now=now,
    )
    action = "certificate.issue" if reason is None else "certificate.issue.manual"
    await storage.audit.record(issued_by, action, certificate.number, now)
    return certificate, True


async def issue_if_qualified(
    storage: Storage,
    policy: EvaluationPolicy,
    zone: ZoneInfo,
    session: BimtekSession,
    participant: Participant,
    now: datetime,
) -> Certificate | None:
    """Issue a certificate when the participant now qualifies; return it only when new."""
    if session.cancelled_at is not None or now < session.ends_at:
        return None
    if not qualifies(await qualification(storage, session.id, participant.id), policy):
        return None
    certificate, created = await issue(
        storage, policy, zone, session, participant, now, issued_by="system"
    )
    return certificate if created else None


async def revoke(
    storage: Storage, number: str, reason: str, now: datetime, *, actor: str
) -> Certificate:
    """Revoke a certificate by number, audited; refuse unknown or already revoked ones."""
    reason = " ".join(reason.split())
    if not reason or len(reason) > MAX_REASON:
        raise CertificateRefused(f"give a reason of 1 to {MAX_REASON} characters")
    certificate = await storage.certificates.get_by_number(number.strip())
    if certificate is None:
        raise CertificateRefused(f"no certificate numbered {number.strip()[:100]!r}")
    if not await storage.certificates.revoke(certificate.id, actor, reason, now):
        raise CertificateRefused(f"certificate {certificate.number} is already revoked")
    await storage.audit.record(actor, "certificate.revoke", certificate.number, now)
    revoked = await storage.certificates.get(certificate.id)
    assert revoked is not None  # noqa: S101 - it exists
    return revoked


def verification_target(policy: EvaluationPolicy, certificate: Certificate) -> str:
    """Return what the QR code holds: the check page's address, or the number alone."""
    if policy.public_base_url:
        return f"{policy.public_base_url}/v/{certificate.code}"
    return certificate.number


def session_dates(session: BimtekSession, zone: ZoneInfo, language: str) -> str:
    """Return a session's date, or its first and last dates when it spans several days."""
    first = format_date(session.starts_at, zone, language)
    last = format_date(session.ends_at, zone, language)
    return first if first == last else f"{first} – {last}"


def certificate_view(
    certificate: Certificate,
    session: BimtekSession,
    policy: EvaluationPolicy,
    zone: ZoneInfo,
    now: datetime,
) -> CertificateView:
    """Return what the certificate PDF shows."""
    return CertificateView(
        number=certificate.number,
        holder_name=certificate.holder_name or texts.text("id", "cert.withheld"),
        session_title=session.title,
        dates=session_dates(session, zone, "id"),
        hours=session.hours,
        issued_on=format_date(certificate.issued_at, zone, "id"),
        signatory_name=policy.signatory_name,
        signatory_title=policy.signatory_title,
        qr_content=verification_target(policy, certificate),
        generated_at=now,
    )


def certificate_filename(certificate: Certificate) -> str:
    """Return a file name from the certificate number, without personal data."""
    return f"sertifikat-{_FILENAME_UNSAFE.sub('-', certificate.number).strip('-')}.pdf"


async def certificate_pdf(
    storage: Storage,
    certificate: Certificate,
    policy: EvaluationPolicy,
    zone: ZoneInfo,
    now: datetime,
) -> bytes:
    """Render a stored certificate."""
    session = await storage.sessions.get(certificate.session_id)
    assert session is not None  # noqa: S101 - certificates reference existing sessions
    return render_certificate(certificate_view(certificate, session, policy, zone, now))


async def certificate_document(
    storage: Storage,
    certificate: Certificate,
    policy: EvaluationPolicy,
    zone: ZoneInfo,
    now: datetime,
    language: str,
) -> Document:
    """Return the certificate as a document to send in chat, with a short caption."""
    content = await certificate_pdf(storage, certificate, policy, zone, now)
    caption = texts.text(language, "cert.caption", number=certificate.number)
    return Document(certificate_filename(certificate), content, caption)


def ready_notice(language: str, certificate: Certificate, session_title: str) -> Reply:
    """Return the message that a certificate is ready: the PDF itself, with this as its caption.

    The button sends the PDF again from a message shown without it (a chat that cannot take
    the document); outside WhatsApp's 24-hour window the text goes as the notice template.
    """
    body = texts.text(language, "cert.ready", title=session_title, number=certificate.number)
    payload = SendCertificate(certificate.id).pack()
    button = Button(texts.text(language, "cert.download"), payload)
    return Reply(body, buttons=((button,),), attachment=payload)


class CertificateFiles:
    """Render the certificate a queued message names, when a channel sends it."""

    def __init__(self, services: Services) -> None:
        self._services = services

    async def __call__(self, reference: str) -> Document | None:
        """Return the certificate PDF; None for a revoked, unknown or malformed reference."""
        try:
            named = SendCertificate.unpack(reference)
        except BadPayload:
            return None
        services = self._services
        certificate = await services.storage.certificates.get(named.certificate)
        if certificate is None or certificate.revoked_at is not None:
            return None
        session = await services.storage.sessions.get(certificate.session_id)
        if session is None:
            return None
        view = certificate_view(
            certificate,
            session,
            services.need(EvaluationPolicy),
            services.zone,
            services.clock.now(),
        )
        # Rendering takes a fraction of a second of CPU: off the event loop.
        content = await asyncio.to_thread(render_certificate, view)
        return Document(certificate_filename(certificate), content)


async def notify_ready(
    storage: Storage, certificate: Certificate, session: BimtekSession, now: datetime
) -> int:
    """Queue the ready notice to the holder through the outbox (once per certificate)."""
    return await notify_participant(
        storage,
        certificate.participant_id,
        f"sertifikat:{certificate.id}:p{certificate.participant_id}",
        lambda language: ready_notice(language, certificate, session.title),
        now,
    )
