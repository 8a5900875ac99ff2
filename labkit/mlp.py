"""A feed-forward neural network (multi-layer perceptron) written with NumPy alone.

Read this module top to bottom to learn back-propagation: the activations and their
derivatives, the forward pass, the loss, the backward pass, the optimisers (gradient
descent on the whole set, on mini-batches or on one sample at a time, momentum, Adam),
then the :class:`MLP` class that ties them together.

Conventions: samples are rows. A layer maps ``A`` of shape (n, n_in) to
``Z = A @ W + b`` of shape (n, n_out), with ``W`` of shape (n_in, n_out) and ``b`` of
shape (n_out,), then applies its activation. Everything is float64.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from labkit._checks import make_rng, one_of, positive_float, positive_int

ACTIVATIONS = ("sigmoid", "relu", "tanh")
OUTPUTS = ("softmax", "sigmoid")
OPTIMIZERS = ("gd", "mbgd", "sgd", "momentum", "adam")

#: Learning rate used when ``fit(learning_rate=None)``: starting values for the 9-20-20-8
#: colorization network with each optimiser (benchmarks/bench_mlp.py); tune them for yours.
DEFAULT_LEARNING_RATES = {"gd": 1.0, "mbgd": 0.5, "sgd": 0.05, "momentum": 0.1, "adam": 0.01}

#: Adam's constants (Kingma & Ba, 2015): decay of the gradient average, of the squared
#: gradient average, and the small number that keeps the division finite.
ADAM_BETA1, ADAM_BETA2, ADAM_EPSILON = 0.9, 0.999, 1e-8

#: A training loss this many times that of a know-nothing guess (equal probabilities:
#: log k for softmax, k log 2 for sigmoid) counts as divergence, as NaN and inf do.
DIVERGENCE_FACTOR = 10.0

# A large set is pushed through the network in blocks of rows: at most _BLOCK_ROWS rows, and
# fewer if one block's activations would exceed _MEMORY_BUDGET bytes. Small blocks stay in
# the CPU cache, and their matrix products are too small for a multi-threaded BLAS to spread
# over cores: on a busy 2-core machine that was 3–100× faster than one big product.
_BLOCK_ROWS = 1024
_MEMORY_BUDGET = 32 * 2**20


@dataclass(frozen=True, eq=False)
class Gradients:
    """Gradients of the mean loss with respect to each layer's parameters.

    Attributes
    ----------
    weights : list of ndarray
        ``weights[l]`` has the shape of ``MLP.weights[l]``, (n_in, n_out): dLoss/dW.
    biases : list of ndarray
        ``biases[l]`` has the shape of ``MLP.biases[l]``, (n_out,): dLoss/db.
    """

    weights: list
    biases: list


# --- activations and their derivatives ------------------------------------------------


def _sigmoid(z: np.ndarray) -> np.ndarray:
    """Logistic function σ(z) = 1 / (1 + e^−z), element-wise.

    For z < −709, e^−z overflows to inf and 1 / (1 + inf) = 0 is the right limit, so that
    warning is silenced; no NaN can appear. (Written in place: it runs on every batch.)
    """
    with np.errstate(over="ignore"):
        out = np.negative(z)
        np.exp(out, out=out)
    out += 1.0
    return np.reciprocal(out, out=out)


def _activate(name: str, z: np.ndarray) -> np.ndarray:
    """Apply a hidden-layer activation element-wise."""
    if name == "sigmoid":
        return _sigmoid(z)
    if name == "relu":
        return np.maximum(z, 0.0)
    return np.tanh(z)


def _derivative(name: str, z: np.ndarray, a: np.ndarray) -> np.ndarray:
    """Derivative of the activation at ``z`` (using its output ``a`` where that is cheaper)."""
    if name == "sigmoid":
        return a * (1.0 - a)  # σ'(z) = σ(z) (1 − σ(z))
    if name == "relu":
        return (z > 0).astype(z.dtype)  # 1 where z > 0, else 0 (0 at the kink z = 0)
    return 1.0 - a * a  # tanh'(z) = 1 − tanh(z)²


def _softmax(z: np.ndarray) -> np.ndarray:
    """Row-wise softmax; subtracting the row maximum keeps exp from overflowing."""
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _output(output: str, z: np.ndarray) -> np.ndarray:
    """Class probabilities from the last layer's logits ``z`` of shape (n, k)."""
    return _softmax(z) if output == "softmax" else _sigmoid(z)


