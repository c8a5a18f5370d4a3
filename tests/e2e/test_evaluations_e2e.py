"""After the bimtek, through the real bot process: questionnaires, a certificate, its QR page.

A session runs soon; one person checks in (or is marked present) and another does not. The
test then moves the session into the past in the database, as time passing would, and the
bot's scheduler does the rest with no officer action.
"""

from __future__ import annotations

import csv
import io
import shutil
import sqlite3
import subprocess
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from pypdf import PdfReader

from tests.e2e.test_checkin_e2e import add_session_soon, checkin_code
from tests.support.fake_graph import FakeGraph
from tests.support.fake_telegram import ApiCall, FakeTelegram
from tests.support.harness import BotProcess, Person
from tests.support.whatsapp_harness import (
    WebhookBot,
    WhatsAppPerson,
    free_port,
    register,
    whatsapp_env,
)

NAME = "Siti Łucja Nguyễn"
NIK_A = "3216015505900002"
NIK_B = "3216014107850003"
POSTTEST = """\
title: Post-test Batik Tulis
questions:
  - id: canting
    text: Alat untuk menorehkan malam pada kain disebut?
    options: [Canting, Kuas, Cap]
    correct: A
  - id: malam
    text: Bahan perintang warna pada batik tulis adalah?
    options: [Cat minyak, "Malam (lilin)", Tinta]
    correct: B
  - id: nglorod
    text: Proses menghilangkan malam disebut?
    options: [Nglorod, Nyanting, Nembok, Ngiseni]
    correct: A
"""
EVALUATION_ENV = {"EVALUATION_AFTER": "1s", "EVALUATION_CLOSES_AFTER": "2d"}


