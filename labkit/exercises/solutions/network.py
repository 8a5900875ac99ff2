"""Answers to the exercises of ``notebooks/05_neural_agent.ipynb``.

A network is two lists: ``weights[l]`` of shape (n_in, n_out) and ``biases[l]`` of shape
(n_out,). Hidden layers use the sigmoid, the output layer softmax; the loss is the mean
cross-entropy −(1/n) Σ log p_y.
"""

from __future__ import annotations

import numpy as np


def sigmoid(z):
    """The logistic function σ(z) = 1 / (1 + e^−z), element by element.

    Parameters
    ----------
    z : array_like of any shape, float

    Returns
    -------
    ndarray of the shape of ``z``, float64
        Values in [0, 1]; never NaN, even for z = ±800.

    Notes
    -----
    Hint: ``np.exp(-z)`` overflows to inf for very negative z, and 1 / (1 + inf) = 0 is the
    right answer; ``np.exp(z) / (1 + np.exp(z))`` would give inf / inf = NaN for large z.

    Examples
    --------
    >>> sigmoid([0.0, 100.0])
    array([0.5, 1. ])
    """
    ### BEGIN SOLUTION
    z = np.asarray(z, dtype=float)
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-z))
    ### END SOLUTION


def sigmoid_derivative(z):
    """The derivative of the sigmoid, σ'(z), element by element.

    Parameters
    ----------
    z : array_like of any shape, float

    Returns
    -------
    ndarray of the shape of ``z``, float64

    Notes
    -----
    Hint: σ'(z) = σ(z)(1 − σ(z)): call ``sigmoid`` once and reuse its value.

    Examples
    --------
    >>> sigmoid_derivative([0.0])
    array([0.25])
    """
    ### BEGIN SOLUTION
    s = sigmoid(z)
    return s * (1.0 - s)
    ### END SOLUTION


def forward(X, weights, biases):
    """The forward pass: class probabilities for every sample.

    Parameters
    ----------
    X : array_like of shape (n, n_in)
        The inputs, one sample per row.
    weights : list of ndarray
        ``weights[l]`` of shape (n_l, n_{l+1}).
    biases : list of ndarray
        ``biases[l]`` of shape (n_{l+1},).

    Returns
    -------
    P : ndarray of shape (n, k), float64
        Row i holds the k class probabilities of sample i (they sum to 1).

    Notes
    -----
    Hint: A = X; for each hidden layer A = σ(A @ W + b); the last layer gives the scores
    S = A @ W + b and P = softmax(S) row by row. Subtract each row's maximum from S before
    ``np.exp`` so that large scores do not overflow.

    Examples
    --------
    >>> P = forward(np.ones((2, 3)), [np.ones((3, 4)), np.ones((4, 2))], [np.zeros(4), np.zeros(2)])
    >>> P.shape, P.sum(axis=1).tolist()
    ((2, 2), [1.0, 1.0])
    """
    ### BEGIN SOLUTION
    A = np.asarray(X, dtype=float)
    for W, b in zip(weights[:-1], biases[:-1]):
        A = sigmoid(A @ W + b)
    S = A @ weights[-1] + biases[-1]
    E = np.exp(S - S.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)
    ### END SOLUTION


def backward(X, y, weights, biases):
    """Back-propagation: the gradients of the mean cross-entropy for every weight and bias.

    Parameters
    ----------
    X : array_like of shape (n, n_in)
        The inputs.
    y : array_like of shape (n,), int
        The true class of every sample, 0..k-1.
    weights, biases : lists of ndarray
        The network, as in ``forward``.

    Returns
    -------
    dW : list of ndarray
        ``dW[l]`` has the shape of ``weights[l]``: dL/dW.
    db : list of ndarray
        ``db[l]`` has the shape of ``biases[l]``: dL/db.

    Notes
    -----
    Hint: run the forward pass keeping every layer's output A. At the softmax output,
    dZ = (P − Y) / n with Y the one-hot labels; then, from the last layer back,
    dW = A_prevᵀ @ dZ, db = dZ.sum(axis=0), and dZ_prev = (dZ @ Wᵀ) * A_prev * (1 − A_prev).

    Examples
    --------
    >>> dW, db = backward(np.ones((2, 3)), [0, 1], [np.ones((3, 4)), np.ones((4, 2))],
    ...                   [np.zeros(4), np.zeros(2)])
    >>> [g.shape for g in dW], [g.shape for g in db]
    ([(3, 4), (4, 2)], [(4,), (2,)])
    """
    ### BEGIN SOLUTION
    As = [np.asarray(X, dtype=float)]
    for W, b in zip(weights[:-1], biases[:-1]):
        As.append(sigmoid(As[-1] @ W + b))
    S = As[-1] @ weights[-1] + biases[-1]
    E = np.exp(S - S.max(axis=1, keepdims=True))
    P = E / E.sum(axis=1, keepdims=True)
    n = len(P)
    dZ = P.copy()
    dZ[np.arange(n), np.asarray(y)] -= 1.0
    dZ /= n
    dW, db = [None] * len(weights), [None] * len(weights)
    for layer in range(len(weights) - 1, -1, -1):
        dW[layer] = As[layer].T @ dZ
        db[layer] = dZ.sum(axis=0)
        if layer > 0:
            dZ = (dZ @ weights[layer].T) * As[layer] * (1.0 - As[layer])
    return dW, db
    ### END SOLUTION


def train_epoch(X, y, weights, biases, learning_rate, batch_size, order):
    """One epoch of mini-batch gradient descent.

    Parameters
    ----------
    X : array_like of shape (n, n_in)
    y : array_like of shape (n,), int
    weights, biases : lists of ndarray
        The network before the epoch (leave these arrays as they are).
    learning_rate : float
        The step size η.
    batch_size : int
        Rows per step; the last batch may be smaller.
    order : array_like of shape (n,), int
        The order in which to visit the rows (a permutation, e.g. ``rng.permutation(n)``).

    Returns
    -------
    weights, biases : lists of ndarray
        New arrays, after one step per mini-batch ``order[start:start + batch_size]``:
        every parameter θ ← θ − η · dL/dθ, the gradient taken on that mini-batch.

    Notes
    -----
    Hint: ``for start in range(0, n, batch_size)``; take ``rows = order[start:start +
    batch_size]``, call ``backward(X[rows], y[rows], weights, biases)`` and build new
    lists ``[W - learning_rate * g for W, g in zip(weights, dW)]``.

    Examples
    --------
    >>> W, b = train_epoch(np.ones((4, 3)), [0, 1, 0, 1], [np.ones((3, 2))], [np.zeros(2)],
    ...                    0.1, 2, [3, 2, 1, 0])
    >>> W[0].shape, b[0].shape
    ((3, 2), (2,))
    """
    ### BEGIN SOLUTION
    X, y, order = np.asarray(X, dtype=float), np.asarray(y), np.asarray(order)
    for start in range(0, len(order), batch_size):
        rows = order[start:start + batch_size]
        dW, db = backward(X[rows], y[rows], weights, biases)
        weights = [W - learning_rate * g for W, g in zip(weights, dW)]
        biases = [b - learning_rate * g for b, g in zip(biases, db)]
    return weights, biases
    ### END SOLUTION
