"""k-means clustering with Lloyd's algorithm, in NumPy: this file is all of it.

k-means looks for centroids that make the *inertia* :math:`J = \\sum_i w_i \\min_j \\lVert
x_i - c_j \\rVert^2` small. Lloyd's algorithm alternates the **E-step**
(:func:`assign_labels`: each point takes its nearest centroid's label) and the **M-step**
(:func:`update_centroids`: each centroid moves to the mean of its points); neither can raise
:math:`J`. :func:`kmeans` runs the loop from :func:`init_centroids`. Taught in notebook 01.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from labkit._checks import (bounded, centroids as check_centroids, labels as check_labels,
                            make_rng, one_of, points, positive_float, positive_int, weights)

INITS = ("k-means++", "random", "pixels")  # the starts init_centroids knows
ALGORITHMS = ("lloyd", "hamerly")  # the loop below, or the engine's accelerated one
MAX_COORDINATE = 1e100  # larger coordinates could make squared distances infinite
BLOCK_DISTANCES = 2**20  # at most this many distances in memory at once (8 MB)


@dataclass(frozen=True, eq=False)
class KMeansResult:
    """The outcome of :func:`kmeans`.

    Attributes
    ----------
    centroids : ndarray of shape (k, d), float64
    labels : ndarray of shape (n,), intp
        Index of the nearest final centroid of every point.
    inertia : float
        :math:`\\sum_i w_i \\lVert x_i - c_{\\ell_i} \\rVert^2`.
    n_iter : int
        Iterations run (each one M-step, then one E-step); ``converged`` is False if
        the loop stopped at ``max_iter``.
    inertia_history, centroid_history : ndarray of shape (n_iter,), (n_iter + 1, k, d)
        The inertia after each iteration (non-increasing; the last one is ``inertia``);
        the initial centroids, then the centroids after each iteration.
    """

    centroids: np.ndarray
    labels: np.ndarray
    inertia: float
    n_iter: int
    converged: bool
    inertia_history: np.ndarray
    centroid_history: np.ndarray

    k = property(lambda self: len(self.centroids), doc="Number of centroids.")


def kmeans(X, k: int, *, init="k-means++", max_iter: int = 300, tol: float = 1e-4,
           seed=None, sample_weight=None, algorithm: str = "lloyd") -> KMeansResult:
    """Cluster the points ``X`` into ``k`` groups with Lloyd's algorithm.

    Parameters
    ----------
    X : array_like of shape (n, d)
        The points (for color compression: one RGB color per row, 0..255).
    k : int
        Number of clusters, 1 ≤ k ≤ n.
    init : {"k-means++", "random", "pixels"} or array_like of shape (k, d)
        How to choose the starting centroids (:func:`init_centroids`), or the centroids.
    max_iter, tol : int and float, default 300 and 1e-4
        Stop after ``max_iter`` iterations, or when every centroid moved less than
        ``tol`` in one (Euclidean; ``tol=0`` waits until the labels stop changing).
    seed : None, int or numpy.random.Generator
        Source of randomness of the start: the same seed, the same result.
    sample_weight : array_like of shape (n,), optional
        Non-negative weight of every point (default 1): weight 3 counts as three copies.
    algorithm : {"lloyd", "hamerly"}, default "lloyd"
        The loop below, or the same iterations with Hamerly's bounds that skip most
        distances (``labkit/_fast/lloyd.py``): the same fixed point from the same start.

    Returns
    -------
    KMeansResult

    Raises
    ------
    TypeError, ValueError
        For ``X`` not 2-D finite numbers within ±1e100, ``k`` not in 1..n, an unknown or
        misshapen ``init``, an unknown ``algorithm``, a negative ``tol``, bad weights.

    Notes
    -----
    After a first E-step, each iteration is an M-step, :math:`c_j \\leftarrow
    \\sum_{\\ell_i = j} w_i x_i / \\sum_{\\ell_i = j} w_i`, then an E-step,
    :math:`\\ell_i \\leftarrow \\arg\\min_j \\lVert x_i - c_j \\rVert^2`, until the
    labels stop changing (a fixed point), every shift is below ``tol``, or ``max_iter``.

    Examples
    --------
    >>> X = np.array([[0.0, 0.0], [0.0, 1.0], [10.0, 0.0], [10.0, 1.0]])
    >>> res = kmeans(X, 2, seed=0)
    >>> sorted(res.centroids.tolist()), res.inertia, res.converged
    ([[0.0, 0.5], [10.0, 0.5]], 1.0, True)
    """
    X = bounded(points(X, "X"), "X", MAX_COORDINATE)
    k = positive_int(k, "k", maximum=len(X))
    max_iter = positive_int(max_iter, "max_iter")
    tol = positive_float(tol, "tol", allow_zero=True)
    w = weights(sample_weight, len(X))
    algorithm = one_of(algorithm, "algorithm", ALGORITHMS)
    start = (_init(X, k, one_of(init, "init", INITS), make_rng(seed), w) if isinstance(init, str)
             else bounded(check_centroids(init, k, X.shape[1], "init"), "init", MAX_COORDINATE))
    if algorithm == "hamerly":
        from labkit._fast.lloyd import hamerly

        run = hamerly(X, start, w, max_iter=max_iter, tol=tol, history=True)
        return _result(X, w, run.centroids, run.labels, run.converged,
                       list(run.inertia_history), list(run.centroid_history))
    labels, _ = _assign(X, start)  # the first E-step
    centroids, centroid_history, inertia_history, converged = start, [start], [], False
    for _ in range(max_iter):
        new_centroids = _update(X, labels, k, w, centroids)  # M-step
        shift = np.sqrt(((new_centroids - centroids) ** 2).sum(axis=1)).max()
        centroids = new_centroids
        new_labels, sq_dist = _assign(X, centroids)  # E-step
        centroid_history.append(centroids)
        inertia_history.append(float(w @ sq_dist))
        changed = (new_labels != labels).any()
        labels = new_labels
        if not changed or shift < tol:
            converged = True
            break
    return _result(X, w, centroids, labels, converged, inertia_history, centroid_history)


def _result(X, w, centroids, labels, converged, inertia_history, centroid_history):
    inertia = float(w @ ((X - centroids[labels]) ** 2).sum(axis=1))  # exactly, at the end
    if inertia_history:
        inertia_history[-1] = inertia
    return KMeansResult(centroids, labels, inertia, len(inertia_history), converged,
                        np.array(inertia_history, dtype=np.float64), np.stack(centroid_history))


def init_centroids(X, k: int, init: str = "k-means++", seed=None,
                   sample_weight=None) -> np.ndarray:
    """Choose ``k`` starting centroids for k-means, of shape (k, d), float64.

    Parameters
    ----------
    X : array_like of shape (n, d)
    k : int
    init : {"k-means++", "random", "pixels"}, default "k-means++"
        ``"random"``: uniform in the bounding box of the data (some may attract no point:
        an empty cluster); ``"pixels"``: k *distinct* points of ``X`` at random
        (probability ∝ weight); ``"k-means++"``: greedy k-means++, as scikit-learn's.
    seed, sample_weight
        As for :func:`kmeans`.

    Raises
    ------
    TypeError, ValueError
        As :func:`kmeans` (k in 1..n); and for ``"pixels"`` with fewer distinct points.

    Notes
    -----
    k-means++ draws the first centroid with probability ∝ weight, each next one with
    probability :math:`\\propto w_i D(x_i)^2` (:math:`D(x_i)`: distance to the nearest
    centroid so far); the *greedy* variant draws :math:`2 + \\lfloor \\ln k \\rfloor`
    candidates and keeps the one that lowers the inertia most. Taught in notebook 01.

    Examples
    --------
    >>> init_centroids(np.array([[0.0], [1.0], [9.0], [10.0]]), 2, "pixels", seed=0).shape
    (2, 1)
    """
    X = bounded(points(X, "X"), "X", MAX_COORDINATE)
    k, init = positive_int(k, "k", maximum=len(X)), one_of(init, "init", INITS)
    return _init(X, k, init, make_rng(seed), weights(sample_weight, len(X)))


def _init(X, k, init, rng, w) -> np.ndarray:
    if init == "random":
        present = X[w > 0]
        return rng.uniform(present.min(axis=0), present.max(axis=0), size=(k, X.shape[1]))
    if init == "pixels":
        distinct, inverse = np.unique(X[w > 0], axis=0, return_inverse=True)
        if len(distinct) < k:
            raise ValueError(f"init='pixels' needs k={k} distinct points, X has only "
                             f"{len(distinct)}; use a smaller k or init='k-means++'")
        mass = np.bincount(inverse.ravel(), weights=w[w > 0])  # weight of each distinct point
        return distinct[rng.choice(len(distinct), size=k, replace=False, p=mass / mass.sum())]
    centroids = np.empty((k, X.shape[1]))
    centroids[0] = X[rng.choice(len(X), p=w / w.sum())]
    closest = ((X - centroids[0]) ** 2).sum(axis=1)  # D(x_i)²
    n_trials, x_sq = 2 + int(np.log(k)), (X**2).sum(axis=1)  # ||x||²: once for all steps
    for c in range(1, k):
        potential = w @ closest
        if potential <= 0:  # every point sits on a centroid
            centroids[c:] = centroids[0]
            break
        targets = rng.uniform(size=n_trials) * potential  # candidates drawn ∝ w D²
        candidates = np.minimum(np.searchsorted(np.cumsum(w * closest), targets), len(X) - 1)
        trials = np.minimum(closest, _sq_distances(X, X[candidates], x_sq))  # D² with each one
        best = int(np.argmin(trials @ w))  # the candidate that lowers the inertia most
        centroids[c], closest = X[candidates[best]], trials[best]
    return centroids


def _sq_distances(X, C, x_sq=None) -> np.ndarray:
    """(k, n) squared distances as ||x||² - 2 x·c + ||c||²: one matrix product, no (n, k, d)."""
    x_sq = (X**2).sum(axis=1) if x_sq is None else x_sq
    return np.maximum(x_sq - 2.0 * (C @ X.T) + (C**2).sum(axis=1)[:, None], 0.0)


def assign_labels(X, centroids) -> tuple[np.ndarray, np.ndarray]:
    """E-step: the index of the nearest centroid of every point, and its squared distance.

    Parameters
    ----------
    X : array_like of shape (n, d)
    centroids : array_like of shape (k, d)

    Returns
    -------
    labels : ndarray of shape (n,), intp
        Index of the centroid nearest to ``X[i]`` (the first one on a tie).
    sq_dist : ndarray of shape (n,), float64
        Squared Euclidean distance from ``X[i]`` to that centroid.

    Notes
    -----
    One matrix product per block of rows (:func:`_sq_distances`). Taught in notebook 01.

    Examples
    --------
    >>> labels, sq_dist = assign_labels([[0.0, 0.0], [9.0, 0.0]], [[1.0, 0.0], [10.0, 0.0]])
    >>> labels.tolist(), sq_dist.tolist()
    ([0, 1], [1.0, 1.0])
    """
    X = bounded(points(X, "X"), "X", MAX_COORDINATE)
    C = points(centroids, "centroids")
    C = bounded(check_centroids(C, len(C), X.shape[1], "centroids"), "centroids", MAX_COORDINATE)
    return _assign(X, C)


def _assign(X, centroids):
    labels = np.empty(len(X), dtype=np.intp)
    rows = max(1, BLOCK_DISTANCES // len(centroids))  # a block of rows at a time
    for start in range(0, len(X), rows):
        labels[start:start + rows] = _sq_distances(X[start:start + rows], centroids).argmin(0)
    return labels, ((X - centroids[labels]) ** 2).sum(axis=1)  # the distance, directly


def update_centroids(X, labels, k: int, sample_weight=None, old_centroids=None) -> np.ndarray:
    """M-step: move every centroid to the weighted mean of the points it labels.

    Parameters
    ----------
    X : array_like of shape (n, d)
    labels : array_like of shape (n,), integers in 0..k-1
        The cluster of every point (from :func:`assign_labels`).
    k : int
    sample_weight : array_like of shape (n,), optional
    old_centroids : array_like of shape (k, d), optional
        Where an empty cluster stays if no point can re-seed it usefully.

    Returns
    -------
    centroids : ndarray of shape (k, d), float64

    Notes
    -----
    :math:`c_j = \\sum_{\\ell_i = j} w_i x_i \\,/\\, \\sum_{\\ell_i = j} w_i`. An *empty*
    cluster has no mean: it is re-seeded at the point that adds most to the inertia
    (largest :math:`w_i \\lVert x_i - c_{\\ell_i} \\rVert^2`), several one after the
    other (if every point sits on a centroid, it stays). Taught in notebook 01.

    Examples
    --------
    >>> update_centroids([[0.0], [2.0], [10.0]], [0, 0, 1], 2).tolist()
    [[1.0], [10.0]]
    """
    X, k = bounded(points(X, "X"), "X", MAX_COORDINATE), positive_int(k, "k")
    old = None if old_centroids is None else check_centroids(old_centroids, k, X.shape[1],
                                                             "old_centroids")
    return _update(X, check_labels(labels, len(X), k), k, weights(sample_weight, len(X)), old)


def _update(X, labels, k, w, old) -> np.ndarray:
    mass = np.bincount(labels, weights=w, minlength=k)  # Σ w_i per cluster, (k,)
    sums = np.stack([np.bincount(labels, weights=w * x, minlength=k) for x in X.T], axis=1)
    empty = mass <= 1e-12 * w.sum()
    centroids = sums / np.where(empty, 1.0, mass)[:, None]  # (k, d)
    if empty.any():  # re-seed each empty cluster at the costliest point
        cost = w * ((X - centroids[labels]) ** 2).sum(axis=1)
        for j in np.flatnonzero(empty):
            i = int(np.argmax(cost))
            if cost[i] > 0:
                centroids[j] = X[i]
                cost = np.minimum(cost, w * ((X - X[i]) ** 2).sum(axis=1))
            else:
                centroids[j] = X[np.argmax(w)] if old is None else old[j]
    return centroids
