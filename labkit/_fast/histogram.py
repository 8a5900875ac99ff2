"""Color histograms and the staged k-means behind ``labkit.compress``.

- :func:`of_image`: every distinct color of a photo once, with its pixel count, from 24-bit
  color codes (one unaligned 32-bit read per pixel, sorted with NumPy's SIMD sort, split
  over two threads for large photos).
- :func:`coarse`: the colors binned on fewer bits per channel, each bin the count-weighted
  mean of its colors.
- :func:`coarse_start` and :func:`refine`: k-means from the best of a few starts on the
  5-bit bins, continued on the 6-bit bins, then refined on the exact colors (Hamerly's
  loop of :mod:`labkit._fast.lloyd`), so that the many cheap iterations happen on few
  points and the exact colors need only a few.
- :func:`round_palette`: the centroids rounded to uint8, each distinct color labeled with
  its nearest palette color, most of them without a search (the margin skip), and the
  exact sum of squared errors.
- :func:`encode`: every pixel's label through a lookup table indexed by color code.
- :func:`small_pages`: large photos' arrays without huge pages (no compaction stalls).
- :func:`threads`: fits of many clusters or on large photos run their BLAS and OpenMP
  (k-d tree) steps on one thread, which is faster for their short steps.

Functions trust their callers (``labkit.compress`` checks the arguments).
"""

from __future__ import annotations

import io
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np

from labkit._fast.blocks import (TREE_MIN_K, cores, label_sums, nearest, nearest_two,
                                 one_thread, row_norms_sq)
from labkit._fast.lloyd import hamerly

#: From this many pixels on, codes, sorting and encoding are split over two threads
#: (NumPy releases the GIL in each): 1.9x faster at 15 MP; below, the threads cost more
#: than they save.
PARALLEL_PIXELS = 1_000_000
#: Pixels encoded per ``np.take`` (see :func:`encode`): take casts its uint32 indices to
#: intp in a temporary array, which for a whole photo spills the cache (and is fresh
#: memory each call); in chunks of 2**16 it stays in cache. Measured at 15 MP on two
#: threads: 20 ms against 45 ms for one take per half, the same labels.
ENCODE_CHUNK = 1 << 16
#: Bits per channel of the starts' bins (at most 32768 bins), and of the finest level
#: (measured at 15 MP: starts on 4-bit bins save 0.1 s but end 1 % worse; at k = 256 on
#: 0.3 MP photos they end up to 13 % worse, rocket 8.19 against 7.25).
COARSE_BITS = 5
MEDIUM_BITS = 6
#: The coarse levels are used only when the photo has more distinct colors than this.
COARSE_MIN_COLORS = 4096
#: At least this many bins per cluster in a level, else the level is skipped (the bins
#: would be too coarse to place k centroids).
BINS_PER_CLUSTER = 4
#: The medium level is used only for photos of more distinct colors than this (on smaller
#: ones it was measured no faster; 0.25-0.35 MP photos have 30 k-140 k), and when these
#: outnumber its bins ``MEDIUM_GAIN`` times.
MEDIUM_MIN_COLORS, MEDIUM_GAIN = 200_000, 2
# (Measured and dropped at 15 MP: handing the 6-bit level's labels down to the exact
# colors, each kept where the bin's margin exceeds twice the color's distance from the
# bin's mean (88 % of them): 49 ms against 37 ms for the full k = 16 scan.)

