"""The improved colorization agent: a small neural network classifies each gray patch.

Like the basic agent (:class:`labkit.knn.KNNAgent`), it learns from the left half's p×p
gray patches which of the k colors their centre pixel has, then predicts a color for
every patch of the right half. Instead of remembering all training patches and searching
them, it fits a feed-forward network (:class:`labkit.mlp.MLP`, 9-20-20-8 by default, the
seed course's network) once and then predicts with a few matrix products.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from labkit._checks import odd_int, one_of, positive_float, positive_int
from labkit.mlp import ACTIVATIONS, DEFAULT_LEARNING_RATES, MLP, OPTIMIZERS
from labkit.patches import check_training_labels, check_training_patches

#: Training defaults of the agent, chosen with ``benchmarks/bench_mlp.py``: 12 epochs of Adam
#: on mini-batches of 512 with a decaying learning rate train the 9-20-20-8 network on the
#: ≈128k patches of a 640×400 photo in a few seconds on 2 cores, and beat the KNN agent's
#: test RMSE on the bundled photos.
ADAM_LEARNING_RATE, EPOCHS, BATCH_SIZE, DECAY = 0.05, 12, 512, 0.3


class NeuralAgent:
    """The improved agent: a from-scratch neural network predicts each patch's color.

    Parameters
    ----------
    k : int ≥ 2, default 8
        Number of colors (k-means clusters) the labels come from: the network has k
        outputs and labels are 0..k−1. ``labkit.colorize`` reduces the left half to k colors.
    patch : int, default 3
        Odd side p of the gray patches; the network has p² inputs.
    hidden : sequence of int, default (20, 20)
        Units of each hidden layer (the seed's 9-20-20-8 network for p = 3, k = 8);
        ``()`` gives a linear (softmax regression) classifier.
    activation : {"sigmoid", "relu", "tanh"} or sequence of them, default "sigmoid"
        Hidden-layer activation(s), one for all or one per hidden layer.
    optimizer : {"gd", "mbgd", "sgd", "momentum", "adam"}, default "adam"
        See :meth:`labkit.mlp.MLP.fit`. ``"gd"`` makes one step per epoch, so it learns
        little in the default 12 epochs: that is the lesson it teaches.
    learning_rate : float > 0, optional
        Default 0.05 for Adam (with ``decay``), else ``labkit.mlp.DEFAULT_LEARNING_RATES``.
    epochs : int ≥ 1, default 12
        Passes over the training patches.
    batch_size : int ≥ 1, default 512
        Patches per step for ``"mbgd"``, ``"momentum"`` and ``"adam"``.
    decay : float ≥ 0, default 0.3
        Learning-rate decay per epoch: epoch e uses η / (1 + decay · (e − 1)).
    seed : None, int or numpy.random.Generator, default 0
        Seeds the weights and the shuffling: the same seed gives the same colors.
    progress : bool, default False
        Show a progress bar over the epochs.
    callback : callable, optional
        ``callback(epoch, loss)`` after each epoch (return ``False`` to stop early).

    Attributes
    ----------
    network : labkit.mlp.MLP
        The trained network (after :meth:`fit`), with its weights and normalisation.
    loss_history_ : ndarray of shape (epochs_run,)
        The training loss (mean cross-entropy) after each epoch.

    Raises
    ------
    TypeError, ValueError
        If a parameter is not as described (checked here, before any training).

    Notes
    -----
    Inputs are the p² gray values of each patch, mean-normalised by the network:
    x' = (x − mean) / std per column, with the statistics of the training patches. The
    output is a softmax over the k colors, trained by minimising the cross-entropy
    −log p(label); the predicted color is the most probable one.
    Taught in ``notebooks/05_neural_agent.ipynb``.

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
                 progress: bool = False,
                 callback: Callable[[int, float], object] | None = None) -> None:
        self.k = positive_int(k, "k", minimum=2)
        self.patch = odd_int(patch, "patch")
        self.optimizer = one_of(optimizer, "optimizer", OPTIMIZERS)
        if learning_rate is None:
            learning_rate = (ADAM_LEARNING_RATE if optimizer == "adam"
                             else DEFAULT_LEARNING_RATES[optimizer])
        self.learning_rate = positive_float(learning_rate, "learning_rate")
        self.epochs = positive_int(epochs, "epochs")
        self.batch_size = positive_int(batch_size, "batch_size")
        self.decay = positive_float(decay, "decay", allow_zero=True)
        if callback is not None and not callable(callback):
            raise TypeError(f"callback must be callable as callback(epoch, loss), got {callback!r}")
        self.seed, self.progress, self.callback = seed, bool(progress), callback
        if isinstance(hidden, (str, bytes)) or not isinstance(hidden, Sequence):
            raise TypeError(f"hidden must be a sequence of layer sizes such as (20, 20), "
                            f"got {hidden!r}")
        self.hidden = tuple(positive_int(h, "each hidden layer size") for h in hidden)
        self.activation = activation
        if isinstance(activation, str):
            one_of(activation, "activation", ACTIVATIONS)
        self._new_network()  # checks the activations and the seed now, before any data
        self.network: MLP | None = None
        self.loss_history_ = np.empty(0)

    def __repr__(self) -> str:
        return (f"NeuralAgent(k={self.k}, patch={self.patch}, hidden={self.hidden}, "
                f"activation={self.activation!r}, optimizer={self.optimizer!r}, "
                f"learning_rate={self.learning_rate!r}, epochs={self.epochs}, "
                f"batch_size={self.batch_size}, decay={self.decay!r}, seed={self.seed!r})")

    def _new_network(self) -> MLP:
        sizes = (self.patch * self.patch, *self.hidden, self.k)
        activation = self.activation if self.hidden else ()
        return MLP(sizes, activation, output="softmax", seed=self.seed)

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
            diverges (the message names the learning rate and suggests a smaller one).
        """
        X = check_training_patches(X, self.patch)
        y = check_training_labels(y, X.shape[0], self.k)
        network = self._new_network()
        network.fit(X, y, optimizer=self.optimizer, learning_rate=self.learning_rate,
                    epochs=self.epochs, batch_size=self.batch_size, decay=self.decay,
                    callback=self.callback, progress=self.progress)
        self.network, self.loss_history_ = network, network.loss_history_
        return self

    def _fitted_network(self) -> MLP:
        if self.network is None:
            raise ValueError("this NeuralAgent is not fitted yet: call fit(X, y) first")
        return self.network

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
        ValueError
            If the agent is not fitted, or ``X`` has the wrong shape or values.
        """
        network = self._fitted_network()
        return network.predict_proba(check_training_patches(X, self.patch))

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
        ValueError
            If the agent is not fitted, or ``X`` has the wrong shape or values.
        """
        network = self._fitted_network()
        return network.predict(check_training_patches(X, self.patch))
