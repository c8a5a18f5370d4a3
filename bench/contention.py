"""Replies while desk work runs: people register while a big import and an XLSX export run.

The real bot runs against the fake Bot API. First, waves of N people register with nothing
else running (the idle baseline, measured in the same run). Then `participants import` of a
big .xlsx and `export participants` to .xlsx start as their own CLI processes, and waves of N
people register until both have finished. Reported: the reply time per update (p50, p95) in
both phases and their ratio, apologies ("Maaf, terjadi gangguan"), people whose registration
was lost, and how long the import and the export took.

    .venv/bin/python bench/contention.py [--people 50] [--rows 50000] [--seeded 20000]
"""

from __future__ import annotations

import argparse
import heapq
import itertools
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from common import ROOT, BotProcess, FakeTelegram
from seed import KECAMATAN, SECTORS, nik_for, seed
from updates import registration_script

if str(ROOT / "tests") not in sys.path:
    sys.path.insert(0, str(ROOT / "tests"))

from sheet_support import write_xlsx  # noqa: E402 - needs the path above

from handlers import texts  # noqa: E402 - needs the path above

APOLOGIES = frozenset(catalogue["error"] for catalogue in texts.CATALOGUES.values())
FIRST_USER = 900_000
# The imported NIKs: another district than both the seeded ones and the people's.
IMPORTED_FROM = 2_000_000


@dataclass
class Replies:
    """Reply times of one phase, and the apologies among the replies."""

    seconds: list[float] = field(default_factory=list)
    apologies: int = 0

    def percentile(self, percent: int) -> float:
        """Return the given percentile of the reply times."""
        if len(self.seconds) < 2:
            return self.seconds[0] if self.seconds else 0.0
        return statistics.quantiles(self.seconds, n=100, method="inclusive")[percent - 1]


class Typist:
    """Run actions after a delay, on one thread: people reading a reply and typing the next."""

    def __init__(self) -> None:
        self._due: list[tuple[float, int, Callable[[], object]]] = []
        self._count = itertools.count()
        self._changed = threading.Condition()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def after(self, delay: float, action: Callable[[], object]) -> None:
        """Run the action `delay` seconds from now."""
        with self._changed:
            heapq.heappush(self._due, (time.monotonic() + delay, next(self._count), action))
            self._changed.notify()

    def _run(self) -> None:
        while True:
            with self._changed:
                while not self._due or self._due[0][0] > time.monotonic():
                    timeout = self._due[0][0] - time.monotonic() if self._due else None
                    self._changed.wait(timeout)
                _, _, action = heapq.heappop(self._due)
            action()


class Wave:
    """N people register at once; each next update goes out when the last one was answered.

    With `think` > 0 a person takes a random 0.5–1.5 × think seconds before each next update,
    as people read and type; with 0 the next update goes out at once (a closed loop that keeps
    the bot as busy as it can be).
    """

    def __init__(
        self,
        fake: FakeTelegram,
        first_index: int,
        people: int,
        replies: Replies,
        think: float = 0.0,
        typist: Typist | None = None,
    ) -> None:
        self.fake = fake
        self.replies = replies
        self.think = think
        self.typist = typist
        self.random = random.Random(first_index)
        indexes = range(first_index, first_index + people)
        self.scripts = {FIRST_USER + index: registration_script(index) for index in indexes}
        self.position = dict.fromkeys(self.scripts, 0)
        self.sent_at: dict[int, float | None] = dict.fromkeys(self.scripts)
        self.lock = threading.Lock()
        self.done = threading.Event()
        self.remaining = people
        self.counting = True  # updates sent from now on are counted in `replies`

    def run(self, timeout: float = 900) -> None:
        """Start everyone and wait until all finished."""
        self.fake.on_message = self._on_message
        for user_id in self.scripts:
            self._next_after_thinking(user_id)
        if not self.done.wait(timeout):
            raise TimeoutError(f"{self.remaining} people unfinished after {timeout} s")
        self.fake.on_message = None

    def _on_message(self, call: object) -> None:
        chat_id = getattr(call, "chat_id", None)
        if not isinstance(chat_id, int) or chat_id not in self.scripts:
            return
        now = time.monotonic()
        with self.lock:
            sent = self.sent_at[chat_id]
            if sent is None:
                return  # a second reply to the same update
            self.sent_at[chat_id] = None
            if self.counting:
                self.replies.seconds.append(now - sent)
                self.replies.apologies += getattr(call, "text", None) in APOLOGIES
            if self.position[chat_id] >= len(self.scripts[chat_id]):
                self.remaining -= 1
                if self.remaining == 0:
                    self.done.set()
                return
        self._next_after_thinking(chat_id)

    def _next_after_thinking(self, user_id: int) -> None:
        if self.think <= 0 or self.typist is None:
            self._push_next(user_id)
            return
        with self.lock:
            delay = self.think * self.random.uniform(0.5, 1.5)
        self.typist.after(delay, lambda: self._push_next(user_id))

    def _push_next(self, user_id: int) -> None:
        with self.lock:
            kind, value = self.scripts[user_id][self.position[user_id]]
            self.position[user_id] += 1
            self.sent_at[user_id] = time.monotonic()
        pushers: dict[str, Callable[[], int]] = {
            "text": lambda: self.fake.push_text(user_id, value),
            "button": lambda: self.fake.push_callback(user_id, value),
            "contact": lambda: self.fake.push_contact(user_id, value, contact_user_id=user_id),
        }
        pushers[kind]()


