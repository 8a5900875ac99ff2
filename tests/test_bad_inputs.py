"""Bad inputs, as a careless user makes them: odd files, odd arrays, odd command lines.

Every case runs in its own temporary folder and asserts two things: the exception type (or
the exit status) AND that the message names what was wrong (the argument, or the file).
Command-line cases also assert that no traceback is printed and that nothing the user did
not ask to replace was touched. A full disk (``RLIMIT_FSIZE``) and too little memory
(``RLIMIT_AS``) are simulated in subprocesses.
"""

from __future__ import annotations

import io
import os
import resource
import signal
import struct
import subprocess
import sys
import zlib

import numpy as np
import pandas as pd
import pytest
from PIL import Image

import labkit as lk
from labkit.cli import main

# --- helpers ---------------------------------------------------------------------------------


@pytest.fixture
def rgb():
    """A 40×60 crop of the cat: real colors, fast to compress and colorize."""
    return np.ascontiguousarray(lk.load_image("chelsea")[100:140, 150:210])


@pytest.fixture
def photo(tmp_path, rgb):
    path = tmp_path / "photo.png"
    Image.fromarray(rgb).save(path)
    return path


def _files(folder) -> dict[str, bytes]:
    """Every file under ``folder`` and its bytes: what a command must leave alone."""
    return {str(p.relative_to(folder)): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.is_symlink()}


def cli(capsys, *args) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def run_cli(*args, preexec_fn=None, env=None, cwd=None) -> subprocess.CompletedProcess:
    """``python -m labkit`` in a subprocess, exactly as a user runs it."""
    return subprocess.run([sys.executable, "-m", "labkit", *map(str, args)], check=False,
                          capture_output=True, text=True, timeout=300, preexec_fn=preexec_fn,
                          env=env, cwd=cwd)


