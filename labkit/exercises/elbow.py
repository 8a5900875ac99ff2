"""Checks for the exercises of ``notebooks/03_elbow.ipynb``.

The student tabulates the SSE of the compressed photo for a range of k (reference:
:func:`labkit.compress.elbow`) and finds the knee of that curve, the point farthest from
the chord (reference: :func:`labkit.compress.find_elbow`).
"""

from __future__ import annotations

import numbers
from collections.abc import Callable

import numpy as np
import pandas as pd

from labkit.compress import compress, elbow, find_elbow
from labkit.exercises.checking import Case, Exercise
from labkit.exercises.compare import Mistake, need_close, show

NOTEBOOK = "03_elbow"


# --- 03-sse-curve ---------------------------------------------------------------------------


def _curve_reference(img, ks, seed=0):
    return elbow(img, ks, seed=seed)


def _photo(seed: int, height: int, width: int) -> np.ndarray:
    """A small photo of four noisy color regions (a stand-in for a real one: fast)."""
    rng = np.random.default_rng(seed)
    base = np.array([[40, 30, 20], [200, 180, 150], [90, 140, 60], [230, 60, 50]])
    regions = (np.arange(height)[:, None] * 2 // height) * 2 + np.arange(width) * 2 // width
    return np.clip(base[regions] + rng.normal(0, 12, (height, width, 3)), 0, 255).astype(np.uint8)


def _curve_cases() -> list[Case]:
    small, larger = _photo(0, 6, 8), _photo(1, 12, 16)
    return [
        Case({"img": small, "ks": [1, 2, 3], "seed": 0}, note="img = a 6×8 photo, ks = [1, 2, 3]"),
        Case({"img": small, "ks": [3, 1, 2], "seed": 0},
             note="img = a 6×8 photo, ks = [3, 1, 2] (rows in the order given)"),
        Case({"img": larger, "ks": range(1, 7), "seed": 1},
             note="img = a 12×16 photo, ks = range(1, 7), seed = 1"),
    ]


def _wrapped_sse(img: np.ndarray, k: int, seed) -> float:
    """The SSE computed from uint8 differences, which wrap around: a common mistake."""
    image = compress(img, k, seed=seed).image
    return float(((img - image) ** 2).sum())


def _curve_compare(got, expected, case: Case) -> None:
    if not isinstance(got, pd.DataFrame):
        raise Mistake(f"it returned a {type(got).__name__}; expected a pandas DataFrame "
                      f"with columns k and sse (pd.DataFrame({{'k': ..., 'sse': ...}}))")
    missing = [c for c in ("k", "sse") if c not in got.columns]
    if missing:
        raise Mistake(f"the DataFrame has columns {list(got.columns)}; expected k and sse")
    if len(got) != len(expected):
        raise Mistake(f"the DataFrame has {len(got)} rows; expected {len(expected)}, one per k")
    want_k, k = expected["k"].to_numpy(), got["k"].to_numpy()
    need_close(k, want_k, "k", rtol=0, atol=0, hint="one row per k, in the order of ks")
    sse, want = got["sse"].to_numpy(dtype=float), expected["sse"].to_numpy(dtype=float)
    row = next((i for i in range(len(sse)) if not np.isclose(sse[i], want[i], rtol=1e-9)), None)
    if row is None:
        return
    img, seed = case.args["img"], case.args["seed"]
    at = f"at k = {want_k[row]} the sse is {show(sse[row])}; expected {show(want[row])}"
    if np.isclose(sse[row], expected["mse"].iloc[row], rtol=1e-9):
        raise Mistake(f"{at}: that is the MSE (SSE / 3n); use the SSE, q.sse")
    if np.isclose(sse[row], _wrapped_sse(img, int(want_k[row]), seed), rtol=1e-9):
        raise Mistake(f"{at}: img - q.image in uint8 wraps around (3 - 5 is 254); use q.sse "
                      f"or convert to float first")
    raise Mistake(f"{at}: use lk.compress(img, k, seed=seed).sse for every k")


SSE_CURVE = Exercise(
    id="03-sse-curve", notebook=NOTEBOOK, function="sse_curve",
    reference=_curve_reference, cases=_curve_cases, compare=_curve_compare,
    covers="the SSE for every k, rows in the order of ks, the seed")


# --- 03-find-knee ---------------------------------------------------------------------------


def _knee_reference(k, sse):
    return find_elbow(pd.DataFrame({"k": np.asarray(k), "sse": np.asarray(sse)}))


def _knee_cases() -> list[Case]:
    return [  # k from 2 first, the knee at position 1: there a position is not a k
        Case({"k": np.arange(2, 10),
              "sse": np.array([900.0, 300.0, 250.0, 210.0, 180.0, 160.0, 150.0, 140.0])}),
        Case({"k": np.array([1, 2, 3, 4, 5]), "sse": np.array([100.0, 30.0, 20.0, 15.0, 12.0])}),
        Case({"k": np.array([1, 2, 3, 4, 5, 6]),
              "sse": np.array([1000.0, 400.0, 150.0, 100.0, 80.0, 70.0])}),
        Case({"k": [1, 2, 3, 4, 5, 6, 7, 8], "sse": [10, 9, 8, 7, 6, 2, 1, 0.5]}, kind="list"),
    ]


def _knee_compare(got, expected, case: Case) -> None:
    k = np.asarray(case.args["k"])
    if isinstance(got, (float, np.floating)) and float(got).is_integer():
        raise Mistake(f"it returned {show(got)}, a float; expected an int such as "
                      f"{expected} (int(...))")
    if isinstance(got, bool) or not isinstance(got, numbers.Integral):
        raise Mistake(f"it returned {show(got)} (a {type(got).__name__}); expected one "
                      f"value of k, an int")
    if got == expected:
        return
    position = int(np.flatnonzero(k == expected)[0])
    if got == position and got not in k:
        raise Mistake(f"it returned {got}, the position of the knee in the table; "
                      f"expected the value of k there, k[{position}] = {expected}")
    if got not in k:
        raise Mistake(f"it returned {got}, which is not one of the ks {k.tolist()}; "
                      f"expected {expected}")
    sse = np.asarray(case.args["sse"], dtype=float)
    steepest = int(np.argmax(-np.diff(sse)))
    if got == k[steepest + 1]:
        raise Mistake(f"it returned {got}, where the SSE drops most; the knee is the "
                      f"point farthest from the chord, k = {expected}")
    raise Mistake(f"it returned {got}; expected {expected}, the point farthest from the "
                  f"chord through the first and the last point")


FIND_KNEE = Exercise(
    id="03-find-knee", notebook=NOTEBOOK, function="find_knee",
    reference=_knee_reference, cases=_knee_cases, compare=_knee_compare,
    covers="the farthest point from the chord, k not starting at 1, lists as input")

EXERCISES = (SSE_CURVE, FIND_KNEE)


def check_sse_curve(function: Callable) -> Callable:
    """Check ``sse_curve(img, ks, seed) -> DataFrame with columns k, sse``."""
    return SSE_CURVE.check(function)


def check_find_knee(function: Callable) -> Callable:
    """Check ``find_knee(k, sse) -> int``; return the one to use."""
    return FIND_KNEE.check(function)
