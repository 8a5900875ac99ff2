"""The exercise checks: right answers pass, stubs are "not done", and every deliberate
mistake fails with a message that names it. A check that passes a wrong answer is a bug.

Each wrong implementation below is written here, by hand, the way a student might get it
wrong; the correct ones are the instructor answers (labkit.exercises.solutions) and thin
wrappers around labkit's own functions.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pytest

import labkit as lk
import labkit.exercises as ex
from labkit.exercises import RUNS, solutions
from labkit.exercises.solutions import compression as s02
from labkit.exercises.solutions import elbow as s03
from labkit.exercises.solutions import kmeans as s01
from labkit.exercises.solutions import knn as s04
from labkit.exercises.solutions import network as s05

ANSWERS = {
    "01-assign-labels": s01.assign_labels, "01-update-centroids": s01.update_centroids,
    "01-kmeans-loop": s01.kmeans_loop, "01-init-pixels": s01.init_pixels,
    "02-recolor": s02.recolor, "02-color-histogram": s02.color_histogram,
    "03-sse-curve": s03.sse_curve, "03-find-knee": s03.find_knee,
    "04-patch-features": s04.patch_features, "04-vote": s04.vote, "04-rmse": s04.rmse,
    "05-sigmoid": s05.sigmoid, "05-sigmoid-derivative": s05.sigmoid_derivative,
    "05-forward": s05.forward, "05-backward": s05.backward, "05-train-epoch": s05.train_epoch,
}


def verdict(exercise_id, function):
    return ex.CATALOGUE[exercise_id].evaluate(function)


# --- the catalogue ----------------------------------------------------------------------------


def test_catalogue_has_two_to_five_exercises_per_lesson_and_sixteen_in_all():
    per_lesson = pd.Series([e.notebook for e in ex.CATALOGUE.values()]).value_counts()
    assert sorted(per_lesson.index) == ["01_kmeans_compression", "02_color_space_3d", "03_elbow",
                                        "04_knn_agent", "05_neural_agent"]
    assert per_lesson.between(2, 5).all() and len(ex.CATALOGUE) == 16 == len(ANSWERS)


def test_exercise_ids_are_valid_nbgrader_grade_ids():
    for exercise_id, exercise in ex.CATALOGUE.items():
        assert re.fullmatch(r"[a-zA-Z0-9_\-]+", exercise_id) and exercise.id == exercise_id


def test_every_exercise_has_a_public_check_named_after_its_function():
    for exercise in ex.CATALOGUE.values():
        assert getattr(ex, f"check_{exercise.function}").__module__.startswith("labkit.exercises")
        assert ANSWERS[exercise.id].__name__ == exercise.function


def test_lk_exercises_is_the_exercises_package():
    assert lk.exercises is ex and solutions.__name__ == "labkit.exercises.solutions"


# --- right answers pass, stubs are not done -------------------------------------------------


@pytest.mark.parametrize("exercise_id", list(ANSWERS))
def test_the_instructor_answer_passes(exercise_id):
    result = verdict(exercise_id, ANSWERS[exercise_id])
    assert result.status == "passed", result.message
    assert result.message.startswith("✓ ") and result.message.endswith("uses yours.")


@pytest.mark.parametrize("exercise_id", list(ANSWERS))
def test_a_wrapper_around_labkits_reference_passes(exercise_id):
    reference = ex.CATALOGUE[exercise_id].reference
    result = verdict(exercise_id, lambda *args: reference(*args))
    assert result.status == "passed", result.message


@pytest.mark.parametrize("exercise_id", list(ANSWERS))
def test_an_untouched_stub_is_not_done_and_hands_back_labkits_version(exercise_id, capsys):
    exercise = ex.CATALOGUE[exercise_id]

    def stub(*args):
        raise NotImplementedError("Student exercise: write this function")

    used = exercise.check(stub)
    assert used is exercise.reference
    out = capsys.readouterr().out
    assert out.startswith(f"○ {exercise.function}: not done yet") and "labkit's version" in out
    assert RUNS[exercise_id].function is stub and RUNS[exercise_id].result.status == "not done"


def test_a_passing_check_hands_back_the_students_function(capsys):
    assert ex.check_rmse(s04.rmse) is s04.rmse
    assert capsys.readouterr().out.startswith("✓ rmse is right")


def test_labkits_own_function_is_not_accepted_as_the_students():
    result = verdict("01-assign-labels", lk.assign_labels)
    assert result.status == "failed" and "labkit's own version" in result.message


# --- a check never raises --------------------------------------------------------------------


class Weird:
    def __eq__(self, other):
        raise RuntimeError("no comparing me")


@pytest.mark.parametrize("returned", [None, "labels", 3, Weird(), [[1, 2], [3]], {"a": 1}])
def test_a_check_never_raises_whatever_the_function_returns(returned):
    for exercise_id in ANSWERS:
        result = verdict(exercise_id, lambda *args, value=returned: value)
        assert result.status == "failed", (exercise_id, result.message)
        assert "\n" not in result.message


@pytest.mark.parametrize("error", [ZeroDivisionError("x"), KeyError("k"), RecursionError(),
                                   SystemExit(1), MemoryError()])
def test_a_check_reports_what_the_function_raised_in_one_sentence(error):
    def broken(*args):
        raise error

    result = verdict("04-vote", broken)
    assert result.status == "failed" and "\n" not in result.message
    assert type(error).__name__ in result.message or "exit()" in result.message


def test_something_that_is_not_a_function_is_named_as_such():
    assert "is not a function" in verdict("04-rmse", np.zeros(3)).message


def test_a_loop_that_never_ends_is_cut_off_and_named():
    def forever(X, centroids, max_iter=100):
        while True:
            pass

    result = verdict("01-kmeans-loop", forever)
    assert result.status == "failed" and "did not finish within 2 s" in result.message
    assert "does the loop stop" in result.message


def test_prints_inside_the_students_function_do_not_reach_the_notebook(capsys):
    def chatty(a, b):
        print("debugging!")
        return s04.rmse(a, b)

    ex.check_rmse(chatty)
    assert "debugging" not in capsys.readouterr().out


# --- "Your turn" answers -----------------------------------------------------------------------


@pytest.mark.parametrize("answer, expected, options, said, right", [
    (..., 3, None, "○ q: not answered yet", False),
    (3, 3, None, "✓ q: right.", True),
    (3.0000000001, 3, None, "✓ q: right.", True),
    (4, 3, None, "✗ q: 4 is not it yet", False),
    ("3", 3, None, "✗ q: '3' is not it yet", False),
    ("pixels", "pixels", ("random", "pixels"), "✓ q: right.", True),
    ("k-means", "pixels", ("random", "pixels"), "is not one of the choices", False),
])
def test_check_answer_says_right_or_not_yet_without_giving_it_away(answer, expected, options,
                                                                    said, right, capsys):
    assert ex.check_answer("q", answer, expected, options=options) is right
    out = capsys.readouterr().out
    assert said in out and out.count("\n") == 1
    if not right and options is None:  # the choices may be listed, the right one is not said
        assert repr(expected) not in out.replace(repr(answer), "")


@pytest.mark.parametrize("answer, right", [("no", True), ("yes", False), ("  No ", True)])
def test_a_sealed_answer_is_checked_without_appearing_in_the_check_cell(answer, right, capsys):
    token = ex.seal("does the knee move", "no")
    assert "no" not in token.removeprefix("sealed:")  # hex digits only, never the answer
    said = ex.check_answer("does the knee move", answer, token, options=("yes", "no", "  No "))
    assert said is right  # case and surrounding spaces do not matter
    assert capsys.readouterr().out.startswith("✓" if right else "✗")


def test_the_same_sealed_answer_differs_between_questions():
    assert ex.seal("question 1", 4) != ex.seal("question 2", 4)
    assert ex.check_answer("question 2", 4, ex.seal("question 1", 4)) is False


# --- grade_session (what labkit grade runs in the kernel) ------------------------------------


def test_grade_session_regrades_the_function_the_check_was_given(capsys):
    ex.check_find_knee(s03.find_knee)
    RUNS.pop("03-sse-curve", None)
    rows = {r["exercise"]: r for r in ex.grade_session(["03-find-knee", "03-sse-curve"])}
    assert rows["03-find-knee"]["status"] == "passed"
    assert rows["03-sse-curve"]["status"] == "error"
    assert "deleted" in rows["03-sse-curve"]["message"]


def test_grade_session_includes_checks_that_ran_outside_the_expected_list(capsys):
    ex.check_sigmoid(s05.sigmoid)
    assert "05-sigmoid" in [r["exercise"] for r in ex.grade_session([])]


# --- every deliberate mistake is caught and named -------------------------------------------


def _nearest(X, C):
    X, C = np.asarray(X, dtype=float), np.asarray(C, dtype=float)
    return ((X[:, None, :] - C[None, :, :]) ** 2).sum(axis=2)


def assign_sqrt(X, C):
    d = _nearest(X, C)
    return d.argmin(axis=1), np.sqrt(d.min(axis=1))


def assign_keepdims(X, C):
    d = _nearest(X, C)
    return d.argmin(axis=1)[:, None], d.min(axis=1)


def assign_wrong_axis(X, C):
    d = _nearest(X, C)
    return d.argmin(axis=0), d.min(axis=0)


def assign_last_on_tie(X, C):
    d = _nearest(X, C)
    labels = d.shape[1] - 1 - d[:, ::-1].argmin(axis=1)
    return labels, d.min(axis=1)


def assign_uint8(X, C):
    X, C = np.asarray(X), np.asarray(C)  # no float conversion: uint8 wraps around
    d = (X**2).sum(axis=1)[:, None] - 2 * X @ C.T + (C**2).sum(axis=1)[None, :]
    return d.argmin(axis=1), d.min(axis=1).astype(float)


def assign_lists_crash(X, C):
    X, C = X.astype(float), C.astype(float)  # lists have no .astype
    d = ((X[:, None, :] - C[None, :, :]) ** 2).sum(axis=2)
    return d.argmin(axis=1), d.min(axis=1)


def assign_returns_lists(X, C):
    labels, sq = s01.assign_labels(X, C)
    return labels.tolist(), sq.tolist()


def assign_float_labels(X, C):
    labels, sq = s01.assign_labels(X, C)
    return labels.astype(float), sq


def assign_centres_in_place(X, C):
    X = np.asarray(X, dtype=float)  # no copy when X already is float: the caller's array
    X -= 0.5
    labels, sq = s01.assign_labels(X + 0.5, C)
    return labels, sq


def update_sum(X, labels, k):
    X, labels = np.asarray(X, dtype=float), np.asarray(labels)
    return np.array([X[labels == j].sum(axis=0) for j in range(k)])


def update_nan(X, labels, k):
    X, labels = np.asarray(X, dtype=float), np.asarray(labels)
    with np.errstate(invalid="ignore"):
        return np.array([X[labels == j].mean(axis=0) for j in range(k)])


def update_uint8(X, labels, k):
    X, labels = np.asarray(X), np.asarray(labels)
    out = []
    for j in range(k):
        total = np.zeros(X.shape[1], dtype=X.dtype)  # a uint8 accumulator wraps
        for x in X[labels == j]:
            total += x
        out.append(total / max((labels == j).sum(), 1))
    centroids = np.array(out, dtype=float)
    return centroids if X.dtype == np.uint8 else s01.update_centroids(X, labels, k)


def update_same_point_for_every_empty(X, labels, k):
    X, labels = np.asarray(X, dtype=float), np.asarray(labels)
    centroids = np.array([X[labels == j].mean(axis=0) if (labels == j).any() else np.zeros(2)
                          for j in range(k)])
    far = ((X - centroids[labels]) ** 2).sum(axis=1).argmax()  # never updated: duplicates
    centroids[np.bincount(labels, minlength=k) == 0] = X[far]
    return centroids


def update_int(X, labels, k):
    return s01.update_centroids(X, labels, k).astype(int)


def update_wrong_axis(X, labels, k):
    X, labels = np.asarray(X, dtype=float), np.asarray(labels)
    return np.array([X[labels == j].mean(axis=1).mean() for j in range(k)])


def loop_never_converges(X, centroids, max_iter=100):
    X, c = np.asarray(X, dtype=float), np.array(centroids, dtype=float)
    for n_iter in range(1, max_iter + 1):
        labels, _ = s01.assign_labels(X, c)
        c = s01.update_centroids(X, labels, len(c))
    return c, s01.assign_labels(X, c)[0], n_iter


def loop_one_round(X, centroids, max_iter=100):
    X, c = np.asarray(X, dtype=float), np.array(centroids, dtype=float)
    labels, _ = s01.assign_labels(X, c)
    c = s01.update_centroids(X, labels, len(c))
    return c, s01.assign_labels(X, c)[0], 1


def loop_ignores_max_iter(X, centroids, max_iter=100):
    return s01.kmeans_loop(X, centroids, max_iter=1000)


def loop_in_place(X, centroids, max_iter=100):
    X = np.asarray(X, dtype=float)
    c = np.asarray(centroids, dtype=float)  # the caller's array when it is float already
    result = s01.kmeans_loop(X, c, max_iter)
    c[:] = result[0]
    return result


def pixels_first_k(X, k, seed):
    return np.asarray(X, dtype=float)[:k].copy()


def pixels_with_replacement(X, k, seed):
    X = np.asarray(X, dtype=float)
    return X[np.random.default_rng(seed).integers(0, len(X), k)]


def pixels_unseeded(X, k, seed):
    X = np.asarray(X, dtype=float)
    return X[np.random.choice(len(X), k, replace=False)]


def pixels_indices(X, k, seed):
    return np.random.default_rng(seed).choice(len(X), k, replace=False)


def pixels_uint8(X, k, seed):
    X = np.asarray(X)
    return X[np.random.default_rng(seed).choice(len(X), k, replace=False)]


def pixels_uniform(X, k, seed):
    X = np.asarray(X, dtype=float)
    return np.random.default_rng(seed).uniform(X.min(0), X.max(0), (k, X.shape[1]))


def recolor_truncates(centroids, labels, shape):
    return np.asarray(centroids)[np.asarray(labels)].reshape(shape[0], shape[1], 3).astype(np.uint8)


def recolor_no_clip(centroids, labels, shape):
    palette = np.rint(np.asarray(centroids)).astype(np.int64).astype(np.uint8)
    return palette[np.asarray(labels)].reshape(shape[0], shape[1], 3)


def recolor_flat(centroids, labels, shape):
    return s02.recolor(centroids, labels, shape).reshape(-1, 3)


def recolor_float(centroids, labels, shape):
    return np.rint(np.asarray(centroids)[np.asarray(labels)]).reshape(shape[0], shape[1], 3)


def recolor_width_first(centroids, labels, shape):
    return s02.recolor(centroids, labels, shape).reshape(shape[1], shape[0], 3)


def histogram_uint8_codes(img):
    img = np.asarray(img, dtype=np.uint8)
    codes = (img[..., 0] << 16) | (img[..., 1] << 8) | img[..., 2]  # uint8: the bits fall off
    codes, first, counts = np.unique(codes.ravel(), return_index=True, return_counts=True)
    return img.reshape(-1, 3)[first], counts


def histogram_unsorted(img):
    pixels = np.asarray(img, dtype=np.uint8).reshape(-1, 3)
    colors, first, counts = np.unique(pixels, axis=0, return_index=True, return_counts=True)
    order = np.argsort(first)  # the order in which the colors first appear
    return colors[order], counts[order]


def histogram_flat(img):
    return np.unique(np.asarray(img, dtype=np.uint8), return_counts=True)


def histogram_int64(img):
    colors, counts = s02.color_histogram(img)
    return colors.astype(np.int64), counts


def curve_mse(img, ks, seed=0):
    ks = list(ks)
    return pd.DataFrame({"k": ks, "sse": [lk.compress(img, k, seed=seed).mse for k in ks]})


def curve_uint8(img, ks, seed=0):
    ks = list(ks)
    sse = [float(((img - lk.compress(img, k, seed=seed).image) ** 2).sum()) for k in ks]
    return pd.DataFrame({"k": ks, "sse": sse})


def curve_list(img, ks, seed=0):
    return [lk.compress(img, k, seed=seed).sse for k in ks]


def curve_sorted(img, ks, seed=0):
    return s03.sse_curve(img, sorted(ks), seed)


def curve_named_wrong(img, ks, seed=0):
    return s03.sse_curve(img, ks, seed).rename(columns={"sse": "SSE"})


def knee_position(k, sse):
    k = np.asarray(k)
    return int(np.flatnonzero(k == s03.find_knee(k, sse))[0])


def knee_biggest_drop(k, sse):
    return int(np.asarray(k)[1:][np.argmax(-np.diff(np.asarray(sse, dtype=float)))])


def knee_float(k, sse):
    return float(s03.find_knee(k, sse))


def knee_argmin(k, sse):
    k, sse = np.asarray(k), np.asarray(sse, dtype=float)
    x = (k - k.min()) / (k.max() - k.min())
    y = (sse - sse.min()) / (sse.max() - sse.min())
    return int(k[np.argmin(np.abs(x + y - 1))])


def _windows(gray, p, mode="edge", pad=None):
    gray = np.asarray(gray, dtype=np.uint8)
    padded = np.pad(gray, p // 2 if pad is None else pad, mode=mode)
    H, W = gray.shape
    return np.array([padded[r:r + p, c:c + p] for r in range(H) for c in range(W)])


def patches_zero_pad(gray, patch=3):
    return _windows(gray, patch, mode="constant").reshape(-1, patch * patch)


def patches_interior_only(gray, patch=3):
    from numpy.lib.stride_tricks import sliding_window_view

    win = sliding_window_view(np.asarray(gray, dtype=np.uint8), (patch, patch))
    return win.reshape(-1, patch * patch)


def patches_off_by_one(gray, patch=3):
    return _windows(gray, patch, pad=patch // 2 + 1).reshape(-1, patch * patch)


def patches_column_major_patch(gray, patch=3):
    return _windows(gray, patch).transpose(0, 2, 1).reshape(-1, patch * patch)


def patches_column_major_pixels(gray, patch=3):
    gray = np.asarray(gray, dtype=np.uint8)
    H, W = gray.shape
    X = s04.patch_features(gray, patch).reshape(H, W, -1)
    return X.transpose(1, 0, 2).reshape(H * W, -1)


def patches_int64(gray, patch=3):
    return s04.patch_features(gray, patch).astype(np.int64)


def patches_3d(gray, patch=3):
    gray = np.asarray(gray)
    return s04.patch_features(gray, patch).reshape(gray.shape[0], gray.shape[1], -1)


def vote_half_is_enough(neighbor_labels, k):
    votes = np.asarray(neighbor_labels)
    out = []
    for row in votes:
        counts = np.bincount(row, minlength=k)
        out.append(counts.argmax() if 2 * counts.max() >= len(row) else row[0])
    return np.array(out)


def vote_plurality_smallest(neighbor_labels, k):
    return np.array([np.bincount(row, minlength=k).argmax() for row in np.asarray(neighbor_labels)])


def vote_majority_else_smallest(neighbor_labels, k):
    out = []
    for row in np.asarray(neighbor_labels):
        counts = np.bincount(row, minlength=k)
        out.append(counts.argmax() if 2 * counts.max() > len(row) else row.min())
    return np.array(out)


def vote_farthest(neighbor_labels, k):
    out = []
    for row in np.asarray(neighbor_labels):
        counts = np.bincount(row, minlength=k)
        out.append(counts.argmax() if 2 * counts.max() > len(row) else row[-1])
    return np.array(out)


def vote_wrong_axis(neighbor_labels, k):
    votes = np.asarray(neighbor_labels)
    return np.array([np.bincount(col, minlength=k).argmax() for col in votes.T])


def vote_sorts_in_place(neighbor_labels, k):
    votes = np.asarray(neighbor_labels)
    result = s04.vote(votes, k)
    votes.sort(axis=1)
    return result


def vote_list(neighbor_labels, k):
    return s04.vote(neighbor_labels, k).tolist()


def rmse_no_root(a, b):
    return float(np.mean((np.asarray(a, float) - np.asarray(b, float)) ** 2))


def rmse_uint8(a, b):
    return float(np.sqrt(np.mean((np.asarray(a) - np.asarray(b)) ** 2)))


def rmse_sum(a, b):
    return float(np.sqrt(np.sum((np.asarray(a, float) - np.asarray(b, float)) ** 2)))


def rmse_mae(a, b):
    return float(np.mean(np.abs(np.asarray(a, float) - np.asarray(b, float))))


def rmse_per_channel(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    return np.sqrt(((a - b) ** 2).reshape(-1, a.shape[-1]).mean(axis=0))


def sigmoid_sign(z):
    return 1 / (1 + np.exp(np.asarray(z, dtype=float)))


def sigmoid_overflows(z):
    e = np.exp(np.asarray(z, dtype=float))
    return e / (1 + e)


def sigmoid_math(z):
    return 1 / (1 + math.exp(-z))


def sigmoid_in_place(z):
    z = np.asarray(z, dtype=float)
    np.negative(z, out=z)
    return 1 / (1 + np.exp(z))


def sigmoid_list(z):
    return s05.sigmoid(z).tolist()


def derivative_one_minus_z(z):
    z = np.asarray(z, dtype=float)
    return s05.sigmoid(z) * (1 - z)


def derivative_on_z(z):
    z = np.asarray(z, dtype=float)
    return z * (1 - z)


def derivative_squared(z):
    return s05.sigmoid(z) ** 2


def derivative_is_sigmoid(z):
    return s05.sigmoid(z)


def _hidden(X, weights, biases):
    A = np.asarray(X, dtype=float)
    for W, b in zip(weights[:-1], biases[:-1]):
        A = s05.sigmoid(A @ W + b)
    return A


def forward_softmax_columns(X, weights, biases):
    S = _hidden(X, weights, biases) @ weights[-1] + biases[-1]
    E = np.exp(S - S.max(axis=0, keepdims=True))
    return E / E.sum(axis=0, keepdims=True)


def forward_overflows(X, weights, biases):
    E = np.exp(_hidden(X, weights, biases) @ weights[-1] + biases[-1])
    return E / E.sum(axis=1, keepdims=True)


def forward_sigmoid_output(X, weights, biases):
    return s05.sigmoid(_hidden(X, weights, biases) @ weights[-1] + biases[-1])


def forward_no_bias(X, weights, biases):
    return s05.forward(X, weights, [np.zeros_like(b) for b in biases])


def forward_scores(X, weights, biases):
    return _hidden(X, weights, biases) @ weights[-1] + biases[-1]


def forward_relu_hidden(X, weights, biases):
    A = np.asarray(X, dtype=float)
    for W, b in zip(weights[:-1], biases[:-1]):
        A = np.maximum(A @ W + b, 0)
    S = A @ weights[-1] + biases[-1]
    E = np.exp(S - S.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


def _backward(X, y, weights, biases, *, scale=1.0, derivative=None, sum_db=True, mean=True):
    As = [np.asarray(X, dtype=float)]
    Zs = []
    for W, b in zip(weights[:-1], biases[:-1]):
        Zs.append(As[-1] @ W + b)
        As.append(s05.sigmoid(Zs[-1]))
    P = s05.forward(X, weights, biases)
    n = len(P)
    dZ = P.copy()
    dZ[np.arange(n), np.asarray(y)] -= 1.0
    dZ = dZ / n if mean else dZ
    dW, db = [None] * len(weights), [None] * len(weights)
    for layer in range(len(weights) - 1, -1, -1):
        dW[layer] = scale * (As[layer].T @ dZ)
        db[layer] = scale * (dZ.sum(axis=0) if sum_db else dZ)
        if layer > 0:
            slope = (derivative(Zs[layer - 1], As[layer]) if derivative
                     else As[layer] * (1 - As[layer]))
            dZ = (dZ @ weights[layer].T) * slope
    return dW, db


def backward_sum(X, y, weights, biases):
    return _backward(X, y, weights, biases, mean=False)


def backward_sign(X, y, weights, biases):
    return _backward(X, y, weights, biases, scale=-1.0)


def backward_derivative_of_z(X, y, weights, biases):
    return _backward(X, y, weights, biases, derivative=lambda Z, A: Z * (1 - Z))


def backward_db_not_summed(X, y, weights, biases):
    return _backward(X, y, weights, biases, sum_db=False)


def backward_dw_transposed(X, y, weights, biases):
    dW, db = _backward(X, y, weights, biases)
    return [g.T for g in dW], db


def _epoch(X, y, weights, biases, learning_rate, batch_size, order, *, sign=1.0, rows=None):
    X, y = np.asarray(X, dtype=float), np.asarray(y)
    order = np.asarray(order) if rows is None else rows
    for start in range(0, len(order), batch_size):
        batch = order[start:start + batch_size]
        dW, db = s05.backward(X[batch], y[batch], weights, biases)
        weights = [W - sign * learning_rate * g for W, g in zip(weights, dW)]
        biases = [b - sign * learning_rate * g for b, g in zip(biases, db)]
    return weights, biases


def epoch_in_place(X, y, weights, biases, learning_rate, batch_size, order):
    X, y, order = np.asarray(X, dtype=float), np.asarray(y), np.asarray(order)
    for start in range(0, len(order), batch_size):
        batch = order[start:start + batch_size]
        dW, db = s05.backward(X[batch], y[batch], weights, biases)
        for W, g in zip(weights, dW):
            W -= learning_rate * g
        for b, g in zip(biases, db):
            b -= learning_rate * g
    return weights, biases


def epoch_drops_partial_batch(X, y, weights, biases, learning_rate, batch_size, order):
    order = np.asarray(order)
    full = len(order) - len(order) % batch_size
    return _epoch(X, y, weights, biases, learning_rate, batch_size, order, rows=order[:full])


def epoch_ignores_order(X, y, weights, biases, learning_rate, batch_size, order):
    return _epoch(X, y, weights, biases, learning_rate, batch_size, order,
                  rows=np.arange(len(order)))


def epoch_whole_set(X, y, weights, biases, learning_rate, batch_size, order):
    return _epoch(X, y, weights, biases, learning_rate, len(order), order)


def epoch_uphill(X, y, weights, biases, learning_rate, batch_size, order):
    return _epoch(X, y, weights, biases, learning_rate, batch_size, order, sign=-1.0)


def epoch_no_learning_rate(X, y, weights, biases, learning_rate, batch_size, order):
    return _epoch(X, y, weights, biases, 1.0, batch_size, order)


MISTAKES = [
    ("01-assign-labels", assign_sqrt, "not squared distances"),
    ("01-assign-labels", assign_keepdims, "labels has shape (5, 1); expected (5,)"),
    ("01-assign-labels", assign_wrong_axis, "one per centroid"),
    ("01-assign-labels", assign_last_on_tie, "as close to centroid 0 as to centroid 2"),
    ("01-assign-labels", assign_uint8, "wraps around"),
    ("01-assign-labels", assign_lists_crash, "plain Python lists"),
    ("01-assign-labels", assign_returns_lists, "not a NumPy array"),
    ("01-assign-labels", assign_float_labels, "dtype float64; expected integers"),
    ("01-assign-labels", assign_centres_in_place, "changed its argument X in place"),
    ("01-update-centroids", update_sum, "the sum of its 2 points"),
    ("01-update-centroids", update_nan, "is NaN, but cluster 1 has no point"),
    ("01-update-centroids", update_uint8, "sums wrap around past 255"),
    ("01-update-centroids", update_int, "dtype int64; expected floats"),
    ("01-update-centroids", update_same_point_for_every_empty, "both got the centroid"),
    ("01-update-centroids", update_wrong_axis, "has shape (3,); expected (3, 2)"),
    ("01-kmeans-loop", loop_never_converges, "ran all max_iter = 100 iterations"),
    ("01-kmeans-loop", loop_one_round, "stopped after 1 iteration, but"),
    ("01-kmeans-loop", loop_ignores_max_iter, "more than max_iter = 1"),
    ("01-kmeans-loop", loop_in_place, "changed its argument centroids in place"),
    ("01-init-pixels", pixels_first_k, "same centroids for seeds 0 to 39"),
    ("01-init-pixels", pixels_with_replacement, "picked"),
    ("01-init-pixels", pixels_unseeded, "gave different centroids"),
    ("01-init-pixels", pixels_indices, "not their indices"),
    ("01-init-pixels", pixels_uint8, "dtype uint8; expected floats"),
    ("01-init-pixels", pixels_uniform, "is not a pixel of X"),
    ("02-recolor", recolor_truncates, "cuts off the decimals"),
    ("02-recolor", recolor_no_clip, "clip to 0..255"),
    ("02-recolor", recolor_flat, "one row per pixel"),
    ("02-recolor", recolor_float, "dtype float64; expected uint8"),
    ("02-recolor", recolor_width_first, "has shape (3, 2, 3); expected (2, 3, 3)"),
    ("02-color-histogram", histogram_uint8_codes, "loses the bits"),
    ("02-color-histogram", histogram_unsorted, "sort them by (R, G, B)"),
    ("02-color-histogram", histogram_flat, "single values"),
    ("02-color-histogram", histogram_int64, "dtype int64; expected uint8"),
    ("03-sse-curve", curve_mse, "that is the MSE"),
    ("03-sse-curve", curve_uint8, "wraps around"),
    ("03-sse-curve", curve_list, "returned a list"),
    ("03-sse-curve", curve_sorted, "in the order of ks"),
    ("03-sse-curve", curve_named_wrong, "expected k and sse"),
    ("03-find-knee", knee_position, "the position of the knee"),
    ("03-find-knee", knee_biggest_drop, "where the SSE drops most"),
    ("03-find-knee", knee_float, "a float; expected an int"),
    ("03-find-knee", knee_argmin, "farthest from the chord"),
    ("04-patch-features", patches_zero_pad, "pads with zeros"),
    ("04-patch-features", patches_interior_only, "the interior pixels only"),
    ("04-patch-features", patches_off_by_one, "centred on the pixel"),
    ("04-patch-features", patches_column_major_patch, "the patch is read column by column"),
    ("04-patch-features", patches_column_major_pixels, "the rows follow the pixels column by"),
    ("04-patch-features", patches_int64, "dtype int64; expected uint8"),
    ("04-patch-features", patches_3d, "reshape it to (H * W, p * p)"),
    ("04-vote", vote_half_is_enough, "not more than half"),
    ("04-vote", vote_plurality_smallest, "not more than half"),
    ("04-vote", vote_majority_else_smallest, "not the smallest label"),
    ("04-vote", vote_farthest, "the farthest neighbour's color"),
    ("04-vote", vote_wrong_axis, "one per neighbour"),
    ("04-vote", vote_sorts_in_place, "changed its argument neighbor_labels in place"),
    ("04-vote", vote_list, "not a NumPy array"),
    ("04-rmse", rmse_no_root, "that is the MSE; take its square root"),
    ("04-rmse", rmse_uint8, "wraps around"),
    ("04-rmse", rmse_sum, "the sum of the squared errors"),
    ("04-rmse", rmse_mae, "mean absolute error"),
    ("04-rmse", rmse_per_channel, "; expected one number"),
    ("05-sigmoid", sigmoid_sign, "that is σ(−z)"),
    ("05-sigmoid", sigmoid_overflows, "overflows to inf"),
    ("05-sigmoid", sigmoid_math, "raised TypeError"),
    ("05-sigmoid", sigmoid_in_place, "changed its argument z in place"),
    ("05-sigmoid", sigmoid_list, "not a NumPy array"),
    ("05-sigmoid-derivative", derivative_one_minus_z, "you computed σ(z)(1 − z)"),
    ("05-sigmoid-derivative", derivative_on_z, "you computed z(1 − z)"),
    ("05-sigmoid-derivative", derivative_squared, "you computed σ(z)²"),
    ("05-sigmoid-derivative", derivative_is_sigmoid, "you computed σ(z) itself"),
    ("05-forward", forward_softmax_columns, "the columns of P sum to 1"),
    ("05-forward", forward_overflows, "P holds NaN"),
    ("05-forward", forward_sigmoid_output, "a sigmoid on the last layer"),
    ("05-forward", forward_no_bias, "without the biases"),
    ("05-forward", forward_scores, "the scores, not probabilities"),
    ("05-forward", forward_relu_hidden, "each hidden layer is σ(A @ W + b)"),
    ("05-backward", backward_sum, "n = 4 times too large"),
    ("05-backward", backward_sign, "the wrong sign"),
    ("05-backward", backward_derivative_of_z, "dW[0] has relative error"),
    ("05-backward", backward_db_not_summed, "sum dZ over the samples"),
    ("05-backward", backward_dw_transposed, "dW[0] has shape (3, 2); expected (2, 3)"),
    ("05-train-epoch", epoch_in_place, "changed its argument weights in place"),
    ("05-train-epoch", epoch_drops_partial_batch, "(a partial batch) were left out"),
    ("05-train-epoch", epoch_ignores_order, "visit them in the order given"),
    ("05-train-epoch", epoch_whole_set, "one step on the whole set"),
    ("05-train-epoch", epoch_uphill, "the steps go uphill"),
    ("05-train-epoch", epoch_no_learning_rate, "the learning rate was not used"),
]


@pytest.mark.parametrize("exercise_id, wrong, phrase", MISTAKES,
                         ids=[m[1].__name__ for m in MISTAKES])
def test_a_deliberate_mistake_fails_with_a_message_naming_it(exercise_id, wrong, phrase, capsys):
    exercise = ex.CATALOGUE[exercise_id]
    used = exercise.check(wrong)
    message = capsys.readouterr().out.strip()
    assert used is exercise.reference
    assert message.startswith(f"✗ {exercise.function}: "), message
    assert phrase in message, message
    assert message.endswith("the rest of the notebook uses labkit's version.")
    assert "\n" not in message


def test_every_exercise_is_tested_with_at_least_three_mistakes():
    per_exercise = pd.Series([m[0] for m in MISTAKES]).value_counts()
    assert set(per_exercise.index) == set(ex.CATALOGUE) and per_exercise.min() >= 3


def test_a_mistake_message_shows_the_smallest_failing_case():
    message = verdict("01-assign-labels", assign_sqrt).message
    assert "for X = [[0, 0], [9, 0], [1, 1], [8, 2], [5, 6]], centroids = [[1, 0], [10, 0]" \
        in message


def test_the_gradient_message_states_the_tolerance():
    message = verdict("05-sigmoid-derivative", derivative_one_minus_z).message
    assert "above the tolerance 1e-6" in message and "numerical gradient" in message
