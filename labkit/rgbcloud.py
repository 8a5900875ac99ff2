"""The pieces of the color-space figures: pixels as plotly traces, and the axes around them.

:mod:`labkit.colorspace` checks its arguments and assembles these; they trust their
inputs (uint8 pixels of shape (n, 3), labels 0..k-1, colors 0..255). Kept small for
storing in a notebook: coordinates stay uint8 and colors are numbers on a colorscale or
one color per trace, never one ``'rgb(r,g,b)'`` string per pixel.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

__all__ = ["AXES", "MAX_COLORS", "axis_ranges", "centroid_trace", "cluster_traces",
           "color_index", "own_color_trace", "plotly_rgb", "scene_layout", "subsample"]

MAX_COLORS = 256  # at most this many distinct marker colors for "pixels in their own color"
AXES = (("xaxis", "R", "red"), ("yaxis", "G", "green"), ("zaxis", "B", "blue"))


def subsample(n: int, max_points: int, rng: np.random.Generator) -> np.ndarray:
    """Sorted indices of at most ``max_points`` of ``n`` items, drawn without replacement.

    Examples
    --------
    >>> subsample(5, 3, np.random.default_rng(0)).tolist()
    [2, 3, 4]
    """
    if n <= max_points:
        return np.arange(n)
    return np.sort(rng.choice(n, size=max_points, replace=False))


def plotly_rgb(color) -> str:
    """A color (R, G, B in 0..255, rounded) as plotly's ``'rgb(r,g,b)'``.

    Examples
    --------
    >>> plotly_rgb([255, 127.6, 0])
    'rgb(255,128,0)'
    """
    r, g, b = (int(c) for c in np.clip(np.rint(color), 0, 255))
    return f"rgb({r},{g},{b})"


def color_index(pixels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Map each pixel (n, 3) uint8 to one of at most ``MAX_COLORS`` display colors.

    Returns
    -------
    index : ndarray of shape (n,), uint8
        Each pixel's display color.
    colors : ndarray of shape (m, 3), uint8
        The display colors, m ≤ 256.

    Examples
    --------
    >>> index, colors = color_index(np.array([[9, 9, 9], [200, 0, 0], [9, 9, 9]], np.uint8))
    >>> index.tolist(), colors.tolist()
    ([0, 1, 0], [[9, 9, 9], [200, 0, 0]])

    Notes
    -----
    Pixels are binned by their top ``bits`` bits per channel, with ``bits`` = 8 (exact
    colors), 6, 5, 4, 3 or 2: the finest that gives at most ``MAX_COLORS`` bins (2 bits
    make at most 4³ = 64); each bin is shown in the mean color of its pixels.
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


def own_color_trace(pixels: np.ndarray, marker_size: float) -> go.Scatter3d:
    """One trace "pixels": pixels (n, 3) uint8 in (nearly) their own color.

    The colors are numbers 0..m-1 on a colorscale of the m ≤ 256 display colors of
    :func:`color_index`, whose stop i sits exactly where value i lands.
    """
    index, colors = color_index(pixels)
    m = len(colors)
    if m == 1:
        scale = [[0.0, plotly_rgb(colors[0])], [1.0, plotly_rgb(colors[0])]]
    else:  # stop i sits exactly where value i lands, so each point gets colors[i]
        scale = [[i / (m - 1), plotly_rgb(c)] for i, c in enumerate(colors)]
    return go.Scatter3d(
        x=pixels[:, 0], y=pixels[:, 1], z=pixels[:, 2], mode="markers", name="pixels",
        marker={"size": marker_size, "color": index, "colorscale": scale,
                "cmin": 0, "cmax": max(m - 1, 1), "showscale": False},
        hovertemplate="R %{x}, G %{y}, B %{z}<extra>pixel</extra>",
    )


def cluster_traces(pixels: np.ndarray, labels: np.ndarray, colors: np.ndarray,
                    marker_size: float) -> list[go.Scatter3d]:
    """k traces "cluster j", each holding the pixels labelled j, in color j (some may be empty).

    Examples
    --------
    >>> pixels = np.array([[0, 0, 0], [255, 255, 255]], np.uint8)
    >>> [t.marker.color for t in cluster_traces(pixels, np.array([0, 1]), pixels, 2)]
    ['rgb(0,0,0)', 'rgb(255,255,255)']
    """
    k = len(colors)
    traces = []
    for j in range(k):
        mine = pixels[labels == j]
        traces.append(go.Scatter3d(
            x=mine[:, 0], y=mine[:, 1], z=mine[:, 2], mode="markers",
            name=f"cluster {j}", legendgroup="clusters", showlegend=k <= 16,
            marker={"size": marker_size, "color": plotly_rgb(colors[j])},
            hovertemplate=f"R %{{x}}, G %{{y}}, B %{{z}}<extra>cluster {j}</extra>",
        ))
    return traces


def centroid_trace(centroids: np.ndarray, name: str = "centroids") -> go.Scatter3d:
    """Centroids (k, 3) as large markers (size 11) in their own color with a black outline."""
    return go.Scatter3d(
        x=centroids[:, 0], y=centroids[:, 1], z=centroids[:, 2], mode="markers", name=name,
        marker={"size": 11, "color": [plotly_rgb(c) for c in centroids], "opacity": 1.0,
                "line": {"color": "black", "width": 3}},
        customdata=np.arange(len(centroids)),
        hovertemplate="centroid %{customdata}<br>R %{x:.1f}, G %{y:.1f}, B %{z:.1f}<extra></extra>",
    )


def axis_ranges(drawn: np.ndarray, cube: bool) -> list[list[float]]:
    """R, G and B ranges around the points ``drawn`` (n, 3); [0, 255] each if ``cube``.

    Each range is the points' extent plus 5 % (at least 4 levels) on both sides, inside
    0..255; an axis shorter than a quarter of the longest is widened to that.

    Examples
    --------
    >>> axis_ranges(np.array([[100, 100, 100], [200, 150, 110]]), cube=False)
    [[95.0, 205.0], [96.0, 154.0], [91.2, 118.8]]
    """
    if cube:
        return [[0, 255]] * 3
    low, high = drawn.min(axis=0).astype(float), drawn.max(axis=0).astype(float)
    pad = np.maximum(4.0, 0.05 * (high - low))
    low, high = np.maximum(low - pad, 0), np.minimum(high + pad, 255)
    short = np.maximum(0, (high - low).max() / 4 - (high - low)) / 2
    low, high = np.maximum(low - short, 0), np.minimum(high + short, 255)
    return [[round(float(a), 1), round(float(b), 1)] for a, b in zip(low, high)]


#: Where the 3-D figures' camera starts: beside the gray diagonal, not on it (its direction
#: is nearly at right angles to (1, 1, 1)), a little above the R-G plane.
CAMERA_EYE = (1.55, -1.45, 0.45)


def scene_layout(fig: go.Figure, title: str, ranges: list[list[float]]) -> None:
    """Give ``fig`` its title, and axes R, G, B over ``ranges``, all three at one scale.

    One scale (the aspect ratio of the ranges themselves) keeps distances true: a
    centroid looks as far from a pixel as it is. The camera looks from the side of the
    gray diagonal R = G = B (plotly's default looks along it, and most photos' pixels lie
    close to it, so their cloud would be seen end-on).
    """
    spans = [b - a for a, b in ranges]
    fig.update_layout(
        title=title,
        scene={key: {"range": r, "title": {"text": a, "font": {"color": color}}}
               for (key, a, color), r in zip(AXES, ranges)}
        | {"aspectmode": "manual",
           "aspectratio": {k: round(v / max(spans), 3) for k, v in zip("xyz", spans)},
           "camera": {"eye": dict(zip("xyz", CAMERA_EYE))}},
        margin={"l": 0, "r": 0, "t": 40, "b": 0},
        height=560,
        legend={"itemsizing": "constant"},
    )
