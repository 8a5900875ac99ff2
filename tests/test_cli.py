"""The command line end to end, in a temporary folder, as a user would call it."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from labkit.cli import main


def run_cli(*args, cwd=None):
    """Run ``python -m labkit`` in a subprocess, as a user would."""
    return subprocess.run([sys.executable, "-m", "labkit", *map(str, args)], check=False,
                          cwd=cwd, capture_output=True, text=True, timeout=120)


@pytest.fixture
def photo_file(tmp_path, tiny_photo):
    path = tmp_path / "photo.jpg"
    Image.fromarray(np.repeat(np.repeat(tiny_photo, 2, 0), 2, 1)).save(path, quality=95)
    return path


def test_compress_writes_an_indexed_png_with_at_most_k_colors(tmp_path, photo_file):
    out = tmp_path / "out.png"
    proc = run_cli("compress", photo_file, "-k", 6, "-o", out, "--seed", 1)
    assert proc.returncode == 0, proc.stderr
    with Image.open(out) as im:
        assert im.mode == "P"
        assert len(im.getcolors()) <= 6
        assert im.size == Image.open(photo_file).size
    assert "MSE" in proc.stdout


def test_compress_output_matches_the_library_call(tmp_path, photo_file):
    from labkit.compress import compress
    from labkit.images import load_image

    out = tmp_path / "out.png"
    assert main(["compress", str(photo_file), "-k", "5", "-o", str(out), "--seed", "3"]) == 0
    expected = compress(load_image(photo_file), 5, seed=3).image
    np.testing.assert_array_equal(np.asarray(Image.open(out).convert("RGB")), expected)


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


@pytest.mark.parametrize("k", ["0", "-3", "2.5", "many"])
def test_compress_bad_k_is_a_usage_error(tmp_path, photo_file, k):
    proc = run_cli("compress", photo_file, "-k", k, "-o", tmp_path / "out.png")
    assert proc.returncode == 2
    assert "-k" in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "out.png").exists()


def test_help_lists_the_three_commands():
    proc = run_cli("--help")
    assert proc.returncode == 0
    for command in ("compress", "elbow", "colorize"):
        assert command in proc.stdout


def test_elbow_prints_the_curve_and_its_knee_and_saves_the_plot(tmp_path, photo_file, capsys):
    from labkit.compress import elbow, find_elbow
    from labkit.images import load_image

    plot = tmp_path / "elbow.png"
    assert main(["elbow", str(photo_file), "--kmax", "6", "--plot", str(plot)]) == 0
    out = capsys.readouterr().out
    expected = find_elbow(elbow(load_image(photo_file), range(1, 7), seed=0))
    assert f"knee: k = {expected}" in out
    assert len([line for line in out.splitlines() if line.strip()[:1].isdigit()]) == 6
    assert Image.open(plot).size[0] > 100


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


def test_colorize_even_patch_is_reported_clearly(tmp_path, photo_file, capsys):
    code = main(["colorize", str(photo_file), "-o", str(tmp_path / "c.png"), "--patch", "4"])
    assert code == 1
    assert "patch" in capsys.readouterr().err
