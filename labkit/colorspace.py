"""Plotly 3-D color-space figures: every pixel is a point (R, G, B) of the 0..255 cube.

The figures are plotly figures (never ``FigureWidget``) kept small enough to store in a
notebook: pixels are subsampled deterministically (``max_points``, ``seed``), coordinates
are stored as uint8, and colors are numbers or one color per trace, never one
``'rgb(r,g,b)'`` string per point. The axes are ranged to the points drawn (the whole
cube with ``cube=True``), at one scale for R, G and B so that distances look right.
Displayed in a notebook, each figure also stores a still PNG of itself
(:func:`static_image`, see :mod:`labkit.still3d`) that GitHub and nbconvert can show.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from labkit._checks import (colors, label_map, make_rng, positive_float, positive_int,
                            real_array, rgb_image)
from labkit.rgbcloud import (axis_ranges, centroid_trace, cluster_traces, own_color_trace,
                             plotly_rgb, scene_layout, subsample)
from labkit.still3d import StillFigure, static_image

__all__ = ["centroid_path_figure", "color_space_figure", "static_image"]


def _pixel_traces(img, labels, centroids, max_points, seed, marker_size):
    """Arguments checked once → (pixel traces, the pixels drawn (n, 3), centroids or None)."""
    img = rgb_image(img)
    max_points = positive_int(max_points, "max_points")
    marker_size = positive_float(marker_size, "marker_size")
    if centroids is not None:
        centroids = colors(centroids, "centroids", count="k")
    k = None if centroids is None else len(centroids)
    h, w = img.shape[:2]
    flat_labels = None if labels is None else label_map(labels, (h, w), k)
    rng = make_rng(seed)

    keep = subsample(h * w, max_points, rng)
    pixels = img.reshape(-1, 3)[keep]  # (n, 3) uint8
    if flat_labels is None:
        return [own_color_trace(pixels, marker_size)], pixels, centroids
    if centroids is not None:
        cluster_colors = centroids
    else:  # no centroids: each cluster is shown in the mean color of its pixels
        all_pixels = img.reshape(-1, 3).astype(np.float64)
        k_found = int(flat_labels.max()) + 1
        counts = np.maximum(np.bincount(flat_labels, minlength=k_found), 1)[:, None]
        cluster_colors = np.stack([np.bincount(flat_labels, weights=all_pixels[:, c],
                                               minlength=k_found) for c in range(3)], 1) / counts
    traces = cluster_traces(pixels, flat_labels[keep], cluster_colors, marker_size)
    return traces, pixels, centroids


def color_space_figure(
    img,
    labels=None,
    centroids=None,
    *,
    max_points: int = 20_000,
    seed=0,
    title: str | None = None,
    marker_size: float = 2,
    cube: bool = False,
    still: bool = True,
) -> StillFigure:
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
    cube : bool, default False
        Axes over the whole cube 0..255; by default they span the points drawn, with a
        small margin, all three at one scale.
    still : bool, default True
        Displayed in a notebook, also store a still PNG of the figure (``fig.still``).

    Returns
    -------
    fig : StillFigure (a plotly.graph_objects.Figure)
        Traces: "pixels" (one trace) or "cluster 0" … "cluster k-1", then "centroids" if
        given. Axes R, G, B.

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
    traces, drawn, centroids = _pixel_traces(img, labels, centroids, max_points, seed,
                                             marker_size)
    fig = StillFigure(traces)
    fig.still = bool(still)
    if centroids is not None:
        fig.add_trace(centroid_trace(centroids))
        drawn = np.concatenate([drawn, centroids])
    if title is None:
        title = ("Pixels in RGB space, in their own colors" if labels is None
                 else "Pixels in RGB space, in their cluster's color")
    scene_layout(fig, title, axis_ranges(drawn, cube))
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
    cube: bool = False,
    still: bool = True,
) -> StillFigure:
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
    cube, still : bool, default False and True
        As in :func:`color_space_figure`; the axes span the pixels and every route.

    Returns
    -------
    fig : StillFigure (a plotly.graph_objects.Figure)
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
    history = real_array(centroid_history, "centroid_history", finite=False)
    if history.ndim != 3 or history.shape[2] != 3 or 0 in history.shape:
        raise ValueError(f"centroid_history must have shape (T, k, 3) (iterations, "
                         f"centroids, RGB), got {history.shape}")
    t_count, k, _ = history.shape
    history = colors(history.reshape(-1, 3), "centroid_history").reshape(t_count, k, 3)
    traces, drawn, _ = _pixel_traces(img, labels, history[-1] if labels is not None else None,
                                     max_points, seed, marker_size)
    fig = StillFigure(traces)
    fig.still = bool(still)

    # every centroid's route as one line trace, routes separated by gaps (None)
    route = np.full((k, t_count + 1, 3), np.nan, dtype=np.float32)  # float32: half the bytes
    route[:, :t_count] = history.transpose(1, 0, 2)
    route = route.reshape(-1, 3)
    fig.add_trace(go.Scatter3d(
        x=route[:, 0], y=route[:, 1], z=route[:, 2], mode="lines", name="paths",
        line={"color": "rgba(40,40,40,0.6)", "width": 3}, connectgaps=False, hoverinfo="skip",
    ))
    fig.add_trace(centroid_trace(history[0]))
    moving = len(fig.data) - 1

    # a frame holds only what changes: the centroids' positions and colors (plotly merges
    # it into the "centroids" trace, which keeps its size, outline and hover text)
    fig.frames = [
        go.Frame(data=[go.Scatter3d(x=c[:, 0], y=c[:, 1], z=c[:, 2],
                                    marker={"color": [plotly_rgb(v) for v in c]})],
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
    ranges = axis_ranges(np.concatenate([drawn, history.reshape(-1, 3)]), cube)
    title = title or f"How the {k} centroids move over {t_count - 1} iterations"
    scene_layout(fig, title, ranges)
    return fig
