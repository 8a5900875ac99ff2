"""Drive a real JupyterLab in headless Chromium, for the notebook tests.

A small harness, used by ``tests/test_browser.py``: start JupyterLab on a free local port,
open a notebook in Debian's Chromium through Playwright's Python package, run every cell
the way a student does ("Run All"), then read and move ipywidgets the way an instructor
does (keyboard on the slider handle) and take screenshots.

Everything it starts is stopped again by the context managers, also on failure; on
failure a page screenshot, the browser console and the server log are saved to a folder
(``LABKIT_BROWSER_ARTIFACTS``, default ``.browser-debug/``, git-ignored).

Example (not run by pytest; needs ``/usr/bin/chromium``)::

    with lab_session(root_dir=".") as lab:
        lab.open_notebook("notebooks/01_kmeans_compression.ipynb")
        lab.run_all_cells()
        slider = lab.slider("k")
        print(lab.readout(slider))

Notes
-----
Facts this relies on (checked with JupyterLab 4.6, ipywidgets 8.1, Chromium 156):

- Without ``autoStartDefaultKernel`` a "Select Kernel" dialog blocks the run; the
  settings are written to a temporary ``--LabApp.user_settings_dir``.
- The "Idle" indicator shows before the kernel is connected; "Run All" then runs nothing.
  So we wait on ``sessionContext.ready`` and ``connectionStatus === 'connected'``
  (``window.jupyterapp`` exists thanks to ``--expose-app-in-browser``).
- Stored outputs keep their execution counts, so "every prompt holds a number" is already
  true before anything ran: outputs are cleared first, then the run is awaited.
- Autosave is off and checkpoints go to a temporary folder: running a notebook of the
  repository in the browser never changes a file of the repository.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

CHROMIUM = Path("/usr/bin/chromium")
REPO_ROOT = Path(__file__).resolve().parent.parent

#: Arguments for Chromium: headless, no GPU, no network traffic of its own. Headless
#: Chromium 156 still gives WebGL (plotly's Scatter3d) a software renderer without a GPU;
#: should a later one show "WebGL is not supported", add ``--enable-unsafe-swiftshader``.
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)

#: JupyterLab settings for an unattended run (file name → settings).
LAB_SETTINGS = {
    # Start the notebook's kernel without the "Select Kernel" dialog; render every cell
    # (no windowing), so that all prompts and widgets are in the page.
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {
        "autoStartDefaultKernel": True,
        "windowingMode": "none",
    },
    # Never write the notebook back into the repository.
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    # No "receive official Jupyter news?" toast over the screenshots, no update check.
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "checkForUpdates": False,
        "fetchNews": "false",
    },
}


class BrowserTestError(RuntimeError):
    """The lab or the browser did not do what the test waited for."""


# --------------------------------------------------------------------------- helpers


def chromium_available() -> bool:
    """Return True when Debian's Chromium and Playwright's Python package are installed."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return False
    return CHROMIUM.exists()


def jupyter_lab_command() -> list[str]:
    """Return the command that starts JupyterLab of this Python environment.

    ``jupyter-lab`` next to ``sys.executable`` (a venv's ``bin/``), else
    ``python -m jupyterlab``. ``sys.executable`` is not resolved: a venv's python is a
    symlink to the base interpreter, whose folder holds no ``jupyter-lab``.
    """
    bindir = Path(sys.executable).parent
    for name in ("jupyter-lab", "jupyter-lab.exe"):
        if (bindir / name).exists():
            return [str(bindir / name)]
    return [sys.executable, "-m", "jupyterlab"]


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(
    condition: Callable[[], Any], timeout: float, message: str, interval: float = 0.2
) -> Any:
    """Call ``condition`` until it returns something truthy; return that value.

    Raises
    ------
    BrowserTestError
        When ``timeout`` seconds passed; the message says what was awaited.
    """
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise BrowserTestError(f"timed out after {timeout:.0f} s waiting for {message}")
        time.sleep(interval)


def artifacts_dir() -> Path:
    """Folder for failure screenshots and logs: ``LABKIT_BROWSER_ARTIFACTS`` or ``.browser-debug``.

    The default, ``.browser-debug/`` in the repository, is git-ignored; CI can upload it.
    """
    folder = os.environ.get("LABKIT_BROWSER_ARTIFACTS")
    return Path(folder) if folder else REPO_ROOT / ".browser-debug"


# --------------------------------------------------------------------------- server


