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


def test_demo_web_serves_the_console_and_prints_a_link(tmp_path: Path) -> None:
    import http.cookiejar
    import re
    import time
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
    try:
        assert demo.stdout is not None
        deadline = time.monotonic() + 30
        link = None
        while link is None and time.monotonic() < deadline:
            found = re.search(r"http://127\.0\.0\.1:\d+/console/login/\S+", demo.stdout.readline())
            link = found.group(0) if found else None
        assert link is not None and link.startswith(f"http://127.0.0.1:{port}/")
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        request = urllib.request.Request(link, data=b"", method="POST")  # noqa: S310 - http only
        with opener.open(request) as answer:
            assert answer.url.endswith("/console/") and answer.status == 200
            page = answer.read().decode()
        assert "Rekap hari ini" in page and "BTK-01" in page
    finally:
        out, _ = demo.communicate("/keluar\n", timeout=30)
    assert demo.returncode == 0
    assert out.rstrip().endswith("Sampai jumpa!")
