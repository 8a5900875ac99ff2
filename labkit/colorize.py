"""The colorization pipeline shared by both agents: learn colors on the left, paint the right.

The agent sees the left half of a photo in color and the whole photo in gray:
1. k-means reduces the left half to k colors (``labkit.compress.compress``): the
   palette, and for every left pixel the label of its color;
2. every pixel becomes its p × p gray patch (``labkit.patches``);
3. the agent learns, on the left half, to predict a pixel's label from its patch;
4. it predicts a label for every right-half pixel, painted in that palette color.
:func:`colorize` runs the four steps and measures the result (``labkit.metrics``).
"""

from __future__ import annotations

import inspect
import numbers
from dataclasses import dataclass

import numpy as np

from labkit._checks import labels, make_rng, one_of, patch_size, positive_int, rgb_image
from labkit.compress import compress
from labkit.images import split_halves, to_gray
from labkit.kmeans import assign_labels
from labkit.metrics import ColorizeMetrics, classification_report, confusion_matrix, errors
from labkit.patches import BORDERS, column_features, has_patch

AGENTS = ("knn", "neural")


@dataclass(frozen=True, eq=False)
class Colorized:
    """The result of :func:`colorize`: the painted halves, the labels, the scores.

    Attributes
    ----------
    original : ndarray of shape (H, W, 3), uint8
        The input photo.
    palette : ndarray of shape (k', 3), uint8
        The k-means colors of the left half (k' ≤ k).
    labels_left : ndarray of shape (H, W // 2), intp
        The k-means label of every left pixel: what the agent learned from.
    pred_left, pred_right : ndarray of shape (H, W // 2) and (H, W − W // 2), intp
        The agent's predicted label of every pixel (the left half leave-one-out for the
        KNN agent, see :func:`colorize`); −1 where no patch fits (``border="black"``).
    true_labels_right : ndarray of shape (H, W − W // 2), intp
        Each right pixel's nearest palette color: the best the agent could have done.
    plain_left, plain_right, luma_left, luma_right : ndarray of shape (H, ·, 3), uint8
        The predicted palette colors (black where no prediction); the same, each shifted
        to the known gray value (see :func:`colorize`).
    agent, agent_name : KNNAgent or NeuralAgent, str
        The fitted agent; "knn", "neural", or the agent's class name.
    preserve_luma : bool
        Whether ``left``/``right``/``image`` show the luma-preserving colors.
    border : {"edge", "black"}
    metrics : ColorizeMetrics
        Errors against the original; the per-color report against the k-means recoloring.
    """

    original: np.ndarray
    palette: np.ndarray
    labels_left: np.ndarray
    pred_left: np.ndarray
    pred_right: np.ndarray
    true_labels_right: np.ndarray
    plain_left: np.ndarray
    plain_right: np.ndarray
    luma_left: np.ndarray
    luma_right: np.ndarray
    agent: object
    agent_name: str
    preserve_luma: bool
    border: str
    metrics: ColorizeMetrics

    @property
    def right(self) -> np.ndarray:
        """(H, W − W // 2, 3) uint8: the predicted right half (luma-preserving if asked)."""
        return self.luma_right if self.preserve_luma else self.plain_right

    @property
    def left(self) -> np.ndarray:
        """(H, W // 2, 3) uint8: the agent's coloring of the left half (KNN: leave-one-out)."""
        return self.luma_left if self.preserve_luma else self.plain_left

    @property
    def image(self) -> np.ndarray:
        """(H, W, 3) uint8: the original left half next to the predicted right half."""
        half = self.original.shape[1] // 2
        return np.concatenate([self.original[:, :half], self.right], axis=1)

    @property
    def labels_right(self) -> np.ndarray:
        """The predicted labels of the right half (same as ``pred_right``)."""
        return self.pred_right

    @property
    def true_right(self) -> np.ndarray:
        """(H, W − W // 2, 3) uint8: the k-means recoloring of the right half."""
        return self.palette[self.true_labels_right]

    def __repr__(self) -> str:
        test = self.metrics.test_luma if self.preserve_luma else self.metrics.test
        return (f"Colorized(agent={self.agent_name!r}, shape={self.original.shape}, "
                f"colors={len(self.palette)}, test_rmse={test['rmse']:.2f}, "
                f"preserve_luma={self.preserve_luma})")


