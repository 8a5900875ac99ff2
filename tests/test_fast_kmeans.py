"""The engine (labkit._fast: blocks, lloyd, histogram) against the taught k-means and brute
force: the accelerated loop reaches the taught loop's fixed point from the same start, and
each shortcut (margins, ties, codes, bins, palette skip) gives what a plain search gives."""

from __future__ import annotations

import os

import numpy as np
import pytest

from labkit._fast.blocks import (SERIAL_QUERY, can_split, cores, in_halves, label_sums,
                                 nearest_two, one_thread, query, row_norms_sq)
from labkit._fast.histogram import (coarse, encode, nearest_palette, of_image, refine,
                                    round_palette, small_pages)
from labkit._fast.lloyd import hamerly
from labkit.images import load_image
from labkit.kmeans import assign_labels, init_centroids, kmeans, update_centroids

sklearn_cluster = pytest.importorskip("sklearn.cluster")


@pytest.fixture(scope="module")
def photo_pixels():
    """Every 15th pixel of the coffee photo: 16k real colors (integers, many ties)."""
    return load_image("coffee").reshape(-1, 3)[::15].astype(np.float64)


@pytest.fixture(scope="module")
def crop():
    return np.ascontiguousarray(load_image("coffee")[120:240, 200:360])


def _brute_sq(X, C):
    return ((X[:, None, :].astype(np.float64) - C[None].astype(np.float64)) ** 2).sum(2)


@pytest.mark.parametrize("k", [3, 16, 60])  # 60: the k-d tree and the neighbour bounds
@pytest.mark.parametrize("init", ["k-means++", "random"])
def test_hamerly_reaches_the_taught_fixed_point_from_the_same_start(photo_pixels, k, init):
    start = init_centroids(photo_pixels, k, init, seed=k)
    taught = kmeans(photo_pixels, k, init=start, tol=0)
    fast = kmeans(photo_pixels, k, init=start, tol=0, algorithm="hamerly")
    assert fast.converged and taught.converged
    np.testing.assert_array_equal(fast.labels, taught.labels)
    np.testing.assert_allclose(fast.centroids, taught.centroids, atol=1e-6)
    assert fast.n_iter == taught.n_iter
    assert fast.inertia == pytest.approx(taught.inertia, rel=1e-12)


@pytest.mark.parametrize("step, k", [
    (150, 60),  # 1,600 points: the k-d tree with the plain bound (too few per centroid)
    (6, 50),  # 40k points: the neighbour bounds, each E-step in two halves on two threads
])
def test_hamerly_with_the_tree_reaches_the_taught_fixed_point(step, k):
    pixels = load_image("coffee").reshape(-1, 3)[::step].astype(np.float64)
    start = init_centroids(pixels, k, seed=2)
    taught = kmeans(pixels, k, init=start, tol=0)
    fast = kmeans(pixels, k, init=start, tol=0, algorithm="hamerly")
    np.testing.assert_array_equal(fast.labels, taught.labels)
    np.testing.assert_allclose(fast.centroids, taught.centroids, atol=1e-6)
    assert fast.n_iter == taught.n_iter


def test_hamerly_with_weights_matches_sklearn(photo_pixels):
    weights = np.random.default_rng(0).uniform(0.1, 3.0, len(photo_pixels))
    start = photo_pixels[[0, 3000, 6000, 9000, 12000]]
    fast = kmeans(photo_pixels, 5, init=start, tol=0, sample_weight=weights,
                  algorithm="hamerly")
    ref = sklearn_cluster.KMeans(5, init=start, n_init=1, algorithm="lloyd", tol=0).fit(
        photo_pixels, sample_weight=weights)
    np.testing.assert_allclose(fast.centroids, ref.cluster_centers_, atol=1e-8)
    assert fast.inertia == pytest.approx(ref.inertia_, rel=1e-9)


def test_hamerly_reseeds_an_empty_cluster_as_the_taught_m_step(photo_pixels):
    start = np.vstack([photo_pixels[[0, 5000, 10000]], [[1e4, 1e4, 1e4]]])  # one attracts none
    taught = kmeans(photo_pixels, 4, init=start, tol=0)
    fast = kmeans(photo_pixels, 4, init=start, tol=0, algorithm="hamerly")
    np.testing.assert_array_equal(fast.labels, taught.labels)
    np.testing.assert_allclose(fast.centroid_history, taught.centroid_history, atol=1e-6)


def test_hamerly_history_matches_the_taught_history(photo_pixels):
    start = init_centroids(photo_pixels, 6, seed=1)
    taught = kmeans(photo_pixels, 6, init=start, tol=0.01)
    fast = kmeans(photo_pixels, 6, init=start, tol=0.01, algorithm="hamerly")
    np.testing.assert_allclose(fast.centroid_history, taught.centroid_history, atol=1e-6)
    np.testing.assert_allclose(fast.inertia_history, taught.inertia_history, rtol=1e-9)


