"""Argument checks shared by the public functions of labkit.

Every public function validates its arguments at the door with these helpers and
raises one clear sentence: what was wrong and what is allowed. Private helpers
trust their callers.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable

import numpy as np

SeedLike = "int | numpy.random.Generator | None"


def positive_int(value, name: str, minimum: int = 1) -> int:
    """Return ``value`` as an int if it is an integer ≥ ``minimum``.

    Raises
    ------
    TypeError
        If ``value`` is not an integer (``bool`` and ``2.0`` are refused).
    ValueError
        If ``value`` is smaller than ``minimum``.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer ≥ {minimum}, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be an integer ≥ {minimum}, got {value!r}")
    return int(value)


def odd_int(value, name: str) -> int:
    """Return ``value`` as an int if it is a positive odd integer (1, 3, 5, …)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a positive odd integer (1, 3, 5, …), got {value!r}")
    if value < 1 or value % 2 == 0:
        raise ValueError(f"{name} must be a positive odd integer (1, 3, 5, …), got {value!r}")
    return int(value)


def positive_float(value, name: str, allow_zero: bool = False) -> float:
    """Return ``value`` as a float if it is a finite number > 0 (≥ 0 with ``allow_zero``)."""
    bound = "≥ 0" if allow_zero else "> 0"
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a finite number {bound}, got {value!r}")
    value = float(value)
    if not np.isfinite(value) or value < 0 or (value == 0 and not allow_zero):
        raise ValueError(f"{name} must be a finite number {bound}, got {value!r}")
    return value


def one_of(value, name: str, options: Iterable[str]) -> str:
    """Return ``value`` if it is one of ``options`` (strings)."""
    options = tuple(options)
    if value not in options:
        allowed = ", ".join(repr(o) for o in options)
        raise ValueError(f"{name} must be one of {allowed}; got {value!r}")
    return value


def make_rng(seed) -> np.random.Generator:
    """Turn ``seed`` (None, a non-negative int or a Generator) into a Generator, once."""
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is None:
        return np.random.default_rng()
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, numbers.Integral):
        raise TypeError(
            f"seed must be None, a non-negative integer or a numpy.random.Generator, got {seed!r}"
        )
    if seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    return np.random.default_rng(int(seed))


def points(X, name: str = "X") -> np.ndarray:
    """Return ``X`` as a float64 array of shape (n, d), n ≥ 1, every value finite."""
    if isinstance(X, (str, bytes)) or X is None:
        raise TypeError(f"{name} must be an array of numbers of shape (n, d), got {type(X).__name__}")
    try:
        arr = np.asarray(X)
    except (TypeError, ValueError) as exc:  # ragged lists and the like
        raise TypeError(f"{name} must be an array of numbers of shape (n, d): {exc}") from None
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool):
        raise TypeError(f"{name} must hold numbers, got dtype {arr.dtype}")
    if arr.ndim != 2:
        raise ValueError(f"{name} must be 2-D of shape (n, d), got shape {arr.shape}")
    if arr.shape[0] == 0 or arr.shape[1] == 0:
        raise ValueError(f"{name} must hold at least one point, got shape {arr.shape}")
    arr = arr.astype(np.float64, copy=False)
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} must be finite: it holds NaN or infinity")
    return arr
