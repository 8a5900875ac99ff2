"""Answers to the exercises of ``notebooks/03_elbow.ipynb``."""

from __future__ import annotations

import numpy as np
import pandas as pd

import labkit as lk


def sse_curve(img, ks, seed=0):
    """The elbow curve: the SSE of the photo compressed to k colors, for every k in ``ks``.

    Parameters
    ----------
    img : ndarray of shape (H, W, 3), uint8
        The photo.
    ks : iterable of int
        The values of k, e.g. ``range(1, 13)``.
    seed : int, default 0
        Passed to ``lk.compress`` for every k, so that the curve can be reproduced.

    Returns
    -------
    pandas.DataFrame
        Columns ``k`` and ``sse`` (float), one row per k, in the order of ``ks``.

    Notes
    -----
    Hint: ``lk.compress(img, k, seed=seed).sse`` is the sum of squared errors for one k;
    collect them in a list and build the table with ``pd.DataFrame({"k": ..., "sse": ...})``.

    Examples
    --------
    >>> img = np.array([[[0, 0, 0], [10, 10, 10], [200, 0, 0], [210, 0, 0]]], dtype=np.uint8)
    >>> sse_curve(img, [1, 2])["k"].tolist()
    [1, 2]
    """
    ### BEGIN SOLUTION
    ks = list(ks)
    sse = [float(lk.compress(img, k, seed=seed).sse) for k in ks]
    return pd.DataFrame({"k": ks, "sse": sse})
    ### END SOLUTION


def find_knee(k, sse):
    """The knee of an elbow curve: the point farthest from the chord, after scaling to 0..1.

    Parameters
    ----------
    k : array_like of shape (m,), int
        The values of k, increasing (m ≥ 3).
    sse : array_like of shape (m,), float
        The SSE at each k, decreasing.

    Returns
    -------
    int
        The value of k (one of ``k``, not its position) at the knee.

    Notes
    -----
    Hint: scale both axes to 0..1, x = (k − k_min) / (k_max − k_min) and likewise y for the
    SSE; the chord then joins (0, 1) to (1, 0), the line x + y = 1, and the distance of a
    point to it is |x + y − 1| / √2.

    Examples
    --------
    >>> find_knee([1, 2, 3, 4, 5], [100, 30, 20, 15, 12])
    2
    """
    ### BEGIN SOLUTION
    k = np.asarray(k)
    sse = np.asarray(sse, dtype=float)
    x = (k - k.min()) / (k.max() - k.min())
    y = (sse - sse.min()) / (sse.max() - sse.min())
    distance = np.abs(x + y - 1) / np.sqrt(2)
    return int(k[np.argmax(distance)])
    ### END SOLUTION
