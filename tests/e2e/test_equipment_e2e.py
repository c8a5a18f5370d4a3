"""Equipment through the real bot process: CLI allocation and handover, answers, photo, case."""

from __future__ import annotations

import csv
import io
import time
from pathlib import Path

from pypdf import PdfReader

from tests.support.fake_telegram import ApiCall, FakeTelegram
from tests.support.harness import BotProcess, Person

NIK = "3216015505900002"
OFFICER = 9001
PARTICIPANT = 7101
PHOTO = "AgACAgIAAxkBAAIEquipmentProof"


class Participant(Person):
    """A person who can also send a photo."""

    def sends_photo(self, file_id: str) -> str:
        """Send a photo and return the text of every reply."""
        mark = self.fake.mark()
        self.fake.push_photo(self.user_id, file_id)
        return self.read(self._await_replies(mark))


def wait_for(fake: FakeTelegram, chat_id: int, needle: str, method: str = "") -> ApiCall:
    """Wait until a message containing `needle` reached the chat; return it."""
    deadline = time.monotonic() + 20
    while True:
        for call in reversed(fake.messages_to(chat_id)):
            if needle in (call.text or "") and method in ("", call.method):
                return call
        assert time.monotonic() < deadline, (
            f"no {needle!r} for {chat_id}: {fake.texts_to(chat_id)}"
        )
        time.sleep(0.05)


def register(person: Person) -> None:
    person.says("/daftar")
    person.presses("Setuju")
    person.says("Siti Aminah")
    person.says(NIK)
    person.shares_contact("+62 812-3456-7890")
    person.says("Batik Siti")
    person.presses("Batik & Tekstil")
    person.says("Cikarang Utara")
    person.presses("Daftar tanpa sesi")
    assert "Pendaftaran berhasil" in person.presses("Benar")


def pdf_text(content: bytes) -> str:
    # Wrapped table cells come back with doubled spaces from the embedded font's spacing.
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return "\n".join(" ".join(line.split()) for line in text.splitlines())


def test_handover_answers_photo_case_and_bast(fake: FakeTelegram, tmp_path: Path) -> None:
    bot = BotProcess(fake, tmp_path, {"ADMIN_TELEGRAM_IDS": str(OFFICER)})
    bot.start()
    try:
        person = Participant(fake, PARTICIPANT)
        officer = Person(fake, OFFICER)
        register(person)
        officer.says("/start")
        bot.cli("equipment", "allocate", "--nik", NIK, "--item", "Oven", "--qty", "1")
        bot.cli("equipment", "allocate", "--nik", NIK, "--item", "canting batik", "--qty", "5")
        handed = bot.cli("equipment", "handover", "--nik", NIK, "--officer", "Budi Santoso")
        assert "asked to confirm" in handed.stdout

        person.last = [wait_for(fake, PARTICIPANT, "Serah terima bantuan alat")]
        assert "Oven — 1 unit\n• Canting batik — 5 buah" in person.read(person.last)
        assert "Canting batik — 5 buah\nApakah" in person.presses("Sudah diterima")
        assert "kasus #1" in person.presses("Rusak / tidak sesuai")
        alert = wait_for(fake, OFFICER, "Masalah bantuan alat — kasus #1")
        assert "Siti Aminah (NIK ************0002)" in (alert.text or "")
        assert "diteruskan ke petugas (kasus #1)" in person.sends_photo(PHOTO)
        photo_alert = wait_for(fake, OFFICER, "Foto baru untuk kasus #1", "sendPhoto")
        assert photo_alert.params["photo"] == PHOTO
        assert "Catatan untuk Canting batik" in person.says("Gagang canting patah")
        thanks = person.presses("Lanjut ›")
        assert "Terima kasih! Yang kami catat:" in thanks
        assert "• Canting batik — 5 buah: ⚠️ rusak / tidak sesuai" in thanks

        assert "Kasus terbuka: 1" in officer.says("/kasus")
        officer.presses("#1 Canting batik — Siti Aminah: Rusak / tidak sesuai")
        # Alerts from the outbox may arrive meanwhile: pick the case detail.
        [detail] = [c for c in officer.last if (c.text or "").startswith("Kasus #1\n")]
        assert detail.method == "sendPhoto" and detail.params["photo"] == PHOTO
        assert "Catatan peserta: Gagang canting patah" in (detail.text or "")
        assert "Tulis catatan penyelesaian" in officer.presses("✅ Selesaikan kasus #1")
        assert "Kasus #1 selesai" in officer.says("Canting pengganti diantar Senin")
        notice = wait_for(fake, PARTICIPANT, "sudah ditangani petugas")
        assert "Canting pengganti diantar Senin" in (notice.text or "")

        out = tmp_path / "bast.pdf"
        bot.cli("bast", "--nik", NIK, "--out", str(out))
        text = pdf_text(out.read_bytes())
        assert "NIK: ************0002" in text and NIK not in text
        assert "1 Oven 1 unit" in text and "2 Canting batik 5 buah" in text
        assert "Budi Santoso" in text and "Rusak / tidak sesuai" in text
        person.says("/alat")
        person.presses("📄 Unduh BAST")
        [document] = person.last
        assert document.method == "sendDocument"
        filename, content = document.files["document"]
        assert filename == "BAST-00001.pdf" and "Sudah diterima" in pdf_text(content)

        rekap = tmp_path / "rekap.csv"
        bot.cli("export", "allocations", "--format", "csv", "--out", str(rekap))
        with rekap.open(encoding="utf-8", newline="") as handle:
            rows = [(r["item"], r["confirmation"], r["note"]) for r in csv.DictReader(handle)]
        assert rows == [
            ("Oven", "received", ""),
            ("Canting batik", "damaged", "Gagang canting patah"),
        ]
        assert bot.query("SELECT kind, photo_file_id, resolution FROM equipment_case") == [
            ("damaged", PHOTO, "Canting pengganti diantar Senin")
        ]
        assert NIK not in bot.log_text()
    finally:
        bot.stop()
