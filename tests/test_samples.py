"""Tests for labkit.samples: one loader per bundled photo, names, paths, the hash registry.

References: ``hashlib`` on the files themselves, Pillow's own decoding of each file, and the
provenance table of ``data/README.md`` (parsed in tests/test_data.py).
"""

from __future__ import annotations

import hashlib
import inspect
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import labkit as lk
from labkit import samples

DATA = Path(__file__).resolve().parent.parent / "data"
LOADERS = {"astronaut": samples.astronaut, "chelsea": samples.chelsea,
           "coffee": samples.coffee, "rocket": samples.rocket}
SHAPES = {"astronaut": (512, 512, 3), "chelsea": (300, 451, 3), "coffee": (400, 600, 3),
          "rocket": (427, 640, 3)}


@pytest.fixture(autouse=True)
def _default_data_folder(monkeypatch):
    monkeypatch.delenv("LABKIT_DATA", raising=False)


def test_registry_lists_every_bundled_file_and_nothing_else():
    on_disk = sorted(p.name for p in DATA.iterdir() if p.suffix.lower() in samples.SAMPLE_SUFFIXES)
    assert sorted(samples.REGISTRY) == on_disk


@pytest.mark.parametrize("file", sorted(samples.REGISTRY))
def test_registry_hash_matches_the_file(file):
    assert hashlib.sha256((DATA / file).read_bytes()).hexdigest() == samples.REGISTRY[file]


def test_there_is_one_loader_per_sample_photo():
    assert sorted(LOADERS) == samples.sample_images() == sorted(Path(f).stem
                                                                 for f in samples.REGISTRY)


@pytest.mark.parametrize("name", sorted(LOADERS))
def test_loader_gives_the_shape_its_docstring_states(name):
    img = LOADERS[name]()
    assert img.dtype == np.uint8 and img.shape == SHAPES[name]
    assert f"ndarray of shape {SHAPES[name]}, uint8" in inspect.getdoc(LOADERS[name])


@pytest.mark.parametrize("name", sorted(LOADERS))
def test_loader_docstring_says_what_it_is_good_for_its_source_and_licence(name):
    doc = inspect.getdoc(LOADERS[name])
    assert "Good for" in doc and "Licence" in doc
    assert f"data/{samples.sample_path(name).name}" in doc


@pytest.mark.parametrize("name", sorted(LOADERS))
def test_loader_equals_load_image_by_name_and_by_path(name):
    img = LOADERS[name]()
    np.testing.assert_array_equal(img, lk.load_image(name))
    np.testing.assert_array_equal(img, lk.load_image(samples.sample_path(name)))


@pytest.mark.parametrize("name", ["chelsea", "coffee", "astronaut"])
def test_srgb_samples_load_as_pillow_decodes_them(name):
    with Image.open(samples.sample_path(name)) as im:
        np.testing.assert_array_equal(LOADERS[name](), np.asarray(im.convert("RGB")))


def test_loaders_return_a_new_writable_array_each_call():
    a, b = samples.chelsea(), samples.chelsea()
    a[0, 0] = 0
    assert not np.shares_memory(a, b) and a.flags.writeable


def test_sample_path_points_into_the_data_folder():
    assert samples.data_dir() == DATA
    assert samples.sample_path("rocket") == DATA / "rocket.jpg"


def test_sample_path_unknown_name_lists_the_names():
    with pytest.raises(ValueError, match="'astronaut', 'chelsea', 'coffee', 'rocket'") as info:
        samples.sample_path("dog")
    assert "'dog'" in str(info.value)


@pytest.mark.parametrize("name", [3, None, Path("chelsea")])
def test_sample_path_refuses_a_name_that_is_not_a_string(name):
    with pytest.raises(TypeError, match="name must be a string"):
        samples.sample_path(name)


def test_the_package_exposes_the_sample_functions():
    assert lk.sample_images is samples.sample_images and lk.sample_path is samples.sample_path
    assert lk.samples is samples


def test_labkit_data_env_var_overrides_the_sample_folder(tmp_path, monkeypatch):
    rgb = np.random.default_rng(0).integers(0, 256, size=(4, 6, 3), dtype=np.uint8)
    Image.fromarray(rgb).save(tmp_path / "mine.png")
    (tmp_path / "notes.txt").write_text("not an image")
    monkeypatch.setenv("LABKIT_DATA", str(tmp_path))
    assert samples.sample_images() == ["mine"]
    assert samples.sample_path("mine") == tmp_path / "mine.png"
    np.testing.assert_array_equal(lk.load_image("mine"), rgb)
    with pytest.raises(FileNotFoundError, match="'mine'"):
        lk.load_image("chelsea")
    with pytest.raises(ValueError, match="'mine'"):
        samples.chelsea()


def test_missing_sample_folder_says_how_to_point_at_one(tmp_path, monkeypatch):
    monkeypatch.setenv("LABKIT_DATA", str(tmp_path / "nowhere"))
    assert samples.sample_images() == []
    with pytest.raises(ValueError, match="LABKIT_DATA"):
        samples.sample_path("chelsea")
