"""Slider explorers for the classroom: k, the elbow, patch size and learning rate.

Each explorer is an :class:`labkit.explorer.Explorer` (an ``ipywidgets.VBox``) wired to
tested labkit functions. It works on a *preview* of the photo (at most ``preview``
pixels on the long side) and caches every result, so moving a slider back and forth
answers at once. The picture is drawn 960 pixels wide with text for the back of a room;
numbers also go in an ``HTML`` caption (no ``Output`` widget), so the explorers behave
the same in JupyterLab, in a headless test and in nbval. Every argument is checked when
the explorer is built, before anything is computed; ``box.result(value)`` is the cached
labkit result behind a slider value.

Taught in notebooks 01 (k), 03 (elbow), 04 (patch size) and 05 (learning rate).
"""

from __future__ import annotations

import functools

import ipywidgets as widgets
import numpy as np

from labkit._checks import choices, odd_int, one_of, positive_float, positive_int, rgb_image
from labkit.explorer import PREVIEW, Explorer, chart_beside, compose, preview_image

__all__ = ["PREVIEW", "compress_explorer", "elbow_explorer", "knn_explorer",
           "preview_image", "training_explorer"]

RATES = (1e-4, 10.0)  # the learning-rate slider's range


def _seed(seed) -> int:
    # An int, not a Generator: every slider value must get the same start each time.
    return positive_int(seed, "seed", minimum=0)


def compress_explorer(img, k: int = 8, k_max: int = 32, *, seed: int = 0,
                      preview: int = 480) -> Explorer:
    """A k slider that recolors the photo with k colors, with its MSE and PNG size.

    Parameters
    ----------
    img : ndarray of shape (H, W, 3), uint8
    k : int, default 8
        The slider's starting value, in 1..k_max.
    k_max : int, default 32
        The slider's largest value (at most 256).
    seed : int, default 0
        Seed of every k-means run, so each k always shows the same picture.
    preview : int, default 480
        Long side of the preview the slider works on.

    Returns
    -------
    box : Explorer
        With ``box.slider`` (IntSlider "k"), ``box.picture`` (original | recolored),
        ``box.caption`` (k, colors, MSE, bits per pixel, indexed PNG size) and
        ``box.result(k)``, the cached :class:`labkit.compress.Compressed`.

    Raises
    ------
    TypeError, ValueError
        If an argument is not what is described above (checked before any work).
    """
    from labkit.compress import compress

    img = rgb_image(img)
    k_max = positive_int(k_max, "k_max", minimum=2, maximum=256)
    k = positive_int(k, "k")
    if k > k_max:
        raise ValueError(f"k must be at most k_max={k_max}, got {k}")
    seed = _seed(seed)
    small = preview_image(img, preview)
    result = functools.lru_cache(maxsize=None)(lambda k: compress(small, k, seed=seed))

    def render(k):
        q = result(k)
        colors = f" ({q.n_colors} colors)" if q.n_colors < q.k else ""
        picture = compose([small, q.image], ["original", f"k = {q.k}{colors} · MSE {q.mse:.1f}"])
        text = (f"k = {q.k} · {q.n_colors} colors · MSE {q.mse:.1f} · "
                f"{q.bits_per_pixel} bits per pixel · indexed PNG "
                f"{len(q.png_bytes()) / 1024:.1f} KB")
        return picture, text

    slider = widgets.IntSlider(value=k, min=1, max=k_max, description="k",
                               continuous_update=False)
    return Explorer(slider, render, result, name="k explorer")


