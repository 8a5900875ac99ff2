"""Shared test setup: headless matplotlib, and small images for quick tests."""

from __future__ import annotations

import matplotlib
import numpy as np
import pytest

# Headless figures in this process only. (An MPLBACKEND environment variable would be
# inherited by the notebook kernels nbval starts, and their figures would vanish.)
matplotlib.use("Agg")


@pytest.fixture
def tiny_photo():
    """A 40×60 crop of the bundled cat photo: real colors, fast to process."""
    from labkit.images import load_image

    return np.ascontiguousarray(load_image("chelsea")[100:140, 150:210])
