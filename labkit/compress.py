"""Color compression with k-means: a palette of k colors and one palette index per pixel.

:func:`compress` reduces a photo to ``k`` colors. It runs k-means (``labkit.kmeans``)
not on the pixels but on the photo's *color histogram*: every distinct color once,
weighted by how many pixels have it. The result is the same k-means, much faster.
:func:`elbow` tabulates the error against ``k`` and :func:`find_elbow` finds the knee.
Taught in ``notebooks/01_kmeans_compression.ipynb`` and ``notebooks/03_elbow.ipynb``.
"""

from __future__ import annotations

import io
import math
import os
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from labkit._checks import make_rng, one_of, positive_int
from labkit.images import as_rgb_image
from labkit.kmeans import (
    INITS,
    _check_centroids,
    _init_centroids,
    _lloyd,
    _lloyd_with_margin,
    _nearest,
    _row_norms_sq,
)

#: Largest k: labels are stored as uint16.
MAX_K = 2**16

#: Bits kept per channel in the coarse histogram (2**15 bins at most).
_COARSE_BITS = 5
#: Use the coarse stage only when the photo has more distinct colors than this.
_COARSE_MIN_COLORS = 4096
#: Number of k-means++ starts tried on the coarse histogram (the best one is refined).
_COARSE_STARTS = 3
#: From this many pixels on, ``_COARSE_STARTS_LARGE`` starts: the coarse stage costs the
#: same at any size (at most 32768 bins) while the rest grows with the photo, so at
#: 15 MP ten starts add about 10 % to the time and lower the error by about 1 %.
_LARGE_PIXELS = 2_000_000
_COARSE_STARTS_LARGE = 10
#: Centroid shift (in 0..255 levels) that ends the coarse stage.
_COARSE_TOL = 0.5
#: Largest number of Lloyd iterations per coarse start.
_COARSE_MAX_ITER = 10
#: Centroid shift (in 0..255 levels) that ends the refinement on the exact colors.
_REFINE_TOL = 0.2
_MAX_ITER = 300
#: First over-relaxation factor of the M-step, in both stages (see
#: labkit.kmeans._lloyd_with_margin, which grows it while the inertia falls): 30-45 %
#: fewer iterations on the sample photos at k = 16 and 32, the same or a lower inertia.
_RELAX = 1.8


