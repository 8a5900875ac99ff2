"""What every lab notebook promises besides running (nbval checks that it runs and
reproduces its stored outputs): the lesson frame, seeded and self-contained code,
and a size that stays readable on GitHub."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import pytest

STUDENT = Path(__file__).resolve().parent.parent / "notebooks"
INSTRUCTOR = STUDENT / "instructor"
LESSONS = ["00_start_here", "01_kmeans_compression", "02_color_space_3d", "03_elbow",
           "04_knn_agent", "05_neural_agent"]
#: Every lesson in both versions: the instructor's (solutions) and the student's (stubs).
EXPECTED = [f"instructor/{n}" for n in LESSONS] + LESSONS


def _load(name):
    return json.loads((STUDENT / f"{name}.ipynb").read_text(encoding="utf-8"))


def _source(cell):
    return "".join(cell["source"])


def _is_exercise(cell):
    """A cell the student writes in (nbgrader's solution cell): it may define a function."""
    return bool(cell.get("metadata", {}).get("nbgrader", {}).get("solution"))


def test_the_six_lab_notebooks_are_there_in_both_versions():
    assert sorted(p.stem for p in STUDENT.glob("*.ipynb")) == LESSONS
    assert sorted(p.stem for p in INSTRUCTOR.glob("*.ipynb")) == LESSONS


def test_all_notebooks_together_stay_under_10_mb():
    files = [*STUDENT.glob("*.ipynb"), *INSTRUCTOR.glob("*.ipynb")]
    assert sum(p.stat().st_size for p in files) < 10 * 1024**2


@pytest.mark.parametrize("name", EXPECTED)
def test_notebook_opens_with_objectives_and_a_runtime_note(name):
    first = _load(name)["cells"][0]
    text = _source(first).lower()
    assert first["cell_type"] == "markdown"
    assert "objective" in text or "you will learn" in text
    assert re.search(r"\bruns? in (about |under )?\d+", text) or "runtime" in text


@pytest.mark.parametrize("name", EXPECTED)
def test_notebook_ends_with_your_turn(name):
    markdown = [_source(c).lower() for c in _load(name)["cells"] if c["cell_type"] == "markdown"]
    assert any("your turn" in m for m in markdown[-3:])


@pytest.mark.parametrize("name", EXPECTED)
def test_notebook_explains_before_it_computes(name):
    cells = _load(name)["cells"]
    code_after_code = sum(1 for a, b in itertools.pairwise(cells)
                          if a["cell_type"] == b["cell_type"] == "code")
    n_code = sum(c["cell_type"] == "code" for c in cells)
    assert cells[0]["cell_type"] == "markdown"
    assert code_after_code <= n_code // 3, "most code cells should be introduced by prose"


@pytest.mark.parametrize("name", EXPECTED)
def test_notebook_imports_labkit_as_a_package_without_path_tricks(name):
    code = "\n".join(_source(c) for c in _load(name)["cells"] if c["cell_type"] == "code")
    assert "sys.path" not in code and "os.chdir" not in code
    assert "import labkit as lk" in code


@pytest.mark.parametrize("name", EXPECTED)
def test_notebook_defines_no_helper_functions_outside_exercises(name):
    code = "\n".join(_source(c) for c in _load(name)["cells"]
                     if c["cell_type"] == "code" and not _is_exercise(c))
    assert not re.search(r"^\s*(def|class) ", code, flags=re.MULTILINE)


@pytest.mark.parametrize("name", EXPECTED)
def test_notebook_code_cells_are_short(name):
    lengths = sorted(len(_source(c).strip().splitlines())
                     for c in _load(name)["cells"]
                     if c["cell_type"] == "code" and not _is_exercise(c))
    assert lengths[len(lengths) // 2] <= 6
    assert lengths[-1] <= 20


@pytest.mark.parametrize("name", EXPECTED)
def test_notebook_is_stored_executed_in_order(name):
    counts = [c["execution_count"] for c in _load(name)["cells"] if c["cell_type"] == "code"]
    assert None not in counts
    assert counts == list(range(1, len(counts) + 1)), "run it top to bottom before saving"


@pytest.mark.parametrize("name", EXPECTED)
def test_notebook_stores_no_errors_warnings_or_plotly_widgets(name):
    for cell in _load(name)["cells"]:
        for out in cell.get("outputs", []):
            assert out["output_type"] != "error", _source(cell)
            if out["output_type"] == "stream":
                assert out["name"] != "stderr", _source(cell)
            assert "application/vnd.plotly.v1+json" in out.get("data", {}) or \
                "anywidget" not in json.dumps(out.get("data", {}))
