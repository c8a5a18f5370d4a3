"""The console demo, driven through stdin as a newcomer would type."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_demo(lines: list[str], tmp_path: Path) -> str:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("TELEGRAM_BOT_TOKEN", None)
    result = subprocess.run(
        [sys.executable, "-m", "bot", "demo"],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result.stdout


def test_demo_registers_a_person_through_numbered_buttons(tmp_path: Path) -> None:
    out = run_demo(
        [
            "1",  # 📝 Daftar from the menu
            "1",  # Setuju
            "Budi Santoso",
            "3216011505900002",
            "1",  # 📱 Bagikan nomor
            "Batik Budi",
            "2",  # Batik & Tekstil
            "cikarang utr",
            "1",  # Ya, benar
            "3",  # the full session
            "1",  # Masuk daftar tunggu
            "1",  # Benar
            "/jadwal",
        ],
        tmp_path,
    )
    assert "[1] Setuju" in out
    assert "Maksud Anda Kecamatan Cikarang Utara?" in out
    assert "penuh, daftar tunggu" in out
    assert "Pendaftaran berhasil! Terima kasih, Budi Santoso." in out
    assert "Anda masuk daftar tunggu sesi «Bimtek Kemasan Produk»" in out
    assert "Status: daftar tunggu" in out
    assert out.rstrip().endswith("Sampai jumpa!")
    assert list(tmp_path.iterdir()) == []  # the demo database was temporary


def test_demo_survives_nonsense(tmp_path: Path) -> None:
    out = run_demo(["", "🙂" * 2000, "'; DROP TABLE participant; --", "/tidakada", "99"], tmp_path)
    assert "Perintah /tidakada tidak dikenal" in out
    assert "belum mengerti" in out
    assert "terjadi gangguan" not in out


def test_demo_web_delivers_a_console_broadcast_to_the_chat(tmp_path: Path) -> None:
    """`demo --web`: sign in by the printed link, send a broadcast, read it in the chat."""
    import http.cookiejar
    import queue
    import re
    import threading
    import time
    import urllib.parse
    import urllib.request

    from tests.support.browser import free_port

    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for name in ("TELEGRAM_BOT_TOKEN", "PUBLIC_BASE_URL"):
        env.pop(name, None)
    demo = subprocess.Popen(
        [sys.executable, "-m", "bot", "demo", "--web", "--port", str(port)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
        env=env,
    )
    lines: queue.Queue[str] = queue.Queue()
    assert demo.stdout is not None
    reader = threading.Thread(target=lambda: [lines.put(line) for line in demo.stdout])
    reader.start()

    def wait_for(pattern: str, timeout: float = 30) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                found = re.search(pattern, lines.get(timeout=0.5))
            except queue.Empty:
                continue
            if found:
                return found
        raise AssertionError(f"the demo never printed {pattern!r}")

    try:
        link = wait_for(r"http://127\.0\.0\.1:\d+/console/login/\S+").group(0)
        assert link.startswith(f"http://127.0.0.1:{port}/")
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        request = urllib.request.Request(link, data=b"", method="POST")  # noqa: S310 - http only
        with opener.open(request) as answer:
            assert answer.url.endswith("/console/") and answer.status == 200
            page = answer.read().decode()
        assert "Rekap hari ini" in page and "BTK-01" in page
        csrf = re.search(r'name="csrf" value="([^"]+)"', page)
        assert csrf is not None
        form = {
            "csrf": csrf.group(1),
            "text": "Besok bawa KTP asli ya 🙏",
            "audience": "session:BTK-01",
            "at": "",
            "photo": "",
        }
        send = urllib.request.Request(  # noqa: S310 - http only
            f"http://127.0.0.1:{port}/console/siaran/kirim",
            data=urllib.parse.urlencode(form).encode(),
            method="POST",
        )
        with opener.open(send) as answer:
            report_url = answer.url
        assert re.search(r"/console/siaran/\d+", report_url)
        # The outbox delivers it into the chat, as Telegram would to a participant.
        wait_for(r"^Bot: Besok bawa KTP asli ya 🙏")
        deadline = time.monotonic() + 30
        while True:
            with opener.open(report_url) as answer:
                report = answer.read().decode()
            # The broadcast worker closes it on its next round (every 2 s), as in `run`.
            done = 'id="status">selesai<' in report
            if done or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        assert 'id="complete"' in report
        assert re.search(r'id="sent">1<', report)
        assert re.search(r'id="status">selesai<', report)
    finally:
        assert demo.stdin is not None
        demo.stdin.write("/keluar\n")
        demo.stdin.close()
        demo.wait(timeout=30)
        reader.join(timeout=10)
        demo.stdout.close()
        assert demo.stderr is not None
        errors = demo.stderr.read()
        demo.stderr.close()
    assert demo.returncode == 0, errors
    wait_for(r"^Sampai jumpa!")
