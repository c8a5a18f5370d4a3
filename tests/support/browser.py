"""Browser-test helpers: a console page that records console errors and saves screenshots."""

from __future__ import annotations

import re
import socket
import time
import urllib.request
from pathlib import Path
from typing import Any

DESK = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
LINK = re.compile(r"https?://\S+/console/login/[A-Za-z0-9_-]+")


def free_port() -> int:
    """Return a TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_web(base: str, timeout: float = 20) -> None:
    """Wait until the bot's web server answers /healthz."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as answer:  # noqa: S310
                if answer.status == 200:
                    return
        except OSError:
            pass
        assert time.monotonic() < deadline, "the web server did not start"
        time.sleep(0.1)


def link_in(text: str) -> str:
    """Return the sign-in link in a message."""
    found = LINK.search(text)
    assert found is not None, text
    return found.group(0)


class Desk:
    """One browser context (one officer's browser) with a page that checks itself."""

    def __init__(self, chromium: Any, shots: Path, viewport: dict[str, int] = DESK) -> None:
        self.context = chromium.new_context(viewport=viewport, accept_downloads=True)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.shots = shots
        shots.mkdir(parents=True, exist_ok=True)
        self.page.on(
            "console",
            lambda message: self.errors.append(message.text) if message.type == "error" else None,
        )
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def visit(self, url: str, shot: str | None = None) -> Any:
        """Open a page, check it loaded without console errors, save a screenshot."""
        answer = self.page.goto(url)
        self.check(shot)
        return answer

    def check(self, shot: str | None, *, refused: bool = False) -> None:
        """Assert no console error so far; save a screenshot under the test's folder.

        A page that refuses on purpose answers 403, which Chromium reports as an error.
        """
        self.page.wait_for_load_state("load")
        if shot is not None:
            self.page.screenshot(path=str(self.shots / f"{shot}.png"), full_page=True)
        if refused:
            self.errors = [error for error in self.errors if "status of 403" not in error]
        assert self.errors == [], (self.page.url, self.errors)

    def close(self) -> None:
        """Close the browser context."""
        self.context.close()
