"""The instructor's answers to the exercises, one module per lesson, as notebook cells.

Each function here is, word for word, the exercise cell of an instructor notebook: the
signature and docstring the student sees (shapes, dtypes, one hint), and the solution
between nbgrader's ``### BEGIN SOLUTION`` / ``### END SOLUTION`` markers, which the student
version replaces by ``raise NotImplementedError(...)``. ``labkit.authoring.exercise_cells``
turns them into notebook cells; the tests run every check on them.
"""
