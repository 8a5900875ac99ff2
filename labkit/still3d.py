"""A still picture of a plotly 3-D figure, for readers that cannot run plotly.

GitHub and nbconvert show nothing for a plotly figure: they cannot run plotly.js. So the
color-space figures of :mod:`labkit.colorspace` are :class:`StillFigure` objects, plain
plotly figures that, when a notebook displays them, also store a PNG of the same points
drawn with matplotlib's 3-D axes (:func:`static_image`). GitHub and nbconvert show the
PNG; JupyterLab shows it until the pointer moves onto it, then the interactive figure
(the way JupyterLab's plotly extension treats every stored PNG of a plotly figure).
"""

from __future__ import annotations

import base64
import io
import math
import re

import numpy as np
import plotly.graph_objects as go
from PIL import Image

__all__ = ["StillFigure", "static_image"]

PLOTLY_MIME = "application/vnd.plotly.v1+json"
NOTE = "a still picture of an interactive 3-D figure"


def _rgba(color) -> tuple[float, float, float, float]:
    """A plotly color ('rgb(r,g,b)', 'rgba(r,g,b,a)', '#rrggbb' or a name) as RGBA 0..1."""
    from matplotlib.colors import to_rgba

    found = re.fullmatch(r"rgba?\(([^)]*)\)", str(color).replace(" ", ""))
    if found is None:
        return to_rgba(color)
    parts = [float(v) for v in found.group(1).split(",")]
    alpha = parts[3] if len(parts) == 4 else 1.0
    return (parts[0] / 255, parts[1] / 255, parts[2] / 255, alpha)


def _marker_colors(marker, n: int) -> np.ndarray:
    """(n, 4) RGBA of a trace's markers: one color, one per point, or numbers on a colorscale."""
    color = marker.color
    if color is None:
        return np.tile(_rgba("#1f77b4"), (n, 1))
    if isinstance(color, str):
        return np.tile(_rgba(color), (n, 1))
    values = np.asarray(color)
    if values.dtype.kind in "OUS":  # one color string per point
        return np.array([_rgba(c) for c in values])
    stops = marker.colorscale or ((0.0, "rgb(0,0,0)"), (1.0, "rgb(255,255,255)"))
    where = np.asarray([s[0] for s in stops], dtype=np.float64)
    rgba = np.array([_rgba(s[1]) for s in stops])
    low = values.min() if marker.cmin is None else marker.cmin
    high = values.max() if marker.cmax is None else marker.cmax
    t = (values.astype(np.float64) - low) / ((high - low) or 1.0)
    return np.stack([np.interp(t, where, rgba[:, c]) for c in range(4)], axis=1)


