"""Slider explorers for the classroom: k, patch size and learning rate.

Each explorer is a plain ipywidgets layout (a ``VBox``) wired to tested labkit
functions. It works on a *preview* of the photo (at most ``preview`` pixels on the
long side) and caches every result it has computed, so moving a slider back and
forth answers at once. Pictures are PNG bytes in an ``ipywidgets.Image`` and numbers
go in an ``HTML`` caption, so the explorers behave the same in JupyterLab, in a
headless test and in nbval (no ``Output`` widget to capture).

The parts a test or a notebook needs are attributes of the returned box:
``box.slider``, ``box.picture``, ``box.caption`` and ``box.result(value)``, the
(cached) labkit result behind a slider value.

Taught in notebooks 01 (k), 03 (elbow), 04 (patch size) and 05 (learning rate).
"""

from __future__ import annotations

import functools
import io

import ipywidgets as widgets
import numpy as np
from PIL import Image

from labkit._checks import odd_int, positive_int
from labkit.images import as_rgb_image

PREVIEW = 320
"""Default long side, in pixels, of the photo the explorers compute on."""


def preview_image(img, preview: int = PREVIEW) -> np.ndarray:
    """Shrink ``img`` so that its long side is at most ``preview`` pixels (never enlarge).

    Examples
    --------
    >>> preview_image(np.zeros((100, 400, 3), dtype=np.uint8), preview=200).shape
    (50, 200, 3)
    """
    img = as_rgb_image(img)
    preview = positive_int(preview, "preview", minimum=8)
    h, w = img.shape[:2]
    scale = preview / max(h, w)
    if scale >= 1:
        return img
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    return np.asarray(Image.fromarray(img).resize(size, Image.Resampling.LANCZOS))


def _png(*images: np.ndarray, gap: int = 6) -> bytes:
    """PNG bytes of one or more equally tall images placed side by side on white.

    zlib level 1: encoding is about twice as fast as Pillow's default (10 ms instead of
    22 ms for a 320-pixel pair), for a file about 10 % larger that never leaves the
    machine.
    """
    height = max(im.shape[0] for im in images)
    parts = []
    for i, im in enumerate(images):
        if im.ndim == 2:
            im = np.repeat(im[:, :, None], 3, axis=2)
        if i:
            parts.append(np.full((height, gap, 3), 255, np.uint8))
        parts.append(im)
    buffer = io.BytesIO()
    Image.fromarray(np.concatenate(parts, axis=1)).save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()


def _figure_array(fig, height: int) -> np.ndarray:
    """A matplotlib figure drawn as an RGB array ``height`` pixels tall; the figure is closed."""
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
    plt.close(fig)
    drawn = Image.open(buffer).convert("RGB")
    width = max(1, round(drawn.width * height / drawn.height))
    return np.asarray(drawn.resize((width, height), Image.Resampling.LANCZOS))


def _explorer(slider, picture, caption, result, render) -> widgets.VBox:
    """Lay out a slider explorer and wire the slider to ``render``, then draw it once.

    ``render(value)`` returns the PNG bytes to show (None keeps the picture) and the
    caption's HTML. It is cached: a value shown before is shown again at once, without
    computing or drawing anything.
    """
    render = functools.cache(render)

    def show():
        png, text = render(slider.value)
        if png is not None:
            picture.value = png
        caption.value = text

    slider.observe(lambda change: show(), names="value")
    box = widgets.VBox([slider, picture, caption])
    box.slider, box.picture, box.caption, box.result = slider, picture, caption, result
    show()
    return box


def compress_explorer(img, k: int = 8, k_max: int = 32, *, seed: int = 0,
                      preview: int = PREVIEW) -> widgets.VBox:
    """A k slider that recolors the photo with k colors, with its MSE and PNG size.

    Parameters
    ----------
    img : ndarray of shape (H, W, 3), uint8
    k : int, default 8
        The slider's starting value.
    k_max : int, default 32
        The slider's largest value.
    seed : int, default 0
        Seed of every k-means run, so each k always shows the same picture.
    preview : int, default 320
        Long side of the preview the slider works on.

    Returns
    -------
    box : ipywidgets.VBox
        With ``box.slider`` (IntSlider "k"), ``box.picture`` (original | recolored),
        ``box.caption`` (k, colors, MSE, bits per pixel, indexed PNG size) and
        ``box.result(k)``, the cached :class:`labkit.compress.Compressed`.
    """
    from labkit.compress import compress

    k_max = positive_int(k_max, "k_max", minimum=2)
    k = positive_int(k, "k")
    if k > k_max:
        raise ValueError(f"k must be at most k_max={k_max}, got {k}")
    small = preview_image(img, preview)
    result = functools.lru_cache(maxsize=None)(lambda k: compress(small, k, seed=seed))
    slider = widgets.IntSlider(value=k, min=1, max=k_max, description="k",
                               continuous_update=False)
    picture = widgets.Image(format="png")
    caption = widgets.HTML()

    def render(k):
        q = result(k)
        text = (f"k = {q.k} · {q.n_colors} colors · MSE {q.mse:.1f} · "
                f"{q.bits_per_pixel} bits per pixel · indexed PNG "
                f"{len(q.png_bytes()) / 1024:.1f} KB")
        return _png(small, q.image), text

    return _explorer(slider, picture, caption, result, render)


