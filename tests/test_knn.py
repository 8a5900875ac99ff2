"""Tests of labkit.knn: exact neighbours (checked by distance), the vote, leave-one-out.

Patch values are integers, so squared distances are exact integers and ties are many:
searches are compared by their distances, never by their indices, and every reference is
computed here independently (scipy's ``cdist``, scikit-learn, integer arithmetic).
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.spatial.distance import cdist
from sklearn.neighbors import NearestNeighbors

from labkit import NotFittedError
from labkit._fast.neighbors import KDTree
from labkit.images import load_image, to_gray
from labkit.knn import KNNAgent, brute_force_kneighbors, vote_labels
from labkit.patches import column_features


@pytest.fixture(scope="module")
def halves():
    """Left and right 3×3 patches of a 40×80 crop of the cat: many tied distances."""
    gray = to_gray(load_image("chelsea")[120:160, 150:230])
    return column_features(gray, 0, 40), column_features(gray, 40, 80)


def cdist_kneighbors(train, queries, n):
    """The n smallest distances per query, from scipy's cdist and a full sort."""
    return np.sort(cdist(queries.astype(float), train.astype(float)), axis=1)[:, :n]


def sq_distances_of(train, queries, idx):
    """Exact integer squared distances from each query to the training rows idx points at."""
    diff = train[idx].astype(np.int64) - queries[:, None].astype(np.int64)
    return (diff**2).sum(-1)


def test_brute_force_matches_scipy_cdist(halves):
    train, queries = halves
    d, idx = brute_force_kneighbors(train, queries, 6)
    np.testing.assert_allclose(d, cdist_kneighbors(train, queries, 6), rtol=0, atol=1e-9)
    np.testing.assert_array_equal(sq_distances_of(train, queries, idx), np.rint(d**2))


def test_brute_force_distances_are_exact_integers_for_patches(halves):
    train, queries = halves
    d, idx = brute_force_kneighbors(train, queries[:300], 6)
    exact = np.sort(((train[None].astype(np.int64) - queries[:300, None]) ** 2).sum(-1), 1)
    np.testing.assert_array_equal(d, np.sqrt(exact[:, :6]))      # sqrt of exact integers


def test_brute_force_rows_are_sorted_by_distance_then_index():
    train = np.array([[2], [0], [1], [1], [0]])
    d, idx = brute_force_kneighbors(train, [[0]], 5)
    assert idx.tolist() == [[1, 4, 2, 3, 0]]
    np.testing.assert_array_equal(d, [[0, 0, 1, 1, 2]])


