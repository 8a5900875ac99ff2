"""For authors: the student notebooks, made from the instructor notebooks with nbgrader.

The instructor notebooks (``notebooks/instructor/NN_*.ipynb``) hold the solutions between
nbgrader's ``### BEGIN SOLUTION`` / ``### END SOLUTION`` markers, in cells that carry
nbgrader's metadata, so a course that runs nbgrader can use them as they are. The student
notebooks (``notebooks/NN_*.ipynb``, the ones ``python3 lab.py`` opens) are made from them
by nbgrader's own preprocessors, then run top to bottom so that students see every picture
and every check says "not done yet"::

    python -m labkit.authoring                  # every instructor notebook
    python -m labkit.authoring --no-execute     # clear the outputs instead of running
    python -m labkit.authoring --check          # exit 1 if a student notebook is stale
    python -m labkit.authoring --instructor     # re-run the instructor notebooks first

Needs nbgrader (``pip install -e .[author]``); students never do.
"""

from __future__ import annotations

import argparse
import copy
import inspect
import sys
from pathlib import Path

import nbformat

from labkit._files import write_atomically

#: What replaces a solution region in the student version.
CODE_STUB = ('# YOUR CODE HERE\nraise NotImplementedError("Student exercise: write this '
             'function, then run the check below")')
#: What replaces it in a "Your turn" answer cell (nbgrader grade_id ending in "-answer"):
#: no exception, so that Run All goes on (the line before the region keeps ``name = ...``).
ANSWER_STUB = "# YOUR ANSWER HERE"
#: The folder of the instructor notebooks, relative to that of the student notebooks.
INSTRUCTOR = "instructor"
_LESSON_MODULES = ("kmeans", "compression", "elbow", "knn", "network")


