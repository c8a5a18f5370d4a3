"""The WhatsApp channel: webhook messages through the inbox to the router, replies back out.

The webhook (bot/webhook.py) only checks, parses and records: each message goes into the
`whatsapp_inbox` table once per message id (a redelivery is dropped there); status reports
(sent, delivered, read, failed) are applied to their outbox rows in batches shared with other
deliveries (`storage.group_commit`); the 200 goes back once both are committed. Processing
runs in tasks: different people concurrently, each person's messages one at a time in the
order they arrived, like Telegram's per-chat processor. A message still unprocessed at a
restart is processed at start-up. With several processes on PostgreSQL a message belongs to
the process that recorded it (its claim); a claim older than a minute means that process
died, and another takes the message over (at start-up, and every 30 s).
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
from collections.abc import Awaitable, Callable, Coroutine
from datetime import datetime, timedelta
from functools import partial
from typing import Any, Final

import httpx

from bot.channels.fallback import ReplyFallback
from bot.channels.graph import GraphError
from bot.channels.media import MediaStore
from bot.channels.whatsapp import (
    WebhookMessage,
    WebhookPayload,
    WebhookStatus,
    page_of,
    sent_at,
    text_messages,
    to_inbound,
)
from bot.channels.whatsapp_messenger import WhatsAppMessenger
from bot.channels.whatsapp_sender import delivery_for, record_statuses
from bot.settings import WhatsAppTemplates
from handlers.conversation import texts
from handlers.conversation.messages import Inbound
from handlers.conversation.router import Router
from handlers.conversation.turn import Services
from storage.group_commit import GroupCommit
from storage.whatsapp_inbox import InboxEntry

logger = logging.getLogger(__name__)

MAX_MESSAGE_ID: Final = 256
# Meta retries an unanswered delivery for up to 7 days; ids older than that cannot return.
# A message sent longer ago than this is ignored by its timestamp: its id may be forgotten,
# so it can only be a replay.
KEEP_SEEN: Final = timedelta(days=8)
# A status webhook can overtake the dispatcher recording the message id it is about (Meta may
# report "sent" within milliseconds); it is tried again a few times before it is let go.
# (Statuses of direct replies, which have no outbox row, cost those few cheap look-ups.)
STATUS_RETRIES: Final = 5
STATUS_RETRY_DELAY: Final = 0.5
# Several processes: how old a claim must be before another process takes the message over
# (a live process finishes one within seconds), and how often each process looks.
CLAIM_GRACE: Final = timedelta(minutes=1)
SWEEP_EVERY: Final = 30.0


class PerSenderRunner:
    """Run jobs of different senders concurrently and each sender's jobs one at a time, in order.

    A job's task starts by waiting for its sender's lock; tasks start in creation order and
    asyncio locks wake waiters first come, first served, so each sender's order is kept.
    """

    def __init__(self, max_concurrent: int = 256) -> None:
        self._locks: dict[str, asyncio.Lock] = {}
        self._holders: dict[str, int] = {}
        self._slots = asyncio.Semaphore(max_concurrent)
        self._tasks: set[asyncio.Task[None]] = set()

    def submit(self, key: str, job: Callable[[], Awaitable[None]]) -> None:
        """Run the job after every job submitted earlier for the same key."""
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._holders[key] = self._holders.get(key, 0) + 1
        self.spawn(self._run(key, lock, job))

    def spawn(self, coroutine: Coroutine[Any, Any, None]) -> None:
        """Run a job that needs no ordering, tracked so stop() can wait for it."""
        task = asyncio.create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run(self, key: str, lock: asyncio.Lock, job: Callable[[], Awaitable[None]]) -> None:
        try:
            async with lock, self._slots:
                await job()
        except Exception:
            # The traceback names code, never the message: no personal data in the log.
            logger.exception("whatsapp: processing a message failed")
        finally:
            self._holders[key] -= 1
            if self._holders[key] == 0:
                del self._holders[key]
                del self._locks[key]

    async def drain(self, grace: float) -> None:
        """Wait for running jobs, cancelling those still running after `grace` seconds."""
        if not self._tasks:
            return
        _, pending = await asyncio.wait(set(self._tasks), timeout=grace)
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.wait(pending)


class WhatsAppChannel:
    """Accept webhook deliveries and answer each message through the router."""

    def __init__(
        self,
        phone_number_id: str,
        router: Router,
        services: Services,
        messenger: WhatsAppMessenger,
        media: MediaStore,
        templates: WhatsAppTemplates,
    ) -> None:
        self._phone_number_id = phone_number_id
        self._router = router
        self._services = services
        self._messenger = messenger
        self._media = media
        self._templates = templates
        self._runner = PerSenderRunner()
        self._sweeper: asyncio.Task[None] | None = None
        # With PostgreSQL, several processes may take one person's messages.
        several = services.storage.db.engine == "postgresql"
        self.fallback = ReplyFallback(
            "whatsapp", services.storage.outbox, services.clock, shared=several
        )
        self._statuses: GroupCommit[WebhookStatus, bool] = GroupCommit(
            services.storage.db, self._apply_statuses, name="whatsapp-statuses"
        )

    async def start(self) -> None:
        """Forget old message ids and process what a restart left in the inbox."""
        storage = self._services.storage
        await self.fallback.load()
        await storage.whatsapp_inbox.prune(self._services.clock.now() - KEEP_SEEN)
        if storage.db.engine == "sqlite":  # one process: whatever is left is this one's
            await self._take_over(timedelta(0))
            return
        await self._take_over(CLAIM_GRACE)
        self._sweeper = asyncio.create_task(self._sweep(), name="whatsapp-inbox-sweep")

    async def stop(self) -> None:
        """Finish (or give up on) the messages being processed."""
        if self._sweeper is not None:
            self._sweeper.cancel()
            await asyncio.gather(self._sweeper, return_exceptions=True)
        await self._runner.drain(grace=10)
        await self._statuses.close()

    async def _take_over(self, grace: timedelta) -> None:
        """Process the messages whose claim is older than `grace` (their process is gone)."""
        now = self._services.clock.now()
        left = await self._services.storage.whatsapp_inbox.claim_stale(now, now - grace)
        for entry in left:
            self._runner.submit(entry.address, partial(self._process, entry))
        if left:
            logger.info("whatsapp: processing %d message(s) left from before", len(left))

    async def _sweep(self) -> None:
        while True:
            await asyncio.sleep(SWEEP_EVERY)
            try:
                await self._take_over(CLAIM_GRACE)
            except Exception:
                logger.exception("whatsapp: looking for messages left by another process failed")

    async def receive(self, payload: WebhookPayload) -> None:
        """Record a webhook delivery's messages (once each) and queue their processing."""
        storage = self._services.storage
        stale = 0
        statuses: list[WebhookStatus] = []
        for value in payload.for_number(self._phone_number_id):
            for message in value.messages:
                inbound = to_inbound(message)
                if inbound is None or not 0 < len(message.id) <= MAX_MESSAGE_ID:
                    continue
                now = self._services.clock.now()
                if self._forgotten(message, now):
                    stale += 1
                    continue
                entry = await storage.whatsapp_inbox.record(
                    message.id, inbound.address, encode(inbound), now
                )
                if entry is None:
                    logger.info("whatsapp: a message delivered again was dropped")
                    continue
                self._runner.submit(entry.address, partial(self._process, entry))
            statuses.extend(status for status in value.statuses if _plausible(status))
        # Applied in one transaction with the statuses of other deliveries, and only then is
        # the delivery answered: a status acknowledged to Meta is never lost.
        known = await self._statuses.submit_many(statuses)
        for status, found in zip(statuses, known, strict=True):
            if not found:
                self._runner.spawn(self._status_again(status))
        if stale:
            logger.warning(
                "whatsapp: %d message(s) sent more than %d days ago ignored (a replay?)",
                stale,
                KEEP_SEEN.days,
            )

    @staticmethod
    def _forgotten(message: WebhookMessage, now: datetime) -> bool:
        """Tell whether a message is older than the inbox remembers ids: it may be a replay."""
        sent = sent_at(message)
        return sent is not None and sent < now - KEEP_SEEN

    async def _process(self, entry: InboxEntry) -> None:
        storage = self._services.storage
        try:
            inbound = decode(entry.event)
        except (TypeError, ValueError):
            logger.warning("whatsapp: an inbox entry could not be read; skipped")
            await storage.whatsapp_inbox.mark_processed(entry.id, self._services.clock.now())
            return
        if inbound.kind == "photo" and inbound.photo_id:
            inbound = dataclasses.replace(inbound, photo_id=await self._download(inbound.photo_id))
        elif inbound.kind in ("document", "voice") and inbound.media_id:
            inbound = dataclasses.replace(inbound, media_id=await self._download(inbound.media_id))
        page = page_of(inbound.payload) if inbound.kind == "button" else None
        if page is not None:
            await self._page(entry, inbound, page)
            return
        replies = await self._router.handle(inbound, self._services)
        await storage.whatsapp_inbox.mark_processed(entry.id, self._services.clock.now())
        language = await self._language(inbound.address)
        try:
            await self.fallback.deliver(
                inbound.address,
                entry.id,
                replies,
                partial(self._messenger.send, inbound.address, language=language),
                is_passing,
            )
        except (GraphError, httpx.HTTPError) as error:
            logger.warning("whatsapp: a reply was not sent (%s)", _describe(error))

    async def _page(self, entry: InboxEntry, inbound: Inbound, page: int) -> None:
        """Show another page of a long list; the tap still counts as the person writing."""
        storage = self._services.storage
        now = self._services.clock.now()
        async with storage.db.transaction():
            await storage.contacts.touch("whatsapp", inbound.address, now)
            await storage.whatsapp_inbox.mark_processed(entry.id, now)
        language = await self._language(inbound.address)
        messages = self._messenger.pages.page(inbound.address, page)
        if messages is None:
            messages = text_messages(texts.text(language, "wa.page_expired"))
        try:
            await self._messenger.send_all(inbound.address, messages)
        except (GraphError, httpx.HTTPError) as error:
            logger.warning("whatsapp: a page was not sent (%s)", _describe(error))

    async def _download(self, media_id: str) -> str | None:
        """Fetch a photo, document or voice note and store it; return its reference or None."""
        try:
            content, mime_type = await self._messenger.client.download(media_id)
            return await asyncio.to_thread(
                self._media.save, f"whatsapp-{media_id}", content, mime_type
            )
        except (GraphError, httpx.HTTPError, OSError, ValueError) as error:
            logger.warning("whatsapp: a photo could not be downloaded (%s)", _describe(error))
            return None

    async def _language(self, address: str) -> str:
        contact = await self._services.storage.contacts.get("whatsapp", address)
        return contact.language if contact is not None else texts.DEFAULT_LANGUAGE

    async def _apply_statuses(self, statuses: list[WebhookStatus]) -> list[bool]:
        """Apply a batch of statuses (inside the group commit's transaction)."""
        storage, now = self._services.storage, self._services.clock.now()
        return await record_statuses(storage, self._templates, statuses, now)

    async def _status_again(self, status: WebhookStatus) -> None:
        """Try a status whose message id had no row yet a few more times, then let it go.

        Already acknowledged: if the process dies meanwhile, the row it is about was not
        recorded as sent either, so the row is sent again and gets statuses of its own.
        """
        try:
            for _ in range(STATUS_RETRIES - 1):
                await asyncio.sleep(STATUS_RETRY_DELAY)
                if await self._statuses.submit(status):
                    return
        except Exception:
            logger.exception("whatsapp: recording a status report failed")


def _plausible(status: WebhookStatus) -> bool:
    """Tell whether a status names a message id the bot could have been given."""
    return 0 < len(status.id) <= MAX_MESSAGE_ID


def encode(inbound: Inbound) -> str:
    """Return the stored form of an inbound event."""
    return json.dumps(dataclasses.asdict(inbound), ensure_ascii=False)


def decode(event: str) -> Inbound:
    """Rebuild an inbound event from its stored form."""
    data = json.loads(event)
    if not isinstance(data, dict):
        raise ValueError("not an object")
    return Inbound(**data)


def is_passing(error: Exception) -> bool:
    """Tell whether a send that failed so may work later (the dispatcher's rule)."""
    if isinstance(error, httpx.HTTPError):
        return True
    if not isinstance(error, GraphError):
        return False
    return delivery_for(error).worth_retrying


def _describe(error: Exception) -> str:
    if isinstance(error, GraphError):
        return f"code {error.code}, HTTP {error.status}"
    return type(error).__name__
