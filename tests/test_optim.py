"""Tests of the update rules against their formulas computed by hand, and of the training loop."""

from __future__ import annotations

import numpy as np
import pytest

from labkit import optim


@pytest.fixture
def grads():
    """Three successive gradients of a 2×2 parameter."""
    rng = np.random.default_rng(0)
    return [rng.normal(size=(2, 2)) for _ in range(3)]


def test_gradient_descent_steps_against_the_gradient(grads):
    w0 = np.array([[1.0, 2.0], [3.0, 4.0]])
    w, config = optim.gradient_descent(w0.copy(), grads[0], {"learning_rate": 0.1})
    np.testing.assert_array_equal(w, w0 - 0.1 * grads[0])
    assert config == {"learning_rate": 0.1}


def test_gradient_descent_updates_the_array_in_place(grads):
    w = np.zeros((2, 2))
    out, _ = optim.gradient_descent(w, grads[0], {"learning_rate": 1.0})
    assert out is w and w.any()


def test_momentum_matches_the_velocity_formula(grads):
    lr, mu = 0.1, 0.8
    w, config = np.ones((2, 2)), {"learning_rate": lr, "momentum": mu}
    expected_w, v = np.ones((2, 2)), np.zeros((2, 2))
    for g in grads:
        w, config = optim.momentum(w, g, config)
        v = mu * v - lr * g
        expected_w = expected_w + v
        np.testing.assert_allclose(w, expected_w, rtol=1e-15)
        np.testing.assert_allclose(config["velocity"], v, rtol=1e-15)


def test_momentum_defaults_to_mu_0_9(grads):
    _, config = optim.momentum(np.zeros((2, 2)), grads[0], {"learning_rate": 1.0})
    assert config["momentum"] == 0.9


def test_adam_first_steps_match_the_bias_corrected_formula(grads):
    lr, b1, b2, eps = 0.01, 0.9, 0.999, 1e-8
    w, config = np.zeros((2, 2)), {"learning_rate": lr}
    expected, m, v = np.zeros((2, 2)), np.zeros((2, 2)), np.zeros((2, 2))
    for t, g in enumerate(grads, start=1):
        w, config = optim.adam(w, g, config)
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g**2
        m_hat, v_hat = m / (1 - b1**t), v / (1 - b2**t)
        expected = expected - lr * m_hat / (np.sqrt(v_hat) + eps)
        np.testing.assert_allclose(w, expected, rtol=1e-14, atol=1e-18)
        assert config["t"] == t
        np.testing.assert_allclose(config["m"], m, rtol=1e-15)
        np.testing.assert_allclose(config["v"], v, rtol=1e-15)


def test_adam_first_step_is_the_learning_rate_in_the_gradients_direction(grads):
    # With the bias corrections m̂ = g and v̂ = g², so the step is η g / |g|; without them
    # it would be η (0.1 g) / √(0.001 g²) ≈ 3.16 η.
    w, _ = optim.adam(np.zeros((2, 2)), grads[0] * 1e3, {"learning_rate": 0.5})
    np.testing.assert_allclose(w, -0.5 * np.sign(grads[0]), rtol=1e-9)


def test_adam_uses_the_constants_given_in_its_config(grads):
    config = {"learning_rate": 0.1, "beta1": 0.5, "beta2": 0.5, "epsilon": 1.0}
    w, _ = optim.adam(np.zeros((2, 2)), grads[0], config)
    # t = 1: m̂ = g, v̂ = g², step = η g / (|g| + ε)
    np.testing.assert_allclose(w, -0.1 * grads[0] / (np.abs(grads[0]) + 1.0), rtol=1e-14)


def test_every_optimizer_name_has_an_update_rule():
    assert optim.OPTIMIZERS == ("gd", "mbgd", "sgd", "momentum", "adam")
    assert optim.UPDATE_RULES["gd"] is optim.UPDATE_RULES["sgd"] is optim.gradient_descent


