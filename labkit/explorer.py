"""What every slider explorer shares: a picture for the projector, a cache, a still picture.

An :class:`Explorer` is an ``ipywidgets.VBox`` of a slider, a picture and a caption,
wired to a ``render(value)`` function that :mod:`labkit.widgets` writes with tested
labkit functions. This module holds the rest:

- **A picture drawn at the size it is shown.** :func:`compose` puts panels side by side,
  :data:`WIDTH` = 960 pixels wide (what JupyterLab gives an output in a 1400-pixel
  window), each under a title of :data:`FONT_PX` = 30-pixel text (capitals 22 pixels
  tall) that reads from the back of a room; charts (:func:`chart_beside`) likewise.
- **A cache.** Every value's picture and caption is computed once; a value shown before
  comes back at once.
- **A still picture.** A notebook opened from a file has not run: JupyterLab cannot draw
  its widgets and shows the richest *safe* output instead. So an explorer's output also
  holds a PNG or JPEG of its picture under the line :data:`RUN_ME`, and a one-line text;
  once the cell runs, the live explorer takes their place.
"""

from __future__ import annotations

import base64
import functools
import io
from collections.abc import Callable, Sequence

import ipywidgets as widgets
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from labkit._checks import positive_int, rgb_image

__all__ = ["CHART_STYLE", "FONT_PX", "PREVIEW", "RUN_ME", "WIDTH", "Explorer", "chart_beside",
           "compose", "panel_boxes", "png", "preview_image", "with_note"]

WIDTH = 960
"""Width of every explorer picture, in pixels."""
FONT_PX = 30
"""Size of the text drawn into pictures, in pixels (DejaVu Sans: capitals 22 px tall)."""
GAP = 12
CHART_ASPECT = 1.3  # width / height of a chart panel
TITLE_PX = round(FONT_PX * 1.5)  # height of the title band over the panels
PREVIEW = 320
"""Default long side, in pixels, of the photo the explorers compute on."""
RUN_ME = "▶ Run this cell to bring the slider to life"

CHART_STYLE = {"font.size": 19, "axes.titlesize": 19, "axes.labelsize": 19,
               "xtick.labelsize": 18, "ytick.labelsize": 18, "legend.fontsize": 18,
               "lines.linewidth": 3, "lines.markersize": 9, "axes.linewidth": 1.5}
"""matplotlib settings for a chart in an explorer's picture: drawn at 100 dpi, 18 pt is
25 pixels, so digits and capitals are 18 pixels tall."""


def preview_image(img, preview: int = PREVIEW) -> np.ndarray:
    """Shrink ``img`` so that its long side is at most ``preview`` pixels (never enlarge).

    Examples
    --------
    >>> preview_image(np.zeros((100, 400, 3), dtype=np.uint8), preview=200).shape
    (50, 200, 3)
    """
    img = rgb_image(img)
    preview = positive_int(preview, "preview", minimum=8)
    h, w = img.shape[:2]
    scale = preview / max(h, w)
    if scale >= 1:
        return img
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    return np.asarray(Image.fromarray(img).resize(size, Image.Resampling.LANCZOS))


@functools.cache
def _font(size: int) -> ImageFont.FreeTypeFont:
    from matplotlib import font_manager  # matplotlib ships DejaVu Sans on every system

    return ImageFont.truetype(font_manager.findfont("DejaVu Sans"), size)


def panel_boxes(aspects: Sequence[float], width: int = WIDTH) -> list[tuple[int, int, int, int]]:
    """Where :func:`compose` puts panels of the given width/height ratios.

    Returns one box (left, top, right, bottom) per panel, in pixels: the panels share
    one height, sit below the title band, GAP pixels apart, and fill ``width``.

    Examples
    --------
    >>> panel_boxes([1.5, 1.5])
    [(0, 45, 474, 361), (486, 45, 960, 361)]
    """
    height = int((width - GAP * (len(aspects) - 1)) / sum(aspects))
    while True:
        widths = [max(1, round(a * height)) for a in aspects]
        total = sum(widths) + GAP * (len(widths) - 1)
        if total <= width:
            break
        height -= 1
    left, boxes = (width - total) // 2, []
    for w in widths:
        boxes.append((left, TITLE_PX, left + w, TITLE_PX + height))
        left += w + GAP
    return boxes


