"""Tests of labkit.compress: palette, labels, k-means fixed point, PNG, elbow."""

from __future__ import annotations

import importlib
import io
import warnings

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from labkit.compress import color_histogram, compress, elbow, find_elbow
from labkit.images import load_image

# The package exports the function compress under the module's name: fetch the module.
lc = importlib.import_module("labkit.compress")

sklearn_cluster = pytest.importorskip("sklearn.cluster")


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


@pytest.mark.parametrize("k", [2, 8, 32])
def test_labels_are_nearest_palette_colors(crop, k):
    q = compress(crop, k, seed=1)
    d2 = _brute_sq_dist(crop.reshape(-1, 3), q.palette)
    # Exact integer distances; on a tie the lowest palette index, as argmin.
    np.testing.assert_array_equal(q.labels.ravel(), d2.argmin(1))


def test_palette_labels_from_margins_match_a_full_search():
    """The shortcut of _encode (keep the centroid's palette color when the margin is
    wide) against brute force, on centroids far from integers and colors everywhere."""
    kmeans_module = importlib.import_module("labkit.kmeans")
    rng = np.random.default_rng(3)
    colors = rng.integers(0, 256, size=(20000, 3)).astype(np.uint8)
    centroids = rng.uniform(0, 255, size=(24, 3)) + 0.5 - np.float64(1e-9)
    X = colors.astype(np.float64)
    x_sq = kmeans_module._row_norms_sq(X)
    labels, margin = kmeans_module._nearest_with_margin(X, centroids, x_sq)  # exact, float64
    fit = lc._Fit(centroids, 0, labels, margin)
    palette, _, where = lc._palette(centroids)
    got = lc._palette_labels(colors, palette, fit, where)
    np.testing.assert_array_equal(got, _brute_sq_dist(colors, palette).argmin(1))


@pytest.mark.parametrize("bits", [3, 5, 6])
def test_coarse_histogram_matches_grouping_the_colors_by_bin(crop, bits):
    colors, counts = color_histogram(crop)
    codes = lc._color_codes(colors[None])
    means, mass = lc._coarse_histogram(codes, colors, counts, bits)
    # Independent reference: group the colors by their top bits with np.unique.
    keys, group = np.unique(colors >> (8 - bits), axis=0, return_inverse=True)
    group = group.ravel()
    ref_mass = np.bincount(group, weights=counts)
    ref_means = np.stack([np.bincount(group, weights=counts * colors[:, c]) for c in range(3)],
                         axis=1) / ref_mass[:, None]
    np.testing.assert_array_equal(mass, ref_mass)  # np.unique sorts keys as the bin index
    np.testing.assert_allclose(means, ref_means, rtol=1e-12)
    assert len(keys) == len(mass)


def test_palette_drops_duplicates_and_maps_every_centroid():
    centroids = np.array([[5.2, 5, 5], [0.2, 0, 0], [0.4, 0, 0], [4.8, 5, 5]])
    palette, kept, where = lc._palette(centroids)
    assert palette.tolist() == [[5, 5, 5], [0, 0, 0]]
    assert kept.tolist() == [0, 1] and where.tolist() == [0, 1, 1, 0]


def test_mse_and_sse_match_direct_computation(q8, crop):
    err = (q8.image.astype(np.float64) - crop) ** 2
    assert q8.mse == pytest.approx(err.mean(), rel=1e-12)
    assert q8.sse == pytest.approx(err.sum(), rel=1e-12)


@pytest.mark.parametrize("k", [3, 12])
def test_result_is_a_kmeans_fixed_point(cat, k):
    q = compress(cat, k, seed=1)
    pixels = cat.reshape(-1, 3).astype(np.float64)
    # Nearest unrounded centroid of every pixel (brute force), then the mean of each cluster.
    d2 = ((pixels[:, None, :] - q.centroids[None]) ** 2).sum(2)
    labels = d2.argmin(1)
    means = np.array([pixels[labels == j].mean(0) for j in range(len(q.centroids))])
    np.testing.assert_allclose(means, q.centroids, atol=lc._REFINE_TOL)
    # The palette is the rounded centroids, and each palette color is near its pixels' mean.
    np.testing.assert_array_equal(q.palette, np.rint(q.centroids).astype(np.uint8))
    by_palette = np.array([pixels[q.labels.ravel() == j].mean(0) for j in range(q.n_colors)])
    assert np.abs(by_palette - q.palette).max() <= 0.5 + lc._REFINE_TOL + 0.1


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


def test_same_seed_gives_identical_result(crop):
    a, b = compress(crop, 6, seed=7), compress(crop, 6, seed=7)
    assert a.palette.tobytes() == b.palette.tobytes()
    assert np.array_equal(a.labels, b.labels) and a.mse == b.mse


@pytest.mark.parametrize("init", ["random", "pixels"])
def test_other_inits_work(crop, init):
    q = compress(crop, 6, seed=0, init=init)
    assert q.n_colors == 6 and np.isfinite(q.mse)


