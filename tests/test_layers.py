"""Tests of the network's layers: each forward against an independent reference, each
backward against numerical gradients.

Numerical gradients are central differences (f(x + h) − f(x − h)) / 2h with h = 1e-6 in
float64; the backward passes must agree with them to a relative error below 1e-6
(‖a − b‖ / (‖a‖ + ‖b‖); correct code gives about 1e-9 here, a wrong derivative 1e-2 or more).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from scipy.special import expit, softmax as scipy_softmax
from sklearn.metrics import log_loss

from labkit import layers

TOLERANCE = 1e-6


def numerical_gradient(f, x, dout, h=1e-6):
    """d/dx of sum(f(x) * dout) by central differences, one entry of x at a time."""
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        keep = x[idx]
        x[idx] = keep + h
        plus = np.sum(f(x) * dout)
        x[idx] = keep - h
        minus = np.sum(f(x) * dout)
        x[idx] = keep
        grad[idx] = (plus - minus) / (2 * h)
    return grad


def relative_error(a, b):
    return np.linalg.norm(a - b) / (np.linalg.norm(a) + np.linalg.norm(b))


@pytest.fixture
def rng():
    return np.random.default_rng(0)


# --- affine -------------------------------------------------------------------------------


def test_affine_forward_is_x_times_w_plus_b(rng):
    x, w, b = rng.normal(size=(4, 3)), rng.normal(size=(3, 5)), rng.normal(size=5)
    out, _ = layers.affine_forward(x, w, b)
    expected = [[sum(x[i, k] * w[k, j] for k in range(3)) + b[j] for j in range(5)]
                for i in range(4)]
    np.testing.assert_allclose(out, expected, rtol=1e-12)


def test_affine_backward_matches_numerical_gradients(rng):
    x, w, b = rng.normal(size=(4, 3)), rng.normal(size=(3, 5)), rng.normal(size=5)
    dout = rng.normal(size=(4, 5))
    _, cache = layers.affine_forward(x, w, b)
    dx, dw, db = layers.affine_backward(dout, cache)
    assert relative_error(dx, numerical_gradient(
        lambda v: layers.affine_forward(v, w, b)[0], x, dout)) < TOLERANCE
    assert relative_error(dw, numerical_gradient(
        lambda v: layers.affine_forward(x, v, b)[0], w, dout)) < TOLERANCE
    assert relative_error(db, numerical_gradient(
        lambda v: layers.affine_forward(x, w, v)[0], b, dout)) < TOLERANCE


def test_affine_init_uses_he_before_relu_and_xavier_otherwise(rng):
    w, b = layers.affine_init(400, 300, rng, relu=True)
    assert w.shape == (400, 300) and not b.any()
    assert w.std() == pytest.approx(np.sqrt(2 / 400), rel=0.02)
    w, _ = layers.affine_init(400, 300, rng)
    assert w.std() == pytest.approx(np.sqrt(2 / 700), rel=0.02)
    assert abs(w.mean()) < 0.01


# --- activations ----------------------------------------------------------------------------


@pytest.mark.parametrize("name, reference", [
    ("sigmoid", expit), ("relu", lambda z: np.maximum(z, 0)), ("tanh", np.tanh)])
def test_activation_forward_matches_its_reference(rng, name, reference):
    z = rng.normal(scale=3, size=(6, 4))
    forward, _ = layers.ACTIVATION_LAYERS[name]
    np.testing.assert_allclose(forward(z)[0], reference(z), rtol=1e-14, atol=1e-300)


@pytest.mark.parametrize("name", sorted(layers.ACTIVATION_LAYERS))
def test_activation_backward_matches_numerical_gradients(rng, name):
    z = rng.normal(scale=2, size=(6, 4))
    z[np.abs(z) < 1e-3] = 0.5  # keep away from relu's kink at 0, where it has no derivative
    dout = rng.normal(size=z.shape)
    forward, backward = layers.ACTIVATION_LAYERS[name]
    dz = backward(dout, forward(z)[1])
    assert relative_error(dz, numerical_gradient(lambda v: forward(v)[0], z, dout)) < TOLERANCE


def test_sigmoid_derivative_is_largest_at_zero_and_a_quarter_there():
    z = np.linspace(-6, 6, 121)
    _, cache = layers.sigmoid_forward(z)
    slope = layers.sigmoid_backward(np.ones_like(z), cache)
    assert slope[60] == 0.25 and slope.argmax() == 60


def test_sigmoid_of_huge_inputs_is_0_or_1_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out, _ = layers.sigmoid_forward(np.array([-1e4, 1e4]))
    np.testing.assert_array_equal(out, [0.0, 1.0])


def test_relu_backward_passes_the_gradient_only_where_z_is_positive():
    _, cache = layers.relu_forward(np.array([-1.0, 0.0, 2.0]))
    np.testing.assert_array_equal(layers.relu_backward(np.array([3.0, 3.0, 3.0]), cache),
                                  [0.0, 0.0, 3.0])


# --- softmax and the loss -------------------------------------------------------------------


def test_softmax_matches_scipy_and_survives_huge_scores(rng):
    s = rng.normal(scale=5, size=(5, 4))
    np.testing.assert_allclose(layers.softmax(s), scipy_softmax(s, axis=1), rtol=1e-13)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        p = layers.softmax(np.array([[1e4, 0.0, -1e4]]))
    np.testing.assert_array_equal(p, [[1.0, 0.0, 0.0]])


def test_softmax_loss_equals_scikit_learn_log_loss(rng):
    s = rng.normal(scale=2, size=(30, 5))
    y = rng.integers(0, 5, 30)
    loss, _ = layers.softmax_loss(s, y)
    assert loss == pytest.approx(log_loss(y, scipy_softmax(s, axis=1), labels=range(5)),
                                 rel=1e-12)


def test_softmax_loss_gradient_matches_numerical_gradient(rng):
    s = rng.normal(size=(7, 4))
    y = rng.integers(0, 4, 7)
    _, dscores = layers.softmax_loss(s, y)
    numerical = numerical_gradient(lambda v: layers.softmax_loss(v, y)[0], s, 1.0)
    assert relative_error(dscores, numerical) < TOLERANCE


def test_softmax_loss_gradient_is_probabilities_minus_one_hot_over_n(rng):
    s = rng.normal(size=(3, 4))
    y = np.array([2, 0, 3])
    _, dscores = layers.softmax_loss(s, y)
    np.testing.assert_allclose(dscores, (scipy_softmax(s, axis=1) - np.eye(4)[y]) / 3,
                               rtol=1e-12, atol=1e-15)


def test_softmax_loss_of_a_huge_wrong_score_is_large_but_finite():
    loss, dscores = layers.softmax_loss(np.array([[1e4, 0.0]]), np.array([1]))
    assert loss == pytest.approx(1e4) and np.isfinite(dscores).all()
