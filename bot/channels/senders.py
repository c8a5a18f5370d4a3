"""One Sender for the dispatcher over every running channel: each row goes to its channel."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.dispatcher import BatchPreparer, Delivery, OutboxSender, Sender
from bot.outage import Prober
from handlers.conversation.messages import Reply
from handlers.conversation.outbox import reply_of
from storage.outbox import OutboxMessage


class ChannelRouter:
    """Deliver each outbox row through the sender of its channel."""

    def __init__(self, senders: Mapping[str, Sender]) -> None:
        self._senders = dict(senders)
        # Which senders want whole rows, checked once rather than on every send.
        self._whole_rows = {
            channel: sender
            for channel, sender in self._senders.items()
            if isinstance(sender, OutboxSender)
        }
        self._preparers = {
            channel: sender
            for channel, sender in self._senders.items()
            if isinstance(sender, BatchPreparer)
        }

    async def deliver(self, channel: str, address: str, reply: Reply) -> Delivery:
        """Send through the channel's sender."""
        sender = self._senders.get(channel)
        if sender is None:
            return _not_running(channel)
        return await sender.deliver(channel, address, reply)

    async def deliver_outbox(self, message: OutboxMessage) -> Delivery:
        """Send an outbox row through its channel's sender, whole row included when it wants it."""
        whole = self._whole_rows.get(message.channel)
        if whole is not None:
            return await whole.deliver_outbox(message)
        sender = self._senders.get(message.channel)
        if sender is None:
            return _not_running(message.channel)
        return await sender.deliver(message.channel, message.address, reply_of(message.body))

    async def prepare(self, messages: Sequence[OutboxMessage]) -> None:
        """Let each channel's sender prepare its rows of a claimed batch, if it wants to."""
        for channel, sender in self._preparers.items():
            mine = [message for message in messages if message.channel == channel]
            if mine:
                await sender.prepare(mine)

    async def probe(self, channel: str) -> bool:
        """Probe the channel's platform; a sender that cannot probe counts as answering."""
        sender = self._senders.get(channel)
        if isinstance(sender, Prober):
            return await sender.probe(channel)
        return True


def _not_running(channel: str) -> Delivery:
    return Delivery.failed(f"channel {channel} is not configured", permanent=True)
