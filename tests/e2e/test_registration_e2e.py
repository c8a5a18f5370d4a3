"""Whole registrations through the real bot process and the fake Telegram Bot API."""

from __future__ import annotations

from tests.support.fake_telegram import FakeTelegram
from tests.support.harness import BotProcess, Person
from tests.support.walks import NIK, register_until_summary


def add_session(bot: BotProcess, code: str = "BTK-01", capacity: int = 30) -> None:
    bot.cli(
        "sessions", "add", "--code", code, "--title", f"Bimtek {code}", "--venue", "Aula",
        "--starts-at", "2030-12-01 09:00", "--ends-at", "2030-12-01 16:00",
        "--capacity", str(capacity),
    )  # fmt: skip


def test_happy_path_registration(fake: FakeTelegram, bot: BotProcess) -> None:
    add_session(bot)
    person = Person(fake, 5001)
    assert "Selamat datang" in person.says("/start")
    summary = register_until_summary(person)
    assert "************0002" in summary
    assert "+6281234567890" in summary
    assert "Bimtek BTK-01" in summary
    done = person.presses("Benar")
    assert "Pendaftaran berhasil" in done
    assert "pukul 09.00 WIB" in done
    rows = bot.query("SELECT nik, full_name, phone, kecamatan, sector FROM participant")
    assert rows == [(NIK, "Siti Aminah", "+6281234567890", "Cikarang Utara", "Batik & Tekstil")]
    assert bot.query("SELECT status FROM enrollment") == [("enrolled",)]
    assert bot.query("SELECT action FROM audit_log WHERE action LIKE 'participant.%'") == [
        ("participant.register",)
    ]
    assert "Jadwal bimtek Anda" in person.says("/jadwal")
    assert NIK not in bot.log_text()
    assert "81234567890" not in bot.log_text()


def test_bad_input_at_each_step_changes_nothing(fake: FakeTelegram, bot: BotProcess) -> None:
    add_session(bot)
    person = Person(fake, 5002)
    person.says("/daftar")
    assert "pilih salah satu tombol" in person.says("mungkin")
    person.presses("Setuju")
    assert "hanya boleh berisi huruf" in person.says("'; DROP TABLE participant; --")
    assert "stiker" in person.sends_sticker().lower()
    assert "Tombol itu berasal dari pesan lama" in person.sends_payload("registration:consent:yes")
    person.says("Siti Aminah")
    assert "16 angka" in person.says("1234")
    assert "tanggal lahir" in person.says("3216019905900002")
    assert "Anda sedang mengisi pendaftaran" in person.says("/profil")
    person.says("3216 0155 0590 0002")
    assert "bukan nomor Anda sendiri" in person.shares_contact("+6281111111111", owner=777)
    assert "tidak valid" in person.says("12345")
    person.says("0812 3456 7890")
    assert "terlalu panjang" in person.says("x" * 5000)
    person.says("Batik 🌸 Siti")
    assert "Silakan pilih salah satu tombol" in person.says("Batik")
    person.presses("Batik & Tekstil")
    assert "tidak ditemukan" in person.says("Jakarta Selatan")
    person.says("Setu")
    assert bot.query("SELECT COUNT(*) FROM participant") == [(0,)]
    person.presses(person.buttons()[0])
    person.presses("Benar")
    assert bot.query("SELECT business_name, kecamatan FROM participant") == [
        ("Batik 🌸 Siti", "Setu")
    ]


def test_change_a_field_from_the_summary(fake: FakeTelegram, bot: BotProcess) -> None:
    add_session(bot)
    person = Person(fake, 5003)
    register_until_summary(person)
    assert "Bagian mana" in person.presses("Ubah")
    assert "nama usaha" in person.presses("Nama usaha")
    summary = person.says("Kue Bu Siti")
    assert "Nama usaha: Kue Bu Siti" in summary
    person.presses("Benar")
    assert bot.query("SELECT business_name FROM participant") == [("Kue Bu Siti",)]


def test_cancel_stores_nothing(fake: FakeTelegram, bot: BotProcess) -> None:
    person = Person(fake, 5004)
    person.says("/daftar")
    person.presses("Setuju")
    person.says("Siti Aminah")
    assert "dibatalkan" in person.says("/batal")
    assert bot.query("SELECT COUNT(*) FROM participant") == [(0,)]
    assert bot.query("SELECT COUNT(*) FROM conversation") == [(0,)]


def test_duplicate_nik_from_another_chat_is_refused(fake: FakeTelegram, bot: BotProcess) -> None:
    add_session(bot)
    first = Person(fake, 5005)
    register_until_summary(first)
    first.presses("Benar")
    second = Person(fake, 5006)
    second.says("/daftar")
    second.presses("Setuju")
    second.says("Budi Santoso")
    assert "hubungi petugas" in second.says(NIK)
    assert bot.query("SELECT COUNT(*) FROM participant") == [(1,)]
    assert "sudah terdaftar" in first.says("/daftar")


def test_group_chat_is_told_to_use_private_chat(fake: FakeTelegram, bot: BotProcess) -> None:
    mark = fake.mark()
    fake.push_group_text(-100123, 5007, "/daftar")
    reply = fake.next_reply(-100123, mark)
    assert "chat pribadi" in (reply.text or "")
    assert bot.query("SELECT COUNT(*) FROM contact") == [(0,)]


def test_kill_mid_registration_resumes_at_the_same_step(
    fake: FakeTelegram, bot: BotProcess
) -> None:
    add_session(bot)
    person = Person(fake, 5008)
    person.says("/daftar")
    person.presses("Setuju")
    person.says("Siti Aminah")
    person.says(NIK)
    assert fake.pending_updates() == []
    bot.kill()
    bot.start()
    assert "nama usaha" in person.shares_contact("0812-3456-7890")
    person.says("Batik Siti")
    person.presses("Batik & Tekstil")
    person.says("Cikarang Utara")
    summary = person.presses(person.buttons()[0])
    assert "Nama: Siti Aminah" in summary
    person.presses("Benar")
    assert bot.query("SELECT full_name, nik FROM participant") == [("Siti Aminah", NIK)]


def test_missing_token_is_one_clear_line(bot: BotProcess) -> None:
    env = {key: value for key, value in bot.env.items() if key != "TELEGRAM_BOT_TOKEN"}
    bot.env = env
    result = bot.cli("run", check=False)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "error: TELEGRAM_BOT_TOKEN is not set (put it in the environment or in .env)"
    )