#: k-means++ starts on the coarse bins (the best one is kept): 3 up to ``FEW_STARTS_K``
#: clusters, 1 beyond (with many clusters the starts differ little and k-means++ costs k
#: steps each).
#: (Measured at 15 MP, k = 16, seeds 0-2: 1 start instead of 3 saves 0.04 s of 0.40 s on
#: SafeLanding but ends 4 % worse on seed 1 (258.3 vs 248.6), worse than scikit-learn;
#: kept at 3. At k = 256, k-means++ on the heaviest 1,024 or 2,048 bins only, to save
#: its 11-28 ms: MSE 0.4-5 % higher, astronaut past 1.01x scikit-learn's.)
STARTS = 3
FEW_STARTS_K = 64
#: Per level: the largest centroid shift (0..255 levels) that ends it, and its iterations.
COARSE_TOL, COARSE_MAX_ITER = 0.5, 10
MEDIUM_TOL, MEDIUM_MAX_ITER = 0.1, 50
#: The refinement on the exact colors: every centroid ends within this shift of the mean
#: of the colors nearest to it (well inside the rounding to the uint8 palette).
REFINE_TOL, REFINE_MAX_ITER = 0.2, 300
#: First over-relaxation factor of the M-step (see labkit._fast.lloyd), for up to
#: ``RELAX_MAX_K`` clusters: 30-45 % fewer iterations at k = 16 and 32, the same or a
#: lower inertia. With more clusters one factor for all was slower (43 vs 33 iterations
#: at k = 256): there each centroid gets its own factor (``relax="each"``).
RELAX, RELAX_MAX_K = 1.8, 32
#: From this many clusters on the fit runs on one thread (see :func:`threads`).
SERIAL_MIN_K = 33


@dataclass(frozen=True, eq=False)
class Histogram:
    """The distinct colors of a photo: ``codes`` (m,) uint32 sorted, ``colors`` (m, 3)
    uint8, ``counts`` (m,) int64 summing to H·W; ``points`` and ``weights`` are the same
    as float64 for k-means; ``pixel_codes`` (H·W,) every pixel's code, for encoding."""

    shape: tuple[int, int]
    pixel_codes: np.ndarray
    codes: np.ndarray
    colors: np.ndarray
    counts: np.ndarray
    points: np.ndarray
    weights: np.ndarray

    @property
    def n_pixels(self) -> int:
        return self.shape[0] * self.shape[1]


@dataclass(frozen=True, eq=False)
class Fit:
    """k-means of a histogram's colors: the centroids (k, 3) float64, Lloyd iterations on
    the exact colors, and when known each color's label and a lower bound on its margin
    (distance to its second-nearest centroid minus distance to its nearest one)."""

    centroids: np.ndarray
    n_iter: int
    labels: np.ndarray | None = None
    margin: np.ndarray | None = None


@dataclass(frozen=True, eq=False)
class Palette:
    """The fit rounded: ``colors`` (p, 3) uint8, ``centroids`` (p, 3) float64 they came
    from, ``labels`` (m,) each distinct color's nearest palette color, ``sse`` the exact
    sum of squared errors over the pixels, ``n_iter`` the fit's iterations."""

    colors: np.ndarray
    centroids: np.ndarray
    labels: np.ndarray
    sse: int
    n_iter: int


# --- codes and histogram ---------------------------------------------------------------


def _workers(n: int) -> int:
    if n < PARALLEL_PIXELS:
        return 1
    return max(1, min(2, cores()))


def _parallel(function, pieces, workers: int):
    if workers == 1:
        return [function(piece) for piece in pieces]
    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(function, pieces))


def _halves(n: int, workers: int):
    bounds = np.linspace(0, n, workers + 1).astype(int)
    return [slice(a, b) for a, b in zip(bounds[:-1], bounds[1:])]


def color_codes(img: np.ndarray) -> np.ndarray:
    """24-bit code ``r << 16 | g << 8 | b`` of every pixel of a C-contiguous (H, W, 3)
    uint8 image, (H·W,) uint32: sorting the codes sorts the colors by (R, G, B).

    Each code is one unaligned big-endian 32-bit read at the pixel's first byte (its R, G,
    B and the next pixel's R) shifted right by 8: one pass over the pixels, 4x faster
    than assembling the code from three channels. The last pixel, which has no next
    byte, is assembled by hand.
    """
    flat = img.reshape(-1)
    n = flat.size // 3
    codes = np.empty(n, dtype=np.uint32)
    if n > 1:
        words = np.ndarray((n - 1,), dtype=">u4", buffer=flat, strides=(3,))
        workers = _workers(n)

        def shift(rows):
            np.right_shift(words[rows], 8, out=codes[rows])

        _parallel(shift, _halves(n - 1, workers), workers)
    r, g, b = (int(v) for v in flat[-3:])
    codes[-1] = r << 16 | g << 8 | b
    return codes


