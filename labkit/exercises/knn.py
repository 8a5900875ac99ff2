"""Checks for the exercises of ``notebooks/04_knn_agent.ipynb``.

The student writes the p × p patch features (reference: :func:`labkit.patches.patch_features`
with ``border="edge"``), the vote of the six neighbours (reference:
:func:`labkit.knn.vote_labels`) and the test error (reference: :func:`labkit.metrics.rmse`).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from labkit.exercises.checking import Case, Exercise
from labkit.exercises.compare import Mistake, need_array, need_number, show
from labkit.knn import vote_labels
from labkit.metrics import rmse
from labkit.patches import patch_features

NOTEBOOK = "04_knn_agent"


# --- 04-patch-features ----------------------------------------------------------------------


def _patches_reference(gray, patch=3):
    return patch_features(gray, patch, border="edge")


def _patches_cases() -> list[Case]:
    gray = np.arange(12, dtype=np.uint8).reshape(3, 4) * 10
    rng = np.random.default_rng(6)
    return [
        Case({"gray": gray, "patch": 3}),
        Case({"gray": gray, "patch": 1}),
        Case({"gray": rng.integers(0, 256, (4, 5)).astype(np.uint8), "patch": 5},
             note="gray = a 4×5 image, patch = 5 (larger than the image is high)"),
        Case({"gray": gray.tolist(), "patch": 3}, kind="list"),
        Case({"gray": rng.integers(0, 256, (9, 7)).astype(np.uint8), "patch": 3},
             note="gray = a 9×7 image, patch = 3"),
    ]


def _patches_compare(got, expected, case: Case) -> None:
    gray = np.asarray(case.args["gray"], dtype=np.uint8)
    (H, W), p = gray.shape, case.args["patch"]
    n, d = H * W, p * p
    if isinstance(got, np.ndarray) and got.ndim == 2 and got.shape[1] == d and len(got) < n:
        interior = (H - p + 1) * (W - p + 1)
        what = ("the interior pixels only" if len(got) == interior
                else "fewer than one per pixel (an off-by-one at the border?)")
        raise Mistake(f"X has {len(got)} rows, {what}; expected H·W = {n}: pad the image by "
                      f"p // 2 = {p // 2} on every side so that every pixel gets a patch")
    if isinstance(got, np.ndarray) and got.shape == (H, W, d):
        raise Mistake(f"X has shape {got.shape}; expected ({n}, {d}), one row per pixel: "
                      f"reshape it to (H * W, p * p)")
    got = need_array(got, "X", (n, d), "uint8")
    if np.array_equal(got, expected):
        return
    bad = [int(i) for i in np.flatnonzero((got != expected).any(axis=1))]
    i = bad[0]
    r, c = divmod(i, W)
    at = (f"the patch of pixel ({r}, {c}) (row {i} of X) is {show(got[i].reshape(p, p))}; "
          f"expected {show(expected[i].reshape(p, p))}")
    order = expected.reshape(H, W, d).transpose(1, 0, 2).reshape(n, d)
    if np.array_equal(got, order):
        raise Mistake(f"{at}: the rows follow the pixels column by column; expected row by row "
                      f"(pixel (r, c) is row r * W + c)")
    transposed = expected.reshape(n, p, p).transpose(0, 2, 1).reshape(n, d)
    if np.array_equal(got, transposed):
        raise Mistake(f"{at}: the patch is read column by column; read it row by row "
                      f"(.reshape(-1) of the p × p window)")
    r0 = p // 2
    inner = [j for j in bad if r0 <= j // W < H - r0 and r0 <= j % W < W - r0]
    if not inner:
        zero = np.pad(gray, r0)[r:r + p, c:c + p].reshape(-1)
        how = ("pads with zeros (black)" if np.array_equal(got[i], zero)
               else "is off at the border (an off-by-one?)")
        raise Mistake(f"{at}: every patch inside the image is right, but the border {how}; "
                      f"repeat the outermost pixels: np.pad(gray, p // 2, mode='edge')")
    raise Mistake(f"{at}: take the p × p window centred on the pixel, in a copy of the image "
                  f"padded by p // 2 on every side (np.pad(gray, p // 2, mode='edge'))")


PATCH_FEATURES = Exercise(
    id="04-patch-features", notebook=NOTEBOOK, function="patch_features",
    reference=_patches_reference, cases=_patches_cases, compare=_patches_compare,
    covers="3×3, 1×1 and 5×5 patches, the border, row-major order, lists as input")


# --- 04-vote --------------------------------------------------------------------------------


def _vote_reference(neighbor_labels, k):
    return vote_labels(neighbor_labels, k, vote="majority")


def _vote_cases() -> list[Case]:
    rng = np.random.default_rng(7)
    return [
        Case({"neighbor_labels": np.array([[3, 1, 1, 1, 1, 0]]), "k": 5}),
        Case({"neighbor_labels": np.array([[3, 1, 1, 1, 0, 2]]), "k": 5}, kind="half"),
        Case({"neighbor_labels": np.array([[4, 4, 4, 1, 1, 1]]), "k": 5}, kind="tie"),
        Case({"neighbor_labels": np.array([[2, 4, 0, 4, 0, 1]]), "k": 5}, kind="tie"),
        Case({"neighbor_labels": np.array([[3, 1, 1, 1, 1, 0], [3, 1, 1, 1, 0, 2],
                                           [2, 4, 0, 4, 0, 1]]), "k": 5}),
        Case({"neighbor_labels": [[0, 2, 2, 1, 2], [1, 0, 0, 2, 2]], "k": 3}, kind="list"),
        Case({"neighbor_labels": rng.integers(0, 3, (40, 6)), "k": 3},
             note="neighbor_labels = 40 random rows of 6 labels in 0..2, k = 3"),
    ]


def _vote_compare(got, expected, case: Case) -> None:
    votes = np.asarray(case.args["neighbor_labels"])
    m, n = votes.shape
    if isinstance(got, np.ndarray) and got.shape == (n,) and m != n:
        raise Mistake(f"labels has shape ({n},), one per neighbour; expected ({m},), one per "
                      f"query: count the votes along each row (axis=1)")
    got = need_array(got, "labels", (m,), "int")
    wrong = np.flatnonzero(got != expected)
    if not wrong.size:
        return
    i = int(wrong[0])
    row, want, g = votes[i], int(expected[i]), int(got[i])
    counts = np.bincount(row, minlength=case.args["k"])
    top = int(counts.max())
    at = f"query {i} with neighbours {show(row)} (nearest first) got {g}; expected {want}"
    if 2 * counts[g] == n:
        raise Mistake(f"{at}: {counts[g]} of {n} votes is not more than half, so there is no "
                      f"majority and the nearest neighbour's color decides (not the smallest "
                      f"label)")
    if 2 * top <= n and g == row[-1] and g != row.min():
        raise Mistake(f"{at}: that is the farthest neighbour's color; without a majority the "
                      f"nearest decides, the first in the row")
    if 2 * top <= n and g == row.min():
        raise Mistake(f"{at}: without a majority the nearest neighbour's color (the first in "
                      f"the row) decides, not the smallest label")
    raise Mistake(f"{at}: a color with more than half of the votes wins, else the nearest "
                  f"neighbour's color")


VOTE = Exercise(
    id="04-vote", notebook=NOTEBOOK, function="vote",
    reference=_vote_reference, cases=_vote_cases, compare=_vote_compare,
    covers="majority, 3 of 6 is no majority, ties go to the nearest, lists as input")


# --- 04-rmse --------------------------------------------------------------------------------


def _rmse_reference(a, b):
    return rmse(a, b)


def _rmse_cases() -> list[Case]:
    rng = np.random.default_rng(8)
    a = rng.integers(0, 256, (2, 3, 3)).astype(np.uint8)
    return [
        Case({"a": np.zeros(4), "b": np.array([1.0, 1.0, 1.0, 5.0])}),
        Case({"a": np.array([0.0, 3.0, 250.0]), "b": np.array([3.0, 0.0, 255.0])}),
        Case({"a": np.array([0, 3, 250], np.uint8), "b": np.array([3, 0, 255], np.uint8)},
             kind="uint8"),
        Case({"a": a, "b": rng.integers(0, 256, (2, 3, 3)).astype(np.uint8)}, kind="image",
             note="a, b = two 2×3 uint8 images"),
        Case({"a": [0, 0, 0, 0], "b": [1, 1, 1, 5]}, kind="list"),
    ]


def _rmse_compare(got, expected, case: Case) -> None:
    if isinstance(got, np.ndarray) and got.ndim > 0:
        raise Mistake(f"it returned an array of shape {got.shape}; expected one number: take "
                      f"the mean over every value (np.mean without axis)")
    got = need_number(got, "rmse")
    if np.isclose(got, expected, rtol=1e-9):
        return
    a = np.asarray(case.args["a"], dtype=float)
    b = np.asarray(case.args["b"], dtype=float)
    sq = (a - b) ** 2
    at = f"rmse is {show(got)}; expected {show(expected)}"
    if np.isclose(got, sq.mean(), rtol=1e-9):
        raise Mistake(f"{at}: that is the MSE; take its square root")
    if np.isclose(got, np.sqrt(sq.sum()), rtol=1e-9) or np.isclose(got, sq.sum(), rtol=1e-9):
        raise Mistake(f"{at}: that uses the sum of the squared errors; take their mean")
    if np.isclose(got, np.abs(a - b).mean(), rtol=1e-9):
        raise Mistake(f"{at}: that is the mean absolute error (MAE); square the errors")
    if case.kind == "uint8" or case.kind == "image":
        raise Mistake(f"{at}: with uint8 images a - b wraps around (0 - 3 is 253); convert to "
                      f"float first (a.astype(float))")
    raise Mistake(f"{at}: RMSE = sqrt(mean((a - b) ** 2))")


RMSE = Exercise(
    id="04-rmse", notebook=NOTEBOOK, function="rmse",
    reference=_rmse_reference, cases=_rmse_cases, compare=_rmse_compare,
    covers="the square root of the mean, uint8 images, lists as input")

EXERCISES = (PATCH_FEATURES, VOTE, RMSE)


def check_patch_features(function: Callable) -> Callable:
    """Check ``patch_features(gray, patch) -> X``; return the one to use."""
    return PATCH_FEATURES.check(function)


def check_vote(function: Callable) -> Callable:
    """Check ``vote(neighbor_labels, k) -> labels``; return the one to use."""
    return VOTE.check(function)


def check_rmse(function: Callable) -> Callable:
    """Check ``rmse(a, b) -> float``; return the one to use."""
    return RMSE.check(function)
