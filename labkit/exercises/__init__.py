"""Exercises of the Color Lab notebooks: self-checks that teach, and what ``labkit grade`` runs.

In a lesson notebook, right after the cell where the student writes a function, one line
checks it and picks the version the rest of the notebook uses::

    assign_labels = lk.exercises.check_assign_labels(assign_labels)

The check runs the function on small named cases against labkit's own solution and
prints either "✓ …" or one sentence naming the mistake, with the smallest failing case
(expected against got). An untouched stub ("not done yet") or a wrong answer hands back
labkit's version, so the notebook goes on. A check never raises.

:data:`CATALOGUE` lists every exercise (its id, which is also the nbgrader ``grade_id``
of its cell, its notebook and the function's name); :func:`grade_session` is what the
grader runs inside the kernel after a submitted notebook has run.
"""

from __future__ import annotations

from labkit.exercises import compression, elbow, kmeans, knn, network
from labkit.exercises.answers import check_answer, seal
from labkit.exercises.checking import RUNS, STATUSES, Case, Exercise, Result
from labkit.exercises.compression import check_color_histogram, check_recolor
from labkit.exercises.elbow import check_find_knee, check_sse_curve
from labkit.exercises.kmeans import (check_assign_labels, check_init_pixels, check_kmeans_loop,
                                     check_update_centroids)
from labkit.exercises.knn import check_patch_features, check_rmse, check_vote
from labkit.exercises.network import (check_backward, check_forward, check_sigmoid,
                                      check_sigmoid_derivative, check_train_epoch)

#: Every exercise, by id, in lesson order.
CATALOGUE: dict[str, Exercise] = {
    exercise.id: exercise
    for module in (kmeans, compression, elbow, knn, network)
    for exercise in module.EXERCISES
}


def exercises_of(notebook: str) -> list[Exercise]:
    """The exercises of one lesson notebook, by its name without ``.ipynb``."""
    return [e for e in CATALOGUE.values() if e.notebook == notebook]


def grade_session(ids, include_ran: bool = True) -> list[dict]:
    """Grade the exercises ``ids`` on the functions their checks were given in this session.

    Run by ``labkit grade`` in the kernel of a submitted notebook, after its last cell.
    Each check is run again here, quietly, on the function the notebook's check cell
    passed to it (not on what was printed). An exercise whose check never ran (its check
    cell was deleted) is an ``"error"``.

    Parameters
    ----------
    ids : iterable of str
        The exercises the notebook should have.
    include_ran : bool, default True
        Also grade the exercises whose checks ran though they are not in ``ids``.

    Returns
    -------
    list of dict
        One ``{"exercise", "status", "message"}`` per exercise, ``ids`` first, in order.
    """
    ids = list(ids)
    if include_ran:
        ids += [exercise_id for exercise_id in RUNS if exercise_id not in ids]
    rows = []
    for exercise_id in ids:
        run = RUNS.get(exercise_id)
        if exercise_id not in CATALOGUE:
            rows.append({"exercise": exercise_id, "status": "error",
                         "message": "no exercise of labkit has this id"})
        elif run is None:
            rows.append({"exercise": exercise_id, "status": "error",
                         "message": "its check cell was deleted or never ran"})
        else:
            result = CATALOGUE[exercise_id].evaluate(run.function)
            rows.append({"exercise": exercise_id, "status": result.status,
                         "message": result.reason})
    return rows


__all__ = [
    "seal",
    "CATALOGUE",
    "RUNS",
    "STATUSES",
    "Case",
    "Exercise",
    "Result",
    "check_answer",
    "check_assign_labels",
    "check_backward",
    "check_color_histogram",
    "check_find_knee",
    "check_forward",
    "check_init_pixels",
    "check_kmeans_loop",
    "check_patch_features",
    "check_recolor",
    "check_rmse",
    "check_sigmoid",
    "check_sigmoid_derivative",
    "check_sse_curve",
    "check_train_epoch",
    "check_update_centroids",
    "check_vote",
    "exercises_of",
    "grade_session",
]
