"""GET /v/<code>: the public check page through the Starlette app, as a phone would ask."""

from __future__ import annotations

import httpx
import pytest

from bot.features import domain_services
from bot.verification_web import verification_routes
from bot.webhook import build_app
from handlers.conversation.turn import Services
from handlers.evaluations.certificates import issue, revoke
from handlers.evaluations.policy import EvaluationPolicy
from handlers.evaluations.verification import RateLimiter
from handlers.participants.erasure import erase_participant
from handlers.participants.regions import load_region, load_sectors
from storage import Storage
from tests.support.chat import NOW, ZONE
from tests.support.clock import FrozenClock
from tests.support.evaluations import attendee, ended_session

POLICY = EvaluationPolicy(public_base_url="https://wub.example.go.id")


async def health() -> dict[str, object]:
    return {}


def client(services: Services, limiter: RateLimiter | None = None) -> httpx.AsyncClient:
    app = build_app(health, extra_routes=verification_routes(services, limiter))
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


@pytest.fixture
def services(storage: Storage, clock: FrozenClock) -> Services:
    return Services(
        storage=storage,
        clock=clock,
        zone=ZONE,
        region=load_region(),
        sectors=load_sectors(),
        provided=domain_services(evaluations=POLICY),
    )


async def certificate_code(storage: Storage) -> tuple[str, int]:
    session = await ended_session(storage)
    participant = await attendee(storage, session, 1)
    async with storage.db.transaction():
        certificate, _ = await issue(
            storage, POLICY, ZONE, session, participant, NOW, issued_by="t"
        )
    return certificate.code, participant.id


async def test_valid_page_shows_only_what_it_may(storage: Storage, services: Services) -> None:
    code, _ = await certificate_code(storage)
    async with client(services) as http:
        page = await http.get(f"/v/{code}")
    assert page.status_code == 200
    body = page.text
    assert "Sertifikat ini SAH" in body and "Peserta Nomor B" in body
    assert "WUB-2026/BTK-01/0001" in body and "Bimtek Batik Tulis" in body and "32 JP" in body
    assert "KEMENTERIAN PERINDUSTRIAN" in body
    assert "3216010101000001" not in body and "+62812" not in body
    assert "<script" not in body.lower() and "@media print" in body
    assert "default-src 'none'" in page.headers["content-security-policy"]
    async with client(services) as http:
        english = await http.get(f"/v/{code}?lang=en")
    assert "This certificate is VALID" in english.text


async def test_revoked_and_erased(storage: Storage, services: Services) -> None:
    code, participant_id = await certificate_code(storage)
    async with storage.db.transaction():
        await revoke(storage, "WUB-2026/BTK-01/0001", "Data keliru", NOW, actor="t")
        await erase_participant(storage, participant_id, NOW, actor="t", action="erase")
    async with client(services) as http:
        page = await http.get(f"/v/{code}")
    assert page.status_code == 200 and "TELAH DICABUT" in page.text
    assert "Peserta Nomor B" not in page.text and "Dirahasiakan" in page.text


@pytest.mark.parametrize(
    "path",
    [
        "/v/AAAAAAAAAAAAAAAAAAAA",
        "/v/short",
        "/v/",
        "/v",
        "/v/..%2F..%2Fetc%2Fpasswd",
        "/v/%00",
        "/v/" + "x" * 5000,
        "/v/'%20OR%201=1--",
        "/v/<script>alert(1)</script>",
    ],
)
async def test_unknown_forged_and_hostile_codes_are_not_found(
    storage: Storage, services: Services, path: str
) -> None:
    await certificate_code(storage)
    async with client(services) as http:
        page = await http.get(path)
    assert page.status_code == 404
    assert "Sertifikat tidak ditemukan" in page.text
    assert "root:" not in page.text and "<script>alert" not in page.text
    assert "Peserta Nomor B" not in page.text


async def test_dot_segments_never_reach_a_file(storage: Storage, services: Services) -> None:
    async with client(services) as http:
        page = await http.get("/v/../../etc/passwd")  # the client folds it to /etc/passwd
    assert page.status_code == 404 and "root:" not in page.text


async def test_each_address_is_rate_limited(storage: Storage, services: Services) -> None:
    moments = iter(float(n) for n in range(100))
    limiter = RateLimiter(limit=3, window=60, clock=lambda: next(moments))
    async with client(services, limiter) as http:
        answers = [(await http.get("/v/AAAAAAAAAAAAAAAAAAAA")).status_code for _ in range(4)]
    assert answers == [404, 404, 404, 429]


def test_rate_limiter_forgets_old_requests_and_keeps_addresses_apart() -> None:
    now = [0.0]
    limiter = RateLimiter(limit=2, window=10, clock=lambda: now[0])
    assert [limiter.allow("a"), limiter.allow("a"), limiter.allow("a")] == [True, True, False]
    assert limiter.allow("b")
    now[0] = 11.0
    assert limiter.allow("a")
