"""Tests of the from-scratch network: back-propagation against numerical gradients, the loss
against scikit-learn, the loss history against a loss recomputed here, training with each
optimiser, normalisation, determinism, divergence and argument checks.

Gradient checks use central differences with h = 1e-6 and require a relative error
‖a − b‖ / (‖a‖ + ‖b‖) below 1e-6.
"""

from __future__ import annotations

import copy
import re
import warnings

import numpy as np
import pytest
from scipy.special import expit, softmax
from sklearn.metrics import log_loss

from labkit import NotFittedError
from labkit._fast.network import mean_in_blocks
from labkit.mlp import DEFAULT_LEARNING_RATES, MLP

FUNCS = {"sigmoid": expit, "relu": lambda z: np.maximum(z, 0), "tanh": np.tanh}


@pytest.fixture
def blobs():
    """Three well separated 2-D blobs, 20 points each, around 100 (raw, not normalised)."""
    rng = np.random.default_rng(1)
    centres = np.array([[0.0, 0.0], [4.0, 0.0], [0.0, 4.0]])
    X = np.concatenate([rng.normal(c, 0.5, size=(20, 2)) for c in centres]) * 30 + 100
    y = np.repeat(np.arange(3), 20)
    return X, y


def reference_proba(net, X):
    """The forward pass written here with scipy, on X normalised as the network stores it."""
    A = np.asarray(X, float)
    if net.mean_ is not None:
        A = (A - net.mean_) / net.scale_
    for W, b, name in zip(net.weights[:-1], net.biases[:-1], net.activations):
        A = FUNCS[name](A @ W + b)
    return softmax(A @ net.weights[-1] + net.biases[-1], axis=1)


def reference_loss(net, X, y):
    return log_loss(y, reference_proba(net, X), labels=range(net.layer_sizes[-1]))


def numerical_gradients(net, X, y, h=1e-6):
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


def relative_error(a, b):
    a = np.concatenate([x.ravel() for x in a])
    b = np.concatenate([x.ravel() for x in b])
    return np.linalg.norm(a - b) / (np.linalg.norm(a) + np.linalg.norm(b))


# --- gradients -----------------------------------------------------------------------------


@pytest.mark.parametrize("activations", ["sigmoid", "relu", "tanh", ("relu", "tanh")])
def test_backpropagation_matches_numerical_gradients(activations):
    rng = np.random.default_rng(3)
    X = rng.normal(size=(7, 3))
    y = np.array([0, 1, 2, 3, 0, 1, 2])
    net = MLP((3, 5, 4, 4), activations, seed=4)
    for b in net.biases:  # non-zero biases, so that their gradients are tested too
        b[:] = rng.normal(scale=0.3, size=b.shape)
    A = X  # keep away from relu's kink at 0, where the derivative jumps
    for W, b, name in zip(net.weights[:-1], net.biases[:-1], net.activations):
        Z = A @ W + b
        assert np.abs(Z).min() > 1e-4
        A = FUNCS[name](Z)
    g = net.gradients(X, y)
    assert relative_error(g.weights + g.biases, numerical_gradients(net, X, y)) < 1e-6


def test_gradients_of_a_fitted_network_include_its_normalisation(blobs):
    X, y = blobs
    net = MLP((2, 4, 3), "tanh", seed=0).fit(X, y, optimizer="gd", epochs=2)
    g = net.gradients(X[:10], y[:10])
    numerical = numerical_gradients(net, X[:10], y[:10])
    assert relative_error(g.weights + g.biases, numerical) < 1e-6


def test_gradients_of_a_large_set_equal_the_whole_batch_formula():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(2500, 4)), rng.integers(0, 3, 2500)  # more than one block
    net = MLP((4, 6, 3), "sigmoid", seed=0)
    H = expit(X @ net.weights[0] + net.biases[0])
    dS = (softmax(H @ net.weights[1] + net.biases[1], axis=1) - np.eye(3)[y]) / len(X)
    dZ = (dS @ net.weights[1].T) * H * (1 - H)
    expected = [X.T @ dZ, H.T @ dS, dZ.sum(axis=0), dS.sum(axis=0)]
    g = net.gradients(X, y)
    for got, want in zip(g.weights + g.biases, expected):
        np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-15)


