import dataclasses
import json
from pathlib import Path

import pytest

from handlers.participants.regions import Region, load_region, load_sectors
from handlers.participants.validation import KecamatanMatch, match_kecamatan

BEKASI_KECAMATAN = (
    "Babelan",
    "Bojongmangu",
    "Cabangbungin",
    "Cibarusah",
    "Cibitung",
    "Cikarang Barat",
    "Cikarang Pusat",
    "Cikarang Selatan",
    "Cikarang Timur",
    "Cikarang Utara",
    "Karangbahagia",
    "Kedungwaringin",
    "Muaragembong",
    "Pebayuran",
    "Serang Baru",
    "Setu",
    "Sukakarya",
    "Sukatani",
    "Sukawangi",
    "Tambelang",
    "Tambun Selatan",
    "Tambun Utara",
    "Tarumajaya",
)
SECTORS = (
    "Makanan & Minuman",
    "Batik & Tekstil",
    "Fesyen & Konveksi",
    "Kerajinan",
    "Kulit & Alas Kaki",
    "Furnitur & Kayu",
    "Logam & Bengkel",
    "Kimia & Kosmetik",
    "Lainnya",
)


def write(tmp_path: Path, content: object) -> Path:
    path = tmp_path / "data.json"
    path.write_text(json.dumps(content), encoding="utf-8")
    return path


def test_load_region_defaults_to_kabupaten_bekasi() -> None:
    assert load_region() == Region(regency="Kabupaten Bekasi", kecamatan=BEKASI_KECAMATAN)


def test_region_is_immutable() -> None:
    region = load_region()
    with pytest.raises(dataclasses.FrozenInstanceError):
        region.regency = "Kota Bekasi"  # type: ignore[misc]


@pytest.mark.parametrize("name", BEKASI_KECAMATAN)
def test_every_packaged_kecamatan_matches_itself_exactly(name: str) -> None:
    kecamatan = load_region().kecamatan
    assert match_kecamatan(name.upper(), kecamatan) == KecamatanMatch(name, exact=True)


def test_load_sectors_defaults_to_packaged_list() -> None:
    assert load_sectors() == SECTORS


def test_packaged_sectors_fit_whatsapp_buttons() -> None:
    assert all(len(sector) <= 20 for sector in load_sectors())


def test_load_region_reads_given_file(tmp_path: Path) -> None:
    path = write(
        tmp_path, {"regency": " Kota Bekasi ", "kecamatan": ["Bekasi Barat", "Medan Satria"]}
    )
    assert load_region(path) == Region("Kota Bekasi", ("Bekasi Barat", "Medan Satria"))


def test_load_sectors_reads_given_file(tmp_path: Path) -> None:
    assert load_sectors(write(tmp_path, {"sectors": ["Makanan", "Lainnya"]})) == (
        "Makanan",
        "Lainnya",
    )


@pytest.mark.parametrize(
    "content",
    [
        {"regency": "Kabupaten Bekasi", "kecamatan": []},
        {"regency": "Kabupaten Bekasi"},
        {"kecamatan": ["Setu"]},
        {"regency": "", "kecamatan": ["Setu"]},
        {"regency": "Kabupaten Bekasi", "kecamatan": ["Setu", "  "]},
        {"regency": "Kabupaten Bekasi", "kecamatan": ["Setu", "SETU"]},
        {"regency": "Kabupaten Bekasi", "kecamatan": "Setu"},
        {"regency": "Kabupaten Bekasi", "kecamatan": [1, 2]},
        {"regency": "Kabupaten Bekasi", "kecamatan": ["Setu"], "extra": True},
        ["Setu"],
        None,
    ],
)
def test_load_region_rejects_bad_content(tmp_path: Path, content: object) -> None:
    path = write(tmp_path, content)
    with pytest.raises(ValueError, match="data.json"):
        load_region(path)


@pytest.mark.parametrize(
    "content",
    [
        {"sectors": []},
        {},
        {"sectors": ["Makanan", "makanan"]},
        {"sectors": ["Makanan & Minuman Ringan"]},
        {"sectors": [""]},
        {"sectors": "Makanan"},
    ],
)
def test_load_sectors_rejects_bad_content(tmp_path: Path, content: object) -> None:
    path = write(tmp_path, content)
    with pytest.raises(ValueError, match="data.json"):
        load_sectors(path)


@pytest.mark.parametrize("raw", [b"", b"{", b"not json", b'{"sectors": ["Kain\xff"]}'])
def test_loaders_reject_malformed_json(tmp_path: Path, raw: bytes) -> None:
    path = tmp_path / "broken.json"
    path.write_bytes(raw)
    with pytest.raises(ValueError, match="broken.json"):
        load_sectors(path)
    with pytest.raises(ValueError, match="broken.json"):
        load_region(path)


def test_missing_file_is_not_disguised(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        load_region(tmp_path / "absent.json")
