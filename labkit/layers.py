"""The layers of a neural network, each a forward and a backward function.

This is the first of three modules on the network of ``notebooks/05_neural_agent.ipynb``
(as Stanford CS231n's assignment 2 splits it): ``layers.py`` (here: what each layer
computes and how its gradient flows back), ``optim.py`` (how a gradient changes a
weight) and ``mlp.py`` (the network that stacks the layers and trains them).

Every layer has the same two-function shape:

- ``out, cache = <layer>_forward(x, ...)`` computes the layer's output and keeps in
  ``cache`` what the backward pass will need;
- ``dx = <layer>_backward(dout, cache)`` receives the gradient of the loss with respect
  to ``out`` and returns it with respect to the layer's input (the chain rule).

Samples are rows: ``x`` has shape (n, d). Everything is float64. These functions are the
building blocks called on every mini-batch, so they trust their inputs: the network
(:class:`labkit.mlp.MLP`) checks the data once, at the door.
"""

from __future__ import annotations

import numpy as np

# --- the affine (fully connected) layer ----------------------------------------------------


def affine_forward(x: np.ndarray, w: np.ndarray, b: np.ndarray):
    """Fully connected layer: ``out = x @ w + b``.

    Parameters
    ----------
    x : ndarray of shape (n, d_in)
    w : ndarray of shape (d_in, d_out)
    b : ndarray of shape (d_out,)

    Returns
    -------
    out : ndarray of shape (n, d_out)
    cache : tuple
        ``(x, w)``, for :func:`affine_backward`.

    Examples
    --------
    >>> out, cache = affine_forward(np.ones((2, 3)), np.ones((3, 4)), np.zeros(4))
    >>> out.shape
    (2, 4)
    """
    return x @ w + b, (x, w)


def affine_backward(dout: np.ndarray, cache):
    """Gradients of the affine layer from the gradient ``dout`` of its output.

    Parameters
    ----------
    dout : ndarray of shape (n, d_out)
        dLoss/dout.
    cache : tuple
        ``(x, w)`` from :func:`affine_forward`.

    Returns
    -------
    dx : ndarray of shape (n, d_in)
    dw : ndarray of shape (d_in, d_out)
    db : ndarray of shape (d_out,)

    Notes
    -----
    From out = x w + b: dx = dout wᵀ, dw = xᵀ dout, db = Σ over the rows of dout.

    Examples
    --------
    >>> _, cache = affine_forward(np.ones((2, 3)), np.ones((3, 4)), np.zeros(4))
    >>> [g.shape for g in affine_backward(np.ones((2, 4)), cache)]
    [(2, 3), (3, 4), (4,)]
    """
    x, w = cache
    return dout @ w.T, x.T @ dout, dout.sum(axis=0)


def affine_init(d_in: int, d_out: int, rng: np.random.Generator, *, relu: bool = False):
    """Starting parameters of an affine layer: normal weights, zero biases.

    Parameters
    ----------
    d_in, d_out : int
    rng : numpy.random.Generator
    relu : bool, default False
        Whether a ReLU follows the layer.

    Returns
    -------
    w : ndarray of shape (d_in, d_out); b : ndarray of shape (d_out,)

    Notes
    -----
    He initialisation, std = √(2 / d_in), before a ReLU; Xavier (Glorot) initialisation,
    std = √(2 / (d_in + d_out)), before sigmoid, tanh or the output. Both keep the spread
    of the signals about the same from layer to layer at the start.

    Examples
    --------
    >>> w, b = affine_init(400, 300, np.random.default_rng(0), relu=True)
    >>> w.shape, b.shape, bool(abs(w.std() / np.sqrt(2 / 400) - 1) < 0.05)
    ((400, 300), (300,), True)
    """
    std = np.sqrt(2.0 / d_in) if relu else np.sqrt(2.0 / (d_in + d_out))
    return rng.normal(0.0, std, size=(d_in, d_out)), np.zeros(d_out)


# --- activations -----------------------------------------------------------------------------


def sigmoid_forward(z: np.ndarray):
    """Logistic activation σ(z) = 1 / (1 + e^−z), element-wise.

    Parameters
    ----------
    z : ndarray of any shape

    Returns
    -------
    out : ndarray, the shape of ``z``, values in [0, 1]
    cache : ndarray
        ``out`` itself: the derivative is written with it.

    Notes
    -----
    For z < −709, e^−z overflows to inf and 1 / (1 + inf) = 0 is the right limit, so that
    warning is silenced; no NaN can appear.

    Examples
    --------
    >>> sigmoid_forward(np.array([0.0, 100.0]))[0]
    array([0.5, 1. ])
    """
    with np.errstate(over="ignore"):
        out = 1.0 / (1.0 + np.exp(-z))
    return out, out


