"""Tests of labkit.knn: exact neighbours (checked by distance) and the vote rules."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.neighbors import NearestNeighbors

from labkit.images import load_image, to_gray
from labkit.knn import KNNAgent, brute_force_kneighbors, vote_labels
from labkit.patches import column_features

BACKENDS = ["pykdtree", "scipy", "pruned", "brute"]


@pytest.fixture(scope="module")
def halves():
    """Left and right 3×3 patches of a 40×80 crop of the cat: many tied distances."""
    gray = to_gray(load_image("chelsea")[120:160, 150:230])
    return column_features(gray, 0, 40), column_features(gray, 40, 80)


def naive_sq_distances(train, queries, n):
    """The n smallest squared distances per query, one query at a time (exact integers)."""
    t = train.astype(np.int64)
    return np.array([np.sort(((t - q.astype(np.int64)) ** 2).sum(1))[:n] for q in queries])


def test_brute_force_distances_match_a_per_query_loop(halves):
    train, queries = halves
    d, idx = brute_force_kneighbors(train, queries[:300], 6)
    np.testing.assert_array_equal(d, np.sqrt(naive_sq_distances(train, queries[:300], 6)))
    # the indices point at patches at those distances
    sq = ((train[idx].astype(np.int64) - queries[:300, None].astype(np.int64)) ** 2).sum(-1)
    np.testing.assert_array_equal(sq, np.rint(d**2))


@pytest.mark.parametrize("backend", BACKENDS)
def test_every_backend_finds_the_brute_force_distances(halves, backend):
    train, queries = halves
    agent = KNNAgent(backend=backend).fit(train, np.zeros(len(train), int))
    d, idx = agent.kneighbors(queries)
    ref_d, _ = brute_force_kneighbors(train, queries, 6)
    np.testing.assert_array_equal(d, ref_d)
    sq = ((train[idx].astype(np.int64) - queries[:, None].astype(np.int64)) ** 2).sum(-1)
    np.testing.assert_array_equal(sq, np.rint(d**2))
    assert (np.diff(d, axis=1) >= 0).all()


@pytest.mark.parametrize("backend", ["pykdtree", "pruned"])
def test_backends_are_exact_for_wide_patches_too(backend):
    rng = np.random.default_rng(1)
    train = rng.integers(0, 256, size=(500, 49), dtype=np.uint8)
    queries = rng.integers(0, 256, size=(100, 49), dtype=np.uint8)
    agent = KNNAgent(patch=7, backend=backend).fit(train, np.zeros(500, int))
    np.testing.assert_array_equal(agent.kneighbors(queries)[0],
                                  brute_force_kneighbors(train, queries, 6)[0])


def test_distances_match_scikit_learn_exact_kd_tree(halves):
    train, queries = halves
    ref, _ = NearestNeighbors(n_neighbors=6, algorithm="kd_tree").fit(train).kneighbors(queries)
    d, _ = KNNAgent().fit(train, np.zeros(len(train), int)).kneighbors(queries)
    np.testing.assert_allclose(d, ref, rtol=0, atol=1e-9)


@pytest.mark.parametrize("backend", BACKENDS)
def test_predictions_are_deterministic(halves, backend):
    train, queries = halves
    y = np.random.default_rng(0).integers(0, 5, len(train))
    first = KNNAgent(backend=backend).fit(train, y).predict(queries)
    again = KNNAgent(backend=backend).fit(train.copy(), y.copy()).predict(queries.copy())
    np.testing.assert_array_equal(first, again)


def test_majority_vote_needs_more_than_half_the_neighbours():
    labels = np.array([
        [1, 2, 2, 2, 2, 0],   # 4 of 6 → 2
        [1, 2, 2, 2, 0, 0],   # 3 of 6 is not a majority → nearest, 1
        [0, 1, 1, 1, 0, 0],   # 3–3 tie → nearest, 0
        [3, 3, 3, 3, 3, 3],   # unanimous
    ])
    np.testing.assert_array_equal(vote_labels(labels, 4), [2, 1, 0, 3])


def test_plurality_vote_takes_the_most_frequent_and_breaks_ties_by_nearest():
    labels = np.array([
        [1, 2, 2, 2, 0, 0],   # 3 votes for 2 → 2
        [0, 1, 1, 0, 2, 2],   # three-way 2–2–2 tie → 0 is nearest
        [2, 1, 1, 2, 0, 3],   # 2–2 tie between 1 and 2 → 2 is nearest
        [3, 0, 1, 1, 2, 2],   # tie of 1 and 2 (two each), nearest of those is 1
    ])
    np.testing.assert_array_equal(vote_labels(labels, 4, "plurality"), [2, 0, 2, 1])


def test_agent_uses_the_majority_of_its_nearest_patches():
    X = np.array([[0], [1], [2], [3], [4], [5], [100]], dtype=np.uint8)
    y = np.array([0, 1, 1, 1, 1, 0, 2])
    agent = KNNAgent(k=3, neighbors=6, patch=1).fit(X, y)
    assert agent.predict(np.array([[0]], np.uint8)).tolist() == [1]       # 4 of 6 say 1
    agent = KNNAgent(k=3, neighbors=6, patch=1).fit(X, [0, 1, 1, 1, 0, 0, 2])
    assert agent.predict(np.array([[0]], np.uint8)).tolist() == [0]       # 3–3 → nearest


def test_unfitted_agent_and_bad_inputs_raise_clear_errors():
    agent = KNNAgent(k=2, patch=1, neighbors=2)
    with pytest.raises(RuntimeError, match="fit"):
        agent.predict(np.zeros((1, 1), np.uint8))
    with pytest.raises(ValueError, match="shape"):
        agent.fit(np.zeros((3, 9), np.uint8), [0, 1, 0])
    with pytest.raises(ValueError, match="labels 0..1"):
        agent.fit(np.zeros((3, 1), np.uint8), [0, 1, 2])
    with pytest.raises(ValueError, match="at least 2 training patches"):
        agent.fit(np.zeros((1, 1), np.uint8), [0])
    with pytest.raises(TypeError, match="integer"):
        agent.fit(np.zeros((3, 1)), [0, 1, 0])
    with pytest.raises(ValueError, match="patch"):
        KNNAgent(patch=4)
    with pytest.raises(ValueError, match="vote"):
        KNNAgent(vote="average")
    with pytest.raises(ValueError, match="backend"):
        KNNAgent(backend="faiss")
