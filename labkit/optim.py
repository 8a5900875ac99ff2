"""Optimisers: how a gradient changes a weight.

The second of the three network modules (``layers.py``, ``optim.py``, ``mlp.py``), taught
in ``notebooks/05_neural_agent.ipynb``. Every rule has one interface, as in Stanford
CS231n's ``optim.py``::

    w, config = rule(w, dw, config)

``w`` is one parameter array (a weight matrix or a bias vector), ``dw`` the gradient of
the loss with respect to it (same shape), and ``config`` a dict holding the rule's
settings (``"learning_rate"``, …) and its memory between steps (a velocity, running
averages, a step count). Each parameter has its own ``config``. ``w`` is updated in place
and returned; the rules fill in their defaults and their memory on the first call.

gd, mbgd and sgd are one rule, :func:`gradient_descent`: they differ only in how many
samples each gradient is averaged over (all of them, a mini-batch, or one). That is the
business of :func:`train`, the loop of epochs and batches that applies a rule to every
parameter (CS231n's ``Solver``), which :meth:`labkit.mlp.MLP.fit` calls.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

#: Adam's defaults (Kingma & Ba, 2015): decay of the gradient average, of the squared
#: gradient average, and the small number that keeps the division finite.
ADAM_BETA1, ADAM_BETA2, ADAM_EPSILON = 0.9, 0.999, 1e-8

#: Momentum's default μ: the fraction of the velocity kept from one step to the next.
MOMENTUM = 0.9


def gradient_descent(w: np.ndarray, dw: np.ndarray, config: dict):
    """One step of plain gradient descent: w ← w − η · dw.

    Parameters
    ----------
    w : ndarray
        A parameter array, updated in place.
    dw : ndarray, the shape of ``w``
        dLoss/dw.
    config : dict
        ``"learning_rate"``: η > 0.

    Returns
    -------
    w : ndarray
        The same array, one step further.
    config : dict
        Unchanged: plain gradient descent has no memory.

    Examples
    --------
    >>> w, config = gradient_descent(np.array([1.0, 2.0]), np.array([10.0, -10.0]),
    ...                              {"learning_rate": 0.1})
    >>> w
    array([0., 3.])
    """
    w -= config["learning_rate"] * dw
    return w, config


def momentum(w: np.ndarray, dw: np.ndarray, config: dict):
    """One step of gradient descent with momentum.

    v ← μ v − η · dw;  w ← w + v.

    Like a ball rolling downhill, the step keeps a fraction μ of the previous one: steps
    in a steady direction grow (up to 1 / (1 − μ) times η · dw), zig-zags cancel.

    Parameters
    ----------
    w : ndarray
        A parameter array, updated in place.
    dw : ndarray, the shape of ``w``
    config : dict
        ``"learning_rate"``: η > 0; ``"momentum"``: μ in [0, 1), default
        :data:`MOMENTUM` (0.9). Memory: ``"velocity"`` v, zeros before the first step.

    Returns
    -------
    w : ndarray
    config : dict
        With the new velocity.

    Examples
    --------
    >>> w, config = np.zeros(1), {"learning_rate": 1.0, "momentum": 0.5}
    >>> for _ in range(3):
    ...     w, config = momentum(w, np.ones(1), config)
    >>> config["velocity"], w  # steps −1, −1.5, −1.75
    (array([-1.75]), array([-4.25]))
    """
    if "velocity" not in config:  # first step: at rest
        config["velocity"] = np.zeros_like(w)
    mu = config.setdefault("momentum", MOMENTUM)
    v = mu * config["velocity"] - config["learning_rate"] * dw
    w += v
    config["velocity"] = v
    return w, config


def adam(w: np.ndarray, dw: np.ndarray, config: dict):
    """One step of Adam: a per-parameter step scaled by running averages of dw and dw².

    With t the number of this step (1, 2, …)::

        m ← β1 m + (1 − β1) dw            (running average of the gradient)
        v ← β2 v + (1 − β2) dw²           (running average of its square)
        m̂ = m / (1 − β1^t)                (bias corrections: m and v start at 0,
        v̂ = v / (1 − β2^t)                 so early averages are too small)
        w ← w − η m̂ / (√v̂ + ε)

    Each parameter moves by about η per step whatever the size of its gradient: steep
    and flat directions learn at the same pace.

    Parameters
    ----------
    w : ndarray
        A parameter array, updated in place.
    dw : ndarray, the shape of ``w``
    config : dict
        ``"learning_rate"``: η > 0; ``"beta1"``, ``"beta2"``, ``"epsilon"``: default
        :data:`ADAM_BETA1` (0.9), :data:`ADAM_BETA2` (0.999), :data:`ADAM_EPSILON`
        (1e-8). Memory: ``"m"``, ``"v"`` (zeros before the first step) and ``"t"`` (0).

    Returns
    -------
    w : ndarray
    config : dict
        With the new ``m``, ``v`` and ``t``.

    Notes
    -----
    Kingma & Ba, *Adam: a method for stochastic optimization*, ICLR 2015, Algorithm 1.

    Examples
    --------
    >>> w, config = adam(np.zeros(2), np.array([4.0, -0.01]), {"learning_rate": 0.1})
    >>> w.round(6)  # the first step is η · sign(dw), whatever the gradient's size
    array([-0.1,  0.1])
    """
    if "t" not in config:  # first step: both averages start at zero
        config.update(m=np.zeros_like(w), v=np.zeros_like(w), t=0)
    beta1 = config.setdefault("beta1", ADAM_BETA1)
    beta2 = config.setdefault("beta2", ADAM_BETA2)
    eps = config.setdefault("epsilon", ADAM_EPSILON)
    t = config["t"] + 1
    m = beta1 * config["m"] + (1 - beta1) * dw
    v = beta2 * config["v"] + (1 - beta2) * (dw * dw)
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    w -= config["learning_rate"] * m_hat / (np.sqrt(v_hat) + eps)
    config.update(m=m, v=v, t=t)
    return w, config


#: The update rule of each optimiser name that :meth:`labkit.mlp.MLP.fit` accepts.
UPDATE_RULES = {
    "gd": gradient_descent,
    "mbgd": gradient_descent,
    "sgd": gradient_descent,
    "momentum": momentum,
    "adam": adam,
}

#: The optimiser names, in the order the notebook teaches them.
OPTIMIZERS = tuple(UPDATE_RULES)


def decayed_rate(learning_rate: float, decay: float, epoch: int) -> float:
    """The learning rate of epoch ``epoch`` (from 1): η / (1 + decay · (epoch − 1)).

    Large early steps make fast progress; smaller late steps let the weights settle
    instead of leaving them wherever the last noisy mini-batch step put them.

    Examples
    --------
    >>> [round(decayed_rate(0.6, 0.5, e), 6) for e in (1, 2, 3)]
    [0.6, 0.4, 0.3]
    """
    return learning_rate / (1.0 + decay * (epoch - 1))


def train(params: list, gradients: Callable, loss: Callable[[], float], n: int, *,
          optimizer: str, learning_rate: float, epochs: int, batch_size: int,
          rng: np.random.Generator, momentum: float = MOMENTUM, decay: float = 0.0,
          max_loss: float = np.inf, callback: Callable | None = None,
          progress: bool = False):
    """The training loop: epochs of steps, each on a batch of samples, with one update rule.

    Called by :meth:`labkit.mlp.MLP.fit`, which checks the arguments (as the ``Solver``
    of CS231n's assignment 2 runs a model's training).

    Parameters
    ----------
    params : list of ndarray
        The parameter arrays, updated in place.
    gradients : callable
        ``gradients(rows)`` → list of arrays, one per parameter: the gradient of the mean
        loss over the samples ``rows`` (an index array or a slice).
    loss : callable
        ``loss()`` → the mean loss on all ``n`` samples with the current parameters.
    n : int
        Number of training samples.
    optimizer : {"gd", "mbgd", "sgd", "momentum", "adam"}
        The rule ``UPDATE_RULES[optimizer]`` and the batches: gd, one step per epoch on
        all samples in their order; sgd, one step per sample; the others, batches of
        ``batch_size``. Except for gd, samples are shuffled every epoch with ``rng``.
    learning_rate, decay : float
        Epoch e uses :func:`decayed_rate` (learning_rate, decay, e).
    epochs, batch_size : int
    rng : numpy.random.Generator
    momentum : float
        μ of the momentum rule.
    max_loss : float
        A loss above this (or NaN, inf) after an epoch counts as divergence: training stops.
    callback : callable, optional
        ``callback(epoch, loss)`` after each epoch; returning ``False`` stops training.
    progress : bool
        A tqdm progress bar over the epochs.

    Returns
    -------
    history : ndarray of shape (epochs_run,)
        ``loss()`` after each epoch.
    diverged : None or (int, float)
        The epoch and loss at which training diverged (not in ``history``).
    """
    from tqdm.auto import tqdm

    batch = {"gd": n, "sgd": 1}.get(optimizer, min(batch_size, n))
    rule = UPDATE_RULES[optimizer]
    configs = [{"momentum": momentum} for _ in params]
    history = []
    bar = tqdm(range(1, epochs + 1), desc=optimizer, unit="epoch", disable=not progress)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for epoch in bar:
            for config in configs:
                config["learning_rate"] = decayed_rate(learning_rate, decay, epoch)
            if optimizer == "gd":  # all samples at once: their order does not matter
                batches = [slice(None)]
            else:  # a new random order every epoch, cut into batches
                order = rng.permutation(n)
                batches = [order[start:start + batch] for start in range(0, n, batch)]
            for rows in batches:
                for w, dw, config in zip(params, gradients(rows), configs):
                    rule(w, dw, config)
            epoch_loss = loss()  # on all samples, after the epoch's steps
            if not epoch_loss <= max_loss:  # also true for NaN
                bar.close()
                return np.asarray(history), (epoch, epoch_loss)
            history.append(epoch_loss)
            bar.set_postfix(loss=f"{epoch_loss:.4f}")
            if callback is not None and callback(epoch, epoch_loss) is False:
                break
    bar.close()
    return np.asarray(history), None


def stable_rate(diverges: Callable[[float], object], learning_rate: float,
                tries: int = 6) -> float | None:
    """The first of learning_rate / 10, / 100, … for which ``diverges(rate)`` is falsy.

    ``diverges(rate)`` trains from the same start with that rate and reports divergence
    (:meth:`labkit.mlp.MLP.fit` uses it to suggest a rate that works). None if all
    ``tries`` rates diverge.

    Examples
    --------
    >>> stable_rate(lambda rate: rate > 0.05, 10.0)
    0.01
    """
    for power in range(1, tries + 1):
        rate = learning_rate / 10**power
        if not diverges(rate):
            return rate
    return None
