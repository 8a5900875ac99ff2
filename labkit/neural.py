"""The improved colorization agent: a small neural network classifies each gray patch.

Like the basic agent (:class:`labkit.knn.KNNAgent`), it learns from the left half's p×p
gray patches which of the k colors their centre pixel has, then predicts a color for
every patch of the right half. Instead of remembering all training patches and searching
them, it fits a feed-forward network once (:class:`labkit.mlp.MLP`, 9-20-20-8 by
default, the source report's network) and then predicts with a few matrix products.
:func:`learning_rate_sweep` trains it at several learning rates, to compare optimisers
each at its own best rate. Taught in ``notebooks/05_neural_agent.ipynb``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from labkit import _checks
from labkit.mlp import ACTIVATIONS, DEFAULT_LEARNING_RATES, MLP, NORMALIZATIONS, OPTIMIZERS

#: Training defaults of the agent, chosen with ``benchmarks/bench_mlp.py``: 12 epochs of Adam
#: on mini-batches of 512 with a decaying learning rate train the 9-20-20-8 network on the
#: ≈128k patches of a 640×400 photo in a few seconds on 2 cores, and beat the KNN agent's
#: test RMSE on the bundled photos. Mean-normalised inputs span a range of 1 (a standard
#: deviation near 0.3, not 1 as after z-scores), so the first weights must grow about 3×
#: larger: Adam, which moves each weight by about η per step, needs η = 0.15 where 0.05
#: sufficed for z-scores.
ADAM_LEARNING_RATE, EPOCHS, BATCH_SIZE, DECAY = 0.15, 12, 512, 0.3

#: The learning rates :func:`learning_rate_sweep` tries by default: half-decade steps.
SWEEP_RATES = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0)


class NeuralAgent:
    """The improved agent: a from-scratch neural network predicts each patch's color.

    Parameters
    ----------
    k : int ≥ 2, default 8
        Number of colors (k-means clusters): the network has k outputs, labels are 0..k−1.
    patch : int, default 3
        Odd side p of the gray patches; the network has p² inputs.
    hidden : sequence of int, default (20, 20)
        Units of each hidden layer (the source report's 9-20-20-8 network for p = 3,
        k = 8); ``()`` gives a linear (softmax regression) classifier.
    activation : {"sigmoid", "relu", "tanh"} or sequence of them, default "sigmoid"
        Hidden-layer activation(s): one for all hidden layers or one per hidden layer.
    optimizer : {"gd", "mbgd", "sgd", "momentum", "adam"}, default "adam"
        See :meth:`labkit.mlp.MLP.fit`. ``"gd"`` makes one step per epoch, so it learns
        little in the default 12 epochs: that is the lesson it teaches.
    learning_rate : float > 0, optional
        Default 0.15 for Adam (with ``decay``), else ``labkit.mlp.DEFAULT_LEARNING_RATES``.
    epochs : int ≥ 1, default 12
    batch_size : int ≥ 1, default 512
        Patches per step for ``"mbgd"``, ``"momentum"`` and ``"adam"``.
    decay : float ≥ 0, default 0.3
        Learning-rate decay: epoch e uses η / (1 + decay · (e − 1)).
    normalize : {"mean", "zscore", "none"}, default "mean"
        How the network normalises the gray values (see :meth:`labkit.mlp.MLP.fit`).
    seed : None, int or numpy.random.Generator, default 0
        Seeds the weights and the shuffling: the same int seed gives the same colors.
    progress : bool, default False
        Show a progress bar over the epochs.
    callback : callable, optional
        ``callback(epoch, loss)`` after each epoch (return ``False`` to stop early).

    Attributes
    ----------
    network : labkit.mlp.MLP or None
        The trained network (after :meth:`fit`), with its weights and normalisation.
    loss_history_ : ndarray of shape (epochs_run,)
        The network's ``loss_history_``: the mean cross-entropy on all training patches
        after each epoch.

    Raises
    ------
    TypeError, ValueError
        If a parameter is not as described (checked here, before any training).

    Notes
    -----
    Inputs are the p² gray values of each patch, mean-normalised by the network with the
    training patches' statistics: x' = (x − mean) / (max − min) per column. The output
    is a softmax over the k colors, trained by minimising the cross-entropy −log p(label);
    the predicted color is the most probable one.

    Examples
    --------
    >>> X = np.array([[0], [10], [20], [200], [220], [240]], dtype=np.uint8)
    >>> agent = NeuralAgent(k=2, patch=1, hidden=(4,), epochs=100, batch_size=2).fit(
    ...     X, [0, 0, 0, 1, 1, 1])
    >>> agent.predict(np.array([[5], [230]], dtype=np.uint8))
    array([0, 1])
    """

    def __init__(self, k: int = 8, patch: int = 3, hidden: Sequence[int] = (20, 20),
                 activation: str | Sequence[str] = "sigmoid", optimizer: str = "adam",
                 learning_rate: float | None = None, epochs: int = EPOCHS,
                 batch_size: int = BATCH_SIZE, decay: float = DECAY, seed=0,
                 progress: bool = False, callback: Callable[[int, float], object] | None = None,
                 *, normalize: str = "mean") -> None:
        self.k = _checks.positive_int(k, "k", minimum=2)
        self.patch = _checks.patch_size(patch)
        self.hidden = _checks.sizes(hidden, "hidden")
        self.activation = activation  # as given: one name, or one per hidden layer
        self._activations = _checks.names(activation, "activation", len(self.hidden),
                                          ACTIVATIONS)
        self.optimizer = _checks.one_of(optimizer, "optimizer", OPTIMIZERS)
        if learning_rate is None:
            learning_rate = (ADAM_LEARNING_RATE if optimizer == "adam"
                             else DEFAULT_LEARNING_RATES[optimizer])
        self.learning_rate = _checks.learning_rate(learning_rate)
        self.epochs = _checks.positive_int(epochs, "epochs")
        self.batch_size = _checks.positive_int(batch_size, "batch_size")
        self.decay = _checks.positive_float(decay, "decay", allow_zero=True)
        self.normalize = _checks.one_of(normalize, "normalize", NORMALIZATIONS)
        _checks.make_rng(seed)  # refuses a bad seed now; each fit starts from the seed itself
        _checks.optional_callable(callback, "callback", "callback(epoch, loss)")
        self.seed, self.progress, self.callback = seed, bool(progress), callback
        self.network: MLP | None = None
        self.loss_history_ = np.empty(0)

    def __repr__(self) -> str:
        return (f"NeuralAgent(k={self.k}, patch={self.patch}, hidden={self.hidden}, "
                f"activation={self.activation!r}, optimizer={self.optimizer!r}, "
                f"learning_rate={self.learning_rate!r}, epochs={self.epochs}, "
                f"batch_size={self.batch_size}, decay={self.decay!r}, seed={self.seed!r})")

    def fit(self, X, y) -> NeuralAgent:
        """Train a fresh network on the training patches and their colors.

        Parameters
        ----------
        X : array_like of shape (n, p * p), integers 0..255
            Training patches (``labkit.patches.patch_features`` of the left half).
        y : array_like of shape (n,), integers 0..k−1
            The color label of each patch's centre pixel.

        Returns
        -------
        self : NeuralAgent
            With ``network`` and ``loss_history_`` set.

        Raises
        ------
        TypeError
            If ``X`` or ``y`` do not hold integers.
        ValueError
            If the shapes do not match or the labels leave 0..k−1; also if training
            diverges (the message names a learning rate that does not).
        """
        X = _checks.patches(X, self.patch)
        return self._fit(X, _checks.labels(y, len(X), self.k, "y"))

    def _fit(self, X: np.ndarray, y: np.ndarray) -> NeuralAgent:
        """Fit on checked patches and labels: the network trusts them (check_input=False)."""
        sizes = (self.patch * self.patch, *self.hidden, self.k)
        network = MLP(sizes, self._activations, seed=self.seed, check_input=False)
        network.fit(X, y, optimizer=self.optimizer, learning_rate=self.learning_rate,
                    epochs=self.epochs, batch_size=self.batch_size, decay=self.decay,
                    normalize=self.normalize, callback=self.callback, progress=self.progress)
        self.network, self.loss_history_ = network, network.loss_history_
        return self

    def _checked_patches(self, X) -> np.ndarray:
        if self.network is None:
            raise _checks.NotFittedError("this NeuralAgent is not fitted yet: call fit(X, y) "
                                         "first")
        return _checks.patches(X, self.patch)

    def predict_proba(self, X) -> np.ndarray:
        """Probability of each of the k colors for each patch.

        Parameters
        ----------
        X : array_like of shape (m, p * p), integers 0..255

        Returns
        -------
        P : ndarray of shape (m, k), float64
            Rows sum to 1.

        Raises
        ------
        labkit._checks.NotFittedError
            Before :meth:`fit` (a ValueError).
        TypeError, ValueError
            If ``X`` has the wrong type, shape or values.
        """
        X = self._checked_patches(X)
        return self.network.predict_proba(X)

    def predict(self, X) -> np.ndarray:
        """The most probable color label of each patch.

        Parameters
        ----------
        X : array_like of shape (m, p * p), integers 0..255
            Patches to color (the right half's).

        Returns
        -------
        labels : ndarray of shape (m,), intp
            Values in 0..k−1.

        Raises
        ------
        labkit._checks.NotFittedError
            Before :meth:`fit` (a ValueError).
        TypeError, ValueError
            If ``X`` has the wrong type, shape or values.
        """
        X = self._checked_patches(X)
        return self.network.predict(X)


def learning_rate_sweep(X, y, optimizer: str | Sequence[str] = "adam",
                        rates: Sequence[float] = SWEEP_RATES, *, epochs: int = EPOCHS,
                        seed=0, **params) -> pd.DataFrame:
    """Train the agent's network once per optimiser and learning rate, from the same start.

    Parameters
    ----------
    X : array_like of shape (n, p * p), integers 0..255
    y : array_like of shape (n,), integers 0..k−1
        Training patches and their color labels, as for :meth:`NeuralAgent.fit`.
    optimizer : str or sequence of str, default "adam"
        One or several of ``labkit.mlp.OPTIMIZERS``.
    rates : sequence of float > 0, default ``SWEEP_RATES`` (0.001 … 3, half decades)
    epochs : int ≥ 1, default 12
    seed : None, int or numpy.random.Generator, default 0
        An int gives every run the same initial weights and shuffling.
    **params
        Other :class:`NeuralAgent` parameters (``k``, ``patch``, ``hidden``,
        ``activation``, ``batch_size``, ``decay``, ``normalize``).

    Returns
    -------
    sweep : pandas.DataFrame
        One row per (optimizer, learning_rate): ``final_loss`` (the mean loss on all
        training patches after the last epoch), ``accuracy`` (share of training patches
        given their own label), ``diverged`` (then both are NaN) and ``best`` (True on
        each optimiser's row of lowest final loss).

    Raises
    ------
    TypeError, ValueError
        If an argument is not as described.

    Notes
    -----
    Compare optimisers each at its own best rate (``sweep[sweep.best]``): their default
    rates differ 20× (``DEFAULT_LEARNING_RATES``), so comparing them there mixes up the
    method and the step size. Taught in ``notebooks/05_neural_agent.ipynb``.

    Examples
    --------
    >>> X = np.array([[0], [10], [20], [200], [220], [240]], dtype=np.uint8)
    >>> sweep = learning_rate_sweep(X, [0, 0, 0, 1, 1, 1], ["gd", "adam"], [0.1, 1.0],
    ...                             epochs=5, k=2, patch=1, hidden=(4,), batch_size=2)
    >>> sweep[["optimizer", "learning_rate"]].values.tolist()
    [['gd', 0.1], ['gd', 1.0], ['adam', 0.1], ['adam', 1.0]]
    """
    if "learning_rate" in params:
        raise TypeError("learning_rate_sweep takes its learning rates as rates=[...], "
                        "not learning_rate")
    optimizers = (optimizer,) if isinstance(optimizer, str) else optimizer
    optimizers = _checks.choices(optimizers, "optimizer",
                                 lambda value, name: _checks.one_of(value, name, OPTIMIZERS))
    rates = _checks.choices(rates, "rates", _checks.learning_rate)
    base = NeuralAgent(epochs=epochs, seed=seed, **params)  # checks the other parameters
    X = _checks.patches(X, base.patch)
    y = _checks.labels(y, len(X), base.k, "y")
    rows = []
    for name in optimizers:
        for rate in rates:
            agent = NeuralAgent(**{**params, "optimizer": name, "learning_rate": rate,
                                   "epochs": epochs, "seed": seed})
            try:
                agent._fit(X, y)
            except ValueError:  # the data are checked: only divergence is left
                rows.append((name, rate, np.nan, np.nan, True))
                continue
            accuracy = float(np.mean(agent.network.predict(X) == y))
            rows.append((name, rate, float(agent.loss_history_[-1]), accuracy, False))
    sweep = pd.DataFrame(rows, columns=["optimizer", "learning_rate", "final_loss",
                                        "accuracy", "diverged"])
    lowest = sweep.groupby("optimizer", sort=False)["final_loss"].transform("min")
    sweep["best"] = sweep["final_loss"] == lowest
    return sweep
