"""labkit's engine: the same algorithms as the taught modules, made fast.

**You do not need to read this package to follow the course.** The lessons teach
``labkit/kmeans.py``, ``labkit/knn.py``, ``labkit/layers.py`` and their neighbours, written
to be read top to bottom. This package holds what makes ``compress``, ``elbow`` and the
agents fast on real photos: Hamerly's bounds and over-relaxation for Lloyd's loop, float32
distances with their rounding margins, coarse color histograms and their starts, palette
rounding, lookup-table encoding, k-d tree wrappers, and blocked distance computations.

Every function here trusts its caller (arguments are checked by the public functions,
through ``labkit._checks``), and each is tested against the taught code it speeds up:
from the same start the accelerated k-means reaches the taught loop's fixed point, the
tree finds neighbours at the same distances as the brute force.
"""
