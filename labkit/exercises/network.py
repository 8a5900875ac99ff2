"""Checks for the exercises of ``notebooks/05_neural_agent.ipynb``.

The student writes the sigmoid and its derivative, the forward pass, the backward pass and
one epoch of mini-batch gradient descent of a network with sigmoid hidden layers and a
softmax output. The references are built from :mod:`labkit.layers` (one layer at a time,
as the lesson teaches); gradients are also compared with numerical ones, the central
difference (L(θ + h) − L(θ − h)) / 2h, at a stated tolerance.

A network is two lists: ``weights[l]`` of shape (n_in, n_out) and ``biases[l]`` of shape
(n_out,); labels ``y`` are integers 0..k−1 and the loss is the mean cross-entropy.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from labkit.exercises import backprop as bp
from labkit.exercises.checking import Case, Exercise
from labkit.exercises.compare import Mistake, need_array, need_close, need_parts, show

NOTEBOOK = "05_neural_agent"
_TOLERANCE = f"{bp.GRADIENT_TOLERANCE:.0e}".replace("e-0", "e-")  # "1e-6"
# --- 05-sigmoid and 05-sigmoid-derivative --------------------------------------------------


def _sigmoid_cases() -> list[Case]:
    return [
        Case({"z": np.array([-2.0, 0.0, 3.0])}),
        Case({"z": np.array([[0.0, 1.0], [-1.0, 5.0]])}),
        Case({"z": np.array([-800.0, 800.0])}, kind="extreme"),
        Case({"z": [0, 1, 2]}, kind="list"),
    ]


def _sigmoid_compare(got, expected, case: Case) -> None:
    got = need_array(got, "sigmoid(z)", expected.shape, "float")
    if np.allclose(got, expected, rtol=1e-9, atol=1e-12):
        return
    z = np.asarray(case.args["z"], dtype=float)
    i = tuple(int(j) for j in np.argwhere(~np.isclose(got, expected, rtol=1e-9, atol=1e-12))[0])
    at = f"σ({show(z[i])}) is {show(got[i])}; expected {show(expected[i])}"
    if np.isnan(got[i]):
        raise Mistake(f"{at}: e^z overflows to inf for large z and inf / inf is NaN; compute "
                      f"1 / (1 + np.exp(-z)), whose limit is right")
    if np.allclose(got, 1 - expected):
        raise Mistake(f"{at}: that is σ(−z); σ(z) = 1 / (1 + e^(−z))")
    raise Mistake(f"{at}: σ(z) = 1 / (1 + e^(−z))")


def _derivative_compare(got, expected, case: Case) -> None:
    got = need_array(got, "sigmoid_derivative(z)", expected.shape, "float")
    z = np.asarray(case.args["z"], dtype=float)
    if case.kind == "extreme":  # the numerical gradient is meaningless there; σ' → 0
        need_close(got, expected, "sigmoid_derivative(z)", rtol=1e-6, atol=1e-12)
        return
    h = 1e-5
    numerical = (bp.sigmoid(z + h) - bp.sigmoid(z - h)) / (2 * h)
    error = bp.relative_error(got, numerical)
    if error <= bp.GRADIENT_TOLERANCE:
        return
    s = bp.sigmoid(z)
    text = (f"its relative error against the numerical gradient (σ(z + h) − σ(z − h)) / 2h "
            f"is {error:.2g}, above the tolerance {_TOLERANCE}")
    for wrong, what in ((s * (1 - z), "σ(z)(1 − z)"), (z * (1 - z), "z(1 − z)"),
                        (s * s, "σ(z)²"), (s, "σ(z) itself")):
        if np.allclose(got, wrong):
            raise Mistake(f"{text}: you computed {what}; σ'(z) = σ(z)(1 − σ(z))")
    raise Mistake(f"{text}: σ'(z) = σ(z)(1 − σ(z))")


SIGMOID = Exercise(
    id="05-sigmoid", notebook=NOTEBOOK, function="sigmoid",
    reference=bp.sigmoid, cases=_sigmoid_cases, compare=_sigmoid_compare,
    covers="any shape, z = ±800 without NaN, lists as input")

SIGMOID_DERIVATIVE = Exercise(
    id="05-sigmoid-derivative", notebook=NOTEBOOK, function="sigmoid_derivative",
    reference=bp.sigmoid_derivative, cases=_sigmoid_cases, compare=_derivative_compare,
    covers=f"numerical gradients within {_TOLERANCE}, z = ±800, lists as input")


# --- 05-forward ----------------------------------------------------------------------------


def _forward_cases() -> list[Case]:
    X, _ = bp.random_data(4, 2, 2, 0)
    X3, _ = bp.random_data(5, 3, 3, 1)
    W, b = bp.random_network((2, 3, 2), 0)
    W3, b3 = bp.random_network((3, 4, 4, 3), 1)
    big_W, big_b = bp.random_network((2, 3, 2), 2, scale=2000.0)
    return [
        Case({"X": X, "weights": W, "biases": b}, note="4 samples, a 2-3-2 network"),
        Case({"X": X3, "weights": W3, "biases": b3}, note="5 samples, a 3-4-4-3 network"),
        Case({"X": X, "weights": big_W, "biases": big_b}, kind="big",
             note="4 samples, a 2-3-2 network with weights in the hundreds"),
        Case({"X": X.tolist(), "weights": W, "biases": b}, kind="list",
             note="X as a list, a 2-3-2 network"),
    ]


def _forward_compare(got, expected, case: Case) -> None:
    n, k = expected.shape
    if isinstance(got, np.ndarray) and got.shape == (k, n) and n != k:
        raise Mistake(f"P has shape {got.shape}; expected ({n}, {k}), one row per sample")
    got = need_array(got, "P", (n, k), "float")
    if np.allclose(got, expected, rtol=1e-7, atol=1e-10):
        return
    weights, biases = case.args["weights"], case.args["biases"]
    scores = bp.scores(case.args["X"], weights, biases)
    if np.isnan(got).any():
        raise Mistake("P holds NaN: e^s overflows for large scores s; subtract each row's "
                      "maximum before np.exp (softmax does not change)")
    if np.allclose(got.sum(axis=0), 1) and not np.allclose(got.sum(axis=1), 1):
        raise Mistake("the columns of P sum to 1, not its rows: softmax normalises each sample's "
                      "scores (sum over axis=1, keepdims=True)")
    no_bias = [np.zeros_like(np.asarray(b, float)) for b in biases]
    for wrong, what in ((scores, "the scores, not probabilities: apply softmax"),
                        (bp.sigmoid(scores), "a sigmoid on the last layer; its "
                         "output is softmax"),
                        (bp.forward(case.args["X"], weights, no_bias),
                         "computed without the biases: Z = A @ W + b")):
        if np.allclose(got, wrong, rtol=1e-7, atol=1e-10):
            raise Mistake(f"P is {what}")
    need_close(got, expected, "P", rtol=1e-7, atol=1e-10,
               hint="each hidden layer is σ(A @ W + b), the last one softmax(A @ W + b)")


FORWARD = Exercise(
    id="05-forward", notebook=NOTEBOOK, function="forward",
    reference=bp.forward, cases=_forward_cases, compare=_forward_compare,
    covers="one and two hidden layers, large scores, lists as input")


# --- 05-backward ---------------------------------------------------------------------------


def _backward_cases() -> list[Case]:
    X, y = bp.random_data(4, 2, 2, 3)
    X3, y3 = bp.random_data(6, 3, 3, 4)
    return [
        Case({"X": X, "y": y, "weights": bp.random_network((2, 3, 2), 3)[0],
              "biases": bp.random_network((2, 3, 2), 3)[1]}, note="4 samples, a 2-3-2 network"),
        Case({"X": X3, "y": y3, "weights": bp.random_network((3, 4, 4, 3), 4)[0],
              "biases": bp.random_network((3, 4, 4, 3), 4)[1]},
             note="6 samples, a 3-4-4-3 network"),
        Case({"X": X.tolist(), "y": y.tolist(), "weights": bp.random_network((2, 3, 2), 3)[0],
              "biases": bp.random_network((2, 3, 2), 3)[1]}, kind="list",
             note="X and y as lists, a 2-3-2 network"),
    ]


def _backward_compare(got, expected, case: Case) -> None:
    dW, db = need_parts(got, "backward", ("dW", "db"))
    want_dW, want_db = expected
    L, n = len(want_dW), len(case.args["y"])
    for grads, name in ((dW, "dW"), (db, "db")):
        if not isinstance(grads, (list, tuple)) or len(grads) != L:
            raise Mistake(f"{name} is {show(grads)}; expected a list of {L} arrays, one per layer")
    for layer in range(L):
        need_array(dW[layer], f"dW[{layer}]", want_dW[layer].shape, "float")
        if isinstance(db[layer], np.ndarray) and db[layer].shape == (n, len(want_db[layer])):
            raise Mistake(f"db[{layer}] has shape {db[layer].shape}; expected "
                          f"({len(want_db[layer])},): sum dZ over the samples (axis=0)")
        need_array(db[layer], f"db[{layer}]", want_db[layer].shape, "float")
    got_all = np.concatenate([np.ravel(g) for g in list(dW) + list(db)])
    want_all = np.concatenate([np.ravel(g) for g in want_dW + want_db])
    if bp.relative_error(got_all, want_all) <= bp.GRADIENT_TOLERANCE:
        return
    if np.allclose(got_all, n * want_all):
        raise Mistake(f"the gradients are n = {n} times too large: the loss is the mean over the "
                      f"samples, so dZ of the last layer is (P − Y) / n")
    if np.allclose(got_all, -want_all):
        raise Mistake("the gradients have the wrong sign: dZ of the last layer is P − Y, "
                      "divided by n")
    X, y, weights, biases = (case.args[a] for a in ("X", "y", "weights", "biases"))
    for layer in range(L - 1, -1, -1):
        numerical = bp.numerical_gradient(X, y, weights, biases, layer)
        error = bp.relative_error(dW[layer], numerical)
        if error > bp.GRADIENT_TOLERANCE:
            where = ("the last layer: dZ = (P − Y) / n, dW = Aᵀ dZ" if layer == L - 1 else
                     "a hidden layer while the layers above are right: pass the gradient "
                     "back as dZ = (dZ_next @ W_nextᵀ) · σ'(Z), with σ'(Z) = A(1 − A)")
            raise Mistake(f"dW[{layer}] has relative error {error:.2g} against the numerical "
                          f"gradient, above the tolerance {_TOLERANCE}; look at {where}")
    for layer in range(L):
        error = bp.relative_error(db[layer], want_db[layer])
        if error > bp.GRADIENT_TOLERANCE:
            raise Mistake(f"db[{layer}] has relative error {error:.2g}, above the tolerance "
                          f"{_TOLERANCE}: db = dZ summed over the samples")


BACKWARD = Exercise(
    id="05-backward", notebook=NOTEBOOK, function="backward",
    reference=bp.backward, cases=_backward_cases, compare=_backward_compare,
    covers=f"numerical gradients within {_TOLERANCE}, one and two hidden layers")


# --- 05-train-epoch ------------------------------------------------------------------------


def _epoch_cases() -> list[Case]:
    X, y = bp.random_data(10, 2, 2, 5)
    W, b = bp.random_network((2, 3, 2), 5)
    order = np.random.default_rng(5).permutation(10)
    args = {"X": X, "y": y, "weights": W, "biases": b, "learning_rate": 0.5}
    note = "10 samples, a 2-3-2 network, learning_rate = 0.5, "
    return [
        Case({**args, "batch_size": 5, "order": order}, note=note + "batch_size = 5"),
        Case({**args, "batch_size": 4, "order": order}, note=note + "batch_size = 4"),
        Case({**args, "batch_size": 1, "order": order}, note=note + "batch_size = 1"),
    ]


def _epoch_compare(got, expected, case: Case) -> None:
    weights, biases = need_parts(got, "train_epoch", ("weights", "biases"))
    want_W, want_b = expected
    for got_list, want_list, name in ((weights, want_W, "weights"), (biases, want_b, "biases")):
        if not isinstance(got_list, (list, tuple)) or len(got_list) != len(want_list):
            raise Mistake(f"{name} is {show(got_list)}; expected a list of {len(want_list)} arrays")
        for layer, (g, w) in enumerate(zip(got_list, want_list)):
            need_array(g, f"{name}[{layer}]", w.shape, "float")
    got_all = np.concatenate([np.ravel(a) for a in list(weights) + list(biases)])
    want_all = np.concatenate([np.ravel(a) for a in want_W + want_b])
    if np.allclose(got_all, want_all, rtol=1e-7, atol=1e-10):
        return
    args = dict(case.args)
    n, size = len(args["order"]), args["batch_size"]
    variants = [({"order": np.arange(n)}, "the rows were visited in their own order; visit "
                 "them in the order given (X[order[start:start + batch_size]])"),
                ({"batch_size": n}, "that is one step on the whole set; take one step per "
                 "mini-batch of batch_size rows"),
                ({"learning_rate": -args["learning_rate"]},
                 "the steps go uphill: w ← w − η ∇L"),
                ({"learning_rate": 1.0}, "the learning rate was not used: w ← w − η ∇L")]
    if n % size:
        variants.append(({"order": args["order"][: n - n % size]}, f"the last {n % size} rows "
                         f"(a partial batch) were left out; range(0, n, batch_size) includes it"))
    for change, what in variants:
        W, b = bp.train_epoch(*{**args, **change}.values())
        if np.allclose(got_all, np.concatenate([np.ravel(a) for a in W + b])):
            raise Mistake(f"the weights are not those of one epoch: {what}")
    raise Mistake(f"weights[0][0] is {show(np.asarray(weights[0])[0])}; expected "
                  f"{show(want_W[0][0])}: for each mini-batch, compute the gradients with "
                  f"backward and step every weight and bias by −learning_rate × gradient")


TRAIN_EPOCH = Exercise(
    id="05-train-epoch", notebook=NOTEBOOK, function="train_epoch",
    reference=bp.train_epoch, cases=_epoch_cases, compare=_epoch_compare,
    covers="batch sizes 5, 4 (a partial last batch) and 1, the order of the rows")

EXERCISES = (SIGMOID, SIGMOID_DERIVATIVE, FORWARD, BACKWARD, TRAIN_EPOCH)


def check_sigmoid(function: Callable) -> Callable:
    """Check ``sigmoid(z) -> σ(z)``; return the one to use."""
    return SIGMOID.check(function)


def check_sigmoid_derivative(function: Callable) -> Callable:
    """Check ``sigmoid_derivative(z) -> σ'(z)`` against numerical gradients."""
    return SIGMOID_DERIVATIVE.check(function)


def check_forward(function: Callable) -> Callable:
    """Check ``forward(X, weights, biases) -> P``; return the one to use."""
    return FORWARD.check(function)


def check_backward(function: Callable) -> Callable:
    """Check ``backward(X, y, weights, biases) -> (dW, db)`` against numerical gradients."""
    return BACKWARD.check(function)


def check_train_epoch(function: Callable) -> Callable:
    """Check ``train_epoch(X, y, weights, biases, learning_rate, batch_size, order)``."""
    return TRAIN_EPOCH.check(function)
