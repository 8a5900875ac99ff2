"""The k slider of the compression lab, driven in a real JupyterLab in headless Chromium.

What an instructor does in class: open the notebook, "Run All", press → on the k slider,
and see the picture and its MSE follow. Needs Debian's Chromium (``.ci/install-browser.sh``);
skipped without it unless ``LABKIT_REQUIRE_BROWSER=1`` (CI), which turns the skip into a
failure.

Environment variables:

- ``LABKIT_REQUIRE_BROWSER=1``: fail instead of skip when the browser or a notebook is missing.
- ``LABKIT_BROWSER_NOTEBOOK``: another notebook with a k slider (default
  ``notebooks/01_kmeans_compression.ipynb``); ``LABKIT_BROWSER_3D_NOTEBOOK`` likewise for
  ``notebooks/02_color_space_3d.ipynb``.
- ``LABKIT_SCREENSHOTS=1``: also write the README pictures ``docs/k_slider.png`` and
  ``docs/color_space_3d.png`` (folder: ``LABKIT_SCREENSHOTS_DIR``, default ``docs/``).
- ``LABKIT_BROWSER_ARTIFACTS``: where a failure leaves a page screenshot, the browser console
  and the server log (default ``.browser-debug/``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser import REPO_ROOT, LabPage, chromium_available, lab_session

pytestmark = pytest.mark.browser

K_NOTEBOOK = Path(
    os.environ.get("LABKIT_BROWSER_NOTEBOOK")
    or REPO_ROOT / "notebooks" / "01_kmeans_compression.ipynb"
).resolve()
SPACE_NOTEBOOK = Path(
    os.environ.get("LABKIT_BROWSER_3D_NOTEBOOK")
    or REPO_ROOT / "notebooks" / "02_color_space_3d.ipynb"
).resolve()
REQUIRE_BROWSER = os.environ.get("LABKIT_REQUIRE_BROWSER") == "1"
SCREENSHOTS = os.environ.get("LABKIT_SCREENSHOTS") == "1"
SCREENSHOTS_DIR = Path(os.environ.get("LABKIT_SCREENSHOTS_DIR") or REPO_ROOT / "docs")
PRESSES = 3


def _missing(reason: str) -> None:
    """Skip, or fail when CI requires the browser test to run."""
    if REQUIRE_BROWSER:
        pytest.fail(f"{reason} (LABKIT_REQUIRE_BROWSER=1 forbids skipping)")
    pytest.skip(reason)


def _root_dir(notebooks: list[Path]) -> Path:
    """The repository, or for notebooks outside it the folder that holds them all."""
    if all(REPO_ROOT in nb.parents for nb in notebooks):
        return REPO_ROOT
    return Path(os.path.commonpath([nb.parent for nb in notebooks]))


@pytest.fixture(scope="module")
def lab() -> Iterator[LabPage]:
    """One JupyterLab server and one Chromium for the whole file."""
    if not chromium_available():
        _missing(
            "the browser test needs /usr/bin/chromium and Playwright's Python package; "
            "install the browser with .ci/install-browser.sh (as root)"
        )
    notebooks = [nb for nb in (K_NOTEBOOK, SPACE_NOTEBOOK) if nb.exists()]
    if not notebooks:
        _missing(f"{K_NOTEBOOK} does not exist yet")
    with lab_session(_root_dir(notebooks)) as session:
        yield session


def test_k_slider_changes_readout_mse_and_picture(lab: LabPage) -> None:
    if not K_NOTEBOOK.exists():
        _missing(f"{K_NOTEBOOK} does not exist yet")
    with lab.debug_on_failure("k_slider"):
        lab.open_notebook(K_NOTEBOOK)
        lab.run_all_cells()
        slider = lab.slider("k")
        area = lab.output_area_of(slider)
        info = lab.html_widget("MSE", near=area)
        picture = lab.picture(near=area)
        old_readout, old_info, old_src = (
            lab.readout(slider),
            lab.text(info),
            lab.image_src(picture),
        )
        assert old_src, "the picture has no src before the slider moves"
        if SCREENSHOTS:
            lab.screenshot(SCREENSHOTS_DIR / "k_slider.png", area)

        value, _, maximum = lab.handle_value(slider)
        key, sign = ("ArrowLeft", -1) if value + PRESSES > maximum else ("ArrowRight", 1)
        readout, text, src = old_readout, old_info, old_src
        for _ in range(PRESSES):  # one key at a time, as a person does; each is followed
            lab.press_on_slider(slider, key)
            readout = lab.wait_for_change(lambda: lab.readout(slider), readout, "the k readout")
            text = lab.wait_for_change(lambda: lab.text(info), text, "the MSE text")
            src = lab.wait_for_change(lambda: lab.image_src(picture), src, "the picture")
        lab.wait_for_idle()

        new_value = lab.handle_value(slider)[0]
        assert sign * (new_value - value) > 0, f"k went from {value} to {new_value} on {key}"
        assert lab.readout(slider) != old_readout
        assert lab.text(info) != old_info
        assert lab.image_src(picture) != old_src
        if f"k = {old_readout}" in old_info:  # a label that names k names the new k
            assert f"k = {lab.readout(slider)}" in lab.text(info)


def test_color_space_3d_draws_in_the_browser(lab: LabPage) -> None:
    if not SPACE_NOTEBOOK.exists():
        _missing(f"{SPACE_NOTEBOOK} does not exist yet")
    with lab.debug_on_failure("color_space_3d"):
        lab.open_notebook(SPACE_NOTEBOOK)
        lab.run_all_cells()
        plot = lab.plotly_plot()  # waits for plotly's data and a WebGL canvas
        area = lab.figure_area(plot)
        box = area.bounding_box()
        assert box is not None and box["width"] > 300 and box["height"] > 300
        if SCREENSHOTS:
            path = lab.screenshot(SCREENSHOTS_DIR / "color_space_3d.png", area)
            assert path.stat().st_size > 10_000, "the 3-D scatter screenshot looks empty"
