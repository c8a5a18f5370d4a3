"""`certificates issue|revoke|list|pdf`: certificates of attendance, audited."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

from bot.app import open_services
from bot.cli.common import (
    ACTOR,
    CliError,
    Subparsers,
    participant_by_nik,
    read_nik,
    session_by_code,
)
from bot.settings import Settings
from handlers.conversation.timefmt import format_date
from handlers.evaluations import certificates
from handlers.evaluations.policy import EvaluationPolicy
from handlers.participants.validation import mask_nik


def register(commands: Subparsers) -> None:
    """Add `certificates issue|revoke|list|pdf`."""
    group = commands.add_parser("certificates", help="certificates of attendance")
    actions = group.add_subparsers(dest="action", required=True)
    issue = actions.add_parser(
        "issue", help="issue to everyone who qualifies, or (--nik, --reason) to one person"
    )
    issue.add_argument("--session", required=True)
    issue.add_argument("--nik", help="issue to this participant whatever the rules say")
    issue.add_argument("--reason", help="why (required with --nik; audited)")
    issue.set_defaults(func=issue_certificates)
    revoke = actions.add_parser("revoke", help="revoke a certificate; its page says so")
    revoke.add_argument("number")
    revoke.add_argument("--reason", required=True)
    revoke.set_defaults(func=revoke_certificate)
    listing = actions.add_parser("list", help="list certificates")
    listing.add_argument("--session")
    listing.set_defaults(func=list_certificates)
    pdf = actions.add_parser("pdf", help="write a certificate's PDF")
    pdf.add_argument("number")
    pdf.add_argument("--out", required=True, type=Path)
    pdf.set_defaults(func=write_pdf)


async def issue_certificates(settings: Settings, args: argparse.Namespace) -> int:
    """Issue to everyone who qualifies (idempotent), or by hand to one participant."""
    if args.nik is not None:
        return await _issue_one(settings, args)
    if args.reason is not None:
        raise CliError("--reason goes with --nik (a manual issue)")
    async with open_services(settings) as services:
        storage, now = services.storage, services.clock.now()
        policy, zone = services.need(EvaluationPolicy), services.zone
        session = await session_by_code(storage, args.session)
        if now < session.ends_at:
            raise CliError(f"session {session.code} has not ended yet")
        new = held = unqualified = 0
        for member in await storage.enrollments.members(session.id):
            async with storage.db.transaction():
                existing = await storage.certificates.get_for(session.id, member.participant.id)
                issued = await certificates.issue_if_qualified(
                    storage, policy, zone, session, member.participant, now
                )
                if issued is not None:
                    await certificates.notify_ready(storage, issued, session, now)
            new += issued is not None
            held += existing is not None
            unqualified += existing is None and issued is None
    print(
        f"session {session.code}: {new} certificate(s) issued, {held} already held,"
        f" {unqualified} not qualified"
    )
    return 0


async def _issue_one(settings: Settings, args: argparse.Namespace) -> int:
    reason = " ".join((args.reason or "").split())
    if not reason or len(reason) > certificates.MAX_REASON:
        raise CliError(f"--reason: give a reason of 1 to {certificates.MAX_REASON} characters")
    nik = read_nik(args.nik)
    async with open_services(settings) as services:
        storage, now = services.storage, services.clock.now()
        session = await session_by_code(storage, args.session)
        participant = await participant_by_nik(storage, nik)
        if await storage.enrollments.get_for(participant.id, session.id) is None:
            raise CliError(f"{mask_nik(nik)} is not enrolled in session {session.code}")
        async with storage.db.transaction():
            certificate, created = await certificates.issue(
                storage,
                services.need(EvaluationPolicy),
                services.zone,
                session,
                participant,
                now,
                issued_by=ACTOR,
                reason=reason,
            )
            if created:
                await certificates.notify_ready(storage, certificate, session, now)
    state = "issued" if created else "was already issued"
    print(f"certificate {certificate.number} for {mask_nik(nik)} {state}")
    return 0


async def revoke_certificate(settings: Settings, args: argparse.Namespace) -> int:
    """Revoke a certificate by number."""
    async with open_services(settings) as services:
        storage = services.storage
        try:
            async with storage.db.transaction():
                revoked = await certificates.revoke(
                    storage, args.number, args.reason, services.clock.now(), actor=ACTOR
                )
        except certificates.CertificateRefused as error:
            raise CliError(str(error)) from error
    print(f"certificate {revoked.number} revoked")
    return 0


async def list_certificates(settings: Settings, args: argparse.Namespace) -> int:
    """Print certificates: number, session, state, issue date, holder."""
    async with open_services(settings) as services:
        storage = services.storage
        session_id = None
        if args.session is not None:
            session_id = (await session_by_code(storage, args.session)).id
        listed = await storage.certificates.listing(session_id)
        codes = {s.session.id: s.session.code for s in await storage.sessions.list_availability()}
    print("number\tsession\tstate\tissued\tholder")
    for item in listed:
        state = "valid" if item.revoked_at is None else "revoked"
        holder = item.holder_name or "(withheld: erased)"
        issued = format_date(item.issued_at, settings.zone)
        print(f"{item.number}\t{codes.get(item.session_id, '-')}\t{state}\t{issued}\t{holder}")
    if not listed:
        print("no certificates yet")
    return 0


async def write_pdf(settings: Settings, args: argparse.Namespace) -> int:
    """Write a certificate's PDF to a file."""
    out: Path = args.out
    if not out.parent.is_dir():
        raise CliError(f"{out.parent}: no such folder")
    async with open_services(settings) as services:
        storage = services.storage
        certificate = await storage.certificates.get_by_number(args.number.strip())
        if certificate is None:
            raise CliError(f"no certificate numbered {args.number.strip()[:100]!r}")
        content = await certificates.certificate_pdf(
            storage,
            certificate,
            services.need(EvaluationPolicy),
            services.zone,
            services.clock.now(),
        )
        await storage.audit.record(
            ACTOR, "certificate.pdf", certificate.number, services.clock.now()
        )
    try:
        await asyncio.to_thread(out.write_bytes, content)
    except OSError as error:
        raise CliError(f"--out: cannot write {out}: {error.strerror}") from error
    note = "" if certificate.revoked_at is None else " (revoked)"
    print(f"wrote {out} ({len(content)} bytes), certificate {certificate.number}{note}")
    return 0
