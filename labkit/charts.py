"""Charts of the lab's numbers: the elbow curve, a confusion matrix, loss histories.

Each function takes a table or an array (it never runs k-means or trains a network
itself), draws on a new figure or on the ``ax`` you pass, and returns the
:class:`matplotlib.figure.Figure`. Nothing here calls ``plt.show()``.
"""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt  # noqa: F401 (the examples close their figures with it)
import numpy as np
from matplotlib import ticker
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from labkit._checks import colors, real_array
from labkit.drawing import hex_color, ink_color, new_axes

__all__ = ["confusion_plot", "elbow_plot", "loss_plot"]


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
    ks = real_array(df["k"], "df['k']", ndim=1)
    values = real_array(df[y], f"df[{y!r}]", ndim=1)
    if ks.size == 0 or ks.shape != values.shape:
        raise ValueError(f"columns k and {y} must be non-empty and of the same length")
    fig, ax = new_axes(ax, figsize)
    ax.plot(ks, values, marker="o", color="tab:blue", label=y)
    if knee is not None:
        hits = np.flatnonzero(ks == knee)
        if hits.size == 0:
            raise ValueError(f"knee must be one of the k values {ks.astype(int).tolist()}, "
                             f"got {knee!r}")
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
    shown = real_array(cm, "cm", ndim=2)
    if shown.shape[0] != shown.shape[1] or shown.shape[0] == 0:
        raise ValueError(f"cm must be a square (k, k) matrix, got shape {shown.shape}")
    if (shown < 0).any():
        raise ValueError("cm must hold non-negative counts")
    k = shown.shape[0]
    pal = None if palette is None else np.rint(colors(palette)).astype(np.uint8)
    if pal is not None and len(pal) != k:
        raise ValueError(f"palette must have one color per row of cm ({k}), got {len(pal)}")
    row_names = row_names or [str(i) for i in range(k)]
    col_names = col_names or [str(i) for i in range(k)]

    if normalize:
        totals = shown.sum(axis=1, keepdims=True)
        shown = np.divide(shown, totals, out=np.zeros_like(shown), where=totals > 0)
    if figsize is None:
        side = min(9.0, 2.0 + 0.6 * k)
        figsize = (side + 0.8, side)
    fig, ax = new_axes(ax, figsize)
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
                label.set_bbox({"boxstyle": "square,pad=0.35", "facecolor": hex_color(color),
                                "edgecolor": "0.4"})
                label.set_color(ink_color(color))
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
        arr = real_array(values, what, ndim=1, finite=False)
        if arr.size == 0:
            raise ValueError(f"{what} must be a non-empty 1-D array, got shape {arr.shape}")
        if not np.isfinite(arr).all():
            raise ValueError(f"{what} holds NaN or infinity (did the training diverge?)")
        if logy and (arr <= 0).any():
            raise ValueError(f"{what} must be positive for a logarithmic axis (logy=True)")
        curves[name] = arr
    fig, ax = new_axes(ax, figsize)
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

