"""Tests of labkit.compress: palette, labels, k-means fixed point, files, elbow."""

from __future__ import annotations

import io
import warnings

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from labkit.compress import (MAX_K, SAVE_SUFFIXES, check_save, color_histogram, compress,
                             elbow, find_elbow)
from labkit.images import load_image
from labkit.kmeans import assign_labels, init_centroids, update_centroids

sklearn_cluster = pytest.importorskip("sklearn.cluster")
REFINE_TOL = 0.2  # the documented tolerance of compress's refinement, in levels


@pytest.fixture(scope="module")
def crop():
    """A 120×160 crop of the coffee photo (19,200 pixels, ~11k distinct colors)."""
    return np.ascontiguousarray(load_image("coffee")[120:240, 200:360])


@pytest.fixture(scope="module")
def cat():
    """A 90×120 crop of the cat photo."""
    return np.ascontiguousarray(load_image("chelsea")[80:170, 150:270])


@pytest.fixture(scope="module")
def q8(crop):
    return compress(crop, 8, seed=0)


def _brute_sq_dist(pixels, palette):
    return ((pixels[:, None, :].astype(np.int64) - palette[None].astype(np.int64)) ** 2).sum(2)


def test_color_histogram_matches_numpy_unique(crop):
    colors, counts = color_histogram(crop)
    ref_colors, ref_counts = np.unique(crop.reshape(-1, 3), axis=0, return_counts=True)
    np.testing.assert_array_equal(colors, ref_colors)
    np.testing.assert_array_equal(counts, ref_counts)
    assert colors.dtype == np.uint8 and counts.dtype == np.int64


def test_image_is_palette_indexed_by_labels(q8, crop):
    assert q8.image.shape == crop.shape and q8.image.dtype == np.uint8
    np.testing.assert_array_equal(q8.image, q8.palette[q8.labels])
    assert q8.labels.dtype == np.uint8 and q8.labels.shape == crop.shape[:2]
    assert q8.palette.shape == (8, 3) and q8.n_colors == 8 and q8.k == 8


@pytest.mark.parametrize("k", [2, 8, 32, 300])  # 300: uint16 labels, tree searches
def test_labels_are_nearest_palette_colors(crop, k):
    q = compress(crop, k, seed=1)
    d2 = _brute_sq_dist(crop.reshape(-1, 3), q.palette)
    # Exact integer distances; on a tie the lowest palette index, as argmin.
    np.testing.assert_array_equal(q.labels.ravel(), d2.argmin(1))
    assert q.labels.dtype == (np.uint8 if q.n_colors <= 256 else np.uint16)


def test_mse_and_sse_match_direct_computation(q8, crop):
    err = (q8.image.astype(np.float64) - crop) ** 2
    assert q8.mse == pytest.approx(err.mean(), rel=1e-12)
    assert q8.sse == pytest.approx(err.sum(), rel=1e-12)


@pytest.mark.parametrize("k", [3, 12, 40])
def test_result_is_a_kmeans_fixed_point_of_the_exact_colors(cat, k):
    """One taught E-step and M-step from compress's centroids moves them by about the
    refinement's tolerance at most; from its palette, by no more than the rounding."""
    q = compress(cat, k, seed=1)
    pixels = cat.reshape(-1, 3).astype(np.float64)
    labels, _ = assign_labels(pixels, q.centroids)
    means = update_centroids(pixels, labels, q.n_colors)
    assert np.sqrt(((means - q.centroids) ** 2).sum(1)).max() <= 1.5 * REFINE_TOL
    np.testing.assert_array_equal(q.palette, np.rint(q.centroids).astype(np.uint8))
    labels, _ = assign_labels(pixels, q.palette)
    np.testing.assert_array_equal(labels, q.labels.ravel())
    means = update_centroids(pixels, labels, q.n_colors)
    assert np.abs(means - q.palette).max() <= 0.5 + REFINE_TOL


