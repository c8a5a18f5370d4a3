"""Indonesia's province codes, the first two digits of every NIK, from a packaged data file."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

DEFAULT_PROVINCES_PATH = Path(__file__).parent / "data" / "provinces.json"

ProvinceCode = Annotated[str, StringConstraints(pattern=r"^[1-9][0-9]$")]
ProvinceName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)
]


class Province(BaseModel):
    """One province: its two-digit code and its name."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    code: ProvinceCode
    name: ProvinceName


class _ProvincesFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    source: str
    provinces: list[Province] = Field(min_length=1)

    @field_validator("provinces")
    @classmethod
    def _unique_codes(cls, provinces: list[Province]) -> list[Province]:
        codes = [province.code for province in provinces]
        if len(set(codes)) != len(codes):
            raise ValueError("a province code is listed twice")
        return provinces


def load_provinces(path: Path | None = None) -> dict[str, str]:
    """Return the province names by code, read from a provinces file (default: packaged)."""
    data = _ProvincesFile.model_validate_json((path or DEFAULT_PROVINCES_PATH).read_bytes())
    return {province.code: province.name for province in data.provinces}


@cache
def _packaged() -> dict[str, str]:
    return load_provinces()


def province_name(code: str) -> str | None:
    """Return the name of the province with this two-digit code, or None if there is none."""
    return _packaged().get(code)
