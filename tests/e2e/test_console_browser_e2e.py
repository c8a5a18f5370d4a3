"""The officer web console in a real headless Chromium against the real `python -m bot run`.

The officer signs in through the link the bot sent to their chat on the fake Bot API; every
page is checked for console errors (a strict CSP reports any inline script or style there)
and saved as a screenshot under the test's folder (`shots/`).
"""

from __future__ import annotations

import csv
import sqlite3
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.support.browser import PHONE, Desk, free_port, link_in, wait_for_web
from tests.support.fake_telegram import ApiCall, FakeTelegram, callback_data
from tests.support.harness import BotProcess, Person

ADMIN = 9101
OFFICER = 9102
STRANGER = 9103
FIRST_CHAT = 820_000
PEOPLE = 6
SESSION_DAY = "2027-03-10"


def nik(number: int) -> str:
    return f"3216010101{number:06d}"


def seed(bot: BotProcess) -> None:
    """Migrate, add a session, and store participants with a Telegram chat each."""
    bot.cli(
        "sessions",
        "add",
        "--code",
        "BTK-01",
        "--title",
        "Bimtek Batik Tulis",
        "--venue",
        "Aula Disperindag",
        "--starts-at",
        f"{SESSION_DAY} 09:00",
        "--ends-at",
        f"{SESSION_DAY} 16:00",
        "--capacity",
        "30",
    )
    now = datetime.now(UTC).isoformat()
    connection = sqlite3.connect(bot.database)
    try:
        with connection:
            for number in range(PEOPLE):
                cursor = connection.execute(
                    "INSERT INTO participant (nik, full_name, phone, business_name, sector,"
                    " kecamatan, consent_at, created_at, updated_at)"
                    " VALUES (?, ?, ?, ?, 'Kerajinan', ?, ?, ?, ?)",
                    (
                        nik(number),
                        f"Peserta {chr(65 + number)}",
                        f"+62812{number:08d}",
                        f"Usaha {number}",
                        "Setu" if number % 2 else "Cibitung",
                        now,
                        now,
                        now,
                    ),
                )
                connection.execute(
                    "INSERT INTO contact (participant_id, channel, address, created_at)"
                    " VALUES (?, 'telegram', ?, ?)",
                    (cursor.lastrowid, str(FIRST_CHAT + number), now),
                )
                connection.execute(
                    "INSERT INTO enrollment (participant_id, session_id, status, created_at,"
                    " updated_at) VALUES (?, 1, 'enrolled', ?, ?)",
                    (cursor.lastrowid, now, now),
                )
    finally:
        connection.close()


@pytest.fixture(scope="module")
def console_fake() -> Iterator[FakeTelegram]:
    """Run one fake Bot API for the tests of this module."""
    with FakeTelegram() as server:
        yield server


@pytest.fixture(scope="module")
def console_bot(
    console_fake: FakeTelegram, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[BotProcess, str]]:
    """Run one bot with the web console on for this module; return it and its address."""
    tmp_path = tmp_path_factory.mktemp("console-bot")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    bot = BotProcess(
        console_fake,
        tmp_path,
        {
            "ADMIN_TELEGRAM_IDS": str(ADMIN),
            "PUBLIC_BASE_URL": base,
            "WEBHOOK_PORT": str(port),
            "MEDIA_DIR": str(tmp_path / "media"),
        },
    )
    seed(bot)
    bot.start()
    try:
        wait_for_web(base)
        yield bot, base
    finally:
        bot.stop()


def sign_in(desk: Desk, officer: Person, shot: str) -> None:
    """Ask the bot for a link in chat, open it and press Masuk."""
    desk.visit(link_in(officer.says("/konsol")), f"{shot}-link")
    desk.page.click("#signin")
    desk.page.wait_for_url("**/console/")
    desk.check(shot)


def wait_for_message(fake: FakeTelegram, chat_id: int, needle: str) -> ApiCall:
    deadline = time.monotonic() + 20
    while True:
        for call in reversed(fake.messages_to(chat_id)):
            if needle in (call.text or ""):
                return call
        assert time.monotonic() < deadline, (needle, fake.texts_to(chat_id))
        time.sleep(0.05)