def test_float32_over_relaxed_loop_ends_at_a_fixed_point_no_worse_than_plain(photo_pixels):
    weights = np.ones(len(photo_pixels))
    start = init_centroids(photo_pixels, 16, seed=3)
    plain = hamerly(photo_pixels, start, weights, max_iter=300, tol=0.05)
    relaxed = hamerly(photo_pixels, start, weights, max_iter=300, tol=0.05, relax=1.8,
                      dtype=np.float32)
    assert relaxed.converged and relaxed.n_iter < plain.n_iter
    means = update_centroids(photo_pixels, assign_labels(photo_pixels, relaxed.centroids)[0], 16)
    np.testing.assert_allclose(means, relaxed.centroids, atol=0.05)
    assert relaxed.inertia <= plain.inertia * 1.001


@pytest.mark.parametrize("k", [12, 80])
def test_returned_margins_are_lower_bounds_of_the_exact_margins(photo_pixels, k):
    weights = np.ones(len(photo_pixels))
    start = init_centroids(photo_pixels, k, seed=2)
    run = hamerly(photo_pixels, start, weights, max_iter=300, tol=0.2, relax=1.8,
                  dtype=np.float32)
    d = np.sqrt(_brute_sq(photo_pixels, run.centroids))
    nearest = np.sort(d, axis=1)[:, :2]
    assert np.all(run.margin <= nearest[:, 1] - nearest[:, 0])
    sure = run.margin > 0
    np.testing.assert_array_equal(run.labels[sure], d.argmin(1)[sure])


@pytest.mark.parametrize("k", [1, 2, 7, 47, 48, 300])  # block scan below 48, tree from 48
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_nearest_two_matches_sorting_with_ties_to_the_lowest_index(k, dtype):
    rng = np.random.default_rng(k)
    X = rng.integers(0, 12, size=(3000, 3)).astype(dtype)  # a small grid: ties everywhere
    C = rng.integers(0, 12, size=(k, 3)).astype(dtype)  # duplicated centroids too
    labels, d1, d2 = nearest_two(X, C, row_norms_sq(X))
    sq = _brute_sq(X, C)
    np.testing.assert_array_equal(labels, sq.argmin(1))  # argmin: the first on a tie
    ordered = np.sqrt(np.sort(sq, axis=1))
    np.testing.assert_allclose(d1, ordered[:, 0], atol=1e-3)
    np.testing.assert_allclose(d2, ordered[:, 1] if k > 1 else np.inf, atol=1e-3)


def test_label_sums_match_a_loop():
    rng = np.random.default_rng(4)
    labels, w, X = rng.integers(0, 5, 100), rng.uniform(0, 2, 100), rng.normal(size=(100, 3))
    mass, sums = label_sums(labels, 6, w, X)
    for j in range(6):
        assert mass[j] == pytest.approx(w[labels == j].sum())
        np.testing.assert_allclose(sums[j], (w[labels == j, None] * X[labels == j]).sum(0),
                                   atol=1e-12)