@dataclass(frozen=True, eq=False)
class Compressed:
    """A photo reduced to a palette of colors, as returned by :func:`compress`.

    Attributes
    ----------
    palette : ndarray of shape (m, 3), uint8
        The colors, m ≤ k (fewer when the photo has fewer distinct colors than k).
    labels : ndarray of shape (H, W), uint8 (uint16 if m > 256)
        Palette index of every pixel: the nearest palette color.
    k : int
        The number of colors asked for.
    mse : float
        Mean squared error over all R, G, B values of the recolored image (0..255 units).
    sse : float
        Sum of squared errors, ``mse * 3 * H * W``.
    n_iter : int
        Lloyd iterations of the refinement on the exact colors.
    centroids : ndarray of shape (m, 3), float64
        The k-means centroids before rounding to the palette (row j gives palette[j]).
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
        return np.take(self.palette, self.labels, axis=0)  # = palette[labels], 4x faster

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
        """``24 / bits_per_pixel``: raw RGB bits over raw palette-index bits.

        The model counts the pixels only: the palette itself (``3 * 8 * m`` bits) and
        any file-format overhead or PNG compression are left out.
        """
        return 24 / self.bits_per_pixel

    def png_bytes(self) -> bytes:
        """The image as an indexed PNG (Pillow mode "P" with the palette), in memory.

        Raises
        ------
        ValueError
            If the palette has more than 256 colors (an indexed PNG holds at most 256).
        """
        from PIL import Image

        if self.n_colors > 256:
            raise ValueError(
                f"an indexed PNG holds at most 256 colors, this palette has {self.n_colors}; "
                "save q.image with labkit.images.save_image instead"
            )
        height, width = self.labels.shape
        png = Image.frombytes("P", (width, height), self.labels.astype(np.uint8).tobytes())
        png.putpalette(self.palette.tobytes(), rawmode="RGB")
        buffer = io.BytesIO()
        png.save(buffer, format="PNG", optimize=True)
        return buffer.getvalue()

    def save(self, path: str | os.PathLike, overwrite: bool = False) -> Path:
        """Write the image as an indexed PNG file and return its path.

        Parameters
        ----------
        path : str or os.PathLike
            Where to write; the name must end in ``.png``.
        overwrite : bool, default False
            Replace an existing file. Without it an existing file is never touched.

        Raises
        ------
        FileExistsError
            If ``path`` exists and ``overwrite`` is False.
        ValueError
            If the name does not end in ``.png``, or the palette has more than 256 colors.
        """
        path = Path(path).expanduser()
        if path.suffix.lower() != ".png":
            raise ValueError(f"Compressed.save writes indexed PNG files: the name must end in "
                             f".png, got {path.name!r}")
        data = self.png_bytes()
        try:
            with open(path, "wb" if overwrite else "xb") as file:
                file.write(data)
        except FileExistsError:
            raise FileExistsError(
                f"{path} already exists; pass overwrite=True to replace it"
            ) from None
        return path


def color_histogram(img) -> tuple[np.ndarray, np.ndarray]:
    """The distinct colors of an image and how many pixels have each.

    Parameters
    ----------
    img : array_like of shape (H, W, 3), uint8

    Returns
    -------
    colors : ndarray of shape (m, 3), uint8
        The distinct colors, sorted by (R, G, B).
    counts : ndarray of shape (m,), int64
        ``counts[j]`` pixels have the color ``colors[j]``; they sum to H * W.

    Notes
    -----
    Each color becomes one 24-bit integer, ``r << 16 | g << 8 | b``; sorting these codes
    (NumPy radix-sorts 32-bit integers in one pass or two) puts equal colors side by
    side. Taught in ``notebooks/01_kmeans_compression.ipynb``.

    Examples
    --------
    >>> img = np.array([[[255, 0, 0], [0, 0, 255], [255, 0, 0]]], dtype=np.uint8)
    >>> colors, counts = color_histogram(img)
    >>> colors.tolist(), counts.tolist()
    ([[0, 0, 255], [255, 0, 0]], [1, 2])
    """
    codes, counts = _histogram(_color_codes(as_rgb_image(img)))
    return _code_colors(codes), counts


def compress(img, k: int, *, seed=None, init="k-means++") -> Compressed:
    """Reduce a photo to ``k`` colors with k-means.

    Parameters
    ----------
    img : array_like of shape (H, W, 3), uint8
        The photo.
    k : int
        Number of colors, 1 ≤ k ≤ 65536.
    seed : None, int or numpy.random.Generator, default None
        Source of randomness; the same seed gives the same result, bit for bit.
    init : {"k-means++", "random", "pixels"} or array_like of shape (k, 3), default "k-means++"
        How k-means starts (see :func:`labkit.kmeans.init_centroids`); an array gives
        the starting colors and skips the coarse stage.

    Returns
    -------
    Compressed
        palette, labels, mse, sse, …; ``q.image`` is the recolored photo and
        ``q.save("small.png")`` writes it as an indexed PNG.

    Raises
    ------
    TypeError
        If ``img`` is not an integer image or ``k`` not an integer.
    ValueError
        If ``img`` is not (H, W, 3) in 0..255, or ``k`` or ``init`` are out of range.

    Warns
    -----
    UserWarning
        If the photo has fewer than ``k`` distinct colors: then the palette is exactly
        those colors.

    Notes
    -----
    k-means minimises the sum of squared errors :math:`\\sum_p \\lVert x_p - c_{\\ell_p}
    \\rVert^2` over the pixels p. Pixels of equal color always share a label, so the
    same sum is :math:`\\sum_j n_j \\lVert x_j - c_{\\ell_j} \\rVert^2` over the m
    distinct colors :math:`x_j`, each weighted by its count :math:`n_j`
    (:func:`color_histogram`): k-means on m ≈ H·W/3 weighted points instead of H·W.

    1. *Coarse stage*: colors are binned on 5 bits per channel (at most 32768 bins, each
       the count-weighted mean of its true colors); k-means runs there from 3 starts
       (10 from 2 megapixels on, where they cost little next to the rest; at most 10
       over-relaxed Lloyd iterations each) and the start with the lowest inertia is
       kept. The best of several starts is why the result usually
       beats a single scikit-learn run.
    2. *Refinement*: weighted Lloyd on the exact distinct colors (same
       :func:`labkit.kmeans.kmeans` machinery, distances in float32; the M-step
       over-relaxed, by 1.8 growing to 4, while the inertia falls, the last step plain)
       until the labels stop changing or every centroid moves less than 0.2 levels in
       one iteration: a k-means fixed point of the photo (not of the bins) up to that
       tolerance: each centroid lies within about 0.2 levels of the mean of the pixels
       nearest to it, well inside the rounding to the uint8 palette.
    3. *Palette*: the centroids rounded to uint8 (duplicates and unused colors dropped);
       each pixel is labeled with its nearest palette color (exact integer distances;
       a color far enough from every boundary between clusters keeps its cluster's
       color without a search), through a lookup table indexed by color code. ``mse``
       and ``sse`` are the exact errors of that recolored image.

    Taught in ``notebooks/01_kmeans_compression.ipynb``.

    Examples
    --------
    >>> img = np.array([[[0, 0, 0], [10, 10, 10], [200, 0, 0], [210, 0, 0]]], dtype=np.uint8)
    >>> q = compress(img, 2, seed=0)
    >>> q.palette[np.argsort(q.palette[:, 0])].tolist()
    [[5, 5, 5], [205, 0, 0]]
    >>> q.image.shape, round(q.mse, 2)
    ((1, 4, 3), 16.67)
    """
    img = as_rgb_image(img)
    k = _check_k(k)
    init = _check_init(init, k)
    rng = make_rng(seed)
    codes = _color_codes(img)
    hist_codes, counts = _histogram(codes)
    colors = _code_colors(hist_codes)
    fit = _fit(hist_codes, colors, counts, k, init, rng)
    return _encode(img.shape[:2], codes, hist_codes, colors, counts, fit, k)


def elbow(img, ks, *, seed=0, progress: bool = False):
    """The elbow curve: compression error for every k in ``ks``.

    Parameters
    ----------
    img : array_like of shape (H, W, 3), uint8
        The photo.
    ks : iterable of int
        The values of k, each 1 ≤ k ≤ 65536 (e.g. ``range(1, 13)``).
    seed : None, int or numpy.random.Generator, default 0
        Source of randomness. With an int, each row is exactly
        ``compress(img, k, seed=seed)``.
    progress : bool, default False
        Show a progress bar (tqdm).

    Returns
    -------
    pandas.DataFrame
        Columns ``k``, ``sse`` (sum of squared errors of the recolored image) and
        ``mse`` (the same per R, G, B value), one row per k in the order given.

    Notes
    -----
    The color histogram is computed once and shared by every k. k-means finds a local
    minimum, so the curve is not guaranteed to decrease; with the best of several
    k-means++ starts it does in practice. Taught in ``notebooks/03_elbow.ipynb``.

    Examples
    --------
    >>> img = np.array([[[0, 0, 0], [10, 10, 10], [200, 0, 0], [210, 0, 0]]], dtype=np.uint8)
    >>> elbow(img, [1, 2])["k"].tolist()
    [1, 2]
    """
    import pandas as pd
    from tqdm.auto import tqdm

    img = as_rgb_image(img)
    if isinstance(ks, (str, bytes)):
        raise TypeError(f"ks must be an iterable of integers, got {ks!r}")
    try:
        ks = [_check_k(k) for k in ks]
    except TypeError as exc:
        raise TypeError(f"ks must be an iterable of integers ≥ 1: {exc}") from None
    if not ks:
        raise ValueError("ks must hold at least one value of k")
    if isinstance(seed, np.random.Generator):
        shared = seed
    else:
        make_rng(seed)  # validates the seed
        shared = None
    codes = _color_codes(img)
    hist_codes, counts = _histogram(codes)
    colors = _code_colors(hist_codes)
    n_values = 3 * codes.size
    rows = []
    for k in tqdm(ks, desc="elbow", disable=not progress):
        rng = shared if shared is not None else make_rng(seed)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # k > distinct colors: fine here
            fit = _fit(hist_codes, colors, counts, k, "k-means++", rng)
        sse = float(_quantize(colors, counts, fit)[3])
        rows.append({"k": k, "sse": sse, "mse": sse / n_values})
    return pd.DataFrame(rows, columns=["k", "sse", "mse"])


def find_elbow(df) -> int:
    """The knee of an elbow curve: the k after which more colors pay off less.

    Parameters
    ----------
    df : pandas.DataFrame
        Columns ``k`` and ``sse``, at least 3 rows with distinct k (as from :func:`elbow`).

    Returns
    -------
    int
        The value of ``k`` at the knee.

    Raises
    ------
    TypeError
        If ``df`` is not a DataFrame.
    ValueError
        If it lacks the columns, has fewer than 3 rows, repeated k, or values that are
        not finite.

    Notes
    -----
    Both axes are scaled to 0..1 (k from its smallest to its largest value, sse from its
    smallest to its largest value); the knee is the point farthest from the straight
    line (the chord) through the first and the last point of the curve. This is the
    geometric idea of the "Kneedle" method (Satopää et al., 2011). A straight line has
    no knee: then the smallest k is returned. Taught in ``notebooks/03_elbow.ipynb``.

    Examples
    --------
    >>> import pandas as pd
    >>> find_elbow(pd.DataFrame({"k": [1, 2, 3, 4, 5], "sse": [100, 30, 20, 15, 12]}))
    2
    """
    import pandas as pd

    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"df must be a pandas DataFrame with columns k and sse, "
                        f"got {type(df).__name__}")
    missing = {"k", "sse"} - set(df.columns)
    if missing:
        raise ValueError(f"df must have columns k and sse; missing {sorted(missing)}")
    if len(df) < 3:
        raise ValueError(f"df must have at least 3 rows to have a knee, got {len(df)}")
    try:
        k = df["k"].to_numpy(dtype=np.float64)
        sse = df["sse"].to_numpy(dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError("df columns k and sse must hold numbers") from None
    if not (np.isfinite(k).all() and np.isfinite(sse).all()):
        raise ValueError("df columns k and sse must be finite (no NaN)")
    if len(np.unique(k)) != len(k):
        raise ValueError("df must have one row per k (repeated k found)")
    order = np.argsort(k)
    k, sse = k[order], sse[order]
    x = (k - k[0]) / (k[-1] - k[0])
    span = sse.max() - sse.min()
    if span == 0:
        return int(k[0])
    y = (sse - sse.min()) / span
    # Distance to the chord through (x0, y0) and (x1, y1), up to a constant factor.
    dx, dy = x[-1] - x[0], y[-1] - y[0]
    distance = np.abs(dy * (x - x[0]) - dx * (y - y[0]))
    if distance.max() <= 1e-12:
        return int(k[0])
    return int(k[np.argmax(distance)])


# ----------------------------------------------------------------------------------------
# Argument checks.
# ----------------------------------------------------------------------------------------


def _check_k(k) -> int:
    k = positive_int(k, "k")
    if k > MAX_K:
        raise ValueError(f"k must be at most {MAX_K} (labels are stored as uint16), got {k}")
    return k


def _check_init(init, k: int):
    if isinstance(init, str):
        return one_of(init, "init", INITS)
    return _check_centroids(init, k, 3, "init")


# ----------------------------------------------------------------------------------------
# Private computations.
# ----------------------------------------------------------------------------------------


def _color_codes(img: np.ndarray) -> np.ndarray:
    """24-bit code ``r << 16 | g << 8 | b`` of every pixel, (H*W,) uint32."""
    pixels = img.reshape(-1, 3)
    codes = pixels[:, 0].astype(np.uint32) << 16
    codes |= pixels[:, 1].astype(np.uint32) << 8
    codes |= pixels[:, 2]
    return codes


def _code_colors(codes: np.ndarray) -> np.ndarray:
    """Inverse of :func:`_color_codes`: (m,) codes to (m, 3) uint8 colors."""
    return np.stack([codes >> 16, codes >> 8, codes], axis=1).astype(np.uint8)


def _histogram(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct codes (sorted) and their counts.

    Sorting was measured faster than ``np.bincount(codes, minlength=2**24)`` here: as fast
    at 15 MP, and 30× faster at 0.3 MP, where scanning the 2**24 bins dominates.
    """
    ordered = np.sort(codes)
    starts = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))
    counts = np.diff(np.append(starts, ordered.size)).astype(np.int64)
    return ordered[starts], counts


