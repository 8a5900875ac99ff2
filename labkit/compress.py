"""Color compression with k-means: a palette of k colors and one palette index per pixel.

:func:`compress` runs k-means (``labkit.kmeans``) on the photo's :func:`color_histogram`,
:func:`elbow` tabulates the error against k, :func:`find_elbow` finds the knee (notebooks
01 and 03). What makes them fast is in ``labkit/_fast/histogram.py``."""

from __future__ import annotations

import math
import os
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from labkit._checks import centroids as check_centroids
from labkit._checks import integers, make_rng, number_columns, one_of, positive_int, rgb_image
from labkit._fast import histogram
from labkit.kmeans import INITS, init_centroids

MAX_K = 1024  # largest k: k-means++ takes k steps (measured: see the benchmark)
SAVE_SUFFIXES = (".png", ".gif")  # what Compressed.save writes
INDEXED_MAX = 256  # most colors of an indexed image (PNG-8, GIF)


@dataclass(frozen=True, eq=False)
class Compressed:
    """A photo reduced to a palette of colors, as returned by :func:`compress`.

    Attributes
    ----------
    palette, centroids : ndarray of shape (m, 3), uint8 and float64
        The colors (m ≤ k: fewer if the photo has fewer), and the k-means centroids they
        are the rounding of.
    labels : ndarray of shape (H, W), uint8 (uint16 if m > 256)
        Palette index of every pixel: its nearest palette color.
    k, n_iter : int
        The number of colors asked for; Lloyd iterations on the exact colors.
    mse, sse : float
        Mean and sum of the squared errors over all R, G, B values of the recolored image.
    """

    palette: np.ndarray
    labels: np.ndarray
    k: int
    mse: float
    sse: float
    n_iter: int
    centroids: np.ndarray

    @property
    def image(self) -> np.ndarray:
        """The recolored image, ``palette[labels]``: (H, W, 3) uint8."""
        return np.take(self.palette, self.labels, axis=0)

    @property
    def n_colors(self) -> int:
        """Number of colors in the palette (m)."""
        return len(self.palette)

    @property
    def bits_per_pixel(self) -> int:
        """Bits of one palette index: ``ceil(log2(n_colors))``, at least 1."""
        return max(1, math.ceil(math.log2(self.n_colors)))

    @property
    def compression_ratio(self) -> float:
        """``24 / bits_per_pixel``: RGB bits over palette-index bits (without the palette)."""
        return 24 / self.bits_per_pixel

    def png_bytes(self) -> bytes:
        """The image as PNG file bytes: indexed up to 256 colors, else truecolor RGB."""
        return histogram.image_file(self.palette, self.labels, ".png")

    def save(self, path: str | os.PathLike, *, overwrite: bool = False, inputs=()) -> Path:
        """Write the image to ``path`` atomically (``.png``: indexed up to 256 colors,
        else truecolor; ``.gif``: at most 256 colors) and return the path written.

        ``overwrite`` allows replacing a file; ``inputs`` (the files this call read) are
        never written. ``ValueError`` for another suffix, a GIF of over 256 colors or an
        input; ``FileExistsError``, ``FileNotFoundError`` (no such folder) and
        ``IsADirectoryError`` as ``labkit._files.output_path``, checked before encoding.
        """
        from labkit._files import write_atomically

        suffix = check_save(path, self.n_colors)
        return write_atomically(  # checks the path, then encodes and writes
            path, lambda handle: handle.write(histogram.image_file(self.palette, self.labels,
                                                                   suffix)),
            overwrite=overwrite, inputs=inputs)


def check_save(path, k: int) -> str:
    """Check before any work that ``k`` colors can be saved as ``path``; return its suffix.

    ``ValueError`` if the suffix (any case) is not in ``SAVE_SUFFIXES`` or a ``.gif``
    would need more than 256 colors (a ``.png`` then stores truecolor)."""
    name = Path(os.fspath(path)).name
    suffix = Path(name).suffix.lower()
    if suffix not in SAVE_SUFFIXES:
        raise ValueError(f"the file name must end in {' or '.join(SAVE_SUFFIXES)}, got {name!r}")
    if suffix == ".gif" and k > INDEXED_MAX:
        raise ValueError(f"a GIF holds at most {INDEXED_MAX} colors, k={k} asks for more; "
                         "use a .png name (saved as truecolor) or k ≤ 256")
    return suffix


