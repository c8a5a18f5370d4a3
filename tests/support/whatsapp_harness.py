"""End-to-end harness for webhooks: the bot process with its webhook server, signed WhatsApp
deliveries, and a person chatting over WhatsApp through the fake Graph API."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from tests.support.fake_graph import PHONE_NUMBER_ID, TOKEN, FakeGraph, GraphMessage
from tests.support.fake_telegram import FakeTelegram
from tests.support.harness import BotProcess
from tests.support.walks import NIK

APP_SECRET = "test-app-secret"
VERIFY_TOKEN = "test-verify-token"
_message_ids = itertools.count(1)


def free_port() -> int:
    """Return a TCP port free on 127.0.0.1 right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def whatsapp_env(graph: FakeGraph, port: int, *, telegram: bool = False) -> dict[str, str]:
    """Return the settings of a bot serving WhatsApp (and Telegram, if asked) on `port`."""
    env = {
        "WHATSAPP_TOKEN": TOKEN,
        "WHATSAPP_PHONE_NUMBER_ID": PHONE_NUMBER_ID,
        "WHATSAPP_APP_SECRET": APP_SECRET,
        "WHATSAPP_VERIFY_TOKEN": VERIFY_TOKEN,
        "WHATSAPP_API_BASE_URL": graph.base_url,
        "WEBHOOK_PORT": str(port),
    }
    if not telegram:
        env["TELEGRAM_BOT_TOKEN"] = ""
    return env


class WebhookBot(BotProcess):
    """The real bot process with its webhook server; ready when /healthz answers."""

    def __init__(
        self, fake: FakeTelegram, workdir: Path, port: int, extra_env: dict[str, str]
    ) -> None:
        super().__init__(fake, workdir, extra_env)
        self.port = port
        self.url = f"http://127.0.0.1:{port}"

    def command(self) -> list[str]:
        """Return the command that runs the bot (benchmarks wrap it in a profiler)."""
        return [sys.executable, "-m", "bot", "run"]

    def start(self) -> None:
        """Start the bot and wait until the webhook server answers."""
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                self.command(),
                cwd=self.workdir,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError("bot exited at start:\n" + self.log_text())
            try:
                if httpx.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
        self.stop()
        raise AssertionError("webhook server did not come up:\n" + self.log_text())

    def post_whatsapp(
        self,
        body: bytes,
        *,
        signature: str | None = "valid",
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        """POST a raw body to /whatsapp, signed unless told otherwise."""
        sent = dict(headers or {})
        if signature == "valid":
            sent["X-Hub-Signature-256"] = sign(body)
        elif signature is not None:
            sent["X-Hub-Signature-256"] = signature
        sent.setdefault("Content-Type", "application/json")
        return httpx.post(self.url + "/whatsapp", content=body, headers=sent, timeout=10)

    def deliver(self, payload: dict[str, Any]) -> httpx.Response:
        """POST a signed webhook delivery; assert it was accepted."""
        response = self.post_whatsapp(json.dumps(payload).encode())
        assert response.status_code == 200, response.text
        return response


def sign(body: bytes, secret: str = APP_SECRET) -> str:
    """Return the X-Hub-Signature-256 header value Meta would send."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def delivery(
    *,
    messages: list[dict[str, Any]] | None = None,
    statuses: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Return a webhook body as the Cloud API posts it."""
    value: dict[str, Any] = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "628000000000", "phone_number_id": PHONE_NUMBER_ID},
    }
    if messages:
        value["messages"] = list(messages)
        value["contacts"] = [
            {"profile": {"name": "Tester"}, "wa_id": m["from"]} for m in messages[:1]
        ]
    if statuses:
        value["statuses"] = list(statuses)
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": "WABA", "changes": [{"field": "messages", "value": value}]}],
    }


def message(
    wa_id: str, kind: str, content: dict[str, Any], message_id: str | None = None
) -> dict[str, Any]:
    """Return one inbound message of the given type."""
    return {
        "from": wa_id,
        "id": message_id or f"wamid.in.{next(_message_ids)}",
        "timestamp": str(int(time.time())),
        "type": kind,
        kind: content,
    }


