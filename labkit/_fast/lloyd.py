"""Lloyd's loop made fast: Hamerly's bounds, running sums, over-relaxation, float32 margins.

The same iterations as the taught loop (``labkit.kmeans``: an M-step, then an E-step, until
the labels stop changing or every centroid moves less than ``tol``), with these savings:

- *Hamerly's bound.* Each point keeps its margin m = (distance to its second-nearest
  centroid) - (distance to its nearest one). When the centroids move by s_j, the margin
  shrinks by at most s_own + max_{j ≠ own} s_j (triangle inequality); a point whose margin
  stays positive keeps its label, and the E-step only revisits the others.
- *Many centroids* (from ``blocks.TREE_MIN_K``, where the E-step is a k-d tree query,
  with at least ``NEAR_MIN_POINTS`` points per centroid):
  Drake's variant with two lower bounds (the second-nearest centroid, every other one),
  the latter lowered by the largest shift among the own centroid's ``NEIGHBOURS``
  nearest centroids only (the farther ones are at least ``far - upper`` away); points
  whose bounds cross are first re-measured to their two centroids, and only the points
  still undecided are searched. A few far centroids that still move then no longer send
  every point back to the search.
- *Running sums.* The M-step needs, per cluster, the total weight and the weighted sum of
  its points; they are updated for the points that changed cluster only.
- *float32 distances* (``dtype=np.float32``), with a *slack*: margins within the rounding
  error of the distances count as ties and are re-checked, so the labels are those of
  exact arithmetic except for points (almost) equidistant from two centroids.
- *Over-relaxation* (``relax`` > 1 or ``"each"``, only for ``labkit.compress``): c <- c +
  factor (mean - c) while the inertia keeps falling and some centroid is still more than
  ``tol`` from its mean; far fewer iterations where Lloyd's steps crawl along a valley.
  The last iteration is always a plain Lloyd step, so the result is the same kind of
  fixed point.

Functions trust their callers (``labkit.kmeans`` and ``labkit.compress`` check arguments).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from labkit._fast.blocks import (TREE_MIN_K, can_split, in_halves, label_sums, nearest_three,
                                 nearest_two, query, row_norms_sq)

#: Over-relaxation: after each accepted over-relaxed step the factor grows by this much,
#: up to ``RELAX_MAX``. Measured on the bundled photos at k = 4..32: 10-40 % fewer
#: iterations than a fixed factor, final error the same or lower; faster growth overshoots.
RELAX_GROWTH = 1.3
RELAX_MAX = 4.0
#: ``relax="each"``: each centroid is over-relaxed by its own factor, grown while its steps
#: keep their direction (see :func:`_factors`). With many clusters a few centroids crawl
#: for dozens of iterations while the rest have settled; measured at k = 256 on 0.3 MP
#: photos: 40 % fewer iterations, 20-25 % less time, the same or a lower inertia (one
#: factor for all, as above, was slower there: 43 vs 33 iterations).
#: (Re-measured on one thread: EACH_MAX 4 or 16, EACH_GROWTH 2, EACH_COSINE 0.6 all
#: within the run-to-run noise, ±10 %, of these values.)
EACH_COSINE, EACH_GROWTH, EACH_MAX = 0.8, 1.5, 8.0
#: From ``blocks.TREE_MIN_K`` centroids on (where each search is a k-d tree query), a
#: margin shrinks by the largest shift among its centroid's ``NEIGHBOURS`` nearest others
#: only (see :func:`neighbour_shifts`): measured on 0.3 MP photos at k = 256, 40 % fewer
#: searches and 20-35 % less time (8 or 32 neighbours: a little slower); at k = 32, where
#: a search is cheap, the plain bound is faster. (Re-measured on one thread, see
#: ``histogram.threads``: 8 and 32 neighbours still 2-15 % slower.) Where the time goes
#: at k = 256 (coffee, seed 0, one thread): half in the tree searches, 16 % in the
#: bound updates over all colors; 95 % of the searched colors are sent by the bound on
#: "every other" centroid (``lower``), 10 % by the second-nearest's, so a tighter bound
#: on the others (e.g. Yinyang's per-group bounds) is where the next gain would be.
#: Measured and dropped at k = 256 (0.3 MP, seeds 0-2), each against this loop:
#: - an extra 6- or 7-bit level between the 5-bit starts and the exact colors: the same
#:   or more time, refinement iterations 25-49 -> 21-39 (6 bits) but each level's own
#:   iterations cost as much;
#: - starts converged on a sample of 8,000-32,000 exact colors: the refinement still
#:   takes 19-30 iterations (the last ones move a few centroids by 0.2-1 level each, a
#:   different few every iteration), no faster in all;
#: - Anderson acceleration of the M-step (windows of 2, 3, 5 steps): 2-3x the
#:   iterations, label changes make its extrapolation overshoot;
#: - freezing centroids whose step is under 0.02-0.1 levels: within the noise, and no
#:   E-step could skip the colors they leave alone: 66-129 centroids still move in each
#:   late step, and 86-100 % of the colors have one as their own, second or neighbour;
#: - the neighbour lists from a sorted 256 x 256 distance matrix: 0.74 against 0.40 ms;
#: - the searches asked of the own centroid and its neighbours only, in NumPy (the tree
#:   only where their nearest is not surely the nearest of all): the same labels, but
#:   313 against 263 ms for coffee's refinement on one thread;
#: - Var-Part starts (split the costliest cluster at its mean): fewer iterations on two
#:   photos, more on two, SSE 0.5 % higher;
#: - bounds on the 4 or 6 nearest centroids instead of 2 (replayed on a run's centroid
#:   path): 40-50 % fewer searches, but each crossing point re-measures more distances;
#:   about 3 % less work in all;
#: - neighbour lists refreshed every 4 or 8 steps only (the far bound widened by the
#:   centroids' moves since): within the noise, the looser bound checks more colors.
#: At k = 256 half of a photo's colors are almost as near a second centroid as their own
#: (d2 - d1 <= 1 level), so every step re-measures or searches 15-25 % of them: that,
#: times 25-45 steps, is the cost floor of an exact fixed point here.
NEIGHBOURS = 16
#: The neighbour bounds are used only from this many points per centroid on: with fewer
#: (the 5-bit bins that start k = 256: 5-16 per centroid) the plain bound is faster, the
#: neighbour lists costing more than the searches they save. Measured at k = 256, ten
#: iterations on the bins of the bundled photos: 1.8-7.9 ms against 3.8-10.9 ms; at 32
#: points per centroid even; on the exact colors (130-440 per centroid) the neighbour
#: bounds win (coffee 175 against 216 ms) or tie. The same labels either way.
NEAR_MIN_POINTS = 32
#: With many centroids, from this many points on, each E-step runs in two halves on two
#: threads (``blocks.in_halves``): the bound updates, re-measures and tree searches of
#: one half release the GIL while the other's run. Measured at k = 256 on the bundled
#: photos (refinement on the exact colors, same results): coffee 195-216 -> 160 ms,
#: astronaut 202-208 -> 147-169 ms, chelsea (33 k colors) 80-84 -> 72-75 ms.
SPLIT_POINTS = 16_384
#: The two halves part where their work is even (see :func:`even_split`), a searched
#: point (bounds re-measured, then a tree query) costing as much as this many points'
#: bound updates: measured on one thread at k = 256, 0.3 µs against 0.012 µs.
SEARCH_COST = 25


@dataclass(frozen=True, eq=False)
class LloydRun:
    """What :func:`hamerly` found.

    ``margin[i]`` is a lower bound, valid despite rounding, on (distance from point i to
    its second-nearest final centroid) - (distance to its nearest one): where it is
    positive, ``labels[i]`` is certainly the nearest final centroid.
    ``centroid_history`` holds the start and the centroids after every iteration, only
    when asked for (else None).
    """

    centroids: np.ndarray
    labels: np.ndarray
    margin: np.ndarray
    inertia: float
    n_iter: int
    converged: bool
    inertia_history: np.ndarray
    centroid_history: np.ndarray | None


def slack(x_sq: np.ndarray, dtype, k: int) -> float:
    """Bound on the rounding error of a margin computed by ``blocks.nearest_two`` in
    ``dtype`` for points of squared norms ``x_sq``: the block scan's expansion loses up
    to about eps (||x||² + ||c||²) in a squared distance, the tree's direct sums far less.
    (Centroids are means of the points, so ||c|| is at most the largest ||x||.)"""
    eps = float(np.finfo(dtype).eps)
    scale = float(np.sqrt(x_sq.max(initial=0.0))) + 1.0
    if k >= TREE_MIN_K:
        return 16.0 * eps * scale
    return 6.0 * float(np.sqrt(eps)) * scale


def reseed_empty(X, labels, weights, centroids, empty, old) -> None:
    """Move each empty cluster's centroid (in place) onto the costliest point, as the
    taught M-step does (``labkit.kmeans.update_centroids``)."""
    cost = weights * row_norms_sq(X - np.take(centroids, labels, axis=0))
    for j in empty:
        i = int(np.argmax(cost))
        if cost[i] > 0:
            centroids[j] = X[i]
            np.minimum(cost, weights * row_norms_sq(X - X[i]), out=cost)
        elif old is not None:
            centroids[j] = old[j]
        else:
            centroids[j] = X[np.argmax(weights)]


def means(mass, sums, X, labels, weights, old) -> np.ndarray:
    """M-step from the per-cluster sums: ``sums / mass``, empty clusters re-seeded."""
    empty = mass <= 1e-12 * weights.sum()  # 0, up to the rounding of running sums
    centroids = sums / np.where(empty, 1.0, mass)[:, None]
    if empty.any():
        reseed_empty(X, labels, weights, centroids, np.flatnonzero(empty), old)
    return centroids


def hamerly(X, centroids, weights, *, max_iter: int, tol: float, dtype=np.float64,
            relax: float | str = 1.0, history: bool = False, progress=None,
            exact_inertia: bool = True) -> LloydRun:
    """Lloyd's loop from ``centroids`` over the weighted points X (float64), accelerated.

    ``dtype`` is the precision of the E-step's distances; the M-step, the inertia and the
    margins stay float64. ``progress``, if given, is called after each iteration with the
    number of iterations done. The final inertia is computed afresh from the distances
    (one more pass over the points) unless ``exact_inertia`` is False; then it comes from
    the running sums, exact up to rounding (relative error about 1e-16 · Σ w ||x||² / J).
    """
    k = len(centroids)
    X_dist = X.astype(dtype, copy=False)
    x_sq = row_norms_sq(X)
    total_sq = float(weights @ x_sq)  # sum_i w_i ||x_i||², for the inertia
    bound = slack(x_sq, dtype, k)
    centroids = np.array(centroids, dtype=np.float64)
    # Neighbour bounds pay with the tree only, and with enough points per centroid.
    near = k >= max(TREE_MIN_K, NEIGHBOURS + 2) and len(X) >= NEAR_MIN_POINTS * k
    if near:
        labels, second, upper, lower2, lower = nearest_three(X_dist, centroids, x_sq)
        split = None  # where the E-step's two halves part: mid-way, then see even_split
    else:
        labels, upper, margin = nearest_two(X_dist, centroids, x_sq)
        margin -= upper
    mass, sums = label_sums(labels, k, weights, X)
    centroid_history = [centroids] if history else None
    inertia_history = []
    converged = False
    current = 1.0 if relax == "each" else relax  # the factor of the next relaxed step
    factor, previous = np.ones(k), None  # relax="each": per centroid
    for _ in range(max_iter):
        # M-step: every centroid moves to the weighted mean of its points.
        new_centroids = means(mass, sums, X, labels, weights, centroids)
        shift = np.sqrt(row_norms_sq(new_centroids - centroids))  # (k,)
        going = shift.max() > tol and _falling(inertia_history)  # relax this step?
        if relax == "each":  # each centroid's own factor (see _factors)
            delta = new_centroids - centroids
            factor = _factors(delta, previous, factor) if going else np.ones(k)
            previous, relaxed = delta, bool(factor.max() > 1.0)
            step = factor[:, None]
        else:  # one factor for all, grown after each relaxed step, reset after a plain one
            relaxed = relax != 1.0 and going
            step = factor = current
            current = min(current * RELAX_GROWTH, RELAX_MAX) if relaxed else relax
        if relaxed:
            new_centroids = centroids + step * (new_centroids - centroids)
            shift *= factor
        centroids = new_centroids
        if history:
            centroid_history.append(centroids)
        # E-step, only for the points whose nearest centroid may have changed.
        if near:
            near_shift, far = neighbour_shifts(centroids, shift)
            centroids_dist = centroids.astype(dtype)  # re-measured as the tree measures

            def e_step(rows):  # for these rows: the points to search, and their labels
                check = _near_check(X_dist[rows], centroids_dist, shift, near_shift, far,
                                    labels[rows], second[rows], upper[rows], lower2[rows],
                                    lower[rows], bound)
                found, new_second, d1, d2, d3 = nearest_three(
                    np.take(X_dist[rows], check, axis=0), centroids, x_sq[rows][check])
                for bounds, new in ((second, new_second), (upper, d1), (lower2, d2),
                                    (lower, d3)):
                    bounds[rows][check] = new
                return check + rows.start, found

            halves = len(X) >= SPLIT_POINTS and can_split()
            parts = in_halves(e_step, len(X), split) if halves else [e_step(slice(0, len(X)))]
            check = np.concatenate([part[0] for part in parts])
            if halves:
                split = even_split(len(X), check)  # for the next step
            new_labels = np.concatenate([part[1] for part in parts])
        else:
            # A margin shrinks by at most the shift of the point's own centroid plus the
            # largest shift among the *other* centroids.
            margin -= np.take(shift + others_max(shift), labels)
            check = np.flatnonzero(margin <= bound)
            # (np.take gathers rows several times faster than X_dist[check].)
            new_labels, d1, d2 = nearest_two(np.take(X_dist, check, axis=0), centroids,
                                             x_sq[check])
            margin[check] = d2 - d1
        changed = new_labels != labels[check]
        moved, moved_to = check[changed], new_labels[changed]
        if len(moved) > len(X) // 4:  # many moved: summing afresh is as cheap
            labels[moved] = moved_to
            mass, sums = label_sums(labels, k, weights, X)
        elif len(moved):  # take the moved points out of their old clusters, into the new
            args = (k, weights[moved], np.take(X, moved, axis=0))
            out_mass, out_sums = label_sums(labels[moved], *args)
            in_mass, in_sums = label_sums(moved_to, *args)
            mass += in_mass - out_mass
            sums += in_sums - out_sums
            labels[moved] = moved_to
        # Inertia of (labels, centroids) from the sums: sum w||x||² - 2 c·S + M ||c||².
        inertia_history.append(total_sq - 2.0 * float((centroids * sums).sum())
                               + float(mass @ row_norms_sq(centroids)))
        if progress is not None:
            progress(len(inertia_history))
        if not relaxed and (len(moved) == 0 or shift.max() < tol):  # a plain step ends it
            converged = True
            break
    if exact_inertia or not inertia_history:  # afresh, not through the sums' expansion
        inertia = float(weights @ row_norms_sq(X - np.take(centroids, labels, axis=0)))
        if inertia_history:
            inertia_history[-1] = inertia
    inertia = inertia_history[-1] if inertia_history else inertia
    return LloydRun(
        centroids=centroids,
        labels=labels,
        margin=(np.minimum(lower2, lower) - upper if near else margin) - bound,
        inertia=inertia,
        n_iter=len(inertia_history),
        converged=converged,
        inertia_history=np.array(inertia_history, dtype=np.float64),
        centroid_history=np.stack(centroid_history) if history else None,
    )


def even_split(n: int, searched: np.ndarray) -> int:
    """Where to part n rows so that the two halves of an E-step have even work, if the
    rows ``searched`` (sorted) are searched again: each row costs one bound update, a
    searched row ``SEARCH_COST`` more."""
    if len(searched) == 0:
        return n // 2
    target = (n + SEARCH_COST * len(searched)) / 2
    before = searched + SEARCH_COST * np.arange(len(searched))  # work before each of them
    j = int(np.searchsorted(before, target))  # the searched rows before the split
    lowest = searched[j - 1] + 1 if j else 0
    highest = searched[j] if j < len(searched) else n
    return int(min(max(target - SEARCH_COST * j, lowest), highest))


def others_max(shift):
    """Per centroid j: the largest shift among the other centroids (k,)."""
    top = int(np.argmax(shift))
    result = np.full(len(shift), shift[top])
    result[top] = np.max(shift, initial=0.0, where=np.arange(len(shift)) != top)
    return result


def _near_check(X, centroids, shift, near_shift, far, labels, second, upper, lower2, lower,
                bound):
    """The points to search again with many centroids (bounds updated in place), after
    Drake's two-bound variant of Hamerly's test: ``upper`` bounds the distance to the own
    centroid, ``lower2`` the distance to the second-nearest (``second``), ``lower`` the
    distance to every other. Each moves by the shift of its own centroid(s); ``lower``
    by the largest shift among the own centroid's neighbours (``near_shift``), capped by
    ``far - upper`` for the centroids beyond them (see :func:`neighbour_shifts`). Points
    whose bounds cross are first re-measured to their two centroids (two distances, in
    the dtype of ``X`` and ``centroids``, the tree's: their rounding is within the slack),
    and only those still undecided are returned. (In float32 rather than float64: the
    same labels, 4 % less time at k = 256.)"""
    upper += np.take(shift, labels)
    lower2 -= np.take(shift, second)
    lower -= np.take(near_shift, labels)
    np.minimum(lower, np.take(far, labels) - upper, out=lower)
    check = np.flatnonzero(np.minimum(lower2, lower) - upper <= bound)
    points = np.take(X, check, axis=0)
    upper[check] = np.sqrt(row_norms_sq(points - np.take(centroids, labels[check], axis=0)))
    lower2[check] = np.sqrt(row_norms_sq(points - np.take(centroids, second[check], axis=0)))
    return check[np.minimum(lower2[check], lower[check]) - upper[check] <= bound]


def neighbour_shifts(centroids: np.ndarray, shift: np.ndarray):
    """Per centroid a: the largest shift among its ``NEIGHBOURS`` nearest other centroids
    (k,), and ``far[a]``, the distance from c_a to the nearest centroid that is not among
    them (k,)."""
    from pykdtree.kdtree import KDTree

    k = len(centroids)
    tree = KDTree(np.ascontiguousarray(centroids))
    dist, index = query(tree, centroids, NEIGHBOURS + 2)
    # Drop each centroid itself from its list (not always first: duplicates tie at 0).
    others = np.argsort(index == np.arange(k)[:, None], axis=1, kind="stable")
    index = np.take_along_axis(index, others[:, :NEIGHBOURS], axis=1)
    far = np.take_along_axis(dist, others[:, NEIGHBOURS:NEIGHBOURS + 1], axis=1)[:, 0]
    return shift[index].max(axis=1), far


def _factors(delta, previous, factor):
    """Per-centroid over-relaxation factors: a centroid whose step points the same way as
    its previous one (cosine above ``EACH_COSINE``) has its factor grown by
    ``EACH_GROWTH`` (up to ``EACH_MAX``); any other goes back to a plain step."""
    if previous is None:
        return np.ones(len(delta))
    norms = np.sqrt(row_norms_sq(delta) * row_norms_sq(previous))
    cosine = (delta * previous).sum(axis=1) / np.where(norms > 0, norms, np.inf)
    return np.where(cosine > EACH_COSINE, np.minimum(factor * EACH_GROWTH, EACH_MAX), 1.0)


def _falling(history) -> bool:
    """True while the last Lloyd iteration lowered the inertia (or none ran yet)."""
    return len(history) < 2 or history[-1] < history[-2]
