"""Comparisons for the exercise checks: each raises :class:`Mistake` with one sentence.

``need_array(got, "labels", (5,), "int")`` says what is wrong with a value a student's
function returned (a list instead of an array, the wrong shape or dtype), ``need_close``
where it first differs from the expected value, and :func:`show` writes a value briefly
enough for a one-sentence message.
"""

from __future__ import annotations

import numbers

import numpy as np


class Mistake(Exception):
    """What is wrong with a student's answer, as one sentence without a full stop."""


# --- what the comparisons raise -------------------------------------------------------------


def need_parts(got, name: str, parts: tuple[str, ...]) -> tuple:
    """``got`` must be a tuple (or list) of ``len(parts)`` values: return it as a tuple."""
    wanted = ", ".join(parts)
    if not isinstance(got, (tuple, list)) or len(got) != len(parts):
        what = (f"{len(got)} values" if isinstance(got, (tuple, list))
                else f"a {type(got).__name__}")
        raise Mistake(f"it returned {what}; expected the {len(parts)} values "
                      f"({wanted}): end with return {wanted}")
    return tuple(got)


def need_array(got, name: str, shape: tuple, kind: str | None = None) -> np.ndarray:
    """``got`` must be an ndarray of ``shape``; ``kind``: "int", "float", "uint8" or None."""
    if isinstance(got, (list, tuple)):
        raise Mistake(f"{name} is a Python {type(got).__name__}, not a NumPy array; "
                      f"return np.asarray({name})")
    if not isinstance(got, np.ndarray):
        raise Mistake(f"{name} is a {type(got).__name__}; expected a NumPy array of "
                      f"shape {shape}")
    if got.shape != tuple(shape):
        raise Mistake(f"{name} has shape {got.shape}; expected {tuple(shape)}")
    if kind == "int" and (got.dtype == bool or not np.issubdtype(got.dtype, np.integer)):
        raise Mistake(f"{name} has dtype {got.dtype}; expected integers "
                      f"(np.argmin and .astype(int) give them)")
    if kind == "float" and not np.issubdtype(got.dtype, np.floating):
        raise Mistake(f"{name} has dtype {got.dtype}; expected floats (.astype(float))")
    if kind == "uint8" and got.dtype != np.uint8:
        raise Mistake(f"{name} has dtype {got.dtype}; expected uint8 (.astype(np.uint8))")
    return got


def need_number(got, name: str, integer: bool = False) -> float:
    """``got`` must be one number (an int if ``integer``); return it."""
    if integer and not (isinstance(got, numbers.Integral) and not isinstance(got, bool)):
        raise Mistake(f"{name} is {show(got)} (a {type(got).__name__}); expected an int")
    if isinstance(got, np.ndarray) and got.ndim == 0:
        got = got[()]
    if isinstance(got, bool) or not isinstance(got, numbers.Real):
        what = (f"an array of shape {got.shape}" if isinstance(got, np.ndarray)
                else f"a {type(got).__name__}")
        raise Mistake(f"it returned {what}; expected one number")
    return got


def first_difference(got, expected, rtol: float = 1e-7, atol: float = 1e-9):
    """Index of the first entry where ``got`` and ``expected`` differ, or None."""
    got, expected = np.asarray(got, dtype=float), np.asarray(expected, dtype=float)
    close = np.isclose(got, expected, rtol=rtol, atol=atol, equal_nan=True)
    if close.all():
        return None
    return tuple(int(i) for i in np.argwhere(~close)[0])


def need_close(got, expected, name: str, *, rtol: float = 1e-7, atol: float = 1e-9,
               rows: bool = False, hint: str = "") -> None:
    """Raise :class:`Mistake` at the first entry (or row) where ``got`` differs."""
    where = first_difference(got, expected, rtol, atol)
    if where is None:
        return
    if rows and np.ndim(got) == 2:
        where = where[:1]
    index = "[" + ", ".join(str(i) for i in where) + "]"
    text = (f"{name}{index} is {show(np.asarray(got)[where])}; "
            f"expected {show(np.asarray(expected)[where])}")
    raise Mistake(text + (f": {hint}" if hint else ""))


# --- showing values ------------------------------------------------------------------------


def show(value) -> str:
    """A short text for a value in a message: small arrays in full, big ones by shape."""
    if isinstance(value, (np.floating, float)):
        return f"{float(value):.6g}"
    if isinstance(value, (np.integer, int)) and not isinstance(value, bool):
        return str(int(value))
    if isinstance(value, np.ndarray):
        if value.size > 24 or value.ndim > 3:
            return f"an array of shape {value.shape} ({value.dtype})"
        text = _nested(value)
        special = value.dtype.kind not in "fc" and value.dtype not in (np.int64, np.intp)
        return f"{text} ({value.dtype})" if special else text
    if isinstance(value, (list, tuple)):
        text = repr(value)
        return text if len(text) <= 80 else f"a {type(value).__name__} of {len(value)} items"
    if type(value).__name__ == "DataFrame":
        return f"a DataFrame with columns {list(value.columns)}"
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "…"




def _nested(a: np.ndarray) -> str:
    """``[[1, 0.5], [10, 2]]``: every number as short as it can be written."""
    if a.ndim == 0:
        x = a[()]
        if isinstance(x, (bool, np.bool_)):
            return str(bool(x))
        if isinstance(x, (np.integer, int)):
            return str(int(x))
        return f"{float(x):.4g}"
    return "[" + ", ".join(_nested(row) for row in a) + "]"
