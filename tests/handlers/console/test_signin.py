"""Signing in with a one-time link: valid once, for ten minutes, ending with the role."""

from __future__ import annotations

from datetime import timedelta

import pytest
from starlette.applications import Starlette

from handlers.console.signin import MAX_LINKS, SignInRefused, issue_link
from handlers.console.web import COOKIE, Console
from handlers.conversation.messages import Outbound, Reply
from handlers.conversation.turn import Policy, Services
from storage.models import Officer
from tests.support.chat import Chat
from tests.support.clock import FrozenClock
from tests.support.console import BASE, Browser, client, sign_in


async def test_a_link_signs_in_once(
    services: Services, desk: tuple[Starlette, Console], officer: Officer
) -> None:
    link = await issue_link(services.storage, officer, BASE, services.clock.now())
    path = link[len(BASE) :]
    first = client(desk[0])
    shown = await first.get(path)
    assert shown.status_code == 200 and 'action="/console/login/' in shown.text  # GET uses nothing
    answer = await first.post(path)
    assert answer.status_code == 303
    cookie = answer.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Max-Age=43200" in cookie
    assert "Secure" not in cookie  # the test address is http
    again = await client(desk[0]).post(path)
    assert again.status_code == 403 and "sudah dipakai" in again.text
    actions = [entry.action for entry in await services.storage.audit.latest()]
    assert "console.signin" in actions and "denied:console.signin" in actions


async def test_a_link_expires_after_ten_minutes(
    services: Services, clock: FrozenClock, desk: tuple[Starlette, Console], officer: Officer
) -> None:
    link = await issue_link(services.storage, officer, BASE, clock.now())
    clock.advance(timedelta(minutes=10, seconds=1))
    answer = await client(desk[0]).post(link[len(BASE) :])
    assert answer.status_code == 403 and "kedaluwarsa" in answer.text


@pytest.mark.parametrize("token", ["x", "a" * 43, "../../etc/passwd", "' OR 1=1 --", "🙂" * 40])
async def test_forged_links_are_refused(desk: tuple[Starlette, Console], token: str) -> None:
    answer = await client(desk[0]).post(f"/console/login/{token}")
    assert answer.status_code in (403, 404)
    assert "set-cookie" not in answer.headers


async def test_links_are_rate_limited(services: Services, officer: Officer) -> None:
    now = services.clock.now()
    for _ in range(MAX_LINKS):
        await issue_link(services.storage, officer, BASE, now)
    with pytest.raises(SignInRefused):
        await issue_link(services.storage, officer, BASE, now)
    assert (await services.storage.audit.latest(1))[0].action == "denied:console.link"


async def test_sessions_end_after_twelve_hours(
    services: Services, clock: FrozenClock, as_officer: Browser
) -> None:
    assert (await as_officer.get("/console/")).status_code == 200
    clock.advance(timedelta(hours=12, seconds=1))
    assert (await as_officer.get("/console/")).status_code == 303


async def test_a_role_change_or_removal_ends_sessions_at_once(
    services: Services, as_officer: Browser, officer: Officer, as_admin: Browser
) -> None:
    storage, now = services.storage, services.clock.now()
    await storage.officers.add("telegram", officer.address, "admin", now)  # as chat or CLI would
    assert (await as_officer.get("/console/")).status_code == 303
    answer = await as_admin.post(
        "/console/petugas/hapus", {"officer": str(officer.id), "confirm": "yes"}
    )
    assert answer.status_code == 303
    assert await storage.officers.get("telegram", officer.address) is None


async def test_sign_out_ends_the_session(as_officer: Browser) -> None:
    answer = await as_officer.post("/console/keluar")
    assert answer.status_code == 303
    assert (await as_officer.get("/console/")).status_code == 303


async def test_post_without_or_with_a_wrong_csrf_token_is_refused(
    services: Services, as_officer: Browser
) -> None:
    before = await services.storage.sessions.get(1)
    for form in ({}, {"csrf": "nope" * 10}):
        answer = await as_officer.http.post(
            "/console/sesi/1/pendaftaran", data={**form, "open": "0"}
        )
        assert answer.status_code == 403 and "kedaluwarsa" in answer.text
    assert await services.storage.sessions.get(1) == before
    assert (await services.storage.audit.latest(1))[0].action == "denied:console.csrf"


async def test_post_from_another_origin_is_refused(as_officer: Browser) -> None:
    answer = await as_officer.post(
        "/console/sesi/1/pendaftaran", {"open": "0"}, headers={"origin": "https://evil.example"}
    )
    assert answer.status_code == 403


async def test_oversized_posts_are_refused(as_officer: Browser) -> None:
    answer = await as_officer.post("/console/sesi/baru", {"title": "x" * 70_000})
    assert answer.status_code == 413


async def test_konsol_in_chat_gives_officers_a_link_and_refuses_others(
    services: Services, chat: Chat
) -> None:
    await services.storage.officers.add("telegram", chat.address, "officer", services.clock.now())
    assert "konsol web belum dinyalakan" in _said(await chat.text("/konsol")).lower()
    with_console = Services(
        storage=services.storage,
        clock=services.clock,
        zone=services.zone,
        region=services.region,
        sectors=services.sectors,
        policy=Policy(public_base_url="https://bot.example.go.id"),
        provided=services.provided,
    )
    officer_chat = Chat(chat.router, with_console, address=chat.address)
    assert "https://bot.example.go.id/console/login/" in _said(await officer_chat.text("/konsol"))
    stranger = Chat(chat.router, with_console, address="424242")
    assert _said(await stranger.text("/konsol")) == "Maaf, perintah ini hanya untuk petugas."
    assert (await services.storage.audit.latest(1))[0].action == "denied:konsol"


def _said(replies: list[Outbound]) -> str:
    return "\n".join(reply.text for reply in replies if isinstance(reply, Reply))


async def test_a_cookie_for_the_console_is_the_only_key(as_officer: Browser) -> None:
    as_officer.http.cookies.delete(COOKIE)
    assert (await as_officer.get("/console/peserta")).status_code == 303


async def test_sign_in_makes_a_new_session_each_time(
    services: Services, desk: tuple[Starlette, Console], officer: Officer
) -> None:
    first = await sign_in(services, desk[0], officer)
    second = await sign_in(services, desk[0], officer)
    assert first.http.cookies[COOKIE] != second.http.cookies[COOKIE]
    assert first.csrf != second.csrf
    assert len(await services.storage.console.active(services.clock.now())) == 2
