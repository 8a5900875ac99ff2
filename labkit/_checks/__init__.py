"""Argument checks shared by the public functions of labkit: every one lives here.

Every public function validates its arguments at the door with these helpers, once, and
raises one clear sentence: what was wrong and what is allowed. The same mistake gets the
same exception type everywhere (a wrong type: ``TypeError``; a wrong value or shape:
``ValueError``; an agent used before ``fit``: :class:`NotFittedError`). Private helpers and
the engine (``labkit._fast``) trust their callers and check nothing.

Scalars (numbers, names, seeds) are checked in :mod:`labkit._checks.scalars`, arrays
(images, points, labels, …) in :mod:`labkit._checks.arrays`; import them from here.
"""

from __future__ import annotations

from labkit._checks.scalars import (
    positive_int,
    odd_int,
    patch_size,
    positive_float,
    learning_rate,
    one_of,
    make_rng,
    sizes,
    names,
    fraction,
    integers,
    choices,
    attribute,
    optional_callable,
)
from labkit._checks.arrays import (
    rgb_image,
    gray_image,
    points,
    centroids,
    weights,
    labels,
    patches,
    any_image,
    real_array,
    colors,
    label_map,
    label_table,
    features,
    bounded,
    number_columns,
)


class NotFittedError(ValueError, AttributeError):
    """An agent or network was asked to predict before it was fitted (call ``fit`` first)."""


__all__ = [
    "NotFittedError", "positive_int", "odd_int", "patch_size", "positive_float",
    "learning_rate", "one_of", "make_rng", "sizes", "names", "fraction", "integers", "choices",
    "attribute", "optional_callable", "rgb_image", "gray_image", "points", "centroids",
    "weights", "labels", "patches", "any_image", "real_array", "colors", "label_map",
    "label_table", "features", "bounded", "number_columns",
]
