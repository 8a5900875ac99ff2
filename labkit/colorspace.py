"""Plotly 3-D color-space figures: every pixel is a point (R, G, B) in a 0..255 cube.

The figures are plain ``plotly.graph_objects.Figure`` objects (never ``FigureWidget``),
kept small enough to store in a notebook: pixels are subsampled deterministically
(``max_points``, ``seed``), coordinates are stored as uint8, and colors are numbers or
one color per trace, never one ``'rgb(r,g,b)'`` string per point.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from labkit._checks import make_rng, points, positive_float, positive_int
from labkit.images import as_rgb_image

__all__ = ["centroid_path_figure", "color_space_figure"]

MAX_COLORS = 256  # at most this many distinct marker colors for "pixels in their own color"
AXES = (("xaxis", "R", "red"), ("yaxis", "G", "green"), ("zaxis", "B", "blue"))


# --------------------------------------------------------------------------- checks
def _check_centroids(centroids, name: str = "centroids") -> np.ndarray:
    """(k, 3) float64 colors in 0..255."""
    arr = points(centroids, name)
    if arr.shape[1] != 3:
        raise ValueError(f"{name} must have shape (k, 3) (R, G, B per centroid), got {arr.shape}")
    if arr.min() < 0 or arr.max() > 255:
        raise ValueError(f"{name} must lie in 0..255, got {arr.min():g}..{arr.max():g}")
    return arr


def _check_labels(labels, shape: tuple[int, int], k: int | None) -> np.ndarray:
    """Labels of shape (H, W) or (H * W,), integers in 0..k-1, returned flat as intp."""
    if isinstance(labels, (str, bytes)):
        raise TypeError(f"labels must be an integer array, got {type(labels).__name__}")
    arr = np.asarray(labels)
    if arr.dtype == bool or not np.issubdtype(arr.dtype, np.integer):
        raise TypeError(f"labels must be integers (cluster numbers), got dtype {arr.dtype}")
    h, w = shape
    if arr.shape not in ((h, w), (h * w,)):
        raise ValueError(
            f"labels must have shape ({h}, {w}) or ({h * w},) to match img, got {arr.shape}"
        )
    arr = arr.reshape(-1).astype(np.intp, copy=False)
    if arr.min() < 0 or (k is not None and arr.max() >= k):
        allowed = "≥ 0" if k is None else f"in 0..{k - 1} (one per centroid)"
        raise ValueError(f"labels must be {allowed}, got {arr.min()}..{arr.max()}")
    return arr


# --------------------------------------------------------------------------- pieces
def _subsample(n: int, max_points: int, rng: np.random.Generator) -> np.ndarray:
    """Sorted indices of at most ``max_points`` of ``n`` items, drawn without replacement."""
    if n <= max_points:
        return np.arange(n)
    return np.sort(rng.choice(n, size=max_points, replace=False))


def _rgb(color) -> str:
    r, g, b = (int(c) for c in np.clip(np.rint(color), 0, 255))
    return f"rgb({r},{g},{b})"


def _color_index(pixels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Map each pixel to one of at most ``MAX_COLORS`` display colors.

    Pixels are binned by their top ``bits`` bits per channel, with ``bits`` = 8 (exact
    colors), 6, 5, 4, 3 or 2 — the finest that gives at most ``MAX_COLORS`` bins (2 bits
    make at most 4**3 = 64); each bin is shown in the mean color of its pixels. Returns (index (n,) uint8, colors (m, 3) uint8).
    """
    wide = pixels.astype(np.int64)
    for bits in (8, 6, 5, 4, 3, 2):
        q = wide >> (8 - bits)
        codes = (q[:, 0] << (2 * bits)) | (q[:, 1] << bits) | q[:, 2]
        _, index = np.unique(codes, return_inverse=True)
        m = int(index.max()) + 1
        if m <= MAX_COLORS:
            break
    counts = np.bincount(index, minlength=m)[:, None]
    sums = np.stack([np.bincount(index, weights=wide[:, c], minlength=m) for c in range(3)], 1)
    colors = np.rint(sums / counts).astype(np.uint8)
    return index.astype(np.uint8), colors


