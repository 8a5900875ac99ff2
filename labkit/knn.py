"""The basic colorization agent: k nearest neighbours among the training patches.

For each gray patch to color, the agent finds the ``neighbors`` (6) most similar gray
patches of the training half (Euclidean distance between their p² gray values); if more
than half of their centre pixels share a color, that color wins, else the nearest one's.
Read beside notebook 04: :func:`brute_force_kneighbors` (every distance, by matrix
products), :func:`vote_labels`, :class:`KNNAgent`. The brute force compares every query with
every patch (minutes for a 640 × 400 photo), so the agent searches a k-d tree by default
(``labkit._fast.neighbors``: the same neighbours at the same distances, without visiting
most patches); ``KNNAgent(search="brute")`` runs the code below instead.
"""

from __future__ import annotations

import numpy as np

from labkit._checks import (NotFittedError, label_table, labels, one_of, patch_size, patches,
                            points, positive_int)
from labkit._fast.blocks import row_norms_sq
from labkit._fast.neighbors import KDTree, sort_rows

VOTES = ("majority", "plurality")
SEARCHES = ("kdtree", "brute")

MAX_BYTES = 2**26  # the brute force holds one (block, n_train) float64 matrix of ≤ 64 MB


def brute_force_kneighbors(train, queries, n_neighbors: int) -> tuple[np.ndarray, np.ndarray]:
    """Exact nearest neighbours by computing every distance (the readable reference).

    Parameters
    ----------
    train : array_like of shape (n, d), numbers
        The points to search among.
    queries : array_like of shape (m, d), numbers
        The points to search for.
    n_neighbors : int, 1 ≤ n_neighbors ≤ n

    Returns
    -------
    distances : ndarray of shape (m, n_neighbors), float64
        Euclidean distances, increasing along each row.
    indices : ndarray of shape (m, n_neighbors), intp
        Rows of ``train``; equal distances in increasing index order.

    Raises
    ------
    TypeError, ValueError
        If the points are not 2-D with as many columns, or ``n_neighbors`` not in 1..n.

    Notes
    -----
    ‖q − t‖² = ‖q‖² − 2 q·t + ‖t‖²: for a block of queries, the middle term for all pairs
    is one matrix product. For integer patches every term is an exact integer in float64,
    so the distances are exact. ``np.argpartition`` then finds the n_neighbors smallest of
    each row without sorting it; only those are sorted. Taught in ``04_knn_agent.ipynb``.

    Examples
    --------
    >>> d, i = brute_force_kneighbors([[0, 0], [3, 4], [1, 0]], [[0, 0]], 2)
    >>> d, i
    (array([[0., 1.]]), array([[0, 2]]))
    """
    train = points(train, "train")
    queries = points(queries, "queries")
    if queries.shape[1] != train.shape[1]:
        raise ValueError(f"queries must have {train.shape[1]} columns like train, "
                         f"got {queries.shape[1]}")
    n_neighbors = positive_int(n_neighbors, "n_neighbors", maximum=train.shape[0])
    sq, idx = _brute_force(train, queries, n_neighbors)
    return np.sqrt(sq), idx