def code_colors(codes: np.ndarray) -> np.ndarray:
    """Inverse of :func:`color_codes`: (m,) codes to (m, 3) uint8 colors (the last three
    bytes of each big-endian code)."""
    big = codes.astype(">u4")
    return np.ascontiguousarray(big.view(np.uint8).reshape(-1, 4)[:, 1:])


def _run_starts(sorted_codes: np.ndarray) -> np.ndarray:
    """Where each run of equal values of a sorted array starts."""
    first = np.empty(sorted_codes.size, dtype=bool)
    first[:1] = True
    np.not_equal(sorted_codes[1:], sorted_codes[:-1], out=first[1:])
    return np.flatnonzero(first)


def _distinct(sorted_codes: np.ndarray):
    """Distinct values of a sorted array and how often each occurs."""
    starts = _run_starts(sorted_codes)
    counts = np.diff(np.append(starts, sorted_codes.size))
    return sorted_codes[starts], counts.astype(np.int64)


def of_image(img: np.ndarray) -> Histogram:
    """The :class:`Histogram` of a C-contiguous (H, W, 3) uint8 image.

    Sorting the codes puts equal colors side by side (measured faster than a 2**24-bin
    ``bincount``: 2x at 15 MP, 30x at 0.3 MP). Large photos are sorted in two halves in
    two threads, and the two histograms merged (a stable sort of their distinct codes,
    measured 1.4x faster than a sort of (code << 32 | count) keys at 15 MP).
    """
    pixel_codes = color_codes(img)
    workers = _workers(pixel_codes.size)
    parts = _parallel(lambda rows: _distinct(np.sort(pixel_codes[rows])),
                      _halves(pixel_codes.size, workers), workers)
    if len(parts) == 1:
        codes, counts = parts[0]
    else:  # each code is at most once in each half: a stable sort puts its two side by side
        codes = np.concatenate([c for c, _ in parts])
        order = np.argsort(codes, kind="stable")
        codes, counts = codes[order], np.concatenate([n for _, n in parts])[order]
        starts = _run_starts(codes)
        codes, counts = codes[starts], np.add.reduceat(counts, starts)
    colors = code_colors(codes)
    return Histogram(shape=img.shape[:2], pixel_codes=pixel_codes, codes=codes,
                     colors=colors, counts=counts, points=colors.astype(np.float64),
                     weights=counts.astype(np.float64))


def coarse(hist: Histogram, bits: int):
    """Bin the colors on ``bits`` bits per channel: the occupied bins' means (float64,
    weighted by the counts) and total counts.

    The bin index takes the top ``bits`` bits of R, G and B straight from the codes, with
    shifts and masks (twice as fast as from the (m, 3) colors).
    """
    means, mass, _ = _bins(hist.codes, 24, bits, hist.weights, hist.points)
    return means, mass


def _bins(codes, code_bits: int, bits: int, weights, values):
    """Group values by the top ``bits`` bits per channel of their ``code_bits``-bit codes
    (3 channels of code_bits / 3 bits): weighted means, weights and codes of the groups."""
    drop, mask, have = code_bits // 3 - bits, (1 << bits) - 1, code_bits // 3
    index = ((codes >> (2 * have + drop)) << (2 * bits)) | (
        ((codes >> (have + drop)) & mask) << bits) | ((codes >> drop) & mask)
    index = index.astype(np.intp)
    mass, sums = label_sums(index, 1 << (3 * bits), weights, values)
    occupied = np.flatnonzero(mass)
    return sums[occupied] / mass[occupied, None], mass[occupied], occupied


