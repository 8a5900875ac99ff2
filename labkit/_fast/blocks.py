"""Row norms, per-label sums and blocked nearest-centroid searches, shared by the engine.

Every function trusts its caller: arrays are 2-D and finite, of matching widths, and the
points and centroids of one search share one float dtype (float32 or float64).
"""

from __future__ import annotations

import os
import threading

import numpy as np

#: Largest number of distances held at once in one (k, rows) block. 2**19 entries (2 MB in
#: float32) keep memory bounded for any number of points while a block stays in cache;
#: measured on the bundled photos, faster than both 2**17 (more Python-level passes) and
#: 2**21 (blocks spill the cache).
CHUNK_ENTRIES = 2**19
#: From this many centroids on, :func:`nearest_two` asks a k-d tree (pykdtree, C and
#: OpenMP) instead of scanning every centroid. Measured on 1.1 M and 95 k distinct photo
#: colors: the scan wins up to k = 32 (28 vs 40 ms at k = 16 on 1.1 M colors), the tree
#: from k = 64 on (81 vs 106 ms; 125 vs 660 ms at k = 256).
TREE_MIN_K = 48
#: Centroids asked for again when the tree finds a tie (see _nearest_two_by_tree).
TIES = 16
#: Tree queries of fewer points than this run on one thread (see :func:`query`).
SERIAL_QUERY = 4096


def query(tree, X: np.ndarray, k: int):
    """``tree.query(X, k=k)`` (a pykdtree ``KDTree``): on one thread for fewer than
    ``SERIAL_QUERY`` points, else in two halves on two Python threads of one OpenMP
    thread each (:func:`in_halves`; pykdtree releases the GIL while it searches).

    pykdtree's own OpenMP threads cost more than they save on small queries: measured at
    k = 256 centroids, 2.5 ms on two threads against 0.08 ms on one for 256 points, and
    when other processes hold the cores their spinning made a k = 256 compress of a
    0.3 MP photo 3-5x slower. Two Python threads wait without spinning; measured on photo
    colors at k = 256: 0.76 against 1.09 ms for 4,000 points, 4.8 against 8.7 ms for
    32,000, 13.6 against 26.4 ms for 94,000. The answers are the same either way."""
    X = np.ascontiguousarray(X)
    if len(X) < SERIAL_QUERY or not can_split():
        with one_thread("openmp"):
            return tree.query(X, k=k)
    (d1, i1), (d2, i2) = in_halves(lambda rows: tree.query(X[rows], k=k), len(X))
    return np.concatenate([d1, d2]), np.concatenate([i1, i2])


def in_halves(function, n: int, at: int | None = None) -> list:
    """``[function(rows) for rows in (range(0, at), range(at, n))]`` (``at``: n // 2 by
    default), each part on its own thread, where OpenMP runs one thread and a nested call
    does not split again (:func:`can_split` is False there). ``function`` must write only
    its own rows: for work that releases the GIL (NumPy on large arrays, pykdtree's
    searches)."""
    def run(rows):
        _LOCAL.worker = True
        try:
            with one_thread("openmp"):
                return function(rows)
        finally:
            _LOCAL.worker = False

    half = n // 2 if at is None else at
    return list(_pool().map(run, [slice(0, half), slice(half, n)]))


def can_split() -> bool:
    """True where :func:`in_halves` may run: two cores or more, and not inside one of its
    own halves (whose pool is busy: waiting on it there would never end)."""
    return cores() >= 2 and not getattr(_LOCAL, "worker", False)


_LOCAL = threading.local()  # .worker: this thread runs a half of in_halves
_THREADS = []  # the two worker threads of in_halves, started on first use


def _forget_threads() -> None:  # a forked child has none of its parent's threads
    _THREADS.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_threads)