def _fit(img: np.ndarray, size: tuple[int, int]) -> Image.Image:
    """``img`` (RGB or gray) resized to ``size``: nearest pixel when enlarging, so a
    k-color picture keeps exactly its k colors; Lanczos when shrinking."""
    picture = Image.fromarray(img).convert("RGB")
    if picture.size == size:
        return picture
    enlarge = size[0] >= picture.width
    return picture.resize(size, Image.Resampling.NEAREST if enlarge else Image.Resampling.LANCZOS)


def _text(draw: ImageDraw.ImageDraw, text: str, box: tuple[int, int, int, int]) -> None:
    """Write ``text`` centred in ``box``, shortened with '…' if it is too wide."""
    font = _font(FONT_PX)
    while len(text) > 1 and draw.textlength(text, font=font) > box[2] - box[0]:
        text = text[:-2] + "…"
    draw.text(((box[0] + box[2]) / 2, (box[1] + box[3]) / 2), text, font=font,
              fill=(34, 34, 34), anchor="mm")


def compose(panels: Sequence[np.ndarray], titles: Sequence[str], width: int = WIDTH,
            aspects: Sequence[float] | None = None) -> np.ndarray:
    """Panels side by side, each under its title, as one RGB picture ``width`` pixels wide.

    Parameters
    ----------
    panels : sequence of ndarray of shape (h, w, 3) or (h, w), uint8
        Photos or drawn charts; each is resized to its box of :func:`panel_boxes`.
    titles : sequence of str
        One title per panel, in :data:`FONT_PX` text.
    width : int, default WIDTH
    aspects : sequence of float, optional
        The boxes' width/height ratios; by default the panels' own.

    Returns
    -------
    picture : ndarray of shape (H, width, 3), uint8

    Examples
    --------
    >>> compose([np.zeros((20, 30, 3), np.uint8)] * 2, ["a", "b"]).shape
    (361, 960, 3)
    """
    if aspects is None:
        aspects = [p.shape[1] / p.shape[0] for p in panels]
    boxes = panel_boxes(aspects, width)
    canvas = Image.new("RGB", (width, boxes[0][3]), "white")
    draw = ImageDraw.Draw(canvas)
    for panel, title, (left, top, right, bottom) in zip(panels, titles, boxes):
        canvas.paste(_fit(panel, (right - left, bottom - top)), (left, top))
        _text(draw, title, (left, 0, right, top))
    return np.asarray(canvas)


def with_note(picture: np.ndarray, note: str = RUN_ME) -> np.ndarray:
    """``picture`` under a pale yellow band that reads ``note``.

    Examples
    --------
    >>> with_note(np.zeros((10, 960, 3), np.uint8)).shape
    (66, 960, 3)
    """
    band = Image.new("RGB", (picture.shape[1], round(FONT_PX * 1.85)), (255, 244, 196))
    _text(ImageDraw.Draw(band), note, (0, 0, band.width, band.height))
    return np.concatenate([np.asarray(band), picture], axis=0)


def chart_beside(draw: Callable, photo: np.ndarray, titles: Sequence[str]) -> np.ndarray:
    """A matplotlib chart beside a photo, composed (:func:`compose`) with two titles.

    ``draw(ax)`` draws on an axes of exactly the chart panel's size (100 dpi, in
    :data:`CHART_STYLE`); the axes' own title and legend are then removed (the panel
    title says what is shown).

    Examples
    --------
    >>> photo = np.zeros((30, 45, 3), np.uint8)
    >>> chart_beside(lambda ax: ax.plot([1, 2], [3, 1]), photo, ["curve", "photo"]).shape
    (383, 960, 3)
    """
    import matplotlib.pyplot as plt

    aspects = [CHART_ASPECT, photo.shape[1] / photo.shape[0]]
    (left, top, right, bottom), _ = panel_boxes(aspects)
    with plt.rc_context(CHART_STYLE):
        fig = plt.figure(figsize=((right - left) / 100, (bottom - top) / 100), dpi=100,
                         layout="constrained")
        ax = fig.add_subplot()
        draw(ax)
        ax.set_title("")
        if ax.get_legend() is not None:
            ax.get_legend().remove()
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=100)
        plt.close(fig)
    chart = np.asarray(Image.open(buffer).convert("RGB"))
    return compose([chart, photo], titles, aspects=aspects)


