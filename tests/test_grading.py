"""``labkit grade``: tiny notebooks built here are run headless and graded by the checks
themselves: right, wrong, untouched stubs, a crash, a hang, deleted check cells, and a
notebook that only prints what a passing check would print."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from labkit.authoring import exercise_cells, student_path
from labkit.grading import COLUMNS, expected_exercises, grade, grade_command

LESSON = "02_color_space_3d"
INSTRUCTOR = Path(__file__).resolve().parent.parent / "notebooks" / "instructor"
STUB = 'raise NotImplementedError("Student exercise: write this function")'


def notebook(*cells):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell("import numpy as np\nimport labkit as lk"), *cells]
    return nb


def lesson_cells(*, recolor=None, histogram=None, drop_check=()):
    """The lesson's exercise cells; ``recolor``/``histogram`` replace a solution region."""
    cells = []
    for exercise_id, body in (("02-recolor", recolor), ("02-color-histogram", histogram)):
        solution, check = exercise_cells(exercise_id)
        if body is not None:
            source = solution.source
            start = source.index("    ### BEGIN SOLUTION")
            end = source.index("### END SOLUTION") + len("### END SOLUTION")
            solution.source = source[:start] + "    " + body + source[end:]
        cells.append(solution)
        if exercise_id not in drop_check:
            cells.append(check)
    return cells


TRUNCATING = ("return np.asarray(centroids)[np.asarray(labels)]"
              ".reshape(shape[0], shape[1], 3).astype(np.uint8)")

NOTEBOOKS = {
    "right": notebook(*lesson_cells()),
    "wrong": notebook(*lesson_cells(recolor=TRUNCATING)),
    "stub": notebook(*lesson_cells(recolor=STUB, histogram=STUB)),
    "crash": notebook(*lesson_cells(), nbformat.v4.new_code_cell("1 / 0")),
    "deleted": notebook(*lesson_cells(drop_check=("02-color-histogram",))),
    "printed": notebook(*lesson_cells(recolor=TRUNCATING, drop_check=("02-recolor",)),
                        nbformat.v4.new_code_cell('print("✓ recolor is right on all 5 test '
                                                  'cases")')),
    "labkit_own": notebook(*lesson_cells(), nbformat.v4.new_code_cell(
        "recolor = lk.exercises.check_recolor(lk.exercises.compression.recolor)")),
}


def write(folder, name, nb):
    path = folder / f"{name}_{LESSON}.ipynb"
    nbformat.write(nb, path)
    return path


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """All the tiny notebooks graded in one call (one kernel each)."""
    folder = tmp_path_factory.mktemp("submissions")
    for name, nb in NOTEBOOKS.items():
        write(folder, name, nb)
    table = grade([folder], timeout=60)
    return {name: table[table["notebook"].str.contains(f"{name}_{LESSON}")]
            .set_index("exercise") for name in NOTEBOOKS}


def test_the_table_has_one_row_per_notebook_and_exercise(graded):
    for rows in graded.values():
        assert list(rows.index) == ["02-recolor", "02-color-histogram"]
        assert sorted(rows.reset_index().columns) == sorted(COLUMNS)


def test_a_right_notebook_passes_every_exercise(graded):
    assert (graded["right"]["status"] == "passed").all()


def test_a_wrong_answer_fails_with_the_reason(graded):
    rows = graded["wrong"]
    assert rows.loc["02-recolor", "status"] == "failed"
    assert "cuts off the decimals" in rows.loc["02-recolor", "message"]
    assert rows.loc["02-color-histogram", "status"] == "passed"


def test_untouched_stubs_are_not_done(graded):
    rows = graded["stub"]
    assert (rows["status"] == "not done").all()
    assert rows["message"].str.contains("not done yet").all()


def test_a_notebook_that_crashes_is_an_error_for_every_exercise(graded):
    rows = graded["crash"]
    assert (rows["status"] == "error").all()
    assert rows["message"].str.contains("ZeroDivisionError").all()
    assert rows["message"].str.contains("cell 5").all()


def test_a_deleted_check_cell_is_an_error_not_a_pass(graded):
    rows = graded["deleted"]
    assert rows.loc["02-color-histogram", "status"] == "error"
    assert "deleted" in rows.loc["02-color-histogram", "message"]
    assert rows.loc["02-recolor", "status"] == "passed"


