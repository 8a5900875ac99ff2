"""Color Lab's toolkit: k-means color compression and grayscale colorization agents.

>>> import labkit as lk
>>> img = lk.load_image("chelsea")
>>> q = lk.compress(img, 8, seed=0)
>>> q.palette.shape
(8, 3)

The algorithms are imported here; the views (``plots``, ``colorspace``, ``widgets``) load
the first time they are used, so ``import labkit`` and the ``labkit`` command start
without matplotlib, plotly or ipywidgets.
"""

from __future__ import annotations

import importlib

from labkit import knn, layers, metrics, mlp, neural, optim, patches, samples, validation
from labkit._checks import NotFittedError
from labkit.colorize import Colorized, colorize
from labkit.compress import Compressed, color_histogram, compress, elbow, find_elbow
from labkit.images import (
    MAX_PIXELS,
    as_gray_image,
    as_rgb_image,
    load_image,
    save_image,
    split_halves,
    to_gray,
)
from labkit.kmeans import KMeansResult, assign_labels, init_centroids, kmeans, update_centroids
from labkit.knn import KNNAgent
from labkit.mlp import MLP
from labkit.neural import NeuralAgent
from labkit.patches import patch_features
from labkit.samples import sample_images, sample_path

__version__ = "0.1.0"

_LAZY = {
    "color_space_figure": "labkit.colorspace",
    "centroid_path_figure": "labkit.colorspace",
    "plots": None,
    "colorspace": None,
    "widgets": None,
    "cli": None,
    "exercises": None,
}

__all__ = [
    "MAX_PIXELS",
    "MLP",
    "NotFittedError",
    "Colorized",
    "Compressed",
    "KMeansResult",
    "KNNAgent",
    "NeuralAgent",
    "as_gray_image",
    "as_rgb_image",
    "assign_labels",
    "centroid_path_figure",
    "color_histogram",
    "color_space_figure",
    "colorize",
    "colorspace",
    "compress",
    "elbow",
    "exercises",
    "find_elbow",
    "init_centroids",
    "kmeans",
    "knn",
    "layers",
    "load_image",
    "metrics",
    "mlp",
    "neural",
    "optim",
    "patch_features",
    "patches",
    "plots",
    "sample_images",
    "sample_path",
    "samples",
    "save_image",
    "split_halves",
    "to_gray",
    "update_centroids",
    "validation",
    "widgets",
]


def __getattr__(name: str):
    if name not in _LAZY:
        raise AttributeError(f"module 'labkit' has no attribute {name!r}")
    module = _LAZY[name]
    if module is None:
        value = importlib.import_module(f"labkit.{name}")
    else:
        value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
