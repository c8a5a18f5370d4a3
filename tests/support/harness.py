"""End-to-end harness: the real `python -m bot run` process and a person chatting with it."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import asyncpg

from storage.db import to_postgres
from tests.support.fake_telegram import ApiCall, FakeTelegram, callback_data, reply_markup_buttons

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "123456:TEST-token_e2e"


class BotProcess:
    """Start, stop and kill the bot process; run CLI commands on the same database."""

    def __init__(self, fake: FakeTelegram, workdir: Path, extra_env: dict[str, str]) -> None:
        self.fake = fake
        self.workdir = workdir
        self.database = workdir / "bot.sqlite3"
        self.log = workdir / "bot.log"
        self.env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": fake.base_url,
            "DATABASE_PATH": str(self.database),
            "LOG_LEVEL": "DEBUG",
            "PTB_TIMEDELTA": "1",
            **extra_env,
        }
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start the bot and wait until it polls."""
        since = time.monotonic()
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot", "run"],
                cwd=self.workdir,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            self.fake.wait_until_polling(timeout=20, after=since)
        except TimeoutError:
            self.stop()
            raise AssertionError("bot did not start:\n" + self.log_text()) from None

    def stop(self, timeout: float = 15) -> int | None:
        """Stop the bot with SIGTERM and return its exit status."""
        if self.process is None:
            return None
        process, self.process = self.process, None
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                return process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
                raise AssertionError("bot did not stop on SIGTERM") from None
        return process.returncode

    def kill(self) -> None:
        """Kill the bot with SIGKILL, as a power cut would."""
        assert self.process is not None
        self.process.kill()
        self.process.wait()
        self.process = None

    def cli(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """Run `python -m bot ARGS` on the same database."""
        result = subprocess.run(
            [sys.executable, "-m", "bot", *args],
            cwd=self.workdir,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"cli {args} failed: {result.stdout}{result.stderr}")
        return result

    def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """Read the bot's database directly (PostgreSQL when DATABASE_URL is set)."""
        url = self.env.get("DATABASE_URL")
        if url:
            return asyncio.run(_postgres_query(url, sql, params))
        connection = sqlite3.connect(self.database, timeout=10)
        try:
            return connection.execute(sql, params).fetchall()
        finally:
            connection.close()

    def log_text(self) -> str:
        """Return what the bot process logged."""
        return self.log.read_text("utf-8", errors="replace") if self.log.exists() else ""


async def _postgres_query(url: str, sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
    connection = await asyncpg.connect(url)
    try:
        return [tuple(row) for row in await connection.fetch(to_postgres(sql), *params)]
    finally:
        await connection.close()


class Person:
    """A person chatting with the bot through the fake Telegram."""

    def __init__(self, fake: FakeTelegram, user_id: int) -> None:
        self.fake = fake
        self.user_id = user_id
        self.last: list[ApiCall] = []

    def _await_replies(self, mark: int) -> list[ApiCall]:
        self.fake.next_reply(self.user_id, mark, timeout=15)
        self.fake.wait_idle(self.user_id, quiet=0.25, timeout=15)
        self.last = [
            call
            for call in self.fake.calls()[mark:]
            if call.method in ("sendMessage", "sendDocument", "sendPhoto")
            and call.params.get("chat_id") == self.user_id
        ]
        return self.last

    def says(self, text: str) -> str:
        """Type a message and return the text of every reply."""
        mark = self.fake.mark()
        self.fake.push_text(self.user_id, text)
        return self.read(self._await_replies(mark))

    def presses(self, label: str) -> str:
        """Press an inline button (by label) of the latest replies."""
        payload = self.payload_of(label)
        return self.sends_payload(payload)

    def sends_payload(self, payload: str) -> str:
        """Press a button with this callback data (possibly stale or forged)."""
        mark = self.fake.mark()
        self.fake.push_callback(self.user_id, payload)
        return self.read(self._await_replies(mark))

    def shares_contact(self, phone: str, *, owner: int | None = None) -> str:
        """Share a contact card, one's own unless owner says otherwise."""
        mark = self.fake.mark()
        self.fake.push_contact(
            self.user_id, phone, contact_user_id=self.user_id if owner is None else owner
        )
        return self.read(self._await_replies(mark))

    def sends_sticker(self) -> str:
        """Send a sticker."""
        mark = self.fake.mark()
        self.fake.push_sticker(self.user_id)
        return self.read(self._await_replies(mark))

    def payload_of(self, label: str) -> str:
        """Return the callback data of the button with this label in the latest replies."""
        for call in reversed(self.last):
            try:
                return callback_data(call, label)
            except KeyError:
                continue
        raise AssertionError(f"no button {label!r} in {self.buttons()}")

    def buttons(self) -> list[str]:
        """Return every button label of the latest replies."""
        return [label for call in self.last for row in reply_markup_buttons(call) for label in row]

    @staticmethod
    def read(calls: list[ApiCall]) -> str:
        """Join the texts of the replies."""
        return "\n".join(call.text or "" for call in calls)