@pytest.mark.parametrize("k", [4, 16])
def test_mse_within_one_percent_of_sklearn(crop, k):
    pixels = crop.reshape(-1, 3).astype(np.float64)
    ref = []
    for seed in range(3):
        model = sklearn_cluster.KMeans(k, n_init=1, random_state=seed).fit(pixels)
        palette = np.clip(np.rint(model.cluster_centers_), 0, 255)
        ref.append(((palette[model.predict(pixels)] - pixels) ** 2).mean())
    ours = np.median([compress(crop, k, seed=s).mse for s in range(3)])
    assert ours <= 1.01 * np.median(ref)


def test_explicit_init_nearly_matches_sklearn_from_the_same_start(cat):
    pixels = cat.reshape(-1, 3).astype(np.float64)
    init = pixels[[0, 3000, 6000, 9000, 10799]]
    model = sklearn_cluster.KMeans(5, init=init, n_init=1, algorithm="lloyd", tol=0).fit(pixels)
    palette = np.rint(model.cluster_centers_)
    ref_mse = ((palette[model.predict(pixels)] - pixels) ** 2).mean()
    q = compress(cat, 5, init=init)  # stops at a centre shift < 0.2, sklearn runs to the end
    assert q.mse == pytest.approx(ref_mse, rel=0.005)


def test_coarse_stage_is_no_worse_than_kmeans_plusplus_on_the_exact_colors(crop):
    colors, counts = color_histogram(crop)
    direct = [compress(crop, 8, init=init_centroids(colors, 8, seed=s, sample_weight=counts)).mse
              for s in range(3)]
    coarse = [compress(crop, 8, seed=s).mse for s in range(3)]
    assert np.median(coarse) <= 1.02 * np.median(direct)


def test_same_seed_gives_identical_result(crop):
    a, b = compress(crop, 6, seed=7), compress(crop, 6, seed=np.random.default_rng(7))
    assert a.palette.tobytes() == b.palette.tobytes()
    assert np.array_equal(a.labels, b.labels) and a.mse == b.mse


@pytest.mark.parametrize("init", ["random", "pixels"])
def test_other_inits_work(crop, init):
    q = compress(crop, 6, seed=0, init=init)
    assert q.n_colors == 6 and np.isfinite(q.mse)


def test_largest_k_finishes_with_nearest_palette_labels(crop):
    q = compress(crop[:60, :80], MAX_K, seed=0)  # 4800 pixels, ~3900 colors
    assert q.n_colors <= MAX_K and q.labels.dtype == np.uint16
    d2 = _brute_sq_dist(crop[:60, :80].reshape(-1, 3), q.palette)
    np.testing.assert_array_equal(q.labels.ravel(), d2.argmin(1))


def test_progress_bar_runs(cat, capsys):
    q = compress(cat, 4, seed=0, progress=True)
    assert q.n_colors == 4


def test_indexed_png_round_trip(q8, tmp_path):
    path = q8.save(tmp_path / "small.png")
    with Image.open(path) as im:
        assert im.mode == "P"
        assert im.getpalette()[: 3 * q8.n_colors] == q8.palette.ravel().tolist()
        np.testing.assert_array_equal(np.asarray(im), q8.labels)
        np.testing.assert_array_equal(np.asarray(im.convert("RGB")), q8.image)
    with Image.open(io.BytesIO(q8.png_bytes())) as im:
        assert im.mode == "P"


def test_gif_round_trip(q8, tmp_path):
    path = q8.save(tmp_path / "small.GIF")
    with Image.open(path) as im:
        assert im.format == "GIF"
        np.testing.assert_array_equal(np.asarray(im.convert("RGB")), q8.image)


def test_more_than_256_colors_save_as_truecolor_png(crop, tmp_path):
    q = compress(crop, 300, seed=0)
    assert q.n_colors > 256
    path = q.save(tmp_path / "many.png")
    with Image.open(path) as im:
        assert im.mode == "RGB"
        np.testing.assert_array_equal(np.asarray(im), q.image)
    with pytest.raises(ValueError, match="GIF holds at most 256"):
        q.save(tmp_path / "many.gif")
    assert not (tmp_path / "many.gif").exists()