def test_the_desk_in_a_browser(
    console_bot: tuple[BotProcess, str], console_fake: FakeTelegram, chromium: Any, tmp_path: Path
) -> None:
    bot, base = console_bot
    fake = console_fake
    desk = Desk(chromium, tmp_path / "shots")
    page = desk.page
    try:
        sign_in(desk, Person(fake, ADMIN), "01-beranda")
        assert "Rekap hari ini" in page.inner_text("h1")

        for number, path in enumerate(
            (
                "peserta",
                "peserta/1",
                "sesi",
                "sesi/baru",
                "sesi/1/hadir",
                "sesi/1/poster",
                "sesi/1/ubah",
                "alat",
                "alat/unggah",
                "alat/kasus",
                "tiket",
                "siaran",
                "siaran/baru",
                "ekspor",
                "petugas",
            ),
            start=2,
        ):
            answer = desk.visit(f"{base}/console/{path}", f"{number:02d}-{path.replace('/', '-')}")
            assert answer.status == 200, path

        # Search and filter the participants.
        desk.visit(f"{base}/console/peserta")
        page.fill("input[name=q]", "Usaha 3")
        page.click("form.filters button[type=submit]")
        assert page.inner_text("#total") == "1 peserta"

        # Create a session, then edit it.
        desk.visit(f"{base}/console/sesi/baru")
        page.fill("input[name=code]", "BTK-05")
        page.fill("input[name=title]", "Bimtek Kue Kering")
        page.fill("input[name=venue]", "Balai Desa Sukamaju")
        page.fill("input[name=capacity]", "10")
        page.fill("input[name=starts_at]", "2027-04-01T09:00")
        page.fill("input[name=ends_at]", "2027-04-01T15:00")
        page.click("button[type=submit].primary")
        desk.check("20-session-created")
        assert "Sesi dibuat" in page.inner_text(".flash.ok")
        [(session_id,)] = bot.query("SELECT id FROM bimtek_session WHERE code = 'BTK-05'")
        desk.visit(f"{base}/console/sesi/{session_id}/ubah")
        page.fill("input[name=title]", "Bimtek Kue Kering Lebaran")
        page.fill("input[name=capacity]", "12")
        page.click("button[type=submit].primary")
        desk.check("21-session-edited")
        assert bot.query(
            "SELECT title, capacity FROM bimtek_session WHERE id = ?", (session_id,)
        ) == [("Bimtek Kue Kering Lebaran", 12)]

        # Upload an allocation sheet with a bad row.
        sheet = tmp_path / "alokasi.csv"
        sheet.write_text(f"nik,item,qty\n{nik(1)},Oven,1\n{nik(2)},Kapal Selam,1\n", "utf-8")
        desk.visit(f"{base}/console/alat/unggah")
        page.set_input_files("input[name=sheet]", str(sheet))
        page.click("#upload")
        desk.check("22-upload-result")
        result = page.inner_text("#result")
        assert "1 baru" in result and "baris 3: barang 'Kapal Selam' tidak dikenal" in result

        # Hand the oven over; the participant reports it damaged; resolve the case.
        desk.visit(f"{base}/console/alat")
        page.check("input[name=participant][value='2']")
        page.click("#handover")
        desk.check("23-handed-over")
        participant_chat = FIRST_CHAT + 1
        request = wait_for_message(fake, participant_chat, "Serah terima bantuan alat")
        fake.push_callback(participant_chat, callback_data(request, "Rusak / tidak sesuai"))
        wait_for_message(fake, participant_chat, "kasus #1")
        desk.visit(f"{base}/console/alat/kasus", "24-cases")
        page.click("a[href='/console/alat/kasus/1']")
        page.fill("textarea[name=resolution]", "Oven pengganti dikirim Senin")
        page.click("#resolve")
        desk.check("25-case-resolved")
        wait_for_message(fake, participant_chat, "Oven pengganti dikirim Senin")

        # Compose a broadcast, watch the count, preview, send, and read the report.
        desk.visit(f"{base}/console/siaran/baru")
        page.fill("textarea[name=text]", "Bimtek batik dimulai pukul 09.00 tepat.")
        page.select_option("select[name=kind]", "kecamatan")
        page.select_option("select[name=kecamatan]", "Setu")
        # The count beside the form follows the choice (console.js asks the server).
        page.locator("#audience-count", has_text="3 penerima").wait_for()
        desk.check("26-broadcast-compose")
        page.click("#preview")
        desk.check("27-broadcast-preview")
        assert page.inner_text("#recipients").startswith("3 penerima")
        page.click("#send")
        deadline = time.monotonic() + 30
        while "Selesai" not in page.inner_text("main"):
            assert time.monotonic() < deadline, page.inner_text("main")
            time.sleep(0.5)
            page.reload()
        desk.check("28-broadcast-report")
        assert page.inner_text("#sent") == "3"
        got = {
            call.chat_id
            for call in fake.calls("sendMessage")
            if "Bimtek batik dimulai pukul 09.00" in (call.text or "")
        }
        assert got == {FIRST_CHAT + 1, FIRST_CHAT + 3, FIRST_CHAT + 5}

        # A participant's question arrives as a ticket; the officer answers it in the inbox.
        asker = FIRST_CHAT + 4
        opened = Person(fake, asker).says("/tanya Saya kehilangan KTP, bagaimana?")
        assert "sudah kami teruskan ke petugas" in opened
        [(ticket_id,)] = bot.query("SELECT id FROM ticket WHERE address = ?", (str(asker),))
        desk.visit(f"{base}/console/tiket", "29-inbox")
        assert "Peserta E" in page.inner_text("#tickets")
        page.click(f"#tickets a[href='/console/tiket/{ticket_id}'] >> nth=0")
        desk.check("29-ticket")
        assert "Saya kehilangan KTP, bagaimana?" in page.inner_text("#thread")
        page.fill("textarea[name=text]", "Silakan urus surat keterangan hilang di kelurahan.")
        page.click("#send-reply")
        desk.check("29-ticket-answered")
        assert "Jawaban dikirim ke peserta" in page.inner_text(".flash.ok")
        answer = wait_for_message(fake, asker, "Silakan urus surat keterangan hilang")
        assert "Jawaban petugas" in (answer.text or "")
        assert bot.query(
            "SELECT via FROM audit_log WHERE action = 'ticket.answer' AND target = ?",
            (f"ticket:{ticket_id}",),
        ) == [("console",)]
        page.fill("input[name=note]", "Selesai")
        page.click("#close")
        desk.check("29-ticket-closed")
        assert page.inner_text("#ticket-status") == "ditutup"
        desk.visit(f"{base}/console/peserta/5", "29-person-tickets")
        assert f"Tiket #{ticket_id}" in page.inner_text("#person-tickets")

        # Download an export and read it back.
        desk.visit(f"{base}/console/ekspor")
        with page.expect_download() as download:
            page.click("#export-participants-csv")
        with Path(download.value.path()).open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        assert sorted(row["nik"] for row in rows) == [nik(n) for n in range(PEOPLE)]

        # The same pages on a phone-sized screen.
        page.set_viewport_size(PHONE)
        for path in ("", "peserta", "sesi/1/hadir", "siaran/baru", "alat", "tiket"):
            desk.visit(f"{base}/console/{path}", f"phone-{path.replace('/', '-') or 'beranda'}")

        by_console = bot.query(
            "SELECT COUNT(*) FROM audit_log WHERE via = 'console' AND actor LIKE 'officer:%'"
        )[0][0]
        assert by_console >= 10
    finally:
        desk.close()


