"""The machinery behind every exercise check: run a student's function on small cases.

An :class:`Exercise` holds what a check needs: the function's name, labkit's reference
solution, the test cases (smallest first) and a ``compare`` function that looks at what the
student's function returned and, if it is wrong, raises :class:`Mistake` with one sentence
naming the mistake. :meth:`Exercise.check` prints the verdict and returns the function the
rest of the notebook should use: the student's when it is right, labkit's otherwise.

A check never raises: whatever the student's code raises (or a loop that never ends, cut
off after ``Case.time_limit`` seconds) becomes one sentence. Every check that runs is
recorded in :data:`RUNS`, which is how ``labkit grade`` knows which check cells ran.
"""

from __future__ import annotations

import contextlib
import copy
import io
import signal
import threading
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from labkit.exercises.compare import Mistake, show

#: What a check can conclude. "error" means the check itself failed (a bug in labkit).
STATUSES = ("passed", "failed", "not done", "error")
#: Seconds a student's function may run on one small case before it counts as a hang.
TIME_LIMIT = 5.0
_SYMBOLS = {"passed": "✓", "failed": "✗", "not done": "○", "error": "!"}


class NotDone(Exception):
    """The student's function still raises ``NotImplementedError``: the stub is untouched."""


class TimeUp(BaseException):
    """Raised by the alarm inside a student's function (a BaseException: ``except Exception``
    in the student's code does not swallow it)."""


@dataclass(frozen=True)
class Case:
    """One test case: the arguments, in the order of the stub's parameters.

    ``kind`` names what the case is about ("list", "uint8", "tie", …) so that ``compare``
    can name the mistake; ``note`` replaces the arguments when the case is shown.
    """

    args: dict
    kind: str = "plain"
    note: str = ""
    time_limit: float = TIME_LIMIT

    def describe(self) -> str:
        if self.note:
            return self.note
        return ", ".join(f"{name} = {show(value)}" for name, value in self.args.items())


@dataclass(frozen=True)
class Result:
    """The verdict of one check: ``status`` is one of :data:`STATUSES`.

    ``reason`` is the verdict alone ("labels has shape (5, 1); expected (5,), for …"),
    ``message`` the sentence the notebook prints, which also says which version the rest
    of the notebook uses.
    """

    exercise: str
    function: str
    status: str
    reason: str
    message: str


@dataclass(frozen=True)
class Run:
    """A check that ran in this session: the function it was given and its result."""

    function: Any
    result: Result


#: Every check run in this Python session, by exercise id (the last run of each wins).
RUNS: dict[str, Run] = {}