def sigmoid_backward(dout: np.ndarray, cache: np.ndarray) -> np.ndarray:
    """Gradient through the sigmoid: σ'(z) = σ(z) (1 − σ(z)).

    Parameters
    ----------
    dout : ndarray
        dLoss/dout, the shape of the layer's output.
    cache : ndarray
        σ(z), from :func:`sigmoid_forward`.

    Returns
    -------
    dz : ndarray, the shape of ``dout``

    Examples
    --------
    >>> out, cache = sigmoid_forward(np.zeros(2))
    >>> sigmoid_backward(np.ones(2), cache)  # σ'(0) = 0.5 · 0.5
    array([0.25, 0.25])
    """
    s = cache
    return dout * s * (1.0 - s)


def relu_forward(z: np.ndarray):
    """Rectified linear unit: relu(z) = max(z, 0), element-wise.

    Returns
    -------
    out : ndarray, the shape of ``z``
    cache : ndarray
        ``z``, for :func:`relu_backward`.

    Examples
    --------
    >>> relu_forward(np.array([-2.0, 3.0]))[0]
    array([0., 3.])
    """
    return np.maximum(z, 0.0), z


def relu_backward(dout: np.ndarray, cache: np.ndarray) -> np.ndarray:
    """Gradient through the ReLU: relu'(z) = 1 where z > 0, else 0 (0 at the kink z = 0).

    Examples
    --------
    >>> _, cache = relu_forward(np.array([-2.0, 3.0]))
    >>> relu_backward(np.array([5.0, 5.0]), cache)
    array([0., 5.])
    """
    z = cache
    return dout * (z > 0)


def tanh_forward(z: np.ndarray):
    """Hyperbolic tangent tanh(z) = (e^z − e^−z) / (e^z + e^−z), element-wise, in (−1, 1).

    Returns
    -------
    out : ndarray, the shape of ``z``
    cache : ndarray
        ``out`` itself, for :func:`tanh_backward`.

    Examples
    --------
    >>> tanh_forward(np.array([0.0]))[0]
    array([0.])
    """
    out = np.tanh(z)
    return out, out


def tanh_backward(dout: np.ndarray, cache: np.ndarray) -> np.ndarray:
    """Gradient through tanh: tanh'(z) = 1 − tanh(z)².

    Examples
    --------
    >>> _, cache = tanh_forward(np.zeros(1))
    >>> tanh_backward(np.ones(1), cache)
    array([1.])
    """
    t = cache
    return dout * (1.0 - t * t)


#: The hidden-layer activations by name: ``ACTIVATION_LAYERS[name] = (forward, backward)``.
ACTIVATION_LAYERS = {
    "sigmoid": (sigmoid_forward, sigmoid_backward),
    "relu": (relu_forward, relu_backward),
    "tanh": (tanh_forward, tanh_backward),
}


# --- the output layer and the loss -------------------------------------------------------------


def softmax(scores: np.ndarray) -> np.ndarray:
    """Class probabilities p_j = e^{s_j} / Σ_i e^{s_i}, row by row.

    Parameters
    ----------
    scores : ndarray of shape (n, k)
        The last layer's outputs (logits).

    Returns
    -------
    probs : ndarray of shape (n, k)
        Each row sums to 1. The row maximum is subtracted first (the result is the same)
        so that ``exp`` never overflows.

    Examples
    --------
    >>> softmax(np.array([[0.0, 0.0], [1000.0, 0.0]]))
    array([[0.5, 0.5],
           [1. , 0. ]])
    """
    e = np.exp(scores - scores.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def softmax_loss(scores: np.ndarray, y: np.ndarray):
    """Softmax cross-entropy: the mean of −log p_y, and its gradient with respect to the scores.

    Parameters
    ----------
    scores : ndarray of shape (n, k)
        Logits of the last layer.
    y : ndarray of shape (n,), int
        The true class of each row, 0..k−1.

    Returns
    -------
    loss : float
        L = −(1/n) Σ_rows log p_{y}, with p = softmax(scores).
    dscores : ndarray of shape (n, k)
        dL/dscores = (P − Y) / n, where Y is the one-hot matrix of ``y``.

    Notes
    -----
    log p_j is computed as s_j − m − log Σ_i e^{s_i − m} with m the row maximum, so a huge
    score gives a large but finite loss, never log 0.

    Examples
    --------
    >>> loss, dscores = softmax_loss(np.zeros((2, 4)), np.array([0, 3]))
    >>> round(loss, 4)  # equal probabilities 1/4: −log(1/4) = log 4
    1.3863
    >>> dscores[0]
    array([-0.375,  0.125,  0.125,  0.125])
    """
    n = len(y)
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    rows = np.arange(n)
    loss = -log_probs[rows, y].sum() / n
    dscores = np.exp(log_probs)  # P
    dscores[rows, y] -= 1.0  # P − Y
    dscores /= n
    return float(loss) + 0.0, dscores  # + 0.0 turns −0.0 into 0.0
