"""Exact nearest neighbours with a k-d tree: the fast search behind ``labkit.knn.KNNAgent``.

``labkit/knn.py`` teaches the brute force (every distance, by matrix products); this module
answers the same question without comparing a query with every training patch. A k-d tree
splits the training patches into nested boxes; a query visits only the boxes that can still
hold a point nearer than its current n-th neighbour.

What was measured (``benchmarks/bench_colorize.py``, 3×3 patches, 2 cores) and kept:

- pykdtree (C + OpenMP) is the fastest exact search: about 1.3× faster than scipy's
  ``cKDTree(workers=-1)``, 2× faster than scikit-learn's kd-tree, 40× faster than the NumPy
  brute force. It is used whenever it is installed; ``cKDTree`` is the fallback.
- A NumPy search pruned by a lower bound (patches sorted by their sum s,
  ‖a − b‖² ≥ (s(a) − s(b))² / p²) was exact but 12× slower than pykdtree: dropped.
- float32 coordinates (when they keep every distance exact, see :func:`exact_float`) make
  pykdtree about 25 % faster than float64; leaves of 32 points beat the default 16.

Every search returns the same squared distances as the brute force, bit for bit: patches
hold integers, so squared distances are integers, exact in float64 (and in float32 below
2**24). Ties are many; each row is returned sorted by (distance, index).
"""

from __future__ import annotations

import numpy as np

#: The k-d tree libraries: "auto" is pykdtree when it imports, else scipy.
LIBRARIES = ("auto", "pykdtree", "scipy")

#: Points per leaf of the tree (pykdtree's default is 16; 32 measured faster for patches).
LEAFSIZE = 32


def available_library(library: str = "auto") -> str:
    """The library that ``KDTree(train, library)`` uses: "pykdtree" or "scipy"."""
    if library != "auto":
        return library
    try:
        import pykdtree.kdtree  # noqa: F401
    except ImportError:  # pragma: no cover - pykdtree is a dependency of labkit
        return "scipy"
    return "pykdtree"


def exact_float(d: int) -> type:
    """float32 when every squared distance a tree computes on d integer coordinates is exact.

    Coordinates are integers 0..255 and pykdtree's split values are midpoints of integer
    bounds, so every squared distance it computes is a multiple of 1/4 below d · 255²: in
    quarters, an integer below d · 255² · 4. float32 holds every integer below 2**24 exactly
    (d ≤ 64, patches up to 7×7); wider patches use float64.
    """
    return np.float32 if d * 255**2 * 4 < 2**24 else np.float64


def sort_rows(sq: np.ndarray, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sort each row by (distance, index): one order for equal distances, whatever found them.

    Parameters
    ----------
    sq : ndarray of shape (m, n)
        Squared distances.
    idx : ndarray of shape (m, n), integers
        The matching point indices.

    Returns
    -------
    sq : ndarray of shape (m, n), float64
    idx : ndarray of shape (m, n), intp
    """
    sq = np.asarray(sq, dtype=np.float64)
    idx = np.asarray(idx, dtype=np.intp)
    if sq.size == 0:
        return sq, idx
    order = np.lexsort((idx, sq), axis=-1)
    return np.take_along_axis(sq, order, axis=1), np.take_along_axis(idx, order, axis=1)


class KDTree:
    """A k-d tree over integer points (patches), queried for exact nearest neighbours.

    Parameters
    ----------
    train : ndarray of shape (n, d), integers 0..255
        The points to search among (checked by the caller).
    library : {"auto", "pykdtree", "scipy"}, default "auto"
        Which implementation builds and queries the tree; all give the same distances.

    Examples
    --------
    >>> tree = KDTree(np.array([[0, 0], [3, 4], [1, 0]], dtype=np.uint8))
    >>> tree.query(np.array([[0, 0]], dtype=np.uint8), 2)
    (array([[0., 1.]]), array([[0, 2]]))
    """

    def __init__(self, train: np.ndarray, library: str = "auto") -> None:
        self.library = available_library(library)
        self.n_points = train.shape[0]
        if self.library == "pykdtree":
            from pykdtree.kdtree import KDTree as PyKDTree

            self.dtype = exact_float(train.shape[1])
            self._tree = PyKDTree(np.ascontiguousarray(train, dtype=self.dtype),
                                  leafsize=LEAFSIZE)
        else:
            from scipy.spatial import cKDTree

            self.dtype = np.float64
            self._tree = cKDTree(np.asarray(train, dtype=np.float64), leafsize=LEAFSIZE)

    def query(self, queries: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
        """The n nearest points of each query: (squared distances, indices), rows sorted.

        Parameters
        ----------
        queries : ndarray of shape (m, d), integers 0..255
        n : int, 1 ≤ n ≤ number of points

        Returns
        -------
        sq : ndarray of shape (m, n), float64
            Squared Euclidean distances (exact integers for integer points).
        idx : ndarray of shape (m, n), intp
            Rows of ``train``; each row sorted by (distance, index).
        """
        queries = np.ascontiguousarray(queries, dtype=self.dtype)
        if self.library == "pykdtree":
            sq, idx = self._tree.query(queries, k=n, sqr_dists=True)
        else:
            dist, idx = self._tree.query(queries, k=n, p=2, workers=-1)
            sq = np.rint(dist * dist)  # integer points: round away the square root's error
        return sort_rows(sq.reshape(-1, n), idx.reshape(-1, n))