@pytest.mark.parametrize("shape", [(1, 1), (3, 5), (1100, 1000)])  # the last: two threads
def test_histogram_matches_numpy_unique(shape):
    rng = np.random.default_rng(0)
    img = rng.integers(0, 256, size=(*shape, 3), dtype=np.uint8)
    img[: shape[0] // 2] = img[0, 0]  # many repeats too
    hist = of_image(img)
    colors, counts = np.unique(img.reshape(-1, 3), axis=0, return_counts=True)
    np.testing.assert_array_equal(hist.colors, colors)
    np.testing.assert_array_equal(hist.counts, counts)
    codes = img.reshape(-1, 3).astype(np.uint32) @ np.array([1 << 16, 1 << 8, 1], np.uint32)
    np.testing.assert_array_equal(hist.pixel_codes, codes)


@pytest.mark.parametrize("shape", [(1, 1), (7, 9), (1100, 1000)])  # the last: two threads
def test_encode_gives_every_pixel_its_colors_label(shape):
    rng = np.random.default_rng(1)
    img = rng.integers(0, 256, size=(*shape, 3), dtype=np.uint8)
    hist = of_image(img)
    labels = rng.integers(0, 256, size=len(hist.codes))
    _, inverse = np.unique(img.reshape(-1, 3), axis=0, return_inverse=True)
    np.testing.assert_array_equal(encode(hist, labels), labels[inverse.ravel()].reshape(shape))


@pytest.mark.parametrize("bits", [3, 5, 6])
def test_coarse_bins_match_grouping_the_colors_by_their_top_bits(crop, bits):
    hist = of_image(crop)
    means, mass = coarse(hist, bits)
    keys, group = np.unique(hist.colors >> (8 - bits), axis=0, return_inverse=True)
    group = group.ravel()
    ref_mass = np.bincount(group, weights=hist.counts)
    ref_means = np.stack([np.bincount(group, weights=hist.counts * hist.colors[:, c])
                          for c in range(3)], axis=1) / ref_mass[:, None]
    assert len(keys) == len(mass)
    np.testing.assert_array_equal(mass, ref_mass)  # same order: bins sorted by (R, G, B)
    np.testing.assert_allclose(means, ref_means, rtol=1e-12)


@pytest.mark.parametrize("k", [24, 120])
def test_palette_labels_from_margins_match_a_full_search(k):
    """The margin skip of round_palette (keep the centroid's palette color when the
    margin is wide) against brute force, on centroids just off half-integers."""
    rng = np.random.default_rng(3)
    img = rng.integers(0, 256, size=(100, 200, 3), dtype=np.uint8)
    hist = of_image(img)
    centroids = rng.uniform(0, 255, size=(k, 3)) + 0.5 - 1e-9
    fit = refine(hist, centroids)  # exact-color labels and margins for the skip
    palette = round_palette(hist, fit)
    np.testing.assert_array_equal(palette.labels,
                                  _brute_sq(hist.colors, palette.colors).argmin(1))
    sq = _brute_sq(hist.colors, palette.colors).min(1)
    assert palette.sse == int(round(float(sq @ hist.counts)))


def test_nearest_palette_uses_exact_integer_distances():
    colors = np.array([[10, 10, 10], [0, 0, 1]], dtype=np.uint8)
    palette = np.array([[9, 10, 10], [11, 10, 10], [0, 0, 0], [0, 0, 2]], dtype=np.uint8)
    assert nearest_palette(colors, palette).tolist() == [0, 2]  # exact ties: the first


@pytest.mark.parametrize("n", [SERIAL_QUERY // 10, 3 * SERIAL_QUERY + 1])  # 1 thread, then 2
def test_tree_query_matches_brute_force_on_one_thread_and_on_many(n):
    from pykdtree.kdtree import KDTree

    rng = np.random.default_rng(n)
    C = rng.uniform(0, 255, size=(256, 3)).astype(np.float32)
    X = rng.uniform(0, 255, size=(n, 3)).astype(np.float32)
    dist, index = query(KDTree(C), X, 3)
    sq = _brute_sq(X, C)
    np.testing.assert_array_equal(index, np.argsort(sq, axis=1)[:, :3])  # no ties here
    np.testing.assert_allclose(dist, np.sqrt(np.sort(sq, axis=1)[:, :3]), rtol=1e-5)


def test_halves_run_on_two_threads_that_do_not_split_again():
    import threading

    seen = in_halves(lambda rows: (rows, threading.get_ident(), can_split()), 11)
    assert [part[0] for part in seen] == [slice(0, 5), slice(5, 11)]
    assert all(part[1] != threading.get_ident() for part in seen)
    assert not any(part[2] for part in seen)  # a nested query inside runs on its own thread
    assert can_split() == (cores() >= 2)
    parted = in_halves(lambda rows: rows, 11, 3)  # parted elsewhere than in the middle
    assert parted == [slice(0, 3), slice(3, 11)]


def _query_in_child(C, X, out):
    from pykdtree.kdtree import KDTree

    out.put(query(KDTree(C), X, 3)[1])


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this system")
def test_tree_queries_still_answer_in_a_process_forked_after_the_parent_used_its_threads():
    """A forked child has none of the parent's worker threads: without starting its own,
    a large query would wait forever."""
    import multiprocessing

    from pykdtree.kdtree import KDTree

    rng = np.random.default_rng(5)
    C = rng.uniform(0, 255, size=(64, 3)).astype(np.float32)
    X = rng.uniform(0, 255, size=(3 * SERIAL_QUERY, 3)).astype(np.float32)
    expected = query(KDTree(C), X, 3)[1]  # the parent's two threads now exist
    context = multiprocessing.get_context("fork")
    out = context.Queue()
    child = context.Process(target=_query_in_child, args=(C, X, out))
    child.start()
    try:
        np.testing.assert_array_equal(out.get(timeout=60), expected)
    finally:
        child.join(timeout=10)
        if child.is_alive():
            child.kill()
    assert child.exitcode == 0


@pytest.mark.parametrize("user_api", [None, "openmp", "blas"])
def test_one_thread_limits_the_thread_pools_and_restores_them(user_api):
    threadpoolctl = pytest.importorskip("threadpoolctl")
    import pykdtree.kdtree  # noqa: F401 (its OpenMP runtime)

    def counts():
        return {(p["user_api"], p["filepath"]): p["num_threads"]
                for p in threadpoolctl.threadpool_info()}

    before = counts()
    with one_thread(user_api):
        inside = counts()
    assert counts() == before
    for (api, path), n in inside.items():
        if user_api in (None, api):
            assert n == 1, (api, path)
        else:
            assert n == before[api, path]


@pytest.mark.parametrize("shape", [(100, 100), (1000, 1000)])  # below and from 1 MP
def test_small_pages_turns_numpys_huge_pages_off_for_large_photos_and_restores_them(shape):
    core = np._core if hasattr(np, "_core") else np.core
    toggle = getattr(core.multiarray, "_set_madvise_hugepage", None)
    if toggle is None:
        pytest.skip("this NumPy has no huge-page switch")
    before = toggle(True)
    try:
        with pytest.raises(RuntimeError), small_pages(np.zeros((*shape, 3), np.uint8)):
            inside = toggle(False)
            toggle(inside)
            raise RuntimeError
        assert inside is (shape[0] * shape[1] < 1_000_000)
        assert toggle(True) is True  # restored, even after an exception
    finally:
        toggle(before)
