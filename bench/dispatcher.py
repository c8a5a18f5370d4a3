"""The dispatcher alone: how fast one lane can go with its database writes, without HTTP.

A WhatsApp lane at each rate sends N queued rows through a sender that answers after 20 ms
(no network, no webhooks, no fake server), so the figure is the ceiling of the dispatcher
itself — claiming, pacing, recording — in one Python process on this machine.

    .venv/bin/python bench/dispatcher.py [--rates 80 250 500 1000] [--seconds 5]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import tempfile
import time
from pathlib import Path

import common  # noqa: F401 - puts the project on the path

from bot.channels.senders import ChannelRouter
from bot.dispatcher import Delivery, Dispatcher
from bot.pacing import ChannelLimits, in_flight_for
from handlers.conversation.clock import SystemClock
from handlers.conversation.messages import Reply
from handlers.conversation.outbox import stored
from storage import Storage

LATENCY = 0.02


class Platform:
    """Answer every send after LATENCY with a fresh message id; note when each started."""

    def __init__(self) -> None:
        self.starts: list[float] = []
        self._ids = itertools.count(1)

    async def deliver(self, channel: str, address: str, reply: Reply) -> Delivery:
        """Accept the message."""
        self.starts.append(time.monotonic())
        message_id = f"wamid.{next(self._ids)}"
        await asyncio.sleep(LATENCY)
        return Delivery.ok(message_id)


async def measure(rate: float, n: int) -> float:
    """Send n rows at `rate`; return the achieved rate."""
    clock = SystemClock()
    with tempfile.TemporaryDirectory() as folder:
        storage = await Storage.open(Path(folder) / "bench.sqlite3", clock.now())
        try:
            now = clock.now()
            async with storage.db.transaction():
                body = stored(Reply("x"))
                for index in range(n):
                    await storage.outbox.enqueue(
                        f"broadcast:1:c{index}", "whatsapp", f"62{index:010d}", body, now,
                        broadcast_id=1,
                    )  # fmt: skip
            platform = Platform()
            limits = ChannelLimits(rate, max_in_flight=in_flight_for(rate))
            dispatcher = Dispatcher(
                storage,
                ChannelRouter({"whatsapp": platform}),
                clock,
                28.0,
                channels={"whatsapp": limits},
            )
            task = asyncio.create_task(dispatcher.run())
            for _ in itertools.count():
                if (await storage.outbox.counts(1))["sent"] >= n:
                    break
                await asyncio.sleep(0.2)
            dispatcher.stop()
            await task
        finally:
            await storage.close()
    starts = platform.starts
    return (len(starts) - 1) / (starts[-1] - starts[0])


def main() -> None:
    """Measure each rate and print achieved ÷ configured."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rates", type=float, nargs="+", default=[80, 250, 500, 1000])
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    for rate in args.rates:
        achieved = asyncio.run(measure(rate, int(rate * args.seconds)))
        print(
            f"[dispatcher alone] {rate:g}/s configured: {achieved:.1f}/s = {achieved / rate:.3f}"
        )


if __name__ == "__main__":
    main()