def _one_sentence(err: str) -> str:
    lines = [line for line in err.strip().splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


# --- odd files for load_image ----------------------------------------------------------------


def _encoded(rgb, fmt: str) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(rgb).save(buffer, fmt)
    return buffer.getvalue()


BAD_FILES = {
    # name: (file name, how to make its bytes from the photo's pixels, error, words)
    "empty png": ("e.png", lambda rgb: b"", OSError, "not an image file"),
    "empty jpg": ("e.jpg", lambda rgb: b"", OSError, "not an image file"),
    "text named png": ("t.png", lambda rgb: b"hello, I am text\n", OSError, "not an image"),
    "html named jpg": ("t.jpg", lambda rgb: b"<html><body>404</body></html>", OSError,
                       "not an image"),
    "zip named png": ("z.png", lambda rgb: b"PK\x03\x04" + bytes(100), OSError, "not an image"),
    "png signature only": ("s.png", lambda rgb: b"\x89PNG\r\n\x1a\n", OSError, "s.png"),
    "truncated png": ("c.png", lambda rgb: _encoded(rgb, "PNG")[:300], OSError, "truncated"),
    "truncated jpg": ("c.jpg", lambda rgb: _encoded(rgb, "JPEG")[:400], OSError, "truncated"),
    "truncated gif": ("c.gif", lambda rgb: _encoded(rgb, "GIF")[:200], OSError, "c.gif"),
    "truncated bmp": ("c.bmp", lambda rgb: _encoded(rgb, "BMP")[:500], OSError, "truncated"),
    "truncated tif": ("c.tif", lambda rgb: _encoded(rgb, "TIFF")[:500], OSError, "c.tif"),
    "truncated webp": ("c.webp", lambda rgb: _encoded(rgb, "WEBP")[:100], OSError, "c.webp"),
    "png with a bad crc": ("crc.png", lambda rgb: _encoded(rgb, "PNG")[:29] + b"\x00\x00\x00\x00"
                           + _encoded(rgb, "PNG")[33:], OSError, "crc.png"),
    "png of 0x0 pixels": ("zero.png", lambda rgb: b"\x89PNG\r\n\x1a\n" + _png_chunk(
        b"IHDR", struct.pack(">IIBBBBB", 0, 0, 8, 2, 0, 0, 0)) + _png_chunk(b"IEND", b""),
        OSError, "zero.png"),
    "png claiming 9000x9000": ("huge.png", lambda rgb: b"\x89PNG\r\n\x1a\n" + _png_chunk(
        b"IHDR", struct.pack(">IIBBBBB", 9000, 9000, 8, 2, 0, 0, 0)) + _png_chunk(b"IEND", b""),
        ValueError, "max_pixels"),
    "jpeg header only": ("h.jpg", lambda rgb: b"\xff\xd8\xff\xe0" + bytes(20), OSError, "h.jpg"),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_load_odd_file_raises_one_clear_error_naming_the_file(tmp_path, rgb, case):
    name, make, error, words = BAD_FILES[case]
    path = tmp_path / name
    path.write_bytes(make(rgb))
    with pytest.raises(error, match=words) as info:
        lk.load_image(path)
    assert name in str(info.value)
    assert not isinstance(info.value, SyntaxError)


@pytest.mark.parametrize("fmt, suffix", [("PNG", ".jpg"), ("JPEG", ".png"), ("BMP", ".gif"),
                                         ("PNG", ".txt"), ("PNG", "")])
def test_load_wrong_suffix_reads_the_file_by_its_content(tmp_path, rgb, fmt, suffix):
    path = tmp_path / f"mislabelled{suffix}"
    path.write_bytes(_encoded(rgb, fmt))
    img = lk.load_image(path)
    assert img.shape == rgb.shape
    if fmt in ("PNG", "BMP"):
        np.testing.assert_array_equal(img, rgb)


@pytest.mark.parametrize("kind", ["missing", "folder", "broken symlink", "fifo", "device"])
def test_load_what_is_not_an_image_file_is_refused_naming_it(tmp_path, kind):
    path = {"missing": tmp_path / "gone.png", "folder": tmp_path,
            "broken symlink": tmp_path / "link.png", "fifo": tmp_path / "fifo.png",
            "device": "/dev/null"}[kind]
    if kind == "broken symlink":
        path.symlink_to(tmp_path / "gone.png")
    if kind == "fifo":
        os.mkfifo(path)
    error = {"missing": FileNotFoundError, "folder": IsADirectoryError,
             "broken symlink": FileNotFoundError}.get(kind, OSError)
    with pytest.raises(error) as info:
        lk.load_image(path)
    assert os.path.basename(str(path)) in str(info.value)


def test_load_symlink_to_an_image_reads_the_image(tmp_path, photo, rgb):
    link = tmp_path / "link.png"
    link.symlink_to(photo)
    np.testing.assert_array_equal(lk.load_image(link), rgb)


def test_load_trailing_garbage_after_a_png_is_ignored(tmp_path, photo, rgb):
    photo.write_bytes(photo.read_bytes() + b"garbage" * 100)
    np.testing.assert_array_equal(lk.load_image(photo), rgb)


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_load_damaged_exif_never_raises_syntaxerror(tmp_path, rgb, fmt):
    path = tmp_path / f"exif.{fmt.lower()}"
    Image.fromarray(rgb).save(path, fmt, exif=b"Exif\x00\x00not a tiff header", lossless=True)
    with pytest.warns(UserWarning, match="exif"):
        img = lk.load_image(path)
    np.testing.assert_array_equal(img, rgb)


FILE_MODES = {
    "1": ("b.png", lambda rgb: Image.fromarray(rgb[..., 0] > 128)),
    "L": ("l.png", lambda rgb: Image.fromarray(rgb[..., 0])),
    "LA": ("la.png", lambda rgb: Image.fromarray(rgb[..., :2].copy(), "LA")),
    "P": ("p.png", lambda rgb: Image.fromarray(rgb).quantize(16)),
    "P transparent": ("pt.gif", lambda rgb: Image.fromarray(rgb).quantize(16)),
    "RGBA": ("a.png", lambda rgb: Image.fromarray(np.dstack([rgb, rgb[..., 0]]))),
    "I;16": ("i16.png", lambda rgb: Image.fromarray(rgb[..., 0].astype(np.uint16) * 257)),
    "I": ("i32.tif", lambda rgb: Image.fromarray(rgb[..., 0].astype(np.int32))),
    "F": ("f.tif", lambda rgb: Image.fromarray(rgb[..., 0].astype(np.float32) / 255)),
    "CMYK": ("c.jpg", lambda rgb: Image.fromarray(rgb).convert("CMYK")),
    "YCbCr": ("y.tif", lambda rgb: Image.fromarray(rgb).convert("YCbCr")),
}


@pytest.mark.filterwarnings("ignore:.*CMYK")
@pytest.mark.parametrize("mode", sorted(FILE_MODES))
def test_load_file_of_every_mode_gives_writable_rgb_uint8(tmp_path, rgb, mode):
    name, make = FILE_MODES[mode]
    options = {"transparency": 0} if mode == "P transparent" else {}
    make(rgb).save(tmp_path / name, **options)
    img = lk.load_image(tmp_path / name)
    assert img.shape == rgb.shape and img.dtype == np.uint8
    assert img.flags.writeable and img.flags.c_contiguous


@pytest.mark.parametrize("source, error, words", [
    (42, TypeError, "source"), (None, TypeError, "source"), (b"chelsea", TypeError, "source"),
    (["chelsea"], TypeError, "source"), (np.zeros((2, 2, 3), np.uint8), TypeError, "source"),
    ("chelsee", FileNotFoundError, "chelsea"), ("", IsADirectoryError, "folder"),
])
def test_load_bad_source_names_the_argument(source, error, words):
    with pytest.raises(error, match=words):
        lk.load_image(source)


@pytest.mark.parametrize("max_pixels, error", [(0, ValueError), (-1, ValueError),
                                               (1.5, TypeError), ("many", TypeError),
                                               (None, TypeError), (True, TypeError)])
def test_load_bad_max_pixels_names_the_argument(max_pixels, error):
    with pytest.raises(error, match="max_pixels"):
        lk.load_image("chelsea", max_pixels=max_pixels)


# --- odd arrays -------------------------------------------------------------------------------

BAD_IMAGES = {
    "float 0..1": (np.zeros((4, 4, 3)), TypeError),
    "float with NaN": (np.full((4, 4, 3), np.nan), TypeError),
    "bool": (np.zeros((4, 4, 3), bool), TypeError),
    "complex": (np.zeros((4, 4, 3), complex), TypeError),
    "object": (np.zeros((4, 4, 3), object), TypeError),
    "string": ("photo.png", TypeError),
    "None": (None, TypeError),
    "ragged list": ([[[1, 2, 3]], [[1, 2]]], TypeError),
    "gray (H, W)": (np.zeros((4, 4), np.uint8), ValueError),
    "four channels": (np.zeros((4, 4, 4), np.uint8), ValueError),
    "one channel": (np.zeros((4, 4, 1), np.uint8), ValueError),
    "1-D": (np.zeros(12, np.uint8), ValueError),
    "4-D": (np.zeros((1, 4, 4, 3), np.uint8), ValueError),
    "empty": (np.zeros((0, 4, 3), np.uint8), ValueError),
    "int above 255": (np.full((4, 4, 3), 256), ValueError),
    "negative int": (np.full((4, 4, 3), -1), ValueError),
}


@pytest.mark.parametrize("function, case", [
    (function, case) for function in ("to_gray", "compress", "save_image", "colorize")
    for case in sorted(BAD_IMAGES)
    if (function, case) != ("save_image", "gray (H, W)")  # a gray image may be saved
])
def test_bad_image_array_raises_the_same_error_naming_img(tmp_path, case, function):
    img, error = BAD_IMAGES[case]
    call = {"to_gray": lambda: lk.to_gray(img),
            "compress": lambda: lk.compress(img, 4),
            "save_image": lambda: lk.save_image(img, tmp_path / "out.png"),
            "colorize": lambda: lk.colorize(img)}[function]
    with pytest.raises(error, match="img"):
        call()
    assert not (tmp_path / "out.png").exists()


def test_a_list_of_lists_of_integers_is_a_valid_image():
    assert lk.to_gray([[[255, 255, 255], [0, 0, 0]]]).tolist() == [[255, 0]]


@pytest.mark.parametrize("img", [np.zeros(5, np.uint8), np.zeros((3, 1, 3), np.uint8),
                                 np.zeros((2, 2, 2, 3), np.uint8)])
def test_split_halves_refuses_what_it_cannot_split(img):
    with pytest.raises(ValueError, match="img"):
        lk.split_halves(img)


@pytest.mark.parametrize("k, error", [(0, ValueError), (-3, ValueError), (2.5, TypeError),
                                      (True, TypeError), ("8", TypeError), (None, TypeError),
                                      (10**9, ValueError)])
def test_compress_bad_k_names_k(rgb, k, error):
    with pytest.raises(error, match="k"):
        lk.compress(rgb, k)


@pytest.mark.parametrize("seed, error", [(-1, ValueError), (1.5, TypeError), ("0", TypeError),
                                         ([1, 2], TypeError)])
def test_compress_bad_seed_names_seed(rgb, seed, error):
    with pytest.raises(error, match="seed"):
        lk.compress(rgb, 4, seed=seed)


@pytest.mark.parametrize("X, error", [
    (np.array([[np.nan, 0.0]]), ValueError), (np.array([[np.inf, 0.0]]), ValueError),
    (np.zeros((0, 3)), ValueError), (np.zeros(3), ValueError), ("points", TypeError),
    (np.array([["a", "b"]]), TypeError),
])
def test_kmeans_bad_points_name_x(X, error):
    with pytest.raises(error, match="X"):
        lk.kmeans(X, 1)


def test_kmeans_on_huge_finite_values_does_not_overflow_into_a_broadcast_error():
    # Issue 13: 1e300 squared overflows. Scaled, or refused naming X.
    X = np.array([[1e300, 0.0], [-1e300, 0.0], [0.0, 1e300], [0.0, -1e300]])
    try:
        result = lk.kmeans(X, 2, seed=0)
    except ValueError as exc:
        assert "X" in str(exc) and "broadcast" not in str(exc)
    else:
        assert np.isfinite(result.centroids).all()
        assert set(np.unique(result.labels)) <= {0, 1}


@pytest.mark.parametrize("table", [
    {"k": [1, 2.5, 4, 8], "sse": [100.0, 20.0, 15.0, 12.0]},
    {"k": [2, 4, 8, 16], "sse": [100.0, 30.0, 20.0, 15.0]},
    {"k": [10, 1, 5, 3], "sse": [5.0, 100.0, 12.0, 30.0]},
])
def test_find_elbow_returns_a_k_of_the_table_or_refuses_naming_k(table):
    # Issue 13: never int(2.5), a k that is not in the table.
    df = pd.DataFrame(table)
    try:
        knee = lk.find_elbow(df)
    except ValueError as exc:
        assert "k" in str(exc)
    else:
        assert knee in set(df["k"])


def test_colorize_gray_photo_says_there_is_nothing_to_learn(rgb):
    gray = np.repeat(lk.to_gray(rgb)[..., None], 3, axis=2)
    with pytest.raises(ValueError, match="no color"):
        lk.colorize(gray)


@pytest.mark.parametrize("params, error, words", [
    ({"agent": "knnn"}, ValueError, "agent"), ({"agent": 3}, TypeError, "agent"),
    ({"patch": 4}, ValueError, "patch"), ({"patch": 0}, ValueError, "patch"),
    ({"k": 0}, ValueError, "k"), ({"neighbors": 0}, ValueError, "neighbors"),
    ({"colour": 3}, TypeError, "colour"), ({"seed": -1}, ValueError, "seed"),
    ({"border": "white"}, ValueError, "border"), ({"preserve_luma": "yes"}, TypeError,
                                                  "preserve_luma"),
])
def test_colorize_bad_parameter_names_it(rgb, params, error, words):
    with pytest.raises(error, match=words):
        lk.colorize(rgb, **params)


def test_colorize_image_smaller_than_a_patch_says_so(rgb):
    with pytest.raises(ValueError, match="patch"):
        lk.colorize(rgb[:4, :8], patch=5)


class _BadAgent:
    """A custom agent whose predict answers with the given labels (issue 13)."""

    def __init__(self, answer):
        self.k, self.patch, self.answer = 4, 3, answer

    def fit(self, X, y):
        return self

    def predict(self, X):
        return self.answer(len(X))


@pytest.mark.parametrize("answer, error", [
    pytest.param(lambda n: np.full(n, 99), ValueError, id="labels above k"),
    pytest.param(lambda n: np.full(n, -1), ValueError, id="negative labels"),
    pytest.param(lambda n: np.zeros(n - 1, dtype=int), ValueError, id="one label short"),
    pytest.param(lambda n: np.zeros((n, 2), dtype=int), ValueError, id="2-D labels"),
    pytest.param(lambda n: np.zeros(n) + 0.5, TypeError, id="float labels"),
])
def test_colorize_checks_a_custom_agents_predictions(rgb, answer, error):
    with pytest.raises(error, match="agent|predict"):
        lk.colorize(rgb, agent=_BadAgent(answer))


@pytest.mark.filterwarnings("ignore:.*distinct colors")
def test_neural_agent_with_more_colors_than_the_left_half_has_does_not_crash():
    # Issue 13: 3 distinct colors on the left, k = 8, a weak network.
    img = np.zeros((24, 24, 3), dtype=np.uint8)
    img[:, :12] = [[200, 30, 30]]
    img[::2, :12] = [[30, 200, 30]]
    img[::3, :12] = [[30, 30, 200]]
    img[:, 12:] = [[90, 90, 90]]
    result = lk.colorize(img, agent="neural", k=8, epochs=1, seed=0)
    assert result.right.shape == (24, 12, 3)


@pytest.mark.parametrize("call, words", [
    pytest.param(lambda img: lk.widgets.knn_explorer(img, patches=[]), "patches",
                 id="knn_explorer no patches"),
    pytest.param(lambda img: lk.widgets.elbow_explorer(img, ks=[]), "ks",
                 id="elbow_explorer no ks"),
    pytest.param(lambda img: lk.widgets.training_explorer(img, optimizer="adma"), "optimizer",
                 id="training_explorer misspelled optimizer"),
])
def test_explorers_refuse_bad_arguments_at_the_door(rgb, call, words):
    # Issue 13: a clear ValueError, not IndexError or "training diverged".
    with pytest.raises(ValueError, match=words):
        call(rgb)


@pytest.mark.parametrize("img, error", [(np.zeros((4, 4, 3)), TypeError),
                                        (np.zeros((4, 4, 2), np.uint8), ValueError),
                                        (np.zeros((4,), np.uint8), ValueError)])
def test_save_image_bad_array_writes_nothing(tmp_path, img, error):
    with pytest.raises(error, match="img"):
        lk.save_image(img, tmp_path / "out.png")
    assert _files(tmp_path) == {}


@pytest.mark.parametrize("name, error, words", [
    ("out.xyz", ValueError, r"\.png"), ("out", ValueError, r"\.png"),
    ("no/such/out.png", FileNotFoundError, "does not exist"),
    (".", ValueError, "must name a file"),
])
def test_save_image_bad_path_writes_nothing(tmp_path, rgb, name, error, words):
    with pytest.raises(error, match=words):
        lk.save_image(rgb, tmp_path / name if name != "." else name)
    assert _files(tmp_path) == {}


def test_compressed_save_refuses_to_write_over_its_input_and_a_missing_folder(tmp_path, photo):
    # Issue 13: Compressed.save goes through labkit._files.write_atomically.
    q = lk.compress(lk.load_image(photo), 4, seed=0)
    before = _files(tmp_path)
    with pytest.raises(ValueError, match="input"):
        q.save(photo, overwrite=True, inputs=[photo])
    with pytest.raises(FileNotFoundError, match="does not exist"):
        q.save(tmp_path / "missing" / "q.png")
    assert _files(tmp_path) == before


# --- odd command lines: usage errors exit 2 ---------------------------------------------------

USAGE_ERRORS = {
    "no command": ([], "COMMAND"),
    "unknown command": (["shrink", "chelsea"], "shrink"),
    "compress without -k": (["compress", "chelsea", "-o", "o.png"], "-k"),
    "compress without -o": (["compress", "chelsea", "-k", "4"], "-o"),
    "compress without image": (["compress", "-k", "4", "-o", "o.png"], "image"),
    "compress k 0": (["compress", "chelsea", "-k", "0", "-o", "o.png"], "-k"),
    "compress k -3": (["compress", "chelsea", "-k", "-3", "-o", "o.png"], "-k"),
    "compress k 2.5": (["compress", "chelsea", "-k", "2.5", "-o", "o.png"], "-k"),
    "compress k many": (["compress", "chelsea", "-k", "many", "-o", "o.png"], "-k"),
    "compress k empty": (["compress", "chelsea", "-k", "", "-o", "o.png"], "-k"),
    "compress k 70000": (["compress", "chelsea", "-k", "70000", "-o", "o.png"], "-k"),
    "compress k 1e3": (["compress", "chelsea", "-k", "1e3", "-o", "o.png"], "-k"),
    "compress k 300 gif": (["compress", "chelsea", "-k", "300", "-o", "o.gif"], "-k"),
    "compress seed -1": (["compress", "chelsea", "-k", "4", "-o", "o.png", "--seed", "-1"],
                         "--seed"),
    "compress seed 1.5": (["compress", "chelsea", "-k", "4", "-o", "o.png", "--seed", "1.5"],
                          "--seed"),
    "compress seed x": (["compress", "chelsea", "-k", "4", "-o", "o.png", "--seed", "x"],
                        "--seed"),
    "compress suffix xyz": (["compress", "chelsea", "-k", "4", "-o", "o.xyz"], "-o"),
    "compress no suffix": (["compress", "chelsea", "-k", "4", "-o", "out"], "-o"),
    "compress suffix pdf": (["compress", "chelsea", "-k", "4", "-o", "o.pdf"], "-o"),
    "compress empty output": (["compress", "chelsea", "-k", "4", "-o", ""], "-o"),
    "compress unknown option": (["compress", "chelsea", "-k", "4", "-o", "o.png", "--fast"],
                                "--fast"),
    "elbow kmax 0": (["elbow", "chelsea", "--kmax", "0"], "--kmax"),
    "elbow kmax 300": (["elbow", "chelsea", "--kmax", "300"], "--kmax"),
    "elbow kmax x": (["elbow", "chelsea", "--kmax", "x"], "--kmax"),
    "elbow plot without suffix": (["elbow", "chelsea", "--plot", "myplot"], "--plot"),
    "elbow plot suffix gif": (["elbow", "chelsea", "--plot", "p.gif"], "--plot"),
    "elbow seed -5": (["elbow", "chelsea", "--seed", "-5"], "--seed"),
    "colorize agent foo": (["colorize", "chelsea", "--agent", "foo", "-o", "c.png"], "--agent"),
    "colorize patch 4": (["colorize", "chelsea", "--patch", "4", "-o", "c.png"], "--patch"),
    "colorize patch 0": (["colorize", "chelsea", "--patch", "0", "-o", "c.png"], "--patch"),
    "colorize patch 17": (["colorize", "chelsea", "--patch", "17", "-o", "c.png"], "--patch"),
    "colorize k 0": (["colorize", "chelsea", "--k", "0", "-o", "c.png"], "--k"),
    "colorize k 300": (["colorize", "chelsea", "--k", "300", "-o", "c.png"], "--k"),
    "colorize neural k 1": (["colorize", "chelsea", "--agent", "neural", "--k", "1", "-o",
                             "c.png"], "--k"),
    "colorize without -o": (["colorize", "chelsea"], "-o"),
    "colorize suffix txt": (["colorize", "chelsea", "-o", "c.txt"], "-o"),
    "colorize seed abc": (["colorize", "chelsea", "-o", "c.png", "--seed", "abc"], "--seed"),
}


@pytest.mark.parametrize("case", sorted(USAGE_ERRORS))
def test_usage_error_exits_2_naming_the_argument_and_computes_nothing(tmp_path, capsys,
                                                                      monkeypatch, case):
    monkeypatch.chdir(tmp_path)
    args, words = USAGE_ERRORS[case]
    code, out, err = cli(capsys, *args)
    assert code == 2
    assert words in err and "error:" in err
    assert out == "" and _files(tmp_path) == {}


# --- odd command lines: files, exit 1 ---------------------------------------------------------

COMMANDS = {
    "compress": ["compress", "{input}", "-k", "4", "-o", "{output}"],
    "colorize": ["colorize", "{input}", "--k", "4", "-o", "{output}"],
    "elbow": ["elbow", "{input}", "--kmax", "3", "--plot", "{output}"],
}


def _command(command: str, input, output, *extra) -> list[str]:
    return [a.format(input=input, output=output) for a in COMMANDS[command]] + list(extra)


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize("spelling", ["same", "dot", "dotdot", "symlink", "hard link"])
def test_output_that_is_the_input_is_refused_even_with_overwrite(tmp_path, capsys, photo,
                                                                 command, spelling):
    (tmp_path / "sub").mkdir()
    output = {"same": photo, "dot": tmp_path / "." / photo.name,
              "dotdot": tmp_path / "sub" / ".." / photo.name,
              "symlink": tmp_path / "link.png", "hard link": tmp_path / "hard.png"}[spelling]
    if spelling == "symlink":
        output.symlink_to(photo)
    if spelling == "hard link":
        os.link(photo, output)
    before = _files(tmp_path)
    code, out, err = cli(capsys, *_command(command, photo, output, "--overwrite"))
    assert code == 1
    assert "is the input" in _one_sentence(err) and "--" in err
    assert _files(tmp_path) == before


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_existing_output_without_overwrite_is_kept(tmp_path, capsys, photo, command):
    out_file = tmp_path / "out.png"
    out_file.write_bytes(b"precious")
    code, out, err = cli(capsys, *_command(command, photo, out_file))
    assert code == 1
    assert "already exists" in _one_sentence(err) and "--overwrite" in err
    assert out_file.read_bytes() == b"precious"


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_folder_as_output_gets_its_own_message(tmp_path, capsys, photo, command):
    folder = tmp_path / "results.png"
    folder.mkdir()
    code, out, err = cli(capsys, *_command(command, photo, folder, "--overwrite"))
    assert code == 1
    assert "is a folder" in _one_sentence(err) and "already exists" not in err
    assert _files(tmp_path) == {"photo.png": photo.read_bytes()}


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_missing_output_folder_is_reported_before_the_work(tmp_path, capsys, photo, command):
    code, out, err = cli(capsys, *_command(command, photo, tmp_path / "no" / "out.png"))
    assert code == 1
    assert "does not exist" in _one_sentence(err) and str(tmp_path / "no") in err
    assert out == ""  # nothing computed, nothing printed


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize("content, words", [
    (None, "no such image file"), (b"", "not an image"), (b"plain text", "not an image"),
    ("folder", "is a folder"), ("truncated", "truncated"),
])
def test_bad_input_file_is_one_sentence_exit_1(tmp_path, capsys, photo, command, content,
                                               words):
    source = tmp_path / "in.png"
    if content == "folder":
        source.mkdir()
    elif content == "truncated":
        source.write_bytes(photo.read_bytes()[:200])
    elif content is not None:
        source.write_bytes(content)
    code, out, err = cli(capsys, *_command(command, source, tmp_path / "out.png"))
    assert code == 1
    line = _one_sentence(err)
    assert words in line.lower() and "in.png" in line
    assert not (tmp_path / "out.png").exists()


def test_unknown_sample_name_lists_the_samples(tmp_path, capsys):
    code, out, err = cli(capsys, "compress", "chelsee", "-k", "4", "-o", tmp_path / "o.png")
    assert code == 1
    assert "chelsee" in _one_sentence(err) and "'chelsea'" in err


def test_colorize_a_gray_photo_is_one_sentence(tmp_path, capsys, rgb):
    gray = tmp_path / "gray.png"
    Image.fromarray(lk.to_gray(rgb)).save(gray)
    code, out, err = cli(capsys, "colorize", gray, "-o", tmp_path / "c.png")
    assert code == 1 and "no color" in _one_sentence(err)


def test_colorize_an_image_smaller_than_the_patch_is_one_sentence(tmp_path, capsys, rgb):
    small = tmp_path / "small.png"
    Image.fromarray(rgb[:4, :8]).save(small)
    code, out, err = cli(capsys, "colorize", small, "--patch", "5", "-o", tmp_path / "c.png")
    assert code == 1 and "patch" in _one_sentence(err)


def test_input_with_a_damaged_exif_block_warns_in_one_line_and_works(tmp_path, capsys, rgb):
    source = tmp_path / "exif.png"
    Image.fromarray(rgb).save(source, exif=b"Exif\x00\x00garbage!")
    code, out, err = cli(capsys, "compress", source, "-k", "4", "-o", tmp_path / "o.png")
    assert code == 0
    assert _one_sentence(err).startswith("labkit compress: warning:") and "EXIF" in err


def test_home_folder_is_expanded_in_input_and_output(tmp_path, capsys, photo, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    code, out, err = cli(capsys, "compress", "~/photo.png", "-k", "3", "-o", "~/small.png")
    assert code == 0, err
    assert (tmp_path / "small.png").is_file() and "~" not in out


# --- subprocesses: the real program, a full disk, too little memory, Ctrl-C --------------------


@pytest.mark.parametrize("args, status", [
    (["compress", "chelsea", "-k", "0", "-o", "o.png"], 2),
    (["compress", "chelsea", "-k", "70000", "-o", "o.png"], 2),
    (["compress", "nope.png", "-k", "4", "-o", "o.png"], 1),
    (["elbow", "chelsea", "--plot", "myplot"], 2),
    (["colorize", "chelsea", "--patch", "4", "-o", "c.png"], 2),
])
def test_the_installed_command_answers_in_one_sentence(tmp_path, args, status):
    proc = run_cli(*args, cwd=tmp_path)
    assert proc.returncode == status
    assert "Traceback" not in proc.stderr and "error:" in proc.stderr
    assert _files(tmp_path) == {}


def _file_size_limit(limit: int):
    def apply():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # fail with EFBIG instead of dying
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_full_disk_keeps_the_old_output_and_leaves_no_partial_file(tmp_path, command):
    source = tmp_path / "cat.png"
    Image.fromarray(lk.load_image("chelsea")[:150, :200]).save(source)
    old = tmp_path / ("old.pdf" if command == "elbow" else "old.png")
    old.write_bytes(b"the previous result")
    before = _files(tmp_path)
    proc = run_cli(*_command(command, source, old, "--overwrite"),  # needs more than 2 KB
                   preexec_fn=_file_size_limit(2_000))
    assert proc.returncode == 1, proc.stderr
    line = _one_sentence(proc.stderr)
    assert "could not write" in line and old.name in line and "unchanged" in line
    assert _files(tmp_path) == before  # the old file intact, no partial file beside it


@pytest.fixture(scope="module")
def huge_photo(tmp_path_factory):
    """49 million pixels (under MAX_PIXELS): a small file that needs ~150 MB per copy."""
    path = tmp_path_factory.mktemp("huge") / "huge.png"
    Image.new("RGB", (7000, 7000), (120, 30, 60)).save(path, compress_level=1)
    return path


def test_too_little_memory_is_one_sentence_exit_1(tmp_path, huge_photo):
    limit = 500 * 2**20  # the interpreter and its libraries need ~220 MB; the image 340 MB

    def apply():
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    proc = run_cli("compress", huge_photo, "-k", "4", "-o", tmp_path / "out.png",
                   preexec_fn=apply, env=env)
    assert proc.returncode == 1, proc.stderr
    line = _one_sentence(proc.stderr)
    assert "not enough memory" in line and "huge.png" in line
    assert _files(tmp_path) == {}
