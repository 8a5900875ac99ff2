"""Student notebooks from instructor notebooks: nbgrader's own solution-clearing step, no
answer leaking through a stored output, a student version that runs top to bottom, and a
test that fails when a committed student notebook is out of date with its source."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from labkit.authoring import (ANSWER_STUB, CODE_STUB, exercise_cells, main, make_student,
                              stale_cells, student_path, student_version)

pytest.importorskip("nbgrader", reason="nbgrader makes the student versions: pip install "
                                       "-e .[author]")

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
SECRET = "the answer is 42"


def instructor_notebook():
    """A small instructor notebook: setup, one exercise (solution + check), a "Your turn"
    answer in markdown, and stored outputs that would give the answers away."""
    setup = nbformat.v4.new_code_cell("import numpy as np\nimport labkit as lk")
    solution, check = exercise_cells("04-rmse")
    check.outputs = [nbformat.v4.new_output("stream", name="stdout", text=f"✓ rmse {SECRET}\n")]
    check.execution_count = 3
    question = nbformat.v4.new_markdown_cell("## Your turn\n\nWhich k is the knee?")
    answer = nbformat.v4.new_markdown_cell(f"The knee is at k = 3 ({SECRET}).", metadata={
        "nbgrader": {"schema_version": 3, "grade": False, "grade_id": "03-your-turn-knee",
                     "locked": False, "solution": True, "task": False}})
    number = nbformat.v4.new_code_cell(
        "knee = ...  # your answer: a value of k\n### BEGIN SOLUTION\nknee = 3\n### END SOLUTION",
        metadata={"nbgrader": {"schema_version": 3, "grade": False, "grade_id": "03-knee-answer",
                               "locked": False, "solution": True, "task": False}})
    verdict = nbformat.v4.new_code_cell('lk.exercises.check_answer("the knee", knee, 3)')
    nb = nbformat.v4.new_notebook(cells=[setup, solution, check, question, answer, number,
                                         verdict])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    return nb


@pytest.fixture
def folders(tmp_path):
    (tmp_path / "instructor").mkdir()
    source = tmp_path / "instructor" / "04_knn_agent.ipynb"
    nbformat.write(instructor_notebook(), source)
    return source


def test_the_student_version_has_the_stub_instead_of_the_solution():
    nb = student_version(instructor_notebook())
    code = nb.cells[1].source
    assert "BEGIN SOLUTION" not in code and "np.sqrt(np.mean" not in code
    assert CODE_STUB.splitlines()[-1] in code and 'raise NotImplementedError("Student exercise' \
        in code
    assert code.startswith("def rmse(a, b):") and "Hint:" in code  # signature and docstring stay


def test_the_student_version_leaks_no_answer_through_cells_or_outputs():
    nb = student_version(instructor_notebook())
    assert SECRET not in nbformat.writes(nb)
    assert nb.cells[4].source == "YOUR ANSWER HERE"
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")


def test_a_your_turn_answer_cell_keeps_its_placeholder_and_raises_nothing():
    nb = student_version(instructor_notebook())
    assert nb.cells[5].source == f"knee = ...  # your answer: a value of k\n{ANSWER_STUB}"


def test_the_check_cell_is_locked_and_the_solution_cell_cannot_be_deleted():
    nb = student_version(instructor_notebook())
    assert nb.cells[2].metadata["editable"] is False and nb.cells[2].metadata["deletable"] is False
    assert nb.cells[1].metadata["deletable"] is False
    assert nb.cells[1].metadata["nbgrader"]["grade_id"] == "04-rmse"


def test_the_instructor_version_is_left_as_it_was(folders):
    before = folders.read_bytes()
    make_student(folders, execute=False)
    assert folders.read_bytes() == before


def test_exercise_cells_carry_the_metadata_nbgrader_writes():
    solution, check = exercise_cells("01-assign-labels")
    assert solution.metadata == {"nbgrader": {
        "schema_version": 3, "grade": False, "grade_id": "01-assign-labels", "locked": False,
        "solution": True, "task": False}}
    assert check.metadata["nbgrader"]["locked"] is True
    assert check.metadata["nbgrader"]["grade_id"] == "01-assign-labels-check"
    assert check.source == "assign_labels = lk.exercises.check_assign_labels(assign_labels)"


def test_nbgraders_own_step_refuses_a_solution_outside_a_solution_cell():
    nb = instructor_notebook()
    nb.cells[0].source += "\n### BEGIN SOLUTION\nx = 1\n### END SOLUTION"
    with pytest.raises(RuntimeError, match="non-solution cell"):
        student_version(nb)


def test_the_executed_student_version_runs_and_says_not_done_yet(folders):
    path = make_student(folders)
    assert path == student_path(folders) == folders.parent.parent / "04_knn_agent.ipynb"
    nb = nbformat.read(path, as_version=4)
    printed = "".join(o.get("text", "") for o in nb.cells[2].outputs)
    assert printed.startswith("○ rmse: not done yet") and "labkit's version" in printed
    assert nb.cells[6].outputs[0]["text"].startswith("○ the knee: not answered yet")
    assert SECRET not in path.read_text()
    assert stale_cells(folders) == []


def test_an_edited_source_makes_its_student_version_stale(folders):
    make_student(folders, execute=False)
    nb = nbformat.read(folders, as_version=4)
    nb.cells[3].source += " Try k = 1..30."
    nbformat.write(nb, folders)
    problems = stale_cells(folders)
    assert len(problems) == 1 and "cell 3 differs" in problems[0]
    assert main(["--check", str(folders)]) == 1


def test_a_missing_student_version_is_stale(folders):
    assert stale_cells(folders) == [f"{student_path(folders)} does not exist"]


def test_the_command_writes_then_finds_the_student_version_up_to_date(folders, capsys):
    assert main(["--no-execute", str(folders)]) == 0
    assert main(["--check", str(folders)]) == 0
    assert main([str(folders.parent / "missing.ipynb")]) == 1


def test_every_committed_student_notebook_is_up_to_date_with_its_instructor_source():
    """Every notebooks/instructor/*.ipynb that exists; regenerate with
    ``python -m labkit.authoring`` (compares cell sources only, not outputs)."""
    problems = [p for source in sorted((NOTEBOOKS / "instructor").glob("*.ipynb"))
                for p in stale_cells(source)]
    assert not problems, "\n".join(problems + ["run: python -m labkit.authoring"])