def _coarse_histogram(codes: np.ndarray, colors: np.ndarray, counts: np.ndarray, bits: int):
    """Bin the colors (``colors[j]`` has the code ``codes[j]``) on ``bits`` bits per channel:
    the bins' means (float64, weighted by the counts) and the bins' counts, for the
    occupied bins only.

    The bin index takes the top ``bits`` bits of R, G and B straight from the 24-bit
    code, with shifts and masks (twice as fast as from the (m, 3) colors).
    """
    drop, mask = 8 - bits, (1 << bits) - 1
    bin_index = ((codes >> (16 + drop)) << (2 * bits)) | (
        ((codes >> (8 + drop)) & mask) << bits) | ((codes >> drop) & mask)
    bin_index = bin_index.astype(np.intp)
    weights = counts.astype(np.float64)
    mass = np.bincount(bin_index, weights=weights, minlength=1 << (3 * bits))
    occupied = np.flatnonzero(mass)
    sums = np.stack(
        [np.bincount(bin_index, weights=weights * channel, minlength=1 << (3 * bits))[occupied]
         for channel in colors.T], axis=1)
    return sums / mass[occupied, None], mass[occupied]


@dataclass(frozen=True)
class _Fit:
    """What :func:`_fit` found: centroids, and when known each color's label and a lower
    bound on its margin (distance to the second-nearest centroid minus distance to the
    nearest), which lets :func:`_encode` skip most exact nearest-color searches."""

    centroids: np.ndarray
    n_iter: int
    labels: np.ndarray | None = None
    margin: np.ndarray | None = None


