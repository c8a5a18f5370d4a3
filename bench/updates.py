"""Updates per second: the bot's registration traffic against a bare PTB echo bot.

Both run as processes against the same fake Bot API (no rate limits). N people register at
once; each person's next update goes out as soon as the bot answered the previous one, so
each person's updates are in order while many people are in flight. Run once with no API
latency and once with 50 ms per call (a server far from Telegram).

    .venv/bin/python bench/updates.py [--people 500] [--latency 0 0.05] [--echo-people 50]
    .venv/bin/python bench/updates.py --people 300 --latency 0 --profile bot.prof
"""

from __future__ import annotations

import argparse
import os
import pstats
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from common import ROOT, BotProcess, FakeTelegram, Stopwatch, cpu_seconds

Step = tuple[str, str]


def registration_script(index: int) -> list[Step]:
    """Return one person's whole registration, as updates."""
    return [
        ("text", "/daftar"),
        ("button", "registration:consent:yes"),
        ("text", f"Peserta Nomor {chr(65 + index % 26)}"),
        ("text", f"3216015505{index:06d}"),
        ("contact", f"+62812{index:08d}"),
        ("text", f"Usaha {index}"),
        ("button", "registration:sector:0"),
        ("text", "Setu"),
        ("button", "registration:session:1"),
        ("button", "registration:summary:ok"),
    ]


class Crowd:
    """Answer every bot reply with that person's next update; time the whole crowd."""

    def __init__(self, fake: FakeTelegram, people: int) -> None:
        self.fake = fake
        self.scripts = {900_000 + i: registration_script(i) for i in range(people)}
        self.position = dict.fromkeys(self.scripts, 0)
        self.awaiting = dict.fromkeys(self.scripts, False)
        self.lock = threading.Lock()
        self.done = threading.Event()
        self.remaining = people
        self.updates = 0

    def run(self, timeout: float) -> float:
        """Start everyone, wait until all finished, return elapsed seconds."""
        self.fake.on_message = self._on_message
        watch = Stopwatch()
        for user_id in self.scripts:
            self._push_next(user_id)
        if not self.done.wait(timeout):
            raise TimeoutError(f"{self.remaining} people unfinished after {timeout} s")
        self.fake.on_message = None
        return watch.stop()

    def _on_message(self, call: object) -> None:
        chat_id = getattr(call, "chat_id", None)
        if not isinstance(chat_id, int) or chat_id not in self.scripts:
            return
        with self.lock:
            if not self.awaiting[chat_id]:
                return
            self.awaiting[chat_id] = False
            finished = self.position[chat_id] >= len(self.scripts[chat_id])
            if finished:
                self.remaining -= 1
                if self.remaining == 0:
                    self.done.set()
                return
        self._push_next(chat_id)

    def _take_next(self, user_id: int) -> Step:
        """Return the person's next update and count it (the caller holds the lock)."""
        step = self.scripts[user_id][self.position[user_id]]
        self.position[user_id] += 1
        self.awaiting[user_id] = True
        self.updates += 1
        return step

    def _push_next(self, user_id: int) -> None:
        with self.lock:
            kind, value = self._take_next(user_id)
        pushers: dict[str, Callable[[], int]] = {
            "text": lambda: self.fake.push_text(user_id, value),
            "button": lambda: self.fake.push_callback(user_id, value),
            "contact": lambda: self.fake.push_contact(user_id, value, contact_user_id=user_id),
        }
        pushers[kind]()


class Measured:
    """Updates per second and CPU milliseconds per update of one bot."""

    def __init__(self, updates: int, elapsed: float, cpu: float) -> None:
        self.per_second = updates / elapsed
        self.cpu_ms = cpu * 1000 / updates