@dataclass
class LabServer:
    """A running JupyterLab server (see :func:`jupyter_lab`)."""

    url: str
    token: str
    root_dir: Path
    log_path: Path
    process: subprocess.Popen = field(repr=False)

    def relative_path(self, notebook: str | Path) -> str:
        """``notebook`` (absolute, or relative to the root dir) relative to the root dir."""
        path = Path(notebook)
        if path.is_absolute():
            path = path.resolve().relative_to(self.root_dir)
        return path.as_posix()

    def notebook_url(self, notebook: str | Path, workspace: str | None = None) -> str:
        """URL that opens ``notebook`` in the lab (in a fresh ``workspace`` if given)."""
        prefix = f"lab/workspaces/{workspace}/" if workspace else "lab/"
        return f"{self.url}{prefix}tree/{quote(self.relative_path(notebook))}?token={self.token}"

    def log(self) -> str:
        """The server's log so far (stdout and stderr)."""
        return self.log_path.read_text(errors="replace")

    def api(self, path: str, method: str = "GET", timeout: float = 5.0) -> Any:
        """Call the server's REST API; return the decoded JSON (or None when empty)."""
        request = urllib.request.Request(
            f"{self.url}{path.lstrip('/')}",
            method=method,
            headers={"Authorization": f"token {self.token}"},
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read()
        return json.loads(body) if body else None


def _write_lab_settings(settings_dir: Path) -> None:
    for name, values in LAB_SETTINGS.items():
        path = settings_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values, indent=2))


