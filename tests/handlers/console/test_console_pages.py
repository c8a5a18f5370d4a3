"""The desk work through the console: each action lands in the database and the audit log
exactly as the same action from chat, apart from `via`."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import timedelta

import pytest
from openpyxl import Workbook, load_workbook

from handlers.conversation.turn import Services
from handlers.equipment.cases import record_answer
from storage.models import Officer
from tests.support.chat import NOW
from tests.support.clock import FrozenClock
from tests.support.console import Browser
from tests.support.officers import nik


async def _last_audit(services: Services) -> tuple[str, str, str | None, str | None]:
    entry = (await services.storage.audit.latest(1))[0]
    return entry.actor, entry.action, entry.target, entry.via


# Peserta


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=Usaha 2", 1),
        (f"q={nik(3)[:8]}", 3),
        (f"q={nik(3)}", 1),
        ("q=0812 0000 0001", 1),
        ("q=%25", 0),
        ("q=' OR 1=1 --", 0),
        ("kecamatan=Setu", 2),
        ("kecamatan=Atlantis", 3),
        ("session=2", 2),
        ("session=2&status=none", 1),
        ("status=waitlisted", 0),
        ("equipment=none", 3),
        ("sort=kecamatan&dir=desc&page=99999", 3),
    ],
)
async def test_people_search_filters_and_paging(
    as_officer: Browser, query: str, expected: int
) -> None:
    answer = await as_officer.get(f"/console/peserta?{query}")
    assert answer.status_code == 200
    assert f">{expected} peserta<" in answer.text


async def test_editing_a_participant_uses_the_chat_rules(
    services: Services, as_officer: Browser, officer: Officer
) -> None:
    storage = services.storage
    bad = await as_officer.post("/console/peserta/1/ubah", {"field": "phone", "value": "12"})
    assert bad.status_code == 422 and "Nomor HP" in bad.text
    forged = await as_officer.post("/console/peserta/1/ubah", {"field": "nik", "value": nik(9)})
    assert forged.status_code == 422
    unknown_place = await as_officer.post(
        "/console/peserta/1/ubah", {"field": "kecamatan", "value": "Jakarta"}
    )
    assert unknown_place.status_code == 422
    participant = await storage.participants.get(1)
    assert participant is not None and participant.nik == nik(1)
    good = await as_officer.post(
        "/console/peserta/1/ubah", {"field": "phone", "value": "0813 1111 2222"}
    )
    assert good.status_code == 303
    changed = await storage.participants.get(1)
    assert changed is not None and changed.phone == "+6281311112222"
    assert await _last_audit(services) == (
        f"officer:{officer.id}",
        "participant.edit.phone",
        "participant:1",
        "console",
    )


async def test_the_audit_trail_names_the_officer_as_they_were_named_then(
    services: Services, as_officer: Browser, officer: Officer
) -> None:
    storage = services.storage
    await storage.officers.set_display_name(officer.id, "Bu Rina <b>")
    edited = await as_officer.post(
        "/console/peserta/1/ubah", {"field": "phone", "value": "0813 1111 2222"}
    )
    assert edited.status_code == 303
    await storage.officers.set_display_name(officer.id, "Rina S.")
    entry = (await storage.audit.latest(1))[0]
    assert (entry.actor, entry.actor_name) == (f"officer:{officer.id}", "Bu Rina <b>")
    page = await as_officer.get("/console/peserta/1")
    # Escaped like any text, with the actor kept beside it; the later rename is not applied.
    assert f"Bu Rina &lt;b&gt; (officer:{officer.id})" in page.text
    assert f"Rina S. (officer:{officer.id})" not in page.text


async def test_only_admins_see_a_full_nik_and_it_is_audited(
    services: Services, as_officer: Browser, as_admin: Browser, admin: Officer
) -> None:
    page = await as_officer.get("/console/peserta/1")
    assert nik(1) not in page.text and "Tampilkan NIK" not in page.text
    assert (await as_officer.post("/console/peserta/1/nik")).status_code == 403
    shown = await as_admin.post("/console/peserta/1/nik")
    assert shown.status_code == 200 and nik(1) in shown.text
    assert await _last_audit(services) == (
        f"officer:{admin.id}",
        "participant.nik.reveal",
        "participant:1",
        "console",
    )


async def test_erasure_needs_an_admin_and_the_tick(services: Services, as_admin: Browser) -> None:
    unticked = await as_admin.post("/console/peserta/1/hapus")
    assert unticked.status_code == 422
    assert (await services.storage.participants.get(1)).deleted_at is None  # type: ignore[union-attr]
    assert (await as_admin.post("/console/peserta/1/hapus", {"confirm": "yes"})).status_code == 303
    erased = await services.storage.participants.get(1)
    assert erased is not None and erased.nik is None and erased.deleted_at is not None


# Sesi


def _session_form(**changes: str) -> dict[str, str]:
    form = {
        "code": "BTK-09",
        "title": "Bimtek Kopi",
        "venue": "Balai Desa",
        "maps_url": "",
        "capacity": "20",
        "starts_at": "2026-12-10T09:00",
        "ends_at": "2026-12-10T16:00",
    }
    return {**form, **changes}


@pytest.mark.parametrize(
    ("changes", "says"),
    [
        ({"starts_at": "2020-01-01T09:00"}, "sudah lewat"),
        ({"ends_at": "2026-12-10T08:00"}, "selesai"),
        ({"code": "BTK 09!"}, "Kode hanya boleh"),
        ({"code": "BTK-01"}, "sudah dipakai"),
        ({"capacity": "0"}, "apasitas"),
        ({"maps_url": "javascript:alert(1)"}, "peta"),
        ({"title": "   "}, "1 sampai 200"),
        ({"starts_at": "besok pagi"}, "Format waktu"),
    ],
)
async def test_bad_sessions_are_refused_with_the_reason(
    services: Services, as_officer: Browser, changes: dict[str, str], says: str
) -> None:
    answer = await as_officer.post("/console/sesi/baru", _session_form(**changes))
    assert answer.status_code == 422
    assert says.lower() in answer.text.lower()
    assert await services.storage.sessions.get_by_code("BTK-09") is None


async def test_create_edit_and_move_a_session(
    services: Services, as_officer: Browser, officer: Officer
) -> None:
    storage = services.storage
    assert (await as_officer.post("/console/sesi/baru", _session_form())).status_code == 303
    session = await storage.sessions.get_by_code("BTK-09")
    assert session is not None and session.capacity == 20
    assert await _last_audit(services) == (
        f"officer:{officer.id}",
        "session.add",
        "BTK-09",
        "console",
    )
    edit = _session_form(
        title="Bimtek Kopi Robusta", capacity="25", maps_url="https://maps.example/x"
    )
    assert (await as_officer.post(f"/console/sesi/{session.id}/ubah", edit)).status_code == 303
    edited = await storage.sessions.get(session.id)
    assert edited is not None and edited.title == "Bimtek Kopi Robusta" and edited.capacity == 25
    assert edited.starts_at == session.starts_at
    moved = _session_form(starts_at="2026-12-11T09:00", ends_at="2026-12-11T15:00")
    assert (await as_officer.post(f"/console/sesi/{session.id}/ubah", moved)).status_code == 303
    after = await storage.sessions.get(session.id)
    assert after is not None and after.starts_at == session.starts_at + timedelta(days=1)
    assert await _last_audit(services) == (
        f"officer:{officer.id}",
        "session.move",
        "BTK-09",
        "console",
    )


async def test_capacity_below_the_enrolled_count_is_refused_with_the_count(
    services: Services, as_officer: Browser
) -> None:
    before = await services.storage.sessions.get(2)
    assert before is not None
    form = _session_form(title=before.title, venue=before.venue, capacity="1")
    form["starts_at"] = before.starts_at.astimezone(services.zone).strftime("%Y-%m-%dT%H:%M")
    form["ends_at"] = before.ends_at.astimezone(services.zone).strftime("%Y-%m-%dT%H:%M")
    answer = await as_officer.post("/console/sesi/2/ubah", form)
    assert answer.status_code == 422 and "Sudah ada 2 peserta terdaftar" in answer.text
    assert await services.storage.sessions.get(2) == before


async def test_moving_a_session_tells_everyone_enrolled(
    services: Services, as_officer: Browser
) -> None:
    session = await services.storage.sessions.get(2)
    assert session is not None
    form = _session_form(title=session.title, venue=session.venue, capacity="2")
    form["starts_at"] = "2026-12-20T09:00"
    form["ends_at"] = "2026-12-20T12:00"
    assert (await as_officer.post("/console/sesi/2/ubah", form)).status_code == 303
    rows = await services.storage.db.fetch_all(
        "SELECT key FROM outbox WHERE key LIKE 'session-moved:2:%'"
    )
    assert len(rows) == 2


async def test_attendance_marked_by_hand_and_registration_closed(
    services: Services, as_officer: Browser
) -> None:
    members = await services.storage.enrollments.members(2)
    enrollment = members[0].enrollment
    answer = await as_officer.post("/console/sesi/2/hadir", {"enrollment": str(enrollment.id)})
    assert answer.status_code == 303
    marked = await services.storage.enrollments.get(enrollment.id)
    assert marked is not None and marked.attended_at is not None
    forged = await as_officer.post("/console/sesi/1/hadir", {"enrollment": str(enrollment.id)})
    assert "err=" in forged.headers["location"]
    assert (await as_officer.post("/console/sesi/2/pendaftaran", {"open": "0"})).status_code == 303
    closed = await services.storage.sessions.get(2)
    assert closed is not None and not closed.registration_open
    page = await as_officer.get("/console/sesi/2/hadir")
    assert 'id="came">1<' in page.text


async def test_cancelling_needs_the_tick_and_tells_people(
    services: Services, as_officer: Browser
) -> None:
    await as_officer.post("/console/sesi/2/batal")
    assert (await services.storage.sessions.get(2)).cancelled_at is None  # type: ignore[union-attr]
    await as_officer.post("/console/sesi/2/batal", {"confirm": "yes"})
    assert (await services.storage.sessions.get(2)).cancelled_at is not None  # type: ignore[union-attr]
    told = await services.storage.db.fetch_value(
        "SELECT COUNT(*) FROM outbox WHERE key LIKE 'session-cancelled:2:%'"
    )
    assert told == 2


async def test_the_poster_carries_a_big_qr_of_the_checkin_link(
    services: Services, as_officer: Browser
) -> None:
    await services.storage.bot_settings.put("telegram_username", "wub_ikm_bot")
    session = await services.storage.sessions.get(1)
    assert session is not None
    page = await as_officer.get("/console/sesi/1/poster")
    assert f"https://t.me/wub_ikm_bot?start=hadir_{session.checkin_code}" in page.text
    assert 'class="qr"' in page.text and "<svg" in page.text


# Alat


def _sheet(*rows: str) -> bytes:
    return ("nik,item,qty\n" + "\n".join(rows) + "\n").encode()


async def test_upload_reports_bad_rows_and_imports_the_good_ones_once(
    services: Services, as_officer: Browser
) -> None:
    sheet = _sheet(f"{nik(1)},Oven,1", "1234,Oven,1", f"{nik(2)},Kapal,2", f"{nik(2)},Mixer,x")
    files = {"sheet": ("alokasi.csv", sheet, "text/csv")}
    answer = await as_officer.post("/console/alat/unggah", files=files)
    assert answer.status_code == 200
    assert "baris 3: kolom nik: NIK harus 16 angka" in answer.text
    assert "baris 4: barang &#39;Kapal&#39; tidak dikenal" in answer.text
    assert "baris 5: kolom qty: jumlah harus bilangan bulat 1–1000" in answer.text
    assert "1 baru" in answer.text
    again = await as_officer.post("/console/alat/unggah", files=files)
    assert "0 baru, 0 berubah, 1 sudah sama" in again.text
    count = await services.storage.db.fetch_value("SELECT COUNT(*) FROM allocation")
    assert count == 1


async def test_upload_takes_xlsx_and_refuses_other_files(as_officer: Browser) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["nik", "item", "qty"])
    sheet.append([nik(1), "Mixer", 2])
    content = io.BytesIO()
    book.save(content)
    xlsx = {"sheet": ("alokasi.xlsx", content.getvalue(), "application/octet-stream")}
    assert "1 baru" in (await as_officer.post("/console/alat/unggah", files=xlsx)).text
    exe = {"sheet": ("virus.exe", b"MZ....", "application/octet-stream")}
    assert (await as_officer.post("/console/alat/unggah", files=exe)).status_code == 422
    fake = {"sheet": ("fake.xlsx", b"not a zip", "application/octet-stream")}
    assert (await as_officer.post("/console/alat/unggah", files=fake)).status_code == 422
    huge = {"sheet": ("big.csv", b"nik,item,qty\n" + b"x" * (3 * 1024 * 1024), "text/csv")}
    assert (await as_officer.post("/console/alat/unggah", files=huge)).status_code == 413


async def _allocate(as_officer: Browser) -> None:
    sheet = _sheet(f"{nik(1)},Oven,1", f"{nik(2)},Oven,1", f"{nik(2)},Mixer,1")
    await as_officer.post("/console/alat/unggah", files={"sheet": ("a.csv", sheet, "text/csv")})


async def test_handover_of_many_then_bast_and_zip(
    services: Services, as_officer: Browser, officer: Officer
) -> None:
    await _allocate(as_officer)
    answer = await as_officer.post(
        "/console/alat/serah",
        {"participant": ["1", "2"]},  # type: ignore[dict-item]
    )
    assert "ok=ok.handed_over" in answer.headers["location"]
    waiting = await services.storage.db.fetch_value(
        "SELECT COUNT(*) FROM allocation WHERE handed_over_at IS NULL"
    )
    assert waiting == 0
    pdf = await as_officer.get("/console/alat/bast/2")
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    archive = await as_officer.get("/console/alat/bast-sesi/2")
    names = zipfile.ZipFile(io.BytesIO(archive.content)).namelist()
    assert names == ["BAST-00001.pdf", "BAST-00002.pdf"]


async def test_resolving_a_case_tells_the_participant(
    services: Services, as_officer: Browser, clock: FrozenClock
) -> None:
    await _allocate(as_officer)
    await as_officer.post("/console/alat/serah", {"participant": "1"})
    allocation = (await services.storage.allocations.for_participant(1))[0]
    outcome = await record_answer(
        services.storage,
        allocation,
        "damaged",
        actor="participant:1",
        now=clock.now(),
        zone=services.zone,
    )
    assert outcome.case_id is not None
    listed = await as_officer.get("/console/alat/kasus")
    assert f"/console/alat/kasus/{outcome.case_id}" in listed.text
    empty = await as_officer.post(f"/console/alat/kasus/{outcome.case_id}", {"resolution": " "})
    assert "err=" in empty.headers["location"]
    done = await as_officer.post(
        f"/console/alat/kasus/{outcome.case_id}", {"resolution": "Oven pengganti dikirim"}
    )
    assert "ok.case_resolved" in done.headers["location"]
    case = await services.storage.equipment_cases.get(outcome.case_id)
    assert case is not None and case.resolution == "Oven pengganti dikirim"
    rows = await services.storage.db.fetch_value(
        "SELECT COUNT(*) FROM outbox WHERE key LIKE ?", (f"case:{outcome.case_id}:resolved%",)
    )
    assert rows == 1


# Siaran


async def test_live_count_preview_and_send(
    services: Services, as_officer: Browser, officer: Officer
) -> None:
    count = await as_officer.get("/console/siaran/hitung?kind=kecamatan&kecamatan=Setu")
    assert count.json()["count"] == 2
    wrong = await as_officer.get("/console/siaran/hitung?kind=session&session=NOPE")
    assert "error" in wrong.json()
    form = {"text": "Besok bimtek dimulai pukul 09.00", "kind": "session", "session": "BTK-02"}
    preview = await as_officer.post("/console/siaran/pratinjau", form)
    assert preview.status_code == 200 and "2 penerima" in preview.text
    assert "Ketik BERHENTI" in preview.text
    sent = await as_officer.post(
        "/console/siaran/kirim", {"text": form["text"], "audience": "session:BTK-02", "at": ""}
    )
    assert sent.status_code == 303
    queued = await services.storage.db.fetch_value(
        "SELECT COUNT(*) FROM outbox WHERE broadcast_id IS NOT NULL"
    )
    assert queued == 2
    assert await _last_audit(services) == (
        f"officer:{officer.id}",
        "broadcast.send",
        "1",
        "console",
    )
    page = await as_officer.get("/console/siaran/1")
    assert "0 dari 2 pesan selesai" in page.text


async def test_scheduled_broadcast_with_photo_and_cancel(
    services: Services, as_officer: Browser
) -> None:
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    form = {"text": "Jangan lupa bawa KTP", "kind": "all", "at": "2026-12-01T08:00"}
    preview = await as_officer.post(
        "/console/siaran/pratinjau", form, files={"photo": ("foto.png", png, "image/png")}
    )
    assert preview.status_code == 200 and "dijadwalkan" in preview.text
    photo = preview.text.split('name="photo" value="')[1].split('"')[0]
    assert photo.startswith("media:console-")
    sent = await as_officer.post(
        "/console/siaran/kirim",
        {"text": form["text"], "audience": "all", "at": form["at"], "photo": photo},
    )
    broadcast = await services.storage.broadcasts.get(1)
    assert sent.status_code == 303 and broadcast is not None and broadcast.status == "scheduled"
    assert broadcast.photo_file_id == photo
    await as_officer.post("/console/siaran/1/batal")
    cancelled = await services.storage.broadcasts.get(1)
    assert cancelled is not None and cancelled.status == "cancelled"


@pytest.mark.parametrize(
    ("form", "photo", "says"),
    [
        ({"text": " ", "kind": "all"}, None, "kosong"),
        ({"text": "x" * 3600, "kind": "all"}, None, "terlalu panjang"),
        ({"text": "Halo", "kind": "sector", "sector": "Nuklir"}, None, "Sektor itu"),
        ({"text": "Halo", "kind": "all", "at": "2020-01-01T08:00"}, None, "lewat"),
        ({"text": "Halo", "kind": "all"}, b"GIF89a....", "JPG atau PNG"),
    ],
)
async def test_bad_broadcasts_are_refused(
    services: Services, as_officer: Browser, form: dict[str, str], photo: bytes | None, says: str
) -> None:
    files = {"photo": ("x.gif", photo, "image/gif")} if photo else None
    answer = await as_officer.post("/console/siaran/pratinjau", form, files=files)
    assert answer.status_code == 422 and says in answer.text
    assert await services.storage.broadcasts.recent() == []


async def test_a_forged_photo_reference_is_refused(
    services: Services, as_officer: Browser
) -> None:
    answer = await as_officer.post(
        "/console/siaran/kirim", {"text": "Halo", "audience": "all", "photo": "media:../../db"}
    )
    assert "err=" in answer.headers["location"]
    assert await services.storage.broadcasts.recent() == []


# Ekspor


async def test_exports_stream_and_read_back(services: Services, as_officer: Browser) -> None:
    answer = await as_officer.get("/console/ekspor/participants.csv")
    assert answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8"))))
    assert rows[0][:2] == ["nik", "full_name"]
    assert sorted(row[0] for row in rows[1:]) == [nik(1), nik(2), nik(3)]
    book = await as_officer.get("/console/ekspor/enrollments.xlsx")
    sheet = load_workbook(io.BytesIO(book.content)).active
    assert sheet is not None
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][:2] == ("session_code", "nik") and len(values) == 3
    assert (await as_officer.get("/console/ekspor/secrets.csv")).status_code == 404
    actions = [entry.action for entry in await services.storage.audit.latest(5)]
    assert "export.participants.csv" in actions and "export.enrollments.xlsx" in actions


# Petugas


async def test_admins_manage_officers(
    services: Services, as_admin: Browser, admin: Officer, officer: Officer
) -> None:
    storage = services.storage
    assert (
        "ok.officer_added"
        in (
            await as_admin.post(
                "/console/petugas/tambah", {"telegram_id": "555", "role": "officer"}
            )
        ).headers["location"]
    )
    for bad in ({"telegram_id": "abc", "role": "officer"}, {"telegram_id": "5", "role": "king"}):
        assert "err=" in (await as_admin.post("/console/petugas/tambah", bad)).headers["location"]
    self_removal = await as_admin.post(
        "/console/petugas/hapus", {"officer": str(admin.id), "confirm": "yes"}
    )
    assert "officers.refused.self" in self_removal.headers["location"]
    await as_admin.post(
        "/console/petugas/nama", {"officer": str(officer.id), "display_name": "Bu Sari"}
    )
    renamed = await storage.officers.get_by_id(officer.id)
    assert renamed is not None and renamed.display_name == "Bu Sari"
    await as_admin.post("/console/petugas/peran", {"officer": str(officer.id), "role": "admin"})
    promoted = await storage.officers.get_by_id(officer.id)
    assert promoted is not None and promoted.role == "admin"
    assert await _last_audit(services) == (
        f"officer:{admin.id}",
        "officer.role.admin",
        officer.address,
        "console",
    )


async def test_admins_see_and_end_console_sessions(
    services: Services, as_admin: Browser, as_officer: Browser
) -> None:
    active = await services.storage.console.active(services.clock.now())
    other = next(item for item in active if item.officer.role == "officer")
    page = await as_admin.get("/console/petugas")
    assert "peramban ini" in page.text
    await as_admin.post("/console/petugas/sesi-cabut", {"session": str(other.session.id)})
    assert (await as_officer.get("/console/")).status_code == 303


async def test_english_switch(as_officer: Browser) -> None:
    await as_officer.post("/console/bahasa", {"language": "en", "next": "/console/sesi"})
    assert "Bimtek sessions" in (await as_officer.get("/console/sesi")).text
    back = await as_officer.post(
        "/console/bahasa", {"language": "id", "next": "https://evil.example/"}
    )
    assert back.headers["location"] == "/console/"


async def test_home_shows_numbers_and_refreshes_itself(as_officer: Browser) -> None:
    page = await as_officer.get("/console/")
    assert 'http-equiv="refresh"' in page.text and 'id="registered">3<' in page.text
    assert '<svg class="chart"' in page.text


def test_now_is_the_frozen_moment() -> None:
    assert NOW.tzinfo is not None
