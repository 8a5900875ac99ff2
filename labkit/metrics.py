"""How good is a colorization? Pixel errors, and the agents side by side.

Two views of the same prediction:

- against the *original photo*: mean squared error (MSE), its root (RMSE), the mean
  absolute error (MAE) and the peak signal-to-noise ratio (PSNR), over every R, G and B
  value, in 0..255 units (here);
- against the *k-means recoloring* (the colors the agent could at best have chosen):
  a confusion matrix, and precision, recall, F1 and support for each color
  (:mod:`labkit.classification`; ``confusion_matrix`` and ``classification_report`` can
  be imported from here too).

:class:`ColorizeMetrics` holds both views of one colorization; :func:`compare` puts
several in one table.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from labkit._checks import positive_float, real_array
from labkit.classification import classification_report, confusion_matrix

__all__ = ["ERRORS", "ColorizeMetrics", "classification_report", "compare",
           "confusion_matrix", "errors", "mae", "mse", "psnr", "rmse"]

ERRORS = ("mse", "rmse", "mae", "psnr")


def _pair(a, b) -> tuple[np.ndarray, np.ndarray]:
    """Both arrays checked once, as float64 (so uint8 differences cannot wrap around)."""
    a, b = real_array(a, "a"), real_array(b, "b")
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape, got {a.shape} and {b.shape}")
    if a.size == 0:
        raise ValueError("a and b are empty: there is nothing to compare")
    return a, b


def mse(a, b) -> float:
    """Mean squared error over all values: mean((a − b)²), computed in float64.

    Parameters
    ----------
    a, b : array_like of the same shape
        Usually two uint8 images (H, W, 3); the mean runs over every R, G, B value.

    Returns
    -------
    float

    Raises
    ------
    TypeError
        If an argument does not hold numbers.
    ValueError
        If the shapes differ or the arrays are empty.

    Notes
    -----
    Computed in float64, so uint8 differences do not wrap around (0 − 3 is −3, not 253).
    Taught in ``notebooks/04_knn_agent.ipynb``.

    Examples
    --------
    >>> mse(np.array([0, 3], np.uint8), np.array([0, 0], np.uint8))
    4.5
    """
    a, b = _pair(a, b)
    return float(np.mean((a - b) ** 2))


def rmse(a, b) -> float:
    """Root mean squared error: sqrt(mse(a, b)), in the units of the values (0..255).

    Examples
    --------
    >>> rmse([0, 0, 0, 0], [2, 2, 2, 2])
    2.0
    """
    return float(np.sqrt(mse(a, b)))


def mae(a, b) -> float:
    """Mean absolute error over all values: mean(|a − b|), computed in float64.

    Examples
    --------
    >>> mae(np.array([0, 3], np.uint8), np.array([1, 0], np.uint8))
    2.0
    """
    a, b = _pair(a, b)
    return float(np.mean(np.abs(a - b)))


def psnr(a, b, peak: float = 255.0) -> float:
    """Peak signal-to-noise ratio in decibels: 10 log10(peak² / mse); inf if identical.

    Parameters
    ----------
    a, b : array_like of the same shape
    peak : float, default 255
        The largest possible value (255 for uint8 images).

    Returns
    -------
    float
        Higher is better; ``inf`` when ``a`` and ``b`` are equal.

    Examples
    --------
    >>> round(psnr([0, 0], [255, 255]), 6)
    0.0
    >>> psnr([1, 2], [1, 2])
    inf
    """
    peak = positive_float(peak, "peak")
    return _psnr(mse(a, b), peak)


def _psnr(error: float, peak: float = 255.0) -> float:
    return float("inf") if error == 0 else float(10 * np.log10(peak**2 / error))


def errors(a, b) -> dict[str, float]:
    """All four errors of ``a`` against ``b``: {"mse", "rmse", "mae", "psnr"}.

    Examples
    --------
    >>> errors([0, 3], [0, 0])["mse"]
    4.5

    Notes
    -----
    The same numbers as :func:`mse`, :func:`rmse`, :func:`mae` and :func:`psnr` (peak 255),
    with the arrays checked once.
    """
    a, b = _pair(a, b)
    diff = a - b
    error = float(np.mean(diff**2))
    return {"mse": error, "rmse": float(np.sqrt(error)), "mae": float(np.mean(np.abs(diff))),
            "psnr": _psnr(error)}


@dataclass(frozen=True, eq=False)
class ColorizeMetrics:
    """How well a colorization did: errors against the photo, and a per-color report.

    Attributes
    ----------
    train, test : dict of str to float
        ``{"mse", "rmse", "mae", "psnr"}`` of the agent's coloring of the left half
        (training error) and of the right half (test error) against the original.
    train_luma, test_luma : dict of str to float
        The same after the luminance-preserving shift (see ``labkit.colorize``).
    accuracy : float
        Fraction of right-half pixels whose predicted color is their k-means color.
    confusion : pandas.DataFrame of shape (k', k')
        Right half: k-means color (rows) against predicted color (columns).
    report : pandas.DataFrame
        Right half: precision, recall, f1, support per color.
    preserve_luma : bool
        Whether the result's pictures are the luma-preserving ones.

    Examples
    --------
    >>> m = ColorizeMetrics(train=errors([0], [0]), test=errors([0, 3], [0, 0]),
    ...                     train_luma=errors([0], [0]), test_luma=errors([0], [1]),
    ...                     accuracy=1.0, confusion=None, report=None)
    >>> m.test["mse"], float(m.table.loc["test", "mse"])
    (4.5, 4.5)
    """

    train: dict
    test: dict
    train_luma: dict
    test_luma: dict
    accuracy: float
    confusion: pd.DataFrame
    report: pd.DataFrame
    preserve_luma: bool = False

    @property
    def table(self) -> pd.DataFrame:
        """The four errors (columns) for train, test, train_luma, test_luma (rows)."""
        rows = {"train": self.train, "test": self.test,
                "train_luma": self.train_luma, "test_luma": self.test_luma}
        return pd.DataFrame.from_dict(rows, orient="index", columns=list(ERRORS))


def compare(results, names=None) -> pd.DataFrame:
    """Several colorizations side by side: one row per result, the errors as columns.

    Parameters
    ----------
    results : list of Colorized (or of ColorizeMetrics)
        Results of ``labkit.colorize.colorize`` (anything with a ``.metrics``).
    names : list of str, optional
        Row names; default: each result's agent name (``"knn"``, ``"neural"``, …),
        numbered if they repeat.

    Returns
    -------
    table : pandas.DataFrame
        Columns ``train_mse, train_rmse, train_mae, train_psnr, test_mse, …, test_psnr``,
        the same with ``_luma`` appended (luminance-preserving colors), and ``accuracy``
        (share of right-half pixels given their k-means color). Index named "agent".

    Raises
    ------
    TypeError
        If an entry has no metrics.
    ValueError
        If ``names`` does not give one name per result.

    Notes
    -----
    One row per agent, as in the colorization report this course follows. Taught in
    ``notebooks/05_neural_agent.ipynb``.

    Examples
    --------
    >>> m = ColorizeMetrics(train=errors([0], [0]), test=errors([0, 3], [0, 0]),
    ...                     train_luma=errors([0], [0]), test_luma=errors([0], [1]),
    ...                     accuracy=0.5, confusion=None, report=None)
    >>> compare([m], names=["toy"])[["test_mse", "accuracy"]]  # doctest: +NORMALIZE_WHITESPACE
           test_mse  accuracy
    agent
    toy         4.5       0.5
    """
    results = list(results)
    if not results:
        raise ValueError("results is empty: pass a list of colorize results")
    if names is None:
        names = _default_names(results)
    else:
        names = [str(n) for n in names]
        if len(names) != len(results):
            raise ValueError(f"names must give one name per result: {len(results)} results, "
                             f"{len(names)} names")
    rows = []
    for result in results:
        m = result if isinstance(result, ColorizeMetrics) else getattr(result, "metrics", None)
        if not isinstance(m, ColorizeMetrics):
            raise TypeError(f"each result must be a Colorized (from labkit.colorize) or a "
                            f"ColorizeMetrics, got {type(result).__name__}")
        row = {}
        for suffix in ("", "_luma"):
            for part in ("train", "test"):
                values = getattr(m, part + suffix)
                row.update({f"{part}_{e}{suffix}": values[e] for e in ERRORS})
        row["accuracy"] = m.accuracy
        rows.append(row)
    return pd.DataFrame(rows, index=pd.Index(names, name="agent"))


def _default_names(results) -> list[str]:
    names = []
    for result in results:
        agent = getattr(result, "agent", None)
        name = getattr(result, "agent_name", None) or (
            agent if isinstance(agent, str) else type(agent).__name__ if agent else "result")
        names.append(name)
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if names.count(name) == 1 else f"{name} {seen[name]}")
    return out
