"""Storage: the database, its migrations and one repository per aggregate."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from storage.audit import AuditRepository
from storage.bot_settings import BotSettingRepository
from storage.contacts import ContactRepository
from storage.conversations import ConversationRepository
from storage.db import Database
from storage.enrollments import EnrollmentRepository
from storage.migrate import migrate
from storage.officers import OfficerRepository
from storage.participants import ParticipantRepository
from storage.sessions import SessionRepository


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

    @classmethod
    async def open(cls, path: str | Path, now: datetime) -> Storage:
        """Connect, apply pending migrations and build the repositories."""
        db = await Database.connect(path)
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
        )

    async def close(self) -> None:
        """Close the database."""
        await self.db.close()