# --- the staged k-means ------------------------------------------------------------------


def _levels(hist: Histogram, k: int) -> list:
    """The coarse levels, each (bins' means, bins' weights): the first for the starts (the
    fewest bits per channel that give ``BINS_PER_CLUSTER`` bins per cluster), then finer
    ones to continue on, up to ``MEDIUM_BITS`` for photos of many colors
    (``MEDIUM_MIN_COLORS``), whose coarser bins are grouped from the finest ones. Empty
    when no level helps (few colors, or k too large for the bins)."""
    m = len(hist.codes)
    if m <= COARSE_MIN_COLORS:
        return []
    if m <= MEDIUM_MIN_COLORS:
        for bits in range(COARSE_BITS, 8):
            level = coarse(hist, bits)
            if len(level[1]) >= BINS_PER_CLUSTER * k:
                return [level]
        return []
    finest = _bins(hist.codes, 24, MEDIUM_BITS, hist.weights, hist.points)
    pyramid = {MEDIUM_BITS: finest}
    for bits in range(MEDIUM_BITS - 1, COARSE_BITS - 1, -1):
        means, mass, codes = finest
        pyramid[bits] = _bins(codes, 3 * MEDIUM_BITS, bits, mass, means)
    usable = [b for b in sorted(pyramid) if len(pyramid[b][1]) >= BINS_PER_CLUSTER * k]
    if not usable:
        level = coarse(hist, 7)
        return [level] if len(level[1]) >= BINS_PER_CLUSTER * k else []
    if m < MEDIUM_GAIN * len(finest[1]):
        usable = [b for b in usable if b != MEDIUM_BITS] or usable[:1]
    return [pyramid[b][:2] for b in usable]


def coarse_start(hist: Histogram, k: int, start, progress=None) -> np.ndarray:
    """Starting centroids for :func:`refine`: the best (lowest inertia) of a few short
    k-means runs on the coarsest level, each from ``start(points, weights)`` (the caller's
    initialisation), continued on each finer level. Without levels (few distinct colors,
    or k too large for the bins), ``start`` on the exact colors."""
    levels = _levels(hist, k)
    if not levels:
        return start(hist.points, hist.weights)
    (points, weights), finer = levels[0], levels[1:]
    relax = RELAX if k <= RELAX_MAX_K else "each"
    best = None
    for _ in range(STARTS if k <= FEW_STARTS_K else 1):
        run = hamerly(points, start(points, weights), weights, max_iter=COARSE_MAX_ITER,
                      tol=COARSE_TOL, dtype=np.float32, relax=relax, progress=progress)
        if best is None or run.inertia < best.inertia:
            best = run
    centroids = best.centroids
    for points, weights in finer:
        centroids = hamerly(points, centroids, weights, max_iter=MEDIUM_MAX_ITER,
                            tol=MEDIUM_TOL, dtype=np.float32, relax=relax,
                            progress=progress).centroids
    return centroids


def refine(hist: Histogram, centroids: np.ndarray, progress=None) -> Fit:
    """Weighted Lloyd on the exact distinct colors from ``centroids`` (float32 distances,
    over-relaxed for up to ``RELAX_MAX_K`` clusters) until every centroid moves less
    than ``REFINE_TOL`` or the labels stop changing."""
    k = len(centroids)
    run = hamerly(hist.points, centroids, hist.weights, max_iter=REFINE_MAX_ITER,
                  tol=REFINE_TOL, dtype=np.float32, relax=RELAX if k <= RELAX_MAX_K else "each",
                  progress=progress, exact_inertia=False)
    return Fit(run.centroids, run.n_iter, run.labels, run.margin)