def elbow_explorer(img, ks=range(1, 13), *, seed: int = 0, preview: int = 480) -> Explorer:
    """The elbow curve with a k slider: the curve marks k, the photo shows it.

    Parameters
    ----------
    img : ndarray of shape (H, W, 3), uint8
    ks : sequence of int, default range(1, 13)
        At least 3 increasing numbers of colors.
    seed : int, default 0
    preview : int, default 480

    Returns
    -------
    box : Explorer
        ``box.slider`` (SelectionSlider "k" over ``ks``, starting at the knee), ``box.picture``
        (the curve with k marked | the photo recolored with k colors), ``box.caption``
        (k, SSE, the knee), ``box.result(k)`` (the cached Compressed), ``box.curve``
        (the same DataFrame as :func:`labkit.compress.elbow`) and ``box.knee``. Every
        k is computed when the explorer is built, so slider moves only redraw, and a
        k drawn before is shown again from a cache.

    Raises
    ------
    TypeError, ValueError
        If an argument is not what is described above (checked before any work).
    """
    import pandas as pd
    from matplotlib import ticker

    from labkit.charts import elbow_plot
    from labkit.compress import compress, find_elbow

    img = rgb_image(img)
    ks = choices(ks, "ks", positive_int)
    if len(ks) < 3 or list(ks) != sorted(ks):
        raise ValueError(f"ks must hold at least 3 increasing values of k (a curve needs "
                         f"them to have a knee), got {list(ks)}")
    seed = _seed(seed)
    small = preview_image(img, preview)
    # One compress per k serves both the curve and the pictures: each row of
    # labkit.compress.elbow is exactly compress(img, k, seed=seed).
    results = {k: compress(small, k, seed=seed) for k in ks}
    curve = pd.DataFrame({"k": list(results), "sse": [q.sse for q in results.values()],
                          "mse": [q.mse for q in results.values()]})
    knee = find_elbow(curve)
    result = results.__getitem__
    millions = ticker.FuncFormatter(lambda value, _: f"{value / 1e6:g} M")

    def render(k):  # drawing the curve takes ~0.3 s; the Explorer caches it per k
        def draw(ax):
            elbow_plot(curve, knee=knee, ax=ax)
            ax.axvline(k, color="0.35", linestyle="--", linewidth=2)
            ax.set_ylabel("SSE")
            ax.set_xlabel("k")
            ax.yaxis.set_major_formatter(millions)
            ax.xaxis.set_major_locator(ticker.MaxNLocator(6, integer=True))

        q = result(k)
        picture = chart_beside(draw, q.image, ["SSE against k", f"k = {k} · MSE {q.mse:.1f}"])
        text = f"k = {k} · SSE {q.sse:,.0f} · MSE {q.mse:.1f} · the knee is at k = {knee}"
        return picture, text

    slider = widgets.SelectionSlider(options=list(results), value=knee, description="k",
                                     continuous_update=False)
    box = Explorer(slider, render, result, name="elbow explorer")
    box.curve, box.knee = curve, knee
    return box


