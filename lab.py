#!/usr/bin/env python3
"""Set up Color Lab in its own virtual environment, then open the lab or run its tests.

    python3 lab.py          set up (first time only) and open JupyterLab on the notebooks
    python3 lab.py test     set up (first time only) and run every test: unit tests,
                            doctests, the notebooks under nbval and the browser test
    python3 lab.py present NN
                            show lesson NN's explorer full-screen, without code, for a
                            projector (Voilà); --whole for the whole lesson
    python3 lab.py bench    set up, add the benchmark-only peers (faiss, imagequant) and run
                            the benchmarks (add --quick for a short run)

The environment lives in .venv/ next to this file. It is rebuilt only when
pyproject.toml or .ci/constraints.txt change. Needs nothing but Python ≥ 3.10 and pip.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
CONSTRAINTS = ROOT / ".ci" / "constraints.txt"
STAMP = VENV / "labkit-setup.sha256"


def venv_python() -> Path:
    scripts = "Scripts" if os.name == "nt" else "bin"
    return VENV / scripts / ("python.exe" if os.name == "nt" else "python")


def setup_fingerprint(extras: str) -> str:
    digest = hashlib.sha256(extras.encode())
    for path in (ROOT / "pyproject.toml", CONSTRAINTS):
        digest.update(path.read_bytes() if path.exists() else b"")
    return digest.hexdigest()


def run(*args: str | Path) -> None:
    print("+", " ".join(str(a) for a in args), flush=True)
    subprocess.run([str(a) for a in args], cwd=ROOT, check=True)


def ensure_environment(extras: str = "dev") -> Path:
    """Create .venv and install labkit with ``extras``, unless already up to date."""
    if sys.version_info < (3, 10):  # noqa: UP036 (runs on any python3, before the venv)
        sys.exit(f"Color Lab needs Python 3.10 or newer; this is {sys.version.split()[0]}")
    python = venv_python()
    fingerprint = setup_fingerprint(extras)
    if python.exists() and STAMP.exists() and STAMP.read_text() == fingerprint:
        return python
    if not python.exists():
        print(f"Creating the virtual environment {VENV} …", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    install = [python, "-m", "pip", "install", "--disable-pip-version-check",
               "-e", f".[{extras}]"]
    if CONSTRAINTS.exists():
        install += ["-c", CONSTRAINTS]
    run(*install)
    if "author" in extras.split(","):
        hide_authoring_tools(python)
    save_widget_state(python)
    STAMP.write_text(fingerprint)
    return python


def hide_authoring_tools(python: Path) -> None:
    """Disable nbgrader's Jupyter extensions in .venv: it is installed only as a library
    (its solution-clearing step makes the student notebooks), so students see no nbgrader
    menus, Validate button or formgrader in their JupyterLab."""
    run(python, "-m", "jupyter", "labextension", "disable", "--level=sys_prefix",
        "@jupyter/nbgrader", "@jupyter-notebook/lab-extension")
    run(python, "-m", "jupyter", "server", "extension", "disable", "--sys-prefix",
        *[f"nbgrader.server_extensions.{name}" for name in
          ("formgrader", "validate_assignment", "assignment_list", "course_list")])


def save_widget_state(python: Path) -> None:
    """Make JupyterLab save the widgets' state with the notebook, so that a lesson run,
    saved and reopened later shows its sliders' pictures before the kernel is back."""
    prefix = Path(subprocess.run([str(python), "-c", "import sys; print(sys.prefix)"],
                                 capture_output=True, text=True, check=True).stdout.strip())
    settings = prefix / "share" / "jupyter" / "lab" / "settings"
    settings.mkdir(parents=True, exist_ok=True)
    overrides = settings / "overrides.json"
    current = json.loads(overrides.read_text()) if overrides.exists() else {}
    current["@jupyter-widgets/jupyterlab-manager:plugin"] = {"saveState": True}
    overrides.write_text(json.dumps(current, indent=2) + "\n")


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "open"
    rest = argv[1:]
    if command in ("-h", "--help", "help"):
        print(__doc__)
        return 0
    if command not in ("open", "test", "present", "bench"):
        print(f"unknown command {command!r}; use one of: open, test, present, bench\n{__doc__}")
        return 2
    python = ensure_environment("dev,author,bench" if command == "bench" else "dev,author")
    try:
        if command == "open":
            run(python, "-m", "jupyter", "lab", "notebooks/00_start_here.ipynb", *rest)
        elif command == "test":
            run(python, "-m", "pytest", *rest)
        elif command == "present":
            run(python, "-m", "labkit.present", *(rest or ["01"]))
        else:
            for script in sorted((ROOT / "benchmarks").glob("bench_*.py")):
                run(python, script, *rest)
    except subprocess.CalledProcessError as exc:
        return exc.returncode or 1
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
