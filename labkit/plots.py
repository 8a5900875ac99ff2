"""Photos as matplotlib figures: side by side, a grid over k, a colorization.

Every function takes arrays or result objects (it never runs k-means or an agent itself),
draws on a new figure and returns the :class:`matplotlib.figure.Figure`. Nothing here
calls ``plt.show()``: in a notebook, end the cell with ``plt.show()`` or assign the
figure (``fig = side_by_side(...)``).

The lab's other figures live beside this module and are importable from it too
(``lk.plots.swatches`` and so on): palettes in :mod:`labkit.palettes` (``swatches``,
``compression_figure``), charts in :mod:`labkit.charts` (``elbow_plot``,
``confusion_plot``, ``loss_plot``).
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from labkit._checks import any_image, attribute, positive_int, rgb_image
from labkit.charts import confusion_plot, elbow_plot, loss_plot
from labkit.drawing import PANEL_INCHES, show_image
from labkit.images import to_gray
from labkit.palettes import compression_figure, swatches

__all__ = [
    "colorization_figure",
    "compression_figure",
    "confusion_plot",
    "elbow_plot",
    "k_grid",
    "loss_plot",
    "side_by_side",
    "swatches",
]


def side_by_side(
    images: Sequence,
    titles: Sequence[str] | None = None,
    *,
    figsize: tuple[float, float] | None = None,
    suptitle: str | None = None,
) -> Figure:
    """Show images in one row, each with its title.

    Parameters
    ----------
    images : sequence of ndarray
        Each of shape (H, W, 3) (RGB) or (H, W) (gray, drawn on a fixed 0..255 gray
        scale), integers 0..255. The images may differ in size.
    titles : sequence of str, optional
        One title per image.
    figsize : (float, float), optional
        Figure size in inches; by default 3.2 inches per image.
    suptitle : str, optional
        A title over the whole row.

    Returns
    -------
    fig : matplotlib.figure.Figure
        One axes per image, in order.

    Raises
    ------
    TypeError, ValueError
        If an image is not a valid RGB or gray image, or the titles do not match.

    Examples
    --------
    >>> fig = side_by_side([np.zeros((2, 3, 3), np.uint8), np.zeros((2, 3), np.uint8)],
    ...                    ["color", "gray"])
    >>> len(fig.axes)
    2
    >>> plt.close(fig)

    Notes
    -----
    Taught in ``notebooks/00_start_here.ipynb``.
    """
    if isinstance(images, np.ndarray) and images.ndim in (2, 3) and images.dtype != object:
        images = [images]
    arrays = [any_image(im, f"images[{i}]") for i, im in enumerate(images)]
    if not arrays:
        raise ValueError("images must hold at least one image")
    if titles is not None:
        titles = list(titles)
        if len(titles) != len(arrays):
            raise ValueError(f"titles must have one entry per image ({len(arrays)}), "
                             f"got {len(titles)}")
    if figsize is None:
        aspect = max(a.shape[0] / a.shape[1] for a in arrays)
        figsize = (PANEL_INCHES * len(arrays), PANEL_INCHES * aspect + (0.5 if titles else 0.2))
    fig, axes = plt.subplots(1, len(arrays), figsize=figsize, layout="constrained", squeeze=False)
    for i, (ax, arr) in enumerate(zip(axes[0], arrays)):
        show_image(ax, arr, titles[i] if titles else None)
    if suptitle:
        fig.suptitle(suptitle)
    return fig

def k_grid(
    img,
    results: Sequence,
    *,
    ncols: int | None = None,
    figsize: tuple[float, float] | None = None,
) -> Figure:
    """The original image and one recolored image per result, in a grid.

    Parameters
    ----------
    img : ndarray of shape (H, W, 3), uint8
        The original photo, drawn first.
    results : sequence of Compressed
        For example ``[compress(img, k, seed=0) for k in range(2, 11)]``. Each needs
        ``.image`` (H, W, 3) and ``.mse``; the title shows ``.k`` (or ``.n_colors``) and,
        when fewer distinct colors were found than requested, ``.n_colors`` too.
    ncols : int, optional
        Panels per row; by default at most 5.
    figsize : (float, float), optional
        Figure size in inches.

    Returns
    -------
    fig : matplotlib.figure.Figure
        ``len(results) + 1`` axes: the original, then one per result.

    Raises
    ------
    TypeError
        If a result lacks ``.image`` or ``.mse``.
    ValueError
        If ``results`` is empty or a recolored image's shape differs from ``img``'s.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> img = np.zeros((2, 2, 3), np.uint8)
    >>> fig = k_grid(img, [SimpleNamespace(k=2, n_colors=1, image=img, mse=0.0)])
    >>> [ax.get_title() for ax in fig.axes]
    ['original', 'k = 2 (1 color)\\nMSE 0.0']
    >>> plt.close(fig)

    Notes
    -----
    MSE is the mean over all R, G, B values of ``(original - recolored)**2``: it falls as
    k grows. Taught in ``notebooks/01_kmeans_compression.ipynb``.
    """
    img = rgb_image(img)
    results = list(results)
    if not results:
        raise ValueError("results must hold at least one result (e.g. one Compressed per k)")
    panels, titles = [img], ["original"]
    for i, res in enumerate(results):
        recolored = rgb_image(attribute(res, "image", f"results[{i}]"), f"results[{i}].image")
        if recolored.shape != img.shape:
            raise ValueError(
                f"results[{i}].image has shape {recolored.shape}, but img has shape {img.shape}"
            )
        mse = float(attribute(res, "mse", f"results[{i}]"))
        k = getattr(res, "k", None)
        n_colors = getattr(res, "n_colors", None)
        if k is None:
            k = n_colors
        title = f"k = {k}"
        if n_colors is not None and k is not None and n_colors < k:
            title += f" ({n_colors} color{'s' if n_colors != 1 else ''})"
        panels.append(recolored)
        titles.append(f"{title}\nMSE {mse:.1f}")
    n = len(panels)
    ncols = min(5, n) if ncols is None else positive_int(ncols, "ncols")
    nrows = -(-n // ncols)
    if figsize is None:
        aspect = img.shape[0] / img.shape[1]
        figsize = (2.6 * ncols, (2.6 * aspect + 0.5) * nrows)
    fig, axes = plt.subplots(nrows, ncols, figsize=figsize, layout="constrained", squeeze=False)
    for ax, panel, title in zip(axes.flat, panels, titles):
        show_image(ax, panel, title)
    for ax in axes.flat[n:]:
        fig.delaxes(ax)
    return fig

def colorization_figure(
    img,
    result,
    *,
    figsize: tuple[float, float] | None = None,
) -> Figure:
    """Original, gray, and colorized photo side by side, the split line drawn.

    Parameters
    ----------
    img : ndarray of shape (H, W, 3), uint8
        The original color photo.
    result : Colorized
        Needs ``.right`` (H, W - W // 2, 3), the predicted right half
        (``labkit.colorize``); the left half shown is the original's, the one the agent
        learned from. ``.agent`` (a name or an agent) goes into the title if present.
    figsize : (float, float), optional

    Returns
    -------
    fig : matplotlib.figure.Figure
        Three axes: original, gray (``to_gray(img)``), and ``[original left | predicted
        right]``; the last two carry a dashed vertical line at column W // 2.

    Raises
    ------
    TypeError
        If ``result`` lacks ``.right``.
    ValueError
        If the right half does not fit ``img`` (height H, width W - W // 2).

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> img = np.zeros((2, 4, 3), np.uint8)
    >>> len(colorization_figure(img, SimpleNamespace(right=img[:, 2:])).axes)
    3
    >>> plt.close("all")

    Notes
    -----
    The agent sees the whole photo in gray (L = 0.299 R + 0.587 G + 0.114 B) and only the
    left half in color. Taught in ``notebooks/04_knn_agent.ipynb``.
    """
    img = rgb_image(img)
    right = rgb_image(attribute(result, "right", "result"), "result.right")
    h, w = img.shape[:2]
    half = w // 2
    if right.shape[:2] != (h, w - half):
        raise ValueError(
            f"result.right {right.shape} must be the right half of img {img.shape}: "
            f"shape ({h}, {w - half}, 3)"
        )
    colored = np.concatenate([img[:, :half], right], axis=1)
    agent = getattr(result, "agent_name", None) or getattr(result, "agent", None)
    agent_name = agent if isinstance(agent, str) or agent is None else type(agent).__name__
    if figsize is None:
        figsize = (3 * PANEL_INCHES, PANEL_INCHES * h / w + 0.7)
    fig, axes = plt.subplots(1, 3, figsize=figsize, layout="constrained")
    show_image(axes[0], img, "original")
    show_image(axes[1], to_gray(img), "gray: what the agent sees")
    show_image(axes[2], colored, "left: known | right: predicted")
    for ax in axes[1:]:
        ax.axvline(half - 0.5, color="white", linestyle="--", linewidth=1.5)
    if agent_name:
        fig.suptitle(f"Colorized by the {agent_name} agent")
    return fig