def colorize(img, agent="knn", *, seed=0, preserve_luma: bool = False,
             border: str = "edge", **params) -> Colorized:
    """Color the right half of a photo from its left half and its gray values.

    Parameters
    ----------
    img : array_like of shape (H, W, 3), uint8
        A color photo, at least as large as one patch in each half.
    agent : {"knn", "neural"} or an agent instance, default "knn"
        ``"knn"``: ``labkit.knn.KNNAgent(**params)``; ``"neural"``:
        ``labkit.neural.NeuralAgent(seed=seed, **params)``; an instance (with ``k``,
        ``patch``, ``fit(X, y)`` and ``predict(X)``) is used as it is, and fitted here.
    seed : None, int or numpy.random.Generator, default 0
        Seeds k-means and the neural agent. An int is passed to both as it is, so the
        palette is ``labkit.compress.compress(left, k, seed=seed).palette``.
    preserve_luma : bool, default False
        Show each predicted color shifted to the pixel's known gray value (below); both
        versions are always computed and scored in ``.metrics``.
    border : {"edge", "black"}, default "edge"
        ``"edge"``: every pixel gets a patch (edge-replicated padding) and a color.
        ``"black"`` (the seed's behaviour): pixels whose patch would leave the photo get
        no prediction and stay black.
    **params
        Parameters of the agent, e.g. ``k=5, neighbors=6, patch=3`` for ``"knn"``.

    Returns
    -------
    Colorized
        ``.right`` the predicted right half, ``.image`` beside the left, ``.metrics``.

    Raises
    ------
    TypeError
        If ``img`` is not an integer image, ``params`` holds names the agent does not take
        (listed) or comes with an instance, or an agent predicts anything but integers.
    ValueError
        If ``agent`` or ``border`` is unknown, the left half has no color (R = G = B) or,
        for the neural agent, one color only; if a half is smaller than one patch; or if
        an agent predicts the wrong number of labels or labels outside the palette.

    Notes
    -----
    The agent sees the whole photo in gray: patches next to the split include gray
    pixels of the other half. If the left half has fewer than k distinct colors, the
    palette has k′ < k; a named agent is then built with ``k=k′`` (``c.agent.k``).

    *Scores.* Test error: the predicted right half against the original right half;
    training error: the agent's coloring of the left half against the original; each as
    MSE, RMSE, MAE and PSNR over all R, G, B values (black border pixels count). The KNN
    agent colors the left half *leave-one-out* (``KNNAgent.predict_leave_one_out``; any
    agent with that method is asked so): else each training patch would be its own
    nearest neighbour, at distance 0, and vote for its own color. The neural agent colors
    the patches it was trained on. Against the k-means recoloring of the right half:
    accuracy, confusion matrix, precision / recall / F1 / support.

    *Luma preservation.* A palette color c painted on a pixel of known gray value g
    becomes c + (g − gray(c)) in each channel, clipped to 0..255. The gray weights sum to
    1, so gray(c + δ) = g exactly wherever nothing clipped: light and shade come back.

    Taught in ``notebooks/04_knn_agent.ipynb`` and ``notebooks/05_neural_agent.ipynb``.

    Examples
    --------
    >>> from labkit.images import load_image
    >>> img = load_image("chelsea")[100:140, 150:210]
    >>> c = colorize(img, "knn", k=4)
    >>> c.right.shape, c.image.shape, len(c.palette)
    ((40, 30, 3), (40, 60, 3), 4)
    """
    img = rgb_image(img)
    border = one_of(border, "border", BORDERS)
    if not isinstance(preserve_luma, (bool, np.bool_)):
        raise TypeError(f"preserve_luma must be True or False, got {preserve_luma!r}")
    rng = make_rng(seed)  # an int seed is passed on as it is (same palette as compress)
    seed = int(seed) if isinstance(seed, numbers.Integral) else rng
    agent_obj, name = _make_agent(agent, seed, params)
    patch = patch_size(agent_obj.patch, "agent.patch")
    positive_int(agent_obj.k, "agent.k")
    height, width = img.shape[:2]
    half = width // 2
    if height < patch or half < patch:
        raise ValueError(
            f"img ({height}×{width}) is too small for patch={patch}: each half must be at "
            f"least {patch}×{patch} pixels (this one's halves are {height}×{half} and "
            f"{height}×{width - half}); use a larger image or a smaller patch"
        )
    left = split_halves(img)[0]
    if (left[..., 0] == left[..., 1]).all() and (left[..., 1] == left[..., 2]).all():
        raise ValueError("the left half of img has no color (R = G = B in every pixel): "
                         "there is nothing to learn from; pass a color photo")
    params = params if isinstance(agent, str) else None  # None: an instance, used as it is
    return _colorize(img, agent_obj, name, params, seed, bool(preserve_luma), border)


