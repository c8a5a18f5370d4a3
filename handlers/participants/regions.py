"""Reference data the bot offers as choices: kecamatan of the regency and IKM sectors."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator
from pydantic import ValidationError as PydanticValidationError

DATA_DIR = Path(__file__).parent / "data"
DEFAULT_REGION_PATH = DATA_DIR / "regions" / "bekasi.json"
DEFAULT_SECTORS_PATH = DATA_DIR / "sectors.json"
# WhatsApp reply buttons cut titles at 20 characters.
SECTOR_MAX_LENGTH = 20

Label = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
SectorLabel = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=SECTOR_MAX_LENGTH)
]
_Model = TypeVar("_Model", bound=BaseModel)


def _require_unique(labels: list[str]) -> list[str]:
    seen: set[str] = set()
    for label in labels:
        key = label.casefold()
        if key in seen:
            raise ValueError(f"duplicate entry {label!r}")
        seen.add(key)
    return labels


class _RegionFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    regency: Label
    kecamatan: list[Label] = Field(min_length=1)

    @field_validator("kecamatan")
    @classmethod
    def _unique_kecamatan(cls, names: list[str]) -> list[str]:
        return _require_unique(names)


class _SectorsFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    sectors: list[SectorLabel] = Field(min_length=1)

    @field_validator("sectors")
    @classmethod
    def _unique_sectors(cls, labels: list[str]) -> list[str]:
        return _require_unique(labels)


@dataclass(frozen=True)
class Region:
    """A regency and the kecamatan participants may come from."""

    regency: str
    kecamatan: tuple[str, ...]


def _read_model(path: Path, model: type[_Model]) -> _Model:
    try:
        return model.model_validate_json(path.read_bytes())
    except PydanticValidationError as exc:
        raise ValueError(f"invalid data file {path}: {exc}") from exc


def load_region(path: Path | None = None) -> Region:
    """Load a region file, by default the packaged Kabupaten Bekasi."""
    data = _read_model(path or DEFAULT_REGION_PATH, _RegionFile)
    return Region(regency=data.regency, kecamatan=tuple(data.kecamatan))


def load_sectors(path: Path | None = None) -> tuple[str, ...]:
    """Load the IKM sector labels, by default the packaged list."""
    return tuple(_read_model(path or DEFAULT_SECTORS_PATH, _SectorsFile).sectors)
