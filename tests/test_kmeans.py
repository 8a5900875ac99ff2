"""Tests of labkit.kmeans (the taught loop) against scikit-learn, brute force and k-means'
own invariants."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from labkit.images import load_image
from labkit.kmeans import ALGORITHMS, assign_labels, init_centroids, kmeans, update_centroids

sklearn_cluster = pytest.importorskip("sklearn.cluster")


@pytest.fixture(scope="module")
def crop_pixels():
    """Pixels of a 60×100 crop of the cat photo, float64 (6000, 3)."""
    img = load_image("chelsea")[100:160, 150:250]
    return img.reshape(-1, 3).astype(np.float64)


@pytest.fixture(scope="module")
def photo_pixels():
    """Every 15th pixel of the coffee photo: 16k real colors."""
    return load_image("coffee").reshape(-1, 3)[::15].astype(np.float64)


def _sklearn(X, k, init, sample_weight=None):
    model = sklearn_cluster.KMeans(k, init=init, n_init=1, algorithm="lloyd", tol=0,
                                   max_iter=300)
    return model.fit(X, sample_weight=sample_weight)


@pytest.mark.parametrize("k", [2, 5, 9])
def test_same_init_gives_sklearn_centroids_labels_and_inertia(crop_pixels, k):
    init = crop_pixels[np.random.default_rng(k).choice(len(crop_pixels), k, replace=False)]
    ours = kmeans(crop_pixels, k, init=init, tol=0)
    ref = _sklearn(crop_pixels, k, init)
    np.testing.assert_allclose(ours.centroids, ref.cluster_centers_, rtol=0, atol=1e-8)
    np.testing.assert_array_equal(ours.labels, ref.labels_)
    assert ours.inertia == pytest.approx(ref.inertia_, rel=1e-9)
    assert ours.converged


def test_same_init_and_weights_give_sklearn_centroids(crop_pixels):
    weights = np.random.default_rng(0).uniform(0.1, 3.0, len(crop_pixels))
    init = crop_pixels[[0, 1000, 2000, 3000, 4000, 5000]]
    ours = kmeans(crop_pixels, 6, init=init, tol=0, sample_weight=weights)
    ref = _sklearn(crop_pixels, 6, init, sample_weight=weights)
    np.testing.assert_allclose(ours.centroids, ref.cluster_centers_, atol=1e-8)
    assert ours.inertia == pytest.approx(ref.inertia_, rel=1e-9)


@pytest.mark.parametrize("k", [4, 12])
def test_kmeans_plusplus_inertia_within_one_percent_of_sklearn(photo_pixels, k):
    ours = np.median([kmeans(photo_pixels, k, seed=s).inertia for s in range(3)])
    ref = np.median([
        sklearn_cluster.KMeans(k, n_init=1, random_state=s).fit(photo_pixels).inertia_
        for s in range(3)
    ])
    assert ours <= 1.01 * ref


def test_integer_weights_equal_repeated_points(crop_pixels):
    X = crop_pixels[:400]
    repeats = np.random.default_rng(1).integers(1, 4, len(X))
    init = X[[0, 50, 100, 150]]
    weighted = kmeans(X, 4, init=init, tol=0, sample_weight=repeats)
    repeated = kmeans(np.repeat(X, repeats, axis=0), 4, init=init, tol=0)
    np.testing.assert_allclose(weighted.centroids, repeated.centroids, atol=1e-9)
    assert weighted.inertia == pytest.approx(repeated.inertia, rel=1e-9)


def test_zero_weight_points_do_not_move_centroids():
    X = np.array([[0.0], [1.0], [10.0], [11.0], [1000.0]])
    res = kmeans(X, 2, init=[[0.0], [10.0]], sample_weight=[1, 1, 1, 1, 0])
    np.testing.assert_allclose(np.sort(res.centroids[:, 0]), [0.5, 10.5])


def test_empty_cluster_is_reseeded_not_nan():
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [10.0, 10.0], [10.0, 11.0], [30.0, 30.0]])
    far = [[0.0, 0.0], [10.0, 10.0], [1e6, 1e6]]  # the third centroid attracts nobody
    res = kmeans(X, 3, init=far)
    assert np.isfinite(res.centroids).all() and np.isfinite(res.centroid_history).all()
    assert len(np.unique(res.centroids, axis=0)) == 3
    assert set(res.labels) == {0, 1, 2}


def test_random_init_on_photo_never_gives_nan(photo_pixels):
    res = kmeans(photo_pixels, 12, init="random", seed=3)
    assert np.isfinite(res.centroids).all()
    assert len(np.unique(res.labels)) == 12


def test_update_centroids_reseeds_empty_cluster_at_costliest_point():
    X = np.array([[0.0], [1.0], [2.0], [9.0]])
    assert update_centroids(X, [0, 0, 0, 0], 2).tolist() == [[3.0], [9.0]]  # 9: farthest


def test_update_centroids_keeps_old_centroid_when_no_point_can_reseed_it():
    X = np.array([[1.0], [1.0], [5.0]])
    out = update_centroids(X, [0, 0, 1], 3, old_centroids=[[0.0], [5.0], [7.0]])
    assert out.tolist() == [[1.0], [5.0], [7.0]]


def test_same_seed_gives_bit_identical_results(photo_pixels):
    a = kmeans(photo_pixels, 8, seed=42)
    b = kmeans(photo_pixels, 8, seed=np.random.default_rng(42))
    assert a.centroids.tobytes() == b.centroids.tobytes()
    assert np.array_equal(a.labels, b.labels) and a.inertia == b.inertia


def test_result_shapes_and_history(photo_pixels):
    res = kmeans(photo_pixels, 5, seed=0)
    assert res.centroids.shape == (5, 3) and res.centroids.dtype == np.float64 and res.k == 5
    assert res.labels.shape == (len(photo_pixels),) and res.labels.dtype == np.intp
    assert res.inertia_history.shape == (res.n_iter,)
    assert res.centroid_history.shape == (res.n_iter + 1, 5, 3)
    assert res.inertia_history[-1] == res.inertia
    np.testing.assert_array_equal(res.centroid_history[-1], res.centroids)
    assert np.all(np.diff(res.inertia_history) <= 1e-9 * res.inertia_history[0])


def test_labels_are_nearest_final_centroids(photo_pixels):
    res = kmeans(photo_pixels, 7, seed=1, tol=0.5)  # stopped by the tolerance
    d2 = ((photo_pixels[:, None, :] - res.centroids[None]) ** 2).sum(2)
    np.testing.assert_allclose(d2[np.arange(len(d2)), res.labels], d2.min(1), atol=1e-6)
    assert res.inertia == pytest.approx(d2.min(1).sum(), rel=1e-12)


def test_max_iter_stops_and_reports_not_converged(photo_pixels):
    res = kmeans(photo_pixels, 16, seed=0, max_iter=2, tol=0)
    assert res.n_iter == 2 and not res.converged


def test_tol_stops_when_centroids_move_less(photo_pixels):
    res = kmeans(photo_pixels, 8, seed=0, tol=1.0)
    last_shift = np.sqrt(((res.centroid_history[-1] - res.centroid_history[-2]) ** 2).sum(1))
    assert res.converged and last_shift.max() < 1.0


def test_e_step_matches_brute_force_loop():
    rng = np.random.default_rng(5)
    X = rng.uniform(0, 255, (300, 3))
    C = rng.uniform(0, 255, (6, 3))
    labels, sq = assign_labels(X, C)
    for i, x in enumerate(X):
        dists = [float(((x - c) ** 2).sum()) for c in C]
        assert labels[i] == int(np.argmin(dists))
        assert sq[i] == pytest.approx(min(dists), rel=1e-12, abs=1e-12)


def test_e_step_over_many_blocks_matches_brute_force():
    """3000 centroids: the E-step handles the points a few hundred at a time."""
    rng = np.random.default_rng(7)
    X = rng.uniform(0, 255, (1000, 3))
    C = rng.uniform(0, 255, (3000, 3))
    labels, sq = assign_labels(X, C)
    d2 = ((X[:, None, :] - C[None]) ** 2).sum(2)
    np.testing.assert_array_equal(labels, d2.argmin(1))
    np.testing.assert_allclose(sq, d2.min(1), rtol=1e-12)


def test_e_step_breaks_ties_to_the_first_centroid():
    labels, _ = assign_labels([[1.0, 0.0], [5.0, 5.0]], [[0.0, 0.0], [2.0, 0.0], [5.0, 5.0]])
    assert labels.tolist() == [0, 2]


def test_m_step_matches_weighted_means():
    rng = np.random.default_rng(6)
    X = rng.uniform(0, 255, (200, 3))
    labels = rng.integers(0, 4, 200)
    w = rng.uniform(0.5, 2, 200)
    C = update_centroids(X, labels, 4, sample_weight=w)
    for j in range(4):
        np.testing.assert_allclose(C[j], np.average(X[labels == j], axis=0, weights=w[labels == j]))


def test_pixels_init_gives_distinct_data_points():
    X = np.array([[0.0, 0.0]] * 50 + [[1.0, 1.0]] * 50 + [[5.0, 5.0]])
    C = init_centroids(X, 3, "pixels", seed=0)
    assert len(np.unique(C, axis=0)) == 3
    assert all(any((c == x).all() for x in X) for c in C)


def test_pixels_init_with_too_few_distinct_points_raises():
    X = np.array([[0.0, 0.0]] * 5 + [[1.0, 1.0]] * 5)
    with pytest.raises(ValueError, match="distinct"):
        init_centroids(X, 3, "pixels", seed=0)


def test_random_init_lies_in_bounding_box(photo_pixels):
    C = init_centroids(photo_pixels, 20, "random", seed=0)
    assert (C >= photo_pixels.min(0)).all() and (C <= photo_pixels.max(0)).all()


def test_kmeans_plusplus_picks_far_apart_points():
    X = np.array([[0.0], [0.1], [100.0], [100.1], [200.0]])
    C = init_centroids(X, 3, seed=0)
    assert sorted(np.round(C[:, 0] / 100).tolist()) == [0, 1, 2]


def test_fewer_distinct_points_than_k_gives_no_nan():
    X = np.array([[1.0, 2.0]] * 5 + [[3.0, 4.0]] * 5)
    res = kmeans(X, 4, seed=0)
    assert np.isfinite(res.centroids).all() and res.inertia == 0.0


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_huge_finite_values_are_refused_in_one_sentence(algorithm):
    with pytest.raises(ValueError, match=r"X must have values within ±1e\+100"):
        kmeans([[1e300, 0.0], [0.0, 1e300], [1.0, 1.0]], 2, seed=0, algorithm=algorithm)


def test_large_values_below_the_limit_cluster_fine():
    X = np.array([[0.0], [1.0], [1e90], [1e90 + 1e75]])
    res = kmeans(X, 2, seed=0)
    assert np.isfinite(res.inertia) and sorted(np.bincount(res.labels).tolist()) == [2, 2]


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "match"),
    [
        (([[1.0, 2.0]], 0), {}, ValueError, "k must be"),
        (([[1.0, 2.0]], 2.5), {}, TypeError, "k must be"),
        (([[1.0, 2.0]], True), {}, TypeError, "k must be"),
        (([[1.0, 2.0]], 2), {}, ValueError, "k must be an integer in 1..1"),
        (([[np.nan, 2.0]], 1), {}, ValueError, "finite"),
        ((np.empty((0, 3)), 1), {}, ValueError, "at least one point"),
        ((np.zeros(5), 1), {}, ValueError, "2-D"),
        ((np.zeros((4, 3)), 2), {"init": "kmeans"}, ValueError, "init must be one of"),
        ((np.zeros((4, 3)), 2), {"init": np.zeros((3, 3))}, ValueError, r"shape \(2, 3\)"),
        ((np.zeros((4, 3)), 2), {"sample_weight": [1, 1, -1, 1]}, ValueError, "non-negative"),
        ((np.zeros((4, 3)), 2), {"sample_weight": [0, 0, 0, 0]}, ValueError, "all zero"),
        ((np.zeros((4, 3)), 2), {"sample_weight": [1, 1]}, ValueError, "shape"),
        ((np.zeros((4, 3)), 2), {"tol": -1}, ValueError, "tol"),
        ((np.zeros((4, 3)), 2), {"max_iter": 0}, ValueError, "max_iter"),
        ((np.zeros((4, 3)), 2), {"algorithm": "elkan"}, ValueError, "algorithm must be one of"),
        (("abc", 2), {}, TypeError, "X must be"),
    ],
)
def test_bad_arguments_raise_clear_errors(args, kwargs, error, match):
    with pytest.raises(error, match=match):
        kmeans(*args, **kwargs)


def test_bad_labels_and_centroids_raise_clear_errors():
    with pytest.raises(ValueError, match="labels must hold labels 0..1"):
        update_centroids([[0.0], [1.0]], [0, 2], 2)
    with pytest.raises(TypeError, match="labels must hold integer labels"):
        update_centroids([[0.0], [1.0]], [0.0, 1.0], 2)
    with pytest.raises(ValueError, match=r"centroids must have shape \(1, 2\)"):
        assign_labels([[0.0, 0.0]], [[1.0, 2.0, 3.0]])


@settings(max_examples=40, deadline=None)
@given(
    X=arrays(np.float64, st.tuples(st.integers(1, 40), st.integers(1, 3)),
             elements=st.floats(-100, 100, width=32)),
    k=st.integers(1, 6),
    seed=st.integers(0, 2**16),
    init=st.sampled_from(["k-means++", "random"]),
    algorithm=st.sampled_from(ALGORITHMS),
)
def test_property_labels_in_range_and_inertia_non_increasing(X, k, seed, init, algorithm):
    k = min(k, len(X))
    res = kmeans(X, k, init=init, seed=seed, algorithm=algorithm)
    assert res.labels.min() >= 0 and res.labels.max() < k
    assert np.isfinite(res.centroids).all()
    scale = 1e-9 * (1.0 + res.inertia_history[0]) if res.n_iter else 0
    assert np.all(np.diff(res.inertia_history) <= scale)
    d2 = ((X[:, None, :] - res.centroids[None]) ** 2).sum(2)
    assert res.inertia == pytest.approx(d2.min(1).sum(), rel=1e-7, abs=1e-6)