def cores() -> int:
    """The number of CPU cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (
        os.cpu_count() or 1)


def _pool():
    if not _THREADS:
        from concurrent.futures import ThreadPoolExecutor

        _THREADS.append(ThreadPoolExecutor(2, thread_name_prefix="labkit-halves"))
    return _THREADS[0]


_POOLS = []  # threadpoolctl's handle on the loaded BLAS and OpenMP runtimes, found once


def one_thread(user_api: str | None = None):
    """A context that limits the loaded thread pools to one thread: ``"openmp"``
    (pykdtree's), ``"blas"`` (NumPy's OpenBLAS) or, with None, both (threadpoolctl, a
    dependency of scikit-learn; a no-op without it). The results do not depend on it,
    except for the rounding of BLAS sums split over threads."""
    from contextlib import nullcontext

    if not _POOLS:
        import pykdtree.kdtree  # noqa: F401 (loads its OpenMP runtime first)

        try:
            from threadpoolctl import ThreadpoolController
            _POOLS.append(ThreadpoolController())
        except ImportError:
            _POOLS.append(None)
    if _POOLS[0] is None:
        return nullcontext()
    pools = _POOLS[0] if user_api is None else _POOLS[0].select(user_api=user_api)
    return pools.limit(limits=1)


def row_norms_sq(X: np.ndarray) -> np.ndarray:
    """Squared Euclidean norm of every row of ``X`` (n, d), as float64 (n,)."""
    return np.einsum("ij,ij->i", X, X, dtype=np.float64)


def label_sums(labels: np.ndarray, k: int, weights: np.ndarray, values: np.ndarray):
    """Per label j in 0..k-1: the total weight ``mass[j] = Σ w_i`` (k,) and the weighted
    sum ``sums[j] = Σ w_i values_i`` (k, d), over the rows i with ``labels[i] == j``.

    ``sums / mass[:, None]`` is then the weighted mean of every label (an M-step).
    """
    mass = np.bincount(labels, weights=weights, minlength=k)
    sums = np.stack(
        [np.bincount(labels, weights=weights * column, minlength=k) for column in values.T],
        axis=1,
    )
    return mass, sums


def distance_blocks(X: np.ndarray, centroids: np.ndarray):
    """Yield ``(rows, dist)`` over blocks of rows of X: ``dist[j, i] = ||c_j||² - 2 c_j·x_i``,
    the squared distance from row i of the block to centroid j minus ``||x_i||²``.

    Computed in X's dtype: one matrix product per block of at most ``CHUNK_ENTRIES``.
    """
    minus_2c = (-2.0 * centroids).astype(X.dtype)  # (k, d)
    c_sq = row_norms_sq(centroids).astype(X.dtype)[:, None]  # (k, 1)
    step = max(1, CHUNK_ENTRIES // len(centroids))
    for start in range(0, len(X), step):
        rows = slice(start, start + step)
        dist = minus_2c @ X[rows].T  # (k, rows)
        dist += c_sq
        yield rows, dist


def smallest(dist: np.ndarray, second: bool = False):
    """Per column of ``dist`` (k, n): the index and value of the smallest entry and, if
    asked, the second smallest value (else None). Ties go to the lower index.

    Two loops over the k rows, each vectorised over the points. The first keeps the
    smallest (and second smallest) value. The second finds where each smallest value
    sits: a point whose row j holds its smallest value scores k - j, and the highest
    score wins, which is the lowest such j. Scores are small unsigned integers and
    comparing floats for equality is exact here: measured 2.5× faster than updating the
    index with ``np.putmask`` in the first loop, and 4× faster than ``argmin`` over the
    short axis of a (n, k) block at k = 16.
    """
    k, n = dist.shape
    best = dist[0].copy()
    runner_up = np.full_like(best, np.inf) if second else None
    larger = np.empty_like(best)
    for row in dist[1:]:
        if second:
            np.minimum(runner_up, np.maximum(best, row, out=larger), out=runner_up)
        np.minimum(best, row, out=best)
    score_dtype = np.min_scalar_type(k)
    top_score = np.zeros(n, dtype=score_dtype)
    hit = np.empty(n, dtype=bool)
    # With k < 256 the score overwrites the mask in place (bool and uint8 share a layout).
    score = hit.view(np.uint8) if score_dtype == np.uint8 else np.empty(n, dtype=score_dtype)
    for j, row in enumerate(dist):
        np.equal(row, best, out=hit)
        np.multiply(hit, score_dtype.type(k - j), out=score)
        np.maximum(top_score, score, out=top_score)
    labels = k - top_score.astype(np.intp)
    return labels, best, runner_up


def nearest(X: np.ndarray, centroids: np.ndarray, x_sq: np.ndarray):
    """Nearest centroid of every row of X (the lowest index on a tie) and the squared
    distance to it, float64, from the expansion ``||x||² - 2 x·c + ||c||²`` (``x_sq``:
    float64 ``||x||²``). With integer points and centroids in 0..255 every term is an
    integer below 2**24, so float32 computes it exactly."""
    labels = np.empty(len(X), dtype=np.intp)
    sq_dist = np.empty(len(X), dtype=np.float64)
    for rows, dist in distance_blocks(X, centroids):
        labels[rows], sq_dist[rows], _ = smallest(dist)
    sq_dist += x_sq
    np.maximum(sq_dist, 0.0, out=sq_dist)  # rounding can leave -1e-12
    return labels, sq_dist


def nearest_two(X: np.ndarray, centroids: np.ndarray, x_sq: np.ndarray):
    """Nearest centroid of every row of X, and the Euclidean distances to its nearest and
    second-nearest centroids (float64; the second is inf when k = 1).

    A block scan (:func:`distance_blocks`, :func:`smallest`) below ``TREE_MIN_K``
    centroids, a k-d tree over the centroids from there on. Near-ties may be resolved
    either way by rounding; callers allow for it (see ``labkit._fast.lloyd``). (Measured
    and dropped: the scan in two halves on two threads, 35 -> 29 ms for 1.1 M colors at
    k = 16: its short steps hold the GIL between them.)
    """
    n, k = len(X), len(centroids)
    if k == 1:
        d1 = np.sqrt(row_norms_sq(X - centroids.astype(X.dtype)))
        return np.zeros(n, dtype=np.intp), d1, np.full(n, np.inf)
    if k >= TREE_MIN_K:
        return _nearest_two_by_tree(X, centroids, x_sq)
    labels = np.empty(n, dtype=np.intp)
    d1 = np.empty(n, dtype=np.float64)
    d2 = np.empty(n, dtype=np.float64)
    for rows, dist in distance_blocks(X, centroids):
        labels[rows], d1[rows], d2[rows] = smallest(dist, second=True)
    d1 += x_sq
    d2 += x_sq
    np.sqrt(np.maximum(d1, 0.0, out=d1), out=d1)
    np.sqrt(np.maximum(d2, 0.0, out=d2), out=d2)
    return labels, d1, d2


def _nearest_two_by_tree(X, centroids, x_sq):
    """:func:`nearest_two` through a k-d tree over the centroids. The tree returns tied
    centroids in no particular order: a point whose two distances are equal is asked
    again for its ``TIES`` nearest, and takes the lowest index among those at the nearest
    distance (the block scan settles the rare point with more ties than that)."""
    from pykdtree.kdtree import KDTree

    tree = KDTree(np.ascontiguousarray(centroids, dtype=X.dtype))
    dist, index = query(tree, X, 2)
    labels = index[:, 0].astype(np.intp)
    tied = np.flatnonzero(dist[:, 0] == dist[:, 1])
    if len(tied):
        many = min(TIES, len(centroids))
        tie_dist, tie_index = query(tree, X[tied], many)
        at_nearest = tie_dist == tie_dist[:, :1]
        labels[tied] = np.where(at_nearest, tie_index, len(centroids)).min(axis=1)
        more = tied[at_nearest[:, -1]] if many < len(centroids) else tied[:0]
        if len(more):
            labels[more] = nearest(np.take(X, more, axis=0), centroids, x_sq[more])[0]
    return labels, dist[:, 0].astype(np.float64), dist[:, 1].astype(np.float64)


def nearest_three(X: np.ndarray, centroids: np.ndarray, x_sq: np.ndarray):
    """Through a k-d tree (at least 3 centroids): every row's nearest centroid (the lowest
    index on a tie) and second-nearest one, and the Euclidean distances to its nearest,
    second and third nearest centroids (float64). Where the nearest is tied, ``second``
    is the label itself, so that callers treat the point as undecided."""
    from pykdtree.kdtree import KDTree

    tree = KDTree(np.ascontiguousarray(centroids, dtype=X.dtype))
    dist, index = query(tree, X, 3)
    labels = index[:, 0].astype(np.intp)
    second = index[:, 1].astype(np.intp)
    tied = np.flatnonzero(dist[:, 0] == dist[:, 1])
    if len(tied):
        labels[tied] = _nearest_two_by_tree(np.take(X, tied, axis=0), centroids, x_sq[tied])[0]
        second[tied] = labels[tied]
    dist = dist.astype(np.float64)
    return labels, second, dist[:, 0], dist[:, 1], dist[:, 2]
