"""The officer jobs on the bot's scheduler: broadcasts every couple of seconds, retention daily."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.channels.media import MediaStore
from bot.officer_jobs import (
    BROADCAST_JOB,
    HELPDESK_JOB,
    RETENTION_FIRST_RUN,
    RETENTION_JOB,
    OfficerJobs,
)
from handlers.broadcasts.audiences import Audience
from handlers.broadcasts.service import start_broadcast
from handlers.conversation.turn import Services
from handlers.participants.erasure import erase_participant
from storage import Storage
from tests.support.chat import NOW, add_session
from tests.support.officers import FakeBoard, enroll, person


async def test_jobs_are_added_and_retention_can_be_turned_off(services: Services) -> None:
    scheduler = AsyncIOScheduler(timezone="UTC")
    OfficerJobs(services, FakeBoard(), retention_days=365).add_to(scheduler)
    assert {job.id for job in scheduler.get_jobs()} == {
        BROADCAST_JOB,
        HELPDESK_JOB,
        RETENTION_JOB,
        RETENTION_FIRST_RUN,
    }
    off = AsyncIOScheduler(timezone="UTC")
    OfficerJobs(services, None, retention_days=0).add_to(off)
    assert {job.id for job in off.get_jobs()} == {BROADCAST_JOB, HELPDESK_JOB}


async def test_the_jobs_do_their_work_and_never_raise(
    services: Services, storage: Storage
) -> None:
    old = await add_session(storage, "OLD", starts_in=-timedelta(days=40))
    participant = await person(storage, 1)
    await enroll(storage, participant, old)
    await start_broadcast(services, author="cli", text="Halo", audience=Audience("all"), now=NOW)
    jobs = OfficerJobs(services, FakeBoard(), retention_days=30)
    await jobs.broadcasts()
    await jobs.retention()
    erased = await storage.participants.get(participant.id)
    assert erased is not None and erased.deleted_at is not None
    await storage.close()  # every query fails now: the jobs log and return
    await jobs.broadcasts()
    await jobs.retention()


async def test_the_media_of_an_erased_participant_leave_media_dir(
    services: Services, storage: Storage, tmp_path: Path
) -> None:
    media = MediaStore(tmp_path / "media")
    question = media.save("wamid-question", b"jpeg", "image/jpeg")
    voice = media.save("wamid-voice", b"ogg", "audio/ogg")
    kept = media.save("wamid-other", b"jpeg", "image/jpeg")
    participant = await person(storage, 1, contacts=(("whatsapp", "6281200000001"),))
    async with storage.db.transaction():
        ticket = await storage.tickets.open("whatsapp", "6281200000001", participant.id, NOW)
        for kind, reference in (("photo", question), ("voice", voice)):
            await storage.tickets.add_message(ticket.id, "participant", kind, None, reference, NOW)
        await erase_participant(storage, participant.id, NOW, actor="test", action="erase")
    jobs = OfficerJobs(services, None, retention_days=0, media=media)
    await jobs.helpdesk()
    assert media.load(question) is None and media.load(voice) is None
    assert media.load(kept) is not None
    assert await storage.media_erasure.pending() == []
