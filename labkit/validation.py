"""Choosing the basic agent's settings by validation: hold out part of the known half.

The right half of the photo is the *test*: its colors say, once, how well the agent does
on pixels it has never seen in color. Looking at them to choose the number of neighbours,
the patch size or the number of colors k would spoil that: the test error would then
flatter the choice. So the choice is made on the left half alone, as the colorization
project report this lab follows proposes (a grid search) and as CS231n's k-nearest
neighbour notebook does (its cross-validation plot):

1. k-means gives the left half its k colors: the palette and label that
   ``labkit.colorize`` uses (``labkit.compress.compress(left, k, seed=seed)``);
2. the right-most columns of the left half are *held out*: the agent learns on the other
   columns and colors these, whose true colors are known;
3. every combination of settings is scored on them (accuracy and RMSE); the best one is
   then tried on the right half, once.

Held-out *columns*, not a random subset of pixels: neighbouring pixels have nearly the same
patch and the same color, so a held-out pixel whose neighbour was learned would be all but
given away. A strip of columns, like the right half, is new ground. Taught in
``notebooks/04_knn_agent.ipynb``.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np
import pandas as pd

from labkit._checks import (choices, make_rng, one_of, patch_size, positive_float,
                            positive_int, rgb_image)
from labkit.compress import compress
from labkit.images import to_gray
from labkit.knn import VOTES, KNNAgent
from labkit.metrics import rmse
from labkit.patches import column_features

COLUMNS = ("k", "patch", "neighbors", "accuracy", "rmse")


@dataclass(frozen=True, eq=False)
class GridSearch:
    """The result of :func:`grid_search`: one row of scores per combination of settings.

    Attributes
    ----------
    table : pandas.DataFrame
        Columns ``k``, ``patch``, ``neighbors`` (the settings), ``accuracy`` (share of the
        held-out pixels given their k-means color) and ``rmse`` (of their painted colors
        against the original, over R, G and B, in 0..255 units); one row per combination,
        k slowest, then patch, then neighbors, in the order given.
    fit_columns, holdout_columns : range
        The columns of the photo the agent learned from, and the held-out ones it colored:
        together, the left half ``range(0, W // 2)``.
    """

    table: pd.DataFrame
    fit_columns: range
    holdout_columns: range

    @property
    def best(self) -> dict[str, int]:
        """The settings with the lowest held-out RMSE: ``{"k", "patch", "neighbors"}``.

        RMSE rather than accuracy: accuracies under different k count hits among different
        palettes, while the RMSE always measures the painted colors against the photo. On a
        tie the first row in the table wins (the smallest k, patch and neighbours).
        Use them as ``labkit.colorize(img, agent="knn", seed=seed, **search.best)``.
        """
        row = self.table.loc[self.table["rmse"].idxmin()]
        return {name: int(row[name]) for name in ("k", "patch", "neighbors")}

    def __repr__(self) -> str:
        return (f"GridSearch({len(self.table)} settings, fit on columns "
                f"{self.fit_columns.start}..{self.fit_columns.stop - 1}, held out "
                f"{self.holdout_columns.start}..{self.holdout_columns.stop - 1}, "
                f"best={self.best})")


def grid_search(img, neighbors=(1, 3, 6, 10, 20), patches=(1, 3, 5), ks=(5,), *,
                holdout: float = 0.25, seed=0, vote: str = "majority") -> GridSearch:
    """Score the basic agent's settings on held-out columns of the left half.

    Parameters
    ----------
    img : array_like of shape (H, W, 3), uint8
        The photo; only its left half's colors and its gray values are used.
    neighbors : sequence of int, default (1, 3, 6, 10, 20)
        Numbers of neighbours to try (each at most the number of patches learned from).
    patches : sequence of odd int, default (1, 3, 5)
        Patch sides p to try (p × p gray patches).
    ks : sequence of int, default (5,)
        Numbers of colors to try (k-means on the left half, once per k).
    holdout : float, default 0.25
        Share of the left half's columns held out, the right-most ones: ``round(holdout *
        (W // 2))`` columns, at least 1, and at least 1 left to learn from.
    seed : None, int or numpy.random.Generator, default 0
        Seeds k-means, as in ``labkit.colorize`` (an int gives the same palette).
    vote : {"majority", "plurality"}, default "majority"
        The agent's vote (``labkit.knn.vote_labels``).

    Returns
    -------
    GridSearch
        ``.table`` the scores, ``.best`` the settings with the lowest held-out RMSE.

    Raises
    ------
    TypeError
        If ``img`` is not an integer image, or a setting is not an integer.
    ValueError
        If a setting is out of range or repeated, a sequence is empty, ``holdout`` leaves
        no column to learn from or none to validate on, or a number of neighbours exceeds
        the patches learned from.

    Notes
    -----
    For each k: labels y = the k-means labels of the left half; for each patch size p the
    patches of both strips are cut from the *whole* gray photo (``column_features``: the
    held-out patches next to the strip's edges see the gray pixels beyond, as the right
    half's do); for each number of neighbours n, ``KNNAgent(k, n, p)`` learns on the fitting
    columns and predicts the held-out ones:

        accuracy = mean(pred == y),  RMSE = sqrt(mean((palette[pred] − original)²)).

    Taught in ``notebooks/04_knn_agent.ipynb``.

    Examples
    --------
    >>> from labkit.images import load_image
    >>> img = load_image("chelsea")[100:140, 150:230]
    >>> search = grid_search(img, neighbors=(1, 6), patches=(1, 3), ks=(4,))
    >>> search.table.columns.tolist(), len(search.table)
    (['k', 'patch', 'neighbors', 'accuracy', 'rmse'], 4)
    >>> search.fit_columns, search.holdout_columns
    (range(0, 30), range(30, 40))
    >>> sorted(search.best)
    ['k', 'neighbors', 'patch']
    """
    img = rgb_image(img)
    neighbors = choices(neighbors, "neighbors", positive_int)
    patches = choices(patches, "patches", patch_size)
    ks = choices(ks, "ks", positive_int)
    holdout = positive_float(holdout, "holdout")
    vote = one_of(vote, "vote", VOTES)
    rng = make_rng(seed)  # an int seed is passed on as it is (the palette of colorize)
    seed = int(seed) if isinstance(seed, numbers.Integral) else rng
    height, width = img.shape[:2]
    half = width // 2
    held = round(holdout * half)
    if not 1 <= held < half:
        raise ValueError(f"holdout must keep 1 to {half - 1} of the left half's {half} "
                         f"columns for validation, got holdout={holdout} ({held} columns)")
    cut = half - held
    positive_int(max(neighbors), "neighbors", maximum=height * cut)  # ≤ patches to learn from
    return _grid_search(img, neighbors, patches, ks, cut, seed, vote)


def _grid_search(img, neighbors, patches, ks, cut, seed, vote) -> GridSearch:
    """The scores of every combination (arguments checked): see :func:`grid_search`."""
    half = img.shape[1] // 2
    left, gray = img[:, :half], to_gray(img)
    truth = left[:, cut:]                                                # (H, held, 3)
    rows = []
    for k in ks:
        q = compress(left, k, seed=seed)          # 1. the palette colorize would use
        labels = q.labels.astype(np.intp)                                # (H, half)
        y_fit, y_held = labels[:, :cut].ravel(), labels[:, cut:].ravel()
        for p in patches:                         # 2. the two strips' patches
            X_fit = column_features(gray, 0, cut, p)                     # (H * cut, p²)
            X_held = column_features(gray, cut, half, p)                 # (H * held, p²)
            for n in neighbors:                   # 3. learn on one strip, color the other
                agent = KNNAgent(k=len(q.palette), neighbors=n, patch=p, vote=vote)
                pred = agent.fit(X_fit, y_fit).predict(X_held)
                painted = q.palette[pred].reshape(truth.shape)
                rows.append({"k": k, "patch": p, "neighbors": n,
                             "accuracy": float(np.mean(pred == y_held)),
                             "rmse": rmse(painted, truth)})
    table = pd.DataFrame(rows, columns=list(COLUMNS))
    return GridSearch(table=table, fit_columns=range(0, cut), holdout_columns=range(cut, half))