class DeskJob:
    """One CLI command run as its own process, timed (wall clock and CPU)."""

    def __init__(self, bot: BotProcess, *args: str) -> None:
        self.args = args
        self.started = time.monotonic()
        self._output = tempfile.TemporaryFile("w+")  # noqa: SIM115 - closed by the waiter
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot", *args],
            cwd=bot.workdir,
            env=bot.env,
            stdout=self._output,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.output = ""
        self.seconds = self.cpu_seconds = 0.0
        self._waiter = threading.Thread(target=self._wait, daemon=True)
        self._waiter.start()

    def _wait(self) -> None:
        # wait4 reaps this process alone and gives its own CPU time.
        _, status, usage = os.wait4(self.process.pid, 0)
        self.seconds = time.monotonic() - self.started
        self.process.returncode = os.waitstatus_to_exitcode(status)
        self.cpu_seconds = usage.ru_utime + usage.ru_stime
        self._output.seek(0)
        self.output = self._output.read()
        self._output.close()

    @property
    def running(self) -> bool:
        """Tell whether the command is still running."""
        return self._waiter.is_alive()

    def finish(self) -> None:
        """Wait for the command; fail if it did not succeed."""
        self._waiter.join(timeout=900)
        if self.process.returncode != 0:
            raise AssertionError(f"{' '.join(self.args)} failed: {self.output}")


@dataclass
class Contention:
    """What one run measured."""

    idle: Replies
    busy: Replies
    import_seconds: float
    import_cpu_seconds: float
    export_seconds: float
    import_output: str
    people: int
    registered: int
    imported: int
    exported_rows: int
    locked_in_log: int


def import_sheet(path: Path, rows: int) -> Path:
    """Write a participants sheet of `rows` valid, new people."""
    header: list[str | int | float | None] = [
        "nik", "full_name", "phone", "business_name", "sector", "kecamatan",
    ]  # fmt: skip
    body = (
        [nik_for(IMPORTED_FROM + i), f"Peserta Impor {chr(65 + i % 26)}", f"0813{i:08d}",
         f"Usaha Impor {i}", SECTORS[i % 4], KECAMATAN[i % 5]]
        for i in range(rows)
    )  # fmt: skip
    return write_xlsx(path, [header, *body])


