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