def test_engine_blocks_give_the_means_of_the_whole_set():
    rng = np.random.default_rng(2)
    X, y = rng.normal(size=(60, 3)), rng.integers(0, 3, 60)
    net = MLP((3, 5, 3), "relu", seed=1)

    def whole(Xb, yb):
        g = net.gradients(Xb, yb)
        return net.loss(Xb, yb), g.weights, g.biases

    loss, dWs, dbs = whole(X, y)
    b_loss, b_dWs, b_dbs = mean_in_blocks(whole, X, y, rows=7)  # 8 blocks of 7, one of 4
    assert b_loss == pytest.approx(loss, rel=1e-13)
    for a, b in zip(dWs + dbs, b_dWs + b_dbs):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-16)


# --- loss and probabilities ----------------------------------------------------------------


@pytest.mark.parametrize("n", [60, 3000])  # one block; several blocks in the engine
def test_loss_equals_scikit_learn_log_loss(n):
    rng = np.random.default_rng(n)
    X, y = rng.normal(size=(n, 2)), rng.integers(0, 3, n)
    for activation in ("sigmoid", "relu", "tanh"):
        net = MLP((2, 5, 3), activation, seed=2)
        assert net.loss(X, y) == pytest.approx(reference_loss(net, X, y), rel=1e-12)


def test_predictions_match_a_forward_pass_written_independently(blobs):
    X, y = blobs
    net = MLP((2, 5, 4, 3), ("relu", "tanh"), seed=0).fit(X, y, epochs=3, batch_size=8)
    X_new = np.concatenate([X, X[:5] + 50.0])  # new data use the training statistics
    np.testing.assert_allclose(net.predict_proba(X_new), reference_proba(net, X_new),
                               rtol=1e-10)
    np.testing.assert_array_equal(net.predict(X_new), reference_proba(net, X_new).argmax(axis=1))


def test_probabilities_stay_finite_without_warnings_for_huge_scores(blobs):
    X, y = blobs
    net = MLP((2, 3, 3), "sigmoid", seed=0).fit(X, y, epochs=1, normalize="none")
    net.weights = [W * 1e4 for W in net.weights]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        P = net.predict_proba(np.array([[1e4, -1e4], [-1e4, 1e4]]))
        loss = net.loss(np.array([[1e4, -1e4], [-1e4, 1e4]]), [0, 1])
    assert np.isfinite(P).all() and np.allclose(P.sum(axis=1), 1)
    assert np.isfinite(loss) and loss >= 0


# --- the loss history -----------------------------------------------------------------------


@pytest.mark.parametrize("optimizer", ["gd", "mbgd", "sgd", "momentum", "adam"])
def test_loss_history_is_the_loss_on_all_training_samples_after_each_epoch(blobs, optimizer):
    X, y = blobs
    net = MLP((2, 6, 3), "tanh", seed=0)
    recomputed = []
    net.fit(X, y, optimizer=optimizer, learning_rate=0.05, epochs=4, batch_size=16,
            callback=lambda epoch, loss: recomputed.append(reference_loss(net, X, y)))
    np.testing.assert_allclose(net.loss_history_, recomputed, rtol=1e-10)


def test_initial_loss_is_the_loss_before_the_first_step(blobs):
    X, y = blobs
    net = MLP((2, 6, 3), seed=0)
    untrained = copy.deepcopy(net)
    net.fit(X, y, optimizer="gd", epochs=3)
    untrained.mean_, untrained.scale_ = X.mean(axis=0), np.ptp(X, axis=0)
    assert net.initial_loss_ == pytest.approx(reference_loss(untrained, X, y), rel=1e-12)
    assert len(net.loss_history_) == 3


def test_fit_continues_from_the_current_weights(blobs):
    X, y = blobs
    net = MLP((2, 6, 3), seed=0).fit(X, y, optimizer="gd", learning_rate=0.1, epochs=3)
    first = net.loss_history_.copy()
    net.fit(X, y, optimizer="gd", learning_rate=0.1, epochs=3)
    assert net.initial_loss_ == pytest.approx(first[-1], rel=1e-12)
    longer = MLP((2, 6, 3), seed=0).fit(X, y, optimizer="gd", learning_rate=0.1, epochs=6)
    np.testing.assert_allclose(np.concatenate([first, net.loss_history_]),
                               longer.loss_history_, rtol=1e-12)


