"""Self-checks for the "Your turn" questions whose answer is a number or a choice.

In the instructor notebook the answer sits in an nbgrader solution cell whose ``grade_id``
ends with ``-answer``; the student version keeps the line before the solution region, so
the name exists (as ``...``) and the notebook runs on::

    knee = ...  # your answer: the k at the knee of coffee's curve
    ### BEGIN SOLUTION
    knee = 4
    ### END SOLUTION

and the next cell checks it against what labkit computes:
``lk.exercises.check_answer("the knee of coffee", knee, lk.find_elbow(df))``.
"""

from __future__ import annotations

import hashlib
import numbers

from labkit.exercises.compare import show

#: How a sealed expected answer starts (see :func:`seal`).
SEALED = "sealed:"


def seal(question: str, value) -> str:
    """The expected answer to ``question`` as a token that does not show it at a glance.

    A check cell of the student version can then hold the answer to a yes/no or a choice
    question without printing it: ``check_answer(question, answer, seal(question, "no"))``
    is written by the instructor as the token this returns. Only text and integers can be
    sealed (a number with a tolerance is computed in the check cell instead). The token is
    SHA-256 of the question and the answer, so the same answer gets a different token in
    each question; it hides the answer from a glance, not from someone who tries every
    option, which is all a self-check needs.

    Examples
    --------
    >>> seal("2 + 2", 4) == seal("2 + 2", 4) != seal("3 + 1", 4)
    True
    """
    return SEALED + hashlib.sha256(f"{question}\0{_normal(value)}".encode()).hexdigest()


def _normal(value) -> str:
    if isinstance(value, str):
        return value.strip().lower()
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return str(int(value))
    return repr(value)


def check_answer(question: str, answer, expected, *, options=None,
                 tolerance: float = 1e-6) -> bool:
    """Say whether ``answer`` is right, without giving the right answer away.

    Parameters
    ----------
    question : str
        What is asked, for the message (e.g. ``"the knee of coffee"``).
    answer : object
        The student's answer; ``...`` (Ellipsis) or None means not answered yet.
    expected : number or str
        The right answer, or a token made by :func:`seal` (the student version then does not
        show it).
    options : sequence, optional
        For a choice: the allowed answers (an answer outside them is named as such).
    tolerance : float, default 1e-6
        For numbers: the largest relative difference that still counts as right.

    Returns
    -------
    bool
        True if the answer is right. Prints one line; never raises.

    Examples
    --------
    >>> check_answer("2 + 2", 4, 4)
    ✓ 2 + 2: right.
    True
    >>> check_answer("the best start", "random", "pixels", options=("random", "pixels"))
    ✗ the best start: 'random' is not it yet; look again.
    False
    """
    if answer is ... or answer is None:
        print(f"○ {question}: not answered yet (replace ... by your answer).")
        return False
    if options is not None and answer not in options:
        allowed = ", ".join(repr(o) for o in options)
        print(f"✗ {question}: {show(answer)} is not one of the choices {allowed}.")
        return False
    right = False
    if isinstance(expected, str) and expected.startswith(SEALED):
        right = seal(question, answer) == expected
    elif isinstance(expected, numbers.Number) and not isinstance(expected, bool):
        if isinstance(answer, numbers.Number) and not isinstance(answer, bool):
            right = abs(answer - expected) <= tolerance * max(1.0, abs(expected))
    else:
        right = answer == expected
    print(f"✓ {question}: right." if right else f"✗ {question}: {show(answer)} is not it yet; "
                                                f"look again.")
    return bool(right)