def test_brute_force_works_on_float_points():
    rng = np.random.default_rng(3)
    train, queries = rng.normal(size=(200, 4)), rng.normal(size=(30, 4))
    d, _ = brute_force_kneighbors(train, queries, 5)
    np.testing.assert_allclose(d, cdist_kneighbors(train, queries, 5), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("search", ["kdtree", "brute"])
def test_agent_finds_the_reference_distances(halves, search):
    train, queries = halves
    agent = KNNAgent(search=search).fit(train, np.zeros(len(train), int))
    d, idx = agent.kneighbors(queries)
    np.testing.assert_allclose(d, cdist_kneighbors(train, queries, 6), rtol=0, atol=1e-9)
    np.testing.assert_array_equal(sq_distances_of(train, queries, idx), np.rint(d**2))
    assert (np.diff(d, axis=1) >= 0).all()


def test_tree_and_brute_force_give_the_same_distances_bit_for_bit(halves):
    train, queries = halves
    y = np.zeros(len(train), int)
    tree = KNNAgent(search="kdtree").fit(train, y).kneighbors(queries)[0]
    brute = KNNAgent(search="brute").fit(train, y).kneighbors(queries)[0]
    np.testing.assert_array_equal(tree, brute)


@pytest.mark.parametrize("library", ["pykdtree", "scipy"])
@pytest.mark.parametrize("patch", [3, 7, 9])
def test_both_tree_libraries_are_exact_for_narrow_and_wide_patches(library, patch):
    # 7×7 is the widest patch searched in float32 by pykdtree, 9×9 switches to float64
    rng = np.random.default_rng(patch)
    d = patch * patch
    train = rng.integers(0, 256, size=(400, d), dtype=np.uint8)
    queries = np.vstack([rng.integers(0, 256, size=(60, d), dtype=np.uint8), train[:20]])
    sq, idx = KDTree(train, library).query(queries, 6)
    exact = np.sort(((train[None].astype(np.int64) - queries[:, None]) ** 2).sum(-1), 1)
    np.testing.assert_array_equal(sq, exact[:, :6])
    np.testing.assert_array_equal(sq_distances_of(train, queries, idx), sq)


def test_distances_match_scikit_learn_exact_kd_tree(halves):
    train, queries = halves
    ref, _ = NearestNeighbors(n_neighbors=6, algorithm="kd_tree").fit(train).kneighbors(queries)
    d, _ = KNNAgent().fit(train, np.zeros(len(train), int)).kneighbors(queries)
    np.testing.assert_allclose(d, ref, rtol=0, atol=1e-9)


@pytest.mark.parametrize("search", ["kdtree", "brute"])
def test_predictions_are_deterministic(halves, search):
    train, queries = halves
    y = np.random.default_rng(0).integers(0, 5, len(train))
    first = KNNAgent(search=search).fit(train, y).predict(queries)
    again = KNNAgent(search=search).fit(train.copy(), y.copy()).predict(queries.copy())
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


def test_vote_refuses_bad_label_tables():
    with pytest.raises(ValueError, match="labels 0..2"):
        vote_labels([[0, 3]], k=3)
    with pytest.raises(ValueError, match="shape"):
        vote_labels([0, 1, 2], k=3)
    with pytest.raises(TypeError, match="integer"):
        vote_labels([[0.5, 1.0]], k=3)
    with pytest.raises(ValueError, match="vote"):
        vote_labels([[0, 1]], k=3, vote="average")


def test_agent_uses_the_majority_of_its_nearest_patches():
    X = np.array([[0], [1], [2], [3], [4], [5], [100]], dtype=np.uint8)
    y = np.array([0, 1, 1, 1, 1, 0, 2])
    agent = KNNAgent(k=3, neighbors=6, patch=1).fit(X, y)
    assert agent.predict(np.array([[0]], np.uint8)).tolist() == [1]       # 4 of 6 say 1
    agent = KNNAgent(k=3, neighbors=6, patch=1).fit(X, [0, 1, 1, 1, 0, 0, 2])
    assert agent.predict(np.array([[0]], np.uint8)).tolist() == [0]       # 3–3 → nearest


def loo_reference(X, y, n, k, extra=0):
    """Leave-one-out by hand: cdist, the diagonal set to infinity, a stable sort, the vote.

    Returns the labels and the n + extra smallest distances of each row."""
    d = cdist(X.astype(float), X.astype(float))
    np.fill_diagonal(d, np.inf)
    order = np.argsort(d, axis=1, kind="stable")[:, :n + extra]
    return vote_labels(y[order[:, :n]], k), np.take_along_axis(d, order, axis=1)


def test_leave_one_out_never_lets_a_patch_vote_for_itself():
    # on a hand-made line each point's own label differs from its neighbours'
    X = np.array([[0], [10], [20], [30], [40]], dtype=np.uint8)
    y = np.array([0, 1, 0, 1, 0])
    agent = KNNAgent(k=2, neighbors=1, patch=1).fit(X, y)
    assert agent.predict(X).tolist() == [0, 1, 0, 1, 0]                  # memorised
    assert agent.predict_leave_one_out().tolist() == [1, 0, 1, 0, 1]      # left out


def test_leave_one_out_counts_an_identical_twin_as_a_neighbour():
    X = np.array([[5], [5], [12], [14]], dtype=np.uint8)
    agent = KNNAgent(k=3, neighbors=1, patch=1).fit(X, [0, 1, 2, 0])
    assert agent.predict_leave_one_out().tolist() == [1, 0, 0, 2]


@pytest.mark.parametrize("search", ["kdtree", "brute"])
def test_leave_one_out_matches_a_cdist_reference_without_ties(search):
    # random 9-D patches: compare the rows where the 6th neighbour is not tied with the 7th
    # (elsewhere which of the tied patches votes is the search's choice)
    rng = np.random.default_rng(7)
    X = rng.integers(0, 256, size=(300, 9), dtype=np.uint8)
    y = rng.integers(0, 4, 300)
    expected, d = loo_reference(X, y, 6, 4, extra=1)
    untied = d[:, 5] < d[:, 6]
    assert untied.mean() > 0.9
    got = KNNAgent(k=4, search=search).fit(X, y).predict_leave_one_out()
    np.testing.assert_array_equal(got[untied], expected[untied])
    assert (got != KNNAgent(k=4, search=search).fit(X, y).predict(X)).any()


def test_leave_one_out_needs_more_patches_than_neighbours():
    agent = KNNAgent(k=2, neighbors=3, patch=1).fit(np.zeros((3, 1), np.uint8), [0, 1, 0])
    with pytest.raises(ValueError, match="neighbors \\+ 1 = 4"):
        agent.predict_leave_one_out()


def test_unfitted_agent_raises_not_fitted_error():
    agent = KNNAgent(k=2, patch=1, neighbors=2)
    for call in (lambda: agent.predict(np.zeros((1, 1), np.uint8)),
                 lambda: agent.kneighbors(np.zeros((1, 1), np.uint8)),
                 agent.predict_leave_one_out):
        with pytest.raises(NotFittedError, match="fit"):
            call()


def test_bad_inputs_raise_clear_errors():
    agent = KNNAgent(k=2, patch=1, neighbors=2)
    with pytest.raises(ValueError, match="shape"):
        agent.fit(np.zeros((3, 9), np.uint8), [0, 1, 0])
    with pytest.raises(ValueError, match="labels 0..1"):
        agent.fit(np.zeros((3, 1), np.uint8), [0, 1, 2])
    with pytest.raises(ValueError, match="at least 2 training patches"):
        agent.fit(np.zeros((1, 1), np.uint8), [0])
    with pytest.raises(TypeError, match="integer"):
        agent.fit(np.zeros((3, 1)), [0, 1, 0])
    with pytest.raises(ValueError, match="0..255"):
        agent.fit(np.full((3, 1), 300), [0, 1, 0])
    fitted = agent.fit(np.zeros((3, 1), np.uint8), [0, 1, 0])
    with pytest.raises(ValueError, match="shape"):
        fitted.predict(np.zeros((2, 4), np.uint8))
    with pytest.raises(ValueError, match="patch"):
        KNNAgent(patch=4)
    with pytest.raises(ValueError, match="vote"):
        KNNAgent(vote="average")
    with pytest.raises(ValueError, match="search"):
        KNNAgent(search="faiss")
    with pytest.raises(ValueError, match="n_neighbors"):
        brute_force_kneighbors([[0], [1]], [[0]], 3)
    with pytest.raises(ValueError, match="columns"):
        brute_force_kneighbors([[0, 1]], [[0]], 1)
    with pytest.raises(TypeError, match="numbers"):
        brute_force_kneighbors([["a"]], [[0]], 1)
