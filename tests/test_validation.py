"""labkit.validation: the basic agent's settings scored on held-out columns of the left half,
cross-checked against scikit-learn's nearest-neighbour classifier and plain NumPy."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.neighbors import KNeighborsClassifier

import labkit as lk
from labkit.validation import GridSearch, grid_search


@pytest.fixture(scope="module")
def photo():
    """A 24 × 40 crop of the cat: varied gray values, so few distance ties."""
    return lk.load_image("chelsea")[120:144, 150:190]


def _reference(img, k, patch, n_neighbors, cut, seed=0):
    """Accuracy and RMSE on the held-out columns, by scikit-learn and NumPy alone."""
    half = img.shape[1] // 2
    left = img[:, :half]
    q = lk.compress(left, k, seed=seed)
    labels = q.labels.astype(int)
    X = lk.patch_features(lk.to_gray(img), patch).reshape(img.shape[0], img.shape[1], -1)
    X_fit = X[:, :cut].reshape(-1, patch * patch).astype(float)
    X_held = X[:, cut:half].reshape(-1, patch * patch).astype(float)
    knn = KNeighborsClassifier(n_neighbors=n_neighbors, algorithm="brute")
    pred = knn.fit(X_fit, labels[:, :cut].ravel()).predict(X_held)
    painted = q.palette[pred].reshape(img.shape[0], half - cut, 3).astype(float)
    accuracy = np.mean(pred == labels[:, cut:].ravel())
    rmse = np.sqrt(np.mean((painted - left[:, cut:].astype(float)) ** 2))
    return accuracy, rmse


def test_table_has_one_row_per_combination_k_slowest_then_patch_then_neighbors(photo):
    search = grid_search(photo, neighbors=(3, 1), patches=(3, 1), ks=(4, 2))
    table = search.table
    assert isinstance(search, GridSearch)
    assert table.columns.tolist() == ["k", "patch", "neighbors", "accuracy", "rmse"]
    assert list(zip(table["k"], table["patch"], table["neighbors"])) == [
        (4, 3, 3), (4, 3, 1), (4, 1, 3), (4, 1, 1), (2, 3, 3), (2, 3, 1), (2, 1, 3), (2, 1, 1)]


def test_the_rightmost_quarter_of_the_left_half_is_held_out(photo):
    search = grid_search(photo, neighbors=(1,), patches=(1,))
    assert search.fit_columns == range(0, 15) and search.holdout_columns == range(15, 20)
    other = grid_search(photo, neighbors=(1,), patches=(1,), holdout=0.5)
    assert other.fit_columns == range(0, 10) and other.holdout_columns == range(10, 20)


@pytest.mark.parametrize("patch", [3, 5])
def test_one_neighbour_scores_match_scikit_learn(photo, patch):
    row = grid_search(photo, neighbors=(1,), patches=(patch,), ks=(4,)).table.iloc[0]
    accuracy, rmse = _reference(photo, 4, patch, 1, cut=15)
    assert row["accuracy"] == pytest.approx(accuracy, abs=1e-12)
    assert row["rmse"] == pytest.approx(rmse, rel=1e-12)


def test_three_neighbours_with_two_colors_match_scikit_learn(photo):
    # with 2 colors and 3 votes a majority always exists, so the two votes agree
    row = grid_search(photo, neighbors=(3,), patches=(3,), ks=(2,)).table.iloc[0]
    accuracy, rmse = _reference(photo, 2, 3, 3, cut=15)
    assert row["accuracy"] == pytest.approx(accuracy, abs=1e-12)
    assert row["rmse"] == pytest.approx(rmse, rel=1e-12)


def test_scores_are_those_of_the_agent_learning_on_the_fitting_columns(photo):
    row = grid_search(photo, neighbors=(6,), patches=(3,), ks=(3,)).table.iloc[0]
    gray, left = lk.to_gray(photo), photo[:, :20]
    q = lk.compress(left, 3, seed=0)
    agent = lk.KNNAgent(k=3, neighbors=6, patch=3, search="brute")
    agent.fit(lk.patches.column_features(gray, 0, 15), q.labels[:, :15].ravel())
    pred = agent.predict(lk.patches.column_features(gray, 15, 20))
    assert row["accuracy"] == pytest.approx(np.mean(pred == q.labels[:, 15:].ravel()))


def test_best_is_the_setting_with_the_lowest_rmse_and_colorize_takes_it(photo):
    search = grid_search(photo, neighbors=(1, 6), patches=(1, 3), ks=(3, 5))
    row = search.table.sort_values("rmse", kind="stable").iloc[0]
    assert search.best == {"k": row["k"], "patch": row["patch"], "neighbors": row["neighbors"]}
    c = lk.colorize(photo, agent="knn", seed=0, **search.best)
    assert (c.agent.k, c.agent.patch, c.agent.neighbors) == (row["k"], row["patch"],
                                                             row["neighbors"])


def test_best_breaks_a_tie_in_favour_of_the_first_row():
    table = pd.DataFrame({"k": [5, 5], "patch": [3, 1], "neighbors": [6, 6],
                          "accuracy": [0.5, 0.6], "rmse": [2.0, 2.0]})
    search = GridSearch(table=table, fit_columns=range(0, 3), holdout_columns=range(3, 4))
    assert search.best == {"k": 5, "patch": 3, "neighbors": 6}


def test_the_right_half_colors_are_never_looked_at(photo):
    # the same gray photo and left half, but the right half painted in its own gray
    other = photo.copy()
    other[:, 20:] = lk.to_gray(photo)[:, 20:, None]
    assert np.array_equal(lk.to_gray(other), lk.to_gray(photo))
    a = grid_search(photo, neighbors=(1, 6), patches=(3,))
    b = grid_search(other, neighbors=(1, 6), patches=(3,))
    pd.testing.assert_frame_equal(a.table, b.table)


def test_the_same_seed_gives_the_same_table(photo):
    a = grid_search(photo, neighbors=(3,), patches=(1, 3), ks=(4,), seed=7)
    b = grid_search(photo, neighbors=(3,), patches=(1, 3), ks=(4,), seed=7)
    pd.testing.assert_frame_equal(a.table, b.table)


def test_an_int_seed_gives_the_palette_of_colorize(photo):
    c = lk.colorize(photo, agent="knn", seed=3, k=4, neighbors=1, patch=3)
    row = grid_search(photo, neighbors=(1,), patches=(3,), ks=(4,), seed=3,
                      holdout=0.25).table.iloc[0]
    accuracy, _ = _reference(photo, 4, 3, 1, cut=15, seed=3)
    assert len(c.palette) == 4 and row["accuracy"] == pytest.approx(accuracy, abs=1e-12)


@pytest.mark.parametrize("kwargs, error", [
    ({"holdout": 0.0}, ValueError),
    ({"holdout": 1.0}, ValueError),
    ({"holdout": 0.01}, ValueError),       # rounds to 0 of 20 columns
    ({"holdout": -0.5}, ValueError),
    ({"holdout": "a quarter"}, TypeError),
    ({"patches": (2,)}, ValueError),
    ({"patches": (3.0,)}, TypeError),
    ({"neighbors": ()}, ValueError),
    ({"neighbors": (1, 1)}, ValueError),
    ({"neighbors": (24 * 15 + 1,)}, ValueError),   # more than the patches learned from
    ({"ks": (0,)}, ValueError),
    ({"vote": "unanimous"}, ValueError),
    ({"seed": -1}, ValueError),
])
def test_bad_settings_are_refused_with_the_usual_exception(photo, kwargs, error):
    with pytest.raises(error):
        grid_search(photo, **kwargs)


def test_a_float_image_is_refused(photo):
    with pytest.raises(TypeError, match="img"):
        grid_search(photo / 255.0)


def test_the_message_names_the_holdout_and_the_columns(photo):
    with pytest.raises(ValueError, match=r"holdout must keep 1 to 19 of the left half's 20"):
        grid_search(photo, holdout=0.99)


def _majority_reference(img, k, patch, n_neighbors, cut, plurality=False):
    """Accuracy by a NumPy brute force, ties in (distance, index) order, and a Python vote."""
    half = img.shape[1] // 2
    labels = lk.compress(img[:, :half], k, seed=0).labels.astype(int)
    X = lk.patch_features(lk.to_gray(img), patch).reshape(img.shape[0], img.shape[1], -1)
    X_fit = X[:, :cut].reshape(-1, patch * patch).astype(np.int64)
    X_held = X[:, cut:half].reshape(-1, patch * patch).astype(np.int64)
    y_fit, y_held = labels[:, :cut].ravel(), labels[:, cut:].ravel()
    d2 = ((X_held[:, None, :] - X_fit[None, :, :]) ** 2).sum(axis=2)      # exact integers
    pred = []
    for row in d2:
        nearest = np.lexsort((np.arange(len(row)), row))[:n_neighbors]
        votes = y_fit[nearest]
        counts = np.bincount(votes, minlength=k)
        if plurality:
            pred.append(next(v for v in votes if counts[v] == counts.max()))
        else:
            best = counts.argmax()
            pred.append(best if 2 * counts[best] > n_neighbors else votes[0])
    return np.mean(np.array(pred) == y_held)


def test_six_neighbours_vote_by_majority_else_the_nearest():
    rng = np.random.default_rng(4)
    img = rng.integers(0, 256, (16, 24, 3)).astype(np.uint8)   # noisy: votes often split
    majority = _majority_reference(img, 4, 3, 6, cut=9)
    plurality = _majority_reference(img, 4, 3, 6, cut=9, plurality=True)
    assert majority != plurality  # the case tells the two votes apart
    for vote, expected in (("majority", majority), ("plurality", plurality)):
        row = grid_search(img, neighbors=(6,), patches=(3,), ks=(4,), vote=vote).table.iloc[0]
        assert row["accuracy"] == pytest.approx(expected, abs=1e-12)


def test_a_holdout_that_rounds_to_no_column_is_refused_by_name(photo):
    with pytest.raises(ValueError, match=r"holdout must keep 1 to 19 .* \(0 columns\)"):
        grid_search(photo, holdout=0.01)
