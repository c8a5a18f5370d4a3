"""The composition root hands the core every domain: features, sentences, provided services."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.app import open_services
from bot.features import FEATURES, MENU_ROWS, SENTENCES, build_router, domain_services
from bot.settings import Settings
from handlers.conversation import texts
from handlers.evaluations.policy import EvaluationPolicy
from handlers.helpdesk.matching import FaqIndex
from handlers.helpdesk.policy import HelpdeskPolicy


async def test_open_services_provides_what_the_domains_need_from_the_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HELPDESK_HOURS", "Mon-Sat 07:00-15:00")
    monkeypatch.setenv("CERTIFICATE_MIN_POSTTEST", "75")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    texts.install(())
    try:
        async with open_services(settings, database=tmp_path / "bot.sqlite3") as services:
            assert services.need(EvaluationPolicy).min_posttest == 75
            assert services.need(HelpdeskPolicy).hours == settings.office_hours
            assert services.need(FaqIndex).entries == ()
            # Opening the services installs the domains' sentences for every command.
            for part in SENTENCES:
                assert part.id.items() <= texts.ID.items()
    finally:
        texts.install(SENTENCES)


def test_domain_services_default_each_policy_and_share_nothing() -> None:
    first, second = domain_services(), domain_services()
    assert {type(item) for item in first} == {EvaluationPolicy, HelpdeskPolicy, FaqIndex}
    # The FAQ index is rebuilt in place, so two sets of services never share one.
    assert next(i for i in first if isinstance(i, FaqIndex)) is not next(
        i for i in second if isinstance(i, FaqIndex)
    )


def test_every_menu_label_of_every_feature_has_its_sentence() -> None:
    router = build_router()
    for feature in FEATURES:
        for key in feature.menu:
            assert key in texts.ID and key in texts.EN, key
    assert set(router.menu.values()) <= set(router.commands)


def test_the_main_menu_keeps_its_rows() -> None:
    router = build_router()
    assert router.menu_rows == MENU_ROWS
    assert router.main_menu("id")[0] == ("📝 Daftar", "📅 Jadwal saya", "🧰 Alat saya")
    assert router.main_menu("en")[-1] == ("💬 Ask an officer",)