def knn_explorer(img, patches=(1, 3, 5, 7, 9), *, k: int = 5, seed: int = 0,
                 preview: int = 160, precompute: bool = True) -> Explorer:
    """A patch-size slider for the basic agent: the colored right half and its RMSE.

    Exact neighbour search slows down quickly with the patch size (9×9 patches are
    81-dimensional points, where k-d trees lose most of their pruning), so by default
    every patch size is computed when the explorer is built (a few seconds for a
    160-pixel preview) and each slider move is then answered from the cache.

    Parameters
    ----------
    img : ndarray of shape (H, W, 3), uint8
    patches : sequence of odd int, default (1, 3, 5, 7, 9)
        The patch sizes p of the slider (p×p gray patches), each fitting in half the preview.
    k : int, default 5
        Number of colors (k-means on the left half).
    seed : int, default 0
    preview : int, default 160
    precompute : bool, default True
        Compute every patch size now rather than at the slider's first visit.

    Returns
    -------
    box : Explorer
        ``box.slider`` (SelectionSlider "patch"), ``box.picture`` (original | gray |
        colored), ``box.caption`` (patch size, test RMSE, training RMSE) and
        ``box.result(patch)``, the cached :class:`labkit.colorize.Colorized`.

    Raises
    ------
    TypeError, ValueError
        If an argument is not what is described above (checked before any work).
    """
    from labkit.colorize import colorize
    from labkit.images import to_gray

    img = rgb_image(img)
    patches = choices(patches, "patches", odd_int)
    k = positive_int(k, "k", minimum=2)
    seed = _seed(seed)
    small = preview_image(img, preview)
    room = min(small.shape[0], small.shape[1] // 2)
    if max(patches) > room:
        raise ValueError(f"patches must fit in half of the {small.shape[0]}×{small.shape[1]} "
                         f"preview (at most {room}), got {max(patches)}")
    gray = to_gray(small)
    result = functools.lru_cache(maxsize=None)(
        lambda p: colorize(small, agent="knn", seed=seed, k=k, patch=p))
    if precompute:
        for p in patches:
            result(p)

    def render(patch):
        c = result(patch)
        test, train = c.metrics.test, c.metrics.train
        picture = compose([small, gray, c.image],
                          ["original", "gray input", f"colored, {patch}×{patch}"])
        text = (f"patch {patch}×{patch} · test RMSE {test['rmse']:.1f} · "
                f"training RMSE {train['rmse']:.1f}")
        return picture, text

    slider = widgets.SelectionSlider(options=patches, value=3 if 3 in patches else patches[0],
                                     description="patch", continuous_update=False)
    return Explorer(slider, render, result, name="patch-size explorer")


def training_explorer(img, learning_rate: float = 0.05, *, optimizer: str = "adam",
                      epochs: int = 8, seed: int = 0, preview: int = 160) -> Explorer:
    """A learning-rate slider (log scale) that retrains the neural agent and shows the result.

    Parameters
    ----------
    img : ndarray of shape (H, W, 3), uint8
    learning_rate : float, default 0.05
        The slider's starting value, in 0.0001..10.
    optimizer : str, default "adam"
        One of ``labkit.mlp.OPTIMIZERS``.
    epochs : int, default 8
    seed : int, default 0
    preview : int, default 160

    Returns
    -------
    box : Explorer
        ``box.slider`` (FloatLogSlider "learning rate"), ``box.picture`` (loss curve |
        colored photo), ``box.caption`` (final loss, test RMSE, or the divergence
        message) and ``box.result(learning_rate)``, the cached Colorized (or the
        ValueError raised when training diverged).

    Raises
    ------
    TypeError, ValueError
        If an argument is not what is described above (checked before any work),
        e.g. an optimiser name that is not one of the allowed ones.
    """
    from labkit.charts import loss_plot
    from labkit.colorize import colorize
    from labkit.images import to_gray
    from labkit.mlp import OPTIMIZERS

    img = rgb_image(img)
    learning_rate = positive_float(learning_rate, "learning_rate")
    if not RATES[0] <= learning_rate <= RATES[1]:
        raise ValueError(f"learning_rate must lie in {RATES[0]:g}..{RATES[1]:g} (the "
                         f"slider's range), got {learning_rate!r}")
    optimizer = one_of(optimizer, "optimizer", OPTIMIZERS)
    epochs = positive_int(epochs, "epochs")
    seed = _seed(seed)
    small = preview_image(img, preview)
    gray = to_gray(small)

    @functools.cache
    def result(lr):
        try:
            return colorize(small, agent="neural", seed=seed, optimizer=optimizer,
                            learning_rate=lr, epochs=epochs)
        except ValueError as exc:  # diverged (the arguments were checked above)
            return exc

    def diverged(ax):
        ax.text(0.5, 0.5, "the loss\nblew up", ha="center", va="center", color="tab:red",
                transform=ax.transAxes)
        ax.set_axis_off()

    def render(lr):
        c = result(lr)
        titles = [f"loss per epoch ({optimizer})", f"colored, rate {lr:.3g}"]
        if isinstance(c, Exception):  # the picture says so too: no stale picture
            titles[1] = f"diverged at rate {lr:.3g}"
            return chart_beside(diverged, gray, titles), f"<b>{c}</b>"
        history = c.agent.loss_history_
        picture = chart_beside(lambda ax: loss_plot(history, ax=ax), c.image, titles)
        text = (f"learning rate {lr:.4g} · final loss {history[-1]:.3f} · "
                f"test RMSE {c.metrics.test['rmse']:.1f}")
        return picture, text

    slider = widgets.FloatLogSlider(value=learning_rate, base=10, min=np.log10(RATES[0]),
                                    max=np.log10(RATES[1]), step=0.25,
                                    description="learning rate", readout_format=".4",
                                    continuous_update=False,
                                    style={"description_width": "initial"})
    return Explorer(slider, render, result, name="learning-rate explorer")
