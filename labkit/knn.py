"""The basic colorization agent: k nearest neighbours among the training patches.

For each gray patch to color, the agent finds the ``neighbors`` (6) most similar gray
patches of the training half (Euclidean distance between their p² gray values) and
looks at the colors of their centre pixels: if more than half of them agree, that color
wins; otherwise the color of the single nearest patch is used.

Finding the neighbours is the expensive part: 128,000 queries against 128,000 training
patches for a 640 × 400 photo. A Python loop over the queries (the seed's approach)
takes minutes; this module answers them exactly with a k-d tree (pykdtree, C + OpenMP,
or scipy's cKDTree), and keeps two NumPy searches to learn from and to test against:

- :func:`brute_force_kneighbors`: all distances by blocked matrix products, the readable
  reference;
- a lower-bound-pruned search (``backend="pruned"``): patches sorted by their sum s,
  using ‖a − b‖² ≥ (s(a) − s(b))² / p² to skip patches that cannot be near.

``benchmarks/bench_colorize.py`` measures them all against scikit-learn.
"""

from __future__ import annotations

import numpy as np

from labkit._checks import odd_int, one_of, positive_int
from labkit.patches import check_training_labels, check_training_patches

VOTES = ("majority", "plurality")
BACKENDS = ("auto", "pykdtree", "scipy", "pruned", "brute")

#: Memory budget (bytes) for one block of a distance matrix in the NumPy searches.
CHUNK_BYTES = 64 * 2**20


