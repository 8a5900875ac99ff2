"""The presentation view in a real browser: Voilà serves lesson 01's explorer as a page
without code, and a key press on the slider moves the picture.

Needs Debian's Chromium, Playwright's Python package and Voilà; skipped without them
unless ``LABKIT_REQUIRE_BROWSER=1`` (CI).
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import signal
import subprocess
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser import BrowserTestError, artifacts_dir, chromium, chromium_available, free_port
from browser import wait_until

from labkit.present import presentation_notebook, voila_command

pytestmark = pytest.mark.browser

REQUIRE_BROWSER = os.environ.get("LABKIT_REQUIRE_BROWSER") == "1"


def _missing(reason: str) -> None:
    if REQUIRE_BROWSER:
        pytest.fail(f"{reason} (LABKIT_REQUIRE_BROWSER=1 forbids skipping)")
    pytest.skip(reason)


@contextlib.contextmanager
def voila(notebook: Path, timeout: float = 90.0) -> Iterator[str]:
    """Serve ``notebook`` with Voilà on a free local port; yield its URL; stop it on exit."""
    port = free_port()
    log = notebook.with_suffix(".voila.log")
    with open(log, "wb") as out:
        process = subprocess.Popen(voila_command(notebook, port=port, browser=False),
                                   cwd=notebook.parent, stdin=subprocess.DEVNULL, stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}/"

    def answers() -> bool:
        if process.poll() is not None:
            raise BrowserTestError(f"Voilà exited with {process.returncode}:\n"
                                   f"{log.read_text(errors='replace')[-3000:]}")
        try:  # the port accepts connections (Voilà's own pages start a kernel)
            with socket.create_connection(("127.0.0.1", port), timeout=2):
                return True
        except OSError:
            return False

    try:
        wait_until(answers, timeout, f"Voilà to answer on {url}", interval=0.3)
        yield url
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def test_presentation_shows_the_explorer_without_code_and_the_slider_moves_it(tmp_path):
    if not chromium_available():
        _missing("the presentation test needs /usr/bin/chromium and Playwright")
    if importlib.util.find_spec("voila") is None:
        _missing("the presentation test needs Voilà (pip install voila)")
    import nbformat

    notebook = tmp_path / "present_01.ipynb"
    nbformat.write(presentation_notebook("01"), notebook)
    with voila(notebook) as url, chromium(viewport=(1400, 900)) as context:
        page = context.pages[0] if context.pages else context.new_page()
        try:
            page.goto(url, wait_until="domcontentloaded", timeout=120_000)
            slider = page.locator(".widget-slider").first
            slider.wait_for(state="visible", timeout=180_000)
            picture = page.locator("img.widget-image").first
            picture.wait_for(state="visible", timeout=60_000)
            caption = page.locator(".widget-html").filter(has_text="MSE").first

            body = page.inner_text("body")
            assert "compress_explorer" not in body and "import labkit" not in body
            assert page.locator(".jp-CodeCell .jp-InputArea, .cm-editor").count() == 0  # no code
            assert "how many colors" in body
            natural = picture.evaluate("img => img.naturalWidth")
            shown = picture.bounding_box()["width"]
            assert natural >= 800 and shown >= 800, (natural, shown)

            handle = slider.locator(".noUi-handle").first
            readout = slider.locator(".widget-readout")
            old = (picture.get_attribute("src"), readout.inner_text(), caption.inner_text())
            value = int(old[1])
            handle.focus()
            handle.press("ArrowRight")
            wait_until(lambda: picture.get_attribute("src") != old[0], 60, "the picture to change")
            wait_until(lambda: caption.inner_text() != old[2], 60, "the caption to change")
            assert int(readout.inner_text()) == value + 1
            assert f"k = {value + 1}" in caption.inner_text()
        except Exception:
            folder = artifacts_dir()
            folder.mkdir(parents=True, exist_ok=True)
            with contextlib.suppress(Exception):
                page.screenshot(path=str(folder / f"present-{time.strftime('%H%M%S')}.png"),
                                full_page=True)
            raise


# --------------------------------------------------------------- a stored explorer in Lab
CLASSROOM_CELLS = [
    "import labkit as lk\nimg = lk.load_image(\"chelsea\")",
    "lk.widgets.compress_explorer(img, k=8)",
    "lk.color_space_figure(img, max_points=2000)",
]


def _stored_notebook(folder: Path) -> Path:
    """A small notebook with an explorer and a 3-D figure, executed by nbclient (as the
    committed notebooks are), so its outputs are stored but it has not run in this Lab."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(source) for source in CLASSROOM_CELLS]
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(folder)}}).execute()
    path = folder / "classroom.ipynb"
    nbformat.write(nb, path)
    return path


_OUTPUT_JS = """(index) => {
  const cell = document.querySelectorAll('.jp-CodeCell')[index];
  const out = cell.querySelector('.jp-OutputArea');
  const img = out.querySelector('img');
  return {text: out.innerText, src: img ? (img.getAttribute('src') || '').slice(0, 15) : null,
          natural: img ? img.naturalWidth : 0,
          shown: img ? Math.round(img.getBoundingClientRect().width) : 0,
          slider: out.querySelector('.widget-slider') !== null,
          plotly: out.querySelector('.js-plotly-plot') !== null};
}"""


def test_a_stored_explorer_shows_its_picture_before_running_and_after_save_and_reload(
        tmp_path, monkeypatch):
    if not chromium_available():
        _missing("the classroom test needs /usr/bin/chromium and Playwright")
    from browser import lab_session

    # a private Jupyter data folder: no notebook signature from an earlier run trusts ours
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(tmp_path / "jupyter-data"))
    notebook = _stored_notebook(tmp_path)
    with lab_session(tmp_path, viewport=(1400, 900)) as lab:
        lab.open_notebook(notebook)
        # before running: JupyterLab shows the still picture, not "VBox(children=(…"
        wait_until(lambda: lab.page.evaluate(_OUTPUT_JS, 1)["natural"], 60, "the still picture")
        explorer, space = (lab.page.evaluate(_OUTPUT_JS, i) for i in (1, 2))
        assert "VBox" not in explorer["text"] and not explorer["slider"], explorer
        assert explorer["src"].startswith("data:image/") and explorer["natural"] >= 800
        assert space["src"].startswith("data:image/png") and not space["plotly"], space

        # after Run All: the live explorer, its picture shown at 800 pixels or more
        lab.run_all_cells()
        slider = lab.slider("k")
        picture = lab.picture(near=lab.output_area_of(slider))
        wait_until(lambda: lab.image_src(picture), 30, "the live picture")
        live = lab.page.evaluate(_OUTPUT_JS, 1)
        assert live["slider"] and live["natural"] >= 800 and live["shown"] >= 800, live
        old = lab.image_src(picture)
        lab.press_on_slider(slider, "ArrowRight")
        lab.wait_for_change(lambda: lab.image_src(picture), old, "the picture")

        # after Save and a reload: the explorer displays again, without a widget error
        lab.page.evaluate("() => window.jupyterapp.commands.execute('docmanager:save')")
        time.sleep(2)
        lab.page.reload(wait_until="domcontentloaded")
        lab.wait_for_kernel()
        wait_until(lambda: lab.page.evaluate(_OUTPUT_JS, 1)["slider"], 60, "the explorer")
        again = lab.page.evaluate(_OUTPUT_JS, 1)
        assert "Error displaying widget" not in again["text"] and again["natural"] >= 800
        assert lab.readout(lab.slider("k")) == "9"