def _make_agent(agent, seed, params: dict):
    """Build the agent named ``agent`` from ``params``, or check an instance."""
    if not isinstance(agent, str):
        if not all(hasattr(agent, a) for a in ("k", "patch", "fit", "predict")):
            raise TypeError(f"agent must be one of {AGENTS} or an agent with k, patch, fit "
                            f"and predict, got {type(agent).__name__}")
        if params:
            raise TypeError(f"parameters {sorted(params)} can only be given with an agent name "
                            "such as 'knn'; set them on the agent instance instead")
        return agent, type(agent).__name__
    one_of(agent, "agent", AGENTS)
    if agent == "knn":
        from labkit.knn import KNNAgent as cls
        fixed = {}
    else:
        from labkit.neural import NeuralAgent as cls
        fixed = {"seed": seed}
    allowed = [p for p in inspect.signature(cls).parameters if p not in fixed]
    unknown = sorted(set(params) - set(allowed))
    if unknown:
        raise TypeError(f"unknown parameter(s) {', '.join(map(repr, unknown))} for "
                        f"agent={agent!r}; it takes {', '.join(allowed)}")
    return cls(**fixed, **params), agent


def _colorize(img, agent, name, params, seed, preserve_luma, border) -> Colorized:
    height, width = img.shape[:2]
    half, patch = width // 2, agent.patch
    left, right = split_halves(img)
    gray = to_gray(img)

    # 1. k-means on the left half: the palette and the label of every left pixel
    q = compress(left, agent.k, seed=seed)
    palette, labels_left = q.palette, q.labels.astype(np.intp)
    if len(palette) < agent.k and params is not None:  # fewer colors than k: k = k'
        if len(palette) == 1 and name == "neural":
            raise ValueError("the left half of img has a single color: the neural agent "
                             "needs at least 2 colors to tell apart; use agent='knn'")
        agent = _make_agent(name, seed, {**params, "k": len(palette)})[0]
    # the right half's "true" labels: each pixel's nearest palette color
    true_right = assign_labels(right.reshape(-1, 3), palette)[0].reshape(height, width - half)

    # 2. patches (of the whole gray photo), and which pixels have one
    mask = has_patch((height, width), patch, border)
    X_left, X_right = (column_features(gray, a, b, patch, border)
                       for a, b in ((0, half), (half, width)))

    # 3. learn on the left half; 4. predict both halves (the left one leave-one-out, if the
    #    agent can: a KNN agent's training patch is its own nearest neighbour)
    agent.fit(X_left, labels_left[mask[:, :half]])
    loo = getattr(agent, "predict_leave_one_out", None)
    guess_left = loo() if callable(loo) else agent.predict(X_left)
    pred_left = _place(_checked(guess_left, len(X_left), palette, name), mask[:, :half])
    pred_right = _place(_checked(agent.predict(X_right), len(X_right), palette, name),
                        mask[:, half:])

    plain_left, plain_right = _paint(palette, pred_left), _paint(palette, pred_right)
    luma_left = _preserve_luma(plain_left, gray[:, :half], pred_left >= 0)
    luma_right = _preserve_luma(plain_right, gray[:, half:], pred_right >= 0)

    true, pred = true_right[pred_right >= 0], pred_right[pred_right >= 0]
    metrics = ColorizeMetrics(
        train=errors(plain_left, left), test=errors(plain_right, right),
        train_luma=errors(luma_left, left), test_luma=errors(luma_right, right),
        accuracy=float(np.mean(pred == true)), preserve_luma=preserve_luma,
        confusion=confusion_matrix(true, pred, len(palette)),
        report=classification_report(true, pred, len(palette)),
    )
    return Colorized(
        original=img, palette=palette, labels_left=labels_left, pred_left=pred_left,
        pred_right=pred_right, true_labels_right=true_right, plain_left=plain_left,
        plain_right=plain_right, luma_left=luma_left, luma_right=luma_right, agent=agent,
        agent_name=name, preserve_luma=preserve_luma, border=border, metrics=metrics,
    )


def _checked(predicted, n: int, palette: np.ndarray, name: str) -> np.ndarray:
    """An agent's predictions, checked: n integer labels, each a color of the palette."""
    return labels(predicted, n, len(palette), f"the labels predicted by agent {name!r}")


def _place(predicted: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """The predictions (one per pixel with a patch, row-major) as an (H, w) map; −1 elsewhere."""
    label_map = np.full(mask.shape, -1, dtype=np.intp)
    label_map[mask] = predicted
    return label_map


def _paint(palette: np.ndarray, label_map: np.ndarray) -> np.ndarray:
    """palette[label_map], black where the label is −1."""
    colors = np.vstack([palette, np.zeros((1, 3), np.uint8)])       # row −1 is black
    return colors[label_map]


def _preserve_luma(colors: np.ndarray, gray: np.ndarray, known: np.ndarray) -> np.ndarray:
    """Shift every color by g − gray(c) in each channel (clipped); unknown pixels stay."""
    shift = gray.astype(np.int16) - to_gray(colors).astype(np.int16)   # (H, w)
    shifted = np.clip(colors.astype(np.int16) + shift[..., None], 0, 255).astype(np.uint8)
    return np.where(known[..., None], shifted, colors)