# --- training ------------------------------------------------------------------------------

OPTIMISER_SETTINGS = {
    "gd": {"learning_rate": 2.0, "epochs": 300},
    "mbgd": {"learning_rate": 1.0, "epochs": 60, "batch_size": 8},
    "sgd": {"learning_rate": 0.3, "epochs": 30},
    "momentum": {"learning_rate": 0.2, "epochs": 60, "batch_size": 8},
    "adam": {"learning_rate": 0.05, "epochs": 60, "batch_size": 8},
}


@pytest.mark.parametrize("optimizer", sorted(OPTIMISER_SETTINGS))
def test_each_optimizer_learns_separable_blobs_perfectly(blobs, optimizer):
    X, y = blobs
    net = MLP((2, 8, 3), "sigmoid", seed=0)
    net.fit(X, y, optimizer=optimizer, **OPTIMISER_SETTINGS[optimizer])
    assert (net.predict(X) == y).mean() == 1.0
    assert net.loss_history_[-1] < 0.5 * net.initial_loss_


def test_full_batch_gradient_descent_with_a_small_step_never_increases_the_loss(blobs):
    X, y = blobs
    net = MLP((2, 6, 3), "tanh", seed=0).fit(X, y, optimizer="gd", learning_rate=0.1,
                                              epochs=50)
    assert np.all(np.diff(np.r_[net.initial_loss_, net.loss_history_]) <= 1e-12)


def test_gd_steps_with_the_decayed_rate_from_the_gradients(blobs):
    X, y = blobs
    X = (X - 100) / 100
    net = MLP((2, 4, 3), seed=0)
    by_hand = copy.deepcopy(net)
    net.fit(X, y, optimizer="gd", learning_rate=0.6, epochs=3, decay=0.5, normalize="none")
    for rate in (0.6, 0.6 / 1.5, 0.6 / 2.0):  # η / (1 + decay · (e − 1))
        g = by_hand.gradients(X, y)
        for param, grad in zip(by_hand.weights + by_hand.biases, g.weights + g.biases):
            param -= rate * grad
    for a, b in zip(net.weights + net.biases, by_hand.weights + by_hand.biases):
        np.testing.assert_allclose(a, b, rtol=1e-12)


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


def test_trusting_the_caller_gives_the_same_network(blobs):
    X, y = blobs
    X8 = X.astype(np.uint8)
    checked = MLP((2, 5, 3), seed=0).fit(X8, y, epochs=3, batch_size=8)
    trusting = MLP((2, 5, 3), seed=0, check_input=False).fit(X8, y.astype(np.intp), epochs=3,
                                                              batch_size=8)
    assert np.array_equal(checked.loss_history_, trusting.loss_history_)
    np.testing.assert_array_equal(checked.predict_proba(X8), trusting.predict_proba(X8))


# --- normalisation -------------------------------------------------------------------------


@pytest.mark.parametrize("normalize", ["mean", "zscore"])
def test_normalisation_statistics_are_stored_on_the_first_fit(blobs, normalize):
    X, y = blobs
    X = np.column_stack([X, np.full(len(X), 7.0)])  # a constant column: scale 1, not 0
    net = MLP((3, 4, 3), seed=0).fit(X, y, epochs=1, normalize=normalize)
    spread = X.max(axis=0) - X.min(axis=0) if normalize == "mean" else X.std(axis=0)
    assert net.normalize_ == normalize
    np.testing.assert_allclose(net.mean_, X.mean(axis=0))
    np.testing.assert_allclose(net.scale_, [spread[0], spread[1], 1.0])


def test_mean_normalisation_puts_each_input_in_a_range_of_width_one(blobs):
    X, y = blobs
    net = MLP((2, 4, 3), seed=0).fit(X, y, epochs=1)
    Xn = (X - net.mean_) / net.scale_
    np.testing.assert_allclose(Xn.max(axis=0) - Xn.min(axis=0), 1.0)
    np.testing.assert_allclose(Xn.mean(axis=0), 0.0, atol=1e-12)