def threads(k: int, n_pixels: int):
    """The thread context of a fit with ``k`` clusters on a photo of ``n_pixels``: from
    ``SERIAL_MIN_K`` clusters or ``PARALLEL_PIXELS`` pixels on, NumPy's BLAS and
    pykdtree's OpenMP run on one thread. Their steps here are short (products of 3
    columns, k-means++ over a few thousand bins, tree queries of the few points whose
    bounds failed), and the threads' start and wait cost more than they save, most when
    other processes hold the cores. Measured side by side in one quiet run (medians of
    seeds 0-2): k = 256 on the four bundled photos 0.105-0.269 s against 0.147-0.315 s;
    15 MP at k = 16, SafeLanding 0.369 against 0.398 s, Elephants 0.226 against 0.256 s;
    in a busy run (a CI job on the cores) 0.11-0.31 against 0.20-0.38 s at k = 256 and
    0.47 against 1.5 s on SafeLanding. The same results (only the rounding of BLAS sums
    split over threads could differ). Smaller fits keep the default, and with it the
    notebooks' stored results."""
    from contextlib import nullcontext

    serial = k >= SERIAL_MIN_K or n_pixels >= PARALLEL_PIXELS
    return one_thread() if serial else nullcontext()


def every_color(hist: Histogram) -> Fit:
    """The fit when the photo has at most k distinct colors: each is its own centroid."""
    return Fit(hist.points.copy(), 0)


# --- palette and encoding -------------------------------------------------------------------


def nearest_palette(colors: np.ndarray, palette: np.ndarray) -> np.ndarray:
    """Nearest palette color of every color (the lowest index on a tie), by exact distances.

    Colors and palette are integers, so every term of ||x||² - 2 x·c + ||c||² (the block
    scan) and of Σ (x - c)² (the tree, which sends exact ties back to the scan) is an
    integer below 2**24 that float32 holds exactly.
    """
    X = colors.astype(np.float32)
    x_sq = row_norms_sq(X)
    if len(palette) >= TREE_MIN_K:
        return nearest_two(X, palette.astype(np.float32), x_sq)[0]
    return nearest(X, palette.astype(np.float32), x_sq)[0]


def _rounded(centroids: np.ndarray):
    """Centroids rounded to uint8 colors without duplicates: ``(palette, kept, where)``
    with ``palette = rounded[kept]`` in the centroids' order and ``where[j]`` the palette
    row of centroid j's rounded color."""
    rounded = np.clip(np.rint(centroids), 0, 255).astype(np.uint8)
    _, first, inverse = np.unique(rounded, axis=0, return_index=True, return_inverse=True)
    order = np.argsort(first)
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    return rounded[first[order]], first[order], rank[inverse.ravel()]


def _sse(hist: Histogram, palette: np.ndarray, labels: np.ndarray) -> int:
    """Exact sum of squared errors of the pixels recolored ``palette[labels]``, channel by
    channel in integers (each color's error is below 2**18, the total below 2**53)."""
    sq = np.zeros(len(labels), dtype=np.int32)
    for channel, values in enumerate(palette.astype(np.int32).T):
        error = np.take(values, labels)
        error -= hist.colors[:, channel]
        error *= error
        sq += error
    return int(sq.astype(np.float64) @ hist.weights)


def round_palette(hist: Histogram, fit: Fit) -> Palette:
    """Round the fitted centroids to a uint8 palette and label every distinct color.

    Rounding moves centroid j by ``delta_j = ||palette color - c_j||`` (≤ √3/2). By the
    triangle inequality a color whose margin to the float centroids exceeds
    ``2 max delta`` is strictly nearer to its own centroid's palette color than to any
    other: it keeps it without a search; only the colors nearer a boundary are searched.
    Palette colors nobody is nearest to are dropped.
    """
    palette, kept, where = _rounded(fit.centroids)
    centroids = fit.centroids[kept]
    if fit.labels is None:
        labels = nearest_palette(hist.colors, palette)
    else:
        delta = np.sqrt(row_norms_sq(palette[where] - fit.centroids))
        labels = np.take(where, fit.labels)
        check = np.flatnonzero(fit.margin <= 2.0 * delta.max())
        if len(check):
            labels[check] = nearest_palette(np.take(hist.colors, check, axis=0), palette)
    used = np.bincount(labels, minlength=len(palette)) > 0
    if not used.all():
        palette, centroids = palette[used], centroids[used]
        labels = nearest_palette(hist.colors, palette)
    return Palette(palette, centroids, labels, _sse(hist, palette, labels), fit.n_iter)


