"""/rekap: the live numbers as text, and one real PNG chart."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from PIL import Image

from handlers.conversation.messages import Photo, Reply
from handlers.conversation.router import Router
from handlers.conversation.turn import Services
from handlers.officers.charts import ChartData, ChartLabels, render_chart
from storage import Storage
from storage.stats import EquipmentNumbers
from tests.support.chat import Chat, add_session
from tests.support.officers import OFFICER, allocate, enroll, make_officer, person

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
async def desk(router: Router, services: Services, storage: Storage) -> Chat:
    """An officer's chat over a small programme: two sessions, four people, equipment."""
    await make_officer(storage)
    started = await add_session(storage, "BTK-01", starts_in=-timedelta(hours=1), capacity=10)
    ahead = await add_session(storage, "BTK-02", capacity=5)
    food = "Makanan & Minuman"
    first = await person(storage, 1)
    second = await person(storage, 2, sector=food)
    third = await person(storage, 3, kecamatan="Cibitung", sector=food)
    fourth = await person(storage, 4, kecamatan="Cibitung", sector=food)
    await enroll(storage, first, started, attended=True)
    await enroll(storage, second, started)
    await enroll(storage, third, ahead)
    await enroll(storage, fourth, ahead, "waitlisted")
    async with storage.db.transaction():
        found = await storage.enrollments.get_for(third.id, ahead.id)
        assert found is not None
        await storage.enrollments.set_rsvp(found.id, "yes", found.created_at)
    await allocate(storage, first, confirmation="received")
    await allocate(storage, second, confirmation="damaged")
    await allocate(storage, third)
    await allocate(storage, fourth, handed_over=False)
    return Chat(router, services, OFFICER)


async def test_rekap_sends_the_numbers_and_a_png_chart(desk: Chat, storage: Storage) -> None:
    replies = await desk.text("/rekap")
    assert [type(reply) for reply in replies] == [Reply, Photo]
    text = replies[0].text  # type: ignore[union-attr]
    for line in (
        "👥 Pendaftar: 4",
        "• Makanan & Minuman: 3",
        "• Kerajinan: 1",
        "• Cibitung: 2",
        "• Setu: 2",
        "• BTK-01 (Jumat, 27 November 2026): 2/10 · tunggu 0 · RSVP 0/0 · hadir 1",
        "• BTK-02 (Senin, 30 November 2026): 1/5 · tunggu 1 · RSVP 1/0 · hadir 0",
        "📦 Alat: 4 alokasi",
        "• belum diserahkan: 1",
        "• belum dikonfirmasi: 1",
        "• diterima: 1",
        "• rusak / tidak sesuai: 1",
    ):
        assert line in text.splitlines(), line
    chart = replies[1]
    assert isinstance(chart, Photo) and chart.filename == "rekap.png"
    assert chart.content.startswith(PNG_SIGNATURE)
    with Image.open(io.BytesIO(chart.content)) as image:
        image.verify()
        assert image.format == "PNG" and image.size[0] >= 800
    assert (await storage.audit.latest(1))[0].action == "stats.view"


async def test_rekap_in_english_on_an_empty_database(
    router: Router, services: Services, storage: Storage
) -> None:
    await make_officer(storage)
    chat = Chat(router, services, OFFICER)
    await chat.text("/bahasa")
    await chat.press("English")
    replies = await chat.text("/rekap")
    assert "👥 Registered: 0" in replies[0].text  # type: ignore[union-attr]
    assert "• none yet" in replies[0].text  # type: ignore[union-attr]
    assert isinstance(replies[1], Photo) and replies[1].content.startswith(PNG_SIGNATURE)


def test_render_chart_is_a_png_for_empty_numbers() -> None:
    labels = ChartLabels(
        "T", "S", "K", "Sessions", "E", "e", "w", "r", "a", ("1", "2", "3", "4", "5"), "none"
    )
    empty = EquipmentNumbers(
        allocations=0,
        not_handed_over=0,
        unconfirmed=0,
        received=0,
        not_received=0,
        damaged=0,
        open_cases=0,
    )
    image = render_chart(ChartData([], [], [], empty), labels)
    assert image.startswith(PNG_SIGNATURE)
