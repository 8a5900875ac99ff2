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
  :func:`has_patch` tells which pixels those are.

Taught in ``notebooks/04_knn_agent.ipynb``.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from labkit._checks import gray_image, one_of, patch_size, positive_int

BORDERS = ("edge", "black")


def patch_features(gray, patch: int = 3, border: str = "edge") -> np.ndarray:
    """Every pixel's p × p gray patch, one row per pixel.

    Parameters
    ----------
    gray : ndarray of shape (H, W), uint8
        A gray image (e.g. ``labkit.to_gray(img)``).
    patch : int, default 3
        The side p of the square patch: a positive odd integer (1, 3, 5, …).
    border : {"edge", "black"}, default "edge"
        ``"edge"``: pad by repeating the outermost pixels, so every pixel has a patch
        (n = H·W rows). ``"black"``: only interior pixels, whose patch lies inside the
        image, have one (n = (H − p + 1)(W − p + 1) rows); see :func:`has_patch`.

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
    gray = gray_image(gray)
    patch = patch_size(patch)
    border = one_of(border, "border", BORDERS)
    _check_fits(gray.shape, patch, border)
    return _windows(gray, 0, gray.shape[1], patch, border)


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
        One row per pixel of the range (per interior pixel, for "black"), row-major:
        the pixels where ``has_patch(gray.shape, patch, border)[:, start:stop]`` is True.
        ``column_features(gray, 0, W, …)`` equals ``patch_features(gray, …)``.

    Raises
    ------
    TypeError, ValueError
        As :func:`patch_features`; also for a column range outside the image.

    Examples
    --------
    >>> gray = np.arange(12, dtype=np.uint8).reshape(3, 4)
    >>> column_features(gray, 2, 4, patch=1).ravel()   # the right half's pixels
    array([ 2,  3,  6,  7, 10, 11], dtype=uint8)
    """
    gray = gray_image(gray)
    patch = patch_size(patch)
    border = one_of(border, "border", BORDERS)
    height, width = gray.shape
    start = positive_int(start, "start", minimum=0, maximum=width - 1)
    stop = positive_int(stop, "stop", minimum=start + 1, maximum=width)
    _check_fits(gray.shape, patch, border)
    return _windows(gray, start, stop, patch, border)


def _check_fits(shape: tuple[int, int], patch: int, border: str) -> None:
    height, width = shape
    if border == "black" and (height < patch or width < patch):
        raise ValueError(
            f"the image ({height}×{width}) is smaller than the {patch}×{patch} patch: "
            "no pixel has a whole patch inside it; use a smaller patch or border='edge'"
        )


def _windows(gray: np.ndarray, start: int, stop: int, patch: int, border: str) -> np.ndarray:
    """The patches of columns start..stop-1 (arguments checked): see :func:`column_features`."""
    width = gray.shape[1]
    r = patch // 2
    if border == "edge":
        padded = np.pad(gray, r, mode="edge")                       # (H + 2r, W + 2r)
        windows = sliding_window_view(padded, (patch, patch))       # (H, W, p, p), a view
        windows = windows[:, start:stop]                             # window (i, j) ↔ pixel (i, j)
    else:
        windows = sliding_window_view(gray, (patch, patch))          # (H-2r, W-2r, p, p)
        # window (i, j) is centred on pixel (i + r, j + r): keep the range's interior pixels
        first, last = max(start, r), min(stop, width - r)
        windows = windows[:, max(first - r, 0):max(last - r, 0)]
    return windows.reshape(-1, patch * patch)                        # the one copy


def has_patch(shape: tuple[int, int], patch: int = 3, border: str = "edge") -> np.ndarray:
    """Which pixels of an (H, W) image get a patch (and so a prediction).

    With ``border="edge"`` every pixel does; with ``"black"`` only the interior pixels,
    whose whole p × p patch lies inside the image. The rows of ``patch_features(gray, p,
    border)`` are the patches of these pixels, in the order of ``np.flatnonzero(mask)``.

    Parameters
    ----------
    shape : (int, int)
        The image's height and width.
    patch : int, default 3
        Odd patch side p.
    border : {"edge", "black"}, default "edge"

    Returns
    -------
    mask : ndarray of shape (H, W), bool
        All True for "edge"; for "black", a frame ``p // 2`` pixels wide is False.

    Examples
    --------
    >>> has_patch((3, 4), 3, border="black").astype(int)
    array([[0, 0, 0, 0],
           [0, 1, 1, 0],
           [0, 0, 0, 0]])
    """
    if not isinstance(shape, (tuple, list)):
        raise TypeError(f"shape must be a tuple (height, width), got {shape!r}")
    if len(shape) != 2:
        raise ValueError(f"shape must be (height, width), got {tuple(shape)}")
    height, width = (positive_int(v, name) for v, name in zip(shape, ("height", "width")))
    patch = patch_size(patch)
    border = one_of(border, "border", BORDERS)
    mask = np.ones((height, width), dtype=bool)
    if border == "black":
        r = patch // 2
        mask[:r] = mask[height - r:] = False
        mask[:, :r] = mask[:, width - r:] = False
    return mask