def _own_color_trace(pixels: np.ndarray, marker_size: float) -> go.Scatter3d:
    """One trace: pixels in (nearly) their own color, via a colorscale of ≤ 256 colors."""
    index, colors = _color_index(pixels)
    m = len(colors)
    if m == 1:
        scale = [[0.0, _rgb(colors[0])], [1.0, _rgb(colors[0])]]
    else:  # stop i sits exactly where value i lands, so each point gets colors[i]
        scale = [[i / (m - 1), _rgb(c)] for i, c in enumerate(colors)]
    return go.Scatter3d(
        x=pixels[:, 0], y=pixels[:, 1], z=pixels[:, 2], mode="markers", name="pixels",
        marker={"size": marker_size, "color": index, "colorscale": scale,
                "cmin": 0, "cmax": max(m - 1, 1), "showscale": False},
        hovertemplate="R %{x}, G %{y}, B %{z}<extra>pixel</extra>",
    )


def _cluster_traces(pixels: np.ndarray, labels: np.ndarray, colors: np.ndarray,
                    marker_size: float) -> list[go.Scatter3d]:
    """One trace per cluster, all its pixels in the cluster's color (k traces, some may be empty)."""
    k = len(colors)
    traces = []
    for j in range(k):
        mine = pixels[labels == j]
        traces.append(go.Scatter3d(
            x=mine[:, 0], y=mine[:, 1], z=mine[:, 2], mode="markers",
            name=f"cluster {j}", legendgroup="clusters", showlegend=k <= 16,
            marker={"size": marker_size, "color": _rgb(colors[j])},
            hovertemplate=f"R %{{x}}, G %{{y}}, B %{{z}}<extra>cluster {j}</extra>",
        ))
    return traces


def _centroid_trace(centroids: np.ndarray, name: str = "centroids") -> go.Scatter3d:
    """Centroids as large markers in their own color with a dark outline."""
    return go.Scatter3d(
        x=centroids[:, 0], y=centroids[:, 1], z=centroids[:, 2], mode="markers", name=name,
        marker={"size": 11, "color": [_rgb(c) for c in centroids], "opacity": 1.0,
                "line": {"color": "black", "width": 3}},
        customdata=np.arange(len(centroids)),
        hovertemplate="centroid %{customdata}<br>R %{x:.1f}, G %{y:.1f}, B %{z:.1f}<extra></extra>",
    )


def _cube_layout(fig: go.Figure, title: str) -> None:
    axis = {"range": [0, 255], "tickvals": [0, 64, 128, 192, 255]}
    fig.update_layout(
        title=title,
        scene={key: {**axis, "title": {"text": a, "font": {"color": color}}}
               for key, a, color in AXES} | {"aspectmode": "cube"},
        margin={"l": 0, "r": 0, "t": 40, "b": 0},
        height=560,
        legend={"itemsizing": "constant"},
    )


def _pixel_traces(img, labels, centroids, max_points, seed, marker_size):
    """Validated arguments → (pixel traces, centroids or None)."""
    img = as_rgb_image(img)
    max_points = positive_int(max_points, "max_points")
    marker_size = positive_float(marker_size, "marker_size")
    if centroids is not None:
        centroids = _check_centroids(centroids)
    k = None if centroids is None else len(centroids)
    h, w = img.shape[:2]
    flat_labels = None if labels is None else _check_labels(labels, (h, w), k)
    rng = make_rng(seed)

    keep = _subsample(h * w, max_points, rng)
    pixels = img.reshape(-1, 3)[keep]  # (n, 3) uint8
    if flat_labels is None:
        return [_own_color_trace(pixels, marker_size)], centroids
    if centroids is not None:
        colors = centroids
    else:  # no centroids: each cluster is shown in the mean color of its pixels
        all_pixels = img.reshape(-1, 3).astype(np.float64)
        k_found = int(flat_labels.max()) + 1
        counts = np.maximum(np.bincount(flat_labels, minlength=k_found), 1)[:, None]
        colors = np.stack([np.bincount(flat_labels, weights=all_pixels[:, c], minlength=k_found)
                           for c in range(3)], 1) / counts
    return _cluster_traces(pixels, flat_labels[keep], colors, marker_size), centroids