def test_decayed_rate_divides_by_one_plus_decay_times_the_epochs_before():
    assert [optim.decayed_rate(0.6, 0.5, e) for e in (1, 2, 3)] == pytest.approx([0.6, 0.4, 0.3])


def test_stable_rate_returns_the_first_tenfold_smaller_rate_that_does_not_diverge():
    tried = []
    assert optim.stable_rate(lambda rate: tried.append(rate) or rate > 0.05, 10.0) == 0.01
    assert tried == pytest.approx([1.0, 0.1, 0.01])
    assert optim.stable_rate(lambda rate: True, 1.0, tries=3) is None


# --- the training loop -----------------------------------------------------------------------


def quadratic(n=10):
    """Minimise the mean of (w − t_i)² over n targets: the optimum is their mean."""
    targets = np.arange(n, dtype=float)
    w = np.array([50.0])
    calls = []

    def gradients(rows):
        calls.append(np.arange(n)[rows].tolist())
        return [np.array([2 * np.mean(w[0] - targets[rows])])]

    def loss():
        return float(np.mean((w[0] - targets) ** 2))

    return w, gradients, loss, calls


@pytest.mark.parametrize("optimizer, batch_size, steps", [
    ("gd", 4, 1), ("sgd", 4, 10), ("mbgd", 4, 3), ("momentum", 5, 2), ("adam", 20, 1)])
def test_train_takes_one_step_per_batch(optimizer, batch_size, steps):
    w, gradients, loss, calls = quadratic()
    optim.train([w], gradients, loss, 10, optimizer=optimizer, learning_rate=0.01, epochs=2,
                batch_size=batch_size, rng=np.random.default_rng(0))
    assert len(calls) == 2 * steps
    for epoch in (calls[:steps], calls[steps:]):  # every sample once per epoch
        assert sorted(sum(epoch, [])) == list(range(10))


def test_train_shuffles_with_the_generator_but_not_for_gd():
    orders = []
    for optimizer in ("mbgd", "mbgd", "gd"):
        w, gradients, loss, calls = quadratic()
        optim.train([w], gradients, loss, 10, optimizer=optimizer, learning_rate=0.01,
                    epochs=1, batch_size=10, rng=np.random.default_rng(3))
        orders.append(calls[0])
    assert orders[0] == orders[1] != list(range(10))
    assert orders[2] == list(range(10))


def test_train_records_the_loss_after_each_epoch():
    w, gradients, loss, _ = quadratic()
    seen = []
    history, diverged = optim.train(
        [w], gradients, loss, 10, optimizer="gd", learning_rate=0.1, epochs=3, batch_size=1,
        rng=np.random.default_rng(0), callback=lambda epoch, value: seen.append(loss()))
    assert diverged is None
    np.testing.assert_array_equal(history, seen)
    # gd on (w − t)² with rate 0.1: w − 4.5 shrinks by 1 − 0.2 = 0.8 per epoch
    expected = [(45.5 * 0.8**e) ** 2 + np.var(np.arange(10)) for e in (1, 2, 3)]
    np.testing.assert_allclose(history, expected, rtol=1e-12)


def test_train_stops_when_the_callback_returns_false():
    w, gradients, loss, _ = quadratic()
    history, _ = optim.train([w], gradients, loss, 10, optimizer="gd", learning_rate=0.1,
                             epochs=9, batch_size=1, rng=np.random.default_rng(0),
                             callback=lambda epoch, value: epoch < 2 and None)
    assert len(history) == 2


def test_train_reports_divergence_and_stops():
    w, gradients, loss, _ = quadratic()
    history, diverged = optim.train([w], gradients, loss, 10, optimizer="gd", learning_rate=5.0,
                                    epochs=9, batch_size=1, rng=np.random.default_rng(0),
                                    max_loss=1e4)
    # w − 4.5 is multiplied by 1 − 2 · 5 = −9 per epoch: loss 1.7e5 after the first
    assert len(history) == 0 and diverged[0] == 1 and diverged[1] > 1e4