def test_save_refuses_to_overwrite_unless_asked(q8, tmp_path):
    path = tmp_path / "x.png"
    path.write_bytes(b"keep me")
    with pytest.raises(FileExistsError, match="overwrite=True"):
        q8.save(path)
    assert path.read_bytes() == b"keep me"
    q8.save(path, overwrite=True)
    assert path.read_bytes() != b"keep me"


def test_save_never_writes_over_an_input(q8, tmp_path):
    photo = tmp_path / "photo.png"
    photo.write_bytes(b"the original")
    with pytest.raises(ValueError, match="input"):
        q8.save(photo, overwrite=True, inputs=[photo])
    assert photo.read_bytes() == b"the original"


def test_save_into_a_missing_folder_says_so(q8, tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        q8.save(tmp_path / "nowhere" / "x.png")


@pytest.mark.parametrize("name", ["x.jpg", "x", "x.png.txt"])
def test_save_refuses_other_suffixes(q8, tmp_path, name):
    with pytest.raises(ValueError, match=".png or .gif"):
        q8.save(tmp_path / name)
    assert not (tmp_path / name).exists()


def test_check_save_validates_before_any_work():
    assert SAVE_SUFFIXES == (".png", ".gif")
    assert check_save("out.PNG", MAX_K) == ".png" and check_save("a/b.gif", 256) == ".gif"
    with pytest.raises(ValueError, match="k=300"):
        check_save("out.gif", 300)
    with pytest.raises(ValueError, match="'out.bmp'"):
        check_save("out.bmp", 2)


def test_bits_per_pixel_and_ratio():
    img = np.zeros((2, 3, 3), dtype=np.uint8)
    img[0, 0] = 255
    q = compress(img, 2, seed=0)
    assert q.n_colors == 2 and q.bits_per_pixel == 1 and q.compression_ratio == 24
    with pytest.warns(UserWarning):
        one = compress(np.zeros((2, 2, 3), dtype=np.uint8), 2)
    assert one.n_colors == 1 and one.bits_per_pixel == 1


def test_k_above_distinct_colors_warns_and_keeps_all_colors():
    img = np.array([[[1, 2, 3], [4, 5, 6]], [[1, 2, 3], [7, 8, 9]]], dtype=np.uint8)
    with pytest.warns(UserWarning, match="only 3 distinct colors"):
        q = compress(img, 5, seed=0)
    assert q.n_colors == 3 and q.mse == 0.0
    np.testing.assert_array_equal(q.image, img)


def test_k_equal_to_distinct_colors_is_lossless_without_warning():
    img = np.array([[[1, 2, 3], [4, 5, 6]]], dtype=np.uint8)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        q = compress(img, 2)
    assert q.mse == 0.0


def test_k_one_gives_the_mean_color(crop):
    q = compress(crop, 1, seed=0)
    np.testing.assert_array_equal(q.palette[0], np.rint(crop.reshape(-1, 3).mean(0)))


def test_elbow_rows_are_compress_results_and_decrease(cat):
    df = elbow(cat, range(1, 9), seed=0)
    assert list(df.columns) == ["k", "sse", "mse"] and df["k"].tolist() == list(range(1, 9))
    sse = df["sse"].to_numpy()
    assert np.all(np.diff(sse) <= 1e-3 * sse[:-1])
    assert df["sse"][3] == compress(cat, 4, seed=0).sse
    np.testing.assert_allclose(df["mse"], df["sse"] / cat.size)


def test_elbow_progress_bar_runs(cat, capsys):
    assert len(elbow(cat, [2, 3], progress=True)) == 2


def test_find_elbow_on_synthetic_curve():
    k = np.arange(1, 11)
    sse = np.where(k <= 4, 1000 - 220 * (k - 1), 340 - 10 * (k - 4))  # sharp knee at 4
    assert find_elbow(pd.DataFrame({"k": k, "sse": sse})) == 4
    assert find_elbow(pd.DataFrame({"k": k[::-1], "sse": sse[::-1]})) == 4


def test_find_elbow_on_hyperbola_picks_the_bend():
    k = np.arange(1, 21)
    assert find_elbow(pd.DataFrame({"k": k, "sse": 1.0 / k})) in (3, 4, 5)


def test_find_elbow_returns_a_k_of_the_table():
    df = pd.DataFrame({"k": [2.0, 5.0, 9.0, 14.0], "sse": [100.0, 20.0, 15.0, 12.0]})
    knee = find_elbow(df)
    assert knee == 5 and isinstance(knee, int)
    assert find_elbow(pd.DataFrame({"k": [3, 4, 5], "sse": [7, 7, 7]})) == 3  # flat: no knee


@pytest.mark.parametrize(
    ("df", "error", "match"),
    [
        ([1, 2, 3], TypeError, "DataFrame"),
        (pd.DataFrame({"k": [1, 2, 3]}), ValueError, "missing"),
        (pd.DataFrame({"k": [1, 2], "sse": [2.0, 1.0]}), ValueError, "at least 3 rows"),
        (pd.DataFrame({"k": [1, 1, 2], "sse": [2.0, 1.0, 0.5]}), ValueError, "distinct"),
        (pd.DataFrame({"k": [1, 2.5, 3], "sse": [2.0, 1.0, 0.5]}), ValueError, "whole"),
        (pd.DataFrame({"k": [1, 2, 3], "sse": [2.0, np.nan, 0.5]}), ValueError, "finite"),
        (pd.DataFrame({"k": [1, 2, 3], "sse": ["a", "b", "c"]}), ValueError, "numbers"),
    ],
)
def test_find_elbow_rejects_bad_frames(df, error, match):
    with pytest.raises(error, match=match):
        find_elbow(df)


@pytest.mark.parametrize(
    ("img", "k", "error", "match"),
    [
        (np.zeros((4, 4, 3), np.uint8), 0, ValueError, "k must be"),
        (np.zeros((4, 4, 3), np.uint8), 2.5, TypeError, "k must be"),
        (np.zeros((4, 4, 3), np.uint8), True, TypeError, "k must be"),
        (np.zeros((4, 4, 3), np.uint8), MAX_K + 1, ValueError, f"1..{MAX_K}"),
        (np.full((4, 4, 3), np.nan), 2, TypeError, "uint8"),
        (np.zeros((4, 4, 3), np.float64), 2, TypeError, "uint8"),
        (np.zeros((0, 4, 3), np.uint8), 2, ValueError, "empty"),
        (np.zeros((4, 4), np.uint8), 2, ValueError, "shape"),
        ("photo.png", 2, TypeError, "load_image"),
    ],
)
def test_bad_inputs_raise_clear_errors(img, k, error, match):
    with pytest.raises(error, match=match):
        compress(img, k)


def test_bad_init_and_seed_raise(crop):
    with pytest.raises(ValueError, match="init must be one of"):
        compress(crop, 3, init="kmeans")
    with pytest.raises(ValueError, match="shape"):
        compress(crop, 3, init=np.zeros((2, 3)))
    with pytest.raises(TypeError, match="seed"):
        compress(crop, 3, seed=1.5)


@pytest.mark.parametrize(("ks", "error", "match"), [
    ([], ValueError, "at least one"), ([1, 2.5], TypeError, r"ks\[1\]"),
    ([0, 1], ValueError, r"ks\[0\]"), ("123", TypeError, "iterable"),
    ([MAX_K + 1], ValueError, f"1..{MAX_K}")])
def test_elbow_rejects_bad_ks(cat, ks, error, match):
    with pytest.raises(error, match=match):
        elbow(cat, ks)