def measure_echo(people: int, latency: float) -> Measured:
    """Return the updates/s of a bare PTB echo bot."""
    with FakeTelegram() as fake:
        fake.latency = latency
        env = {
            **os.environ,
            "TELEGRAM_API_BASE_URL": fake.base_url,
            "TELEGRAM_BOT_TOKEN": "123456:BENCH",
            "PYTHONPATH": str(ROOT),
        }
        process = subprocess.Popen(
            [sys.executable, str(ROOT / "bench" / "echo_bot.py")],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            fake.wait_until_polling(timeout=30)
            crowd = Crowd(fake, people)
            before = cpu_seconds(process.pid)
            elapsed = crowd.run(timeout=1800)
            cpu = cpu_seconds(process.pid) - before
        finally:
            process.kill()
            process.wait()
    return Measured(crowd.updates, elapsed, cpu)


class ProfiledBot(BotProcess):
    """The bot process under cProfile (its event loop thread), the profile written at stop."""

    def __init__(self, fake: FakeTelegram, workdir: Path, profile: Path) -> None:
        super().__init__(fake, workdir, {"LOG_LEVEL": "WARNING"})
        self.profile = profile

    def start(self) -> None:
        """Start `python -m cProfile -o PROFILE -m bot run` and wait until it polls."""
        since = time.monotonic()
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "cProfile", "-o", str(self.profile), "-m", "bot", "run"],
                cwd=self.workdir,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self.fake.wait_until_polling(timeout=60, after=since)


def measure_bot(people: int, latency: float, profile: Path | None = None) -> Measured:
    """Return the updates/s of our bot with registration traffic (database writes included)."""
    with FakeTelegram() as fake, tempfile.TemporaryDirectory() as folder:
        bot = (
            BotProcess(fake, Path(folder), {"LOG_LEVEL": "WARNING"})
            if profile is None
            else ProfiledBot(fake, Path(folder), profile)
        )
        bot.cli(
            "sessions", "add", "--code", "BENCH", "--title", "Bimtek", "--venue", "Aula",
            "--starts-at", "2099-01-01 09:00", "--ends-at", "2099-01-01 16:00",
            "--capacity", str(people + 10),
        )  # fmt: skip
        bot.start()
        fake.latency = latency
        try:
            crowd = Crowd(fake, people)
            assert bot.process is not None
            before = cpu_seconds(bot.process.pid)
            elapsed = crowd.run(timeout=1800)
            cpu = cpu_seconds(bot.process.pid) - before
        finally:
            bot.stop()
        registered = bot.query("SELECT COUNT(*) FROM participant")[0][0]
        if registered != people:
            raise AssertionError(f"only {registered} of {people} registered")
    return Measured(crowd.updates, elapsed, cpu)


def print_profile(path: Path) -> None:
    """Print the functions that took the most time, by their own time."""
    stats = pstats.Stats(str(path))
    stats.sort_stats("tottime").print_stats(25)


def main() -> None:
    """Print updates/s for both bots and their ratio, per latency."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=500)
    parser.add_argument("--latency", type=float, nargs="+", default=[0.0, 0.05])
    parser.add_argument(
        "--echo-people",
        type=int,
        help="crowd of the echo baseline when there is API latency (default: --people); the"
        " sequential echo bot's rate then does not depend on the crowd, and at 50 ms a full"
        " crowd takes minutes. At 0 ms the echo bot always gets the full crowd: more people"
        " waiting means more updates per getUpdates call, which makes it cheaper per update",
    )
    parser.add_argument(
        "--profile", type=Path, help="run our bot under cProfile, writing the stats here"
    )
    args = parser.parse_args()
    if args.profile is not None:
        ours = measure_bot(args.people, args.latency[0], args.profile.resolve())
        print(f"profiled: {ours.per_second:.1f} updates/s; stats in {args.profile}")
        print_profile(args.profile)
        return
    echo_people = args.echo_people or args.people
    print(
        f"people: {args.people} (echo baseline with latency: {echo_people}),"
        f" updates per person: {len(registration_script(0))}"
    )
    for latency in args.latency:
        echo = measure_echo(echo_people if latency > 0 else args.people, latency)
        ours = measure_bot(args.people, latency)
        target = ">= 1.0" if latency == 0 else ">= 20"
        print(
            f"latency {latency * 1000:.0f} ms: echo bot {echo.per_second:.1f} updates/s"
            f" ({echo.cpu_ms:.2f} ms CPU each), wub-ikm bot {ours.per_second:.1f} updates/s"
            f" ({ours.cpu_ms:.2f} ms CPU each), ratio {ours.per_second / echo.per_second:.2f}"
            f" (target {target})",
            flush=True,
        )


if __name__ == "__main__":
    main()
