"""Checks for the exercises of ``notebooks/02_color_space_3d.ipynb``.

The student repaints every pixel with its cluster's color (:func:`recolor`, whose reference
is written here: three lines of NumPy) and counts the distinct colors of a photo, the
points of its cloud in the RGB cube (reference: :func:`labkit.compress.color_histogram`).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from labkit.compress import color_histogram
from labkit.exercises.checking import Case, Exercise
from labkit.exercises.compare import Mistake, need_array, need_close, need_parts, show

NOTEBOOK = "02_color_space_3d"


# --- 02-recolor -----------------------------------------------------------------------------


def recolor(centroids, labels, shape) -> np.ndarray:
    """Repaint every pixel with its centroid, rounded to the nearest uint8 color.

    Parameters
    ----------
    centroids : array_like of shape (k, 3)
        The cluster colors (floats; values outside 0..255 are clipped).
    labels : array_like of shape (H * W,), int
        The cluster of every pixel, row by row.
    shape : tuple
        The photo's (H, W) (or (H, W, 3): only the first two count).

    Returns
    -------
    image : ndarray of shape (H, W, 3), uint8

    Examples
    --------
    >>> recolor([[10.4, 20.6, 255.7]], [0, 0], (1, 2)).tolist()
    [[[10, 21, 255], [10, 21, 255]]]
    """
    palette = np.clip(np.rint(np.asarray(centroids, dtype=float)), 0, 255).astype(np.uint8)
    return palette[np.asarray(labels)].reshape(shape[0], shape[1], 3)


def _recolor_cases() -> list[Case]:
    centroids = np.array([[10.2, 20.7, 30.4], [200.6, 100.1, 0.4]])
    labels = np.array([0, 1, 1, 1, 0, 0])
    rng = np.random.default_rng(4)
    return [
        Case({"centroids": centroids, "labels": labels, "shape": (2, 3)}),
        Case({"centroids": centroids, "labels": labels, "shape": (2, 3, 3)}),
        Case({"centroids": np.array([[-3.2, 260.4, 128.0], [5.0, 250.0, 255.0]]),
              "labels": np.array([1, 0]), "shape": (1, 2)}, kind="clip"),
        Case({"centroids": centroids.tolist(), "labels": labels.tolist(), "shape": (3, 2)},
             kind="list"),
        Case({"centroids": rng.uniform(0, 255, (5, 3)), "labels": rng.integers(0, 5, 120),
              "shape": (10, 12)}),
    ]


def _recolor_compare(got, expected, case: Case) -> None:
    H, W = case.args["shape"][:2]
    if isinstance(got, np.ndarray) and got.shape == (H * W, 3) and (H, W) != (H * W, 1):
        raise Mistake(f"image has shape {got.shape}, one row per pixel; expected ({H}, {W}, 3): "
                      f"reshape it to (H, W, 3)")
    got = need_array(got, "image", (H, W, 3), "uint8")
    centroids = np.asarray(case.args["centroids"], dtype=float)
    labels = np.asarray(case.args["labels"])
    cut = centroids.astype(np.uint8)[labels].reshape(H, W, 3)
    if case.kind == "clip" and not np.array_equal(got, expected):
        r, c = (int(i) for i in np.argwhere((got != expected).any(axis=2))[0])
        raise Mistake(f"pixel ({r}, {c}) is {show(got[r, c])}; expected {show(expected[r, c])}: a "
                      f"uint8 wraps around (-3 becomes 253, 260 becomes 4), so clip to 0..255 "
                      f"(np.clip) before .astype(np.uint8)")
    if not np.array_equal(got, expected) and np.array_equal(got, cut):
        r, c = (int(i) for i in np.argwhere((got != expected).any(axis=2))[0])
        raise Mistake(f"pixel ({r}, {c}) is {show(got[r, c])}; expected {show(expected[r, c])}: "
                      f".astype(np.uint8) cuts off the decimals, so round first (np.rint)")
    if not np.array_equal(got, expected):
        r, c = (int(i) for i in np.argwhere((got != expected).any(axis=2))[0])
        raise Mistake(f"pixel ({r}, {c}) is {show(got[r, c])}; expected {show(expected[r, c])}, "
                      f"the color of centroid {labels[r * W + c]} (pixel (r, c) has label "
                      f"labels[r * W + c])")


RECOLOR = Exercise(
    id="02-recolor", notebook=NOTEBOOK, function="recolor",
    reference=recolor, cases=_recolor_cases, compare=_recolor_compare,
    covers="rounding, clipping to 0..255, the (H, W, 3) shape, lists as input")


# --- 02-color-histogram ---------------------------------------------------------------------


def _histogram_reference(img):
    return color_histogram(img)


def _histogram_cases() -> list[Case]:
    img = np.array([[[255, 0, 0], [0, 0, 255], [255, 0, 0], [0, 255, 0]]], np.uint8)
    rng = np.random.default_rng(5)
    palette = np.array([[12, 200, 7], [12, 7, 200], [250, 250, 250], [0, 0, 0], [12, 200, 8]],
                       np.uint8)
    return [
        Case({"img": img}),
        Case({"img": np.full((2, 3, 3), 77, np.uint8)}),
        Case({"img": img.tolist()}, kind="list"),
        Case({"img": palette[rng.integers(0, 5, (8, 8))]},
             note="img = an 8×8 photo painted with 5 colors"),
    ]


def _histogram_compare(got, expected, case: Case) -> None:
    colors, counts = need_parts(got, "color_histogram", ("colors", "counts"))
    want_colors, want_counts = expected
    m = len(want_colors)
    img = np.asarray(case.args["img"], dtype=np.uint8)
    if isinstance(colors, np.ndarray) and colors.ndim == 1:
        raise Mistake(f"colors has shape {colors.shape}, single values; expected ({m}, 3), one "
                      f"row per distinct color: use np.unique(pixels, axis=0)")
    if isinstance(colors, np.ndarray) and colors.ndim == 2 and len(colors) != m:
        r, g, b = (img[..., c].reshape(-1) for c in range(3))
        wrapped = np.unique((r << 16) | (g << 8) | b).size  # what uint8 arithmetic gives
        hint = (": r << 16 in uint8 loses the bits (uint8 holds 0..255); convert first with "
                ".astype(np.int64)" if len(colors) == wrapped < m else "")
        raise Mistake(f"colors has {len(colors)} rows; expected {m} distinct colors{hint}")
    colors = need_array(colors, "colors", (m, 3), "uint8")
    if not np.array_equal(colors, want_colors):
        same_set = {tuple(c) for c in colors.tolist()} == {tuple(c) for c in want_colors.tolist()}
        hint = "sort them by (R, G, B), as np.unique(..., axis=0) does" if same_set else ""
        need_close(colors, want_colors, "colors", rtol=0, atol=0, rows=True, hint=hint)
    counts = need_array(counts, "counts", (m,), "int")
    need_close(counts, want_counts, "counts", rtol=0, atol=0,
               hint=f"counts[j] is how many pixels have the color colors[j]; they add up to "
                    f"H * W = {img.shape[0] * img.shape[1]}")


COLOR_HISTOGRAM = Exercise(
    id="02-color-histogram", notebook=NOTEBOOK, function="color_histogram",
    reference=_histogram_reference, cases=_histogram_cases, compare=_histogram_compare,
    covers="sorted colors, counts, a one-color image, uint8 codes, lists as input")

EXERCISES = (RECOLOR, COLOR_HISTOGRAM)


def check_recolor(function: Callable) -> Callable:
    """Check ``recolor(centroids, labels, shape) -> image``; return the one to use."""
    return RECOLOR.check(function)


def check_color_histogram(function: Callable) -> Callable:
    """Check ``color_histogram(img) -> (colors, counts)``; return the one to use."""
    return COLOR_HISTOGRAM.check(function)
