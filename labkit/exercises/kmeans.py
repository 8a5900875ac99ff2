"""Checks for the exercises of ``notebooks/01_kmeans_compression.ipynb``.

The student writes the pieces of k-means (the assignment step, the update step, the loop
with its stopping rule, the ``"pixels"`` start); each check runs the function on small
cases against :mod:`labkit.kmeans` and names the mistake it finds.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from labkit.kmeans import assign_labels, init_centroids, kmeans, update_centroids
from labkit.exercises.checking import Case, Exercise
from labkit.exercises.compare import Mistake, need_array, need_close, need_number, need_parts, show

NOTEBOOK = "01_kmeans_compression"
_UINT8 = ": with uint8 pixels, X - centroids or X**2 wraps around past 255 (250**2 is 36 " \
         "in uint8); convert first with X.astype(float)"


# --- 01-assign-labels --------------------------------------------------------------------


def _assign_reference(X, centroids):
    return assign_labels(X, centroids)


def _assign_cases() -> list[Case]:
    X = np.array([[0.0, 0.0], [9.0, 0.0], [1.0, 1.0], [8.0, 2.0], [5.0, 6.0]])
    C = np.array([[1.0, 0.0], [10.0, 0.0], [5.0, 5.0]])
    tie_X = np.array([[2.0, 0.0], [0.0, 1.0], [4.0, 1.0], [9.0, 8.0]])
    tie_C = np.array([[0.0, 0.0], [9.0, 9.0], [4.0, 0.0]])
    pixels = np.array([[0, 0, 0], [250, 250, 250], [10, 200, 30], [200, 10, 30]], np.uint8)
    colors = np.array([[5, 5, 5], [245, 240, 250], [20, 190, 40]], np.uint8)
    rng = np.random.default_rng(1)
    return [
        Case({"X": X, "centroids": C}),
        Case({"X": tie_X, "centroids": tie_C}, kind="tie"),
        Case({"X": pixels.astype(float), "centroids": colors.astype(float)}),
        Case({"X": pixels, "centroids": colors.astype(float)}, kind="uint8"),
        Case({"X": pixels, "centroids": colors}, kind="uint8"),
        Case({"X": X.tolist(), "centroids": C.tolist()}, kind="list"),
        Case({"X": rng.uniform(0, 255, (200, 3)), "centroids": rng.uniform(0, 255, (7, 3))}),
    ]


def _assign_compare(got, expected, case: Case) -> None:
    labels, sq_dist = need_parts(got, "assign_labels", ("labels", "sq_dist"))
    want_labels, want_sq = expected
    n, k = len(want_labels), len(case.args["centroids"])
    if isinstance(labels, np.ndarray) and labels.shape == (k,):
        raise Mistake(f"labels has shape ({k},), one per centroid; expected ({n},), one per "
                      f"point: take the argmin over the centroids (axis=1 of the (n, k) "
                      f"distances)")
    labels = need_array(labels, "labels", (n,), "int")
    wrong = np.flatnonzero(labels != want_labels)
    if wrong.size:
        i = int(wrong[0])
        if case.kind == "tie" and i == 0:
            raise Mistake(f"point 0 is as close to centroid 0 as to centroid 2; expected the "
                          f"first, 0, got {labels[0]} (np.argmin keeps the first on a tie)")
        hint = _UINT8 if case.kind == "uint8" else ""
        raise Mistake(f"labels[{i}] is {labels[i]}; expected {want_labels[i]}{hint}")
    sq_dist = need_array(sq_dist, "sq_dist", (n,), "float")
    if np.allclose(sq_dist, np.sqrt(want_sq)) and not np.allclose(want_sq, np.sqrt(want_sq)):
        i = int(np.argmax(np.abs(want_sq - np.sqrt(want_sq))))
        raise Mistake(f"sq_dist holds distances, not squared distances (sq_dist[{i}] is "
                      f"{show(sq_dist[i])}, expected {show(want_sq[i])}): drop the square root")
    need_close(sq_dist, want_sq, "sq_dist", rtol=1e-6, atol=1e-6,
               hint=_UINT8[2:] if case.kind == "uint8" else "")


ASSIGN_LABELS = Exercise(
    id="01-assign-labels", notebook=NOTEBOOK, function="assign_labels",
    reference=_assign_reference, cases=_assign_cases, compare=_assign_compare,
    covers="ties, uint8 pixels, lists as input, 200 random points")


# --- 01-update-centroids -------------------------------------------------------------------


def _update_reference(X, labels, k):
    return update_centroids(X, labels, k)


def _update_cases() -> list[Case]:
    X = np.array([[0.0, 0.0], [2.0, 0.0], [10.0, 10.0], [12.0, 10.0], [11.0, 13.0], [20.0, 0.0]])
    labels = np.array([0, 0, 1, 1, 1, 2])
    pixels = np.array([[200, 100, 50], [250, 150, 60], [10, 20, 30], [30, 40, 50]], np.uint8)
    empty_X = np.array([[0.0, 0.0], [1.0, 0.0], [10.0, 0.0], [11.0, 0.0], [30.0, 0.0]])
    rng = np.random.default_rng(2)
    big_labels = np.repeat(np.arange(4), 15)
    return [
        Case({"X": X, "labels": labels, "k": 3}),
        Case({"X": pixels.astype(float), "labels": np.array([0, 0, 1, 1]), "k": 2}),
        Case({"X": pixels, "labels": np.array([0, 0, 1, 1]), "k": 2}, kind="uint8"),
        Case({"X": empty_X, "labels": np.array([0, 0, 2, 2, 2]), "k": 3}, kind="empty"),
        Case({"X": empty_X, "labels": np.zeros(5, dtype=int), "k": 3}, kind="two empty"),
        Case({"X": X.tolist(), "labels": labels.tolist(), "k": 3}, kind="list"),
        Case({"X": rng.uniform(0, 255, (60, 3)), "labels": rng.permutation(big_labels), "k": 4}),
    ]


def _update_compare(got, expected, case: Case) -> None:
    k, d = expected.shape
    got = need_array(got, "centroids", (k, d), "float")
    X = np.asarray(case.args["X"], dtype=float)
    labels = np.asarray(case.args["labels"])
    counts = np.bincount(labels, minlength=k)
    empty = np.flatnonzero(counts == 0)
    for a, b in zip(empty, empty[1:]):
        if np.allclose(got[a], got[b]) and not np.allclose(expected[a], expected[b]):
            raise Mistake(f"the empty clusters {a} and {b} both got the centroid {show(got[a])}; "
                          f"re-seed them one after the other: each at the point farthest from "
                          f"every centroid so far, {show(expected[b])} for cluster {b}")
    for j in range(k):
        if counts[j] == 0:
            far = int(np.argmax(((X - expected[labels]) ** 2).sum(axis=1)))
            if not np.allclose(got[j], expected[j]):
                what = "NaN" if np.isnan(got[j]).any() else show(got[j])
                raise Mistake(f"centroid {j} is {what}, but cluster {j} has no point (an empty "
                              f"cluster): put it on the point farthest from its own centroid, "
                              f"X[{far}] = {show(X[far])}")
            continue
        sums = X[labels == j].sum(axis=0)
        if not np.allclose(got[j], expected[j]) and counts[j] > 1 and np.allclose(got[j], sums):
            raise Mistake(f"centroid {j} is the sum of its {counts[j]} points, "
                          f"{show(got[j])}, not their mean, {show(expected[j])}")
        if case.kind == "uint8" and not np.allclose(got[j], expected[j]):
            raise Mistake(f"centroid {j} is {show(got[j])}; expected {show(expected[j])}: with "
                          f"uint8 pixels the sums wrap around past 255; add them up as floats "
                          f"(X.astype(float))")
    need_close(got, expected, "centroids", rtol=1e-9, atol=1e-9, rows=True,
               hint="each centroid is the mean of the points with its label")


UPDATE_CENTROIDS = Exercise(
    id="01-update-centroids", notebook=NOTEBOOK, function="update_centroids",
    reference=_update_reference, cases=_update_cases, compare=_update_compare,
    covers="means, uint8 pixels, one and two empty clusters, lists as input")


# --- 01-kmeans-loop ------------------------------------------------------------------------


def _loop_reference(X, centroids, max_iter=100):
    res = kmeans(X, len(centroids), init=centroids, max_iter=max_iter, tol=0.0)
    return res.centroids, res.labels, res.n_iter


def _loop_cases() -> list[Case]:
    line = np.array([[0.0], [1.0], [2.0], [3.0], [4.0], [10.0], [11.0], [12.0], [13.0]])
    start = np.array([[0.0], [1.0]])
    rng = np.random.default_rng(3)
    blobs = np.concatenate([rng.normal(c, 1.0, (25, 2)) for c in ((0, 0), (6, 0), (0, 6), (6, 6))])
    return [
        Case({"X": line, "centroids": start, "max_iter": 100}, time_limit=2.0),
        Case({"X": line, "centroids": start, "max_iter": 1}, kind="max_iter", time_limit=2.0),
        Case({"X": line, "centroids": start, "max_iter": 2}, kind="max_iter", time_limit=2.0),
        Case({"X": line.tolist(), "centroids": start.tolist(), "max_iter": 100}, kind="list",
             time_limit=2.0),
        Case({"X": blobs, "centroids": blobs[[0, 1, 2, 3]], "max_iter": 300},
             note="100 points in 4 blobs, starting from the first 4 points", time_limit=5.0),
    ]


def _loop_compare(got, expected, case: Case) -> None:
    centroids, labels, n_iter = need_parts(got, "kmeans_loop", ("centroids", "labels", "n_iter"))
    want_c, want_labels, want_n = expected
    max_iter = case.args["max_iter"]
    n_iter = need_number(n_iter, "n_iter", integer=True)
    if n_iter > max_iter:
        raise Mistake(f"the loop ran {n_iter} iterations, more than max_iter = {max_iter}")
    converged = want_n < max_iter
    if converged and n_iter == max_iter and want_n + 1 < max_iter:
        raise Mistake(f"the loop ran all max_iter = {max_iter} iterations although the labels "
                      f"stopped changing after {want_n}: stop as soon as no label changes")
    centroids = need_array(centroids, "centroids", want_c.shape, "float")
    labels = need_array(labels, "labels", want_labels.shape, "int")
    wrong = int((labels != want_labels).sum())
    if n_iter < want_n and (wrong or not np.allclose(centroids, want_c)):
        rounds = f"{n_iter} iteration" + "s" * (n_iter != 1)
        raise Mistake(f"the loop stopped after {rounds}, but the labels were still changing "
                      f"(labkit's needs {want_n}): stop only when no label changes (or after "
                      f"max_iter iterations)")
    if not converged and wrong == 0 and np.allclose(centroids, want_c) and n_iter != want_n:
        raise Mistake(f"n_iter is {n_iter}; expected {want_n} (the number of update steps run)")
    if not converged and (wrong or not np.allclose(centroids, want_c)):
        raise Mistake(f"after max_iter = {max_iter} iterations the centroids are "
                      f"{show(centroids)}; expected {show(want_c)}: each iteration is one "
                      f"update step, then one assignment step")
    need_close(centroids, want_c, "centroids", rtol=1e-9, atol=1e-9, rows=True)
    need_close(labels, want_labels, "labels", rtol=0, atol=0)
    if converged and n_iter not in (want_n, want_n + 1):
        raise Mistake(f"n_iter is {n_iter}; expected {want_n} (the number of update steps run)")


KMEANS_LOOP = Exercise(
    id="01-kmeans-loop", notebook=NOTEBOOK, function="kmeans_loop",
    reference=_loop_reference, cases=_loop_cases, compare=_loop_compare,
    covers="the stopping rule, max_iter = 1 and 2, lists as input, 4 blobs",
    hang_hint="does the loop stop when no label changes, and after max_iter iterations?")


# --- 01-init-pixels ------------------------------------------------------------------------


def _pixels_reference(X, k, seed):
    return init_centroids(X, k, "pixels", seed=seed)


def _pixels_cases() -> list[Case]:
    X = np.array([[0.0, 0.0], [1.0, 5.0], [7.0, 2.0], [3.0, 3.0], [9.0, 9.0]])
    pixels = np.array([[255, 0, 0], [0, 255, 0], [0, 0, 255], [90, 90, 90]], np.uint8)
    return [
        Case({"X": X, "k": 2, "seed": 0}),
        Case({"X": X, "k": 5, "seed": 1}),
        Case({"X": pixels, "k": 3, "seed": 2}),
        Case({"X": X.tolist(), "k": 3, "seed": 3}, kind="list"),
    ]


def _pixels_compare(got, expected, case: Case) -> None:
    X = np.asarray(case.args["X"], dtype=float)
    k = case.args["k"]
    if isinstance(got, np.ndarray) and got.shape == (k,):
        raise Mistake(f"centroids has shape ({k},); expected ({k}, {X.shape[1]}): return the "
                      f"pixels X[chosen], not their indices")
    got = need_array(got, "centroids", expected.shape, "float")
    for j, row in enumerate(got):
        if not (X == row).all(axis=1).any():
            raise Mistake(f"centroids[{j}] = {show(row)} is not a pixel of X")
    _, counts = np.unique(got, axis=0, return_counts=True)
    if (counts > 1).any():
        raise Mistake("the same pixel was picked twice: draw k different pixels "
                      "(rng.choice(n, size=k, replace=False))")


def _pixels_probe(call: Callable) -> None:
    X = np.array([[0.0, 0.0], [1.0, 5.0], [7.0, 2.0], [3.0, 3.0], [9.0, 9.0], [4.0, 8.0]])
    picks = [call(X=X, k=2, seed=seed) for seed in range(40)]
    for seed, pick in enumerate(picks):  # every seed again: one repeat can match by chance
        if not np.array_equal(np.asarray(call(X=X, k=2, seed=seed)), np.asarray(pick)):
            raise Mistake(f"two calls with X, k = 2, seed = {seed} gave different centroids: "
                          f"draw with rng = np.random.default_rng(seed), not np.random")
    if all(np.array_equal(np.asarray(p), np.asarray(picks[0])) for p in picks):
        raise Mistake("it gave the same centroids for seeds 0 to 39: draw them at "
                      "random with rng = np.random.default_rng(seed)")
    seen = {tuple(row) for p in picks for row in np.asarray(p)}
    if len(seen) < len(X):
        raise Mistake(f"over seeds 0 to 39, with k = 2, it picked only {len(seen)} of "
                      f"the {len(X)} pixels: every pixel should have the same chance")
    for seed in range(40):
        if len(np.unique(np.asarray(call(X=X, k=len(X), seed=seed)), axis=0)) < len(X):
            raise Mistake(f"with k = {len(X)} and seed = {seed} it picked a pixel twice: draw "
                          f"k different pixels (rng.choice(n, size=k, replace=False))")


INIT_PIXELS = Exercise(
    id="01-init-pixels", notebook=NOTEBOOK, function="init_pixels",
    reference=_pixels_reference, cases=_pixels_cases, compare=_pixels_compare,
    probe=_pixels_probe, covers="k distinct pixels, uint8 pixels, lists as input, seeds")

EXERCISES = (ASSIGN_LABELS, UPDATE_CENTROIDS, KMEANS_LOOP, INIT_PIXELS)


def check_assign_labels(function: Callable) -> Callable:
    """Check ``assign_labels(X, centroids) -> (labels, sq_dist)``; return the one to use."""
    return ASSIGN_LABELS.check(function)


def check_update_centroids(function: Callable) -> Callable:
    """Check ``update_centroids(X, labels, k) -> centroids``; return the one to use."""
    return UPDATE_CENTROIDS.check(function)


def check_kmeans_loop(function: Callable) -> Callable:
    """Check ``kmeans_loop(X, centroids, max_iter) -> (centroids, labels, n_iter)``."""
    return KMEANS_LOOP.check(function)


def check_init_pixels(function: Callable) -> Callable:
    """Check ``init_pixels(X, k, seed) -> centroids``; return the one to use."""
    return INIT_PIXELS.check(function)