def test_large_image_path_uses_coarse_stage(monkeypatch, crop):
    monkeypatch.setattr(lc, "_COARSE_MIN_COLORS", 10**9)  # force the direct path
    direct = compress(crop, 8, seed=0)
    monkeypatch.undo()
    coarse = compress(crop, 8, seed=0)
    assert coarse.mse <= 1.02 * direct.mse


@pytest.mark.parametrize("large", [False, True])
def test_coarse_stage_tries_more_starts_on_large_photos(monkeypatch, crop, large):
    starts = []
    real_init = lc._init_centroids
    monkeypatch.setattr(lc, "_init_centroids", lambda *a: starts.append(1) or real_init(*a))
    monkeypatch.setattr(lc, "_LARGE_PIXELS", crop.shape[0] * crop.shape[1] + (0 if large else 1))
    compress(crop, 8, seed=0)
    assert len(starts) == (lc._COARSE_STARTS_LARGE if large else lc._COARSE_STARTS)


def test_indexed_png_round_trip(q8, tmp_path):
    path = q8.save(tmp_path / "small.png")
    with Image.open(path) as im:
        assert im.mode == "P"
        assert im.getpalette()[: 3 * q8.n_colors] == q8.palette.ravel().tolist()
        np.testing.assert_array_equal(np.asarray(im), q8.labels)
        np.testing.assert_array_equal(np.asarray(im.convert("RGB")), q8.image)
    with Image.open(io.BytesIO(q8.png_bytes())) as im:
        assert im.mode == "P"


def test_save_refuses_to_overwrite(q8, tmp_path):
    path = tmp_path / "x.png"
    path.write_bytes(b"keep me")
    with pytest.raises(FileExistsError, match="overwrite=True"):
        q8.save(path)
    assert path.read_bytes() == b"keep me"
    q8.save(path, overwrite=True)
    assert path.read_bytes() != b"keep me"


def test_save_refuses_non_png_name(q8, tmp_path):
    with pytest.raises(ValueError, match=".png"):
        q8.save(tmp_path / "x.jpg")


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


def test_elbow_reuses_compress_and_decreases(cat):
    df = elbow(cat, range(1, 9), seed=0)
    assert list(df.columns) == ["k", "sse", "mse"] and df["k"].tolist() == list(range(1, 9))
    sse = df["sse"].to_numpy()
    assert np.all(np.diff(sse) <= 1e-3 * sse[:-1])
    assert df["sse"][3] == compress(cat, 4, seed=0).sse
    np.testing.assert_allclose(df["mse"], df["sse"] / cat.size)


def test_elbow_progress_bar_runs(cat, capsys):
    df = elbow(cat, [2, 3], progress=True)
    assert len(df) == 2


def test_find_elbow_on_synthetic_curve():
    k = np.arange(1, 11)
    sse = np.where(k <= 4, 1000 - 220 * (k - 1), 340 - 10 * (k - 4))  # sharp knee at 4
    assert find_elbow(pd.DataFrame({"k": k, "sse": sse})) == 4
    shuffled = pd.DataFrame({"k": k[::-1], "sse": sse[::-1]})
    assert find_elbow(shuffled) == 4


def test_find_elbow_on_hyperbola_picks_the_bend():
    k = np.arange(1, 21)
    assert find_elbow(pd.DataFrame({"k": k, "sse": 1.0 / k})) in (3, 4, 5)


@pytest.mark.parametrize(
    ("df", "error"),
    [
        ([1, 2, 3], TypeError),
        (pd.DataFrame({"k": [1, 2, 3]}), ValueError),
        (pd.DataFrame({"k": [1, 2], "sse": [2.0, 1.0]}), ValueError),
        (pd.DataFrame({"k": [1, 1, 2], "sse": [2.0, 1.0, 0.5]}), ValueError),
        (pd.DataFrame({"k": [1, 2, 3], "sse": [2.0, np.nan, 0.5]}), ValueError),
    ],
)
def test_find_elbow_rejects_bad_frames(df, error):
    with pytest.raises(error):
        find_elbow(df)


@pytest.mark.parametrize(
    ("img", "k", "error", "match"),
    [
        (np.zeros((4, 4, 3), np.uint8), 0, ValueError, "k must be"),
        (np.zeros((4, 4, 3), np.uint8), 2.5, TypeError, "k must be"),
        (np.zeros((4, 4, 3), np.uint8), True, TypeError, "k must be"),
        (np.zeros((4, 4, 3), np.uint8), 70000, ValueError, "at most"),
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


def test_elbow_rejects_bad_ks(cat):
    with pytest.raises(ValueError):
        elbow(cat, [])
    with pytest.raises(TypeError):
        elbow(cat, [1, 2.5])
    with pytest.raises(ValueError):
        elbow(cat, [0, 1])