def color_histogram(img) -> tuple[np.ndarray, np.ndarray]:
    """The distinct colors of an image (H, W, 3) uint8 and how many pixels have each.

    Returns
    -------
    colors : ndarray of shape (m, 3), uint8
        The distinct colors, sorted by (R, G, B).
    counts : ndarray of shape (m,), int64
        ``counts[j]`` pixels have the color ``colors[j]``; they sum to H * W.

    Notes
    -----
    Each color becomes one 24-bit integer (its three bytes); sorting the codes puts equal
    colors side by side. Taught in ``notebooks/01_kmeans_compression.ipynb``.

    Examples
    --------
    >>> img = np.array([[[255, 0, 0], [0, 0, 255], [255, 0, 0]]], dtype=np.uint8)
    >>> colors, counts = color_histogram(img)
    >>> colors.tolist(), counts.tolist()
    ([[0, 0, 255], [255, 0, 0]], [1, 2])
    """
    hist = histogram.of_image(rgb_image(img))
    return hist.colors, hist.counts


def compress(img, k: int, *, seed=None, init="k-means++", progress: bool = False) -> Compressed:
    """Reduce a photo to ``k`` colors with k-means.

    Parameters
    ----------
    img : array_like of shape (H, W, 3), uint8
    k : int
        Number of colors, 1 ≤ k ≤ ``MAX_K`` (1024).
    seed : None, int or numpy.random.Generator
        Source of randomness; the same seed gives the same result, bit for bit.
    init : {"k-means++", "random", "pixels"} or array_like of shape (k, 3)
        How k-means starts (:func:`labkit.kmeans.init_centroids`), or the start itself.
    progress : bool, default False
        Show a progress bar (tqdm) when the work takes more than a second.

    Returns
    -------
    Compressed
        ``q.image`` is the recolored photo; ``q.save("small.png")`` writes it.

    Raises
    ------
    TypeError, ValueError
        If ``img`` is not an (H, W, 3) integer image in 0..255, ``k`` not an integer in
        1..MAX_K or ``init`` unknown or not of shape (k, 3).

    Warns
    -----
    UserWarning
        If the photo has fewer than ``k`` distinct colors (the palette is those colors).

    Notes
    -----
    Pixels of equal color share a label, so the error over the pixels is :math:`\\sum_j
    n_j \\lVert x_j - c_{\\ell_j} \\rVert^2` over the distinct colors :math:`x_j` and
    their counts :math:`n_j`: the same k-means on far fewer points.

    1. *Coarse stage* (unless ``init`` gives the start): k-means on the colors binned on
       5 bits per channel from 3 k-means++ starts (1 beyond k = 64), the best one
       continued on 6-bit bins; the best of three usually beats one scikit-learn run.
    2. *Refinement*: weighted Lloyd on the exact colors until every centroid moves less
       than 0.2 levels (a k-means fixed point of the photo up to that tolerance).
    3. *Palette*: the centroids rounded to uint8, each pixel labeled with its nearest
       palette color. Taught in ``notebooks/01_kmeans_compression.ipynb``.

    Examples
    --------
    >>> img = np.array([[[0, 0, 0], [10, 10, 10], [200, 0, 0], [210, 0, 0]]], dtype=np.uint8)
    >>> q = compress(img, 2, seed=0)
    >>> q.palette[np.argsort(q.palette[:, 0])].tolist(), round(q.mse, 2)
    ([[5, 5, 5], [205, 0, 0]], 16.67)
    """
    img = rgb_image(img)
    k = positive_int(k, "k", maximum=MAX_K)
    init = one_of(init, "init", INITS) if isinstance(init, str) else \
        check_centroids(init, k, 3, "init")
    rng = make_rng(seed)
    with histogram.small_pages(img), histogram.progress_bar(progress, "compress") as bar:
        hist = histogram.of_image(img)  # the distinct colors and their counts
        palette = _fit_palette(hist, k, init, rng, bar, stacklevel=3)  # steps 1 to 3
        labels = histogram.encode(hist, palette.labels)  # each pixel: its color's label
    return Compressed(palette=palette.colors, labels=labels, k=k,
                      mse=palette.sse / (3 * hist.n_pixels), sse=float(palette.sse),
                      n_iter=palette.n_iter, centroids=palette.centroids)


