#!/usr/bin/env python3
"""Set up Color Lab in its own virtual environment, then open the lab or run its tests.

    python3 lab.py          set up (first time only) and open JupyterLab on the notebooks
    python3 lab.py test     set up (first time only) and run every test: unit tests,
                            doctests, the notebooks under nbval and the browser test
    python3 lab.py bench    set up, add the benchmark-only peers (faiss, imagequant) and run
                            the benchmarks (add --quick for a short run)

The environment lives in .venv/ next to this file. It is rebuilt only when
pyproject.toml or .ci/constraints.txt change. Needs nothing but Python ≥ 3.10 and pip.
"""

from __future__ import annotations

import hashlib
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
    STAMP.write_text(fingerprint)
    return python


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "open"
    rest = argv[1:]
    if command in ("-h", "--help", "help"):
        print(__doc__)
        return 0
    if command not in ("open", "test", "bench"):
        print(f"unknown command {command!r}; use one of: open, test, bench\n{__doc__}")
        return 2
    python = ensure_environment("dev,bench" if command == "bench" else "dev")
    try:
        if command == "open":
            run(python, "-m", "jupyter", "lab", "notebooks/00_start_here.ipynb", *rest)
        elif command == "test":
            run(python, "-m", "pytest", *rest)
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