class KNNAgent:
    """The basic agent: the vote of the nearest training patches' centre colors.

    Parameters
    ----------
    k : int, default 5
        Number of colors (k-means clusters) the labels come from; labels are 0..k-1.
        ``labkit.colorize`` uses it to reduce the left half to k colors.
    neighbors : int, default 6
        How many nearest training patches vote.
    patch : int, default 3
        Odd side p of the gray patches; the features have p² columns.
    vote : {"majority", "plurality"}, default "majority"
        ``"majority"`` (the seed's rule): the label held by *more than half* of the
        neighbours (≥ 4 of 6), else the label of the nearest neighbour.
        ``"plurality"``: the most frequent label; a tie goes to the tied label whose
        neighbour is nearest.
    backend : {"auto", "pykdtree", "scipy", "pruned", "brute"}, default "auto"
        How the exact nearest neighbours are found: ``"pykdtree"`` (fastest, see
        ``benchmarks/bench_colorize.py``), ``"scipy"`` (``scipy.spatial.cKDTree``, all
        cores), ``"pruned"`` (NumPy, lower-bound pruning), ``"brute"`` (NumPy, all
        distances). ``"auto"`` is pykdtree when it is installed, else scipy.

    Attributes
    ----------
    X_ : ndarray of shape (n, p * p), uint8
        The training patches (after :meth:`fit`).
    y_ : ndarray of shape (n,), intp
        Their labels.

    Notes
    -----
    Every backend is exact: the neighbours' distances are the same, bit for bit (the
    patches hold integers, so squared distances are exact integers). When several
    training patches are at the same distance, which of them is returned depends on the
    backend, so the vote may differ between backends — but a given backend always gives
    the same answer for the same input. Taught in ``notebooks/04_knn_agent.ipynb``.

    Examples
    --------
    >>> X = np.array([[0], [1], [2], [10], [11], [12]], dtype=np.uint8)
    >>> agent = KNNAgent(k=2, neighbors=3, patch=1).fit(X, [0, 0, 0, 1, 1, 1])
    >>> agent.predict(np.array([[1], [9]], dtype=np.uint8))
    array([0, 1])
    """

    def __init__(self, k: int = 5, neighbors: int = 6, patch: int = 3,
                 vote: str = "majority", backend: str = "auto") -> None:
        self.k = positive_int(k, "k")
        self.neighbors = positive_int(neighbors, "neighbors")
        self.patch = odd_int(patch, "patch")
        self.vote = one_of(vote, "vote", VOTES)
        self.backend = one_of(backend, "backend", BACKENDS)
        self._search = None

    def __repr__(self) -> str:
        return (f"KNNAgent(k={self.k}, neighbors={self.neighbors}, patch={self.patch}, "
                f"vote={self.vote!r}, backend={self.backend!r})")

    def fit(self, X, y) -> KNNAgent:
        """Remember the training patches and their labels, and build the search index.

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
        TypeError
            If ``X`` or ``y`` do not hold integers.
        ValueError
            If the shapes do not match, the labels leave 0..k-1, or there are fewer
            than ``neighbors`` training patches.
        """
        X = check_training_patches(X, self.patch)
        y = check_training_labels(y, X.shape[0], self.k)
        if X.shape[0] < self.neighbors:
            raise ValueError(f"neighbors={self.neighbors} needs at least {self.neighbors} "
                             f"training patches, got {X.shape[0]}")
        self.X_ = X
        self.y_ = y
        self._search = _make_search(X, self._resolved_backend())
        return self

    def kneighbors(self, X) -> tuple[np.ndarray, np.ndarray]:
        """The ``neighbors`` nearest training patches of each query patch.

        Parameters
        ----------
        X : array_like of shape (m, p * p), integers 0..255
            Query patches.

        Returns
        -------
        distances : ndarray of shape (m, neighbors), float64
            Euclidean distances, increasing along each row.
        indices : ndarray of shape (m, neighbors), intp
            Rows of the training patches ``X_``; equal distances in increasing index
            order among those returned.

        Raises
        ------
        RuntimeError
            If the agent has not been fitted.
        TypeError, ValueError
            If ``X`` is not integer patches of p² columns.
        """
        self._check_fitted()
        X = check_training_patches(X, self.patch)
        sq, idx = self._search(X, self.neighbors)
        return np.sqrt(sq), idx

    def predict(self, X) -> np.ndarray:
        """The predicted label (color) of each query patch's centre pixel.

        Parameters
        ----------
        X : array_like of shape (m, p * p), integers 0..255
            Query patches.

        Returns
        -------
        labels : ndarray of shape (m,), intp
            Values 0..k-1.
        """
        self._check_fitted()
        X = check_training_patches(X, self.patch)
        _, idx = self._search(X, self.neighbors)
        return vote_labels(self.y_[idx], self.k, self.vote)

    # --- helpers ---------------------------------------------------------------------

    def _resolved_backend(self) -> str:
        if self.backend != "auto":
            return self.backend
        try:
            import pykdtree.kdtree  # noqa: F401
        except ImportError:  # pragma: no cover - pykdtree is a dependency
            return "scipy"
        return "pykdtree"

    def _check_fitted(self) -> None:
        if self._search is None:
            raise RuntimeError("this KNNAgent is not fitted yet; call agent.fit(X, y) first")


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

    Notes
    -----
    With 6 neighbours, "majority" needs 4 votes: 3–3 or 3–2–1 fall back to the nearest.
    Counting is vectorised: one ``bincount`` over ``row * k + label``.

    Examples
    --------
    >>> vote_labels([[1, 2, 2, 2, 2, 0], [1, 2, 2, 2, 0, 0]], k=3)
    array([2, 1])
    >>> vote_labels([[1, 2, 2, 2, 0, 0], [0, 1, 1, 0, 2, 2]], k=3, vote="plurality")
    array([2, 0])
    """
    labels = np.asarray(neighbor_labels)
    if labels.ndim != 2 or labels.shape[1] == 0:
        raise ValueError(f"neighbor_labels must have shape (m, n_neighbors), got {labels.shape}")
    k = positive_int(k, "k")
    vote = one_of(vote, "vote", VOTES)
    labels = labels.astype(np.intp, copy=False)
    if labels.size and (labels.min() < 0 or labels.max() >= k):
        raise ValueError(f"neighbor_labels must lie in 0..{k - 1}")
    return _vote(labels, k, vote)


def _vote(labels: np.ndarray, k: int, vote: str) -> np.ndarray:
    m, n_neighbors = labels.shape
    rows = np.arange(m)
    counts = np.bincount((rows[:, None] * k + labels).ravel(), minlength=m * k)
    counts = counts.reshape(m, k)                                    # (m, k) votes per label
    if vote == "majority":
        best = counts.argmax(axis=1)
        has_majority = 2 * counts[rows, best] > n_neighbors
        return np.where(has_majority, best, labels[:, 0])
    top = counts.max(axis=1)
    is_top = counts[rows[:, None], labels] == top[:, None]           # (m, n_neighbors)
    return labels[rows, is_top.argmax(axis=1)]                       # first = nearest tied


# --- exact nearest-neighbour searches ----------------------------------------------------
# Each search returns (squared distances float64 (m, n), indices intp (m, n)), each row
# sorted by (distance, index).


def brute_force_kneighbors(train, queries, n_neighbors: int) -> tuple[np.ndarray, np.ndarray]:
    """Exact nearest neighbours by computing every distance (the readable reference).

    Parameters
    ----------
    train : array_like of shape (n, d), numbers
        The points to search among.
    queries : array_like of shape (m, d), numbers
        The points to search for.
    n_neighbors : int
        How many neighbours per query (≤ n).

    Returns
    -------
    distances : ndarray of shape (m, n_neighbors), float64
        Euclidean distances, increasing along each row.
    indices : ndarray of shape (m, n_neighbors), intp
        Rows of ``train``; equal distances in increasing index order (which of several
        patches tied at the last place are kept is decided by ``np.argpartition``).

    Notes
    -----
    ‖q − t‖² = ‖q‖² − 2 q·t + ‖t‖²: one matrix product per block of queries, blocks
    sized so that a (block, n) distance matrix stays within ``CHUNK_BYTES``. For integer
    patches every term is an exact integer in float64, so the distances are exact.
    Taught in ``notebooks/04_knn_agent.ipynb`` (the CS231n way: loop, then vectorise).

    Examples
    --------
    >>> d, i = brute_force_kneighbors([[0, 0], [3, 4], [1, 0]], [[0, 0]], 2)
    >>> d, i
    (array([[0., 1.]]), array([[0, 2]]))
    """
    train = _points(train, "train")
    queries = _points(queries, "queries")
    if queries.shape[1] != train.shape[1]:
        raise ValueError(f"queries must have {train.shape[1]} columns like train, "
                         f"got {queries.shape[1]}")
    n_neighbors = positive_int(n_neighbors, "n_neighbors")
    if n_neighbors > train.shape[0]:
        raise ValueError(f"n_neighbors={n_neighbors} is more than the {train.shape[0]} "
                         "training points")
    sq, idx = _brute_force(train, queries, n_neighbors)
    return np.sqrt(sq), idx


def _points(X, name: str) -> np.ndarray:
    arr = np.asarray(X)
    if arr.dtype == object or not np.issubdtype(arr.dtype, np.number):
        raise TypeError(f"{name} must hold numbers, got dtype {arr.dtype}")
    if arr.ndim != 2 or arr.shape[0] == 0:
        raise ValueError(f"{name} must have shape (n, d) with n ≥ 1, got {arr.shape}")
    return arr


def _sort_rows(sq: np.ndarray, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sort each row by (distance, index): a canonical order for equal distances."""
    order = np.lexsort((idx, sq), axis=-1) if sq.size else np.zeros(sq.shape, np.intp)
    return (np.take_along_axis(sq, order, axis=1),
            np.take_along_axis(idx, order, axis=1).astype(np.intp, copy=False))