def _mean_loss(output: str, z: np.ndarray, Y: np.ndarray) -> float:
    """Mean cross-entropy over the rows, computed from the logits for numerical stability.

    softmax: −Σ_j y_j log p_j, with log p_j = z_j − log Σ_i e^{z_i}.
    sigmoid: −Σ_j [y_j log p_j + (1 − y_j) log(1 − p_j)]
           = Σ_j [log(1 + e^{z_j}) − y_j z_j].
    """
    if output == "softmax":
        zmax = z.max(axis=1, keepdims=True)
        log_p = z - zmax - np.log(np.exp(z - zmax).sum(axis=1, keepdims=True))
        return float(-(Y * log_p).sum() / len(z)) + 0.0  # + 0.0 turns −0.0 into 0.0
    return float((np.logaddexp(0.0, z) - Y * z).sum() / len(z))


# --- forward and backward passes ------------------------------------------------------


def _forward(weights, biases, activations, output, X):
    """Run the network on ``X`` (n, n_in); return every layer's ``Z`` and ``A``.

    ``As[0]`` is ``X``; ``As[l + 1] = f_l(Zs[l])``; the last ``A`` holds the output
    probabilities and the last ``Z`` the logits.
    """
    Zs, As = [], [X]
    for layer, (W, b) in enumerate(zip(weights, biases)):
        Z = As[-1] @ W + b  # (n, n_out)
        last = layer == len(weights) - 1
        Zs.append(Z)
        As.append(_output(output, Z) if last else _activate(activations[layer], Z))
    return Zs, As


def _backward(weights, activations, Zs, As, Y):
    """Back-propagate the mean cross-entropy; return the lists (dW, db), layer by layer.

    For both outputs (softmax with cross-entropy, sigmoid with binary cross-entropy) the
    gradient at the logits is simply (P − Y) / n. Each layer then passes the gradient back:
    dW_l = A_{l−1}ᵀ dZ_l,  db_l = Σ_rows dZ_l,  dZ_{l−1} = (dZ_l W_lᵀ) ⊙ f'(Z_{l−1}).
    """
    n = len(Y)
    dZ = (As[-1] - Y) / n  # (n, k)
    dWs, dbs = [None] * len(weights), [None] * len(weights)
    for layer in range(len(weights) - 1, -1, -1):
        dWs[layer] = As[layer].T @ dZ  # (n_in, n_out)
        dbs[layer] = dZ.sum(axis=0)  # (n_out,)
        if layer > 0:
            dA = dZ @ weights[layer].T  # (n, n_in)
            dZ = dA * _derivative(activations[layer - 1], Zs[layer - 1], As[layer])
    return dWs, dbs


# --- optimisers: each updates the parameter arrays in place ---------------------------


class _Plain:
    """θ ← θ − η g. The same rule is gd, mbgd or sgd: only the batch size differs."""

    def __init__(self, params, learning_rate, momentum):
        self.lr = learning_rate

    def step(self, params, grads):
        for p, g in zip(params, grads):
            p -= self.lr * g


class _Momentum:
    """v ← μ v − η g;  θ ← θ + v (a ball rolling downhill keeps some of its speed)."""

    def __init__(self, params, learning_rate, momentum):
        self.lr, self.mu = learning_rate, momentum
        self.velocity = [np.zeros_like(p) for p in params]

    def step(self, params, grads):
        for p, g, v in zip(params, grads, self.velocity):
            v *= self.mu
            v -= self.lr * g
            p += v