def _fit(codes: np.ndarray, colors: np.ndarray, counts: np.ndarray, k: int, init,
         rng) -> _Fit:
    """k-means of the distinct colors (and their codes) weighted by their counts (see
    :func:`compress`, steps 1 and 2)."""
    X = colors.astype(np.float64)
    weights = counts.astype(np.float64)
    if len(X) <= k:
        if len(X) < k:
            warnings.warn(
                f"the image has only {len(X)} distinct colors, fewer than k={k}: "
                f"the palette holds those {len(X)} colors",
                UserWarning, stacklevel=3,
            )
        return _Fit(X, n_iter=0)
    if not isinstance(init, str):
        start = init
    elif len(X) > _COARSE_MIN_COLORS:
        start = _coarse_centroids(codes, X, weights, k, init, rng)
    else:
        start = _init_centroids(X, k, init, rng, weights)
    result, margin = _lloyd_with_margin(X, start, weights, max_iter=_MAX_ITER,
                                        tol=_REFINE_TOL, relax=_RELAX,
                                        distance_dtype=np.float32)
    return _Fit(result.centroids, result.n_iter, result.labels, margin)


def _coarse_centroids(codes, X, weights, k, init, rng) -> np.ndarray:
    """Best of several short k-means runs on the coarse histogram (starting centroids)."""
    coarse, coarse_weights = _coarse_histogram(codes, X, weights, _COARSE_BITS)
    if len(coarse) < k:
        return _init_centroids(X, k, init, rng, weights)
    best = None
    large = weights.sum() >= _LARGE_PIXELS
    for _ in range(_COARSE_STARTS_LARGE if large else _COARSE_STARTS):
        start = _init_centroids(coarse, k, init, rng, coarse_weights)
        result = _lloyd(coarse, start, coarse_weights, max_iter=_COARSE_MAX_ITER,
                        tol=_COARSE_TOL, relax=_RELAX, distance_dtype=np.float32)
        if best is None or result.inertia < best.inertia:
            best = result
    return best.centroids


