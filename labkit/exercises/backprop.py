"""The reference network of lesson 05, built from :mod:`labkit.layers` one layer at a time.

The checks of :mod:`labkit.exercises.network` compare the student's functions with these:
sigmoid hidden layers, a softmax output, the mean cross-entropy loss. A network is two
lists, ``weights[l]`` of shape (n_in, n_out) and ``biases[l]`` of shape (n_out,); labels
``y`` are integers 0..k−1. :func:`numerical_gradient` is the central difference the
gradient checks use.
"""

from __future__ import annotations

import numpy as np

from labkit.layers import (affine_backward, affine_forward, sigmoid_backward, sigmoid_forward,
                           softmax, softmax_loss)

#: Largest relative error ‖g − g_num‖ / (‖g‖ + ‖g_num‖) a gradient may have.
GRADIENT_TOLERANCE = 1e-6


def relative_error(a, b) -> float:
    """‖a − b‖ / (‖a‖ + ‖b‖), 0 when both are 0: how far two gradients are apart."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    scale = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if scale == 0 else float(np.linalg.norm(a - b) / scale)


# --- references, one layer at a time -------------------------------------------------------


def sigmoid(z):
    """σ(z) = 1 / (1 + e^−z), as ``labkit.layers.sigmoid_forward``."""
    return sigmoid_forward(np.asarray(z, dtype=float))[0]


def sigmoid_derivative(z):
    """σ'(z) = σ(z)(1 − σ(z)), as ``labkit.layers.sigmoid_backward``."""
    s = sigmoid_forward(np.asarray(z, dtype=float))[1]
    return sigmoid_backward(np.ones_like(s), s)


def scores(X, weights, biases, caches=None):
    """The last layer's scores (n, k); with ``caches``, each layer's caches too."""
    a = np.asarray(X, dtype=float)
    for layer, (W, b) in enumerate(zip(weights, biases)):
        z, affine = affine_forward(a, np.asarray(W, float), np.asarray(b, float))
        if layer == len(weights) - 1:
            if caches is not None:
                caches.append((affine, None))
            return z
        a, act = sigmoid_forward(z)
        if caches is not None:
            caches.append((affine, act))


def forward(X, weights, biases):
    """Class probabilities (n, k): σ(A W + b) per hidden layer, softmax at the end."""
    return softmax(scores(X, weights, biases))


def loss(X, y, weights, biases) -> float:
    """The mean cross-entropy of the network on (X, y)."""
    return softmax_loss(scores(X, weights, biases), np.asarray(y))[0]


def backward(X, y, weights, biases):
    """Gradients (dW, db) of the mean cross-entropy, layer by layer."""
    caches = []
    _, dout = softmax_loss(scores(X, weights, biases, caches), np.asarray(y))
    dW, db = [None] * len(caches), [None] * len(caches)
    for layer in range(len(caches) - 1, -1, -1):
        affine, act = caches[layer]
        if act is not None:
            dout = sigmoid_backward(dout, act)
        dout, dW[layer], db[layer] = affine_backward(dout, affine)
    return dW, db


def train_epoch(X, y, weights, biases, learning_rate, batch_size, order):
    """One epoch of mini-batch gradient descent; new lists (the inputs stay)."""
    X, y = np.asarray(X, dtype=float), np.asarray(y)
    weights = [np.array(W, dtype=float) for W in weights]
    biases = [np.array(b, dtype=float) for b in biases]
    for start in range(0, len(order), batch_size):
        rows = np.asarray(order)[start:start + batch_size]
        dW, db = backward(X[rows], y[rows], weights, biases)
        weights = [W - learning_rate * g for W, g in zip(weights, dW)]
        biases = [b - learning_rate * g for b, g in zip(biases, db)]
    return weights, biases


def random_network(sizes, seed: int, scale: float = 1.0):
    """Random weights (normal, times ``scale``) and biases for layers of ``sizes``."""
    rng = np.random.default_rng(seed)
    weights = [scale * rng.normal(0, 1, (a, b)) for a, b in zip(sizes, sizes[1:])]
    return weights, [scale * rng.normal(0, 0.5, b) for b in sizes[1:]]


def random_data(n: int, d: int, k: int, seed: int):
    """n random samples of d features and their labels 0..k−1."""
    rng = np.random.default_rng(seed)
    return rng.normal(0, 1, (n, d)), rng.integers(0, k, n)


def numerical_gradient(X, y, weights, biases, layer: int, h: float = 1e-5):
    """(L(θ + h) − L(θ − h)) / 2h for every entry of weights[layer]."""
    W = [np.array(w, dtype=float) for w in weights]
    grad = np.zeros_like(W[layer])
    for i in np.ndindex(grad.shape):
        old = W[layer][i]
        W[layer][i] = old + h
        up = loss(X, y, W, biases)
        W[layer][i] = old - h
        down = loss(X, y, W, biases)
        W[layer][i] = old
        grad[i] = (up - down) / (2 * h)
    return grad