def _brute_force(train: np.ndarray, queries: np.ndarray, n: int):
    """(squared distances, indices) of the n nearest, rows sorted; arguments checked."""
    train = train.astype(np.float64)
    t_sq = row_norms_sq(train)                                             # (n_train,) ‖t‖²
    block = max(1, MAX_BYTES // (8 * len(train)))                         # queries per block
    out_sq = np.empty((len(queries), n))
    out_idx = np.empty((len(queries), n), dtype=np.intp)
    for start in range(0, len(queries), block):
        q = queries[start:start + block].astype(np.float64)               # (block, d)
        d2 = row_norms_sq(q)[:, None] - 2.0 * (q @ train.T) + t_sq       # (block, n_train)
        np.maximum(d2, 0.0, out=d2)          # rounding may dip below 0 for non-integers
        nearest = np.argpartition(d2, n - 1, axis=1)[:, :n]              # n smallest, unsorted
        sq = np.take_along_axis(d2, nearest, axis=1)
        out_sq[start:start + block], out_idx[start:start + block] = sort_rows(sq, nearest)
    return out_sq, out_idx


def vote_labels(neighbor_labels, k: int, vote: str = "majority") -> np.ndarray:
    """Combine the labels of each query's neighbours (nearest first) into one label.

    Parameters
    ----------
    neighbor_labels : array_like of shape (m, n_neighbors), integers 0..k-1
        Row i holds the labels of query i's neighbours, nearest first.
    k : int
        Number of labels.
    vote : {"majority", "plurality"}, default "majority"
        ``"majority"``: the label of more than half of the neighbours, else the nearest
        neighbour's label. ``"plurality"``: the most frequent label, ties broken in favour
        of the tied label whose neighbour comes first (is nearest).

    Returns
    -------
    labels : ndarray of shape (m,), intp

    Raises
    ------
    TypeError, ValueError
        If ``neighbor_labels`` is not a 2-D table of integers 0..k-1.

    Notes
    -----
    With 6 neighbours, "majority" needs 4 votes: 3–3 or 3–2–1 fall back to the nearest.
    One ``bincount`` over ``row * k + label`` counts the (m, k) votes. Taught in 04.

    Examples
    --------
    >>> vote_labels([[1, 2, 2, 2, 2, 0], [1, 2, 2, 2, 0, 0]], k=3)
    array([2, 1])
    >>> vote_labels([[1, 2, 2, 2, 0, 0], [0, 1, 1, 0, 2, 2]], k=3, vote="plurality")
    array([2, 0])
    """
    k = positive_int(k, "k")
    vote = one_of(vote, "vote", VOTES)
    return _vote(label_table(neighbor_labels, k, "neighbor_labels"), k, vote)


def _vote(neighbor_labels: np.ndarray, k: int, vote: str) -> np.ndarray:
    m, n_neighbors = neighbor_labels.shape
    rows = np.arange(m)
    counts = np.bincount((rows[:, None] * k + neighbor_labels).ravel(), minlength=m * k)
    counts = counts.reshape(m, k)                                    # (m, k) votes per label
    if vote == "majority":
        best = counts.argmax(axis=1)
        has_majority = 2 * counts[rows, best] > n_neighbors
        return np.where(has_majority, best, neighbor_labels[:, 0])
    is_top = counts[rows[:, None], neighbor_labels] == counts.max(axis=1)[:, None]
    return neighbor_labels[rows, is_top.argmax(axis=1)]              # first = nearest tied


class KNNAgent:
    """The basic agent: the vote of the nearest training patches' centre colors.

    Parameters
    ----------
    k : int, default 5
        Number of colors: labels are 0..k-1 (``labkit.colorize`` makes k with k-means).
    neighbors : int, default 6
        How many nearest training patches vote.
    patch : int, default 3
        Odd side p of the gray patches; the features have p² columns.
    vote : {"majority", "plurality"}, default "majority"
        See :func:`vote_labels` (majority: the seed's rule, ≥ 4 of 6, else the nearest).
    search : {"kdtree", "brute"}, default "kdtree"
        A k-d tree (``labkit._fast.neighbors``: pykdtree, else scipy's cKDTree) or
        :func:`brute_force_kneighbors`: the same neighbours at the same distances.

    Attributes
    ----------
    X_, y_ : ndarray of shape (n, p * p) uint8 and (n,) intp
        The training patches and their labels (after :meth:`fit`).

    Notes
    -----
    Distances of integer patches are exact, and ties are many: which of the patches tied
    for the last place is kept depends on the search (so the two may vote differently
    there), but each always answers the same input the same way. Taught in notebook 04.

    Examples
    --------
    >>> X = np.array([[0], [1], [2], [10], [11], [12]], dtype=np.uint8)
    >>> agent = KNNAgent(k=2, neighbors=3, patch=1).fit(X, [0, 0, 0, 1, 1, 1])
    >>> agent.predict(np.array([[1], [9]], dtype=np.uint8))
    array([0, 1])
    """

    def __init__(self, k: int = 5, neighbors: int = 6, patch: int = 3,
                 vote: str = "majority", search: str = "kdtree") -> None:
        self.k = positive_int(k, "k")
        self.neighbors = positive_int(neighbors, "neighbors")
        self.patch = patch_size(patch)
        self.vote = one_of(vote, "vote", VOTES)
        self.search = one_of(search, "search", SEARCHES)

    def __repr__(self) -> str:
        return (f"KNNAgent(k={self.k}, neighbors={self.neighbors}, patch={self.patch}, "
                f"vote={self.vote!r}, search={self.search!r})")

    def fit(self, X, y) -> KNNAgent:
        """Remember the training patches and their labels (and build the tree).

        Parameters
        ----------
        X : array_like of shape (n, p * p), integers 0..255
            Training patches (``labkit.patches.patch_features``).
        y : array_like of shape (n,), integers 0..k-1
            The label (color) of each patch's centre pixel.

        Returns
        -------
        self : KNNAgent

        Raises
        ------
        TypeError, ValueError
            If ``X`` or ``y`` are not as above, or there are fewer than ``neighbors`` patches.
        """
        X = patches(X, self.patch)
        y = labels(y, len(X), self.k, "y")
        if len(X) < self.neighbors:
            raise ValueError(f"neighbors={self.neighbors} needs at least {self.neighbors} "
                             f"training patches, got {len(X)}")
        self.X_, self.y_ = X, y
        self.tree_ = KDTree(X) if self.search == "kdtree" else None
        return self

    def kneighbors(self, X) -> tuple[np.ndarray, np.ndarray]:
        """The ``neighbors`` nearest training patches of each query patch.

        Parameters
        ----------
        X : array_like of shape (m, p * p), integers 0..255

        Returns
        -------
        distances, indices : ndarray of shape (m, neighbors), float64 and intp
            Euclidean distances, increasing along each row, and the rows of ``X_`` they
            lead to (equal distances in increasing index order).

        Raises
        ------
        NotFittedError, TypeError, ValueError
            If the agent is not fitted, or ``X`` is not integer patches of p² columns.
        """
        self._check_fitted()
        sq, idx = self._nearest(patches(X, self.patch), self.neighbors)
        return np.sqrt(sq), idx

    def predict(self, X) -> np.ndarray:
        """The predicted label (color) of each query patch's centre pixel.

        Parameters
        ----------
        X : array_like of shape (m, p * p), integers 0..255

        Returns
        -------
        labels : ndarray of shape (m,), intp
            Values 0..k-1 (:meth:`kneighbors`, then :func:`vote_labels`).
        """
        self._check_fitted()
        _, idx = self._nearest(patches(X, self.patch), self.neighbors)
        return _vote(self.y_[idx], self.k, self.vote)

    def predict_leave_one_out(self) -> np.ndarray:
        """The label of each training patch, voted by its nearest *other* training patches.

        ``predict(X_)`` would be too kind: every training patch is its own nearest
        neighbour, at distance 0, and votes for its own label. Here each patch is left out
        of its own vote (search ``neighbors + 1``, drop the patch itself, or the last one
        if identical patches took all the places), so the result says how well the agent
        colors patches it has not memorised; ``labkit.colorize`` scores the left half so.

        Returns
        -------
        labels : ndarray of shape (n,), intp
            Values 0..k-1, in the order of ``X_``.

        Raises
        ------
        NotFittedError, ValueError
            If the agent is not fitted, or has no more than ``neighbors`` patches.

        Examples
        --------
        >>> X = np.array([[0], [1], [3], [7]], dtype=np.uint8)
        >>> KNNAgent(k=2, neighbors=1, patch=1).fit(X, [0, 1, 1, 0]).predict_leave_one_out()
        array([1, 0, 1, 1])
        """
        self._check_fitted()
        n = self.neighbors
        if len(self.X_) <= n:
            raise ValueError(f"leaving a patch out of its own vote needs at least "
                             f"neighbors + 1 = {n + 1} training patches, got {len(self.X_)}")
        _, idx = self._nearest(self.X_, n + 1)                       # (n_train, n + 1)
        drop = idx == np.arange(len(idx))[:, None]                   # the patch itself
        drop[~drop.any(axis=1), -1] = True                           # …or the last one
        others = idx[~drop].reshape(len(idx), n)                     # order kept
        return _vote(self.y_[others], self.k, self.vote)

    def _nearest(self, X: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
        return self.tree_.query(X, n) if self.search == "kdtree" else _brute_force(self.X_, X, n)

    def _check_fitted(self) -> None:
        if not hasattr(self, "y_"):
            raise NotFittedError("this KNNAgent is not fitted yet; call agent.fit(X, y) first")
