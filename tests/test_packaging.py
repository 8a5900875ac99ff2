"""The repository's own promises: one source of dependencies, a working command line entry."""

from __future__ import annotations

import re
from pathlib import Path

import tomllib
import yaml

ROOT = Path(__file__).resolve().parent.parent
CONDA_NAMES = {"pillow": "pillow", "scikit-learn": "scikit-learn"}  # PyPI name -> conda-forge name


def _split(requirement: str) -> tuple[str, str]:
    match = re.fullmatch(r"\s*([A-Za-z0-9_.\-]+)\s*(.*?)\s*", requirement)
    assert match, requirement
    return match.group(1).lower(), match.group(2).replace(" ", "")


def _pyproject_requirements() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    # The runtime dependencies and the dev extra; the bench extra (benchmark peers,
    # pip only) is installed by `python3 lab.py bench`, not by conda.
    reqs = project["dependencies"] + project["optional-dependencies"]["dev"]
    return dict(_split(r) for r in reqs)


def _conda_requirements() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    names = {}
    for dep in env["dependencies"]:
        if isinstance(dep, str):
            name, spec = _split(dep)
            if name not in ("python", "pip"):
                names[name] = spec
    return names


def test_environment_yml_lists_the_same_dependencies_as_pyproject():
    pyproject = {CONDA_NAMES.get(n, n): spec for n, spec in _pyproject_requirements().items()}
    assert _conda_requirements() == pyproject


def test_environment_yml_installs_the_package_editable():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_block = [d for d in env["dependencies"] if isinstance(d, dict)]
    assert pip_block == [{"pip": ["-e ."]}]


def test_conda_python_bound_matches_requires_python():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    python = [d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python")]
    assert python == ["python" + project["requires-python"]]


def test_ci_constraints_pin_every_declared_dependency():
    pins = {}
    for line in (ROOT / ".ci" / "constraints.txt").read_text().splitlines():
        if "==" in line and not line.startswith("#"):
            line = line.split(";")[0]
            name, version = line.split("==")
            pins[name.strip().lower().replace("_", "-")] = version.strip()
    missing = [n for n in _pyproject_requirements() if n.replace("_", "-") not in pins]
    assert missing == []


def test_every_module_of_the_taught_layer_reads_in_at_most_300_lines():
    """README: "Taught layer, one idea per module (each ≤ 300 lines)"; the speed-ups
    belong in the private engine (labkit/_fast/), not in the modules students read."""
    taught = [p for p in (ROOT / "labkit").glob("*.py") if not p.name.startswith("_")]
    assert len(taught) > 20
    long = {p.name: n for p in taught if (n := len(p.read_text().splitlines())) > 300}
    assert not long, f"taught modules over 300 lines: {long}"
