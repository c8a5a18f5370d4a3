"""One broadcast to Telegram and WhatsApp at once, and WhatsApp's ceiling in one process.

`bench/broadcast.py --mixed` and `--ceiling` run these. The real `python -m bot run` serves
both channels: a fake Bot API (30 msg/s globally, 1 per chat) and a fake Graph API that
holds the number to its throughput and posts a status webhook (sent, delivered, read) for
every accepted message back to the bot, signed as Meta signs them.
"""

from __future__ import annotations

import asyncio
import pstats
import sqlite3
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from common import FakeTelegram, cpu_seconds
from seed import nik_for

from storage import Storage
from tests.support.fake_graph import FakeGraph
from tests.support.whatsapp_harness import APP_SECRET, WebhookBot, free_port, whatsapp_env

FIRST_CHAT = 1_000_000
TEXT = "Pengumuman bimtek: jadwal diperbarui."
TOO_MANY = "Too Many Requests: retry after 1"


def wa_id(index: int) -> str:
    """Return the WhatsApp number of participant `index`."""
    return f"62857{index:08d}"


def seed(database: Path, telegram: int, whatsapp: int) -> None:
    """Create `telegram` participants on Telegram and `whatsapp` on WhatsApp (window open)."""

    async def migrate() -> None:
        storage = await Storage.open(database, datetime.now(UTC))
        await storage.close()

    asyncio.run(migrate())
    stamp = datetime.now(UTC).isoformat(timespec="microseconds")
    total = telegram + whatsapp
    connection = sqlite3.connect(database)
    try:
        with connection:
            connection.executemany(
                "INSERT INTO participant (id, nik, full_name, phone, business_name, sector,"
                " kecamatan, consent_at, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, 'Usaha', 'Kerajinan', 'Setu', ?, ?, ?)",
                ((i + 1, nik_for(i), f"Peserta {i}", f"+62812{i:08d}", stamp, stamp, stamp)
                 for i in range(total)),
            )  # fmt: skip
            connection.executemany(
                "INSERT INTO contact (participant_id, channel, address, last_inbound_at,"
                " created_at) VALUES (?, ?, ?, ?, ?)",
                (
                    (i + 1, "telegram", str(FIRST_CHAT + i), stamp, stamp)
                    if i < telegram
                    else (i + 1, "whatsapp", wa_id(i), stamp, stamp)
                    for i in range(total)
                ),
            )
    finally:
        connection.close()


