"""Updates/s of 1, 2 and 3 webhook-mode bot processes on PostgreSQL against 1 on SQLite.

Every person registers (ten updates, each sent when the previous one was answered); each
update goes to the next process in turn, as a load balancer would send it. PostgreSQL comes
from --database URL (a role that may create databases) or from a throwaway cluster started
like the tests do (Debian's postgresql package).

    .venv/bin/python bench/processes.py [--people 300] [--database postgresql://...]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
from common import FakeTelegram, Stopwatch
from updates import Crowd

from tests.support.postgres import Server, start_server  # noqa: E402 - common sets the path
from tests.support.whatsapp_harness import WebhookBot, free_port  # noqa: E402 - likewise

SECRET = "bench-secret"  # noqa: S105 - the fake server's, not a credential
_ids = itertools.count(1)


def update(user_id: int, kind: str, value: str) -> dict[str, Any]:
    """Build the Telegram update a person's step sends."""
    chat = {"id": user_id, "type": "private", "first_name": "P"}
    person = {"id": user_id, "is_bot": False, "first_name": "P"}
    base = {"message_id": next(_ids), "date": int(time.time()), "chat": chat, "from": person}
    if kind == "button":
        query = {"id": str(next(_ids)), "from": person, "chat_instance": "1", "data": value}
        return {"update_id": next(_ids), "callback_query": {**query, "message": base}}
    if kind == "contact":
        card = {"phone_number": value, "first_name": "P", "user_id": user_id}
        return {"update_id": next(_ids), "message": {**base, "contact": card}}
    message: dict[str, Any] = {**base, "text": value}
    if value.startswith("/"):
        message["entities"] = [{"offset": 0, "length": len(value), "type": "bot_command"}]
    return {"update_id": next(_ids), "message": message}


class WebhookCrowd(Crowd):
    """The registration crowd, its updates POSTed to the processes in turn."""

    def __init__(self, fake: FakeTelegram, people: int, urls: list[str]) -> None:
        super().__init__(fake, people)
        self.urls = urls
        self.turn = itertools.count()
        self.pool = ThreadPoolExecutor(max_workers=16)
        self.local = threading.local()

    def _push_next(self, user_id: int) -> None:
        with self.lock:
            kind, value = self._take_next(user_id)
            url = self.urls[next(self.turn) % len(self.urls)]
        body = json.dumps(update(user_id, kind, value)).encode()
        self.pool.submit(self._post, url, body)

    def _post(self, url: str, body: bytes) -> None:
        client = getattr(self.local, "client", None)
        if client is None:
            client = self.local.client = httpx.Client(timeout=60)
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        response = client.post(url + "/telegram", content=body, headers=headers)
        response.raise_for_status()


def start_bots(fake: FakeTelegram, folder: Path, count: int, env: dict[str, str]) -> list[Any]:
    """Start `count` webhook-mode processes and wait until each answers /healthz."""
    bots = []
    for number in range(count):
        port = free_port()
        workdir = folder / f"bot{number}"
        workdir.mkdir()
        bot = WebhookBot(
            fake,
            workdir,
            port,
            {
                **env,
                "TELEGRAM_WEBHOOK_URL": "https://bench.example.org/telegram",
                "TELEGRAM_WEBHOOK_SECRET": SECRET,
                "WEBHOOK_PORT": str(port),
                "LOG_LEVEL": "WARNING",
            },
        )
        bots.append(bot)
    for bot in bots:
        bot.start()
    return bots


def measure(people: int, processes: int, env: dict[str, str]) -> float:
    """Return updates/s of `processes` processes on the database `env` names."""
    with FakeTelegram() as fake, tempfile.TemporaryDirectory() as folder:
        first = WebhookBot(fake, Path(folder), 0, {**env})
        if "DATABASE_URL" not in env:  # every process on the one SQLite file
            env = {**env, "DATABASE_PATH": str(first.database)}
        first.cli(
            "sessions", "add", "--code", "BENCH", "--title", "Bimtek", "--venue", "Aula",
            "--starts-at", "2099-01-01 09:00", "--ends-at", "2099-01-01 16:00",
            "--capacity", str(people + 10),
        )  # fmt: skip
        bots = start_bots(fake, Path(folder), processes, env)
        try:
            crowd = WebhookCrowd(fake, people, [bot.url for bot in bots])
            elapsed = crowd.run(timeout=1800)
            crowd.pool.shutdown()
        finally:
            for bot in bots:
                bot.stop()
        registered = first.query("SELECT COUNT(*) FROM participant")[0][0]
        if registered != people:
            raise AssertionError(f"only {registered} of {people} registered")
    return crowd.updates / elapsed


def main() -> None:
    """Print updates/s per engine and number of processes."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=300)
    parser.add_argument("--database", help="postgresql://... server (default: a throwaway one)")
    args = parser.parse_args()
    server = Server(args.database) if args.database else start_server()
    try:
        watch = Stopwatch()
        base = measure(args.people, 1, {})
        print(f"SQLite, 1 process: {base:.1f} updates/s ({watch.stop():.0f} s)", flush=True)
        for processes in (1, 2, 3):
            url = asyncio.run(server.create_database(migrated=False))
            try:
                rate = measure(args.people, processes, {"DATABASE_URL": url})
            finally:
                asyncio.run(server.drop_database(url))
            print(
                f"PostgreSQL, {processes} process(es): {rate:.1f} updates/s"
                f" (÷ SQLite 1 process: {rate / base:.2f})",
                flush=True,
            )
    finally:
        if server.cluster is not None:
            server.cluster.stop()


if __name__ == "__main__":
    main()
