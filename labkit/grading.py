"""Grading submitted notebooks: ``labkit grade NOTEBOOK... [--csv OUT]``.

Each notebook is copied into a temporary folder and run top to bottom, headless, by
nbclient, within a time limit. Then one more cell, added by the grader, calls the checks
itself (:func:`labkit.exercises.grade_session`) on the functions the notebook's check cells
were given, and prints the verdicts as one JSON line behind a random nonce, which only the
grader knows: what the notebook printed is never trusted. A notebook that crashes, runs out
of time, or lost the check cell of an exercise gets ``error`` for it, never ``passed``.

Nothing needs the network: the kernel is this Python's, with labkit and its bundled photos.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import pandas as pd

from labkit._files import output_path, write_atomically

COLUMNS = ("notebook", "exercise", "status", "message")
#: Seconds a whole notebook may run, by default.
TIMEOUT = 300.0


def grade(paths, timeout: float = TIMEOUT) -> pd.DataFrame:
    """Run each notebook and grade its exercises.

    Parameters
    ----------
    paths : iterable of str or Path
        Notebooks (``.ipynb``), or folders: every notebook inside, at any depth.
    timeout : float, default 300
        Seconds each notebook may run in all.

    Returns
    -------
    pandas.DataFrame
        Columns ``notebook, exercise, status, message``; one row per notebook and exercise,
        ``status`` one of "passed", "failed", "not done", "error". A notebook with no known
        exercise gets one row with an empty exercise.

    Raises
    ------
    FileNotFoundError
        If a path does not exist, or a folder holds no notebook.
    ValueError
        If a file is not a Jupyter notebook. Both are raised before any notebook runs.
    """
    return _grade(_notebooks(paths), timeout)


def grade_command(paths, csv=None, *, timeout: float = TIMEOUT, overwrite: bool = False) -> int:
    """What ``labkit grade`` runs: print one row per notebook and exercise, write the CSV.

    Returns
    -------
    int
        0 when grading ran, whatever the results; 1, after one line on standard error,
        when it could not (no such file, not a notebook, a CSV that may not be written).
    """
    try:
        notebooks = _notebooks(paths)
        if csv is not None:
            output_path(csv, overwrite=overwrite, inputs=[p for p, _ in notebooks],
                        name="--csv", flag="--overwrite")
    except (OSError, ValueError, TypeError) as exc:
        print(f"labkit grade: error: {exc}", file=sys.stderr)
        return 1
    table = _grade(notebooks, timeout)
    widths = {c: max([len(c)] + [len(str(v)) for v in table[c]]) for c in COLUMNS[:3]}
    print("  ".join(c.ljust(widths.get(c, 0)) for c in COLUMNS).rstrip())
    for row in table.itertuples(index=False):
        cells = [str(getattr(row, c)).ljust(widths[c]) for c in COLUMNS[:3]] + [row.message]
        print("  ".join(cells))
    counts = table["status"].value_counts()
    summary = ", ".join(f"{counts[s]} {s}" for s in ("passed", "failed", "not done", "error")
                        if s in counts)
    n = table["notebook"].nunique()
    print(f"{n} notebook{'s' * (n != 1)} graded: {summary or 'no exercises'}")
    if csv is not None:
        data = table.to_csv(index=False).encode("utf-8")
        try:
            path = write_atomically(csv, lambda f: f.write(data), overwrite=overwrite)
        except (OSError, ValueError) as exc:
            print(f"labkit grade: error: {exc}", file=sys.stderr)
            return 1
        print(f"wrote {path}")
    return 0


def expected_exercises(path: str | Path, nb: nbformat.NotebookNode) -> list[str]:
    """The exercise ids a notebook should have: by its file name and its cells' grade_ids.

    A file whose name contains a lesson's name (``01_kmeans_compression``, also as in
    ``alice_01_kmeans_compression.ipynb``) should have all of that lesson's exercises; any
    cell whose nbgrader ``grade_id`` is an exercise id (or that id + ``-check``) adds it.
    """
    from labkit.exercises import CATALOGUE

    stem = Path(path).stem
    ids = [e.id for e in CATALOGUE.values() if e.notebook in stem]
    for cell in nb.cells:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")
        grade_id = re.sub(r"-check$", "", str(grade_id))
        if grade_id in CATALOGUE and grade_id not in ids:
            ids.append(grade_id)
    return ids


# --- private helpers ------------------------------------------------------------------------


def _grade(notebooks, timeout: float) -> pd.DataFrame:
    rows = []
    for path, nb in notebooks:
        for row in _grade_one(path, nb, timeout):
            rows.append({"notebook": str(path), **row})
    return pd.DataFrame(rows, columns=list(COLUMNS))


def _notebooks(paths) -> list[tuple[Path, nbformat.NotebookNode]]:
    """Every notebook named by ``paths``, read and checked before any is run."""
    if isinstance(paths, (str, Path)):
        paths = [paths]
    files = []
    for path in map(Path, paths):
        if path.is_dir():
            found = sorted(p for p in path.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
            if not found:
                raise FileNotFoundError(f"the folder {path} holds no notebook (.ipynb)")
            files += found
        elif not path.exists():
            raise FileNotFoundError(f"no such file or folder: {path}")
        elif path.suffix != ".ipynb":
            raise ValueError(f"{path} is not a Jupyter notebook (.ipynb)")
        else:
            files.append(path)
    notebooks = []
    for path in files:
        try:
            nb = nbformat.read(path, as_version=4)
        except Exception as exc:  # JSON errors, wrong schema, unreadable bytes
            raise ValueError(f"{path} is not a Jupyter notebook that can be read: "
                             f"{str(exc).splitlines()[0] if str(exc) else type(exc).__name__}"
                             ) from None
        notebooks.append((path, nb))
    return notebooks


def _grade_one(path: Path, nb: nbformat.NotebookNode, timeout: float) -> list[dict]:
    """Run one notebook in a temporary folder; return its rows (without the notebook)."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    ids = expected_exercises(path, nb)
    nonce = secrets.token_hex(16)
    nb.cells.append(nbformat.v4.new_code_cell(
        "import json as _grader_json, sys as _grader_sys\n"
        "import labkit.exercises as _grader_exercises\n"
        f"_grader_sys.stdout.write({nonce!r} + _grader_json.dumps("
        f"_grader_exercises.grade_session({ids!r})) + '\\n')"))
    last = len(nb.cells) - 1
    deadline = time.monotonic() + timeout
    running = {"cell": 0}

    def on_cell_start(cell, cell_index):
        running["cell"] = cell_index

    folder = tempfile.mkdtemp(prefix="labkit-grade-")
    try:
        shutil.copy(path, Path(folder) / path.name)
        client = NotebookClient(
            nb, kernel_name="python3", config=_local_sockets(folder), timeout=timeout,
            timeout_func=lambda cell: max(0.1, deadline - time.monotonic()),
            allow_errors=False, record_timing=False,
            resources={"metadata": {"path": folder}}, on_cell_start=on_cell_start)
        client.execute()
    except CellTimeoutError:
        return _all(ids, f"the notebook ran longer than the {timeout:g} s limit (it was in "
                         f"cell {running['cell']}): does a loop never end?")
    except DeadKernelError:
        return _all(ids, f"the kernel died in cell {running['cell']}")
    except CellExecutionError as exc:
        if running["cell"] == last:
            return _all(ids, f"the grader could not run the checks ({exc.ename}: "
                             f"{_short(exc.evalue)})")
        return _all(ids, f"the notebook stopped with an error in cell {running['cell']} "
                         f"({exc.ename}: {_short(exc.evalue)}); it must run top to bottom")
    except Exception as exc:  # the kernel would not start, and the like
        return _all(ids, f"the notebook could not be run ({type(exc).__name__}: "
                         f"{_short(str(exc))})")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    rows = _verdicts(nb.cells[last], nonce)
    if rows is None:
        return _all(ids, "the grader's checks printed no verdict")
    return rows or [{"exercise": "", "status": "error",
                     "message": "no Color Lab exercise in this notebook (is it named like "
                                "01_kmeans_compression.ipynb?)"}]


def _local_sockets(folder: str):
    """Kernel configuration: talk over local sockets in ``folder`` where the system has
    them (no TCP port, and no warning about unencrypted TCP)."""
    from traitlets.config import Config

    config = Config()
    if os.name != "nt":
        config.KernelManager.transport = "ipc"
        config.KernelManager.ip = str(Path(folder, "kernel"))
    return config


def _verdicts(cell, nonce: str) -> list[dict] | None:
    """The rows printed after ``nonce`` in the grader's cell, or None if there are none."""
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream" and output.get("name") == "stdout":
            for line in output.get("text", "").splitlines():
                if line.startswith(nonce):
                    return json.loads(line[len(nonce):])
    return None


def _short(text: str) -> str:
    line = (str(text).strip().splitlines() or [""])[0]
    return line if len(line) <= 160 else line[:157] + "…"


def _all(ids: list[str], message: str) -> list[dict]:
    return [{"exercise": i, "status": "error", "message": message} for i in ids or [""]]
