"""Tests of the from-scratch network: gradients against numerical differentiation,
training with each optimiser, determinism, normalisation, divergence and argument checks."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from scipy.special import expit, softmax
from sklearn.metrics import log_loss

from labkit import mlp
from labkit.mlp import MLP


@pytest.fixture
def blobs():
    """Three well separated 2-D blobs, 20 points each: learnable to 100 % accuracy."""
    rng = np.random.default_rng(1)
    centres = np.array([[0.0, 0.0], [4.0, 0.0], [0.0, 4.0]])
    X = np.concatenate([rng.normal(c, 0.5, size=(20, 2)) for c in centres]) * 30 + 100
    y = np.repeat(np.arange(3), 20)
    return X, y


def _numerical_gradients(net, X, y, h=1e-6):
    """Central differences (L(θ + h) − L(θ − h)) / 2h for every weight and bias."""
    grads = []
    for param in net.weights + net.biases:
        g = np.zeros_like(param)
        for idx in np.ndindex(param.shape):
            keep = param[idx]
            param[idx] = keep + h
            plus = net.loss(X, y)
            param[idx] = keep - h
            minus = net.loss(X, y)
            param[idx] = keep
            g[idx] = (plus - minus) / (2 * h)
        grads.append(g)
    return grads


def _relative_error(a, b):
    a = np.concatenate([x.ravel() for x in a])
    b = np.concatenate([x.ravel() for x in b])
    return np.linalg.norm(a - b) / (np.linalg.norm(a) + np.linalg.norm(b))


def _reference_forward(net, X):
    """Forward pass written independently with scipy's expit and softmax."""
    A = (np.asarray(X, float) - net.mean_) / net.scale_
    funcs = {"sigmoid": expit, "relu": lambda z: np.maximum(z, 0), "tanh": np.tanh}
    for W, b, name in zip(net.weights[:-1], net.biases[:-1], net.activations):
        A = funcs[name](A @ W + b)
    Z = A @ net.weights[-1] + net.biases[-1]
    return softmax(Z, axis=1) if net.output == "softmax" else expit(Z)


# --- gradients --------------------------------------------------------------------------


@pytest.mark.parametrize("output", ["softmax", "sigmoid"])
@pytest.mark.parametrize("activations", ["sigmoid", "relu", "tanh", ("relu", "tanh")])
def test_gradients_match_numerical_differentiation(activations, output):
    rng = np.random.default_rng(3)
    X = rng.normal(size=(7, 3))
    y = np.array([0, 1, 2, 3, 0, 1, 2])
    net = MLP((3, 5, 4, 4), activations, output=output, seed=4)
    for b in net.biases:  # non-zero biases, so that their gradients are tested too
        b[:] = rng.normal(scale=0.3, size=b.shape)
    if "relu" in net.activations:  # keep away from the kink at 0, where f' jumps
        Zs, _ = mlp._forward(net.weights, net.biases, net.activations, net.output, X)
        assert min(np.abs(Z).min() for Z in Zs[:-1]) > 1e-4
    g = net.gradients(X, y)
    numerical = _numerical_gradients(net, X, y)
    assert _relative_error(g.weights + g.biases, numerical) < 1e-6


def test_gradients_include_the_stored_normalisation(blobs):
    X, y = blobs
    net = MLP((2, 4, 3), "tanh", seed=0).fit(X, y, optimizer="gd", epochs=2)
    g = net.gradients(X[:10], y[:10])
    numerical = _numerical_gradients(net, X[:10], y[:10])
    assert _relative_error(g.weights + g.biases, numerical) < 1e-6


def test_chunked_gradients_equal_whole_batch_gradients(monkeypatch, blobs):
    X, y = blobs
    net = MLP((2, 6, 3), "sigmoid", seed=0)
    whole = net.gradients(X, y)
    monkeypatch.setattr(mlp, "_MEMORY_BUDGET", 8 * 2 * sum(net.layer_sizes) * 7)  # 7 rows
    assert net._chunk_rows() == 7
    chunked = net.gradients(X, y)
    for a, b in zip(whole.weights + whole.biases, chunked.weights + chunked.biases):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-15)


# --- loss and probabilities -------------------------------------------------------------


def test_softmax_loss_equals_scikit_learn_log_loss(blobs):
    X, y = blobs
    X = (X - 100) / 30  # moderate logits: log_loss clips probabilities near 0
    net = MLP((2, 5, 3), "relu", seed=2)
    assert net.loss(X, y) == pytest.approx(log_loss(y, net.predict_proba(X)), rel=1e-10)


