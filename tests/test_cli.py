"""The command line end to end, in a temporary folder, as a user would call it.

References: the library calls themselves (``compress``, ``elbow``, ``colorize``), Pillow
reading back what was written, matplotlib's own list of formats. The many ways a command line
can be wrong are in tests/test_bad_inputs.py.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import numpy as np
import pytest
from PIL import Image

import labkit as lk
from labkit.cli import EPILOG, PLOT_SUFFIXES, main


def run_cli(*args, cwd=None, env=None):
    """Run ``python -m labkit`` in a subprocess, as a user would."""
    return subprocess.run([sys.executable, "-m", "labkit", *map(str, args)], check=False,
                          cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture
def photo_file(tmp_path, tiny_photo):
    path = tmp_path / "photo.jpg"
    Image.fromarray(np.repeat(np.repeat(tiny_photo, 2, 0), 2, 1)).save(path, quality=95)
    return path


# --- compress --------------------------------------------------------------------------------


def test_compress_writes_an_indexed_png_with_at_most_k_colors(tmp_path, photo_file):
    out = tmp_path / "out.png"
    proc = run_cli("compress", photo_file, "-k", 6, "-o", out, "--seed", 1)
    assert proc.returncode == 0, proc.stderr
    with Image.open(out) as im:
        assert im.mode == "P"
        assert len(im.getcolors()) <= 6
        assert im.size == Image.open(photo_file).size
    assert "MSE" in proc.stdout and proc.stderr == ""


def test_compress_of_a_one_color_image_says_so_in_the_singular(tmp_path):
    photo, out = tmp_path / "flat.png", tmp_path / "out.png"
    Image.fromarray(np.full((4, 5, 3), 90, dtype=np.uint8)).save(photo)
    proc = run_cli("compress", photo, "-k", 4, "-o", out)
    assert proc.returncode == 0, proc.stderr
    assert "only 1 distinct color, fewer than k=4: the palette is the image's own" in proc.stderr
    assert ": 1 color, 1 bit per pixel (24.0x fewer" in proc.stdout


def test_compress_output_matches_the_library_call(tmp_path, photo_file):
    out = tmp_path / "out.png"
    assert main(["compress", str(photo_file), "-k", "5", "-o", str(out), "--seed", "3"]) == 0
    expected = lk.compress(lk.load_image(photo_file), 5, seed=3).image
    np.testing.assert_array_equal(np.asarray(Image.open(out).convert("RGB")), expected)


def test_compress_above_256_colors_writes_a_truecolor_png_not_an_error(tmp_path, photo_file,
                                                                       capsys):
    out = tmp_path / "many.png"
    assert main(["compress", str(photo_file), "-k", "300", "-o", str(out)]) == 0
    expected = lk.compress(lk.load_image(photo_file), 300, seed=0)
    assert expected.n_colors > 256
    with Image.open(out) as im:
        assert im.mode == "RGB"
        np.testing.assert_array_equal(np.asarray(im), expected.image)
    assert "error" not in capsys.readouterr().err


@pytest.mark.parametrize("suffix", [".gif", ".bmp", ".tif", ".webp"])
def test_compress_to_a_lossless_format_keeps_the_colors_exactly(tmp_path, photo_file, suffix):
    out = tmp_path / f"out{suffix}"
    assert main(["compress", str(photo_file), "-k", "7", "-o", str(out)]) == 0
    expected = lk.compress(lk.load_image(photo_file), 7, seed=0).image
    with Image.open(out) as im:
        assert im.format == lk.images.SAVE_FORMATS[suffix]
    if suffix != ".webp":  # WebP is written lossy at quality 95
        np.testing.assert_array_equal(lk.load_image(out), expected)


def test_compress_refuses_to_overwrite_unless_asked(tmp_path, photo_file):
    out = tmp_path / "out.png"
    out.write_bytes(b"precious")
    proc = run_cli("compress", photo_file, "-k", 4, "-o", out)
    assert proc.returncode == 1
    assert "already exists" in proc.stderr and "--overwrite" in proc.stderr
    assert out.read_bytes() == b"precious"
    proc = run_cli("compress", photo_file, "-k", 4, "-o", out, "--overwrite")
    assert proc.returncode == 0, proc.stderr
    assert Image.open(out).mode == "P"


def test_compress_never_writes_over_a_sample_photo(tmp_path, tiny_photo, capsys, monkeypatch):
    Image.fromarray(tiny_photo).save(tmp_path / "mine.png")
    monkeypatch.setenv("LABKIT_DATA", str(tmp_path))
    before = (tmp_path / "mine.png").read_bytes()
    code = main(["compress", "mine", "-k", "2", "-o", str(tmp_path / "mine.png"), "--overwrite"])
    assert code == 1 and "is the input" in capsys.readouterr().err
    assert (tmp_path / "mine.png").read_bytes() == before


@pytest.mark.parametrize("content, words", [
    (None, "no such image file"),
    (b"this is not a picture", "not an image"),
])
def test_compress_bad_file_gets_one_clear_line_and_no_traceback(tmp_path, content, words):
    src = tmp_path / "photo.png"
    if content is not None:
        src.write_bytes(content)
    proc = run_cli("compress", src, "-k", 4, "-o", tmp_path / "out.png")
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert words in proc.stderr.lower()


def test_compress_truncated_file_is_reported(tmp_path, photo_file):
    cut = tmp_path / "cut.jpg"
    cut.write_bytes(photo_file.read_bytes()[: photo_file.stat().st_size // 2])
    proc = run_cli("compress", cut, "-k", 4, "-o", tmp_path / "out.png")
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr and "truncated" in proc.stderr.lower()


@pytest.mark.parametrize("k", ["0", "-3", "2.5", "many", "70000"])
def test_compress_bad_k_is_a_usage_error(tmp_path, photo_file, k):
    proc = run_cli("compress", photo_file, "-k", k, "-o", tmp_path / "out.png")
    assert proc.returncode == 2
    assert "-k" in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "out.png").exists()


# --- elbow -----------------------------------------------------------------------------------


def test_elbow_prints_the_curve_and_its_knee_and_saves_the_plot(tmp_path, photo_file, capsys):
    plot = tmp_path / "elbow.png"
    assert main(["elbow", str(photo_file), "--kmax", "6", "--plot", str(plot)]) == 0
    out = capsys.readouterr().out
    expected = lk.find_elbow(lk.elbow(lk.load_image(photo_file), range(1, 7), seed=0))
    assert f"knee: k = {expected}" in out
    assert len([line for line in out.splitlines() if line.strip()[:1].isdigit()]) == 6
    assert Image.open(plot).size[0] > 100


@pytest.mark.parametrize("suffix, magic", [(".pdf", b"%PDF"), (".svg", b"<?xml"),
                                           (".jpg", b"\xff\xd8")])
def test_elbow_plot_is_written_in_the_format_of_its_suffix_under_that_very_name(
        tmp_path, photo_file, suffix, magic):
    plot = tmp_path / f"curve{suffix}"
    assert main(["elbow", str(photo_file), "--kmax", "3", "--plot", str(plot)]) == 0
    assert plot.read_bytes().startswith(magic)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([photo_file.name, plot.name])


def test_elbow_plot_suffixes_are_formats_matplotlib_writes():
    from matplotlib.figure import Figure

    supported = Figure().canvas.get_supported_filetypes()
    assert {s.lstrip(".") for s in PLOT_SUFFIXES} <= set(supported)


def test_elbow_plot_name_without_a_suffix_is_refused_before_anything_is_written(tmp_path,
                                                                               photo_file):
    (tmp_path / "myplot.png").write_bytes(b"an older plot")
    proc = run_cli("elbow", photo_file, "--plot", tmp_path / "myplot")
    assert proc.returncode == 2 and "--plot" in proc.stderr and ".png" in proc.stderr
    assert (tmp_path / "myplot.png").read_bytes() == b"an older plot"
    assert not (tmp_path / "myplot").exists()


# --- colorize --------------------------------------------------------------------------------


def test_colorize_writes_the_image_and_prints_the_metrics(tmp_path, photo_file, capsys):
    out = tmp_path / "colored.png"
    assert main(["colorize", str(photo_file), "--agent", "knn", "-o", str(out),
                 "--k", "4", "--patch", "3"]) == 0
    printed = capsys.readouterr().out
    assert "rmse" in printed.lower()
    colored = np.asarray(Image.open(out).convert("RGB"))
    original = np.asarray(Image.open(photo_file).convert("RGB"))
    assert colored.shape == original.shape
    half = original.shape[1] // 2
    np.testing.assert_array_equal(colored[:, :half], original[:, :half])


def test_colorize_output_matches_the_library_call(tmp_path, photo_file):
    out = tmp_path / "c.png"
    assert main(["colorize", str(photo_file), "-o", str(out), "--k", "4", "--seed", "2",
                 "--preserve-luma"]) == 0
    expected = lk.colorize(lk.load_image(photo_file), "knn", k=4, seed=2, preserve_luma=True)
    np.testing.assert_array_equal(lk.load_image(out), expected.image)


def test_colorize_even_patch_is_a_usage_error(tmp_path, photo_file, capsys):
    code = main(["colorize", str(photo_file), "-o", str(tmp_path / "c.png"), "--patch", "4"])
    assert code == 2
    assert "--patch" in capsys.readouterr().err
    assert not (tmp_path / "c.png").exists()


# --- the program as a whole -------------------------------------------------------------------


def test_help_lists_the_three_commands():
    proc = run_cli("--help")
    assert proc.returncode == 0
    for command in ("compress", "elbow", "colorize"):
        assert command in proc.stdout


@pytest.mark.parametrize("command", [[], ["compress"], ["elbow"], ["colorize"]])
def test_help_documents_exit_statuses_and_the_overwrite_rule(command, capsys):
    assert main([*command, "--help"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    for words in ("exit status", "0 success", "2 a usage error", "130 interrupted",
                  "only with --overwrite", "never written over", "'~' is expanded"):
        assert words in text
    assert " ".join(EPILOG.split()) in text


def test_main_returns_the_usage_status_instead_of_exiting(capsys):
    assert main(["compress"]) == 2
    assert "required" in capsys.readouterr().err


def _imported_after(code: str) -> set[str]:
    script = ("import sys\n" + code
              + "\nprint(' '.join(sorted({m.split('.')[0] for m in sys.modules})))")
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120, check=True)
    return set(proc.stdout.split())


def test_the_command_starts_without_matplotlib_plotly_or_ipywidgets(tmp_path):
    heavy = {"matplotlib", "plotly", "ipywidgets", "IPython"}
    assert not heavy & _imported_after("from labkit.cli import main; main(['--help'])")
    out = tmp_path / "o.png"
    assert not heavy & _imported_after(
        f"from labkit.cli import main; assert main(['compress', 'chelsea', '-k', '2', '-o', "
        f"{str(out)!r}]) == 0")
    assert "matplotlib" in _imported_after(
        f"from labkit.cli import main; assert main(['elbow', 'chelsea', '--kmax', '2', "
        f"'--plot', {str(tmp_path / 'p.png')!r}]) == 0")


def test_help_answers_quickly():
    start = time.perf_counter()
    assert run_cli("--help").returncode == 0
    assert time.perf_counter() - start < 10  # ~0.3 s here; generous for a loaded CI machine


def test_ctrl_c_exits_130_with_one_line_and_no_traceback(tmp_path):
    # Ctrl-C in the middle of long work (an elbow curve up to k = 256 takes many seconds).
    start = time.perf_counter()
    run_cli("--help")
    startup = time.perf_counter() - start
    proc = subprocess.Popen([sys.executable, "-m", "labkit", "elbow", "coffee", "--kmax", "256"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(max(2.0, 3 * startup))  # well past the imports, well before the end
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert err.strip() == "labkit elbow: interrupted" and "Traceback" not in err


def test_a_closed_pipe_on_standard_output_ends_quietly():
    # `labkit elbow photo | head -1`: the reader is gone before labkit prints.
    proc = subprocess.Popen([sys.executable, "-m", "labkit", "elbow", "chelsea", "--kmax", "2"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 1
    assert err == ""