class _Adam:
    """Adam: per-parameter steps scaled by running averages of g and g² (bias-corrected).

    m ← β1 m + (1 − β1) g;  v ← β2 v + (1 − β2) g²;
    θ ← θ − η m̂ / (√v̂ + ε), with m̂ = m / (1 − β1^t), v̂ = v / (1 − β2^t).
    """

    def __init__(self, params, learning_rate, momentum):
        self.lr, self.t = learning_rate, 0
        self.m = [np.zeros_like(p) for p in params]
        self.v = [np.zeros_like(p) for p in params]

    def step(self, params, grads):
        self.t += 1
        b1, b2 = ADAM_BETA1, ADAM_BETA2
        # Fold both bias corrections into the step size (same result, fewer array operations).
        lr_t = self.lr * np.sqrt(1.0 - b2**self.t) / (1.0 - b1**self.t)
        eps_t = ADAM_EPSILON * np.sqrt(1.0 - b2**self.t)
        for p, g, m, v in zip(params, grads, self.m, self.v):
            m *= b1
            m += (1.0 - b1) * g
            v *= b2
            v += (1.0 - b2) * (g * g)
            p -= lr_t * m / (np.sqrt(v) + eps_t)


_OPTIMIZER_CLASSES = {"gd": _Plain, "mbgd": _Plain, "sgd": _Plain,
                      "momentum": _Momentum, "adam": _Adam}


# --- the network ----------------------------------------------------------------------