class ProfiledBot(WebhookBot):
    """The bot process under cProfile (its event loop thread), the profile written at stop."""

    def __init__(self, *args: object, profile: Path, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.profile = profile

    def command(self) -> list[str]:
        """Return `python -m cProfile -o PROFILE -m bot run`."""
        return [sys.executable, "-m", "cProfile", "-o", str(self.profile), "-m", "bot", "run"]


@dataclass
class Channel:
    """What one platform received: arrival times and messages per recipient."""

    arrivals: list[float]
    per_recipient: Counter[str]
    rejected: int

    def rate(self) -> float:
        """Return the achieved rate, first arrival to last."""
        return (len(self.arrivals) - 1) / (self.arrivals[-1] - self.arrivals[0])


def telegram_side(fake: FakeTelegram) -> Channel:
    calls = [call for call in fake.calls("sendMessage") if call.chat_id >= FIRST_CHAT]
    return Channel(
        [call.at for call in calls],
        Counter(str(call.chat_id) for call in calls),
        len(fake.rejected_calls("sendMessage")),
    )


def whatsapp_side(graph: FakeGraph) -> Channel:
    sent = graph.messages()
    return Channel([m.at for m in sent], Counter(m.to for m in sent), len(graph.rejected()))


def start_bot(
    fake: FakeTelegram,
    graph: FakeGraph,
    folder: Path,
    env: dict[str, str],
    *,
    telegram: bool,
    profile: Path | None = None,
) -> WebhookBot:
    port = free_port()
    settings = {**whatsapp_env(graph, port, telegram=telegram), "LOG_LEVEL": "WARNING", **env}
    if profile is None:
        bot = WebhookBot(fake, folder, port, settings)
    else:
        bot = ProfiledBot(fake, folder, port, settings, profile=profile)
    bot.start()
    graph.post_statuses_to(f"{bot.url}/whatsapp", APP_SECRET, concurrency=32)
    return bot


def wait_until_done(bot: WebhookBot, graph: FakeGraph, total: int, timeout: float) -> None:
    """Wait until every row is sent and every WhatsApp row was reported read."""
    deadline = time.monotonic() + timeout
    while True:
        [(unsent, unread)] = bot.query(
            "SELECT SUM(status != 'sent'),"
            " SUM(channel = 'whatsapp' AND provider_status IS NOT 'read') FROM outbox"
        )
        rows = bot.query("SELECT COUNT(*) FROM outbox")[0][0]
        if rows == total and unsent == 0 and unread == 0 and graph.statuses_pending() == 0:
            return
        if time.monotonic() > deadline:
            raise TimeoutError(bot.query("SELECT status, provider_status, COUNT(*) FROM outbox"
                                         " GROUP BY 1, 2"))  # fmt: skip
        time.sleep(0.5)


def inject(
    fake: FakeTelegram, graph: FakeGraph, storms: int, telegram_every: float, whatsapp_every: float
) -> list[threading.Thread]:
    """Answer `storms` sends on each side with flood control, spread over that side's run."""

    def storm(every: float, fail: Callable[[], None]) -> None:
        for _ in range(storms):
            time.sleep(every)
            fail()

    threads = [
        threading.Thread(
            target=storm,
            args=(
                telegram_every,
                lambda: fake.fail_next("sendMessage", 429, TOO_MANY, retry_after=1),
            ),
            daemon=True,
        ),
        threading.Thread(
            target=storm,
            args=(whatsapp_every, lambda: graph.fail_next(130429, message="Rate limit hit")),
            daemon=True,
        ),
    ]
    for thread in threads:
        thread.start()
    return threads


def run_mixed(n: int, telegram_rate: float, whatsapp_rate: float, storms: int) -> None:
    """Broadcast to n people on each platform at once and print each side's figures."""
    with FakeTelegram() as fake, FakeGraph() as graph, tempfile.TemporaryDirectory() as folder:
        fake.global_rate, fake.per_chat_rate = 30.0, 1.0
        graph.throughput = whatsapp_rate * 1.05
        seed(Path(folder) / "bot.sqlite3", n, n)
        env = {
            "TELEGRAM_RATE_PER_SECOND": f"{telegram_rate:g}",
            "WHATSAPP_RATE_PER_SECOND": f"{whatsapp_rate:g}",
        }
        bot = start_bot(fake, graph, Path(folder), env, telegram=True)
        try:
            ideal = max(n / telegram_rate, n / whatsapp_rate)
            storming = inject(
                fake,
                graph,
                storms,
                n / telegram_rate / (storms + 1),
                n / whatsapp_rate / (storms + 1),
            )
            bot.cli("broadcast", "--text", TEXT, "--audience", "all")
            wait_until_done(bot, graph, 2 * n, timeout=ideal * 3 + 120)
            for thread in storming:
                thread.join()
        finally:
            bot.stop(timeout=60)
        telegram, whatsapp = telegram_side(fake), whatsapp_side(graph)
        [(read,)] = bot.query(
            "SELECT COUNT(*) FROM outbox WHERE channel = 'whatsapp' AND provider_status = 'read'"
        )
    total = max(telegram.arrivals[-1], whatsapp.arrivals[-1]) - min(
        telegram.arrivals[0], whatsapp.arrivals[0]
    )
    print(f"[mixed] {n} on Telegram + {n} on WhatsApp, {storms} flood-control answers each side")
    for name, side, configured in (
        ("telegram", telegram, telegram_rate),
        ("whatsapp", whatsapp, whatsapp_rate),
    ):
        lost = n - len(side.per_recipient)
        duplicated = sum(count - 1 for count in side.per_recipient.values())
        # Each flood-control answer pauses the channel 1 s: that time is not the bot's to use.
        span = side.arrivals[-1] - side.arrivals[0]
        adjusted = (len(side.arrivals) - 1) / max(span - side.rejected, 1e-9)
        print(
            f"  {name}: {side.rate():.2f} msg/s = {side.rate() / configured:.3f} of {configured:g}"
            f" ({adjusted / configured:.3f} excluding the {side.rejected} s of flood-control"
            " pauses);"
            f" {side.rejected} refused; lost {lost}, duplicated {duplicated}"
        )
    print(
        f"  total {total:.1f} s for an ideal {ideal:.1f} s (the slower channel alone):"
        f" {total / ideal:.3f} (target <= 1.05); WhatsApp rows read: {read}/{n};"
        f" status webhooks posted {graph.statuses_posted}, failed {graph.statuses_failed}"
    )


def run_whatsapp(n: int, rate: float, profile: Path | None = None) -> float:
    """Broadcast to n people on WhatsApp alone at `rate`; print and return achieved/rate."""
    with FakeTelegram() as fake, FakeGraph() as graph, tempfile.TemporaryDirectory() as folder:
        graph.throughput = rate * 1.05
        seed(Path(folder) / "bot.sqlite3", 0, n)
        env = {"WHATSAPP_RATE_PER_SECOND": f"{rate:g}"}
        bot = start_bot(fake, graph, Path(folder), env, telegram=False, profile=profile)
        try:
            assert bot.process is not None
            before = cpu_seconds(bot.process.pid)
            bot.cli("broadcast", "--text", TEXT, "--audience", "all")
            wait_until_done(bot, graph, n, timeout=n / rate * 5 + 120)
            cpu = cpu_seconds(bot.process.pid) - before
        finally:
            bot.stop(timeout=60)
        side = whatsapp_side(graph)
    ratio = side.rate() / rate
    duplicated = sum(count - 1 for count in side.per_recipient.values())
    print(
        f"[whatsapp {rate:g}/s] {n} recipients, statuses flowing: {side.rate():.1f} msg/s ="
        f" {ratio:.3f} of configured; {side.rejected} refused by the throughput limit;"
        f" lost {n - len(side.per_recipient)}, duplicated {duplicated};"
        f" status webhooks {graph.statuses_posted} posted, {graph.statuses_failed} failed;"
        f" the bot's CPU {cpu * 1000 / n:.2f} ms per message (sending and its 3 statuses)"
    )
    return ratio


def ceiling(rates: list[float], seconds: float) -> None:
    """Raise WhatsApp's rate until it is no longer held; profile the first rate that fails."""
    held = 0.0
    for rate in rates:
        n = int(rate * seconds)
        if run_whatsapp(n, rate) >= 0.95:
            held = rate
            continue
        with tempfile.TemporaryDirectory() as folder:
            profile = Path(folder) / "bot.prof"
            run_whatsapp(n, rate, profile)
            print(f"  where the bot's event loop spends its time at {rate:g}/s (cProfile):")
            stats = pstats.Stats(str(profile))
            stats.sort_stats("tottime").print_stats(15)
        break
    print(f"[whatsapp ceiling] highest rate held at >= 0.95: {held:g} msg/s")
