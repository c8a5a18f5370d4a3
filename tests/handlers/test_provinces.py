"""The province codes a NIK may start with, from handlers/data/provinces.json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from handlers.provinces import load_provinces, province_name

# Kemendagri's 38 province codes since the four new Papua provinces (2022).
CODES = (
    ["11", "12", "13", "14", "15", "16", "17", "18", "19", "21"]
    + ["31", "32", "33", "34", "35", "36", "51", "52", "53"]
    + ["61", "62", "63", "64", "65", "71", "72", "73", "74", "75", "76", "81", "82"]
    + ["91", "92", "93", "94", "95", "96"]
)


def test_the_packaged_file_has_all_38_provinces() -> None:
    provinces = load_provinces()
    assert sorted(provinces) == CODES
    assert provinces["32"] == "Jawa Barat"
    assert provinces["31"] == "DKI Jakarta"
    assert provinces["93"] == "Papua Selatan"
    assert provinces["94"] == "Papua Tengah"
    assert provinces["95"] == "Papua Pegunungan"
    assert provinces["96"] == "Papua Barat Daya"


@pytest.mark.parametrize("code", ["00", "01", "10", "20", "30", "54", "90", "97", "99", "3", ""])
def test_codes_that_do_not_exist_have_no_name(code: str) -> None:
    assert province_name(code) is None


def write(tmp_path: Path, content: object) -> Path:
    path = tmp_path / "provinces.json"
    path.write_text(json.dumps(content), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "content",
    [
        {"source": "x", "provinces": []},
        {"source": "x", "provinces": [{"code": "32", "name": "A"}, {"code": "32", "name": "B"}]},
        {"source": "x", "provinces": [{"code": "3", "name": "A"}]},
        {"source": "x", "provinces": [{"code": "05", "name": "A"}]},
        {"source": "x", "provinces": [{"code": "32", "name": " "}]},
        {"source": "x", "provinces": [{"code": "32", "name": "A", "extra": 1}]},
        {"provinces": [{"code": "32", "name": "A"}]},
    ],
)
def test_a_broken_provinces_file_is_refused(tmp_path: Path, content: object) -> None:
    with pytest.raises(ValidationError):
        load_provinces(write(tmp_path, content))