def png(picture: np.ndarray) -> bytes:
    """PNG bytes of an RGB picture; zlib level 1 (twice as fast as Pillow's default, for a
    file about 10 % larger that never leaves the machine)."""
    buffer = io.BytesIO()
    Image.fromarray(picture).save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()


def _compact(picture: np.ndarray) -> tuple[str, bytes]:
    """The smaller of a PNG and a JPEG (quality 85) of ``picture``, with its mime type: a
    still picture stored in a notebook (photos are 3× smaller as JPEG, charts as PNG)."""
    buffer = io.BytesIO()
    Image.fromarray(picture).save(buffer, format="JPEG", quality=85)
    lossless = png(picture)
    if len(lossless) <= len(buffer.getvalue()):
        return "image/png", lossless
    return "image/jpeg", buffer.getvalue()


class Explorer(widgets.VBox):
    """A slider, a picture and a caption: the picture follows the slider at once.

    Parameters
    ----------
    slider : ipywidgets slider
        Its ``value`` is handed to ``render``; best with ``continuous_update=False``.
    render : callable
        ``render(value) -> (picture, caption)``: an RGB array and the caption's HTML.
        Called once per value: the picture is kept as PNG bytes, with its caption.
    result : callable
        ``result(value)``: the labkit result behind a value (for tests and notebooks).
    name : str
        What the explorer shows, for its text line (e.g. "k explorer").

    Attributes
    ----------
    slider, picture, caption : the three widgets (``picture`` is an ``ipywidgets.Image``,
        ``caption`` an ``ipywidgets.HTML`` in 24-pixel text).
    result : the ``result`` callable.
    render : the cache, ``render(value) -> (PNG bytes, caption)`` (``render.cache_info()``).

    Examples
    --------
    >>> slider = widgets.IntSlider(value=1, min=1, max=3)
    >>> box = Explorer(slider, lambda v: (np.full((4, 4, 3), 40 * v, np.uint8), f"v = {v}"),
    ...                result=lambda v: v, name="demo")
    >>> slider.value = 2
    >>> box.caption.value.endswith("v = 2</div>"), box.render.cache_info().misses
    (True, 2)
    """

    def __init__(self, slider, render: Callable, result: Callable, *, name: str) -> None:
        self.slider, self.result, self.name = slider, result, name

        @functools.cache
        def frame(value):
            picture, text = render(value)
            return png(picture), text

        self.render = frame
        self.picture = widgets.Image(format="png", layout=widgets.Layout(max_width="100%"))
        self.caption = widgets.HTML()
        # flex-start: the picture keeps its own 960 pixels (a VBox stretches its children)
        super().__init__([slider, self.picture, self.caption],
                         layout=widgets.Layout(align_items="flex-start"))
        slider.observe(lambda change: self._show(), names="value")
        self._show()

    def _show(self) -> None:
        encoded, text = self.render(self.slider.value)
        self.picture.value = encoded
        self.caption.value = f'<div style="font-size: 24px; line-height: 1.4">{text}</div>'

    def still(self) -> np.ndarray:
        """The picture shown now, under the line :data:`RUN_ME` (an RGB array)."""
        shown = Image.open(io.BytesIO(self.render(self.slider.value)[0])).convert("RGB")
        return with_note(np.asarray(shown))

    def _repr_mimebundle_(self, **kwargs):
        data = super()._repr_mimebundle_(**kwargs)
        mime, encoded = _compact(self.still())
        data[mime] = base64.b64encode(encoded).decode("ascii")
        data["text/plain"] = (f"{self.name} at {self.slider.description} = "
                              f"{self.slider.value!r}: run this cell to bring the slider "
                              "to life")
        return data
