"""Coloring as classification: a confusion matrix and a per-color report.

The agent gives each pixel one of k colors; the k-means recoloring of the photo says
which color was right. Counting (right color, given color) pairs gives the confusion
matrix; precision, recall and F1 per color follow from its rows and columns, as
``sklearn.metrics.confusion_matrix`` and ``precision_recall_fscore_support`` compute them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from labkit._checks import labels, positive_int

__all__ = ["classification_report", "confusion_matrix"]


def _label_pair(true, pred, k) -> tuple[np.ndarray, np.ndarray, int]:
    """Checked flat intp labels 0..k-1 of the same size, and k."""
    k = positive_int(k, "k")
    n = np.size(true)
    return labels(np.ravel(true), n, k, "true"), labels(np.ravel(pred), n, k, "pred"), k


def confusion_matrix(true, pred, k: int) -> pd.DataFrame:
    """Counts of (true color, predicted color) pairs.

    Parameters
    ----------
    true, pred : array_like of integers 0..k-1, same size
        True and predicted labels (any shape; flattened).
    k : int
        Number of colors.

    Returns
    -------
    cm : pandas.DataFrame of shape (k, k), int64
        ``cm.loc[i, j]`` = how many pixels of true color i were predicted as color j.
        Index named "true color", columns named "predicted color".

    Raises
    ------
    TypeError
        If the labels are not integers or ``k`` is not an integer.
    ValueError
        If ``pred`` does not hold as many labels as ``true``, or a label leaves 0..k-1.

    Examples
    --------
    >>> confusion_matrix([0, 0, 1, 1], [0, 1, 1, 1], k=2).to_numpy()
    array([[1, 1],
           [0, 2]])

    Notes
    -----
    One ``bincount`` over ``true * k + pred``. Taught in ``notebooks/04_knn_agent.ipynb``.
    """
    true, pred, k = _label_pair(true, pred, k)
    return _confusion(true, pred, k)


def _confusion(true: np.ndarray, pred: np.ndarray, k: int) -> pd.DataFrame:
    counts = np.bincount(true * k + pred, minlength=k * k).reshape(k, k).astype(np.int64)
    names = pd.RangeIndex(k)
    return pd.DataFrame(counts, index=names.rename("true color"),
                        columns=names.rename("predicted color"))


def classification_report(true, pred, k: int) -> pd.DataFrame:
    """Precision, recall, F1 and support of each color.

    Parameters
    ----------
    true, pred : array_like of integers 0..k-1, same size
    k : int

    Returns
    -------
    report : pandas.DataFrame with index 0..k-1 ("color") and columns
        ``precision``, ``recall``, ``f1`` (float64) and ``support`` (int64). A ratio whose
        denominator is 0 is reported as 0 (no warning).

    Raises
    ------
    TypeError, ValueError
        As :func:`confusion_matrix`.

    Notes
    -----
    With the confusion matrix C: precision_i = C_ii / Σ_j C_ji (of the pixels predicted
    i, how many are i), recall_i = C_ii / Σ_j C_ij (of the pixels of color i, how many were
    found), F1 = 2 P R / (P + R), support_i = Σ_j C_ij. Taught in
    ``notebooks/04_knn_agent.ipynb``.

    Examples
    --------
    >>> classification_report([0, 0, 1, 1], [0, 1, 1, 1], k=2).round(3)
    ... # doctest: +NORMALIZE_WHITESPACE
           precision  recall     f1  support
    color
    0          1.000     0.5  0.667        2
    1          0.667     1.0  0.800        2
    """
    true, pred, k = _label_pair(true, pred, k)
    cm = _confusion(true, pred, k).to_numpy()
    hits = np.diag(cm).astype(np.float64)
    support = cm.sum(axis=1)
    predicted = cm.sum(axis=0)
    precision = _ratio(hits, predicted)
    recall = _ratio(hits, support)
    f1 = _ratio(2 * precision * recall, precision + recall)
    return pd.DataFrame(
        {"precision": precision, "recall": recall, "f1": f1, "support": support},
        index=pd.RangeIndex(k, name="color"),
    )


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """num / den, 0 where den is 0 (and no division warning)."""
    out = np.zeros(len(num))
    np.divide(num, den, out=out, where=den != 0)
    return out
