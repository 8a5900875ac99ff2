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

import numbers

from labkit.exercises.compare import show


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
        The right answer.
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
    if isinstance(expected, numbers.Number) and not isinstance(expected, bool):
        if isinstance(answer, numbers.Number) and not isinstance(answer, bool):
            right = abs(answer - expected) <= tolerance * max(1.0, abs(expected))
    else:
        right = answer == expected
    print(f"✓ {question}: right." if right else f"✗ {question}: {show(answer)} is not it yet; "
                                                f"look again.")
    return bool(right)
