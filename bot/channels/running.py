"""The channels `python -m bot run` serves, built from settings for the composition root."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from starlette.applications import Starlette
from starlette.routing import BaseRoute

from bot.channels.graph import GraphClient
from bot.channels.media import MediaStore
from bot.channels.ordering import chat_of
from bot.channels.telegram import TelegramChannel
from bot.channels.telegram_sender import TelegramSender
from bot.channels.whatsapp_channel import WhatsAppChannel
from bot.channels.whatsapp_messenger import ChoicePages, WhatsAppMessenger
from bot.channels.whatsapp_sender import WhatsAppSender
from bot.console_photos import ConsolePhotos
from bot.leadership import Leadership
from bot.settings import Settings
from bot.verification_web import verification_routes
from bot.webhook import TelegramEndpoint, WhatsAppEndpoint, build_app
from handlers.console.app import console_mount
from handlers.console.web import Console
from handlers.conversation.router import Router
from handlers.conversation.turn import Services
from handlers.evaluations import certificates
from storage import Storage

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RunningTelegram:
    """The Telegram channel and its outbox sender."""

    channel: TelegramChannel
    sender: TelegramSender


@dataclass(frozen=True)
class RunningWhatsApp:
    """The WhatsApp channel, its outbox sender and their Graph API client."""

    channel: WhatsAppChannel
    sender: WhatsAppSender
    client: GraphClient


def build_telegram(settings: Settings, router: Router, services: Services) -> RunningTelegram:
    """Build the Telegram channel (polling or webhook) and its outbox sender."""
    media = MediaStore(settings.media_dir)
    token = settings.require_telegram_token()
    return RunningTelegram(
        TelegramChannel(settings, router, services),
        TelegramSender(
            token,
            settings.telegram_api_base_url,
            media,
            certificates.CertificateFiles(services),
            services.storage.outbox,
        ),
    )


def build_whatsapp(settings: Settings, router: Router, services: Services) -> RunningWhatsApp:
    """Build the WhatsApp channel and its outbox sender over one Graph API client."""
    media = MediaStore(settings.media_dir)
    client = GraphClient(
        settings.whatsapp_api_base_url,
        str(settings.whatsapp_token),
        str(settings.whatsapp_phone_number_id),
    )
    messenger = WhatsAppMessenger(client, media, ChoicePages())
    templates = settings.whatsapp_templates
    channel = WhatsAppChannel(
        str(settings.whatsapp_phone_number_id), router, services, messenger, media, templates
    )
    sender = WhatsAppSender(
        messenger,
        services.storage,
        services.clock,
        templates,
        certificates.CertificateFiles(services),
    )
    return RunningWhatsApp(channel, sender, client)


async def health_report(storage: Storage, channels: list[str]) -> dict[str, Any]:
    """Return each running channel's state (up, or down since when) and the outbox backlog."""
    states = await storage.channel_states.all()
    waiting = await storage.outbox.waiting_by_channel()
    report: dict[str, Any] = {}
    for name in channels:
        state = states.get(name)
        entry: dict[str, Any] = {"state": "up", "waiting": waiting.get(name, 0)}
        if state is not None and state.state == "down":
            entry.update(state="down", since=state.since.isoformat(), reason=state.reason)
        report[name] = entry
    down = any(entry["state"] == "down" for entry in report.values())
    return {
        "status": "degraded" if down else "ok",
        "channels": report,
        "outbox": {"waiting": sum(waiting.values())},
    }


def webhook_app(
    settings: Settings,
    services: Services,
    telegram: RunningTelegram | None,
    whatsapp: RunningWhatsApp | None,
    leadership: Leadership | None = None,
) -> Starlette:
    """Return the ASGI app for the channels that take webhooks, and /healthz."""
    channels = [
        name
        for name, on in (("telegram", telegram is not None), ("whatsapp", whatsapp is not None))
        if on
    ]

    async def health() -> dict[str, Any]:
        report = await health_report(services.storage, channels)
        return {**report, "leader": leadership is not None and leadership.is_leader}

    whatsapp_endpoint = None
    if whatsapp is not None:
        whatsapp_endpoint = WhatsAppEndpoint(
            verify_token=str(settings.whatsapp_verify_token),
            app_secret=str(settings.whatsapp_app_secret),
            receive=whatsapp.channel.receive,
        )
    telegram_endpoint = None
    if telegram is not None and settings.telegram_webhook:
        telegram_endpoint = TelegramEndpoint(
            secret=str(settings.telegram_webhook_secret),
            push=once_per_update_id(services, telegram.channel.push_update),
        )
    extra: list[BaseRoute] = [*verification_routes(services)]
    if settings.console_enabled:
        extra.append(console_mount(build_console(settings, services)))
    return build_app(health, whatsapp_endpoint, telegram_endpoint, extra)


def build_console(settings: Settings, services: Services) -> Console:
    """Return what the web console needs: services, the public address, photos."""
    media = MediaStore(settings.media_dir)
    photos = ConsolePhotos(media, settings.telegram_bot_token, settings.telegram_api_base_url)
    return Console(services, str(settings.public_base_url), media, photos)


def once_per_update_id(
    services: Services, push: Callable[[object], Awaitable[bool]]
) -> Callable[[object], Awaitable[bool]]:
    """Wrap the webhook's push so an update id seen by any process is not handled again.

    Telegram redelivers an update whose POST did not get its 200 in time, possibly to another
    process behind the load balancer; the id is recorded in the database before handling.
    """

    async def push_once(data: object) -> bool:
        update_id = data.get("update_id") if isinstance(data, dict) else None
        if isinstance(update_id, int) and not isinstance(update_id, bool):
            now = services.clock.now()
            chat = chat_of(data)
            inbound = services.storage.inbound
            if not await inbound.first_time("telegram", str(update_id), now, chat, update_id):
                logger.info("telegram webhook: update %d was already handled; dropped", update_id)
                return True
        return await push(data)

    return push_once
