"""What a compressed image stores: a palette of colors, and one palette index per pixel.

Two matplotlib views: :func:`swatches` (the palette as a bar of colors) and
:func:`compression_figure` (palette, label map and the image they rebuild). They take
arrays or a result object (``labkit.compress.Compressed``) and never run k-means
themselves; each returns the :class:`matplotlib.figure.Figure`.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from labkit._checks import attribute, colors, label_map, rgb_image, weights
from labkit.drawing import PANEL_INCHES, hex_color, ink_color, new_axes, show_image

__all__ = ["compression_figure", "swatches"]


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
    pal = np.rint(colors(palette)).astype(np.uint8)
    m = len(pal)
    share = np.full(m, 1.0 / m) if counts is None else weights(counts, m, "counts")
    share = share / share.sum()
    fig, ax = new_axes(ax, figsize)
    left = np.concatenate([[0.0], np.cumsum(share)[:-1]])
    ax.bar(left, np.ones(m), width=share, align="edge", color=pal / 255.0,
           edgecolor="white", linewidth=1)
    if labels:
        for x, w, color in zip(left, share, pal):
            if w < 0.02:  # too narrow to write on
                continue
            upright = m > 8 or w < 0.09  # narrow swatches get their label turned upright
            text = hex_color(color) if counts is None else f"{hex_color(color)}\n{100 * w:.0f} %"
            ax.text(x + w / 2, 0.5, text, ha="center", va="center", color=ink_color(color),
                    fontsize=8 if upright else 9, rotation=90 if upright else 0,
                    family="monospace")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_axis_off()
    ax.set_title(title if title is not None else f"{m} color{'s' if m != 1 else ''}")
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
    pal = np.rint(colors(attribute(compressed, "palette", "compressed"),
                         "compressed.palette")).astype(np.uint8)
    image = rgb_image(attribute(compressed, "image", "compressed"), "compressed.image")
    m = len(pal)
    h, w = image.shape[:2]
    labels = label_map(attribute(compressed, "labels", "compressed"), (h, w), m,
                       "compressed.labels").reshape(h, w)
    counts = np.bincount(labels.ravel(), minlength=m)
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
    show_image(axd["image"], image, "palette[labels]")
    bits = getattr(compressed, "bits_per_pixel", None)
    ratio = getattr(compressed, "compression_ratio", None)
    if bits is not None:
        text = f"{m} colors: {float(bits):g} bits per pixel instead of 24"
        if ratio is not None:
            text += f" (ratio {float(ratio):.1f}×)"
        fig.suptitle(text)
    return fig
