"""Storage: the database, its migrations and one repository per aggregate."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from storage.audit import AuditRepository
from storage.bot_settings import BotSettingRepository
from storage.broadcasts import AudienceRepository, BroadcastRepository
from storage.channel_states import ChannelStateRepository
from storage.console import ConsoleRepository
from storage.contacts import ContactRepository
from storage.conversations import ConversationRepository
from storage.db import Database
from storage.directory import ParticipantDirectory
from storage.enrollments import EnrollmentRepository
from storage.equipment import (
    AllocationRepository,
    EquipmentCaseRepository,
    EquipmentItemRepository,
)
from storage.evaluations import (
    CertificateRepository,
    QuestionnaireRepository,
    QuizRepository,
)
from storage.exports import ExportRepository
from storage.helpdesk import FaqRepository, QuestionLog, TicketRepository
from storage.inbound import InboundUpdateRepository
from storage.media import MediaErasureRepository
from storage.migrate import migrate
from storage.officers import OfficerRepository
from storage.outbox import OutboxDeadlines, OutboxRepository
from storage.participants import ParticipantRepository
from storage.reminders import ReminderRunRepository
from storage.retention import RetentionRepository
from storage.sessions import SessionRepository
from storage.stats import StatsRepository
from storage.waitlist import WaitlistRepository
from storage.whatsapp_inbox import WhatsAppInboxRepository


@dataclass(frozen=True)
class Storage:
    """The database and every repository over it."""

    db: Database
    participants: ParticipantRepository
    contacts: ContactRepository
    sessions: SessionRepository
    enrollments: EnrollmentRepository
    officers: OfficerRepository
    audit: AuditRepository
    conversations: ConversationRepository
    bot_settings: BotSettingRepository
    reminder_runs: ReminderRunRepository
    waitlist: WaitlistRepository
    outbox: OutboxRepository
    equipment_items: EquipmentItemRepository
    allocations: AllocationRepository
    equipment_cases: EquipmentCaseRepository
    # Officer tools
    broadcasts: BroadcastRepository
    audiences: AudienceRepository
    stats: StatsRepository
    exports: ExportRepository
    retention: RetentionRepository
    # WhatsApp
    whatsapp_inbox: WhatsAppInboxRepository
    # Evaluations
    questionnaires: QuestionnaireRepository
    quizzes: QuizRepository
    certificates: CertificateRepository
    # Several processes
    inbound: InboundUpdateRepository
    # Outages
    channel_states: ChannelStateRepository
    # Web console
    console: ConsoleRepository
    directory: ParticipantDirectory
    # Help desk
    faqs: FaqRepository
    tickets: TicketRepository
    questions: QuestionLog
    media_erasure: MediaErasureRepository

    @classmethod
    async def open(
        cls,
        target: str | Path,
        now: datetime,
        deadlines: OutboxDeadlines | None = None,
    ) -> Storage:
        """Connect (a SQLite file or a postgresql:// URL), migrate, build the repositories.

        `deadlines` are the default give-up times of outbox rows (BROADCAST_GIVE_UP_AFTER,
        NOTICE_GIVE_UP_AFTER).
        """
        db = await Database.connect(target)
        try:
            await migrate(db, now)
        except BaseException:
            await db.close()
            raise
        return cls(
            db=db,
            participants=ParticipantRepository(db),
            contacts=ContactRepository(db),
            sessions=SessionRepository(db),
            enrollments=EnrollmentRepository(db),
            officers=OfficerRepository(db),
            audit=AuditRepository(db),
            conversations=ConversationRepository(db),
            bot_settings=BotSettingRepository(db),
            reminder_runs=ReminderRunRepository(db),
            waitlist=WaitlistRepository(db),
            outbox=OutboxRepository(db, deadlines),
            equipment_items=EquipmentItemRepository(db),
            allocations=AllocationRepository(db),
            equipment_cases=EquipmentCaseRepository(db),
            broadcasts=BroadcastRepository(db),
            audiences=AudienceRepository(db),
            stats=StatsRepository(db),
            exports=ExportRepository(db),
            retention=RetentionRepository(db),
            whatsapp_inbox=WhatsAppInboxRepository(db),
            questionnaires=QuestionnaireRepository(db),
            quizzes=QuizRepository(db),
            certificates=CertificateRepository(db),
            inbound=InboundUpdateRepository(db),
            channel_states=ChannelStateRepository(db),
            console=ConsoleRepository(db),
            directory=ParticipantDirectory(db),
            faqs=FaqRepository(db),
            tickets=TicketRepository(db),
            questions=QuestionLog(db),
            media_erasure=MediaErasureRepository(db),
        )

    async def close(self) -> None:
        """Close the database."""
        await self.db.close()
