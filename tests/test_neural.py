"""Tests of the improved colorization agent (a small network trained on gray patches)."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest
from scipy.special import expit, softmax
from sklearn.metrics import log_loss

from labkit import NotFittedError
from labkit.compress import compress
from labkit.images import load_image, split_halves, to_gray
from labkit.mlp import DEFAULT_LEARNING_RATES, MLP
from labkit.neural import NeuralAgent, learning_rate_sweep
from labkit.patches import patch_features


@pytest.fixture(scope="module")
def crop_task():
    """An 80×120 crop of the cat photo, as the colorization task sees it.

    Returns the training patches and k-means labels of the left half, the right half's
    patches, and the right half's true labels: each pixel's nearest palette color.
    """
    img = np.ascontiguousarray(load_image("chelsea")[70:150, 110:230])
    left, right = split_halves(img)
    q = compress(left, 8, seed=0)
    gray_left, gray_right = (np.ascontiguousarray(g) for g in split_halves(to_gray(img)))
    X_left, X_right = patch_features(gray_left), patch_features(gray_right)
    palette = q.palette.astype(float)
    d2 = ((right.reshape(-1, 1, 3).astype(float) - palette[None]) ** 2).sum(axis=2)
    return X_left, q.labels.ravel().astype(np.intp), X_right, d2.argmin(axis=1), img


@pytest.fixture(scope="module")
def fitted(crop_task):
    X_left, y_left, *_ = crop_task
    return NeuralAgent(seed=0).fit(X_left, y_left)


def test_predicts_one_label_in_range_per_patch(fitted, crop_task):
    _, _, X_right, _, _ = crop_task
    labels = fitted.predict(X_right)
    assert labels.shape == (len(X_right),)
    assert np.issubdtype(labels.dtype, np.integer)
    assert labels.min() >= 0 and labels.max() < 8


def test_probabilities_are_a_distribution_over_k_colors(fitted, crop_task):
    P = fitted.predict_proba(crop_task[2][:50])
    assert P.shape == (50, 8)
    np.testing.assert_allclose(P.sum(axis=1), 1.0)
    np.testing.assert_array_equal(P.argmax(axis=1), fitted.predict(crop_task[2][:50]))


def test_colors_the_right_half_far_better_than_chance(fitted, crop_task):
    _, y_left, X_right, y_right, _ = crop_task
    accuracy = (fitted.predict(X_right) == y_right).mean()
    most_frequent = np.bincount(y_right).max() / len(y_right)  # the best constant guess
    assert accuracy > most_frequent + 0.3
    assert (fitted.predict(crop_task[0]) == y_left).mean() > 0.7


def test_training_lowers_the_loss(fitted):
    history = fitted.loss_history_
    assert len(history) == fitted.epochs
    assert history[-1] < 0.6 * fitted.network.initial_loss_
    assert history[-1] < np.log(8)  # better than equal probabilities


def test_loss_history_is_the_loss_on_all_training_patches_after_each_epoch(crop_task):
    X_left, y_left, *_ = crop_task
    history = NeuralAgent(seed=0, epochs=3).fit(X_left, y_left).loss_history_
    for epoch in (1, 2, 3):  # the same seed: the same first epochs, stopped after `epoch`
        net = NeuralAgent(seed=0, epochs=3, callback=lambda e, loss: e < epoch).fit(
            X_left, y_left).network
        A = (X_left - net.mean_) / net.scale_  # the forward pass written here, with scipy
        for W, b in zip(net.weights[:-1], net.biases[:-1]):
            A = expit(A @ W + b)
        P = softmax(A @ net.weights[-1] + net.biases[-1], axis=1)
        assert history[epoch - 1] == pytest.approx(log_loss(y_left, P, labels=range(8)),
                                                   rel=1e-10)


def test_inputs_are_mean_normalised_by_default(fitted, crop_task):
    X_left = crop_task[0].astype(float)
    net = fitted.network
    assert net.normalize_ == "mean"
    np.testing.assert_allclose(net.mean_, X_left.mean(axis=0))
    np.testing.assert_allclose(net.scale_, X_left.max(axis=0) - X_left.min(axis=0))


def test_normalisation_can_be_chosen(crop_task):
    X_left, y_left, *_ = crop_task
    agent = NeuralAgent(seed=0, epochs=1, normalize="zscore").fit(X_left, y_left)
    np.testing.assert_allclose(agent.network.scale_, X_left.astype(float).std(axis=0))
    raw = NeuralAgent(seed=0, epochs=1, normalize="none").fit(X_left, y_left)
    assert raw.network.mean_ is None


def test_exposes_the_fitted_seed_network(fitted):
    assert isinstance(fitted.network, MLP)
    assert fitted.network.layer_sizes == (9, 20, 20, 8)
    assert fitted.network.activations == ("sigmoid", "sigmoid")
    assert fitted.network.loss_history_ is fitted.loss_history_


def test_same_seed_same_colors(crop_task, fitted):
    X_left, y_left, X_right, _, _ = crop_task
    again = NeuralAgent(seed=0).fit(X_left, y_left)
    assert np.array_equal(again.loss_history_, fitted.loss_history_)
    assert np.array_equal(again.predict(X_right), fitted.predict(X_right))
    other = NeuralAgent(seed=1, epochs=1).fit(X_left, y_left)
    assert not np.array_equal(other.network.weights[0], fitted.network.weights[0])


def test_refitting_starts_from_a_fresh_network(crop_task):
    X_left, y_left, *_ = crop_task
    agent = NeuralAgent(seed=0, epochs=2)
    first = agent.fit(X_left, y_left).loss_history_.copy()
    assert np.array_equal(agent.fit(X_left, y_left).loss_history_, first)


def test_training_options_reach_the_network(crop_task):
    X_left, y_left, *_ = crop_task
    calls = []
    agent = NeuralAgent(k=8, hidden=(6,), activation="relu", optimizer="mbgd", epochs=3,
                        batch_size=1024, callback=lambda e, loss: calls.append(e))
    agent.fit(X_left, y_left)
    assert calls == [1, 2, 3]
    assert agent.network.layer_sizes == (9, 6, 8)
    assert agent.learning_rate == DEFAULT_LEARNING_RATES["mbgd"]


def test_patch_size_sets_the_number_of_inputs():
    rng = np.random.default_rng(0)
    X = rng.integers(0, 256, size=(200, 25), dtype=np.uint8)
    y = (X[:, 12] > 127).astype(int)
    agent = NeuralAgent(k=2, patch=5, epochs=15, batch_size=32).fit(X, y)
    assert agent.network.layer_sizes[0] == 25
    assert (agent.predict(X) == y).mean() > 0.9


def test_divergence_error_names_the_learning_rate_and_one_that_works(crop_task):
    X_left, y_left, *_ = crop_task
    agent = NeuralAgent(optimizer="gd", learning_rate=1e4, epochs=3)
    with pytest.raises(ValueError, match=r"learning_rate=10000\.0.*try learning_rate="):
        agent.fit(X_left, y_left)
    assert agent.network is None


@pytest.mark.parametrize("kwargs, match", [
    ({"k": 1}, "k must be"),
    ({"patch": 2}, "patch"),
    ({"hidden": 20}, "hidden"),
    ({"hidden": (20, 0)}, r"hidden\[1\]"),
    ({"activation": "softplus"}, "activation must be one of"),
    ({"activation": ("relu",)}, r"one name per layer \(2\)"),
    ({"normalize": "minmax"}, "normalize must be one of"),
    ({"optimizer": "newton"}, "optimizer must be one of"),
    ({"learning_rate": 0.0}, "learning_rate"),
    ({"learning_rate": float("nan")}, "learning_rate"),
    ({"epochs": 0}, "epochs"),
    ({"batch_size": 0}, "batch_size"),
    ({"decay": -0.1}, "decay"),
    ({"seed": -3}, "seed"),
    ({"callback": "plot"}, "callback"),
])
def test_bad_parameters_are_refused_at_construction(kwargs, match):
    with pytest.raises((ValueError, TypeError), match=match):
        NeuralAgent(**kwargs)


@pytest.mark.parametrize("X, y, error, match", [
    (np.zeros((5, 9)), [0] * 5, TypeError, "integer gray values"),
    (np.zeros((5, 4), np.uint8), [0] * 5, ValueError, r"shape \(n, 9\)"),
    (np.full((5, 9), 300), [0] * 5, ValueError, r"0\.\.255"),
    (np.zeros((5, 9), np.uint8), [0] * 4, ValueError, r"shape \(5,\)"),
    (np.zeros((5, 9), np.uint8), [0, 1, 2, 3, 8], ValueError, r"labels 0\.\.7 \(k=8\)"),
    (np.zeros((5, 9), np.uint8), [0.5] * 5, TypeError, "integer labels"),
])
def test_bad_training_data_are_refused(X, y, error, match):
    with pytest.raises(error, match=match):
        NeuralAgent().fit(X, y)


def test_predict_before_fit_is_refused():
    for method in (NeuralAgent().predict, NeuralAgent().predict_proba):
        with pytest.raises(NotFittedError, match="not fitted"):
            method(np.zeros((2, 9), np.uint8))


def test_the_network_trusts_the_agents_checks(fitted):
    assert fitted.network.check_input is False  # the patches are checked once, by the agent


# --- the learning-rate sweep ------------------------------------------------------------


@pytest.fixture(scope="module")
def sweep(crop_task):
    X_left, y_left, *_ = crop_task
    return learning_rate_sweep(X_left[:600], y_left[:600], ["gd", "adam"], [0.01, 1.0, 1e5],
                               epochs=3, batch_size=64)


def test_sweep_has_one_row_per_optimizer_and_rate(sweep):
    assert list(sweep.columns) == ["optimizer", "learning_rate", "final_loss", "accuracy",
                                   "diverged", "best"]
    assert sweep[["optimizer", "learning_rate"]].values.tolist() == [
        ["gd", 0.01], ["gd", 1.0], ["gd", 1e5], ["adam", 0.01], ["adam", 1.0], ["adam", 1e5]]


def test_sweep_rows_equal_the_agent_trained_at_that_rate(sweep, crop_task):
    X, y = crop_task[0][:600], crop_task[1][:600]
    for row in sweep[~sweep.diverged].itertuples():
        agent = NeuralAgent(optimizer=row.optimizer, learning_rate=row.learning_rate, epochs=3,
                            batch_size=64, seed=0).fit(X, y)
        assert row.final_loss == agent.loss_history_[-1]
        assert row.accuracy == np.mean(agent.predict(X) == y)


def test_sweep_marks_divergence_and_each_optimizers_best_rate(sweep):
    assert sweep.diverged.tolist() == [False, False, True, False, False, True]
    assert sweep[sweep.diverged].final_loss.isna().all()
    best = sweep[sweep.best]
    assert best.optimizer.tolist() == ["gd", "adam"]
    for row in best.itertuples():
        rows = sweep[sweep.optimizer == row.optimizer]
        assert row.final_loss == rows.final_loss.min()


@pytest.mark.parametrize("kwargs, error, match", [
    ({"optimizer": "newton"}, ValueError, "optimizer"),
    ({"rates": []}, ValueError, "at least one"),
    ({"rates": [0.1, -1]}, ValueError, "rates"),
    ({"learning_rate": 0.1}, TypeError, "rates="),
    ({"epochs": 0}, ValueError, "epochs"),
])
def test_sweep_refuses_bad_arguments(crop_task, kwargs, error, match):
    with pytest.raises(error, match=match):
        learning_rate_sweep(crop_task[0][:50], crop_task[1][:50], **kwargs)


@pytest.mark.skipif(importlib.util.find_spec("labkit.colorize") is None,
                    reason="labkit.colorize is not written yet")
def test_colorize_with_the_neural_agent_gives_a_right_half(crop_task):
    from labkit.colorize import colorize

    img = crop_task[4]
    c = colorize(img, agent="neural", seed=0)
    h, w = img.shape[:2]
    assert c.right.shape == (h, w - w // 2, 3) and c.right.dtype == np.uint8
    assert c.labels_right.shape == (h, w - w // 2)
    assert 0 <= c.labels_right.min() and c.labels_right.max() < len(c.palette)
    assert isinstance(c.agent, NeuralAgent)
    assert len(c.agent.loss_history_) == c.agent.epochs