def static_image(fig: go.Figure, *, width: int = 960, height: int = 640) -> bytes:
    """PNG bytes of a plotly 3-D scatter figure, drawn again with matplotlib's 3-D axes.

    Parameters
    ----------
    fig : plotly.graph_objects.Figure
        Its ``Scatter3d`` traces are drawn (markers with their colors, sizes and outlines;
        lines with their gaps), on the axes ranges, titles and aspect ratio of
        ``fig.layout.scene``, seen from the direction of its camera's eye (plotly's
        default when none is set). Other traces and the animation frames are left out.
    width, height : int, default 960 and 640
        Size of the picture in pixels.

    Returns
    -------
    bytes
        A PNG image of ``width`` × ``height`` pixels, in at most 256 colors.

    Raises
    ------
    TypeError
        If ``fig`` is not a plotly figure.

    Examples
    --------
    >>> fig = go.Figure(go.Scatter3d(x=[0, 255], y=[0, 255], z=[0, 255], mode="markers"))
    >>> static_image(fig, width=200, height=150)[:8]
    b'\\x89PNG\\r\\n\\x1a\\n'

    Notes
    -----
    A camera eye (x, y, z) becomes matplotlib's azimuth atan2(y, x) and elevation
    atan2(z, √(x² + y²)); plotly's default eye (1.25, 1.25, 1.25) gives 45° and ≈ 35°. Marker sizes are diameters in pixels in plotly (whose WebGL
    scatter shows them about twice as large) and areas in points² in matplotlib:
    s = (2 · size · 72 / dpi)². Taught beside the figures of
    ``notebooks/02_color_space_3d.ipynb``.
    """
    from matplotlib.figure import Figure  # no pyplot: no window, no global state

    if not isinstance(fig, go.Figure):
        raise TypeError(f"fig must be a plotly Figure, got {type(fig).__name__}")
    dpi = 100
    canvas = Figure(figsize=(width / dpi, height / dpi), dpi=dpi)
    ax = canvas.add_subplot(projection="3d", computed_zorder=False)
    points_per_pixel = 72 / dpi * 2  # plotly draws 3-D markers about twice their size
    for trace in fig.data:
        if trace.type != "scatter3d" or trace.x is None:
            continue
        xyz = [np.asarray(v, dtype=np.float64) for v in (trace.x, trace.y, trace.z)]
        mode = trace.mode or "markers"
        if "lines" in mode:
            line_color = _rgba(trace.line.color or "#444444")
            ax.plot(*xyz, color=line_color, linewidth=(trace.line.width or 2) * 0.75)
        if "markers" in mode and xyz[0].size:
            size = trace.marker.size if trace.marker.size is not None else 6
            outline = trace.marker.line
            edge = (outline.width or 0) * 0.75 if outline and outline.color else 0
            ax.scatter(*xyz, c=_marker_colors(trace.marker, xyz[0].size),
                       s=(np.asarray(size, dtype=np.float64) * points_per_pixel) ** 2,
                       depthshade=False, edgecolors=outline.color if edge else "none",
                       linewidths=edge, alpha=trace.marker.opacity)
    scene = fig.layout.scene
    spans = []
    for name, axis, set_limits, set_label in (
            ("x", scene.xaxis, ax.set_xlim, ax.set_xlabel),
            ("y", scene.yaxis, ax.set_ylim, ax.set_ylabel),
            ("z", scene.zaxis, ax.set_zlim, ax.set_zlabel)):
        if axis.range is not None:
            set_limits(*axis.range)
        low, high = getattr(ax, f"get_{name}lim")()
        spans.append(high - low)
        title = axis.title.text if axis.title and axis.title.text else name
        color = axis.title.font.color if axis.title and axis.title.font.color else "black"
        set_label(title, color=color, fontsize=16, fontweight="bold")
    ratio = scene.aspectratio
    if scene.aspectmode == "manual" and ratio is not None and ratio.x:
        ax.set_box_aspect((ratio.x, ratio.y, ratio.z), zoom=0.9)
    elif scene.aspectmode == "cube":
        ax.set_box_aspect((1, 1, 1), zoom=0.9)
    else:
        ax.set_box_aspect(spans, zoom=0.9)
    eye = scene.camera.eye if scene.camera and scene.camera.eye else None
    ex, ey, ez = (eye.x, eye.y, eye.z) if eye is not None and eye.x is not None \
        else (1.25, 1.25, 1.25)  # plotly's default camera
    ax.view_init(elev=math.degrees(math.atan2(ez, math.hypot(ex, ey))),
                 azim=math.degrees(math.atan2(ey, ex)))
    ax.tick_params(labelsize=11)
    title = fig.layout.title.text if fig.layout.title and fig.layout.title.text else ""
    canvas.suptitle(title, fontsize=18, y=0.975)
    canvas.text(0.5, 0.905, f"({NOTE})", ha="center", fontsize=12, color="0.35")
    canvas.subplots_adjust(left=0, right=1, bottom=0.02, top=0.93)
    buffer = io.BytesIO()
    canvas.savefig(buffer, format="png", dpi=dpi)
    # 256 colors are plenty for a scatter on white and make the PNG 2.4× smaller
    picture = Image.open(buffer).convert("RGB").quantize(256)
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


class StillFigure(go.Figure):
    """A plotly Figure that, when a notebook shows it, stores a still PNG beside it.

    Everything plotly offers works as on a ``go.Figure``. Displaying it (the last line of
    a cell, or ``fig.show()`` with no arguments) sends one output holding both the plotly
    figure and ``static_image(fig)``; set ``fig.still = False`` for the plotly figure
    alone. ``fig.show(renderer=...)`` and the like are plotly's own.

    Examples
    --------
    >>> fig = StillFigure(go.Scatter3d(x=[0], y=[0], z=[0], mode="markers"))
    >>> sorted(fig.bundle(include_plotly=False))
    ['image/png', 'text/plain']
    """

    still = True

    def bundle(self, include_plotly: bool = True) -> dict:
        """The mime bundle a notebook stores: plotly's, a PNG (base64) and a text line."""
        data = dict(super()._repr_mimebundle_()) if include_plotly else {}
        if self.still:
            data["image/png"] = base64.b64encode(static_image(self)).decode("ascii")
            title = self.layout.title.text if self.layout.title else None
            data["text/plain"] = f"<3-D figure: {title or 'plotly Scatter3d'}>"
        return data

    def _repr_mimebundle_(self, include=None, exclude=None, validate=True, **kwargs):
        data = self.bundle()
        return {k: v for k, v in data.items()
                if (include is None or k in include) and k not in (exclude or ())}

    def _ipython_display_(self):
        self.show()

    def show(self, *args, **kwargs):
        """Show the figure; with no arguments in a notebook, with its still picture."""
        if args or kwargs or not self.still:
            return super().show(*args, **kwargs)
        data = self.bundle()
        if PLOTLY_MIME not in data:  # a non-notebook renderer (browser, …): plotly's way
            return super().show()
        from IPython.display import display

        display(data, raw=True)
        return None
