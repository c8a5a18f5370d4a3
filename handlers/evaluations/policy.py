"""The evaluation and certificate rules, from settings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Final, Literal, get_args

Requirement = Literal["attendance", "evaluasi", "posttest"]
REQUIREMENTS: Final[tuple[Requirement, ...]] = get_args(Requirement)
DEFAULT_NUMBER_FORMAT: Final = "WUB-{year}/{session}/{seq:04d}"


@dataclass(frozen=True)
class EvaluationPolicy:
    """When questionnaires go out and close, and what a certificate needs and shows."""

    pretest_before: timedelta = timedelta(days=1)
    evaluation_after: timedelta = timedelta(minutes=30)
    nudge_max: int = 2
    closes_after: timedelta = timedelta(days=7)
    certificate_requires: frozenset[Requirement] = frozenset({"attendance", "evaluasi"})
    min_posttest: int = 60
    number_format: str = DEFAULT_NUMBER_FORMAT
    signatory_name: str | None = None
    signatory_title: str = "Kepala Dinas Perindustrian"
    public_base_url: str | None = None


def parse_requirements(text: str) -> frozenset[Requirement]:
    """Parse CERTIFICATE_REQUIRES: a comma-separated subset of attendance, evaluasi, posttest."""
    chosen: set[Requirement] = set()
    for item in text.split(","):
        name = item.strip().lower()
        found = next((known for known in REQUIREMENTS if known == name), None)
        if found is None:
            raise ValueError(
                f"unknown requirement {item.strip()[:30]!r}: use {', '.join(REQUIREMENTS)}"
            )
        chosen.add(found)
    return frozenset(chosen)