def test_normalize_none_feeds_raw_inputs(blobs):
    X, y = blobs
    net = MLP((2, 4, 3), seed=0).fit(X / 100, y, epochs=1, normalize="none")
    assert net.normalize_ == "none" and net.mean_ is None and net.scale_ is None
    np.testing.assert_allclose(net.predict_proba(X / 100), reference_proba(net, X / 100))


def test_raw_gray_values_train_worse_than_normalised_ones(blobs):
    X, y = blobs  # values around 100: sigmoid units saturate on raw inputs
    losses = {how: MLP((2, 8, 3), seed=0).fit(X, y, optimizer="mbgd", epochs=20, batch_size=8,
                                              normalize=how).loss_history_[-1]
              for how in ("none", "mean")}
    assert losses["mean"] < 0.5 * losses["none"]


def test_a_later_fit_must_keep_the_first_normalisation(blobs):
    X, y = blobs
    net = MLP((2, 4, 3), seed=0).fit(X, y, epochs=1, normalize="zscore")
    with pytest.raises(ValueError, match="normalize must stay 'zscore'"):
        net.fit(X, y, epochs=1)
    net.fit(X, y, epochs=1, normalize="zscore")  # the same: fine


# --- callback, early stop, progress ---------------------------------------------------------


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
    assert len(MLP((2, 4, 3), seed=0).fit(X, y, epochs=2, progress=True).loss_history_) == 2


# --- divergence -------------------------------------------------------------------------------


@pytest.mark.parametrize("optimizer, activation, lr", [("gd", "relu", 1e6), ("gd", "sigmoid", 1e6),
                                                       ("adam", "sigmoid", 100.0)])
def test_divergence_names_a_rate_that_really_does_not_diverge(blobs, optimizer, activation, lr):
    X, y = blobs
    net = MLP((2, 8, 3), activation, seed=0)
    start = copy.deepcopy(net)
    with pytest.raises(ValueError, match=rf"diverged at epoch \d+ with learning_rate={lr!r}") \
            as error:
        net.fit(X, y, optimizer=optimizer, learning_rate=lr, epochs=5, batch_size=8)
    for a, b in zip(net.weights + net.biases, start.weights + start.biases):
        np.testing.assert_array_equal(a, b)  # left as it was before fit
    assert net.normalize_ is None and len(net.loss_history_) == 0
    suggested = float(re.search(r"try learning_rate=(\S+)$", str(error.value)).group(1))
    assert suggested <= lr / 10
    net.fit(X, y, optimizer=optimizer, learning_rate=suggested, epochs=5, batch_size=8)
    assert len(net.loss_history_) == 5 and net.loss_history_[-1] < net.initial_loss_


# --- argument checks --------------------------------------------------------------------------


@pytest.mark.parametrize("lr, error", [(0, ValueError), (-0.1, ValueError),
                                       (float("nan"), ValueError), (float("inf"), ValueError),
                                       ("fast", TypeError), (True, TypeError)])
def test_bad_learning_rate_is_refused(blobs, lr, error):
    X, y = blobs
    with pytest.raises(error, match="learning_rate"):
        MLP((2, 4, 3), seed=0).fit(X, y, learning_rate=lr)


@pytest.mark.parametrize("kwargs, error, match", [
    ({"optimizer": "newton"}, ValueError, "optimizer must be one of"),
    ({"epochs": 0}, ValueError, "epochs"),
    ({"epochs": 2.5}, TypeError, "epochs"),
    ({"batch_size": 0}, ValueError, "batch_size"),
    ({"momentum": 1.0}, ValueError, r"momentum must be a number in \[0, 1\)"),
    ({"decay": -1.0}, ValueError, "decay"),
    ({"normalize": "minmax"}, ValueError, "normalize must be one of"),
    ({"normalize": True}, ValueError, "normalize must be one of"),
    ({"callback": 3}, TypeError, "callback"),
])
def test_bad_training_options_are_refused(blobs, kwargs, error, match):
    X, y = blobs
    with pytest.raises(error, match=match):
        MLP((2, 4, 3), seed=0).fit(X, y, **kwargs)


