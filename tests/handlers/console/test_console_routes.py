"""Who may do what in the console: every route for every role, as one table.

Roles: anonymous (no cookie), participant (a registered participant holding a cookie the
server never issued: nobody who is not an officer can hold a real one), officer, admin.
"""

from __future__ import annotations

import secrets

import pytest
from starlette.applications import Starlette

from handlers.console.app import MENU, PAGE_MODULES
from handlers.console.web import COOKIE, Console
from handlers.conversation.turn import Services
from tests.support.console import Browser, client

# (method, path as requested, path as declared, admin only)
ROUTES = [
    ("GET", "/console/", "/", False),
    ("GET", "/console/peserta", "/peserta", False),
    ("GET", "/console/peserta/1", "/peserta/{participant_id}", False),
    ("POST", "/console/peserta/1/ubah", "/peserta/{participant_id}/ubah", False),
    ("POST", "/console/peserta/1/nik", "/peserta/{participant_id}/nik", True),
    ("POST", "/console/peserta/1/hapus", "/peserta/{participant_id}/hapus", True),
    ("GET", "/console/tiket", "/tiket", False),
    ("GET", "/console/tiket/1", "/tiket/{ticket_id}", False),
    ("POST", "/console/tiket/1/balas", "/tiket/{ticket_id}/balas", False),
    ("POST", "/console/tiket/1/tangani", "/tiket/{ticket_id}/tangani", False),
    ("POST", "/console/tiket/1/tutup", "/tiket/{ticket_id}/tutup", False),
    ("GET", "/console/tiket/1/media/1", "/tiket/{ticket_id}/media/{message_id}", False),
    ("GET", "/console/sesi", "/sesi", False),
    ("GET", "/console/sesi/baru", "/sesi/baru", False),
    ("POST", "/console/sesi/baru", "/sesi/baru", False),
    ("GET", "/console/sesi/1/ubah", "/sesi/{session_id}/ubah", False),
    ("POST", "/console/sesi/1/ubah", "/sesi/{session_id}/ubah", False),
    ("POST", "/console/sesi/1/batal", "/sesi/{session_id}/batal", False),
    ("POST", "/console/sesi/1/pendaftaran", "/sesi/{session_id}/pendaftaran", False),
    ("GET", "/console/sesi/1/hadir", "/sesi/{session_id}/hadir", False),
    ("POST", "/console/sesi/1/hadir", "/sesi/{session_id}/hadir", False),
    ("GET", "/console/sesi/1/poster", "/sesi/{session_id}/poster", False),
    ("GET", "/console/alat", "/alat", False),
    ("POST", "/console/alat/barang", "/alat/barang", False),
    ("GET", "/console/alat/unggah", "/alat/unggah", False),
    ("POST", "/console/alat/unggah", "/alat/unggah", False),
    ("POST", "/console/alat/serah", "/alat/serah", False),
    ("GET", "/console/alat/kasus", "/alat/kasus", False),
    ("GET", "/console/alat/kasus/1", "/alat/kasus/{case_id}", False),
    ("POST", "/console/alat/kasus/1", "/alat/kasus/{case_id}", False),
    ("GET", "/console/alat/bast/1", "/alat/bast/{participant_id}", False),
    ("GET", "/console/alat/bast-sesi/2", "/alat/bast-sesi/{session_id}", False),
    ("GET", "/console/foto/alokasi/1", "/foto/alokasi/{allocation_id}", False),
    ("GET", "/console/foto/kasus/1", "/foto/kasus/{case_id}", False),
    ("GET", "/console/siaran", "/siaran", False),
    ("GET", "/console/siaran/baru", "/siaran/baru", False),
    ("GET", "/console/siaran/hitung?kind=all", "/siaran/hitung", False),
    ("POST", "/console/siaran/pratinjau", "/siaran/pratinjau", False),
    ("POST", "/console/siaran/kirim", "/siaran/kirim", False),
    ("GET", "/console/siaran/1", "/siaran/{broadcast_id}", False),
    ("POST", "/console/siaran/1/batal", "/siaran/{broadcast_id}/batal", False),
    ("GET", "/console/ekspor", "/ekspor", False),
    ("GET", "/console/ekspor/participants.csv", "/ekspor/{kind}.{format}", False),
    ("GET", "/console/petugas", "/petugas", True),
    ("POST", "/console/petugas/tambah", "/petugas/tambah", True),
    ("POST", "/console/petugas/peran", "/petugas/peran", True),
    ("POST", "/console/petugas/nama", "/petugas/nama", True),
    ("POST", "/console/petugas/hapus", "/petugas/hapus", True),
    ("POST", "/console/petugas/sesi-cabut", "/petugas/sesi-cabut", True),
    ("POST", "/console/bahasa", "/bahasa", False),
    ("POST", "/console/keluar", "/keluar", False),
]
ROLES = ("anonymous", "participant", "officer", "admin")


