"""Checks of numbers, names and seeds: the scalar arguments of labkit's public functions.

Part of :mod:`labkit._checks` (import from there); see its docstring for the rules.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable

import numpy as np


def _is_integer(value) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))

def positive_int(value, name: str, minimum: int = 1, maximum: int | None = None) -> int:
    """Return ``value`` as an int if it is an integer in ``minimum..maximum``.

    Raises
    ------
    TypeError
        If ``value`` is not an integer (``bool`` and ``2.0`` are refused).
    ValueError
        If ``value`` is smaller than ``minimum`` or larger than ``maximum``.
    """
    allowed = (f"an integer ≥ {minimum}" if maximum is None
               else f"an integer in {minimum}..{maximum}")
    if not _is_integer(value):
        raise TypeError(f"{name} must be {allowed}, got {value!r}")
    if value < minimum or (maximum is not None and value > maximum):
        raise ValueError(f"{name} must be {allowed}, got {value!r}")
    return int(value)

def odd_int(value, name: str) -> int:
    """Return ``value`` as an int if it is a positive odd integer (1, 3, 5, …)."""
    if not _is_integer(value):
        raise TypeError(f"{name} must be a positive odd integer (1, 3, 5, …), got {value!r}")
    if value < 1 or value % 2 == 0:
        raise ValueError(f"{name} must be a positive odd integer (1, 3, 5, …), got {value!r}")
    return int(value)

def patch_size(value, name: str = "patch") -> int:
    """Return the side p of a p×p patch: a positive odd integer, so a patch has a centre."""
    return odd_int(value, name)

def positive_float(value, name: str, allow_zero: bool = False) -> float:
    """Return ``value`` as a float if it is a finite number > 0 (≥ 0 with ``allow_zero``)."""
    bound = "≥ 0" if allow_zero else "> 0"
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a finite number {bound}, got {value!r}")
    value = float(value)
    if not np.isfinite(value) or value < 0 or (value == 0 and not allow_zero):
        raise ValueError(f"{name} must be a finite number {bound}, got {value!r}")
    return value

def learning_rate(value, name: str = "learning_rate") -> float:
    """Return a learning rate: a finite number > 0."""
    return positive_float(value, name)

def one_of(value, name: str, options: Iterable[str]) -> str:
    """Return ``value`` if it is one of ``options`` (strings)."""
    options = tuple(options)
    if not isinstance(value, str) or value not in options:
        allowed = ", ".join(repr(o) for o in options)
        raise ValueError(f"{name} must be one of {allowed}; got {value!r}")
    return value

def make_rng(seed) -> np.random.Generator:
    """Turn ``seed`` (None, a non-negative int or a Generator) into a Generator, once."""
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is None:
        return np.random.default_rng()
    if not _is_integer(seed):
        raise TypeError(
            f"seed must be None, a non-negative integer or a numpy.random.Generator, got {seed!r}"
        )
    if seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    return np.random.default_rng(int(seed))

def sizes(value, name: str, min_length: int = 0) -> tuple[int, ...]:
    """Return a sequence of integers ≥ 1 (layer sizes such as (9, 20, 20, 8)) as a tuple."""
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise TypeError(f"{name} must be a sequence of integers such as (9, 20, 20, 8), "
                        f"got {value!r}")
    items = tuple(positive_int(v, f"{name}[{i}]") for i, v in enumerate(value))
    if len(items) < min_length:
        raise ValueError(f"{name} must hold at least {min_length} sizes, got {items!r}")
    return items

def names(value, name: str, count: int, options: Iterable[str]) -> tuple[str, ...]:
    """Return ``count`` names from ``options``: one name repeated, or a sequence of ``count``."""
    if isinstance(value, str):
        value = (value,) * count
    elif not isinstance(value, Iterable):
        raise TypeError(f"{name} must be a name or a sequence of names, got {value!r}")
    items = tuple(value)
    if len(items) != count:
        raise ValueError(f"{name} must give one name per layer ({count}), got {len(items)}")
    return tuple(one_of(v, name, options) for v in items)

def fraction(value, name: str) -> float:
    """Return ``value`` as a float if it is a number in [0, 1) (a momentum, a decay factor)."""
    value = positive_float(value, name, allow_zero=True)
    if value >= 1:
        raise ValueError(f"{name} must be a number in [0, 1), got {value!r}")
    return value

def integers(values, name: str, minimum: int = 1, maximum: int | None = None) -> list[int]:
    """Return a non-empty iterable of integers in ``minimum..maximum`` as a list (repeats
    allowed), each checked as :func:`positive_int` under the name ``name[i]``."""
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise TypeError(f"{name} must be an iterable of integers, got {values!r}")
    items = [positive_int(v, f"{name}[{i}]", minimum, maximum) for i, v in enumerate(values)]
    if not items:
        raise ValueError(f"{name} must hold at least one value, got none")
    return items

def choices(values, name: str, check) -> tuple:
    """Return a non-empty sequence of distinct values as a tuple, each through ``check``.

    ``check(value, name)`` is one of the checks above (e.g. :func:`odd_int`); it sees
    each item as ``name[i]``. For the options of a slider.
    """
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise TypeError(f"{name} must be a sequence of values (e.g. a tuple or a range), "
                        f"got {type(values).__name__}")
    items = tuple(check(v, f"{name}[{i}]") for i, v in enumerate(values))
    if not items:
        raise ValueError(f"{name} must hold at least one value, got none")
    if len(set(items)) != len(items):
        raise ValueError(f"{name} must not repeat a value, got {list(items)}")
    return items

def attribute(obj, field: str, name: str):
    """Return ``obj.field``; a TypeError names the attribute when ``obj`` lacks it."""
    if not hasattr(obj, field):
        raise TypeError(f"{name} must have a .{field} attribute, got {type(obj).__name__}")
    return getattr(obj, field)

def optional_callable(value, name: str, usage: str):
    """Return ``value`` if it is None or callable; ``usage`` shows the call, e.g. ``f(x)``."""
    if value is not None and not callable(value):
        raise TypeError(f"{name} must be callable as {usage}, got {value!r}")
    return value
