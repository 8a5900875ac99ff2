"""Answers to the exercises of ``notebooks/04_knn_agent.ipynb``."""

from __future__ import annotations

import numpy as np


def patch_features(gray, patch=3):
    """Every pixel's p × p gray patch, one row per pixel.

    Parameters
    ----------
    gray : array_like of shape (H, W), uint8
        A gray image (possibly a nested list).
    patch : int, default 3
        The side p of the square patch, odd (1, 3, 5, …).

    Returns
    -------
    X : ndarray of shape (H * W, p * p), uint8
        Row ``r * W + c`` is the patch centred on pixel (r, c), read row by row (so the
        centre pixel is column ``p * p // 2``). At the border the image is padded by
        repeating its outermost pixels, so every pixel has a patch.

    Notes
    -----
    Hint: ``padded = np.pad(gray, p // 2, mode="edge")``; the patch of pixel (r, c) is then
    ``padded[r:r + p, c:c + p]``.

    Examples
    --------
    >>> gray = np.arange(12, dtype=np.uint8).reshape(3, 4)
    >>> patch_features(gray, 3)[5]            # the pixel at row 1, column 1
    array([ 0,  1,  2,  4,  5,  6,  8,  9, 10], dtype=uint8)
    """
    ### BEGIN SOLUTION
    gray = np.asarray(gray, dtype=np.uint8)
    H, W = gray.shape
    padded = np.pad(gray, patch // 2, mode="edge")
    X = np.empty((H * W, patch * patch), dtype=np.uint8)
    for r in range(H):
        for c in range(W):
            X[r * W + c] = padded[r:r + patch, c:c + patch].reshape(-1)
    return X
    ### END SOLUTION


def vote(neighbor_labels, k):
    """The basic agent's vote: the majority color of the neighbours, else the nearest one's.

    Parameters
    ----------
    neighbor_labels : array_like of shape (m, n_neighbors), int in 0..k-1
        Row i holds the colors (labels) of query i's neighbours, nearest first.
    k : int
        The number of colors.

    Returns
    -------
    labels : ndarray of shape (m,), int
        For each query, the color that more than half of its neighbours have (at least 4
        of 6), or else the color of its nearest neighbour (the first in its row).

    Notes
    -----
    Hint: ``np.bincount(row, minlength=k)`` counts the votes of one row.

    Examples
    --------
    >>> vote([[3, 1, 1, 1, 1, 0], [3, 1, 1, 1, 0, 0]], k=5).tolist()
    [1, 3]
    """
    ### BEGIN SOLUTION
    neighbor_labels = np.asarray(neighbor_labels)
    labels = np.empty(len(neighbor_labels), dtype=int)
    for i, row in enumerate(neighbor_labels):
        counts = np.bincount(row, minlength=k)
        best = counts.argmax()
        labels[i] = best if 2 * counts[best] > len(row) else row[0]
    return labels
    ### END SOLUTION


def rmse(a, b):
    """Root mean squared error of two images, over every R, G, B value, in 0..255 units.

    Parameters
    ----------
    a, b : array_like of the same shape
        Usually two uint8 images of shape (H, W, 3) (possibly lists).

    Returns
    -------
    float
        sqrt(mean((a − b)²)), the mean taken over every value.

    Notes
    -----
    Hint: convert to float before subtracting: in uint8, 0 − 3 is 253.

    Examples
    --------
    >>> rmse([0, 0, 0, 0], [2, 2, 2, 2])
    2.0
    """
    ### BEGIN SOLUTION
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    return float(np.sqrt(np.mean((a - b) ** 2)))
    ### END SOLUTION