# --------------------------------------------------------------------------- public
def color_space_figure(
    img,
    labels=None,
    centroids=None,
    *,
    max_points: int = 20_000,
    seed=0,
    title: str | None = None,
    marker_size: float = 2,
) -> go.Figure:
    """3-D scatter of an image's pixels in the RGB cube.

    Parameters
    ----------
    img : ndarray of shape (H, W, 3), uint8
    labels : ndarray of shape (H, W) or (H * W,), integers, optional
        Cluster of each pixel (e.g. ``Compressed.labels``). Without labels, each pixel is
        drawn in its own color; with labels, in its cluster's color (the centroid's, or,
        without centroids, the mean color of the cluster's pixels), one trace per cluster.
    centroids : array of shape (k, 3), values 0..255, optional
        Drawn as large markers in their own color with a dark outline (the last trace).
        With labels, the labels must lie in 0..k-1.
    max_points : int, default 20_000
        At most this many pixels are drawn, chosen at random without replacement.
    seed : None, int or numpy.random.Generator, default 0
        Picks the subsample: the same seed gives the same points.
    title : str, optional
        Figure title; a default describes what is shown.
    marker_size : float, default 2
        Pixel marker size (centroids are drawn at size 11).

    Returns
    -------
    fig : plotly.graph_objects.Figure
        Traces: "pixels" (one trace) or "cluster 0" … "cluster k-1", then "centroids" if
        given. Axes R, G, B from 0 to 255 in a cube.

    Raises
    ------
    TypeError, ValueError
        If ``img`` is not an RGB uint8 image, ``labels`` does not match it or leaves
        0..k-1, ``centroids`` is not (k, 3) in 0..255, or ``max_points`` is not a positive
        integer.

    Examples
    --------
    >>> img = np.array([[[255, 0, 0], [250, 5, 0], [0, 0, 255]]], dtype=np.uint8)
    >>> fig = color_space_figure(img, labels=[0, 0, 1], centroids=[[252, 2, 0], [0, 0, 255]])
    >>> [trace.name for trace in fig.data]
    ['cluster 0', 'cluster 1', 'centroids']
    >>> fig.data[0].x.tolist()
    [255, 250]

    Notes
    -----
    A pixel is the point (R, G, B); k-means finds k centroids c_j in this cube and gives each
    pixel the nearest one, argmin_j ‖pixel − c_j‖². For a small stored figure the
    coordinates stay uint8 (a 20,000-point figure is about 110 KB of JSON), and "own color"
    shows each pixel in the mean color of its small color box (exact colors when the
    sample has at most 256 distinct ones; else boxes of 4, 8, 16, 32 or 64 levels per channel,
    64 only for noise-like images).
    Taught in ``notebooks/02_color_space_3d.ipynb``.
    """
    traces, centroids = _pixel_traces(img, labels, centroids, max_points, seed, marker_size)
    fig = go.Figure(traces)
    if centroids is not None:
        fig.add_trace(_centroid_trace(centroids))
    if title is None:
        title = ("Pixels in RGB space, in their own colors" if labels is None
                 else "Pixels in RGB space, in their cluster's color")
    _cube_layout(fig, title)
    return fig