def encode(hist: Histogram, labels: np.ndarray) -> np.ndarray:
    """Every pixel's label, (H, W), uint8 (uint16 beyond 256 labels), from the distinct
    colors' ``labels`` through a 2**24-entry lookup table indexed by color code (only
    the photo's own codes are ever written, then read), ``ENCODE_CHUNK`` pixels at a time."""
    dtype = np.uint8 if labels.max(initial=0) < 256 else np.uint16
    lookup = np.empty(1 << 24, dtype=dtype)
    lookup[hist.codes] = labels
    out = np.empty(hist.n_pixels, dtype=dtype)
    workers = _workers(hist.n_pixels)

    def gather(rows):
        for start in range(rows.start, rows.stop, ENCODE_CHUNK):
            chunk = slice(start, min(start + ENCODE_CHUNK, rows.stop))
            np.take(lookup, hist.pixel_codes[chunk], out=out[chunk])

    _parallel(gather, _halves(hist.n_pixels, workers), workers)
    return out.reshape(hist.shape)


@contextmanager
def small_pages(img: np.ndarray):
    """A context in which NumPy does not ask the kernel for huge pages (its default on
    Linux for arrays of 4 MB or more), for photos of ``PARALLEL_PIXELS`` pixels or more.

    Where the kernel makes a fault on such memory wait until it has compacted a 2 MB page
    (``/sys/kernel/mm/transparent_hugepage/defrag`` = ``madvise``, as on this machine), a
    15 MP photo's fresh arrays (codes, sort, lookup table, labels: about 150 MB each call)
    stalled some calls for up to 1.7 s of system time. Measured on SafeLanding at k = 16,
    9 calls each, alternated in one run: 0.36-2.14 s (median 0.56) with huge pages,
    0.38-0.43 s (median 0.41) without; Elephants 0.20-0.53 s against 0.21-0.25 s. The
    results do not depend on it. Without NumPy's switch (a private function of NumPy
    1.16+), a no-op."""
    core = np._core if hasattr(np, "_core") else np.core  # NumPy 2, NumPy 1
    toggle = getattr(core.multiarray, "_set_madvise_hugepage", None)
    if toggle is None or img.shape[0] * img.shape[1] < PARALLEL_PIXELS:
        yield
        return
    previous = toggle(False)
    try:
        yield
    finally:
        toggle(previous)


@contextmanager
def progress_bar(enabled: bool, desc: str):
    """A tqdm bar counting Lloyd iterations, shown only once the work has taken a second;
    yields the callback for ``hamerly(progress=...)``, or None when not ``enabled``."""
    if not enabled:
        yield None
        return
    from tqdm.auto import tqdm

    with tqdm(desc=desc, unit=" iterations", delay=1.0, leave=False) as bar:
        yield lambda done: bar.update()


def image_file(palette: np.ndarray, labels: np.ndarray, suffix: str) -> bytes:
    """The recolored image as the bytes of a ``.png`` or ``.gif`` file: indexed (Pillow
    mode "P", the palette stored once) up to 256 colors, else a truecolor PNG."""
    from PIL import Image

    if len(palette) > 256:
        picture = Image.fromarray(np.take(palette, labels, axis=0), "RGB")
    else:
        height, width = labels.shape
        picture = Image.frombytes("P", (width, height), labels.astype(np.uint8).tobytes())
        picture.putpalette(palette.tobytes(), rawmode="RGB")
    buffer = io.BytesIO()
    picture.save(buffer, format=suffix[1:].upper(), optimize=suffix == ".png")
    return buffer.getvalue()
