"""A feed-forward neural network (multi-layer perceptron) written with NumPy alone.

The last of three modules: ``layers.py`` (each layer's forward and backward pass),
``optim.py`` (update rules, training loop), and here :class:`MLP`, which stacks the layers
and back-propagates. Samples are rows; a layer maps ``A`` (n, n_in) to ``Z = A @ W + b``
(n, n_out), then applies its activation. Everything is float64."""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from labkit import _checks
from labkit._fast import network as engine
from labkit.layers import (ACTIVATION_LAYERS, affine_backward, affine_forward, affine_init,
                           softmax, softmax_loss)
from labkit.optim import OPTIMIZERS, stable_rate, train

ACTIVATIONS = tuple(ACTIVATION_LAYERS)  # ("sigmoid", "relu", "tanh")
NORMALIZATIONS = ("mean", "zscore", "none")

#: Learning rate used when ``fit(learning_rate=None)``: for the 9-20-20-8 colorization network
#: on mean-normalised patches, from ``labkit.neural.learning_rate_sweep``; sweep for yours.
DEFAULT_LEARNING_RATES = {"gd": 1.0, "mbgd": 1.0, "sgd": 0.1, "momentum": 0.3, "adam": 0.1}

#: Divergence: a loss above this × max(the starting loss, log k of an even guess), or NaN.
DIVERGENCE_FACTOR = 10.0


@dataclass(frozen=True, eq=False)
class Gradients:
    """Gradients of the mean loss: ``weights[l]`` (n_in, n_out) and ``biases[l]`` (n_out,)."""

    weights: list
    biases: list


