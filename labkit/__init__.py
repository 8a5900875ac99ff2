"""Color Lab's toolkit: k-means color compression and grayscale colorization agents.

>>> import labkit as lk
>>> img = lk.load_image("chelsea")
>>> q = lk.compress(img, 8, seed=0)
>>> q.palette.shape
(8, 3)

The public names below are the contract the notebooks rely on. Each is imported from
its module the first time it is used, so ``import labkit`` (and the ``labkit`` command)
start quickly and matplotlib, plotly and ipywidgets load only when a view needs them.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

_PUBLIC = {
    "labkit.images": ["load_image", "save_image", "to_gray", "split_halves", "sample_images",
                      "sample_path", "as_rgb_image", "MAX_PIXELS"],
    "labkit.kmeans": ["kmeans", "KMeansResult", "init_centroids", "assign_labels",
                      "update_centroids"],
    "labkit.compress": ["compress", "Compressed", "color_histogram", "elbow", "find_elbow"],
    "labkit.patches": ["patch_features"],
    "labkit.knn": ["KNNAgent"],
    "labkit.mlp": ["MLP"],
    "labkit.neural": ["NeuralAgent"],
    "labkit.colorize": ["colorize", "Colorized"],
    "labkit.colorspace": ["color_space_figure"],
}
_SUBMODULES = ["images", "kmeans", "compress", "patches", "knn", "mlp", "neural", "colorize",
               "metrics", "plots", "colorspace", "widgets", "cli"]
_HOME = {name: module for module, names in _PUBLIC.items() for name in names}

__all__ = sorted(_HOME) + _SUBMODULES


def __getattr__(name: str):
    if name in _HOME:
        value = getattr(importlib.import_module(_HOME[name]), name)
    elif name in _SUBMODULES:
        value = importlib.import_module(f"labkit.{name}")
    else:
        raise AttributeError(f"module 'labkit' has no attribute {name!r}")
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
