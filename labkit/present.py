"""The presentation view: a lesson's explorers as a web page, without code, for a projector.

``python3 lab.py present 01`` (or ``python -m labkit.present 01``) writes a small
notebook that builds lesson 01's slider explorer and opens it with Voilà, which runs a
notebook and shows only its outputs and markdown, live: the instructor drags the slider,
the kernel answers, the picture follows. Lessons 01, 03, 04 and 05 have an explorer, 02
its 3-D figure (:data:`EXPLORERS`). ``--whole`` shows the whole lesson notebook that way
instead (its prose and pictures, no code cells).

Voilà (``pip install voila``) is needed only here; the rest of labkit does not use it.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from labkit._checks import one_of, positive_int

__all__ = ["EXPLORERS", "main", "presentation_notebook", "voila_command"]

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"

_COFFEE = ('from PIL import Image\nimport numpy as np\n'
           'img = np.asarray(Image.fromarray(lk.load_image("coffee")).reduce(2))  # 200 x 300')

SLIDE = "Drag the slider (or click its handle and press ← →): the picture follows."
TURN = "Drag to rotate, scroll to zoom, point at a pixel to read its color."

EXPLORERS = {
    "01": ("k-means color compression: how many colors does the cat need?", SLIDE,
           'img = lk.load_image("chelsea")',
           "lk.widgets.compress_explorer(img, k=8)"),
    "02": ("The cat's pixels in color space, in their 8 clusters", TURN,
           'img = lk.load_image("chelsea")\nq = lk.compress(img, 8, seed=0)',
           "lk.color_space_figure(img, labels=q.labels, centroids=q.centroids, still=False)"),
    "03": ("The elbow: error against the number of colors", SLIDE,
           'img = lk.load_image("chelsea")',
           "lk.widgets.elbow_explorer(img, ks=range(1, 13))"),
    "04": ("The basic agent: a larger patch, a better guess?", SLIDE,
           _COFFEE, "lk.widgets.knn_explorer(img, patches=(1, 3, 5, 7, 9), k=5, seed=0)"),
    "05": ("The neural agent: what the learning rate does", SLIDE,
           _COFFEE,
           'lk.widgets.training_explorer(img, learning_rate=0.01, optimizer="adam", epochs=8, '
           'seed=0)'),
}
"""Lesson number → (title, what to do, code that loads the photo, the explorer call), as
in the lesson's own notebook (02 has a 3-D figure instead of a slider)."""

_STYLE = """<style>
  .jp-Cell { max-width: 1000px; margin: 0 auto; }
  .jp-RenderedMarkdown p, .widget-html, .widget-label, .widget-readout { font-size: 22px; }
  .widget-image { display: block; margin: 0 auto; }
  .widget-slider { width: 960px !important; margin: 0 auto; }
</style>"""


def presentation_notebook(lesson: str):
    """A notebook holding lesson ``lesson``'s explorer under a title, ready for Voilà.

    Parameters
    ----------
    lesson : str
        "01", "02", "03", "04" or "05" (see :data:`EXPLORERS`; 02 shows the 3-D figure).

    Returns
    -------
    nbformat.NotebookNode
        A markdown title (with a style block that enlarges text and centres the picture)
        and one code cell that loads the photo and shows the explorer.

    Raises
    ------
    ValueError
        If the lesson has no explorer.

    Examples
    --------
    >>> nb = presentation_notebook("01")
    >>> [cell.cell_type for cell in nb.cells]
    ['markdown', 'code']
    >>> "compress_explorer" in nb.cells[1].source
    True
    """
    import nbformat

    lesson = one_of(lesson, "lesson", EXPLORERS)
    title, instruction, load, explorer = EXPLORERS[lesson]
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.cells = [
        nbformat.v4.new_markdown_cell(f"{_STYLE}\n\n# {title}\n\n{instruction}"),
        nbformat.v4.new_code_cell(f"import labkit as lk\n{load}\n{explorer}"),
    ]
    return nb


def voila_command(notebook: str | Path, *, port: int | None = None,
                  browser: bool = True) -> list[str]:
    """The command that serves ``notebook`` with Voilà from this Python environment.

    Examples
    --------
    >>> voila_command("talk.ipynb", port=8866, browser=False)[-4:]
    ['talk.ipynb', '--port=8866', '--no-browser', '--Voila.ip=127.0.0.1']
    """
    command = [sys.executable, "-m", "voila", str(notebook)]
    if port is not None:
        command.append(f"--port={positive_int(port, 'port', minimum=1, maximum=65535)}")
    if not browser:
        command.append("--no-browser")
    return [*command, "--Voila.ip=127.0.0.1"]


def main(argv: list[str] | None = None) -> int:
    """``python -m labkit.present NN [--whole] [--port P] [--no-browser]``; the exit status.

    Returns 0 when Voilà was stopped (Ctrl-C), 1 without Voilà, 2 for a bad lesson.
    """
    parser = argparse.ArgumentParser(
        prog="python -m labkit.present",
        description="Show a lesson's slider explorers full-screen, without code (Voilà).")
    parser.add_argument("lesson", help=f"lesson number: one of {', '.join(EXPLORERS)} "
                                       "(with --whole: any notebook number 00..05)")
    parser.add_argument("--whole", action="store_true",
                        help="show the whole lesson notebook (prose and pictures, no code)")
    parser.add_argument("--port", type=int, default=None, help="port (default: Voilà's 8866)")
    parser.add_argument("--no-browser", action="store_true", help="do not open a browser")
    args = parser.parse_args(argv)
    if args.whole:
        found = sorted(NOTEBOOKS.glob(f"{args.lesson}_*.ipynb"))
        if not found:
            parser.error(f"no notebook {args.lesson}_*.ipynb in {NOTEBOOKS}")
    elif args.lesson not in EXPLORERS:
        parser.error(f"lesson {args.lesson!r} has no explorer; choose one of "
                     f"{', '.join(EXPLORERS)} (or add --whole)")
    if not _has_voila():
        print("the presentation view needs Voilà: pip install voila", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="labkit-present-") as folder:
        if args.whole:
            notebook = found[0]
        else:
            import nbformat

            notebook = Path(folder) / f"present_{args.lesson}.ipynb"
            nbformat.write(presentation_notebook(args.lesson), notebook)
        command = voila_command(notebook, port=args.port, browser=not args.no_browser)
        try:
            return subprocess.run(command, cwd=notebook.parent).returncode
        except KeyboardInterrupt:
            return 0


def _has_voila() -> bool:
    import importlib.util

    return importlib.util.find_spec("voila") is not None


if __name__ == "__main__":
    sys.exit(main())