def student_version(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The student version of an instructor notebook, outputs cleared (a new notebook).

    Parameters
    ----------
    nb : nbformat.NotebookNode
        An instructor notebook (nbformat 4).

    Returns
    -------
    nbformat.NotebookNode
        nbgrader's ``LockCells``, ``ClearSolutions`` (the region becomes
        :data:`CODE_STUB`, or :data:`ANSWER_STUB` in a cell whose ``grade_id`` ends with
        ``-answer``; a markdown answer cell "YOUR ANSWER HERE"), ``ClearHiddenTests`` and
        ``ClearOutput``, applied in that order to a copy of ``nb``.

    Raises
    ------
    RuntimeError
        From nbgrader, if a solution region sits in a cell without nbgrader's metadata,
        or a region is not closed.
    ValueError
        From nbgrader, if the kernelspec's language is not ``python``.
    """
    from nbgrader.preprocessors import ClearHiddenTests, ClearOutput, ClearSolutions, LockCells

    nb = copy.deepcopy(nb)
    resources: dict = {}
    nb, resources = LockCells().preprocess(nb, resources)
    answer = [_grade_id(c).endswith("-answer") for c in nb.cells]
    for stub, wanted in ((ANSWER_STUB, True), (CODE_STUB, False)):
        part = copy.copy(nb)  # the same cell objects: ClearSolutions edits them in place
        part.cells = [c for c, a in zip(nb.cells, answer) if a == wanted]
        ClearSolutions(code_stub={"python": stub}).preprocess(part, resources)
    for step in (ClearHiddenTests(), ClearOutput()):
        nb, resources = step.preprocess(nb, resources)
    return nb


def _grade_id(cell) -> str:
    return str(cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", ""))


def student_path(source: str | Path) -> Path:
    """Where the student version of ``notebooks/instructor/NAME.ipynb`` goes: ``notebooks/NAME``."""
    source = Path(source)
    return source.parent.parent / source.name


def make_student(source: str | Path, destination: str | Path | None = None, *,
                 execute: bool = True, timeout: float = 600.0) -> Path:
    """Write the student version of one instructor notebook.

    Parameters
    ----------
    source : path
        The instructor notebook.
    destination : path, optional
        Where to write (replaced if it exists); default :func:`student_path`.
    execute : bool, default True
        Run the student version top to bottom (nbclient, in the destination's folder) and
        keep its outputs: the pictures, and every check saying "not done yet". With
        False, the outputs are cleared.
    timeout : float, default 600
        Seconds a cell may run when executing.

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    nbclient.exceptions.CellExecutionError
        If the student version stops with an error: it must run top to bottom.
    """
    source = Path(source)
    destination = student_path(source) if destination is None else Path(destination)
    nb = student_version(nbformat.read(source, as_version=4))
    if execute:
        from nbclient import NotebookClient

        _execute(nb, destination.parent, timeout)
    _write(nb, destination, inputs=[source])
    return destination


def execute_instructor(source: str | Path, *, timeout: float = 600.0) -> Path:
    """Run an instructor notebook top to bottom in a fresh kernel and store its outputs.

    What nbval then compares: run it after a change to labkit that moves the notebook's
    numbers or pictures (``python -m labkit.authoring --instructor``).
    """
    source = Path(source)
    nb = nbformat.read(source, as_version=4)
    _execute(nb, source.parent, timeout)
    _write(nb, source)
    return source


def _execute(nb, folder: Path, timeout: float) -> None:
    from nbclient import NotebookClient

    # No stored widget state: a committed notebook opens untrusted, where JupyterLab shows
    # each explorer's still picture instead, and the state would double the file's size.
    NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=False,
                   store_widget_state=False,
                   resources={"metadata": {"path": str(folder)}}).execute()
    nb.metadata.pop("widgets", None)


def _write(nb, destination: Path, inputs=()) -> None:
    text = nbformat.writes(nb)
    write_atomically(destination, lambda f: f.write((text.rstrip("\n") + "\n").encode()),
                     overwrite=True, inputs=inputs)


def stale_cells(source: str | Path, destination: str | Path | None = None) -> list[str]:
    """How a committed student notebook differs from its instructor source (cell sources).

    Returns
    -------
    list of str
        One line per difference (empty when the student notebook is up to date): a
        missing file, a different number of cells, or the first cells whose type or
        source differ. Outputs are not compared.
    """
    source = Path(source)
    destination = student_path(source) if destination is None else Path(destination)
    if not destination.exists():
        return [f"{destination} does not exist"]
    want = [(c.cell_type, c.source) for c in student_version(nbformat.read(source, 4)).cells]
    have = [(c.cell_type, c.source) for c in nbformat.read(destination, 4).cells]
    problems = []
    if len(want) != len(have):
        problems.append(f"{destination.name} has {len(have)} cells; its source makes {len(want)}")
    for i, (a, b) in enumerate(zip(want, have)):
        if a != b:
            first = (a[1].splitlines() or [""])[0]
            problems.append(f"{destination.name} cell {i} differs from the source ({first!r})")
    return problems


def exercise_cells(exercise_id: str) -> list[nbformat.NotebookNode]:
    """The two instructor cells of an exercise, ready to paste into its notebook.

    Returns
    -------
    list of nbformat.NotebookNode
        The solution cell (the function from :mod:`labkit.exercises.solutions`, nbgrader
        ``solution`` cell whose ``grade_id`` is the exercise id) and the check cell
        (``name = lk.exercises.check_name(name)``, a locked read-only nbgrader cell).

    Raises
    ------
    KeyError
        If no exercise has this id.

    Examples
    --------
    >>> solution, check = exercise_cells("04-rmse")
    >>> check.source
    'rmse = lk.exercises.check_rmse(rmse)'
    """
    import importlib

    from labkit.exercises import CATALOGUE

    exercise = CATALOGUE[exercise_id]
    for name in _LESSON_MODULES:
        if exercise in importlib.import_module(f"labkit.exercises.{name}").EXERCISES:
            answers = importlib.import_module(f"labkit.exercises.solutions.{name}")
            break
    name = exercise.function
    source = inspect.getsource(getattr(answers, name)).rstrip("\n")
    check = f"{name} = lk.exercises.check_{name}({name})"
    return [_cell(source, exercise_id, solution=True),
            _cell(check, f"{exercise_id}-check", solution=False)]


def _cell(source: str, grade_id: str, solution: bool) -> nbformat.NotebookNode:
    metadata = {"nbgrader": {"schema_version": 3, "grade": False, "grade_id": grade_id,
                             "locked": not solution, "solution": solution, "task": False}}
    cell = nbformat.v4.new_code_cell(source, metadata=metadata)
    cell.id = grade_id  # a stable cell id, so regenerating a notebook changes nothing
    return cell


def main(argv: list[str] | None = None) -> int:
    """``python -m labkit.authoring [NOTEBOOK...] [--instructor] [--no-execute] [--check]``."""
    parser = argparse.ArgumentParser(prog="python -m labkit.authoring",
                                     description="Make the student notebooks from the "
                                                 "instructor notebooks (nbgrader).")
    parser.add_argument("notebooks", nargs="*", type=Path,
                        help="instructor notebooks (default: notebooks/instructor/*.ipynb)")
    parser.add_argument("--no-execute", action="store_true",
                        help="clear the outputs instead of running the student version")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if a student notebook is out of date")
    parser.add_argument("--instructor", action="store_true",
                        help="first run each instructor notebook and store its outputs")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds per cell")
    args = parser.parse_args(argv)
    sources = args.notebooks or sorted(Path("notebooks", INSTRUCTOR).glob("*.ipynb"))
    if not sources:  # run from the repository's root folder
        print("no instructor notebooks found in notebooks/instructor/", file=sys.stderr)
        return 0 if args.check else 1
    missing = [s for s in sources if not s.is_file()]
    if missing:
        print(f"no such notebook: {missing[0]}", file=sys.stderr)
        return 1
    stale = 0
    for source in sources:
        if args.instructor:
            print(f"{execute_instructor(source, timeout=args.timeout)} executed")
        if args.check:
            problems = stale_cells(source)
            stale += bool(problems)
            for problem in problems:
                print(problem)
        else:
            written = make_student(source, execute=not args.no_execute, timeout=args.timeout)
            print(f"{source} -> {written}")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