def test_the_table_names_every_route() -> None:
    declared = {
        (method, spec.path, spec.admin)
        for module in PAGE_MODULES
        for spec in module.PAGES
        for method in spec.methods
    }
    table = {(method, path, admin) for method, _, path, admin in ROUTES}
    assert table == declared


@pytest.fixture
def browsers(
    anonymous: Browser, as_officer: Browser, as_admin: Browser, desk: tuple[Starlette, Console]
) -> dict[str, Browser]:
    """Return one browser per role."""
    participant = Browser(client(desk[0]), csrf=secrets.token_urlsafe(32))
    participant.http.cookies.set(COOKIE, secrets.token_urlsafe(32), path="/console")
    return {
        "anonymous": anonymous,
        "participant": participant,
        "officer": as_officer,
        "admin": as_admin,
    }


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "path", "declared", "admin_only"), ROUTES)
async def test_route_by_role(
    role: str,
    method: str,
    path: str,
    declared: str,
    admin_only: bool,
    browsers: dict[str, Browser],
    services: Services,
) -> None:
    browser = browsers[role]
    if method == "GET":
        answer = await browser.get(path)
    else:
        answer = await browser.post(path, {})
    if role in ("anonymous", "participant"):
        if method == "GET":
            assert answer.status_code == 303
            assert answer.headers["location"].startswith("/console/masuk")
        else:
            assert answer.status_code == 403
        return
    if admin_only and role == "officer":
        assert answer.status_code == 403
        assert "hanya untuk admin" in answer.text
        [entry] = await services.storage.audit.latest(1)
        assert (entry.action, entry.via) == (f"denied:console{declared}", "console")
        return
    # Allowed: the page answers (a missing record is a 404, a bad form a clear 4xx), never 5xx.
    assert answer.status_code not in (401, 403), (declared, answer.status_code, answer.text[:300])
    assert answer.status_code < 500


async def test_every_answer_carries_the_security_headers(as_officer: Browser) -> None:
    for path in ("/console/", "/console/masuk", "/console/static/console.css", "/console/nope"):
        answer = await as_officer.get(path)
        assert answer.headers["x-frame-options"] == "DENY"
        assert answer.headers["referrer-policy"] == "same-origin"
        csp = answer.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp


async def test_no_page_has_inline_script_or_style(as_admin: Browser) -> None:
    for method, path, _, _ in ROUTES:
        if (
            method != "GET"
            or "ekspor/" in path
            or "bast" in path
            or "foto" in path
            or "media" in path
        ):
            continue
        answer = await as_admin.get(path)
        if answer.headers.get("content-type", "").startswith("text/html"):
            assert "<script>" not in answer.text and "style=" not in answer.text, path
            assert "onclick" not in answer.text and "javascript:" not in answer.text, path


async def test_the_menu_shows_admins_the_officers_page_only(
    as_officer: Browser, as_admin: Browser
) -> None:
    officer_page = (await as_officer.get("/console/")).text
    admin_page = (await as_admin.get("/console/")).text
    for entry in MENU:
        link = f'href="/console{entry.path}"'
        assert link in admin_page, entry
        assert (link in officer_page) is not entry.admin, entry
