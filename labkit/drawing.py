"""The few drawing helpers that every matplotlib view of the lab shares.

:mod:`labkit.plots` (photos side by side), :mod:`labkit.palettes` (palettes and label maps)
and :mod:`labkit.charts` (elbow, confusion, loss) all draw photos without ticks, start a
figure the same way and write text on colored backgrounds; those pieces live here, once.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

__all__ = ["PANEL_INCHES", "hex_color", "ink_color", "new_axes", "show_image"]

PANEL_INCHES = 3.2
"""Width, in inches, of one image panel in a default-sized figure."""


def hex_color(color) -> str:
    """'#rrggbb' of an RGB triple 0..255.

    Examples
    --------
    >>> hex_color([255, 128, 0])
    '#ff8000'
    """
    r, g, b = (int(c) for c in np.rint(color))
    return f"#{r:02x}{g:02x}{b:02x}"


def ink_color(color) -> str:
    """'black' or 'white', whichever reads better on ``color`` (RGB 0..255), by its luma.

    Examples
    --------
    >>> ink_color([250, 250, 200]), ink_color([20, 40, 90])
    ('black', 'white')

    Notes
    -----
    Luma L = 0.299 R + 0.587 G + 0.114 B (the gray value of ``labkit.to_gray``); black
    ink above L = 140.
    """
    r, g, b = (float(c) for c in color)
    return "black" if 0.299 * r + 0.587 * g + 0.114 * b > 140 else "white"


def show_image(ax: Axes, img: np.ndarray, title: str | None = None) -> None:
    """Draw a checked uint8 image without ticks; gray (H, W) images on a fixed 0..255 scale.

    Examples
    --------
    >>> fig, ax = plt.subplots()
    >>> show_image(ax, np.zeros((2, 2), np.uint8), "black")
    >>> ax.get_images()[0].get_clim()
    (0.0, 255.0)
    >>> plt.close(fig)
    """
    if img.ndim == 2:
        ax.imshow(img, cmap="gray", vmin=0, vmax=255)
    else:
        ax.imshow(img)
    ax.set_axis_off()
    if title:
        ax.set_title(title)


def new_axes(ax: Axes | None, figsize) -> tuple[Figure, Axes]:
    """A new figure with one axes of ``figsize`` inches, or the figure of the ``ax`` given.

    Raises
    ------
    TypeError
        If ``ax`` is neither None nor a matplotlib Axes.

    Examples
    --------
    >>> fig, ax = new_axes(None, (2, 2))
    >>> new_axes(ax, (9, 9))[0] is fig
    True
    >>> plt.close(fig)
    """
    if ax is None:
        fig, ax = plt.subplots(figsize=figsize, layout="constrained")
        return fig, ax
    if not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes or None, got {type(ax).__name__}")
    return ax.figure, ax