@pytest.mark.parametrize("args, kwargs, error, match", [
    (((2, 4, 3), "softplus"), {}, ValueError, "activations must be one of"),
    (((2, 4, 4, 3), ("relu",)), {}, ValueError, r"one name per layer \(2\)"),
    (((2,),), {}, ValueError, "at least 2 sizes"),
    (((2, 0, 3),), {}, ValueError, r"layer_sizes\[1\]"),
    (((2, 4, 1),), {}, ValueError, "at least 2 units"),
    (("abc",), {}, TypeError, "sequence of integers"),
    (((2, 4, 3),), {"seed": -1}, ValueError, "seed"),
])
def test_bad_architecture_is_refused(args, kwargs, error, match):
    with pytest.raises(error, match=match):
        MLP(*args, **kwargs)


@pytest.mark.parametrize("X, y, error, match", [
    (np.zeros((4, 3)), [0, 1, 2, 0], ValueError, r"X must have shape \(n, 2\)"),
    (np.zeros(4), [0, 1, 2, 0], ValueError, r"X must be 2-D"),
    (np.zeros((0, 2)), [], ValueError, "at least one point"),
    (np.full((4, 2), np.nan), [0, 1, 2, 0], ValueError, "finite"),
    ([["a", "b"]] * 4, [0, 1, 2, 0], TypeError, "numbers"),
    (np.zeros((4, 2)), [0, 1, 2], ValueError, r"y must have shape \(4,\)"),
    (np.zeros((4, 2)), [0, 1, 3, 0], ValueError, r"labels 0\.\.2"),
    (np.zeros((4, 2)), [0, -1, 2, 0], ValueError, r"labels 0\.\.2"),
    (np.zeros((4, 2)), [0.0, 1.0, 2.0, 0.0], TypeError, "integer labels"),
])
def test_bad_data_are_refused(X, y, error, match):
    with pytest.raises(error, match=match):
        MLP((2, 4, 3), seed=0).fit(X, y)


def test_predict_before_fit_is_refused_but_loss_and_gradients_work():
    net = MLP((2, 4, 3), seed=0)
    for method in (net.predict, net.predict_proba):
        with pytest.raises(NotFittedError, match="not fitted"):
            method(np.zeros((3, 2)))
    assert np.isfinite(net.loss(np.zeros((3, 2)), [0, 1, 2]))
    assert net.gradients(np.zeros((3, 2)), [0, 1, 2]).weights[0].shape == (2, 4)


def test_predict_refuses_the_wrong_number_of_inputs(blobs):
    X, y = blobs
    net = MLP((2, 4, 3), seed=0).fit(X, y, epochs=1)
    with pytest.raises(ValueError, match=r"shape \(n, 2\)"):
        net.predict(np.zeros((3, 5)))


# --- architecture ------------------------------------------------------------------------------


def test_set_architecture_reinitialises_the_network(blobs):
    X, y = blobs
    net = MLP((2, 4, 3), seed=0).fit(X, y, epochs=1)
    net.set_architecture((2, 7, 5, 3), ["relu", "sigmoid"])
    assert [W.shape for W in net.weights] == [(2, 7), (7, 5), (5, 3)]
    assert all(not b.any() for b in net.biases)
    assert net.mean_ is None and net.normalize_ is None and len(net.loss_history_) == 0
    assert net.activations == ("relu", "sigmoid")


def test_initial_weights_follow_he_and_xavier_scales():
    net = MLP((400, 300, 200, 10), ("relu", "sigmoid"), seed=0)
    expected = [np.sqrt(2 / 400), np.sqrt(2 / (300 + 200)), np.sqrt(2 / (200 + 10))]
    for W, std in zip(net.weights, expected):
        assert W.std() == pytest.approx(std, rel=0.05)
        assert abs(W.mean()) < 0.1 * std


def test_default_learning_rates_cover_every_optimizer():
    assert set(DEFAULT_LEARNING_RATES) == {"gd", "mbgd", "sgd", "momentum", "adam"}
