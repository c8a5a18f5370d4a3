"""The console channel over the real router and a seeded demo database."""

from __future__ import annotations

import io
import re

import pytest

from bot.channels.console import DEMO_PHONE, ConsoleChannel
from bot.demo import seed_demo
from handlers.conversation import texts
from handlers.conversation.router import Router
from handlers.conversation.turn import Services
from storage import Storage
from tests.support.chat import GOOD_NIK


@pytest.fixture
async def demo(services: Services) -> Services:
    """Seed the demo sessions into the test's fresh database."""
    await seed_demo(services)
    return services


async def converse(router: Router, services: Services, *lines: str) -> str:
    """Type these lines into the console, then end the input; return everything printed."""
    reader = io.StringIO("".join(line + "\n" for line in lines))
    writer = io.StringIO()
    await ConsoleChannel(router, services, reader, writer).run()
    return writer.getvalue()


def options_after(output: str, prompt: str) -> list[str]:
    """Return the numbered options printed right after the bot line containing prompt."""
    tail = output[output.rindex(prompt) :]
    options = []
    for line in tail.splitlines()[1:]:
        found = re.fullmatch(r"\s+\[(\d+)\] (.*)", line)
        if found is None:
            if options:
                break
            continue
        assert int(found.group(1)) == len(options) + 1
        options.append(found.group(2))
    return options


async def test_start_shows_the_welcome_and_a_numbered_menu(router: Router, demo: Services) -> None:
    output = await converse(router, demo)
    assert output.startswith("WUB IKM Bot — demo di konsol.")
    assert "Bot: Selamat datang di layanan WUB IKM" in output
    assert options_after(output, "Selamat datang") == [
        label for row in router.main_menu("id") for label in row
    ]
    assert output.rstrip().endswith("Sampai jumpa!")


async def test_typing_a_number_presses_that_button(
    router: Router, demo: Services, storage: Storage
) -> None:
    output = await converse(router, demo, "1", "1")
    assert "> 1" in output
    assert "Apakah Anda setuju?" in output
    assert options_after(output, "Apakah Anda setuju?") == ["Setuju", "Tidak setuju"]
    assert "Tulis nama lengkap Anda sesuai KTP." in output
    conversation = await storage.conversations.get("console", "demo")
    assert conversation is not None and conversation.step == "full_name"


@pytest.mark.parametrize("typed", ["99", "0", "3"])
async def test_a_number_out_of_range_is_text(
    router: Router, demo: Services, storage: Storage, typed: str
) -> None:
    output = await converse(router, demo, "1", typed)
    assert texts.ID["invalid.choice"] in output
    conversation = await storage.conversations.get("console", "demo")
    assert conversation is not None and conversation.step == "consent"


async def test_a_number_without_options_is_text(
    router: Router, demo: Services, storage: Storage
) -> None:
    output = await converse(router, demo, "1", "1", "2")
    assert texts.ID["invalid.full_name.chars"] in output


async def test_end_of_input_says_goodbye(router: Router, demo: Services) -> None:
    output = await converse(router, demo)
    assert output.splitlines()[-1] == "Sampai jumpa!"


@pytest.mark.parametrize("quit_command", ["/keluar", "/quit", "/EXIT"])
async def test_quit_command_ends_the_chat(
    router: Router, demo: Services, quit_command: str
) -> None:
    output = await converse(router, demo, quit_command, "1")
    assert output.splitlines()[-1] == "Sampai jumpa!"
    assert "Apakah Anda setuju?" not in output


async def test_whole_registration_in_the_console(
    router: Router, demo: Services, storage: Storage
) -> None:
    output = await converse(
        router,
        demo,
        "1",  # 📝 Daftar
        "1",  # Setuju
        "Siti Aminah",
        GOOD_NIK,
        "1",  # 📱 Bagikan nomor
        "Batik Siti",
        "2",  # Batik & Tekstil
        "Setu",
        "1",  # the first open session
        "1",  # Benar
    )
    assert options_after(output, "Berapa nomor HP Anda?") == ["📱 Bagikan nomor"]
    sessions = options_after(output, "Pilih sesi bimtek")
    assert sessions[0].startswith("Bimtek Batik Tulis")
    assert any("penuh" in label for label in sessions)
    assert "Pendaftaran berhasil! Terima kasih, Siti Aminah." in output
    participant = await storage.participants.get_by_nik(GOOD_NIK)
    assert participant is not None
    assert participant.phone == DEMO_PHONE
    assert participant.sector == "Batik & Tekstil"
    contact = await storage.contacts.get("console", "demo")
    assert contact is not None and contact.participant_id == participant.id
    enrolled = await storage.enrollments.for_participant(participant.id)
    assert [item.session.code for item in enrolled] == ["BTK-01"]


async def test_seeding_twice_adds_nothing(demo: Services, storage: Storage) -> None:
    await seed_demo(demo)
    assert [s.session.code for s in await storage.sessions.list_availability()] == [
        "BTK-01",
        "BTK-02",
        "BTK-03",
    ]
