"""Broadcast throughput and exactly-once delivery through the real bot process.

N participants in a fresh database; `python -m bot broadcast --audience all` queues the
announcement; the running bot sends it against a fake Bot API that allows 30 messages/s
globally and 1/s per chat, and answers a few random sends with 429 (retry after 1 s).
Then the same again with a SIGKILL in the middle and a restart.

    .venv/bin/python bench/broadcast.py [--n 10000] [--rate 28] [--storms 5]

With --mixed, one broadcast to N people on Telegram and N on WhatsApp at once, each channel
at its own rate, WhatsApp's status webhooks flowing back; with --ceiling, WhatsApp alone at
rising rates until one is no longer held (see bench/mixed.py):

    .venv/bin/python bench/broadcast.py --mixed [--n 5000] [--rate 28] [--whatsapp-rate 80]
    .venv/bin/python bench/broadcast.py --ceiling [--rates 80 250 500 1000] [--seconds 10]
"""

from __future__ import annotations

import argparse
import random
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

from common import BotProcess, FakeTelegram
from mixed import ceiling, run_mixed
from seed import seed

FIRST_CHAT = 1_000_000


def inject_storms(fake: FakeTelegram, storms: int, every: float, stop: threading.Event) -> None:
    """Answer one send with 429 retry-after-1 at random moments."""
    for _ in range(storms):
        if stop.wait(random.uniform(0.5, 1.5) * every):  # noqa: S311 - not for security
            return
        fake.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)


def sent_rows(bot: BotProcess) -> int:
    return int(bot.query("SELECT COUNT(*) FROM outbox WHERE status = 'sent'")[0][0])


def wait_all_sent(bot: BotProcess, n: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while sent_rows(bot) < n:
        if time.monotonic() > deadline:
            raise TimeoutError(bot.query("SELECT status, COUNT(*) FROM outbox GROUP BY status"))
        time.sleep(0.5)


def run(n: int, rate: float, storms: int, kill: bool) -> None:
    """Run one broadcast and print its figures."""
    with FakeTelegram() as fake, tempfile.TemporaryDirectory() as folder:
        fake.global_rate, fake.per_chat_rate = 30.0, 1.0
        bot = BotProcess(
            fake, Path(folder), {"TELEGRAM_RATE_PER_SECOND": str(rate), "LOG_LEVEL": "WARNING"}
        )
        seed(bot.database, participants=n, sessions=1, first_chat_id=FIRST_CHAT)
        bot.start()
        stop = threading.Event()
        storm = threading.Thread(
            target=inject_storms, args=(fake, storms, n / rate / (storms + 1), stop)
        )
        storm.start()
        in_flight = 0
        try:
            bot.cli("broadcast", "--text", "Pengumuman bimtek: jadwal diperbarui.", "--audience",
                    "all")  # fmt: skip
            if kill:
                fake.wait_for_calls("sendMessage", None, count=n // 2, timeout=n)
                bot.kill()
                in_flight = int(
                    bot.query("SELECT COUNT(*) FROM outbox WHERE status = 'sending'")[0][0]
                )
                bot.start()
            wait_all_sent(bot, n, timeout=n)
        finally:
            stop.set()
            storm.join()
            bot.stop()
        report(fake, n, rate, in_flight if kill else None)


def report(fake: FakeTelegram, n: int, rate: float, in_flight: int | None) -> None:
    """Print rate, loss and duplicates from what the fake received."""
    calls = [call for call in fake.calls("sendMessage") if call.chat_id >= FIRST_CHAT]
    per_chat = Counter(call.chat_id for call in calls)
    rejected = [c for c in fake.rejected_calls("sendMessage") if c.chat_id >= FIRST_CHAT]
    elapsed = calls[-1].at - calls[0].at
    # A 429 obliges the bot to wait retry_after (1 s here): that time is not the bot's to use.
    mandated = float(len([c for c in rejected if c.at <= calls[-1].at]))
    raw = (len(calls) - 1) / elapsed
    adjusted = (len(calls) - 1) / max(elapsed - mandated, 1e-9)
    lost = n - len(per_chat)
    duplicated = sum(count - 1 for count in per_chat.values())
    label = "with SIGKILL + restart" if in_flight is not None else "without kills"
    target = " (target >= 0.95)" if in_flight is None else " (includes the restart's downtime)"
    print(f"[{label}] {n} recipients, configured {rate:g} msg/s, {len(rejected)} answered 429")
    print(f"  achieved {raw:.2f} msg/s = {raw / rate:.3f} of configured; "
          f"excluding the {mandated:.0f} s of mandated 429 waits {adjusted:.2f} msg/s = "
          f"{adjusted / rate:.3f}{target}")  # fmt: skip
    print(f"  lost {lost} (target 0), duplicated {duplicated}", end="")
    if in_flight is None:
        print(" (target 0)")
    else:
        print(f" (target <= {in_flight} rows in flight at the kill)")


def main() -> None:
    """Run the broadcast without and with a kill."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=28.0)
    parser.add_argument("--storms", type=int, default=5)
    parser.add_argument("--mixed", action="store_true", help="Telegram and WhatsApp at once")
    parser.add_argument("--whatsapp-rate", type=float, default=80.0)
    parser.add_argument("--ceiling", action="store_true", help="WhatsApp alone, rising rates")
    parser.add_argument("--rates", type=float, nargs="+", default=[80, 250, 500, 1000])
    parser.add_argument("--seconds", type=float, default=10.0, help="of sending per rate")
    args = parser.parse_args()
    if args.mixed:
        run_mixed(args.n, args.rate, args.whatsapp_rate, args.storms)
    if args.ceiling:
        ceiling(args.rates, args.seconds)
    if args.mixed or args.ceiling:
        return
    run(args.n, args.rate, args.storms, kill=False)
    run(args.n, args.rate, args.storms, kill=True)


if __name__ == "__main__":
    main()