def test_console_refusals(
    console_bot: tuple[BotProcess, str], console_fake: FakeTelegram, chromium: Any, tmp_path: Path
) -> None:
    bot, base = console_bot
    fake = console_fake
    refused = Person(fake, STRANGER).says("/konsol")
    assert refused == "Maaf, perintah ini hanya untuk petugas."
    # A registered participant asking for a link gets the same one sentence.
    assert Person(fake, FIRST_CHAT).says("/konsol") == "Maaf, perintah ini hanya untuk petugas."
    assert bot.query("SELECT action FROM audit_log WHERE action = 'denied:konsol'") == [
        ("denied:konsol",),
        ("denied:konsol",),
    ]
    bot.cli("officers", "add", "--telegram-id", str(OFFICER), "--role", "officer")
    officer_desk = Desk(chromium, tmp_path / "shots")
    admin_desk = Desk(chromium, tmp_path / "shots")
    other = Desk(chromium, tmp_path / "shots")
    try:
        officer = Person(fake, OFFICER)
        link = link_in(officer.says("/konsol"))
        officer_desk.visit(link)
        officer_desk.page.click("#signin")
        officer_desk.page.wait_for_url("**/console/")
        officer_desk.check("30-officer-home")
        assert "Petugas" not in officer_desk.page.inner_text("nav")

        # A used link does not work again, in any browser.
        other.visit(link)
        other.page.click("#signin")
        other.page.wait_for_load_state()
        other.check("31-link-used", refused=True)
        assert "sudah dipakai" in other.page.inner_text("main")

        # An expired link (its ten minutes have passed) is refused.
        late = bot.cli("console", "link", "--telegram-id", str(OFFICER)).stdout.strip()
        connection = sqlite3.connect(bot.database)
        with connection:
            connection.execute(
                "UPDATE console_login SET created_at = '2000-01-01T00:00:00.000000+00:00',"
                " expires_at = '2000-01-01T00:10:00.000000+00:00' WHERE used_at IS NULL"
            )
        connection.close()
        other.visit(late)
        other.page.click("#signin")
        other.check("32-link-expired", refused=True)
        assert "kedaluwarsa" in other.page.inner_text("main")

        # A POST without the CSRF token is refused and changes nothing.
        answer = officer_desk.page.request.post(
            f"{base}/console/sesi/1/pendaftaran", form={"open": "0"}
        )
        assert answer.status == 403
        assert bot.query("SELECT registration_open FROM bimtek_session WHERE id = 1") == [(1,)]

        # The admin removes the officer: the officer's browser is signed out at once.
        sign_in(admin_desk, Person(fake, ADMIN), "33-admin-home")
        admin_desk.page.on("dialog", lambda dialog: dialog.accept())
        admin_desk.visit(f"{base}/console/petugas", "34-officers")
        row = admin_desk.page.locator("tr", has_text=f"telegram:{OFFICER}")
        row.locator("input[name=confirm]").check()
        row.locator("button.danger").click()
        admin_desk.check("35-officer-removed")
        assert "Petugas dihapus" in admin_desk.page.inner_text(".flash.ok")
        officer_desk.page.reload()
        officer_desk.check("36-removed-officer")
        assert officer_desk.page.url.startswith(f"{base}/console/masuk")
    finally:
        for desk in (officer_desk, admin_desk, other):
            desk.close()