def centroid_path_figure(
    img,
    centroid_history,
    labels=None,
    *,
    max_points: int = 10_000,
    seed=0,
    title: str | None = None,
    marker_size: float = 2,
) -> go.Figure:
    """The pixel cloud with the centroids moving over k-means iterations (a slider).

    Parameters
    ----------
    img : ndarray of shape (H, W, 3), uint8
    centroid_history : array of shape (T, k, 3)
        Centroids before the first iteration and after each one
        (``KMeansResult.centroid_history``), values 0..255.
    labels : ndarray of shape (H, W) or (H * W,), optional
        Final cluster of each pixel (0..k-1): pixels are then drawn in the color of
        their final centroid; otherwise in their own color.
    max_points : int, default 10_000
    seed : None, int or numpy.random.Generator, default 0
    title : str, optional
    marker_size : float, default 2

    Returns
    -------
    fig : plotly.graph_objects.Figure
        Traces: the pixels (as in :func:`color_space_figure`), "paths" (grey lines, the
        whole route of every centroid) and "centroids" (at iteration 0). One frame per
        iteration that moves only the "centroids" trace, a slider over the iterations
        and a play button. Paths and frames store the centroids as float32.

    Raises
    ------
    TypeError, ValueError
        As :func:`color_space_figure`; also if ``centroid_history`` is not (T, k, 3).

    Examples
    --------
    >>> img = np.array([[[255, 0, 0], [0, 0, 255]]], dtype=np.uint8)
    >>> history = [[[100, 0, 100], [90, 0, 110]], [[255, 0, 0], [0, 0, 255]]]
    >>> fig = centroid_path_figure(img, history, labels=[0, 1])
    >>> len(fig.frames), fig.frames[1].data[0].x.tolist()
    (2, [255.0, 0.0])

    Notes
    -----
    One Lloyd iteration: give each pixel its nearest centroid (E-step), then move each
    centroid to the mean of its pixels (M-step); the paths show those moves.
    Taught in ``notebooks/02_color_space_3d.ipynb``.
    """
    if isinstance(centroid_history, (str, bytes)) or centroid_history is None:
        raise TypeError("centroid_history must be an array of shape (T, k, 3)")
    history = np.asarray(centroid_history)
    if history.ndim != 3 or history.shape[2] != 3 or 0 in history.shape:
        raise ValueError(
            f"centroid_history must have shape (T, k, 3) (iterations, centroids, RGB), "
            f"got {history.shape}"
        )
    t_count, k, _ = history.shape
    history = _check_centroids(history.reshape(-1, 3), "centroid_history").reshape(t_count, k, 3)
    traces, _ = _pixel_traces(img, labels, history[-1] if labels is not None else None,
                              max_points, seed, marker_size)
    fig = go.Figure(traces)

    # every centroid's route as one line trace, routes separated by gaps (None)
    route = np.full((k, t_count + 1, 3), np.nan, dtype=np.float32)  # float32: half the bytes
    route[:, :t_count] = history.transpose(1, 0, 2)
    route = route.reshape(-1, 3)
    fig.add_trace(go.Scatter3d(
        x=route[:, 0], y=route[:, 1], z=route[:, 2], mode="lines", name="paths",
        line={"color": "rgba(40,40,40,0.6)", "width": 3}, connectgaps=False, hoverinfo="skip",
    ))
    fig.add_trace(_centroid_trace(history[0]))
    moving = len(fig.data) - 1

    # a frame holds only what changes: the centroids' positions and colors (plotly merges
    # it into the "centroids" trace, which keeps its size, outline and hover text)
    fig.frames = [
        go.Frame(data=[go.Scatter3d(x=c[:, 0], y=c[:, 1], z=c[:, 2],
                                    marker={"color": [_rgb(v) for v in c]})],
                 traces=[moving], name=str(t))
        for t, c in enumerate(history.astype(np.float32))
    ]
    jump = {"mode": "immediate", "frame": {"duration": 0, "redraw": True},
            "transition": {"duration": 0}}
    fig.update_layout(
        sliders=[{
            "active": 0, "pad": {"t": 10}, "x": 0.12, "len": 0.88,
            "currentvalue": {"prefix": "iteration "},
            "steps": [{"label": str(t), "method": "animate", "args": [[str(t)], jump]}
                      for t in range(t_count)],
        }],
        updatemenus=[{
            "type": "buttons", "showactive": False, "x": 0, "y": 0, "xanchor": "left",
            "yanchor": "top", "pad": {"t": 30},
            "buttons": [{"label": "▶ play", "method": "animate",
                         "args": [None, {**jump, "frame": {"duration": 500, "redraw": True},
                                         "fromcurrent": True}]}],
        }],
    )
    _cube_layout(fig, title or f"How the {k} centroids move over {t_count - 1} iterations")
    return fig
