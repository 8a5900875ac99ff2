"""The bundled sample photos match the provenance table in data/README.md."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import numpy as np
import pytest

from labkit.images import load_image
from labkit.samples import REGISTRY, sample_images, sample_path

DATA = Path(__file__).resolve().parent.parent / "data"
MAX_BYTES = 600 * 1024
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".gif", ".webp"}

# A row of the hash table: | file | HxWx3 | bytes | sha256 |
ROW = re.compile(
    r"^\|\s*(?P<file>[\w.-]+)\s*\|\s*(?P<h>\d+)x(?P<w>\d+)x3\s*\|\s*(?P<bytes>\d+)\s*"
    r"\|\s*(?P<sha>[0-9a-f]{64})\s*\|\s*$"
)


def _readme_table() -> dict[str, dict]:
    rows = {}
    for line in (DATA / "README.md").read_text(encoding="utf-8").splitlines():
        match = ROW.match(line)
        if match:
            rows[match["file"]] = {
                "shape": (int(match["h"]), int(match["w"]), 3),
                "bytes": int(match["bytes"]),
                "sha256": match["sha"],
            }
    return rows


TABLE = _readme_table()
FILES = sorted(p.name for p in DATA.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)


@pytest.fixture(autouse=True)
def _default_data_folder(monkeypatch):
    monkeypatch.delenv("LABKIT_DATA", raising=False)


def test_readme_table_lists_every_image_file_and_nothing_else():
    assert FILES == sorted(TABLE)
    assert {"astronaut.png", "chelsea.png", "coffee.png", "rocket.jpg"} <= set(TABLE)


@pytest.mark.parametrize("name", FILES)
def test_file_hash_matches_readme(name):
    digest = hashlib.sha256((DATA / name).read_bytes()).hexdigest()
    assert digest == TABLE[name]["sha256"]


def test_readme_hashes_are_the_registry_of_labkit_samples():
    assert {name: row["sha256"] for name, row in TABLE.items()} == REGISTRY


@pytest.mark.parametrize("name", FILES)
def test_file_is_at_most_600_kb_and_size_matches_readme(name):
    size = (DATA / name).stat().st_size
    assert size <= MAX_BYTES
    assert size == TABLE[name]["bytes"]


@pytest.mark.parametrize("name", FILES)
def test_sample_loads_as_rgb_uint8_of_documented_shape(name):
    img = load_image(Path(name).stem)
    assert img.dtype == np.uint8
    assert img.shape == TABLE[name]["shape"]


@pytest.mark.parametrize(
    ("name", "shape"),
    [
        ("chelsea", (300, 451, 3)),
        ("coffee", (400, 600, 3)),
        ("astronaut", (512, 512, 3)),
        ("rocket", (427, 640, 3)),
    ],
)
def test_sample_shape_is_the_one_data_readme_states(name, shape):
    assert load_image(name).shape == shape


def test_sample_images_lists_exactly_the_bundled_files():
    assert sample_images() == sorted(Path(f).stem for f in FILES)
    assert sample_images() == ["astronaut", "chelsea", "coffee", "rocket"]


@pytest.mark.parametrize("name", FILES)
def test_sample_path_points_to_the_file_in_data(name):
    assert sample_path(Path(name).stem) == (DATA / name).resolve()
