"""One Sender for the dispatcher over every running channel: each row goes to its channel."""

from __future__ import annotations

from collections.abc import Mapping

from bot.dispatcher import Delivery, OutboxSender, Sender
from bot.outage import Prober
from handlers.core import Reply
from storage.outbox import OutboxMessage


class ChannelRouter:
    """Deliver each outbox row through the sender of its channel."""

    def __init__(self, senders: Mapping[str, Sender]) -> None:
        self._senders = dict(senders)

    async def deliver(self, channel: str, address: str, reply: Reply) -> Delivery:
        """Send through the channel's sender."""
        sender = self._senders.get(channel)
        if sender is None:
            return _not_running(channel)
        return await sender.deliver(channel, address, reply)

    async def deliver_outbox(self, message: OutboxMessage) -> Delivery:
        """Send an outbox row through its channel's sender, whole row included when it wants it."""
        sender = self._senders.get(message.channel)
        if sender is None:
            return _not_running(message.channel)
        if isinstance(sender, OutboxSender):
            return await sender.deliver_outbox(message)
        return await sender.deliver(message.channel, message.address, message.reply())

    async def probe(self, channel: str) -> bool:
        """Probe the channel's platform; a sender that cannot probe counts as answering."""
        sender = self._senders.get(channel)
        if isinstance(sender, Prober):
            return await sender.probe(channel)
        return True


def _not_running(channel: str) -> Delivery:
    return Delivery.failed(f"channel {channel} is not configured", permanent=True)