@contextlib.contextmanager
def jupyter_lab(root_dir: str | Path, *, startup_timeout: float = 90.0) -> Iterator[LabServer]:
    """Run JupyterLab on 127.0.0.1 with a random token; stop it (and its kernels) on exit.

    Parameters
    ----------
    root_dir : str or Path
        The folder the lab serves; notebooks opened later must lie inside it.
    startup_timeout : float, default 90.0
        Seconds to wait until the server answers.

    Yields
    ------
    LabServer
    """
    root = Path(root_dir).resolve()
    with tempfile.TemporaryDirectory(prefix="labkit-lab-") as tmp:
        tmp_path = Path(tmp)
        _write_lab_settings(tmp_path / "settings")
        for sub in ("workspaces", "checkpoints", "config", "runtime"):
            (tmp_path / sub).mkdir()
        log_path = tmp_path / "server.log"
        token = secrets.token_hex(24)
        port = free_port()
        command = [
            *jupyter_lab_command(),
            "--no-browser",
            "--expose-app-in-browser",
            "--ip=127.0.0.1",
            f"--port={port}",
            "--ServerApp.port_retries=0",  # the URL we wait on is the URL it serves
            f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={root}",
            f"--LabApp.user_settings_dir={tmp_path / 'settings'}",
            f"--LabApp.workspaces_dir={tmp_path / 'workspaces'}",
            f"--FileCheckpoints.root_dir={tmp_path / 'checkpoints'}",
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            command.append("--allow-root")
        env = dict(os.environ)
        # A private config and runtime dir: no user config, no stale server files.
        env["JUPYTER_CONFIG_DIR"] = str(tmp_path / "config")
        env["JUPYTER_RUNTIME_DIR"] = str(tmp_path / "runtime")
        env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
        with open(log_path, "wb") as log:
            process = subprocess.Popen(
                command,
                cwd=root,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        server = LabServer(f"http://127.0.0.1:{port}/", token, root, log_path, process)
        try:
            _wait_for_server(server, startup_timeout)
            yield server
        except Exception:
            _save_server_log(server)
            raise
        finally:
            _stop_server(server)


def _wait_for_server(server: LabServer, timeout: float) -> None:
    def answers() -> bool:
        if server.process.poll() is not None:
            raise BrowserTestError(
                f"JupyterLab exited with code {server.process.returncode} before answering;"
                f" its log:\n{server.log()[-3000:]}"
            )
        try:
            return server.api("api/status", timeout=2) is not None
        except (OSError, urllib.error.URLError):
            return False

    wait_until(answers, timeout, f"JupyterLab to answer on {server.url}", interval=0.3)


def _stop_server(server: LabServer) -> None:
    """Ask the server to shut down (it stops its kernels), then terminate, then kill."""
    process = server.process
    if process.poll() is None:
        with contextlib.suppress(OSError, urllib.error.URLError):
            server.api("api/shutdown", method="POST")
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


def _save_server_log(server: LabServer) -> Path | None:
    folder = artifacts_dir()
    with contextlib.suppress(OSError):
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / "server.log"
        shutil.copyfile(server.log_path, target)
        print(f"\n[browser] JupyterLab log saved to {target}", file=sys.stderr)
        return target
    return None


# --------------------------------------------------------------------------- browser


@contextlib.contextmanager
def chromium(
    *, viewport: tuple[int, int] = (1280, 900), device_scale_factor: float = 1.0
) -> Iterator[Any]:
    """Launch Debian's Chromium with a fresh profile; yield a Playwright ``BrowserContext``.

    Raises
    ------
    BrowserTestError
        When ``/usr/bin/chromium`` or Playwright's Python package is missing.
    """
    if not CHROMIUM.exists():
        raise BrowserTestError(f"{CHROMIUM} not found; run .ci/install-browser.sh as root")
    from playwright.sync_api import sync_playwright

    with (
        tempfile.TemporaryDirectory(prefix="labkit-chromium-") as profile,
        sync_playwright() as playwright,
    ):
        context = playwright.chromium.launch_persistent_context(
            profile,
            executable_path=str(CHROMIUM),
            headless=True,
            args=list(CHROMIUM_ARGS),
            viewport={"width": viewport[0], "height": viewport[1]},
            device_scale_factor=device_scale_factor,
        )
        try:
            yield context
        finally:
            context.close()


# --------------------------------------------------------------------------- page

_CURRENT_PANEL_JS = """
(path) => {
  const app = window.jupyterapp;
  const panel = app && app.shell && app.shell.currentWidget;
  if (!panel || !panel.sessionContext || !panel.context) return null;
  if (path && panel.context.path !== path) return null;
  return panel;
}
"""

_KERNEL_STATE_JS = f"""
(path) => {{
  const panel = ({_CURRENT_PANEL_JS})(path);
  if (!panel) return {{panel: false}};
  const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
  return {{
    panel: true,
    ready: panel.sessionContext.isReady,
    connection: kernel ? kernel.connectionStatus : null,
    status: kernel ? kernel.status : null,
  }};
}}
"""

_RUN_ALL_JS = """
async () => {
  const app = window.jupyterapp;
  window.__labkitRun = {done: false, result: null};
  await app.commands.execute('notebook:clear-all-cell-outputs');
  app.commands.execute('notebook:run-all-cells').then(
    (result) => { window.__labkitRun = {done: true, result: String(result)}; },
    (error) => { window.__labkitRun = {done: true, result: 'error: ' + error}; },
  );
}
"""

_RUN_STATE_JS = f"""
(path) => {{
  const panel = ({_CURRENT_PANEL_JS})(path);
  if (!panel) return null;
  const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
  const cells = panel.content.widgets.filter((cell) => cell.model.type === 'code');
  const errors = [];
  cells.forEach((cell, index) => {{
    for (const output of cell.model.outputs.toJSON()) {{
      if (output.output_type === 'error') {{
        errors.push({{cell: index, ename: output.ename, evalue: output.evalue,
                     traceback: (output.traceback || []).join('\\n')}});
      }}
    }}
  }});
  return {{
    counts: cells.map((cell) => cell.model.executionCount),
    prompts: cells.map((cell) => {{
      const prompt = cell.node.querySelector('.jp-InputPrompt');
      return prompt ? prompt.textContent.trim() : '';
    }}),
    status: kernel ? kernel.status : null,
    run: window.__labkitRun || null,
    errors: errors,
  }};
}}
"""


class LabPage:
    """A JupyterLab page in Chromium, with the helpers the notebook tests need."""

    def __init__(self, server: LabServer, context: Any) -> None:
        self.server = server
        self.context = context
        self.console: list[str] = []
        self.page = context.pages[0] if context.pages else context.new_page()
        self._listen(self.page)
        self.notebook_path: str | None = None
        self._opened = 0

    def _listen(self, page: Any) -> None:
        page.on("console", lambda msg: self.console.append(f"[{msg.type}] {msg.text}"))
        page.on("pageerror", lambda err: self.console.append(f"[pageerror] {err}"))

    # -- notebook ----------------------------------------------------------------

    def open_notebook(self, notebook: str | Path, timeout: float = 120.0) -> None:
        """Open ``notebook`` by URL and wait until its kernel is connected and idle.

        Each notebook opens in a new tab with a fresh workspace: navigating away from a
        notebook that ran would meet a "leave page?" dialog (unsaved outputs).
        """
        self._opened += 1
        if self._opened > 1:
            old, self.page = self.page, self.context.new_page()
            self._listen(self.page)
            old.close()
        self.notebook_path = self.server.relative_path(notebook)
        url = self.server.notebook_url(notebook, workspace=f"labkit-test-{self._opened}")
        self.page.goto(url, wait_until="domcontentloaded", timeout=timeout * 1000)
        self.wait_for_kernel(timeout)

    def wait_for_kernel(self, timeout: float = 120.0) -> None:
        """Wait until the notebook's session is ready and its kernel connected and idle.

        The "Idle" indicator shows before the kernel is connected, and "Run All" then
        runs nothing: so this waits on the session, not on the indicator.
        """
        state: dict[str, Any] = {}

        def connected() -> bool:
            state.update(self.page.evaluate(_KERNEL_STATE_JS, self.notebook_path))
            return bool(
                state.get("ready")
                and state.get("connection") == "connected"
                and state.get("status") == "idle"
            )

        wait_until(connected, timeout, f"the kernel of {self.notebook_path} (last: {state})")

    def run_all_cells(self, timeout: float = 180.0) -> None:
        """Clear the outputs, run every cell, wait until each code cell has run.

        Raises
        ------
        BrowserTestError
            When a cell raised (with its traceback) or on timeout (with the prompts).
        """
        self.page.evaluate(_RUN_ALL_JS)
        state: dict[str, Any] = {}

        def finished() -> bool:
            state.clear()
            state.update(self.page.evaluate(_RUN_STATE_JS, self.notebook_path) or {})
            if state.get("errors"):
                error = state["errors"][0]
                raise BrowserTestError(
                    f"code cell {error['cell']} of {self.notebook_path} raised "
                    f"{error['ename']}: {error['evalue']}\n{_strip_ansi(error['traceback'])}"
                )
            counts, prompts = state.get("counts") or [], state.get("prompts") or []
            return bool(
                (state.get("run") or {}).get("done")
                and counts
                and all(isinstance(count, int) for count in counts)
                and all(_prompt_number(prompt) is not None for prompt in prompts)
                and state.get("status") == "idle"
            )

        wait_until(
            finished,
            timeout,
            f"all cells of {self.notebook_path} to run (prompts: {state.get('prompts')}, "
            f"kernel: {state.get('status')}, run: {state.get('run')})",
            interval=0.5,
        )

    def wait_for_idle(self, timeout: float = 60.0) -> None:
        """Wait until the kernel is idle (e.g. after a widget callback)."""
        self.wait_for_kernel(timeout)

    # -- widgets -----------------------------------------------------------------

    def slider(self, description: str) -> Any:
        """The one ``.widget-slider`` whose description label reads ``description``."""
        label = self.page.locator(".widget-label").get_by_text(description, exact=True)
        sliders = self.page.locator(".widget-slider").filter(has=label)
        count = sliders.count()
        if count != 1:
            raise BrowserTestError(f"expected one slider described {description!r}, found {count}")
        return sliders

    def readout(self, slider: Any) -> str:
        """The value a slider displays (its ``.widget-readout``)."""
        return slider.locator(".widget-readout").inner_text().strip()

    def handle_value(self, slider: Any) -> tuple[float, float, float]:
        """``(value, min, max)`` from the slider handle's ARIA attributes."""
        handle = slider.locator(".noUi-handle").first
        return tuple(
            float(handle.get_attribute(name))
            for name in ("aria-valuenow", "aria-valuemin", "aria-valuemax")
        )

    def press_on_slider(self, slider: Any, key: str = "ArrowRight", times: int = 1) -> None:
        """Focus the slider's handle (``.noUi-handle``) and press ``key`` ``times`` times."""
        handle = slider.locator(".noUi-handle").first
        handle.focus()
        for _ in range(times):
            handle.press(key)

    def html_widget(self, contains: str, near: Any | None = None) -> Any:
        """The first HTML or Label widget whose text contains ``contains``.

        Searched inside ``near`` (e.g. a cell's output area) first, then in the page.
        """
        selector = ".widget-html, .widget-htmlmath, .widget-label-basic"
        return self._first_near(selector, near, f"a widget showing {contains!r}", contains)

    def picture(self, near: Any | None = None) -> Any:
        """The first picture a widget shows: an ipywidgets ``Image``, or an ``<img>`` in
        an ``Output`` widget (e.g. a matplotlib figure); inside ``near`` first."""
        selector = "img.widget-image, .widget-output img"
        return self._first_near(selector, near, "a picture in a widget")

    def _first_near(
        self, selector: str, near: Any | None, what: str, text: str | None = None
    ) -> Any:
        scopes = [near, self.page] if near is not None else [self.page]

        def found() -> Any:
            for scope in scopes:
                matches = scope.locator(selector)
                if text is not None:
                    matches = matches.filter(has_text=text)
                if matches.count():
                    return matches.first
            return None

        return wait_until(found, 30, what)

    @staticmethod
    def text(locator: Any) -> str:
        """The visible text of a widget."""
        return locator.inner_text().strip()

    @staticmethod
    def image_src(locator: Any) -> str:
        """The ``src`` of an image (ipywidgets makes a new blob URL for each new value)."""
        return locator.get_attribute("src") or ""

    def output_area_of(self, widget: Any) -> Any:
        """The output area of the cell that displays ``widget``."""
        return self.page.locator(".jp-Cell-outputArea").filter(has=widget).first

    def wait_for_change(
        self, read: Callable[[], Any], old: Any, what: str, timeout: float = 60.0
    ) -> Any:
        """Wait until ``read()`` differs from ``old``; return the new value."""
        new: list[Any] = []

        def changed() -> bool:
            new[:] = [read()]
            return new[0] != old

        wait_until(changed, timeout, f"{what} to change from {old!r}")
        return new[0]

    # -- pictures ----------------------------------------------------------------

    def screenshot(self, path: str | Path, locator: Any | None = None) -> Path:
        """Save a PNG of ``locator`` (or of the whole page) to ``path``; return the path."""
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        if locator is None:
            self.page.screenshot(path=str(target), full_page=True)
        else:
            locator.scroll_into_view_if_needed()
            locator.screenshot(path=str(target), animations="disabled")
        return target

    def plotly_plot(self, timeout: float = 60.0) -> Any:
        """The first plotly figure, once drawn (``.jp-RenderedPlotly.js-plotly-plot``).

        Waits for plotly's own data and, for 3-D scenes, a WebGL canvas, then for two
        animation frames so that the screenshot shows the drawn scene.

        Raises
        ------
        BrowserTestError
            When plotly reports that the browser has no WebGL.
        """
        # A stored figure shows its still picture until the pointer enters it; then
        # jupyterlab-plotly draws the live figure in its place.
        rendered = self.page.locator(".jp-RenderedPlotly").first
        rendered.wait_for(state="visible", timeout=timeout * 1000)
        rendered.scroll_into_view_if_needed()
        rendered.hover()
        plot = self.page.locator(".jp-RenderedPlotly.js-plotly-plot").first
        plot.wait_for(state="visible", timeout=timeout * 1000)
        drawn_js = """(el) => {
          if (!el._fullLayout || !el._fullData) return false;
          const is3d = el._fullData.some((trace) => trace.type.endsWith('3d'));
          return !is3d || el.querySelector('.gl-container canvas') !== null;
        }"""
        wait_until(lambda: plot.evaluate(drawn_js), timeout, "plotly to draw the figure")
        if "WebGL is not supported" in plot.inner_text():
            raise BrowserTestError("plotly says this Chromium has no WebGL")
        plot.evaluate(
            "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"
        )
        return plot

    @staticmethod
    def figure_area(plot: Any) -> Any:
        """The part of a plotly plot as wide as the figure (``.svg-container``)."""
        return plot.locator(".svg-container").first

    # -- debugging ---------------------------------------------------------------

    def save_debug_artifacts(self, name: str) -> Path:
        """Save a page screenshot, the browser console and the server log; return the folder."""
        folder = artifacts_dir() / f"{name}-{time.strftime('%Y%m%d-%H%M%S')}"
        folder.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(Exception):
            self.page.screenshot(path=str(folder / "page.png"), full_page=True)
        (folder / "console.log").write_text("\n".join(self.console))
        with contextlib.suppress(OSError):
            shutil.copyfile(self.server.log_path, folder / "server.log")
        return folder

    @contextlib.contextmanager
    def debug_on_failure(self, name: str) -> Iterator[None]:
        """On an exception inside the block, save debug artifacts and say where."""
        try:
            yield
        except Exception:
            folder = self.save_debug_artifacts(name)
            print(f"\n[browser] failure artifacts saved to {folder}", file=sys.stderr)
            raise


@contextlib.contextmanager
def lab_session(
    root_dir: str | Path = REPO_ROOT,
    *,
    viewport: tuple[int, int] = (1280, 900),
    device_scale_factor: float = 1.0,
) -> Iterator[LabPage]:
    """JupyterLab serving ``root_dir`` plus a Chromium page on it; both stopped on exit.

    On an exception inside the block a page screenshot and the server log are saved
    (see :func:`artifacts_dir`).
    """
    with (
        jupyter_lab(root_dir) as server,
        chromium(viewport=viewport, device_scale_factor=device_scale_factor) as context,
    ):
        lab = LabPage(server, context)
        with lab.debug_on_failure("session"):
            yield lab


def _prompt_number(prompt: str) -> int | None:
    """The number in a prompt such as ``[12]:``; None for ``[ ]:`` or ``[*]:``."""
    inside = prompt.strip().removesuffix(":").strip("[] ")
    return int(inside) if inside.isdigit() else None


def _strip_ansi(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", text)
