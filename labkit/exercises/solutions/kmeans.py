"""Answers to the exercises of ``notebooks/01_kmeans_compression.ipynb``."""

from __future__ import annotations

import numpy as np


def assign_labels(X, centroids):
    """Assignment step: the nearest centroid of every point, and its squared distance.

    Parameters
    ----------
    X : array_like of shape (n, d)
        The points (pixels: n rows of R, G, B; possibly uint8, possibly a list).
    centroids : array_like of shape (k, d)
        The centroids.

    Returns
    -------
    labels : ndarray of shape (n,), int
        ``labels[i]`` is the index of the centroid nearest to ``X[i]`` (the first one on a tie).
    sq_dist : ndarray of shape (n,), float64
        ``sq_dist[i]`` is the squared distance from ``X[i]`` to that centroid.

    Notes
    -----
    Hint: convert both to float first; ``X[:, None, :] - centroids[None, :, :]`` has shape
    (n, k, d): square it and sum over the last axis to get the (n, k) squared distances.

    Examples
    --------
    >>> labels, sq_dist = assign_labels([[0, 0], [9, 0]], [[1, 0], [10, 0]])
    >>> labels.tolist(), sq_dist.tolist()
    ([0, 1], [1.0, 1.0])
    """
    ### BEGIN SOLUTION
    X = np.asarray(X, dtype=float)
    centroids = np.asarray(centroids, dtype=float)
    dist = ((X[:, None, :] - centroids[None, :, :]) ** 2).sum(axis=2)  # (n, k)
    labels = dist.argmin(axis=1)
    return labels, dist[np.arange(len(X)), labels]
    ### END SOLUTION


def update_centroids(X, labels, k):
    """Update step: move every centroid to the mean of the points that carry its label.

    Parameters
    ----------
    X : array_like of shape (n, d)
        The points (possibly uint8, possibly a list).
    labels : array_like of shape (n,), int in 0..k-1
        The cluster of every point.
    k : int
        The number of clusters.

    Returns
    -------
    centroids : ndarray of shape (k, d), float64
        Row j is the mean of the points with label j. A cluster without any point (an
        *empty cluster*) has no mean: its centroid goes to the point farthest from its own
        new centroid instead (the first such point on a tie); several empty clusters one
        after the other, each at the point farthest from every centroid so far.

    Notes
    -----
    Hint: ``X[labels == j].mean(axis=0)`` is the mean of cluster j; for the empty cluster,
    ``((X - centroids[labels]) ** 2).sum(axis=1).argmax()`` is the farthest point.

    Examples
    --------
    >>> update_centroids([[0, 0], [2, 0], [10, 10]], [0, 0, 1], 2).tolist()
    [[1.0, 0.0], [10.0, 10.0]]
    """
    ### BEGIN SOLUTION
    X = np.asarray(X, dtype=float)
    labels = np.asarray(labels)
    centroids = np.zeros((k, X.shape[1]))
    empty = []
    for j in range(k):
        if (labels == j).any():
            centroids[j] = X[labels == j].mean(axis=0)
        else:
            empty.append(j)
    cost = ((X - centroids[labels]) ** 2).sum(axis=1)  # how badly each point is served
    for j in empty:
        far = cost.argmax()                             # the worst served point...
        centroids[j] = X[far]                           # ...re-seeds cluster j
        cost = np.minimum(cost, ((X - X[far]) ** 2).sum(axis=1))  # and is served now
    return centroids
    ### END SOLUTION


def kmeans_loop(X, centroids, max_iter=100):
    """Lloyd's algorithm: alternate the two steps until the labels stop changing.

    Parameters
    ----------
    X : array_like of shape (n, d)
        The points.
    centroids : array_like of shape (k, d)
        The starting centroids (do not change this array: work on a copy).
    max_iter : int, default 100
        Stop after this many iterations even if the labels still change.

    Returns
    -------
    centroids : ndarray of shape (k, d), float64
        The final centroids.
    labels : ndarray of shape (n,), int
        The label of every point by the final centroids.
    n_iter : int
        The number of iterations run, 1 ≤ n_iter ≤ max_iter.

    Notes
    -----
    Hint: label the points by the starting centroids once; then each iteration runs
    ``update_centroids``, then ``assign_labels``, and the loop stops when no label changed
    (``np.array_equal(new_labels, labels)``) or after ``max_iter`` iterations.

    Examples
    --------
    >>> c, labels, n_iter = kmeans_loop([[0.0], [1.0], [9.0], [10.0]], [[0.0], [1.0]])
    >>> c.ravel().tolist(), labels.tolist(), n_iter
    ([0.5, 9.5], [0, 0, 1, 1], 2)
    """
    ### BEGIN SOLUTION
    X = np.asarray(X, dtype=float)
    centroids = np.array(centroids, dtype=float)
    k = len(centroids)
    labels, _ = assign_labels(X, centroids)
    for n_iter in range(1, max_iter + 1):
        centroids = update_centroids(X, labels, k)
        new_labels, _ = assign_labels(X, centroids)
        if np.array_equal(new_labels, labels):
            break
        labels = new_labels
    return centroids, new_labels, n_iter
    ### END SOLUTION


def init_pixels(X, k, seed):
    """The ``"pixels"`` start: k different pixels of the photo, drawn at random.

    Parameters
    ----------
    X : array_like of shape (n, d)
        The pixels (possibly uint8, possibly a list), n ≥ k, all different.
    k : int
        How many starting centroids.
    seed : int
        Seed of the random draw: the same seed gives the same centroids.

    Returns
    -------
    centroids : ndarray of shape (k, d), float64
        k different rows of ``X``.

    Notes
    -----
    Hint: ``rng = np.random.default_rng(seed)``, then ``rng.choice(n, size=k,
    replace=False)`` gives k different row numbers.

    Examples
    --------
    >>> init_pixels([[0, 0], [5, 5], [9, 9]], 2, seed=0).shape
    (2, 2)
    """
    ### BEGIN SOLUTION
    X = np.asarray(X, dtype=float)
    rng = np.random.default_rng(seed)
    return X[rng.choice(len(X), size=k, replace=False)]
    ### END SOLUTION