def test_printing_what_a_passing_check_prints_is_not_trusted(graded):
    assert graded["printed"].loc["02-recolor", "status"] == "error"


def test_checking_labkits_own_function_does_not_pass(graded):
    rows = graded["labkit_own"]
    assert rows.loc["02-recolor", "status"] == "failed"
    assert "labkit's own" in rows.loc["02-recolor", "message"]


def test_a_notebook_that_hangs_is_stopped_at_the_time_limit(tmp_path):
    path = write(tmp_path, "hang", notebook(*lesson_cells(),
                                            nbformat.v4.new_code_cell("while True:\n    pass")))
    rows = grade([path], timeout=8)
    assert (rows["status"] == "error").all() and len(rows) == 2
    assert rows["message"].str.contains("longer than the 8 s limit").all()


def test_a_notebook_without_known_exercises_gets_one_error_row(tmp_path):
    path = tmp_path / "essay.ipynb"
    nbformat.write(notebook(nbformat.v4.new_code_cell("x = 1")), path)
    rows = grade([path], timeout=60)
    assert rows[["exercise", "status"]].values.tolist() == [["", "error"]]
    assert "no Color Lab exercise" in rows["message"][0]


def test_expected_exercises_come_from_the_name_and_the_grade_ids():
    assert expected_exercises(f"alice_{LESSON}.ipynb", notebook()) == ["02-recolor",
                                                                     "02-color-histogram"]
    nb = notebook(*exercise_cells("04-rmse"))
    assert expected_exercises("renamed.ipynb", nb) == ["04-rmse"]


# --- grade_command: what `labkit grade` prints, writes and returns ---------------------------


def test_grade_command_prints_rows_writes_the_csv_and_returns_0(tmp_path, capsys):
    path = write(tmp_path, "wrong", NOTEBOOKS["wrong"])
    out = tmp_path / "grades.csv"
    assert grade_command([path], csv=out, timeout=60) == 0
    printed = capsys.readouterr().out
    assert "02-recolor" in printed and "failed" in printed and "cuts off the decimals" in printed
    table = pd.read_csv(out, keep_default_na=False)
    assert list(table.columns) == list(COLUMNS) and len(table) == 2
    assert set(table["status"]) == {"failed", "passed"}


def test_grade_command_returns_1_with_one_line_for_a_missing_file(tmp_path, capsys):
    assert grade_command([tmp_path / "nothing.ipynb"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no such file" in err


@pytest.mark.parametrize("name, content", [("notes.txt", "hello"),
                                           ("broken.ipynb", "{not json"),
                                           ("other.ipynb", json.dumps({"cells": 3}))])
def test_grade_command_returns_1_for_something_that_is_not_a_notebook(tmp_path, capsys,
                                                                       name, content):
    path = tmp_path / name
    path.write_text(content)
    assert grade_command([path]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not a Jupyter notebook" in err


def test_grade_command_refuses_to_overwrite_a_csv_before_grading(tmp_path, capsys):
    path = write(tmp_path, "right", NOTEBOOKS["right"])
    out = tmp_path / "grades.csv"
    out.write_text("keep me")
    assert grade_command([path], csv=out) == 1
    assert "already exists" in capsys.readouterr().err and out.read_text() == "keep me"


def test_grade_command_on_an_empty_folder_returns_1(tmp_path, capsys):
    assert grade_command([tmp_path]) == 1
    assert "holds no notebook" in capsys.readouterr().err


def test_the_lab_notebooks_grade_passed_as_instructor_and_not_done_as_student():
    """Every notebooks/instructor/*.ipynb that exists passes all its exercises; its committed
    student version has every one not done (runs each notebook once more)."""
    sources = [p for p in sorted(INSTRUCTOR.glob("*.ipynb"))
               if expected_exercises(p, nbformat.read(p, as_version=4))]
    if not sources:
        return  # no instructor notebook yet: nothing to grade
    instructor = grade(sources, timeout=600)
    assert (instructor["status"] == "passed").all(), instructor.to_string()
    student = grade([student_path(s) for s in sources], timeout=600)
    assert (student["status"] == "not done").all(), student.to_string()
