"""Checks of arrays: images, points, weights, labels, patches, palettes and tables.

Part of :mod:`labkit._checks` (import from there); see its docstring for the rules.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np


def _array(value, name: str, what: str) -> np.ndarray:
    """``np.asarray(value)``, refusing strings, None and ragged lists with one sentence."""
    if isinstance(value, (str, bytes)) or value is None:
        raise TypeError(f"{name} must be {what}, got {type(value).__name__}")
    try:
        return np.asarray(value)
    except (TypeError, ValueError) as exc:  # ragged lists and the like
        raise TypeError(f"{name} must be {what}: {exc}") from None

def _uint8_values(arr: np.ndarray, name: str, hint: str = "") -> np.ndarray:
    """Integer array → uint8, refusing floats, bools and values outside 0..255."""
    if arr.dtype == bool or not np.issubdtype(arr.dtype, np.integer):
        raise TypeError(f"{name} must hold uint8 values 0..255, got dtype {arr.dtype}{hint}")
    if arr.dtype != np.uint8:
        if arr.size and (arr.min() < 0 or arr.max() > 255):
            raise ValueError(f"{name} values must lie in 0..255, got {arr.min()}..{arr.max()}")
        arr = arr.astype(np.uint8)
    return arr

def rgb_image(img, name: str = "img") -> np.ndarray:
    """Return ``img`` as a C-contiguous uint8 array of shape (H, W, 3), H, W ≥ 1.

    Integer arrays whose values lie in 0..255 are converted (no copy when ``img`` already
    is a C-contiguous uint8 array); floats are refused, since 0..1 and 0..255 cannot be
    told apart.
    """
    arr = _array(img, name, "an image array of shape (H, W, 3); load files with "
                            "labkit.load_image")
    arr = _uint8_values(arr, name, "; scale floats to 0..255 and use .astype(np.uint8)")
    if arr.ndim != 3 or arr.shape[2] != 3:
        raise ValueError(f"{name} must have shape (H, W, 3) (RGB), got {arr.shape}")
    if arr.shape[0] == 0 or arr.shape[1] == 0:
        raise ValueError(f"{name} is empty: shape {arr.shape}")
    return np.ascontiguousarray(arr)

def gray_image(gray, name: str = "gray") -> np.ndarray:
    """Return ``gray`` as a C-contiguous uint8 array of shape (H, W), H, W ≥ 1."""
    arr = _uint8_values(_array(gray, name, "a gray image array of shape (H, W)"), name)
    if arr.ndim != 2 or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty 2-D image (H, W), got shape {arr.shape}")
    return np.ascontiguousarray(arr)

def points(X, name: str = "X") -> np.ndarray:
    """Return ``X`` as a float64 array of shape (n, d), n, d ≥ 1, every value finite."""
    arr = _array(X, name, "an array of numbers of shape (n, d)")
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool):
        raise TypeError(f"{name} must hold numbers, got dtype {arr.dtype}")
    if arr.ndim != 2:
        raise ValueError(f"{name} must be 2-D of shape (n, d), got shape {arr.shape}")
    if arr.shape[0] == 0 or arr.shape[1] == 0:
        raise ValueError(f"{name} must hold at least one point, got shape {arr.shape}")
    if np.issubdtype(arr.dtype, np.complexfloating):
        raise TypeError(f"{name} must hold real numbers, got dtype {arr.dtype}")
    arr = arr.astype(np.float64, copy=False)
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} must be finite: it holds NaN or infinity")
    return arr

def centroids(value, k: int, d: int, name: str = "centroids") -> np.ndarray:
    """Return ``value`` as a new float64 array of shape (k, d), every value finite."""
    c = points(value, name)
    if c.shape != (k, d):
        raise ValueError(f"{name} must have shape ({k}, {d}) (k centroids of the points' "
                         f"dimension), got {c.shape}")
    return c.copy()

def weights(sample_weight, n: int, name: str = "sample_weight") -> np.ndarray:
    """Return one non-negative finite float64 weight per point (all 1 for ``None``)."""
    if sample_weight is None:
        return np.ones(n)
    w = _array(sample_weight, name, f"an array of {n} numbers")
    if w.dtype == bool or not np.issubdtype(w.dtype, np.number) \
            or np.issubdtype(w.dtype, np.complexfloating):
        raise TypeError(f"{name} must hold real numbers, got dtype {w.dtype}")
    if w.shape != (n,):
        raise ValueError(f"{name} must have shape ({n},), one weight per point, got {w.shape}")
    w = w.astype(np.float64)
    if not np.isfinite(w).all() or (w < 0).any():
        raise ValueError(f"{name} must be finite and non-negative")
    if w.sum() <= 0:
        raise ValueError(f"{name} must not be all zero")
    return w

def labels(y, n: int, k: int, name: str = "labels") -> np.ndarray:
    """Return ``y`` as an intp array of shape (n,) holding labels 0..k-1."""
    y = _array(y, name, f"an array of {n} integer labels 0..{k - 1}")
    if y.dtype == bool or not np.issubdtype(y.dtype, np.integer):
        raise TypeError(f"{name} must hold integer labels 0..{k - 1}, got dtype {y.dtype}")
    if y.shape != (n,):
        raise ValueError(f"{name} must have shape ({n},), one label per item, got {y.shape}")
    if n and (y.min() < 0 or y.max() >= k):
        raise ValueError(f"{name} must hold labels 0..{k - 1} (k={k}), "
                         f"got {y.min()}..{y.max()}")
    return y.astype(np.intp)

def patches(X, patch: int, name: str = "X") -> np.ndarray:
    """Return gray patches of shape (n, patch²), n ≥ 1, integers 0..255, as C-contiguous uint8."""
    arr = _array(X, name, f"an array of gray patches of shape (n, {patch * patch})")
    if arr.dtype == bool or not np.issubdtype(arr.dtype, np.integer):
        raise TypeError(f"{name} must hold integer gray values 0..255 (uint8 patches), "
                        f"got dtype {arr.dtype}")
    d = patch * patch
    if arr.ndim != 2 or arr.shape[1] != d:
        raise ValueError(f"{name} must have shape (n, {d}) for patch={patch}, got {arr.shape}")
    if arr.shape[0] == 0:
        raise ValueError(f"{name} must hold at least one patch, got none")
    return np.ascontiguousarray(_uint8_values(arr, name))

def any_image(img, name: str = "img") -> np.ndarray:
    """Return an RGB (H, W, 3) or gray (H, W) uint8 image, told apart by its dimensions."""
    return gray_image(img, name) if np.ndim(img) == 2 else rgb_image(img, name)

def real_array(value, name: str, ndim: int | None = None, finite: bool = True) -> np.ndarray:
    """Return ``value`` as a float64 array of real numbers (bools count as 0 and 1).

    ``ndim`` fixes the number of dimensions; ``finite`` refuses NaN and infinity.
    """
    arr = _array(value, name, "an array of numbers")
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool) \
            or np.issubdtype(arr.dtype, np.complexfloating):
        raise TypeError(f"{name} must hold real numbers, got dtype {arr.dtype}")
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-D, got shape {arr.shape}")
    arr = arr.astype(np.float64, copy=False)
    if finite and not np.isfinite(arr).all():
        raise ValueError(f"{name} must be finite: it holds NaN or infinity")
    return arr

def colors(value, name: str = "palette", count: str = "m") -> np.ndarray:
    """Return colors as a float64 array of shape (m, 3), m ≥ 1, every value in 0..255.

    ``count`` is the letter the message uses for their number (``k`` for centroids).
    """
    arr = points(value, name)
    if arr.shape[1] != 3:
        raise ValueError(f"{name} must have shape ({count}, 3) (R, G, B per color), "
                         f"got {arr.shape}")
    if arr.min() < 0 or arr.max() > 255:
        raise ValueError(f"{name} values must lie in 0..255, got {arr.min():g}..{arr.max():g}")
    return arr

def label_map(y, shape: tuple[int, int], k: int | None = None,
              name: str = "labels") -> np.ndarray:
    """Return the labels of an (H, W) image, given as (H, W) or (H * W,), flat as intp.

    With ``k`` they must lie in 0..k-1; without, they must be ≥ 0.
    """
    h, w = shape
    arr = _array(y, name, f"an array of integer labels of shape ({h}, {w}) or ({h * w},)")
    if arr.dtype == bool or not np.issubdtype(arr.dtype, np.integer):
        raise TypeError(f"{name} must be integers (cluster numbers), got dtype {arr.dtype}")
    if arr.shape not in ((h, w), (h * w,)):
        raise ValueError(f"{name} must have shape ({h}, {w}) or ({h * w},) to match the "
                         f"image, got {arr.shape}")
    arr = arr.reshape(-1)
    if arr.min() < 0 or (k is not None and arr.max() >= k):
        allowed = "≥ 0" if k is None else f"in 0..{k - 1} (k = {k} colors)"
        raise ValueError(f"{name} must be {allowed}, got {arr.min()}..{arr.max()}")
    return arr.astype(np.intp)

def label_table(y, k: int, name: str = "neighbor_labels") -> np.ndarray:
    """Return a table of labels, shape (m, n) with n ≥ 1, values 0..k-1, as intp."""
    arr = _array(y, name, f"an array of integer labels 0..{k - 1} of shape (m, n)")
    if arr.ndim != 2 or arr.shape[1] == 0:
        raise ValueError(f"{name} must have shape (m, n) with n ≥ 1, got {arr.shape}")
    return labels(arr.reshape(-1), arr.size, k, name).reshape(arr.shape)

def features(X, d: int, name: str = "X") -> np.ndarray:
    """Return ``X`` as a finite float64 array of shape (n, d), n ≥ 1: one row per sample."""
    arr = points(X, name)
    if arr.shape[1] != d:
        raise ValueError(f"{name} must have shape (n, {d}), one column per input, got {arr.shape}")
    return arr

def bounded(arr: np.ndarray, name: str, limit: float) -> np.ndarray:
    """Return the float array ``arr`` if every value lies in -limit..limit.

    For points whose squared distances must stay finite (1e100² = 1e200, far from the
    float64 limit 1.8e308, even summed over many points); scale such data down first.
    """
    if arr.size and np.abs(arr).max() > limit:
        raise ValueError(f"{name} must have values within ±{limit:g} (their squared distances "
                         f"must stay finite), got {np.abs(arr).max():g}; rescale {name}")
    return arr

def number_columns(df, columns: Iterable[str], name: str = "df", min_rows: int = 1):
    """Return the named columns of a pandas DataFrame as finite float64 arrays (a tuple),
    refusing another type, missing columns, fewer than ``min_rows`` rows or values that
    are not finite numbers."""
    import pandas as pd

    columns = tuple(columns)
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"{name} must be a pandas DataFrame with columns "
                        f"{', '.join(columns)}, got {type(df).__name__}")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"{name} must have columns {', '.join(columns)}; missing {missing}")
    if len(df) < min_rows:
        raise ValueError(f"{name} must have at least {min_rows} rows, got {len(df)}")
    try:
        values = tuple(df[c].to_numpy(dtype=np.float64) for c in columns)
    except (TypeError, ValueError):
        raise ValueError(f"{name} columns {', '.join(columns)} must hold numbers") from None
    if not all(np.isfinite(v).all() for v in values):
        raise ValueError(f"{name} columns {', '.join(columns)} must be finite (no NaN)")
    return values