def _palette(centroids: np.ndarray):
    """Round centroids to uint8 colors, dropping duplicates.

    Returns ``(palette, kept, where)``: ``palette = rounded[kept]`` in the order of the
    centroids, and ``where[j]``, the palette row of centroid j's rounded color.
    """
    rounded = np.clip(np.rint(centroids), 0, 255).astype(np.uint8)
    _, first, inverse = np.unique(rounded, axis=0, return_index=True, return_inverse=True)
    order = np.argsort(first)
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    return rounded[first[order]], first[order], rank[inverse.ravel()]


def _nearest_palette(colors: np.ndarray, palette: np.ndarray) -> np.ndarray:
    """Nearest palette color of every color (the lowest index on a tie), by exact distances.

    Colors and palette are integers, so every term of ||x||² - 2 x·c + ||c||² is an
    integer below 2**24 and float32 computes it exactly.
    """
    x_sq = _row_norms_sq(colors.astype(np.float64))
    return _nearest(colors.astype(np.float32), palette.astype(np.float64), x_sq)[0]


def _quantize(colors: np.ndarray, counts: np.ndarray, fit: _Fit):
    """Round the fitted centroids to a palette and label the distinct colors with it.

    Returns ``(palette, centroids, labels, sse)``: the palette (duplicates and colors
    nobody is nearest to dropped), the centroids it came from, each color's nearest
    palette color, and the exact sum of squared errors over the pixels.
    """
    palette, kept, where = _palette(fit.centroids)
    centroids = fit.centroids[kept]
    labels = _palette_labels(colors, palette, fit, where)
    used = np.bincount(labels, minlength=len(palette)) > 0
    if not used.all():  # a rounded color nobody is nearest to: drop it
        palette, centroids = palette[used], centroids[used]
        labels = _nearest_palette(colors, palette)
    sse = _sse(colors, counts, palette, labels)
    return palette, centroids, labels, sse