class MLP:
    """A fully connected feed-forward network for k-class classification.

    Parameters
    ----------
    layer_sizes : sequence of int
        Units per layer, input first and output last, e.g. ``(9, 20, 20, 8)``: 9 inputs,
        two hidden layers of 20 units, 8 classes. At least two entries, each ≥ 1 (the output
        layer needs ≥ 2 units for softmax).
    activations : str or sequence of str, optional
        Hidden-layer activations, one of ``"sigmoid"``, ``"relu"``, ``"tanh"``: a single
        name for every hidden layer or one name per hidden layer. Default ``"sigmoid"``.
    output : {"softmax", "sigmoid"}, default "softmax"
        ``"softmax"``: class probabilities summing to 1, categorical cross-entropy.
        ``"sigmoid"`` (the seed course's network): one independent sigmoid per class,
        one-hot targets, binary cross-entropy summed over the outputs.
    seed : None, int or numpy.random.Generator
        Seeds the weight initialisation and the shuffling in :meth:`fit`.

    Attributes
    ----------
    weights : list of ndarray of shape (n_in, n_out), float64
    biases : list of ndarray of shape (n_out,), float64
    mean_, scale_ : ndarray of shape (n_in,) or None
        Input normalisation statistics, set by the first :meth:`fit`: inputs are fed to
        the network as ``(X − mean_) / scale_``. ``None`` before fitting (no normalisation).
    loss_history_ : ndarray of shape (epochs_run,)
        Training loss of each epoch of the last :meth:`fit`: the mean cross-entropy
        over the epoch's samples, each batch's loss taken just before its step (for
        ``"gd"``, the loss of the whole set at the start of the epoch).

    Raises
    ------
    TypeError, ValueError
        If ``layer_sizes``, ``activations`` or ``output`` are not as described.

    Notes
    -----
    Weights are drawn from a normal distribution, biases start at 0: He initialisation,
    std = √(2 / n_in), before a ReLU layer; Xavier (Glorot) initialisation,
    std = √(2 / (n_in + n_out)), before sigmoid, tanh and the output layer. Both keep the
    spread of the signals roughly constant from layer to layer at the start.
    Taught in ``notebooks/05_neural_agent.ipynb``.

    Examples
    --------
    >>> X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    >>> y = np.array([0, 1, 1, 0])  # XOR: not linearly separable
    >>> net = MLP((2, 8, 2), activations="tanh", seed=0)
    >>> net.fit(X, y, optimizer="adam", learning_rate=0.05, epochs=300).predict(X)
    array([0, 1, 1, 0])
    """

    def __init__(self, layer_sizes: Sequence[int], activations: str | Sequence[str] | None = None,
                 *, output: str = "softmax", seed=None) -> None:
        self._rng = make_rng(seed)
        self.output = one_of(output, "output", OUTPUTS)
        self.set_architecture(layer_sizes, activations)

    # -- set-up ------------------------------------------------------------------------

    def set_architecture(self, layer_sizes: Sequence[int],
                         activations: str | Sequence[str] | None = None) -> MLP:
        """Choose the layers and activations, and initialise the weights afresh.

        Parameters
        ----------
        layer_sizes : sequence of int
            Units per layer, input first and output last (see :class:`MLP`).
        activations : str or sequence of str, optional
            One hidden activation for all hidden layers, or one per hidden layer;
            default ``"sigmoid"``.

        Returns
        -------
        self : MLP
            With new random weights (drawn from the network's Generator), zero biases,
            and no normalisation statistics or loss history.

        Raises
        ------
        TypeError, ValueError
            If a size is not an integer ≥ 1, the output has fewer than 2 units, or an
            activation is unknown or their number does not match the hidden layers.

        Examples
        --------
        >>> net = MLP((9, 20, 20, 8), seed=0)
        >>> [W.shape for W in net.set_architecture((9, 30, 8), "relu").weights]
        [(9, 30), (30, 8)]
        """
        if isinstance(layer_sizes, (str, bytes)) or not isinstance(layer_sizes, Sequence):
            raise TypeError(f"layer_sizes must be a sequence of integers such as (9, 20, 20, 8), "
                            f"got {layer_sizes!r}")
        if len(layer_sizes) < 2:
            raise ValueError(f"layer_sizes needs at least an input and an output size, "
                             f"got {tuple(layer_sizes)!r}")
        sizes = tuple(positive_int(s, "each layer size") for s in layer_sizes)
        if sizes[-1] < 2:
            raise ValueError(f"the output layer needs at least 2 units (classes), got {sizes[-1]}")
        n_hidden = len(sizes) - 2
        if activations is None:
            activations = "sigmoid"
        if isinstance(activations, str):
            activations = (activations,) * n_hidden
        activations = tuple(activations)
        if len(activations) != n_hidden:
            raise ValueError(f"activations must name one activation per hidden layer "
                             f"({n_hidden} for layer_sizes {sizes}), got {len(activations)}")
        for name in activations:
            one_of(name, "activation", ACTIVATIONS)

        self.layer_sizes, self.activations = sizes, activations
        self.weights, self.biases = [], []
        for layer, (n_in, n_out) in enumerate(pairwise(sizes)):
            relu_next = layer < n_hidden and activations[layer] == "relu"
            std = np.sqrt(2.0 / n_in) if relu_next else np.sqrt(2.0 / (n_in + n_out))
            self.weights.append(self._rng.normal(0.0, std, size=(n_in, n_out)))
            self.biases.append(np.zeros(n_out))
        self.mean_ = self.scale_ = None
        self.loss_history_ = np.empty(0)
        return self

    def __repr__(self) -> str:
        return (f"MLP(layer_sizes={self.layer_sizes}, activations={self.activations}, "
                f"output={self.output!r})")

    # -- argument checks ---------------------------------------------------------------

    def _check_X(self, X) -> np.ndarray:
        """Validate ``X`` (n, n_in) and return it as float64."""
        if isinstance(X, (str, bytes)) or X is None:
            raise TypeError(f"X must be an array of numbers of shape (n, {self.layer_sizes[0]}), "
                            f"got {type(X).__name__}")
        arr = np.asarray(X)
        if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool):
            raise TypeError(f"X must hold numbers, got dtype {arr.dtype}")
        if arr.ndim != 2 or arr.shape[1] != self.layer_sizes[0] or arr.shape[0] == 0:
            raise ValueError(f"X must have shape (n, {self.layer_sizes[0]}) with n ≥ 1 "
                             f"(one row per sample, one column per input unit), got {arr.shape}")
        arr = arr.astype(np.float64, copy=False)
        if not np.isfinite(arr).all():
            raise ValueError("X must be finite: it holds NaN or infinity")
        return arr

    def _check_y(self, y, n: int) -> np.ndarray:
        """Validate labels ``y`` (n,) in 0..k−1 and return their one-hot matrix (n, k)."""
        k = self.layer_sizes[-1]
        arr = np.asarray(y)
        if arr.dtype == bool or not np.issubdtype(arr.dtype, np.integer):
            raise TypeError(f"y must hold integer class labels 0..{k - 1}, got dtype {arr.dtype}")
        if arr.shape != (n,):
            raise ValueError(f"y must have shape ({n},), one label per row of X, got {arr.shape}")
        if arr.min() < 0 or arr.max() >= k:
            raise ValueError(f"y must hold labels in 0..{k - 1} (the network has {k} outputs), "
                             f"got values {arr.min()}..{arr.max()}")
        return np.eye(k)[arr]

    # -- computing ---------------------------------------------------------------------

    def _normalize(self, X: np.ndarray) -> np.ndarray:
        """Inputs as the network sees them: (X − mean_) / scale_ once fitted."""
        if self.mean_ is None:
            return X
        return (X - self.mean_) / self.scale_

    def _chunk_rows(self) -> int:
        """Rows per block: ≤ _BLOCK_ROWS, and its activations within the memory budget."""
        return max(1, min(_BLOCK_ROWS, _MEMORY_BUDGET // (8 * 2 * sum(self.layer_sizes))))

    def _loss_and_gradients(self, X: np.ndarray, Y: np.ndarray):
        """Mean loss and its gradients over normalised ``X``, accumulated block by block.

        Returns ``(loss, dWs, dbs)``. A mini-batch is usually a single block; the whole
        set (``"gd"``) is cut into blocks whose means are weighted by their share of rows.
        """
        n, rows = len(X), self._chunk_rows()
        if n <= rows:  # one block: the usual case for a mini-batch or a single sample
            Zs, As = _forward(self.weights, self.biases, self.activations, self.output, X)
            dWs, dbs = _backward(self.weights, self.activations, Zs, As, Y)
            return _mean_loss(self.output, Zs[-1], Y), dWs, dbs
        loss = 0.0
        dWs = [np.zeros_like(W) for W in self.weights]
        dbs = [np.zeros_like(b) for b in self.biases]
        for start in range(0, n, rows):
            Xc, Yc = X[start:start + rows], Y[start:start + rows]
            share = len(Xc) / n
            Zs, As = _forward(self.weights, self.biases, self.activations, self.output, Xc)
            loss += share * _mean_loss(self.output, Zs[-1], Yc)
            cW, cb = _backward(self.weights, self.activations, Zs, As, Yc)
            for total, part in zip(dWs + dbs, cW + cb):
                total += share * part
        return loss, dWs, dbs

    def _logits(self, X: np.ndarray) -> np.ndarray:
        """Last-layer logits (n, k) of normalised ``X``, computed chunk by chunk."""
        rows = self._chunk_rows()
        parts = []
        for start in range(0, len(X), rows):
            Zs, _ = _forward(self.weights, self.biases, self.activations, self.output,
                             X[start:start + rows])
            parts.append(Zs[-1])
        return np.concatenate(parts)

    # -- public API --------------------------------------------------------------------

    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities of each row of ``X``.

        Parameters
        ----------
        X : array_like of shape (n, n_in)
            Raw inputs (the stored normalisation is applied here).

        Returns
        -------
        P : ndarray of shape (n, k), float64
            Softmax output: rows sum to 1. Sigmoid output: each entry in (0, 1) on its own.

        Raises
        ------
        TypeError, ValueError
            If ``X`` is not a finite numeric array of shape (n, n_in).

        Examples
        --------
        >>> P = MLP((3, 4, 2), seed=0).predict_proba(np.ones((5, 3)))
        >>> P.shape, np.allclose(P.sum(axis=1), 1.0)
        ((5, 2), True)
        """
        X = self._normalize(self._check_X(X))
        return _output(self.output, self._logits(X))

    def predict(self, X) -> np.ndarray:
        """Most probable class of each row of ``X``.

        Parameters
        ----------
        X : array_like of shape (n, n_in)

        Returns
        -------
        labels : ndarray of shape (n,), intp
            ``argmax`` of :meth:`predict_proba`, values in 0..k−1.

        Examples
        --------
        >>> MLP((3, 4, 2), seed=0).predict(np.zeros((2, 3))).shape
        (2,)
        """
        X = self._normalize(self._check_X(X))
        return np.argmax(self._logits(X), axis=1)  # argmax of logits = argmax of probabilities

    def loss(self, X, y) -> float:
        """Mean cross-entropy of the network on ``(X, y)``.

        Parameters
        ----------
        X : array_like of shape (n, n_in)
        y : array_like of int, shape (n,)
            Class labels in 0..k−1.

        Returns
        -------
        loss : float
            Softmax output: mean over samples of −log p_{y}. Sigmoid output: mean over
            samples of the binary cross-entropy summed over the k outputs.

        Examples
        --------
        >>> net = MLP((3, 4, 2), seed=0)
        >>> net.weights[-1][:] = 0  # last layer silent: both classes get probability 1/2
        >>> round(net.loss(np.ones((2, 3)), [0, 1]), 4)  # −log(1/2) = log 2
        0.6931
        """
        X = self._normalize(self._check_X(X))
        Y = self._check_y(y, len(X))
        return _mean_loss(self.output, self._logits(X), Y)

    def gradients(self, X, y) -> Gradients:
        """Gradients of :meth:`loss` with respect to every weight and bias (back-propagation).

        Parameters
        ----------
        X : array_like of shape (n, n_in)
        y : array_like of int, shape (n,)

        Returns
        -------
        Gradients
            ``weights[l]`` (n_in, n_out) and ``biases[l]`` (n_out,) for each layer ``l``.

        Notes
        -----
        Check them against numerical differentiation, (L(θ + h) − L(θ − h)) / 2h: the
        relative error is about 1e-7 or smaller in float64 (``tests/test_mlp.py``).

        Examples
        --------
        >>> g = MLP((3, 4, 2), seed=0).gradients(np.ones((5, 3)), [0, 1, 0, 1, 1])
        >>> [dW.shape for dW in g.weights], [db.shape for db in g.biases]
        ([(3, 4), (4, 2)], [(4,), (2,)])
        """
        X = self._normalize(self._check_X(X))
        Y = self._check_y(y, len(X))
        _, dWs, dbs = self._loss_and_gradients(X, Y)
        return Gradients(weights=dWs, biases=dbs)

    def fit(self, X, y, *, optimizer: str = "adam", learning_rate: float | None = None,
            epochs: int = 10, batch_size: int = 256, momentum: float = 0.9,
            decay: float = 0.0, normalize: bool = True,
            callback: Callable[[int, float], object] | None = None,
            progress: bool = False) -> MLP:
        """Train the network by back-propagation and gradient descent.

        Training continues from the current weights (call :meth:`set_architecture` to start
        afresh).

        Parameters
        ----------
        X : array_like of shape (n, n_in)
            Training inputs, any numeric dtype (e.g. uint8 patches).
        y : array_like of int, shape (n,)
            Class labels in 0..k−1.
        optimizer : {"gd", "mbgd", "sgd", "momentum", "adam"}, default "adam"
            ``"gd"``: one step per epoch on the whole set (batch gradient descent).
            ``"mbgd"``: one step per mini-batch of ``batch_size`` samples.
            ``"sgd"``: one step per sample (stochastic gradient descent) — a Python loop
            over the samples, so slow on large sets (128k patches: ≈ 15 s per epoch on
            2 cores, 60× Adam's mini-batches); prefer ``"mbgd"`` there.
            ``"momentum"`` and ``"adam"``: mini-batches of ``batch_size`` with those updates.
        learning_rate : float > 0, optional
            Step size η; default ``DEFAULT_LEARNING_RATES[optimizer]``.
        epochs : int ≥ 1, default 10
            Passes over the training set.
        batch_size : int ≥ 1, default 256
            Samples per step for ``"mbgd"``, ``"momentum"`` and ``"adam"``.
        momentum : float in [0, 1), default 0.9
            μ of the ``"momentum"`` optimiser (the fraction of the velocity kept per step).
        decay : float ≥ 0, default 0.0
            Learning-rate decay: epoch e (from 1) uses η / (1 + decay · (e − 1)). Large
            early steps make fast progress; smaller late steps settle the weights instead
            of leaving them wherever the last noisy mini-batch step put them.
        normalize : bool, default True
            Mean-normalise the inputs: on the first fit after initialisation store
            ``mean_`` and ``scale_`` (the standard deviation, 1 where it is 0) of each
            input column; every later call feeds ``(X − mean_) / scale_`` to the network.
        callback : callable, optional
            Called as ``callback(epoch, loss)`` after each epoch (epoch counts from 1;
            loss is the epoch's entry of ``loss_history_``), e.g. to update a live plot. If it
            returns ``False`` (exactly), training stops after that epoch.
        progress : bool, default False
            Show a tqdm progress bar over the epochs with the current loss.

        Returns
        -------
        self : MLP
            With trained weights and ``loss_history_`` (one training loss per epoch run:
            the mean of the batch losses met during the epoch, as scikit-learn's
            ``loss_curve_`` — no extra pass over the data).

        Raises
        ------
        TypeError, ValueError
            If an argument is not as described (shapes, labels outside 0..k−1, a learning
            rate ≤ 0 or NaN, an unknown optimizer).
        ValueError
            If training diverges: the loss becomes NaN or infinite, or grows beyond
            ``DIVERGENCE_FACTOR`` (10) times the larger of the starting loss and the loss
            of an equal-probability guess. The message names
            the epoch and the learning rate and suggests one ten times smaller.

        Notes
        -----
        Samples are shuffled at every epoch with the network's Generator (not for
        ``"gd"``, where the order does not matter), so the same seed gives the same
        weights bit for bit. Taught in ``notebooks/05_neural_agent.ipynb``.

        Examples
        --------
        >>> X = np.array([[0.0], [1.0], [2.0], [3.0]])
        >>> net = MLP((1, 2), seed=0).fit(X, [0, 0, 1, 1], optimizer="gd", epochs=50)
        >>> net.predict(X), len(net.loss_history_)
        (array([0, 0, 1, 1]), 50)
        """
        optimizer = one_of(optimizer, "optimizer", OPTIMIZERS)
        if learning_rate is None:
            learning_rate = DEFAULT_LEARNING_RATES[optimizer]
        learning_rate = positive_float(learning_rate, "learning_rate")
        epochs = positive_int(epochs, "epochs")
        batch_size = positive_int(batch_size, "batch_size")
        momentum = positive_float(momentum, "momentum", allow_zero=True)
        if momentum >= 1:
            raise ValueError(f"momentum must be in [0, 1), got {momentum!r}")
        decay = positive_float(decay, "decay", allow_zero=True)
        if callback is not None and not callable(callback):
            raise TypeError(f"callback must be callable as callback(epoch, loss), got {callback!r}")
        X = self._check_X(X)
        Y = self._check_y(y, len(X))

        if normalize and self.mean_ is None:
            self.mean_ = X.mean(axis=0)
            std = X.std(axis=0)
            self.scale_ = np.where(std > 0, std, 1.0)
        Xn = self._normalize(X)
        self.loss_history_ = self._train(Xn, Y, optimizer, learning_rate, epochs, batch_size,
                                         momentum, decay, callback, progress)
        return self

    def _train(self, X, Y, optimizer, learning_rate, epochs, batch_size, momentum, decay,
               callback, progress) -> np.ndarray:
        """The training loop on normalised inputs; returns the loss of each epoch."""
        from tqdm.auto import tqdm

        n = len(X)
        batch = {"gd": n, "sgd": 1}.get(optimizer, min(batch_size, n))
        params = self.weights + self.biases
        stepper = _OPTIMIZER_CLASSES[optimizer](params, learning_rate, momentum)
        k = self.layer_sizes[-1]
        guess_loss = np.log(k) if self.output == "softmax" else k * np.log(2.0)
        start_loss = None
        history = []
        bar = tqdm(range(1, epochs + 1), desc=optimizer, unit="epoch", disable=not progress)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            for epoch in bar:
                stepper.lr = learning_rate / (1.0 + decay * (epoch - 1))
                if optimizer == "gd":
                    Xs, Ys = X, Y
                else:
                    order = self._rng.permutation(n)
                    Xs, Ys = X[order], Y[order]
                total = 0.0
                for start in range(0, n, batch):
                    Xb, Yb = Xs[start:start + batch], Ys[start:start + batch]
                    loss, dWs, dbs = self._loss_and_gradients(Xb, Yb)
                    stepper.step(params, dWs + dbs)
                    total += loss * len(Xb)
                    if start_loss is None:
                        start_loss = loss
                loss = total / n  # mean over the epoch's samples, each before its own step
                if not np.isfinite(loss) or loss > DIVERGENCE_FACTOR * max(start_loss, guess_loss):
                    bar.close()
                    raise ValueError(
                        f"training diverged at epoch {epoch} with learning_rate="
                        f"{learning_rate!r} (loss {loss:.3g}, it started at {start_loss:.3g}); "
                        f"try a smaller learning rate such as {learning_rate / 10:.3g}")
                history.append(loss)
                bar.set_postfix(loss=f"{loss:.4f}")
                if callback is not None and callback(epoch, loss) is False:
                    break
        bar.close()
        return np.asarray(history)