def status(wamid: str, state: str, wa_id: str, code: int | None = None) -> dict[str, Any]:
    """Return one status report about a message the bot sent."""
    report: dict[str, Any] = {
        "id": wamid,
        "status": state,
        "timestamp": str(int(time.time())),
        "recipient_id": wa_id,
    }
    if code is not None:
        report["errors"] = [{"code": code, "title": "Re-engagement message"}]
    return report


class WhatsAppPerson:
    """A person chatting with the bot over WhatsApp: signed webhooks in, fake Graph out."""

    def __init__(self, bot: WebhookBot, graph: FakeGraph, wa_id: str) -> None:
        self.bot = bot
        self.graph = graph
        self.wa_id = wa_id
        self.last: list[GraphMessage] = []

    def _send(self, kind: str, content: dict[str, Any]) -> str:
        mark = self.graph.mark()
        self.bot.deliver(delivery(messages=[message(self.wa_id, kind, content)]))
        self.last = self.graph.replies_after(self.wa_id, mark)
        return "\n".join(m.text for m in self.last)

    def says(self, text: str) -> str:
        """Type a message and return the text of every reply."""
        return self._send("text", {"body": text})

    def presses(self, title: str) -> str:
        """Tap a reply button or list row (by its title) of the latest replies."""
        choice_id, is_list = self.choice(title)
        if is_list:
            return self._send(
                "interactive",
                {"type": "list_reply", "list_reply": {"id": choice_id, "title": title}},
            )
        return self._send(
            "interactive",
            {"type": "button_reply", "button_reply": {"id": choice_id, "title": title}},
        )

    def taps_template_button(self, template: GraphMessage, index: int) -> str:
        """Tap a quick-reply button of a template message."""
        payload = template.template_payloads()[index]
        return self._send("button", {"payload": payload, "text": f"button {index}"})

    def sends_photo(self, media_id: str, content: bytes, caption: str = "") -> str:
        """Send a photo (the fake Graph serves its bytes)."""
        self.graph.add_media(media_id, content)
        image: dict[str, Any] = {"id": media_id, "mime_type": "image/jpeg", "sha256": "x"}
        if caption:
            image["caption"] = caption
        return self._send("image", image)

    def choice(self, title: str) -> tuple[str, bool]:
        """Return the id of the choice with this title in the latest replies, and if a list."""
        for sent in reversed(self.last):
            choices = sent.choices()
            if title in choices:
                return choices[title], sent.body["interactive"]["type"] == "list"
        raise AssertionError(f"no choice {title!r} in {self.titles()}")

    def titles(self) -> list[str]:
        """Return the titles of every choice in the latest replies."""
        return [title for sent in self.last for title in sent.choices()]


def start_bot(fake: FakeTelegram, graph: FakeGraph, tmp_path: Path, **env: str) -> WebhookBot:
    """Start the bot serving WhatsApp (plus the given settings) on a free port."""
    port = free_port()
    bot = WebhookBot(fake, tmp_path, port, {**whatsapp_env(graph, port), **env})
    bot.start()
    return bot


def add_session(bot: WebhookBot, code: str = "BTK-01", title: str = "Bimtek Batik") -> None:
    """Add a session far in the future with the CLI."""
    bot.cli(
        "sessions", "add", "--code", code, "--title", title, "--venue", "Aula",
        "--starts-at", "2030-12-01 09:00", "--ends-at", "2030-12-01 16:00", "--capacity", "30",
    )  # fmt: skip


def register(person: WhatsAppPerson, nik: str = NIK, name: str = "Siti Aminah") -> None:
    """Register over WhatsApp, the shortest way: typed kecamatan, first session."""
    person.says("/daftar")
    person.presses("Setuju")
    person.says(name)
    person.says(nik)
    person.presses("Pakai nomor ini")
    person.says("Roti Enak")
    person.presses("Makanan & Minuman")
    person.says("Setu")
    person.presses(person.titles()[0])
    assert "Pendaftaran berhasil" in person.presses("Benar")