def test_sigmoid_output_loss_is_binary_cross_entropy_summed_over_outputs(blobs):
    X, y = blobs
    X = (X - 100) / 30
    net = MLP((2, 5, 3), "tanh", output="sigmoid", seed=2)
    P = net.predict_proba(X)
    Y = np.eye(3)[y]
    expected = -(Y * np.log(P) + (1 - Y) * np.log(1 - P)).sum(axis=1).mean()
    assert net.loss(X, y) == pytest.approx(expected, rel=1e-10)


def test_probabilities_stay_finite_without_warnings_for_huge_logits():
    net = MLP((2, 3, 3), "sigmoid", seed=0)
    net.weights = [W * 1e4 for W in net.weights]
    X = np.array([[1e4, -1e4], [-1e4, 1e4]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        P = net.predict_proba(X)
        loss = net.loss(X, [0, 1])
    assert np.isfinite(P).all() and np.allclose(P.sum(axis=1), 1)
    assert np.isfinite(loss) and loss >= 0


def test_predict_is_the_argmax_of_predict_proba(blobs):
    X, _y = blobs
    net = MLP((2, 5, 3), seed=1)
    np.testing.assert_array_equal(net.predict(X), net.predict_proba(X).argmax(axis=1))


# --- training ---------------------------------------------------------------------------

OPTIMISER_SETTINGS = {
    "gd": {"learning_rate": 1.0, "epochs": 300},
    "mbgd": {"learning_rate": 0.5, "epochs": 60, "batch_size": 8},
    "sgd": {"learning_rate": 0.1, "epochs": 30},
    "momentum": {"learning_rate": 0.1, "epochs": 60, "batch_size": 8},
    "adam": {"learning_rate": 0.05, "epochs": 60, "batch_size": 8},
}


@pytest.mark.parametrize("optimizer", sorted(OPTIMISER_SETTINGS))
def test_each_optimizer_learns_separable_blobs_perfectly(blobs, optimizer):
    X, y = blobs
    net = MLP((2, 8, 3), "sigmoid", seed=0)
    net.fit(X, y, optimizer=optimizer, **OPTIMISER_SETTINGS[optimizer])
    assert (net.predict(X) == y).mean() == 1.0
    assert net.loss_history_[-1] < net.loss_history_[0]


def test_full_batch_gradient_descent_with_a_small_step_never_increases_the_loss(blobs):
    X, y = blobs
    net = MLP((2, 6, 3), "tanh", seed=0).fit(X, y, optimizer="gd", learning_rate=0.1,
                                              epochs=50)
    assert np.all(np.diff(net.loss_history_) <= 1e-12)


def test_gd_loss_history_is_the_whole_set_loss_at_the_start_of_each_epoch(blobs):
    X, y = blobs
    after_epoch = []
    net = MLP((2, 6, 3), seed=0)
    untrained = MLP((2, 6, 3), seed=0)
    net.fit(X, y, optimizer="gd", learning_rate=0.5, epochs=4,
            callback=lambda epoch, loss: after_epoch.append(net.loss(X, y)))
    untrained.mean_, untrained.scale_ = X.mean(axis=0), X.std(axis=0)
    np.testing.assert_allclose(net.loss_history_[0], untrained.loss(X, y), rtol=1e-12)
    np.testing.assert_allclose(net.loss_history_[1:], after_epoch[:-1], rtol=1e-12)


def test_minibatch_loss_history_is_the_mean_of_the_batch_losses(blobs, monkeypatch):
    X, y = blobs
    net = MLP((2, 6, 3), "tanh", seed=0)
    seen = []  # (batch size, its loss computed independently, before the step)
    original = net._loss_and_gradients

    def spy(Xb, Yb):
        Z = np.tanh(Xb @ net.weights[0] + net.biases[0]) @ net.weights[1] + net.biases[1]
        seen.append((len(Xb), -np.mean(np.log(softmax(Z, axis=1)[Yb.astype(bool)]))))
        return original(Xb, Yb)

    monkeypatch.setattr(net, "_loss_and_gradients", spy)
    net.fit(X, y, optimizer="mbgd", learning_rate=0.1, epochs=2, batch_size=25)
    sizes, losses = np.array(seen).T
    assert list(sizes) == [25, 25, 10] * 2
    for epoch in range(2):
        part = slice(3 * epoch, 3 * epoch + 3)
        expected = np.average(losses[part], weights=sizes[part])
        assert net.loss_history_[epoch] == pytest.approx(expected, rel=1e-10)


def test_same_seed_gives_bit_identical_weights_and_history(blobs):
    X, y = blobs
    runs = [MLP((2, 6, 3), "relu", seed=7).fit(X, y, optimizer="adam", epochs=5, batch_size=8)
            for _ in range(2)]
    for a, b in zip(runs[0].weights + runs[0].biases, runs[1].weights + runs[1].biases):
        assert np.array_equal(a, b)
    assert np.array_equal(runs[0].loss_history_, runs[1].loss_history_)
    other = MLP((2, 6, 3), "relu", seed=8).fit(X, y, optimizer="adam", epochs=5, batch_size=8)
    assert not np.array_equal(other.weights[0], runs[0].weights[0])


def test_a_generator_seed_is_used_as_given(blobs):
    X, y = blobs
    a = MLP((2, 4, 3), seed=np.random.default_rng(5)).fit(X, y, epochs=2, batch_size=8)
    b = MLP((2, 4, 3), seed=5).fit(X, y, epochs=2, batch_size=8)
    assert np.array_equal(a.weights[0], b.weights[0])


def test_fit_continues_from_the_current_weights(blobs):
    X, y = blobs
    net = MLP((2, 6, 3), seed=0).fit(X, y, optimizer="gd", learning_rate=0.1, epochs=3)
    first = net.loss_history_.copy()
    net.fit(X, y, optimizer="gd", learning_rate=0.1, epochs=3)
    longer = MLP((2, 6, 3), seed=0).fit(X, y, optimizer="gd", learning_rate=0.1, epochs=6)
    np.testing.assert_allclose(np.concatenate([first, net.loss_history_]),
                               longer.loss_history_, rtol=1e-12)


def test_learning_rate_decay_shrinks_the_steps(blobs):
    X, y = blobs
    seen = []

    class Spy(mlp._Plain):
        def step(self, params, grads):
            seen.append(self.lr)
            super().step(params, grads)

    original = mlp._OPTIMIZER_CLASSES["gd"]
    mlp._OPTIMIZER_CLASSES["gd"] = Spy
    try:
        MLP((2, 3), seed=0).fit(X, y, optimizer="gd", learning_rate=0.6, epochs=3, decay=0.5)
    finally:
        mlp._OPTIMIZER_CLASSES["gd"] = original
    np.testing.assert_allclose(seen, [0.6, 0.6 / 1.5, 0.6 / 2.0])


# --- mean normalisation -------------------------------------------------------------------


def test_normalisation_statistics_are_stored_on_fit(blobs):
    X, y = blobs
    X = np.column_stack([X, np.full(len(X), 7.0)])  # a constant column: scale 1, not 0
    net = MLP((3, 4, 3), seed=0).fit(X, y, epochs=1)
    np.testing.assert_allclose(net.mean_, X.mean(axis=0))
    np.testing.assert_allclose(net.scale_, [X[:, 0].std(), X[:, 1].std(), 1.0])


def test_predict_applies_the_stored_statistics(blobs):
    X, y = blobs
    net = MLP((2, 5, 4, 3), ("relu", "tanh"), seed=0).fit(X, y, epochs=3, batch_size=8)
    np.testing.assert_allclose(net.predict_proba(X), _reference_forward(net, X), rtol=1e-10)
    np.testing.assert_array_equal(net.predict(X), _reference_forward(net, X).argmax(axis=1))
    # New data are normalised with the training statistics, not their own.
    X_new = X[:5] + 50.0
    np.testing.assert_allclose(net.predict_proba(X_new), _reference_forward(net, X_new),
                               rtol=1e-10)


def test_normalize_false_feeds_raw_inputs(blobs):
    X, y = blobs
    net = MLP((2, 4, 3), seed=0).fit(X / 100, y, epochs=1, normalize=False)
    assert net.mean_ is None and net.scale_ is None


# --- callback, early stop, progress ---------------------------------------------------


def test_callback_is_called_once_per_epoch_with_the_loss(blobs):
    X, y = blobs
    calls = []
    net = MLP((2, 4, 3), seed=0).fit(X, y, epochs=4, batch_size=16,
                                     callback=lambda epoch, loss: calls.append((epoch, loss)))
    assert [e for e, _ in calls] == [1, 2, 3, 4]
    np.testing.assert_array_equal([loss for _, loss in calls], net.loss_history_)


def test_callback_returning_false_stops_training(blobs):
    X, y = blobs
    net = MLP((2, 4, 3), seed=0).fit(X, y, epochs=10, batch_size=16,
                                     callback=lambda epoch, loss: epoch < 3 and None)
    assert len(net.loss_history_) == 3


def test_progress_bar_runs(blobs):
    X, y = blobs
    net = MLP((2, 4, 3), seed=0).fit(X, y, epochs=2, progress=True)
    assert len(net.loss_history_) == 2


# --- divergence and argument checks -------------------------------------------------------


@pytest.mark.parametrize("optimizer, activation", [("gd", "relu"), ("gd", "sigmoid")])
def test_divergence_raises_naming_the_learning_rate(blobs, optimizer, activation):
    X, y = blobs
    net = MLP((2, 8, 3), activation, seed=0)
    with pytest.raises(ValueError, match=r"diverged at epoch \d+ with learning_rate=1000000\.0"
                                         r".*smaller learning rate such as 1e\+05"):
        net.fit(X, y, optimizer=optimizer, learning_rate=1e6, epochs=5)


@pytest.mark.parametrize("lr, error", [(0, ValueError), (-0.1, ValueError),
                                       (float("nan"), ValueError), (float("inf"), ValueError),
                                       ("fast", TypeError), (True, TypeError)])
def test_bad_learning_rate_is_refused(blobs, lr, error):
    X, y = blobs
    with pytest.raises(error, match="learning_rate"):
        MLP((2, 4, 3), seed=0).fit(X, y, learning_rate=lr)


@pytest.mark.parametrize("kwargs, match", [
    ({"optimizer": "newton"}, "optimizer must be one of"),
    ({"epochs": 0}, "epochs"),
    ({"epochs": 2.5}, "epochs"),
    ({"batch_size": 0}, "batch_size"),
    ({"momentum": 1.0}, "momentum"),
    ({"decay": -1.0}, "decay"),
    ({"callback": 3}, "callback"),
])
def test_bad_training_options_are_refused(blobs, kwargs, match):
    X, y = blobs
    with pytest.raises((ValueError, TypeError), match=match):
        MLP((2, 4, 3), seed=0).fit(X, y, **kwargs)


@pytest.mark.parametrize("args, kwargs, match", [
    (((2, 4, 3), "softplus"), {}, "activation must be one of"),
    (((2, 4, 4, 3), ("relu",)), {}, "one activation per hidden layer"),
    (((2, 4, 3),), {"output": "linear"}, "output must be one of"),
    (((2,),), {}, "at least an input and an output"),
    (((2, 0, 3),), {}, "layer size"),
    (((2, 4, 1),), {}, "at least 2 units"),
    (("abc",), {}, "sequence of integers"),
    (((2, 4, 3),), {"seed": -1}, "seed"),
])
def test_bad_architecture_is_refused(args, kwargs, match):
    with pytest.raises((ValueError, TypeError), match=match):
        MLP(*args, **kwargs)


@pytest.mark.parametrize("X, y, error, match", [
    (np.zeros((4, 3)), [0, 1, 2, 0], ValueError, r"X must have shape \(n, 2\)"),
    (np.zeros(4), [0, 1, 2, 0], ValueError, r"X must have shape \(n, 2\)"),
    (np.zeros((0, 2)), [], ValueError, "n ≥ 1"),
    (np.full((4, 2), np.nan), [0, 1, 2, 0], ValueError, "finite"),
    ([["a", "b"]] * 4, [0, 1, 2, 0], TypeError, "numbers"),
    (np.zeros((4, 2)), [0, 1, 2], ValueError, r"y must have shape \(4,\)"),
    (np.zeros((4, 2)), [0, 1, 3, 0], ValueError, r"labels in 0\.\.2"),
    (np.zeros((4, 2)), [0, -1, 2, 0], ValueError, r"labels in 0\.\.2"),
    (np.zeros((4, 2)), [0.0, 1.0, 2.0, 0.0], TypeError, "integer class labels"),
])
def test_bad_data_are_refused(X, y, error, match):
    with pytest.raises(error, match=match):
        MLP((2, 4, 3), seed=0).fit(X, y)


def test_predict_refuses_the_wrong_number_of_inputs(blobs):
    X, y = blobs
    net = MLP((2, 4, 3), seed=0).fit(X, y, epochs=1)
    with pytest.raises(ValueError, match=r"shape \(n, 2\)"):
        net.predict(np.zeros((3, 5)))


# --- architecture and initialisation ---------------------------------------------------


def test_set_architecture_reinitialises_the_network(blobs):
    X, y = blobs
    net = MLP((2, 4, 3), seed=0).fit(X, y, epochs=1)
    net.set_architecture((2, 7, 5, 3), ["relu", "sigmoid"])
    assert [W.shape for W in net.weights] == [(2, 7), (7, 5), (5, 3)]
    assert all(not b.any() for b in net.biases)
    assert net.mean_ is None and len(net.loss_history_) == 0
    assert net.activations == ("relu", "sigmoid")


def test_initial_weights_follow_he_and_xavier_scales():
    net = MLP((400, 300, 200, 10), ("relu", "sigmoid"), seed=0)
    expected = [np.sqrt(2 / 400), np.sqrt(2 / (300 + 200)), np.sqrt(2 / (200 + 10))]
    for W, std in zip(net.weights, expected):
        assert W.std() == pytest.approx(std, rel=0.05)
        assert abs(W.mean()) < 0.1 * std
