"""Patch features: the p × p gray neighbourhood of each pixel, as one row of numbers.

The colorization agents never look at a single gray value: they look at the small square
of gray pixels around it. A 3 × 3 patch turns each pixel into a point with 9 coordinates
(its neighbours' gray values, read row by row); similar-looking neighbourhoods are close
points, and the agents learn to map such points to colors.

Two ways to treat the pixels at the edge of the photo, where the square sticks out:

- ``border="edge"`` (the default): the photo is padded by repeating its outermost rows
  and columns, so every pixel gets a patch and every pixel gets a color.
- ``border="black"`` (the seed's behaviour): only *interior* pixels, whose whole patch
  lies inside the photo, get a patch; the colorized photo leaves the others black.
  :func:`interior_mask` tells which pixels those are.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from labkit._checks import odd_int, one_of
from labkit.images import as_gray_image

BORDERS = ("edge", "black")


def patch_features(gray, patch: int = 3, border: str = "edge") -> np.ndarray:
    """Every pixel's p × p gray patch, one row per pixel.

    Parameters
    ----------
    gray : ndarray of shape (H, W), uint8
        A gray image (e.g. ``labkit.images.to_gray(img)``).
    patch : int, default 3
        The side p of the square patch: a positive odd integer (1, 3, 5, …).
    border : {"edge", "black"}, default "edge"
        ``"edge"``: pad by repeating the outermost pixels, so every pixel has a patch
        (n = H·W rows). ``"black"``: only interior pixels, whose patch lies inside the
        image, have one (n = (H − p + 1)(W − p + 1) rows); see :func:`interior_mask`.

    Returns
    -------
    X : ndarray of shape (n, p * p), uint8
        Row ``i`` is the patch of the i-th pixel (of the interior pixels, for "black") in
        row-major order (left to right, then top to bottom); within a row, the patch's
        pixels are also read row by row, so column ``p * p // 2`` is the centre pixel.

    Raises
    ------
    TypeError
        If ``gray`` is not an integer array, or ``patch`` is not an integer.
    ValueError
        If ``gray`` is not 2-D with values 0..255, ``patch`` is even or < 1, ``border``
        is unknown, or (``border="black"``) the image is smaller than the patch.

    Notes
    -----
    The windows are a strided *view* of the (padded) image, made by
    ``numpy.lib.stride_tricks.sliding_window_view``: no copy until the final reshape to
    (n, p²), which must copy because neighbouring windows share pixels. That copy is the
    only memory used: n · p² bytes. Taught in ``notebooks/04_knn_agent.ipynb``.

    Examples
    --------
    >>> gray = np.arange(12, dtype=np.uint8).reshape(3, 4)
    >>> patch_features(gray, 3)[5]            # the pixel at row 1, column 1
    array([ 0,  1,  2,  4,  5,  6,  8,  9, 10], dtype=uint8)
    >>> patch_features(gray, 3, border="black").shape
    (2, 9)
    """
    gray = as_gray_image(gray)
    patch = odd_int(patch, "patch")
    border = one_of(border, "border", BORDERS)
    return column_features(gray, 0, gray.shape[1], patch=patch, border=border)


def column_features(gray, start: int, stop: int, patch: int = 3,
                    border: str = "edge") -> np.ndarray:
    """The patches of the pixels in columns ``start .. stop - 1``, cut from the whole image.

    The colorization agent sees the *whole* photo in gray, so the patch of a right-half
    pixel next to the split includes gray pixels of the left half (and vice versa). Use
    this instead of calling :func:`patch_features` on each half separately.

    Parameters
    ----------
    gray : ndarray of shape (H, W), uint8
        The whole gray image.
    start, stop : int
        The column range, ``0 ≤ start < stop ≤ W`` (e.g. ``0, W // 2`` for the left
        half and ``W // 2, W`` for the right half).
    patch : int, default 3
        Odd patch side p.
    border : {"edge", "black"}, default "edge"
        As in :func:`patch_features`: with ``"black"`` only the pixels of the range that
        are interior to the *whole* image have a patch.

    Returns
    -------
    X : ndarray of shape (n, p * p), uint8
        One row per pixel of the range (per interior pixel, for "black"), row-major.
        ``column_features(gray, 0, W, …)`` equals ``patch_features(gray, …)``.

    Raises
    ------
    TypeError, ValueError
        As :func:`patch_features`; ValueError also for a bad column range.

    Examples
    --------
    >>> gray = np.arange(12, dtype=np.uint8).reshape(3, 4)
    >>> column_features(gray, 2, 4, patch=1).ravel()   # the right half's pixels
    array([ 2,  3,  6,  7, 10, 11], dtype=uint8)
    """
    gray = as_gray_image(gray)
    patch = odd_int(patch, "patch")
    border = one_of(border, "border", BORDERS)
    height, width = gray.shape
    for value, name in ((start, "start"), (stop, "stop")):
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
            raise TypeError(f"{name} must be an integer column index, got {value!r}")
    if not 0 <= start < stop <= width:
        raise ValueError(
            f"the column range must satisfy 0 ≤ start < stop ≤ W = {width}, "
            f"got start={start}, stop={stop}"
        )
    if border == "black" and (height < patch or width < patch):
        raise ValueError(
            f"the image ({height}×{width}) is smaller than the {patch}×{patch} patch: "
            "no pixel has a whole patch inside it; use a smaller patch or border='edge'"
        )
    return _column_features(gray, int(start), int(stop), patch, border)


def interior_mask(shape: tuple[int, int], patch: int = 3) -> np.ndarray:
    """Which pixels of an (H, W) image have a whole p × p patch inside the image.

    These are the pixels that get a patch (and a prediction) with ``border="black"``;
    the rows of ``patch_features(gray, p, border="black")`` are their patches, in the
    order of ``np.flatnonzero(interior_mask(gray.shape, p))``.

    Parameters
    ----------
    shape : (int, int)
        The image's height and width.
    patch : int, default 3
        Odd patch side p.

    Returns
    -------
    mask : ndarray of shape (H, W), bool
        True for the interior pixels: a frame ``p // 2`` pixels wide is False.

    Examples
    --------
    >>> interior_mask((3, 4), 3).astype(int)
    array([[0, 0, 0, 0],
           [0, 1, 1, 0],
           [0, 0, 0, 0]])
    """
    patch = odd_int(patch, "patch")
    height, width = (int(v) for v in shape)
    return _interior_mask(height, width, patch)


# --- the computations (arguments already checked) ---------------------------------------


def check_training_patches(X, patch: int, name: str = "X") -> np.ndarray:
    """Check agent input: gray patches of shape (n, patch²), integers 0..255, as uint8.

    Shared by the agents (``KNNAgent``, ``NeuralAgent``) for ``fit`` and ``predict``.

    Raises
    ------
    TypeError
        If ``X`` does not hold integers.
    ValueError
        If its shape is not (n, patch²) or its values leave 0..255.
    """
    arr = np.asarray(X)
    if arr.dtype == bool or not np.issubdtype(arr.dtype, np.integer):
        raise TypeError(f"{name} must hold integer gray values 0..255 (uint8 patches), "
                        f"got dtype {arr.dtype}")
    d = patch * patch
    if arr.ndim != 2 or arr.shape[1] != d:
        raise ValueError(f"{name} must have shape (n, {d}) for patch={patch}, got {arr.shape}")
    if arr.dtype != np.uint8 and arr.size and (arr.min() < 0 or arr.max() > 255):
        raise ValueError(f"{name} values must lie in 0..255, got {arr.min()}..{arr.max()}")
    return np.ascontiguousarray(arr, dtype=np.uint8)


def check_training_labels(y, n: int, k: int) -> np.ndarray:
    """Check agent labels: one integer 0..k-1 per training patch (n ≥ 1); return as intp."""
    y = np.asarray(y)
    if y.dtype == bool or not np.issubdtype(y.dtype, np.integer):
        raise TypeError(f"y must hold integer labels 0..{k - 1}, got dtype {y.dtype}")
    if y.shape != (n,):
        raise ValueError(f"y must have shape ({n},), one label per patch; got {y.shape}")
    if n == 0:
        raise ValueError("an agent needs at least one training patch, got none")
    if y.min() < 0 or y.max() >= k:
        raise ValueError(f"y must hold labels 0..{k - 1} (k={k}), got {y.min()}..{y.max()}")
    return y.astype(np.intp)


def _interior_mask(height: int, width: int, patch: int) -> np.ndarray:
    r = patch // 2
    mask = np.zeros((height, width), dtype=bool)
    mask[r:height - r, r:width - r] = True
    return mask


def _column_features(gray: np.ndarray, start: int, stop: int, patch: int,
                     border: str) -> np.ndarray:
    """Patches of columns start..stop-1 of ``gray``; see :func:`column_features`."""
    r = patch // 2
    if border == "edge":
        padded = np.pad(gray, r, mode="edge")                       # (H + 2r, W + 2r)
        windows = sliding_window_view(padded, (patch, patch))       # (H, W, p, p), a view
        windows = windows[:, start:stop]                             # window (i, j) ↔ pixel (i, j)
    else:
        windows = sliding_window_view(gray, (patch, patch))          # (H-2r, W-2r, p, p)
        # window (i, j) is centred on pixel (i + r, j + r): keep the range's interior pixels
        first, last = max(start, r), min(stop, gray.shape[1] - r)
        windows = windows[:, max(first - r, 0):max(last - r, 0)]
    return windows.reshape(-1, patch * patch)                        # the one copy