def elbow_explorer(img, ks=range(1, 13), *, seed: int = 0,
                   preview: int = PREVIEW) -> widgets.VBox:
    """The elbow curve with a k slider: the curve marks k, the photo shows it.

    Returns
    -------
    box : ipywidgets.VBox
        ``box.slider`` (SelectionSlider "k" over ``ks``, starting at the knee), ``box.picture``
        (the curve with k marked | the photo recolored with k colors), ``box.caption``
        (k, SSE, the knee), ``box.result(k)`` (the cached Compressed), ``box.curve``
        (the same DataFrame as :func:`labkit.compress.elbow`) and ``box.knee``. Every
        k is computed when the explorer is built, so slider moves only redraw, and a
        k drawn before is shown again from a cache.
    """
    import pandas as pd

    from labkit.compress import compress, find_elbow
    from labkit.plots import elbow_plot

    small = preview_image(img, preview)
    # One compress per k serves both the curve and the pictures: each row of
    # labkit.compress.elbow is exactly compress(img, k, seed=seed).
    results = {k: compress(small, k, seed=seed) for k in ks}
    curve = pd.DataFrame({"k": list(results), "sse": [q.sse for q in results.values()],
                          "mse": [q.mse for q in results.values()]})
    knee = find_elbow(curve)
    result = results.__getitem__
    slider = widgets.SelectionSlider(options=list(results), value=knee, description="k",
                                     continuous_update=False)
    picture = widgets.Image(format="png")
    caption = widgets.HTML()

    def render(k):  # drawing the curve takes ~0.3 s; _explorer caches it per k
        fig = elbow_plot(curve, knee=knee, figsize=(4.5, 3.4))
        fig.axes[0].axvline(k, color="0.4", linestyle="--", linewidth=1)
        q = result(k)
        text = f"k = {k} · SSE {q.sse:,.0f} · MSE {q.mse:.1f} · the knee is at k = {knee}"
        return _png(_figure_array(fig, q.image.shape[0]), q.image), text

    box = _explorer(slider, picture, caption, result, render)
    box.curve, box.knee = curve, knee
    return box


def knn_explorer(img, patches=(1, 3, 5, 7, 9), *, k: int = 5, seed: int = 0,
                 preview: int = 160, precompute: bool = True) -> widgets.VBox:
    """A patch-size slider for the basic agent: the colored right half and its RMSE.

    Exact neighbour search slows down quickly with the patch size (9×9 patches are
    81-dimensional points, where k-d trees lose most of their pruning), so by default
    every patch size is computed when the explorer is built (a few seconds for a
    160-pixel preview) and each slider move is then answered from the cache.

    Returns
    -------
    box : ipywidgets.VBox
        ``box.slider`` (SelectionSlider "patch"), ``box.picture`` (original | gray |
        colored), ``box.caption`` (patch size, test RMSE, training RMSE) and
        ``box.result(patch)``, the cached :class:`labkit.colorize.Colorized`.
    """
    from labkit.colorize import colorize
    from labkit.images import to_gray

    patches = tuple(odd_int(p, "patch") for p in patches)
    small = preview_image(img, preview)
    gray = to_gray(small)
    result = functools.lru_cache(maxsize=None)(
        lambda p: colorize(small, agent="knn", seed=seed, k=k, patch=p))
    if precompute:
        for p in patches:
            result(p)
    value = 3 if 3 in patches else patches[0]
    slider = widgets.SelectionSlider(options=patches, value=value, description="patch",
                                     continuous_update=False)
    picture = widgets.Image(format="png")
    caption = widgets.HTML()

    def render(patch):
        c = result(patch)
        test, train = c.metrics.test, c.metrics.train
        text = (f"patch {patch}×{patch} · test RMSE {test['rmse']:.1f} · "
                f"training RMSE {train['rmse']:.1f}")
        return _png(small, gray, c.image), text

    return _explorer(slider, picture, caption, result, render)


def training_explorer(img, learning_rate: float = 0.05, *, optimizer: str = "adam",
                      epochs: int = 8, seed: int = 0, preview: int = 160) -> widgets.VBox:
    """A learning-rate slider (log scale) that retrains the neural agent and shows the result.

    Returns
    -------
    box : ipywidgets.VBox
        ``box.slider`` (FloatLogSlider "learning rate"), ``box.picture`` (loss curve |
        colored photo), ``box.caption`` (final loss, test RMSE, or the divergence
        message) and ``box.result(learning_rate)``, the cached Colorized (or the
        ValueError raised when training diverged).
    """
    from labkit.colorize import colorize
    from labkit.plots import loss_plot

    small = preview_image(img, preview)

    @functools.cache
    def result(lr):
        try:
            return colorize(small, agent="neural", seed=seed, optimizer=optimizer,
                            learning_rate=lr, epochs=epochs)
        except ValueError as exc:  # diverged: show the message, keep the slider alive
            return exc

    slider = widgets.FloatLogSlider(value=learning_rate, base=10, min=-4, max=1, step=0.25,
                                    description="learning rate", readout_format=".4g",
                                    continuous_update=False,
                                    style={"description_width": "initial"})
    picture = widgets.Image(format="png")
    caption = widgets.HTML()

    def render(lr):
        c = result(lr)
        if isinstance(c, Exception):  # keep the last picture, say what went wrong
            return None, f"<b>{c}</b>"
        history = c.agent.loss_history_
        fig = loss_plot({f"{optimizer}, learning rate {lr:.4g}": history}, figsize=(4.5, 3.4))
        text = (f"learning rate {lr:.4g} · final loss {history[-1]:.3f} · "
                f"test RMSE {c.metrics.test['rmse']:.1f}")
        return _png(_figure_array(fig, c.image.shape[0]), c.image), text

    return _explorer(slider, picture, caption, result, render)