@dataclass(frozen=True)
class Exercise:
    """One exercise of the catalogue (see :data:`labkit.exercises.CATALOGUE`).

    Attributes
    ----------
    id : str
        Its name, also the nbgrader ``grade_id`` of its cell (letters, digits, ``-``, ``_``).
    notebook : str
        The lesson notebook's name without ``.ipynb``, e.g. ``"01_kmeans_compression"``.
    function : str
        The name of the function the student writes.
    reference : callable
        labkit's solution, called with the same positional arguments.
    cases : callable
        Returns the list of :class:`Case`, smallest first.
    compare : callable
        ``compare(got, expected, case)`` raises :class:`Mistake` if ``got`` is wrong.
    covers : str
        What the cases cover, for the message when all pass.
    probe : callable, optional
        ``probe(call)`` checks what no single case can (e.g. that a seed is used);
        ``call(**args)`` runs the student's function as the cases do.
    """

    id: str
    notebook: str
    function: str
    reference: Callable
    cases: Callable[[], list]
    compare: Callable[[Any, Any, Case], None]
    covers: str
    probe: Callable | None = field(default=None)
    hang_hint: str = "is there a loop that never ends?"

    def evaluate(self, function) -> Result:
        """Run every case on ``function``; return the verdict (never raises)."""
        name = self.function
        if not callable(function):
            return self._result("failed", f"it is not a function (got a "
                                          f"{type(function).__name__}); define {name} with def")
        if function is self.reference or _is_labkit_own(function):
            return self._result("failed", f"the function given is labkit's own version, not "
                                          f"yours; re-run the cell that defines {name}")
        cases = self.cases()
        try:
            for case in cases:
                expected = self.reference(*copy.deepcopy(list(case.args.values())))
                got = self._call(function, case)
                try:
                    self.compare(got, expected, case)
                except Mistake as mistake:
                    raise Mistake(f"{mistake}, for {case.describe()}") from None
            if self.probe is not None:
                self.probe(lambda **args: self._call(function, Case(args)))
        except NotDone:
            return self._result("not done", "not done yet (it raises NotImplementedError)")
        except Mistake as mistake:
            return self._result("failed", str(mistake))
        except Exception as exc:  # a bug in the check or the reference, not the student's
            return self._result("error", f"the check itself failed ({type(exc).__name__}: "
                                         f"{_first_line(exc)}), a bug in labkit")
        return self._result("passed", f"right on all {len(cases)} test cases ({self.covers})")

    def check(self, function, *, quiet: bool = False):
        """Print the verdict on ``function`` and return the function the notebook goes on with."""
        result = self.evaluate(function)
        RUNS[self.id] = Run(function, result)
        if not quiet:
            print(result.message)
        return function if result.status == "passed" else self.reference

    def _result(self, status: str, text: str) -> Result:
        then = ("the rest of the notebook uses yours" if status == "passed"
                else "the rest of the notebook uses labkit's version")
        sep = " is " if status == "passed" else ": "
        message = f"{_SYMBOLS[status]} {self.function}{sep}{text}; {then}."
        return Result(self.id, self.function, status, f"{self.function}{sep}{text}", message)

    def _call(self, function, case: Case):
        """Call ``function`` on a copy of the case's arguments; translate what goes wrong."""
        given = copy.deepcopy(list(case.args.values()))
        kept = copy.deepcopy(given)
        name = self.function
        try:
            with _quiet(), _time_limit(case.time_limit):
                got = function(*given)
        except NotImplementedError:
            raise NotDone() from None
        except TimeUp:
            raise Mistake(f"it did not finish within {case.time_limit:g} s "
                          f"({self.hang_hint}), for {case.describe()}") from None
        except (Exception, SystemExit) as exc:
            raise Mistake(_explain_error(name, exc, case)) from None
        for arg, before, after in zip(case.args, kept, given):
            change = _changed(before, after)
            if change:
                raise Mistake(f"it changed its argument {arg} in place ({arg}{change}); "
                              f"work on a copy, for {case.describe()}")
        return got


# --- private helpers -----------------------------------------------------------------------


def _is_labkit_own(function) -> bool:
    module = getattr(function, "__module__", None) or ""
    return module.startswith("labkit.") and not module.startswith("labkit.exercises.solutions")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    text = text[0] if text else ""
    return text if len(text) <= 160 else text[:157] + "…"


def _explain_error(name: str, exc: BaseException, case: Case) -> str:
    what = f"{type(exc).__name__}: {_first_line(exc)}"
    if isinstance(exc, SystemExit):
        return f"it called exit(), for {case.describe()}"
    if case.kind == "list":
        return (f"it fails when given plain Python lists ({what}); convert them first, "
                f"e.g. X = np.asarray(X, dtype=float), for {case.describe()}")
    if isinstance(exc, OverflowError):
        return (f"it raised {what}: uint8 values only hold 0..255, so convert them first "
                f"(.astype(np.int64) or .astype(float)), for {case.describe()}")
    return f"it raised {what}, for {case.describe()}"


def _changed(before, after) -> str:
    """'' if equal, else where the first change is, e.g. '[0, 1] was 3, became 0'."""
    if isinstance(before, np.ndarray):
        if not isinstance(after, np.ndarray) or after.shape != before.shape:
            return " was replaced by something else"
        if np.array_equal(before, after, equal_nan=before.dtype.kind in "fc"):
            return ""
        where = tuple(int(i) for i in np.argwhere(before != after)[0])
        return (f"[{', '.join(map(str, where))}] was {show(before[where])}, "
                f"became {show(after[where])}")
    if isinstance(before, (list, tuple)):
        if not isinstance(after, type(before)) or len(after) != len(before):
            return " was changed"
        for i, (b, a) in enumerate(zip(before, after)):
            change = _changed(b, a)
            if change:
                return f"[{i}]{change}"
        return ""
    try:
        return "" if bool(before == after) else f" was {show(before)}, became {show(after)}"
    except Exception:  # objects without a plain == (e.g. DataFrames): not checked
        return ""


@contextlib.contextmanager
def _quiet():
    """Keep a student function's prints and warnings out of the check's one sentence."""
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()), \
            warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        yield


@contextlib.contextmanager
def _time_limit(seconds: float):
    """Raise :class:`TimeUp` in the main thread after ``seconds`` (Unix; elsewhere no limit)."""
    usable = (hasattr(signal, "setitimer")
              and threading.current_thread() is threading.main_thread())
    if not usable:
        yield
        return

    def alarm(signum, frame):
        raise TimeUp()

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