def measure(
    folder: Path,
    *,
    people: int,
    rows: int,
    seeded: int,
    idle_waves: int = 2,
    think: float = 0.0,
) -> Contention:
    """Run the idle phase, then the busy phase, and check nothing was lost."""
    seed(folder / "bot.sqlite3", participants=seeded, sessions=0)
    sheet = import_sheet(folder / "peserta.xlsx", rows)
    with FakeTelegram() as fake:
        bot = BotProcess(fake, folder, {"LOG_LEVEL": "WARNING"})
        bot.cli(
            "sessions", "add", "--code", "BENCH", "--title", "Bimtek", "--venue", "Aula",
            "--starts-at", "2099-01-01 09:00", "--ends-at", "2099-01-01 16:00",
            "--capacity", "10000",
        )  # fmt: skip
        bot.start()
        try:
            idle, busy = Replies(), Replies()
            typist = Typist()
            waves = 0
            for _ in range(idle_waves):
                Wave(fake, waves * people, people, idle, think, typist).run()
                waves += 1
            importing = DeskJob(bot, "participants", "import", str(sheet))
            exporting = DeskJob(
                bot, "export", "participants", "--out", str(folder / "export.xlsx")
            )
            while importing.running or exporting.running or waves == idle_waves:
                wave = Wave(fake, waves * people, people, busy, think, typist)
                watcher = threading.Thread(
                    target=_stop_counting_when_done, args=(wave, importing, exporting)
                )
                watcher.start()
                wave.run()
                watcher.join()
                waves += 1
            importing.finish()
            exporting.finish()
        finally:
            bot.stop()
    return Contention(
        idle=idle,
        busy=busy,
        import_seconds=importing.seconds,
        import_cpu_seconds=importing.cpu_seconds,
        export_seconds=exporting.seconds,
        import_output=importing.output.strip(),
        people=waves * people,
        registered=_count(bot, "SELECT COUNT(*) FROM enrollment"),
        imported=_count(bot, "SELECT COUNT(*) FROM participant WHERE nik LIKE '321602%'"),
        exported_rows=_exported_rows(folder / "export.xlsx"),
        locked_in_log=bot.log_text().count("database is locked"),
    )


def _stop_counting_when_done(wave: Wave, *jobs: DeskJob) -> None:
    """Count only updates sent while desk work still runs."""
    while any(job.running for job in jobs) and not wave.done.is_set():
        time.sleep(0.01)
    with wave.lock:
        wave.counting = any(job.running for job in jobs)


def _count(bot: BotProcess, sql: str) -> int:
    return int(bot.query(sql)[0][0])


def _exported_rows(path: Path) -> int:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True)
    try:
        sheet = workbook.active
        return sum(1 for _ in sheet.iter_rows(values_only=True)) - 1 if sheet else 0
    finally:
        workbook.close()


def main() -> None:
    """Print the reply times in both phases, apologies, losses and the desk jobs' times."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=50)
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--seeded", type=int, default=20_000)
    parser.add_argument(
        "--think",
        type=float,
        default=1.0,
        help="mean seconds a person takes before the next update (0: at once, a closed loop)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        result = measure(
            Path(folder),
            people=args.people,
            rows=args.rows,
            seeded=args.seeded,
            think=args.think,
        )
    ratio = result.busy.percentile(95) / max(result.idle.percentile(95), 1e-9)
    print(
        f"{args.people} people per wave, {args.think} s to think between updates;"
        f" import of {args.rows} rows; {args.seeded} participants already stored"
    )
    for name, replies in (("idle", result.idle), ("busy", result.busy)):
        print(
            f"{name}: {len(replies.seconds)} replies, p50 {replies.percentile(50):.3f} s,"
            f" p95 {replies.percentile(95):.3f} s, max {max(replies.seconds):.3f} s,"
            f" apologies {replies.apologies}"
        )
    print(f"p95 busy / idle: {ratio:.2f} (goal <= 2)")
    print(
        f"import: {result.import_seconds:.1f} s (goal <= 10 s),"
        f" {result.import_cpu_seconds:.1f} s of CPU — {result.import_output}"
    )
    print(f"export: {result.export_seconds:.1f} s, {result.exported_rows} rows")
    print(
        f"registered {result.registered} of {result.people};"
        f" imported {result.imported} of {args.rows};"
        f" 'database is locked' in the bot's log: {result.locked_in_log}"
    )


if __name__ == "__main__":
    main()
