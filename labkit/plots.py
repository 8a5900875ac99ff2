"""Matplotlib figures for the lab: images side by side, palettes, elbow, confusion, loss.

Every function takes arrays or result objects (it never runs k-means or an agent itself),
draws on a new figure (or on the ``ax`` you pass, where one axes is enough) and returns
the :class:`matplotlib.figure.Figure`. Nothing here calls ``plt.show()``: in a notebook,
end the cell with ``plt.show()`` or assign the figure (``fig = side_by_side(...)``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib import ticker
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from labkit._checks import positive_int
from labkit.images import as_gray_image, as_rgb_image, to_gray

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

PANEL_INCHES = 3.2  # width of one image panel in a default-sized figure


# --------------------------------------------------------------------------- helpers
def _as_image(img, name: str) -> np.ndarray:
    """Check an RGB (H, W, 3) or gray (H, W) image of integers 0..255; return it as uint8."""
    if np.ndim(img) == 2:
        return as_gray_image(img, name)
    return as_rgb_image(img, name)


def _as_palette(palette, name: str = "palette") -> np.ndarray:
    """Check a palette of shape (m, 3) with values 0..255; return it as uint8."""
    arr = np.asarray(palette)
    if arr.dtype == object or not np.issubdtype(arr.dtype, np.number) or arr.dtype == bool:
        raise TypeError(f"{name} must be an array of numbers of shape (m, 3), got dtype {arr.dtype}")
    if arr.ndim != 2 or arr.shape[1] != 3 or arr.shape[0] == 0:
        raise ValueError(f"{name} must have shape (m, 3) with m ≥ 1 colors, got {arr.shape}")
    if not np.isfinite(arr).all() or arr.min() < 0 or arr.max() > 255:
        raise ValueError(f"{name} values must lie in 0..255")
    return np.rint(arr).astype(np.uint8)


def _hex(color) -> str:
    """'#rrggbb' of an RGB triple 0..255."""
    r, g, b = (int(c) for c in color)
    return f"#{r:02x}{g:02x}{b:02x}"


def _ink(color) -> str:
    """Black or white, whichever reads better on ``color`` (RGB 0..255), by its luma."""
    r, g, b = (float(c) for c in color)
    return "black" if 0.299 * r + 0.587 * g + 0.114 * b > 140 else "white"


def _show(ax: Axes, img: np.ndarray, title: str | None = None) -> None:
    """Draw an image without axes ticks; gray images on a fixed 0..255 gray scale."""
    if img.ndim == 2:
        ax.imshow(img, cmap="gray", vmin=0, vmax=255)
    else:
        ax.imshow(img)
    ax.set_axis_off()
    if title:
        ax.set_title(title)


def _new_ax(ax: Axes | None, figsize) -> tuple[Figure, Axes]:
    if ax is None:
        fig, ax = plt.subplots(figsize=figsize, layout="constrained")
        return fig, ax
    if not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes or None, got {type(ax).__name__}")
    return ax.figure, ax


def _attr(obj, field: str, name: str):
    if not hasattr(obj, field):
        raise TypeError(f"{name} must have a .{field} attribute, got {type(obj).__name__}")
    return getattr(obj, field)


# --------------------------------------------------------------------------- figures
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
    arrays = [_as_image(im, f"images[{i}]") for i, im in enumerate(images)]
    if not arrays:
        raise ValueError("images must hold at least one image")
    if titles is not None:
        titles = list(titles)
        if len(titles) != len(arrays):
            raise ValueError(f"titles must have one entry per image ({len(arrays)}), got {len(titles)}")
    if figsize is None:
        aspect = max(a.shape[0] / a.shape[1] for a in arrays)
        figsize = (PANEL_INCHES * len(arrays), PANEL_INCHES * aspect + (0.5 if titles else 0.2))
    fig, axes = plt.subplots(1, len(arrays), figsize=figsize, layout="constrained", squeeze=False)
    for i, (ax, arr) in enumerate(zip(axes[0], arrays)):
        _show(ax, arr, titles[i] if titles else None)
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
    img = as_rgb_image(img)
    results = list(results)
    if not results:
        raise ValueError("results must hold at least one result (e.g. one Compressed per k)")
    panels, titles = [img], ["original"]
    for i, res in enumerate(results):
        recolored = as_rgb_image(_attr(res, "image", f"results[{i}]"), f"results[{i}].image")
        if recolored.shape != img.shape:
            raise ValueError(
                f"results[{i}].image has shape {recolored.shape}, but img has shape {img.shape}"
            )
        mse = float(_attr(res, "mse", f"results[{i}]"))
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
        _show(ax, panel, title)
    for ax in axes.flat[n:]:
        fig.delaxes(ax)
    return fig


def swatches(
    palette,
    counts=None,
    *,
    ax: Axes | None = None,
    figsize: tuple[float, float] = (8, 1.4),
    labels: bool = True,
    title: str | None = None,
) -> Figure:
    """A bar of color swatches, one per palette color, labelled with its hex code.

    Parameters
    ----------
    palette : array of shape (m, 3)
        Colors as R, G, B values 0..255 (uint8 palettes and float centroids both work;
        floats are rounded).
    counts : array of shape (m,), optional
        Pixels per color. If given, each swatch is as wide as its share of the pixels
        and the label adds the share in percent; otherwise all swatches are equally wide.
    ax : matplotlib Axes, optional
        Draw here instead of on a new figure.
    figsize : (float, float), default (8, 1.4)
        Size of the new figure (ignored when ``ax`` is given).
    labels : bool, default True
        Write each color's hex code (and share) on its swatch.
    title : str, optional
        Axes title; by default "m colors".

    Returns
    -------
    fig : matplotlib.figure.Figure
        The swatches are the axes' ``patches`` (one Rectangle per color, in palette order).

    Raises
    ------
    TypeError, ValueError
        If ``palette`` is not (m, 3) in 0..255, or ``counts`` is not m non-negative
        numbers with a positive sum.

    Examples
    --------
    >>> fig = swatches([[255, 0, 0], [0, 0, 255]], counts=[3, 1])
    >>> [float(p.get_width()) for p in fig.axes[0].patches]
    [0.75, 0.25]
    >>> plt.close(fig)

    Notes
    -----
    ``#rrggbb`` writes R, G and B as two hexadecimal digits each (00..ff = 0..255).
    Taught in ``notebooks/01_kmeans_compression.ipynb``.
    """
    pal = _as_palette(palette)
    m = len(pal)
    if counts is None:
        share = np.full(m, 1.0 / m)
    else:
        c = np.asarray(counts)
        if c.dtype == object or not np.issubdtype(c.dtype, np.number) or c.dtype == bool:
            raise TypeError(f"counts must be numbers, got dtype {c.dtype}")
        c = c.astype(np.float64)
        if c.shape != (m,):
            raise ValueError(f"counts must have shape ({m},) (one per palette color), got {c.shape}")
        if not np.isfinite(c).all() or (c < 0).any() or c.sum() <= 0:
            raise ValueError("counts must be non-negative finite numbers with a positive sum")
        share = c / c.sum()
    fig, ax = _new_ax(ax, figsize)
    left = np.concatenate([[0.0], np.cumsum(share)[:-1]])
    ax.bar(left, np.ones(m), width=share, align="edge", color=pal / 255.0,
           edgecolor="white", linewidth=1)
    if labels:
        for x, w, color in zip(left, share, pal):
            if w < 0.02:  # too narrow to write on
                continue
            vertical = m > 8 or w < 0.09  # narrow swatches get their label turned upright
            text = _hex(color) if counts is None else f"{_hex(color)}\n{100 * w:.0f} %"
            ax.text(x + w / 2, 0.5, text, ha="center", va="center", color=_ink(color),
                    fontsize=8 if vertical else 9, rotation=90 if vertical else 0,
                    family="monospace")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_axis_off()
    ax.set_title(title if title is not None else f"{m} color{'s' if m != 1 else ''}")
    return fig


def elbow_plot(
    df,
    knee: int | None = None,
    *,
    y: str = "sse",
    ax: Axes | None = None,
    figsize: tuple[float, float] = (6, 4),
) -> Figure:
    """SSE against k, with the knee (the "elbow") marked and annotated.

    Parameters
    ----------
    df : pandas.DataFrame or mapping
        Columns ``k`` and ``y`` (default ``sse``), e.g. from ``labkit.compress.elbow``.
    knee : int, optional
        The k to mark (e.g. ``find_elbow(df)``); must be one of ``df["k"]``.
    y : str, default "sse"
        The column to plot against k (``"mse"`` works too).
    ax : matplotlib Axes, optional
        Draw here instead of on a new figure.
    figsize : (float, float), default (6, 4)
        Size of the new figure (ignored when ``ax`` is given).

    Returns
    -------
    fig : matplotlib.figure.Figure
        The curve is the line labelled ``y``; the knee, if given, the line labelled "knee".

    Raises
    ------
    KeyError
        If a column is missing.
    ValueError
        If the columns are empty or of different lengths, or ``knee`` is not one of the ks.

    Examples
    --------
    >>> fig = elbow_plot({"k": [1, 2, 3], "sse": [9.0, 3.0, 2.5]}, knee=2)
    >>> fig.axes[0].get_legend_handles_labels()[1]
    ['sse', 'knee']
    >>> plt.close(fig)

    Notes
    -----
    SSE(k) = Σ over pixels of ‖pixel − its centroid‖²; it always falls as k grows, and the
    knee is where it stops falling fast. Taught in ``notebooks/03_elbow.ipynb``.
    """
    for column in ("k", y):
        try:
            df[column]
        except (KeyError, IndexError, TypeError):
            raise KeyError(f"df must have a column {column!r} (columns k and {y})") from None
    ks = np.asarray(df["k"], dtype=np.float64)
    values = np.asarray(df[y], dtype=np.float64)
    if ks.ndim != 1 or ks.size == 0 or ks.shape != values.shape:
        raise ValueError(f"columns k and {y} must be non-empty and of the same length")
    fig, ax = _new_ax(ax, figsize)
    ax.plot(ks, values, marker="o", color="tab:blue", label=y)
    if knee is not None:
        hits = np.flatnonzero(ks == knee)
        if hits.size == 0:
            raise ValueError(f"knee must be one of the k values {ks.astype(int).tolist()}, got {knee!r}")
        knee_y = values[hits[0]]
        ax.plot([knee], [knee_y], linestyle="none", marker="o", markersize=16,
                markerfacecolor="none", markeredgecolor="tab:red", markeredgewidth=2.5,
                label="knee")
        ax.annotate(f"knee: k = {knee}", xy=(knee, knee_y), xytext=(30, 30),
                    textcoords="offset points", color="tab:red",
                    arrowprops={"arrowstyle": "->", "color": "tab:red"})
    if np.all(ks == np.round(ks)) and ks.size <= 30:
        ax.set_xticks(ks)
    ax.set_xlabel("k (number of colors)")
    ax.set_ylabel(f"{y.upper()} (squared error)" if y in ("sse", "mse") else y)
    ax.set_title("Elbow curve: error against number of colors")
    ax.grid(alpha=0.3)
    ax.legend()
    return fig


def confusion_plot(
    cm,
    palette=None,
    *,
    normalize: bool = False,
    ax: Axes | None = None,
    figsize: tuple[float, float] | None = None,
    title: str = "Confusion matrix",
) -> Figure:
    """A confusion matrix as a heat map with the count in every cell.

    Rows are the true colors, columns the predicted ones; the diagonal counts the
    pixels colored right.

    Parameters
    ----------
    cm : pandas.DataFrame or array of shape (k, k)
        Counts, ``cm[i, j]`` = pixels of true color i predicted as color j. A DataFrame's
        index and columns give the tick names (and their ``.name`` the axis labels).
    palette : array of shape (k, 3), optional
        The colors (0..255): each tick name is then written on a swatch of its color.
    normalize : bool, default False
        Show each row as shares of its true color (recall on the diagonal) instead of counts.
    ax : matplotlib Axes, optional
        Draw here instead of on a new figure.
    figsize : (float, float), optional
        Size of the new figure (ignored when ``ax`` is given).
    title : str, default "Confusion matrix"

    Returns
    -------
    fig : matplotlib.figure.Figure
        The heat map is the axes' only image; one text per cell.

    Raises
    ------
    TypeError, ValueError
        If ``cm`` is not a square matrix of non-negative numbers or ``palette`` does not
        have one color per row.

    Examples
    --------
    >>> fig = confusion_plot([[5, 1], [0, 4]], palette=[[0, 0, 0], [255, 255, 255]])
    >>> [t.get_text() for t in fig.axes[0].texts]
    ['5', '1', '0', '4']
    >>> plt.close(fig)

    Notes
    -----
    Recall of color i = cm[i, i] / Σ_j cm[i, j] (its row), precision = cm[i, i] / Σ_j cm[j, i]
    (its column). Taught in ``notebooks/04_knn_agent.ipynb``.
    """
    row_names = col_names = None
    row_label, col_label = "true color", "predicted color"
    if hasattr(cm, "index") and hasattr(cm, "columns"):  # pandas DataFrame
        row_names = [str(v) for v in cm.index]
        col_names = [str(v) for v in cm.columns]
        row_label = cm.index.name or row_label
        col_label = cm.columns.name or col_label
        cm = cm.to_numpy()
    arr = np.asarray(cm)
    if arr.dtype == object or not np.issubdtype(arr.dtype, np.number) or arr.dtype == bool:
        raise TypeError(f"cm must hold numbers (counts), got dtype {arr.dtype}")
    if arr.ndim != 2 or arr.shape[0] != arr.shape[1] or arr.shape[0] == 0:
        raise ValueError(f"cm must be a square (k, k) matrix, got shape {arr.shape}")
    if not np.isfinite(arr).all() or (arr < 0).any():
        raise ValueError("cm must hold non-negative finite counts")
    k = arr.shape[0]
    pal = None if palette is None else _as_palette(palette)
    if pal is not None and len(pal) != k:
        raise ValueError(f"palette must have one color per row of cm ({k}), got {len(pal)}")
    row_names = row_names or [str(i) for i in range(k)]
    col_names = col_names or [str(i) for i in range(k)]

    shown = arr.astype(np.float64)
    if normalize:
        totals = shown.sum(axis=1, keepdims=True)
        shown = np.divide(shown, totals, out=np.zeros_like(shown), where=totals > 0)
    if figsize is None:
        side = min(9.0, 2.0 + 0.6 * k)
        figsize = (side + 0.8, side)
    fig, ax = _new_ax(ax, figsize)
    image = ax.imshow(shown, cmap="Blues", vmin=0)
    top = shown.max() if shown.max() > 0 else 1.0
    for i in range(k):
        for j in range(k):
            value = shown[i, j]
            text = f"{value:.2f}" if normalize else (
                f"{value:.0f}" if float(value).is_integer() else f"{value:.3g}")
            ax.text(j, i, text, ha="center", va="center", fontsize=9 if k <= 10 else 7,
                    color="white" if value > 0.6 * top else "black")
    ax.set_xticks(range(k), col_names)
    ax.set_yticks(range(k), row_names)
    ax.set_xlabel(col_label)
    ax.set_ylabel(row_label)
    ax.xaxis.set_label_position("top")
    ax.xaxis.tick_top()
    if pal is not None:
        for tick_labels in (ax.get_xticklabels(), ax.get_yticklabels()):
            for label, color in zip(tick_labels, pal):
                label.set_bbox({"boxstyle": "square,pad=0.35", "facecolor": _hex(color),
                                "edgecolor": "0.4"})
                label.set_color(_ink(color))
        ax.tick_params(length=0, pad=8)
    fig.colorbar(image, ax=ax, shrink=0.8, label="share of the row" if normalize else "pixels")
    ax.set_title(title)
    return fig


def loss_plot(
    history,
    *,
    logy: bool = False,
    ax: Axes | None = None,
    figsize: tuple[float, float] = (6, 4),
    xlabel: str = "epoch",
    ylabel: str = "loss (cross-entropy)",
    title: str = "Training loss",
) -> Figure:
    """Loss against epoch, one curve per optimiser.

    Parameters
    ----------
    history : array of shape (n,) or mapping name -> array
        One loss history, or several (e.g. ``{"gd": ..., "adam": ...}``) drawn on the
        same axes with a legend; histories may have different lengths.
    logy : bool, default False
        Logarithmic y axis (shows slow late progress).
    ax : matplotlib Axes, optional
        Draw here instead of on a new figure.
    figsize : (float, float), default (6, 4)
    xlabel, ylabel, title : str
        Axis labels and title; x counts epochs (passes over the data) by default.

    Returns
    -------
    fig : matplotlib.figure.Figure
        One line per history; x runs 1..n.

    Raises
    ------
    TypeError, ValueError
        If a history is not a non-empty 1-D array of finite numbers (positive with ``logy``).

    Examples
    --------
    >>> fig = loss_plot({"gd": [2.0, 1.0, 0.5], "adam": [2.0, 0.4]}, logy=True)
    >>> [line.get_label() for line in fig.axes[0].lines]
    ['gd', 'adam']
    >>> plt.close(fig)

    Notes
    -----
    Cross-entropy loss = −mean over samples of log p(true class). Taught in
    ``notebooks/05_neural_agent.ipynb``.
    """
    histories = dict(history) if isinstance(history, Mapping) else {None: history}
    if not histories:
        raise ValueError("history must hold at least one loss history")
    curves = {}
    for name, values in histories.items():
        what = "history" if name is None else f"history[{name!r}]"
        arr = np.asarray(values)
        if arr.dtype == object or not np.issubdtype(arr.dtype, np.number) or arr.dtype == bool:
            raise TypeError(f"{what} must be a 1-D array of numbers, got dtype {arr.dtype}")
        if arr.ndim != 1 or arr.size == 0:
            raise ValueError(f"{what} must be a non-empty 1-D array, got shape {arr.shape}")
        arr = arr.astype(np.float64)
        if not np.isfinite(arr).all():
            raise ValueError(f"{what} holds NaN or infinity (did the training diverge?)")
        if logy and (arr <= 0).any():
            raise ValueError(f"{what} must be positive for a logarithmic axis (logy=True)")
        curves[name] = arr
    fig, ax = _new_ax(ax, figsize)
    for name, arr in curves.items():
        ax.plot(np.arange(1, arr.size + 1), arr, label=None if name is None else str(name),
                marker="." if arr.size <= 30 else None)
    if logy:
        ax.set_yscale("log")
        plain = ticker.FuncFormatter(lambda value, _: f"{value:g}")  # 0.5, not 5 × 10^-1
        ax.yaxis.set_major_formatter(plain)
        low = min(arr.min() for arr in curves.values())
        high = max(arr.max() for arr in curves.values())
        ax.yaxis.set_minor_formatter(plain if high / low < 20 else ticker.NullFormatter())
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.grid(alpha=0.3, which="both" if logy else "major")
    if any(name is not None for name in curves):
        ax.legend(title="optimiser")
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
    img = as_rgb_image(img)
    right = as_rgb_image(_attr(result, "right", "result"), "result.right")
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
    _show(axes[0], img, "original")
    _show(axes[1], to_gray(img), "gray: what the agent sees")
    _show(axes[2], colored, "left: known | right: predicted")
    for ax in axes[1:]:
        ax.axvline(half - 0.5, color="white", linestyle="--", linewidth=1.5)
    if agent_name:
        fig.suptitle(f"Colorized by the {agent_name} agent")
    return fig


def compression_figure(
    compressed,
    *,
    figsize: tuple[float, float] | None = None,
) -> Figure:
    """What a compressed image stores: a palette and a label map, and what they give.

    Parameters
    ----------
    compressed : Compressed
        From ``labkit.compress.compress``; needs ``.palette`` (m, 3) uint8, ``.labels``
        (H, W) integers 0..m-1 and ``.image`` (H, W, 3); ``.bits_per_pixel`` and
        ``.compression_ratio`` go into the title if present.
    figsize : (float, float), optional

    Returns
    -------
    fig : matplotlib.figure.Figure
        Axes "palette" (swatches, widths by pixel share), "labels" (the label map as
        numbers, with a colorbar) and "image" (``palette[labels]``), plus the colorbar's axes.

    Raises
    ------
    TypeError
        If an attribute is missing.
    ValueError
        If the labels do not index the palette or the shapes disagree.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> pal = np.array([[0, 0, 0], [255, 255, 255]], np.uint8)
    >>> lab = np.array([[0, 1], [1, 1]], np.uint8)
    >>> q = SimpleNamespace(palette=pal, labels=lab, image=pal[lab])
    >>> sorted(ax.get_label() for ax in compression_figure(q).axes)
    ['<colorbar>', 'image', 'labels', 'palette']
    >>> plt.close("all")

    Notes
    -----
    The recolored image is ``palette[labels]``: each pixel stores only its label,
    ⌈log2 m⌉ bits instead of 24. Taught in ``notebooks/01_kmeans_compression.ipynb``.
    """
    pal = _as_palette(_attr(compressed, "palette", "compressed"), "compressed.palette")
    labels = np.asarray(_attr(compressed, "labels", "compressed"))
    image = as_rgb_image(_attr(compressed, "image", "compressed"), "compressed.image")
    if labels.dtype == bool or not np.issubdtype(labels.dtype, np.integer):
        raise TypeError(f"compressed.labels must be integers, got dtype {labels.dtype}")
    if labels.shape != image.shape[:2]:
        raise ValueError(
            f"compressed.labels {labels.shape} must match compressed.image {image.shape[:2]}"
        )
    m = len(pal)
    if labels.min() < 0 or labels.max() >= m:
        raise ValueError(f"compressed.labels must lie in 0..{m - 1} (palette indices)")
    counts = np.bincount(labels.ravel(), minlength=m)
    h, w = labels.shape
    if figsize is None:
        figsize = (2 * PANEL_INCHES + 1.2, PANEL_INCHES * h / w + 2.0)
    fig, axd = plt.subplot_mosaic([["palette", "palette"], ["labels", "image"]],
                                  figsize=figsize, layout="constrained",
                                  height_ratios=[1, 4 * h / w])
    for name, ax in axd.items():
        ax.set_label(name)
    swatches(pal, counts, ax=axd["palette"], labels=m <= 16,
             title=f"palette: {m} colors (width = share of pixels)")
    shown = axd["labels"].imshow(labels, cmap="viridis", vmin=-0.5, vmax=m - 0.5,
                                 interpolation="nearest")
    axd["labels"].set_axis_off()
    axd["labels"].set_title(f"labels: one number 0..{m - 1} per pixel")
    bar = fig.colorbar(shown, ax=axd["labels"], shrink=0.8, label="label")
    if m <= 16:
        bar.set_ticks(range(m))
    _show(axd["image"], image, "palette[labels]")
    bits = getattr(compressed, "bits_per_pixel", None)
    ratio = getattr(compressed, "compression_ratio", None)
    if bits is not None:
        text = f"{m} colors: {float(bits):g} bits per pixel instead of 24"
        if ratio is not None:
            text += f" (ratio {float(ratio):.1f}×)"
        fig.suptitle(text)
    return fig
