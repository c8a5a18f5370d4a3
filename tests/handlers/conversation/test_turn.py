"""The turn's services: what the domains provide is found by type, the core names none."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from handlers.conversation.turn import Services
from storage import Storage
from tests.support.chat import ZONE
from tests.support.clock import FrozenClock


@dataclass(frozen=True)
class Town:
    regency: str
    kecamatan: tuple[str, ...]


@dataclass(frozen=True)
class Rules:
    limit: int = 3


class StricterRules(Rules):
    pass


@dataclass
class Index:
    version: str = ""


def build(storage: Storage, clock: FrozenClock, *provided: object) -> Services:
    town = Town("Kabupaten Contoh", ("Satu", "Dua"))
    return Services(storage, clock, ZONE, town, ("Pangan",), provided=provided)


def test_a_domain_finds_what_it_was_given_by_type(storage: Storage, clock: FrozenClock) -> None:
    rules, index = Rules(limit=5), Index()
    services = build(storage, clock, rules, index)
    assert services.need(Rules) is rules
    assert services.need(Index) is index
    # A mutable service is the same object every time: rebuilding it once serves every turn.
    services.need(Index).version = "2"
    assert services.need(Index).version == "2"
    assert services.region.kecamatan == ("Satu", "Dua")


def test_a_subclass_answers_for_its_base(storage: Storage, clock: FrozenClock) -> None:
    stricter = StricterRules(limit=1)
    assert build(storage, clock, stricter).need(Rules) is stricter


def test_what_was_not_provided_is_a_clear_error(storage: Storage, clock: FrozenClock) -> None:
    with pytest.raises(LookupError, match="no Rules among the provided services"):
        build(storage, clock, Index()).need(Rules)


@pytest.mark.parametrize(
    "provided",
    [(Rules(), Rules(limit=9)), (Rules(), StricterRules()), (StricterRules(), Index(), Rules())],
    ids=["same type", "a subclass after", "a subclass before"],
)
def test_two_services_need_would_confuse_are_refused(
    storage: Storage, clock: FrozenClock, provided: tuple[object, ...]
) -> None:
    with pytest.raises(ValueError, match="two provided services are a Rules"):
        build(storage, clock, *provided)