def pdf_text(content: bytes) -> str:
    """Return the text of every page."""
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def qr_of(pdf: bytes, folder: Path) -> str | None:
    """Render the first page and decode its QR code; None when poppler or zbar is missing."""
    if shutil.which("pdftoppm") is None or shutil.which("zbarimg") is None:
        return None
    (folder / "cert.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "150", "-png", "-singlefile", "cert.pdf", "cert"],
        cwd=folder,
        check=True,
        timeout=60,
    )
    decoded = subprocess.run(
        ["zbarimg", "--raw", "-q", "cert.png"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert decoded.returncode == 0, decoded.stderr
    return decoded.stdout.strip()


def end_session_now(bot: BotProcess, code: str = "BTK-01") -> None:
    """Move the session into the past, as if its day had gone by."""
    now = datetime.now(UTC)
    connection = sqlite3.connect(bot.database, timeout=10)
    try:
        with connection:
            connection.execute(
                "UPDATE bimtek_session SET starts_at = ?, ends_at = ?, updated_at = ?"
                " WHERE code = ?",
                (
                    (now - timedelta(hours=3)).isoformat(timespec="microseconds"),
                    (now - timedelta(seconds=2)).isoformat(timespec="microseconds"),
                    now.isoformat(timespec="microseconds"),
                    code,
                ),
            )
    finally:
        connection.close()


def write_posttest(bot: BotProcess) -> None:
    """Load the post-test for BTK-01 with the CLI."""
    path = bot.workdir / "posttest.yaml"
    path.write_text(POSTTEST, "utf-8")
    bot.cli("quiz", "import", str(path), "--kind", "posttest", "--session", "BTK-01")


def register_telegram(person: Person, name: str, nik: str) -> None:
    """Register over Telegram into the first open session."""
    person.says("/daftar")
    person.presses("Setuju")
    person.says(name)
    person.says(nik)
    person.shares_contact(f"+62 812-3456-{nik[-4:]}")
    person.says("Batik Siti")
    person.presses("Batik & Tekstil")
    person.says("Setu")
    person.presses(person.buttons()[0])
    assert "Pendaftaran berhasil" in person.presses("Benar")


def wait_document(fake: FakeTelegram, chat: int, timeout: float = 30) -> ApiCall:
    """Wait until a document reached the chat; return the call."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for call in fake.calls("sendDocument", chat):
            return call
        time.sleep(0.1)
    raise AssertionError(f"no document for {chat}: {fake.texts_to(chat)[-5:]}")


def wait_text(fake: FakeTelegram, chat: int, needle: str, timeout: float = 30) -> ApiCall:
    """Wait until a message to the chat contains the needle; return it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for call in fake.messages_to(chat):
            if needle in (call.text or ""):
                return call
        time.sleep(0.1)
    raise AssertionError(f"no {needle!r} in {fake.texts_to(chat)[-5:]}")


@pytest.fixture
def web_port() -> int:
    """Return a free port for the check page."""
    return free_port()


def test_telegram_attendee_answers_gets_certificate_and_qr_checks(
    fake: FakeTelegram, tmp_path: Path, web_port: int
) -> None:
    base = f"http://127.0.0.1:{web_port}"
    env = {**EVALUATION_ENV, "PUBLIC_BASE_URL": base, "WEBHOOK_PORT": str(web_port)}
    bot = BotProcess(fake, tmp_path, env)
    bot.start()
    try:
        add_session_soon(bot)
        write_posttest(bot)
        came, stayed_home = Person(fake, 5201), Person(fake, 5202)
        register_telegram(came, NAME, NIK_A)
        register_telegram(stayed_home, "Budi Santoso", NIK_B)
        came.says(f"/start hadir_{checkin_code(bot, 'BTK-01')}")
        end_session_now(bot)

        came.last = [wait_text(fake, 5201, "Terima kasih telah mengikuti bimtek")]
        [(enrollment_id,)] = bot.query(
            "SELECT e.id FROM enrollment e JOIN participant p ON p.id = e.participant_id"
            " WHERE p.nik = ?",
            (NIK_A,),
        )
        first = came.presses("▶️ Mulai")
        assert "Post-test · Pertanyaan 1 dari 3" in first
        first_question_a = came.payload_of("A")
        assert "Pertanyaan 2 dari 3" in came.presses("A")
        # A reminder's button still works mid-quiz, and the question comes again.
        again = came.sends_payload(f"rsvp:{enrollment_id}:yes")
        assert "Pertanyaan 2 dari 3" in again
        assert "Pertanyaan 3 dari 3" in came.says("malam (LILIN)!")
        assert "bukan salah satu pilihan" in came.says("E")
        assert "sudah Anda jawab" in came.sends_payload(first_question_a)

        bot.kill()  # a power cut in the middle of the quiz
        bot.start()
        resumed = came.says("/kuis")
        assert "Pertanyaan 3 dari 3" in resumed and "Proses menghilangkan malam" in resumed
        done = came.says("nglorod")
        assert "Skor Anda: 3 dari 3" in done and "Evaluasi · Pertanyaan 1 dari 14" in done
        assert "bukan nilai 1 sampai 5" in came.says("7")
        came.presses("5")
        for answer in ("4", "sangat baik", "3", "5", "4", "4", "5", "3", "4", "5"):
            came.says(answer)
        assert "Pertanyaan 13 dari 14" in came.says("5")
        came.says("Praktik canting lebih lama")
        finished = came.presses("Lewati")
        assert "Evaluasi selesai" in finished and "Selamat!" in finished
        [document] = [call for call in came.last if call.method == "sendDocument"]
        filename, content = document.files["document"]
        assert filename.startswith("sertifikat-WUB-") and filename.endswith("-BTK-01-0001.pdf")
        text = pdf_text(content)
        assert NAME in text and "Bimtek Batik Tulis" in text
        assert NIK_A not in text

        assert "Terima kasih telah mengikuti" not in "\n".join(fake.texts_to(5202))
        assert "tidak ada kuis" in stayed_home.says("/kuis").lower()
        assert "belum memiliki sertifikat" in stayed_home.says("/sertifikat")
        assert "Sertifikat nomor WUB-" in came.says("/sertifikat")
        assert [call.method for call in came.last] == ["sendDocument"]

        # Issued by an officer outside any chat: the PDF itself arrives through the outbox.
        bot.cli(
            "certificates", "issue", "--session", "BTK-01", "--nik", NIK_B,
            "--reason", "Hadir di sesi pengganti",
        )  # fmt: skip
        handed = wait_document(fake, 5202)
        assert "Bimtek Batik Tulis untuk Anda sudah terbit" in (handed.text or "")
        filename, manual = handed.files["document"]
        assert filename.endswith("-BTK-01-0002.pdf") and "Budi Santoso" in pdf_text(manual)

        [(code, number)] = bot.query("SELECT code, number FROM certificate ORDER BY id LIMIT 1")
        url = f"{base}/v/{code}"
        page = httpx.get(url, timeout=10)
        assert page.status_code == 200 and "SAH" in page.text and NAME in page.text
        assert NIK_A not in page.text and "81234" not in page.text
        assert "<script" not in page.text.lower()

        rows = export_rows(bot)
        assert [(r["kind"], r["score"], r["max_score"]) for r in rows] == [
            ("posttest", "3", "3"),
            ("evaluasi", "", ""),
        ]
        assert rows[0]["posttest.malam"] == "B" and rows[1]["evaluasi.saran"] == (
            "Praktik canting lebih lama"
        )

        bot.cli("certificates", "revoke", number, "--reason", "Data kehadiran keliru")
        revoked = httpx.get(url, timeout=10)
        assert revoked.status_code == 200 and "DICABUT" in revoked.text
        forged = httpx.get(f"{base}/v/{code[:-2]}xx", timeout=10)
        assert forged.status_code == 404 and "tidak ditemukan" in forged.text
        assert NAME not in forged.text
        traversal = httpx.get(f"{base}/v/..%2F..%2Fetc%2Fpasswd", timeout=10)
        assert traversal.status_code == 404 and "root:" not in traversal.text
        assert NIK_A not in bot.log_text()
        scanned = qr_of(content, tmp_path)
    finally:
        bot.stop()
    if scanned is None:
        pytest.skip("QR code not decoded: install poppler-utils and zbar-tools (make system)")
    assert scanned == url


def export_rows(bot: BotProcess) -> list[dict[str, str]]:
    """Run `export evaluations` and read the CSV back."""
    out = bot.workdir / "evaluasi.csv"
    bot.cli("export", "evaluations", "--format", "csv", "--out", str(out))
    with out.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_whatsapp_marked_present_answers_and_gets_certificate(
    fake: FakeTelegram, graph: FakeGraph, tmp_path: Path
) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**whatsapp_env(graph, port), **EVALUATION_ENV, "PUBLIC_BASE_URL": base}
    bot = WebhookBot(fake, tmp_path, port, env)
    bot.start()
    try:
        bot.cli(
            "sessions", "add", "--code", "BTK-01", "--title", "Bimtek Batik Tulis",
            "--venue", "Aula", "--starts-at", "2030-12-01 09:00",
            "--ends-at", "2030-12-01 16:00", "--capacity", "30", "--hours", "24",
        )  # fmt: skip
        write_posttest(bot)
        came = WhatsAppPerson(bot, graph, "6281234560001")
        absent = WhatsAppPerson(bot, graph, "6281234560002")
        register(came, NIK_A, NAME)
        register(absent, NIK_B, "Budi Santoso")
        bot.cli("attendance", "mark", "--code", "BTK-01", "--nik", NIK_A)
        end_session_now(bot)

        invitation = graph.wait_for(
            lambda sent: next(
                (m for m in sent if m.to == came.wa_id and "Mohon isi" in m.text), None
            ),
            30,
            "the invitation",
        )
        came.last = [invitation]
        assert "Pertanyaan 1 dari 3" in came.presses("▶️ Mulai")
        assert "Pertanyaan 2 dari 3" in came.says("a")
        assert "bukan salah satu pilihan" in came.says("E")
        assert "Pertanyaan 3 dari 3" in came.presses("B")

        bot.kill()  # a power cut in the middle of the quiz
        bot.start()
        resumed = came.says("/kuis")
        assert "Pertanyaan 3 dari 3" in resumed and "Proses menghilangkan malam" in resumed
        assert "Skor Anda: 3 dari 3" in came.says("Nglorod")
        for _ in range(12):
            came.says("4")
        came.says("-")
        finished = came.says("Sudah bagus")
        assert "Evaluasi selesai" in finished
        [document] = [m for m in came.last if m.type == "document"]
        _, content = graph.uploads()[document.body["document"]["id"]]
        text = pdf_text(content)
        assert NAME in text and "24 JP" in text

        assert not [m for m in graph.messages(absent.wa_id) if "Mohon isi" in m.text]
        [(code, number)] = bot.query("SELECT code, number FROM certificate")
        page = httpx.get(f"{base}/v/{code}", timeout=10)
        assert page.status_code == 200 and NAME in page.text and "SAH" in page.text

        # Issued by an officer outside any chat: the PDF itself arrives through the outbox.
        bot.cli(
            "certificates", "issue", "--session", "BTK-01", "--nik", NIK_B,
            "--reason", "Hadir di sesi pengganti",
        )  # fmt: skip
        handed = graph.wait_for(
            lambda sent: next(
                (m for m in sent if m.to == absent.wa_id and m.type == "document"), None
            ),
            30,
            "the certificate document",
        )
        assert handed.body["document"]["filename"].endswith("-BTK-01-0002.pdf")
        assert "sudah terbit" in handed.text
        _, manual = graph.uploads()[handed.body["document"]["id"]]
        assert "Budi Santoso" in pdf_text(manual)

        came.says("/hapus")
        came.presses(came.titles()[0])
        erased = httpx.get(f"{base}/v/{code}", timeout=10)
        assert erased.status_code == 200 and "SAH" in erased.text
        assert NAME not in erased.text and "Dirahasiakan" in erased.text
        assert bot.query("SELECT COUNT(*) FROM quiz_answer WHERE text IS NOT NULL") == [(0,)]

        bot.cli("certificates", "revoke", number, "--reason", "Data kehadiran keliru")
        revoked = httpx.get(f"{base}/v/{code}", timeout=10)
        assert revoked.status_code == 200 and "DICABUT" in revoked.text
        forged = httpx.get(f"{base}/v/{code[:-2]}xx", timeout=10)
        assert forged.status_code == 404 and "tidak ditemukan" in forged.text
        for traversal in ("..%2F..%2Fetc%2Fpasswd", "../../etc/passwd", "%2e%2e%2fsettings"):
            answer = httpx.get(f"{base}/v/{traversal}", timeout=10)
            assert answer.status_code == 404 and "root:" not in answer.text, traversal
        scanned = qr_of(content, tmp_path)
    finally:
        bot.stop()
    if scanned is None:
        pytest.skip("QR code not decoded: install poppler-utils and zbar-tools (make system)")
    assert scanned == f"{base}/v/{code}"