def _smallest(sq: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """The n smallest entries of each row of sq: (values, column indices), sorted.

    ``argpartition`` finds them in linear time (a full sort of every row would cost
    more than the distances themselves); it is deterministic, so equal inputs give
    equal outputs, and the n found are then sorted by (value, index).
    """
    if n < sq.shape[1]:
        cols = np.argpartition(sq, n - 1, axis=1)[:, :n]
    else:
        cols = np.broadcast_to(np.arange(sq.shape[1]), sq.shape)
    return _sort_rows(np.take_along_axis(sq, cols, axis=1), cols)


def _brute_force(train: np.ndarray, queries: np.ndarray, n: int):
    t = train.astype(np.float64)
    t_sq = np.einsum("ij,ij->i", t, t)                                 # (n_train,)
    block = max(1, CHUNK_BYTES // (8 * t.shape[0]))
    out_sq = np.empty((queries.shape[0], n))
    out_idx = np.empty((queries.shape[0], n), dtype=np.intp)
    for start in range(0, queries.shape[0], block):
        q = queries[start:start + block].astype(np.float64)
        d2 = np.einsum("ij,ij->i", q, q)[:, None] - 2.0 * (q @ t.T) + t_sq  # (block, n_train)
        np.maximum(d2, 0.0, out=d2)
        out_sq[start:start + block], out_idx[start:start + block] = _smallest(d2, n)
    return out_sq, out_idx


def _make_search(train: np.ndarray, backend: str):
    """Build the index for ``backend`` once; return ``search(queries, n) -> (sq, idx)``."""
    if backend == "pykdtree":
        from pykdtree.kdtree import KDTree

        dtype = _exact_float(train.shape[1])
        tree = KDTree(train.astype(dtype))

        def search(queries, n):
            sq, idx = tree.query(queries.astype(dtype), k=n, sqr_dists=True)
            sq, idx = sq.reshape(-1, n), idx.reshape(-1, n)
            return _sort_rows(sq.astype(np.float64), idx.astype(np.intp))
        return search
    if backend == "scipy":
        from scipy.spatial import cKDTree

        tree = cKDTree(train.astype(np.float64))

        def search(queries, n):
            dist, idx = tree.query(queries.astype(np.float64), k=n, p=2, workers=-1)
            dist, idx = dist.reshape(-1, n), idx.reshape(-1, n)
            # squared distances of integer patches are integers: round away sqrt's error
            return _sort_rows(np.rint(dist * dist), idx.astype(np.intp))
        return search
    if backend == "pruned":
        index = _SortedBySum(train)
        return index.query
    return lambda queries, n: _brute_force(train, queries, n)


def _exact_float(d: int) -> type:
    """float32 when every squared distance the tree computes is exact in float32.

    Coordinates are integers 0..255 and tree split values are (half-)integers, so squared
    distances are multiples of 1/4 below d · 255² · 4 in quarters; float32 holds every
    integer below 2**24 exactly. float32 halves the memory traffic (≈ 25 % faster).
    """
    return np.float32 if d * 255**2 * 4 < 2**24 else np.float64


def _merge(best_sq, best, d2, offset, n):
    """Keep the n smallest of the current best and a new (block, c) chunk of distances."""
    both_sq = np.concatenate([best_sq, d2], axis=1)
    cols = np.argpartition(both_sq, n - 1, axis=1)[:, :n]
    chunk_idx = cols - best.shape[1] + offset                         # index if from d2
    from_best = cols < best.shape[1]
    idx = np.where(from_best, np.take_along_axis(best, np.minimum(cols, n - 1), axis=1),
                   chunk_idx)
    return np.take_along_axis(both_sq, cols, axis=1), idx


class _SortedBySum:
    """Lower-bound-pruned exact search: training patches sorted by their sum s.

    For p² values, ‖a − b‖² ≥ (s(a) − s(b))² / p² (Cauchy–Schwarz), so once a query
    knows a distance D that n candidates beat, only patches with |s(a) − s(b)|² ≤ p²·D
    can still be closer. Queries are processed in blocks of similar sums: a first guess
    from the training patches nearest in sum gives D, then every patch inside the sum
    window is compared (in memory-bounded chunks).
    """

    def __init__(self, train: np.ndarray):
        sums = train.sum(axis=1, dtype=np.int64)
        self.order = np.argsort(sums, kind="stable")                  # (n,)
        self.sums = sums[self.order]
        self.train = train[self.order].astype(np.float64)
        self.train_sq = np.einsum("ij,ij->i", self.train, self.train)
        self.d = train.shape[1]

    def _distances(self, q, q_sq, lo, hi):
        t = self.train[lo:hi]
        d2 = q_sq[:, None] - 2.0 * (q @ t.T) + self.train_sq[lo:hi]
        return np.maximum(d2, 0.0, out=d2)

    def query(self, queries: np.ndarray, n: int):
        q_sums = queries.sum(axis=1, dtype=np.int64)
        size, block = len(self.sums), 256
        # 1. a first guess for every query, from the training patches nearest in sum:
        #    its n-th distance D bounds how far (in sum) a true neighbour can be.
        reach = np.empty(len(queries))
        q_order = np.argsort(q_sums, kind="stable")
        for start in range(0, len(q_order), block):
            rows = q_order[start:start + block]
            mid = np.searchsorted(self.sums, q_sums[rows])
            lo = int(max(0, min(mid.min(), size - n) - 64))
            hi = int(min(size, max(mid.max(), lo + n) + 64))
            q = queries[rows].astype(np.float64)
            guess, _ = _smallest(self._distances(q, np.einsum("ij,ij->i", q, q), lo, hi), n)
            reach[rows] = np.sqrt(guess[:, -1] * self.d) + 1e-6
        # 2. blocks of queries with similar reach and similar sums share one window of
        #    candidates: |s(t) - s(q)| ≤ reach(q). Compare all of them, in chunks.
        bucket = np.floor(np.log2(reach + 1.0)).astype(np.int64)
        q_order = np.lexsort((q_sums, bucket))
        out_sq = np.empty((queries.shape[0], n))
        out_idx = np.empty((queries.shape[0], n), dtype=np.intp)
        chunk = max(n, CHUNK_BYTES // (8 * block))
        for start in range(0, len(q_order), block):
            rows = q_order[start:start + block]
            q = queries[rows].astype(np.float64)
            q_sq = np.einsum("ij,ij->i", q, q)
            s, r = q_sums[rows], reach[rows]
            w_lo = int(np.searchsorted(self.sums, (s - r).min(), side="left"))
            w_hi = int(np.searchsorted(self.sums, (s + r).max(), side="right"))
            best_sq = np.full((len(rows), n), np.inf)
            best = np.zeros((len(rows), n), dtype=np.intp)
            for c_lo in range(w_lo, w_hi, chunk):
                c_hi = min(w_hi, c_lo + chunk)
                best_sq, best = _merge(best_sq, best, self._distances(q, q_sq, c_lo, c_hi),
                                       c_lo, n)
            out_sq[rows], out_idx[rows] = _sort_rows(best_sq, self.order[best])
        return out_sq, out_idx

