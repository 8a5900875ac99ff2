"""Answers to the exercises of ``notebooks/02_color_space_3d.ipynb``."""

from __future__ import annotations

import numpy as np


def recolor(centroids, labels, shape):
    """Repaint every pixel with the color of its cluster's centroid.

    Parameters
    ----------
    centroids : array_like of shape (k, 3), float
        The cluster colors, e.g. ``res.centroids`` of ``lk.kmeans``.
    labels : array_like of shape (H * W,), int
        The cluster of every pixel, row by row (``res.labels``).
    shape : tuple
        The photo's (H, W), or its whole shape (H, W, 3): only H and W count.

    Returns
    -------
    image : ndarray of shape (H, W, 3), uint8
        Pixel (r, c) has the color of centroid ``labels[r * W + c]``, rounded to the nearest
        whole number and clipped to 0..255.

    Notes
    -----
    Hint: first make a uint8 palette from the centroids (``np.rint``, ``np.clip``,
    ``.astype(np.uint8)``); then ``palette[labels]`` gives one color per pixel.

    Examples
    --------
    >>> recolor([[10.4, 20.6, 30.0], [0.0, 0.0, 0.0]], [1, 0], (1, 2)).tolist()
    [[[0, 0, 0], [10, 21, 30]]]
    """
    ### BEGIN SOLUTION
    palette = np.clip(np.rint(np.asarray(centroids, dtype=float)), 0, 255).astype(np.uint8)
    return palette[np.asarray(labels)].reshape(shape[0], shape[1], 3)
    ### END SOLUTION


def color_histogram(img):
    """The distinct colors of a photo (its points in the RGB cube) and how many pixels have each.

    Parameters
    ----------
    img : array_like of shape (H, W, 3), uint8
        The photo (possibly a nested list).

    Returns
    -------
    colors : ndarray of shape (m, 3), uint8
        The m distinct colors, sorted by R, then G, then B.
    counts : ndarray of shape (m,), int
        ``counts[j]`` pixels have the color ``colors[j]``; they add up to H * W.

    Notes
    -----
    Hint: make the pixels a table of shape (H * W, 3) and use
    ``np.unique(pixels, axis=0, return_counts=True)``.

    Examples
    --------
    >>> colors, counts = color_histogram([[[255, 0, 0], [0, 0, 255], [255, 0, 0]]])
    >>> colors.tolist(), counts.tolist()
    ([[0, 0, 255], [255, 0, 0]], [1, 2])
    """
    ### BEGIN SOLUTION
    pixels = np.asarray(img, dtype=np.uint8).reshape(-1, 3)
    return np.unique(pixels, axis=0, return_counts=True)
    ### END SOLUTION