def _sse(colors, counts, palette, labels) -> int:
    """Exact sum of squared errors of the pixels, colors recolored ``palette[labels]``.

    Channel by channel in integers (``np.take`` on one channel is several times faster
    than gathering whole rows with ``palette[labels]``); each color's squared error is
    below 2**18 and the total below 2**53, so the float64 product with the counts is exact.
    """
    sq = np.zeros(len(colors), dtype=np.int32)
    channels = palette.astype(np.int32).T
    for channel, values in enumerate(channels):
        error = np.take(values, labels)
        error -= colors[:, channel]
        error *= error
        sq += error
    return int(sq.astype(np.float64) @ counts.astype(np.float64))


def _palette_labels(colors, palette, fit: _Fit, where) -> np.ndarray:
    """Nearest palette color of every distinct color (the lowest index on a tie).

    Rounding moves centroid j by ``delta_j = ||palette color - c_j||`` (≤ √3/2). By the
    triangle inequality a color whose margin to the float centroids exceeds
    ``2 max delta`` is strictly nearer to its own centroid's palette color than to any
    other; only the colors closer to a boundary are searched exactly.
    """
    if fit.labels is None:
        return _nearest_palette(colors, palette)
    delta = np.sqrt(((palette[where] - fit.centroids) ** 2).sum(axis=1))
    labels = where[fit.labels]
    check = np.flatnonzero(fit.margin <= 2.0 * delta.max())
    if len(check):
        labels[check] = _nearest_palette(colors[check], palette)
    return labels


def _encode(shape, codes, hist_codes, colors, counts, fit: _Fit, k) -> Compressed:
    """The Compressed photo: palette, per-pixel labels (via a lookup table by color
    code) and exact errors."""
    palette, centroids, labels, sse = _quantize(colors, counts, fit)
    dtype = np.uint8 if len(palette) <= 256 else np.uint16
    lookup = np.empty(1 << 24, dtype=dtype)  # color code -> palette index (only the
    lookup[hist_codes] = labels  # photo's own codes are ever written, then read)
    pixel_labels = lookup[codes].reshape(shape)
    return Compressed(
        palette=palette,
        labels=pixel_labels,
        k=k,
        mse=sse / (3 * codes.size),
        sse=float(sse),
        n_iter=fit.n_iter,
        centroids=centroids,
    )