class MLP:
    """A fully connected feed-forward network for k-class classification.

    Parameters
    ----------
    layer_sizes : sequence of int
        Units per layer, input first, output last: ``(9, 20, 20, 8)`` is 9 inputs, two
        hidden layers of 20 units and 8 classes (at least 2 outputs).
    activations : str or sequence of str, default "sigmoid"
        ``"sigmoid"``, ``"relu"`` or ``"tanh"``: one for every hidden layer, or one each.
    seed : None, int or numpy.random.Generator
        Seeds the initial weights and the shuffling of the samples in every epoch of
        :meth:`fit`: the same seed gives the same weights, bit for bit.
    check_input : bool, default True
        False: every method trusts that ``X`` is numeric (n, n_in) and ``y`` intp labels
        0..k−1, for a caller that checked them (:class:`labkit.neural.NeuralAgent`).

    Attributes
    ----------
    weights : list of ndarray (n_in, n_out); biases : list of ndarray (n_out,)
    normalize_, mean_, scale_ : str, ndarray (n_in,), ndarray (n_in,)
        Set by the first :meth:`fit`: the network sees ``(X − mean_) / scale_`` (mean_ and
        scale_ are None with ``normalize="none"``). All None while unfitted.
    initial_loss_ : float
        The mean loss on all training samples before the last :meth:`fit` took a step.
    loss_history_ : ndarray of shape (epochs_run,)
        ``loss_history_[e − 1]`` is the mean loss on ALL training samples after epoch e
        of the last :meth:`fit` (one more forward pass over the set per epoch).

    Notes
    -----
    Initial weights: ``labkit.layers.affine_init`` (He before a ReLU, else Xavier).
    Taught in ``notebooks/05_neural_agent.ipynb``.

    Examples
    --------
    >>> X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    >>> net = MLP((2, 8, 2), activations="tanh", seed=0)  # XOR: not linearly separable
    >>> net.fit(X, [0, 1, 1, 0], optimizer="adam", learning_rate=0.05, epochs=300).predict(X)
    array([0, 1, 1, 0])
    """

    def __init__(self, layer_sizes: Sequence[int], activations: str | Sequence[str] | None = None,
                 *, seed=None, check_input: bool = True) -> None:
        self._rng, self.check_input = _checks.make_rng(seed), bool(check_input)
        self.set_architecture(layer_sizes, activations)

    def set_architecture(self, layer_sizes: Sequence[int],
                         activations: str | Sequence[str] | None = None) -> MLP:
        """Choose the layers and activations and draw new weights: an unfitted network.

        Parameters and exceptions as for :class:`MLP`; returns ``self``.

        >>> [W.shape for W in MLP((9, 20, 8), seed=0).set_architecture((9, 30, 8)).weights]
        [(9, 30), (30, 8)]
        """
        sizes = _checks.sizes(layer_sizes, "layer_sizes", min_length=2)
        if sizes[-1] < 2:
            raise ValueError(f"the output layer needs at least 2 units (classes), got {sizes[-1]}")
        self.activations = _checks.names(activations or "sigmoid", "activations",
                                         len(sizes) - 2, ACTIVATIONS)
        self.layer_sizes, self.weights, self.biases = sizes, [], []
        for layer, (n_in, n_out) in enumerate(pairwise(sizes)):
            relu = layer < len(self.activations) and self.activations[layer] == "relu"
            W, b = affine_init(n_in, n_out, self._rng, relu=relu)
            self.weights.append(W)
            self.biases.append(b)
        self.normalize_ = self.mean_ = self.scale_ = self.initial_loss_ = None
        self.loss_history_ = np.empty(0)
        self._block = engine.block_rows(sizes)
        return self

    def __repr__(self) -> str:
        return f"MLP(layer_sizes={self.layer_sizes}, activations={self.activations})"

    # -- forward and backward passes, on inputs already checked and normalised ------------

    def _forward(self, X: np.ndarray):
        """Scores (n, k) of the last layer, and each layer's caches for the backward pass."""
        caches, A = [], X
        for layer, (W, b) in enumerate(zip(self.weights, self.biases)):
            Z, affine_cache = affine_forward(A, W, b)  # (n, n_out)
            if layer == len(self.activations):  # the output layer: the scores
                caches.append((affine_cache, None))
                return Z, caches
            A, activation_cache = ACTIVATION_LAYERS[self.activations[layer]][0](Z)
            caches.append((affine_cache, activation_cache))

    def _backward(self, dscores: np.ndarray, caches) -> tuple[list, list]:
        """Back-propagation: from dLoss/dscores, the gradient of every W and b, last first."""
        dWs, dbs = [None] * len(caches), [None] * len(caches)
        dZ = dscores
        for layer in range(len(caches) - 1, -1, -1):
            dA, dWs[layer], dbs[layer] = affine_backward(dZ, caches[layer][0])
            if layer > 0:  # back through the activation of the layer below
                backward = ACTIVATION_LAYERS[self.activations[layer - 1]][1]
                dZ = backward(dA, caches[layer - 1][1])
        return dWs, dbs

    def _batch_gradients(self, X: np.ndarray, y: np.ndarray):
        """``(loss, dWs, dbs)`` of one batch: forward, loss, backward."""
        scores, caches = self._forward(X)
        loss, dscores = softmax_loss(scores, y)
        return (loss, *self._backward(dscores, caches))

    def _gradients(self, X: np.ndarray, y: np.ndarray):  # the engine cuts a large set in blocks
        return engine.mean_in_blocks(self._batch_gradients, X, y, self._block)

    def _scores(self, X: np.ndarray) -> np.ndarray:
        """Scores of a set of any size (the engine runs a large one block by block)."""
        return engine.rows_in_blocks(lambda part: self._forward(part)[0], X, self._block)

    def _loss(self, X: np.ndarray, y: np.ndarray) -> float:  # of the forward pass, in the engine
        return engine.mean_loss(self.weights, self.biases, self.activations, X, y)

    def _inputs(self, X, y=None, *, fitted: bool = False, normalized: bool = True):
        """Checked ``X`` (n, n_in) (then normalised) and ``y`` (n,) labels 0..k−1, or None."""
        if fitted and self.normalize_ is None:
            raise _checks.NotFittedError("this MLP is not fitted yet: call fit(X, y) first")
        if self.check_input:
            X = _checks.features(X, self.layer_sizes[0], "X")
            y = None if y is None else _checks.labels(y, len(X), self.layer_sizes[-1], "y")
        return (self._normalized(X) if normalized else X), y

    def _normalized(self, X: np.ndarray) -> np.ndarray:  # X as the network sees it
        return np.asarray(X, float) if self.mean_ is None else (X - self.mean_) / self.scale_

    # -- public API ---------------------------------------------------------------------------

    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities (n, k) of raw ``X`` (n, n_in); NotFittedError before fit.

        >>> MLP((3, 4, 2), seed=0).fit(np.eye(3), [0, 1, 1]).predict_proba(np.eye(3)).sum(axis=1)
        array([1., 1., 1.])
        """
        return softmax(self._scores(self._inputs(X, fitted=True)[0]))

    def predict(self, X) -> np.ndarray:
        """The most probable class (n,), 0..k−1, of each row of raw ``X`` (n, n_in).

        >>> MLP((3, 4, 2), seed=0).fit(np.eye(3), [0, 1, 1], epochs=1).predict(np.eye(3)).shape
        (3,)
        """
        return np.argmax(self._scores(self._inputs(X, fitted=True)[0]), axis=1)

    def loss(self, X, y) -> float:
        """Mean cross-entropy on ``(X, y)``; unfitted, ``X`` is used as given (not normalised).

        >>> net = MLP((3, 4, 2), seed=0)
        >>> net.weights[-1][:] = 0  # last layer silent: both classes get probability 1/2
        >>> round(net.loss(np.ones((2, 3)), [0, 1]), 4)  # −log(1/2) = log 2
        0.6931
        """
        return self._loss(*self._inputs(X, y))

    def gradients(self, X, y) -> Gradients:
        """Back-propagation's gradients of :meth:`loss`, for every weight and bias.

        A gradient check against (L(θ + h) − L(θ − h)) / 2h gives ~1e-7 or smaller.

        >>> g = MLP((3, 4, 2), seed=0).gradients(np.ones((5, 3)), [0, 1, 0, 1, 1])
        >>> [dW.shape for dW in g.weights], [db.shape for db in g.biases]
        ([(3, 4), (4, 2)], [(4,), (2,)])
        """
        _, dWs, dbs = self._gradients(*self._inputs(X, y))
        return Gradients(weights=dWs, biases=dbs)

    def fit(self, X, y, *, optimizer: str = "adam", learning_rate: float | None = None,
            epochs: int = 10, batch_size: int = 256, momentum: float = 0.9,
            decay: float = 0.0, normalize: str = "mean",
            callback: Callable[[int, float], object] | None = None,
            progress: bool = False) -> MLP:
        """Train by back-propagation and gradient descent, from the current weights.

        Parameters
        ----------
        X : array_like of shape (n, n_in); y : array_like of int, shape (n,), 0..k−1
        optimizer : {"gd", "mbgd", "sgd", "momentum", "adam"}, default "adam"
        learning_rate : float > 0, default ``DEFAULT_LEARNING_RATES[optimizer]``
        epochs : int ≥ 1, default 10; batch_size : int ≥ 1, default 256
        momentum : float in [0, 1), default 0.9; decay : float ≥ 0, default 0
        callback : callable, optional; progress : bool, default False
            The training loop's settings, as in :func:`labkit.optim.train`: gd steps once
            per epoch on all samples, sgd once per sample (a slow Python loop on large
            sets), mbgd, momentum and adam once per mini-batch.
        normalize : {"mean", "zscore", "none"}, default "mean"
            Stored by the first fit (later fits must ask for the same). The source
            report's mean normalisation (x − mean) / (max − min) puts each input in a
            range of width 1 around 0; z-score standardisation (x − mean) / std gives each
            a standard deviation of 1; "none" feeds raw values (sigmoids saturate). A
            constant input gets scale 1.

        Returns
        -------
        self : MLP
            With ``initial_loss_`` and ``loss_history_`` (see :class:`MLP`).

        Raises
        ------
        TypeError, ValueError
            For a bad argument. ValueError also if training diverges (a loss after an epoch
            NaN, inf or above ``DIVERGENCE_FACTOR`` × max(its start, log k)): the network is
            left as it was, and the message names a rate 10, 100, … times smaller that
            trains the same epochs from the same start without diverging, to a lower loss
            than at the start (finding it costs about one more training).

        Examples
        --------
        >>> X = np.array([[0.0], [1.0], [2.0], [3.0]])
        >>> net = MLP((1, 2), seed=0).fit(X, [0, 0, 1, 1], optimizer="gd", epochs=50)
        >>> net.predict(X), len(net.loss_history_)
        (array([0, 0, 1, 1]), 50)
        """
        optimizer = _checks.one_of(optimizer, "optimizer", OPTIMIZERS)
        lr = _checks.learning_rate(DEFAULT_LEARNING_RATES[optimizer] if learning_rate is None
                                   else learning_rate)
        options = {"optimizer": optimizer, "epochs": _checks.positive_int(epochs, "epochs"),
                   "batch_size": _checks.positive_int(batch_size, "batch_size"),
                   "momentum": _checks.fraction(momentum, "momentum"),
                   "decay": _checks.positive_float(decay, "decay", allow_zero=True)}
        if self.normalize_ not in (None, _checks.one_of(normalize, "normalize", NORMALIZATIONS)):
            raise ValueError(f"normalize must stay {self.normalize_!r} as in the first fit, got "
                             f"{normalize!r}; call set_architecture() to start afresh")
        _checks.optional_callable(callback, "callback", "callback(epoch, loss)")
        X, y = self._inputs(X, y, normalized=False)

        before = copy.deepcopy(self.__dict__)  # to leave the network as it was if it diverges
        if self.normalize_ is None:  # the first fit: keep the statistics for every later call
            self.normalize_ = normalize
            if normalize != "none":
                spread = X.std(axis=0) if normalize == "zscore" else np.ptp(X, axis=0)
                self.mean_, self.scale_ = X.mean(axis=0), np.where(spread > 0, spread, 1.0)
        X = self._normalized(X)
        self.initial_loss_ = start = self._loss(X, y)
        options["max_loss"] = DIVERGENCE_FACTOR * max(start, np.log(self.layer_sizes[-1]))
        history, diverged = self._train(X, y, lr, options, callback=callback, progress=progress)
        if diverged is not None:  # find a rate that does not, from the same start
            self.__dict__.update(before)
            def fails(rate):  # diverges, or does not end below its starting loss
                losses, failed = copy.deepcopy(self)._train(X, y, rate, options)
                return failed is not None or losses[-1] >= start
            rate = stable_rate(fails, lr)
            hint = ("even rates a million times smaller fail" if rate is None else
                    f"a rate {lr / rate:,.0f}× smaller trains these {options['epochs']} epochs "
                    f"without diverging and lowers the loss: try learning_rate={rate:.3g}")
            raise ValueError(f"training diverged at epoch {diverged[0]} with learning_rate="
                             f"{lr!r} (loss {diverged[1]:.3g}, it started at {start:.3g}); {hint}")
        self.loss_history_ = history
        return self

    def _train(self, X, y, lr, options, **extra):  # labkit.optim.train on normalised X
        def gradients(rows):  # of the mean loss over the samples ``rows``, one per parameter
            _, dWs, dbs = self._gradients(X[rows], y[rows])
            return dWs + dbs

        return train(self.weights + self.biases, gradients, lambda: self._loss(X, y), len(X),
                     learning_rate=lr, rng=self._rng, **options, **extra)