def _fit_palette(hist, k, init, rng, bar, stacklevel):
    """Steps 1-3 of :func:`compress` on a histogram (a ``histogram.Palette``)."""
    m = len(hist.codes)
    if m < k:
        warnings.warn(f"the image has only {m} distinct color{'s' * (m != 1)}, fewer than k={k}:"
                      " the palette is the image's own", UserWarning, stacklevel=stacklevel + 1)
    if m <= k:
        return histogram.round_palette(hist, histogram.every_color(hist))
    with histogram.threads(k, hist.n_pixels):  # one thread for short steps
        if isinstance(init, str):  # step 1: the coarse stage, from the taught k-means++
            init = histogram.coarse_start(
                hist, k, lambda X, w: init_centroids(X, k, init, rng, w), progress=bar)
        fit = histogram.refine(hist, init, progress=bar)  # step 2: Lloyd on the exact colors
        return histogram.round_palette(hist, fit)  # step 3: the uint8 palette


def elbow(img, ks, *, seed=0, progress: bool = False):
    """The elbow curve: compression error for every k in ``ks``.

    Parameters
    ----------
    img : array_like of shape (H, W, 3), uint8
    ks : iterable of int
        The values of k, each 1 ≤ k ≤ ``MAX_K`` (e.g. ``range(1, 13)``).
    seed : None, int or numpy.random.Generator, default 0
        With an int, each row is exactly ``compress(img, k, seed=seed)``.
    progress : bool, default False
        Show a progress bar over the values of k (tqdm).

    Returns
    -------
    pandas.DataFrame
        Columns ``k``, ``sse`` (sum of squared errors of the recolored image) and ``mse``
        (per R, G, B value), one row per k in the order given.

    Notes
    -----
    One color histogram serves every k. Taught in ``notebooks/03_elbow.ipynb``.

    Examples
    --------
    >>> img = np.array([[[0, 0, 0], [10, 10, 10], [200, 0, 0], [210, 0, 0]]], dtype=np.uint8)
    >>> elbow(img, [1, 2])["k"].tolist()
    [1, 2]
    """
    import pandas as pd
    from tqdm.auto import tqdm

    img, ks, _ = rgb_image(img), integers(ks, "ks", maximum=MAX_K), make_rng(seed)
    hist = histogram.of_image(img)
    rows = []
    for k in tqdm(ks, desc="elbow", disable=not progress):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # k > distinct colors: fine here
            sse = _fit_palette(hist, k, "k-means++", make_rng(seed), None, stacklevel=2).sse
        rows.append({"k": k, "sse": float(sse), "mse": sse / (3 * hist.n_pixels)})
    return pd.DataFrame(rows, columns=["k", "sse", "mse"])


def find_elbow(df) -> int:
    """The knee of an elbow curve: the k after which more colors pay off less.

    Parameters
    ----------
    df : pandas.DataFrame
        Columns ``k`` (distinct whole numbers) and ``sse``, 3 rows or more (:func:`elbow`).

    Returns
    -------
    int
        The value of ``k`` at the knee, always one of the table's.

    Raises
    ------
    TypeError, ValueError
        If ``df`` is not a DataFrame with those columns, at least 3 rows, distinct whole k
        and finite values.

    Notes
    -----
    Both axes scaled to 0..1, the knee is the point farthest from the chord through the
    first and the last point ("Kneedle", Satopää et al., 2011); a straight line has
    none: then the smallest k. Taught in ``notebooks/03_elbow.ipynb``.

    Examples
    --------
    >>> import pandas as pd
    >>> find_elbow(pd.DataFrame({"k": [1, 2, 3, 4, 5], "sse": [100, 30, 20, 15, 12]}))
    2
    """
    k, sse = number_columns(df, ("k", "sse"), "df", min_rows=3)
    if (k != np.round(k)).any() or len(np.unique(k)) != len(k):
        raise ValueError(f"df column k must hold distinct whole numbers, got {k.tolist()}")
    order = np.argsort(k)
    k, sse = k[order].astype(np.int64), sse[order]
    x = (k - k[0]) / (k[-1] - k[0])
    y = (sse - sse.min()) / max(sse.max() - sse.min(), 1e-300)
    # Distance of every point to the chord, up to a constant factor.
    distance = np.abs((y[-1] - y[0]) * (x - x[0]) - (x[-1] - x[0]) * (y - y[0]))
    return int(k[0] if distance.max() <= 1e-12 else k[np.argmax(distance)])
