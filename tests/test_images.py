"""Tests for labkit.images: gray, halves, loading any image file, saving.

References are Pillow itself (``ImageOps.grayscale``, ``convert("RGB")``), NumPy
(palette look-ups, ``np.rot90``, a channel permutation predicted by hand for a color
profile with permuted primaries) and formulas computed here in floating point.
"""

from __future__ import annotations

import os
import struct
import warnings
import zlib

import numpy as np
import pytest
from PIL import Image, ImageCms, ImageFile, ImageOps

from labkit.images import (
    MAX_PIXELS,
    SAVE_FORMATS,
    as_gray_image,
    as_rgb_image,
    load_image,
    save_image,
    split_halves,
    to_gray,
)

SAMPLES = ["astronaut", "chelsea", "coffee", "rocket"]


@pytest.fixture(autouse=True)
def _default_data_folder(monkeypatch):
    monkeypatch.delenv("LABKIT_DATA", raising=False)


@pytest.fixture
def rgb():
    """A small noisy RGB image (12 x 10), different in every pixel and channel."""
    return np.random.default_rng(0).integers(0, 256, size=(12, 10, 3), dtype=np.uint8)


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _png16_rgb_bytes(values: np.ndarray) -> bytes:
    """Encode an (H, W, 3) uint16 array as a 16-bit RGB PNG, by hand (Pillow cannot)."""
    h, w, _ = values.shape
    header = struct.pack(">IIBBBBB", w, h, 16, 2, 0, 0, 0)  # bit depth 16, color type RGB
    rows = b"".join(b"\x00" + values[y].astype(">u2").tobytes() for y in range(h))
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(rows))
        + _png_chunk(b"IEND", b"")
    )


def _mode(path) -> str:
    with Image.open(path) as im:
        return im.mode


def _white_composite(rgb: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """Float reference: color over white, rounded to nearest."""
    a = alpha.astype(np.float64)[..., None] / 255.0
    out = rgb.astype(np.float64) * a + 255.0 * (1.0 - a)
    return np.round(out).astype(np.uint8)


# --- to_gray ---------------------------------------------------------------------------


def test_to_gray_equals_pillow_grayscale_on_100k_random_colors():
    colors = np.random.default_rng(1).integers(0, 256, size=(1, 100_000, 3), dtype=np.uint8)
    expected = np.asarray(ImageOps.grayscale(Image.fromarray(colors)))
    np.testing.assert_array_equal(to_gray(colors), expected)


def test_to_gray_equals_pillow_grayscale_on_a_photo():
    img = load_image("chelsea")
    expected = np.asarray(ImageOps.grayscale(Image.fromarray(img)))
    gray = to_gray(img)
    assert gray.shape == img.shape[:2] and gray.dtype == np.uint8
    np.testing.assert_array_equal(gray, expected)


# --- split_halves ----------------------------------------------------------------------


@pytest.mark.parametrize(("width", "left_w", "right_w"), [(10, 5, 5), (11, 5, 6), (2, 1, 1)])
def test_split_halves_cuts_at_w_over_2_for_color_and_gray(width, left_w, right_w):
    color = np.zeros((4, width, 3), dtype=np.uint8)
    left, right = split_halves(color)
    assert left.shape == (4, left_w, 3) and right.shape == (4, right_w, 3)
    left, right = split_halves(color[..., 0])
    assert left.shape == (4, left_w) and right.shape == (4, right_w)


def test_split_halves_returns_views_of_the_image(rgb):
    left, right = split_halves(rgb)
    assert np.shares_memory(left, rgb) and np.shares_memory(right, rgb)
    np.testing.assert_array_equal(np.concatenate([left, right], axis=1), rgb)
    right[0, 0] = 7
    assert (rgb[0, rgb.shape[1] // 2] == 7).all()


def test_split_halves_refuses_a_one_pixel_wide_image():
    with pytest.raises(ValueError, match="2 pixels wide"):
        split_halves(np.zeros((3, 1, 3), dtype=np.uint8))


# --- load_image: modes -----------------------------------------------------------------


def test_load_rgb_png_is_lossless(tmp_path, rgb):
    Image.fromarray(rgb).save(tmp_path / "a.png")
    img = load_image(tmp_path / "a.png")
    assert img.dtype == np.uint8 and img.flags.c_contiguous
    np.testing.assert_array_equal(img, rgb)


def test_load_accepts_str_path(tmp_path, rgb):
    Image.fromarray(rgb).save(tmp_path / "a.png")
    np.testing.assert_array_equal(load_image(str(tmp_path / "a.png")), rgb)


def test_load_rgba_composites_on_white(tmp_path, rgb):
    alpha = np.random.default_rng(2).integers(0, 256, size=rgb.shape[:2], dtype=np.uint8)
    alpha[0, :] = 0  # fully transparent row → white
    alpha[1, :] = 255  # fully opaque row → unchanged
    Image.fromarray(np.dstack([rgb, alpha])).save(tmp_path / "a.png")
    img = load_image(tmp_path / "a.png")
    assert (img[0] == 255).all()
    np.testing.assert_array_equal(img[1], rgb[1])
    np.testing.assert_array_equal(img, _white_composite(rgb, alpha))


def test_load_la_composites_gray_on_white(tmp_path):
    rng = np.random.default_rng(3)
    gray = rng.integers(0, 256, size=(6, 7), dtype=np.uint8)
    alpha = rng.integers(0, 256, size=(6, 7), dtype=np.uint8)
    alpha[0, 0], alpha[0, 1] = 0, 255
    Image.frombytes("LA", (7, 6), np.dstack([gray, alpha]).tobytes()).save(tmp_path / "a.png")
    img = load_image(tmp_path / "a.png")
    expected = _white_composite(np.repeat(gray[..., None], 3, axis=2), alpha)
    np.testing.assert_array_equal(img, expected)
    assert (img[0, 0] == 255).all() and (img[0, 1] == gray[0, 1]).all()


def _palette_image(indices: np.ndarray, palette: np.ndarray) -> Image.Image:
    im = Image.frombytes("P", (indices.shape[1], indices.shape[0]), indices.astype(np.uint8))
    im.putpalette(palette.astype(np.uint8).ravel().tolist())
    return im


def test_load_palette_png_looks_up_the_palette(tmp_path):
    rng = np.random.default_rng(4)
    palette = rng.integers(0, 256, size=(16, 3), dtype=np.uint8)
    indices = rng.integers(0, 16, size=(5, 9))
    _palette_image(indices, palette).save(tmp_path / "p.png")
    assert _mode(tmp_path / "p.png") == "P"
    np.testing.assert_array_equal(load_image(tmp_path / "p.png"), palette[indices])


def test_load_palette_png_with_transparent_index_gives_white(tmp_path):
    rng = np.random.default_rng(5)
    palette = rng.integers(0, 200, size=(8, 3), dtype=np.uint8)
    indices = rng.integers(0, 8, size=(5, 9))
    indices[0, 0] = 3
    _palette_image(indices, palette).save(tmp_path / "p.png", transparency=3)
    img = load_image(tmp_path / "p.png")
    expected = palette[indices]
    expected[indices == 3] = 255
    np.testing.assert_array_equal(img, expected)


def test_load_gif_with_transparency_gives_white(tmp_path):
    palette = np.array([[10, 20, 30], [200, 100, 50]], dtype=np.uint8)
    indices = np.array([[0, 1, 1], [1, 0, 1]])
    _palette_image(indices, palette).save(tmp_path / "p.gif", transparency=0)
    img = load_image(tmp_path / "p.gif")
    expected = palette[indices]
    expected[indices == 0] = 255
    np.testing.assert_array_equal(img, expected)


def test_load_gray_l_repeats_gray_in_three_channels(tmp_path, rgb):
    gray = rgb[..., 0]
    Image.fromarray(gray).save(tmp_path / "g.png")
    np.testing.assert_array_equal(load_image(tmp_path / "g.png"), np.dstack([gray] * 3))


def test_load_gray_with_transparent_value_gives_white(tmp_path):
    gray = np.array([[0, 17, 100], [17, 250, 3]], dtype=np.uint8)
    Image.fromarray(gray).save(tmp_path / "g.png", transparency=17)
    img = load_image(tmp_path / "g.png")
    expected = np.dstack([gray] * 3)
    expected[gray == 17] = 255
    np.testing.assert_array_equal(img, expected)


def test_load_one_bit_image_gives_black_and_white(tmp_path):
    bits = np.random.default_rng(6).random((7, 13)) > 0.5
    Image.fromarray(bits).save(tmp_path / "b.png")
    assert _mode(tmp_path / "b.png") == "1"
    expected = np.where(bits, 255, 0).astype(np.uint8)
    np.testing.assert_array_equal(load_image(tmp_path / "b.png"), np.dstack([expected] * 3))


def test_load_16_bit_gray_png_scales_to_8_bits_by_high_byte(tmp_path):
    values = np.random.default_rng(7).integers(0, 65536, size=(6, 11), dtype=np.uint16)
    values[0, :4] = [0, 255, 256, 65535]
    Image.fromarray(values).save(tmp_path / "g16.png")
    assert _mode(tmp_path / "g16.png").startswith("I")
    img = load_image(tmp_path / "g16.png")
    expected = np.floor(values / 256.0).astype(np.uint8)  # independent of the >> 8 code
    np.testing.assert_array_equal(img, np.dstack([expected] * 3))
    np.testing.assert_array_equal(img[0, :4, 0], [0, 0, 1, 255])


def test_load_16_bit_gray_maps_257_times_v_back_to_v(tmp_path):
    v = np.arange(256, dtype=np.uint16).reshape(16, 16)
    Image.fromarray(v * 257).save(tmp_path / "g16.png")
    np.testing.assert_array_equal(load_image(tmp_path / "g16.png")[..., 1], v)


def test_load_big_endian_16_bit_image_keeps_the_high_byte():
    values = np.array([[0, 300, 40000, 65535]], dtype=np.uint16)
    big = Image.frombytes("I;16B", (4, 1), values.astype(">u2").tobytes())
    expected = np.array([[0, 1, 156, 255]], dtype=np.uint8)
    np.testing.assert_array_equal(load_image(big)[..., 0], expected)


def test_load_mode_i_within_0_255_keeps_the_values():
    values = np.array([[0, 1, 128, 254, 255]], dtype=np.int32)
    im = Image.fromarray(values)
    assert im.mode == "I"
    np.testing.assert_array_equal(load_image(im), np.dstack([values.astype(np.uint8)] * 3))


def test_load_mode_i_within_0_65535_is_read_as_16_bit():
    values = np.array([[0, 300, 40000, 65535]], dtype=np.int32)
    np.testing.assert_array_equal(load_image(Image.fromarray(values))[..., 2], [[0, 1, 156, 255]])


def test_load_mode_i_of_another_range_is_stretched_with_a_warning():
    values = np.array([[-5, 0, 69995, 70000]], dtype=np.int32)
    with pytest.warns(UserWarning, match="stretched"):
        img = load_image(Image.fromarray(values))
    expected = np.round((values + 5) / 70005 * 255)  # min → 0, max → 255, linear between
    np.testing.assert_array_equal(img[..., 0], expected)


def test_load_float_image_in_0_1_is_scaled_to_0_255(tmp_path):
    values = np.linspace(0, 1, 24, dtype=np.float32).reshape(4, 6)
    Image.fromarray(values).save(tmp_path / "f.tif")
    assert _mode(tmp_path / "f.tif") == "F"
    img = load_image(tmp_path / "f.tif")
    np.testing.assert_array_equal(img[..., 1], np.round(values.astype(np.float64) * 255))
    assert img[0, 0, 0] == 0 and img[-1, -1, 0] == 255


def test_load_float_image_in_0_255_is_rounded():
    values = np.array([[0.0, 1.5, 2.4, 254.6, 255.0]], dtype=np.float32)
    np.testing.assert_array_equal(load_image(Image.fromarray(values))[..., 0],
                                  [[0, 2, 2, 255, 255]])


def test_load_float_image_of_another_range_is_stretched_with_a_warning():
    values = np.array([[-1.0, 0.0, 1.0]], dtype=np.float32)
    with pytest.warns(UserWarning, match="-1..1"):
        img = load_image(Image.fromarray(values))
    np.testing.assert_array_equal(img[..., 2], [[0, 128, 255]])


def test_load_float_image_with_nan_is_refused():
    values = np.array([[0.0, np.nan]], dtype=np.float32)
    with pytest.raises(ValueError, match="NaN"):
        load_image(Image.fromarray(values))


def test_load_16_bit_rgb_png_keeps_the_high_byte(tmp_path):
    values = np.random.default_rng(8).integers(0, 65536, size=(5, 6, 3), dtype=np.uint16)
    (tmp_path / "rgb16.png").write_bytes(_png16_rgb_bytes(values))
    np.testing.assert_array_equal(load_image(tmp_path / "rgb16.png"), values // 256)


@pytest.mark.parametrize("suffix", [".jpg", ".tif"])
def test_load_cmyk_matches_pillow_convert_rgb(tmp_path, suffix):
    cmyk = np.random.default_rng(9).integers(0, 256, size=(8, 9, 4), dtype=np.uint8)
    Image.frombytes("CMYK", (9, 8), cmyk.tobytes()).save(tmp_path / f"c{suffix}")
    with Image.open(tmp_path / f"c{suffix}") as im:
        assert im.mode == "CMYK" and "icc_profile" not in im.info
        expected = np.asarray(im.convert("RGB"))
    with pytest.warns(UserWarning, match="CMYK image without a color profile"):
        img = load_image(tmp_path / f"c{suffix}")
    np.testing.assert_array_equal(img, expected)


@pytest.mark.parametrize(("orientation", "turns"), [(6, -1), (8, 1), (3, 2), (1, 0)])
def test_load_applies_exif_orientation(tmp_path, rgb, orientation, turns):
    exif = Image.Exif()
    exif[0x0112] = orientation  # Orientation: 6 = turn 90° clockwise, 8 = counter-clockwise
    Image.fromarray(rgb).save(tmp_path / "o.png", exif=exif)
    img = load_image(tmp_path / "o.png")
    np.testing.assert_array_equal(img, np.rot90(rgb, k=turns))  # k < 0: clockwise


def test_load_accepts_a_pil_image_and_leaves_it_unchanged(rgb):
    im = Image.fromarray(np.dstack([rgb, np.zeros(rgb.shape[:2], np.uint8)]))
    img = load_image(im)
    assert (img == 255).all() and img.shape == rgb.shape
    assert im.mode == "RGBA"


# --- load_image: errors ----------------------------------------------------------------


def test_load_missing_file_names_the_path(tmp_path):
    missing = tmp_path / "nope.png"
    with pytest.raises(FileNotFoundError, match="nope.png"):
        load_image(missing)


def test_load_unknown_bare_name_lists_the_samples():
    with pytest.raises(FileNotFoundError, match="'chelsea'") as info:
        load_image("chelsee")
    assert "chelsee" in str(info.value) and all(n in str(info.value) for n in SAMPLES)


def test_load_folder_is_refused(tmp_path):
    with pytest.raises(IsADirectoryError, match="folder"):
        load_image(tmp_path)


def test_load_text_file_named_png_is_not_an_image(tmp_path):
    (tmp_path / "fake.png").write_text("hello, I am not a PNG")
    with pytest.raises(OSError, match="is not an image file Pillow can read"):
        load_image(tmp_path / "fake.png")


@pytest.mark.parametrize("suffix", [".png", ".jpg"])
def test_load_truncated_file_raises_oserror(tmp_path, suffix):
    noise = np.random.default_rng(10).integers(0, 256, size=(64, 64, 3), dtype=np.uint8)
    Image.fromarray(noise).save(tmp_path / f"full{suffix}")
    data = (tmp_path / f"full{suffix}").read_bytes()
    (tmp_path / f"half{suffix}").write_bytes(data[: len(data) // 2])
    with pytest.raises(OSError, match="truncated or damaged"):
        load_image(tmp_path / f"half{suffix}")
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


def test_load_truncated_pil_image_raises_oserror(tmp_path):
    noise = np.random.default_rng(11).integers(0, 256, size=(64, 64, 3), dtype=np.uint8)
    Image.fromarray(noise).save(tmp_path / "full.jpg")
    data = (tmp_path / "full.jpg").read_bytes()
    (tmp_path / "half.jpg").write_bytes(data[: len(data) // 2])
    with Image.open(tmp_path / "half.jpg") as im, pytest.raises(OSError, match="truncated"):
        load_image(im)


def test_load_refuses_more_than_max_pixels(tmp_path, rgb):
    Image.fromarray(rgb).save(tmp_path / "a.png")  # 12 x 10 = 120 pixels
    assert load_image(tmp_path / "a.png", max_pixels=120).shape == rgb.shape
    with pytest.raises(ValueError, match="max_pixels"):
        load_image(tmp_path / "a.png", max_pixels=119)
    with pytest.raises(ValueError, match="max_pixels"):
        load_image(Image.fromarray(rgb), max_pixels=119)


def test_load_checks_size_from_header_before_decoding(tmp_path):
    # A PNG whose header claims 9,000 x 9,000 pixels (over MAX_PIXELS, under Pillow's own
    # limit) but holds no pixel data: decoding would fail with OSError (or fill 243 MB);
    # the header check must refuse it first.
    header = struct.pack(">IIBBBBB", 9_000, 9_000, 8, 2, 0, 0, 0)
    data = b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IEND", b"")
    (tmp_path / "huge.png").write_bytes(data)
    with pytest.raises(ValueError, match="81,000,000 pixels"):
        load_image(tmp_path / "huge.png")


def test_max_pixels_default_is_50_million():
    assert MAX_PIXELS == 50_000_000


def test_load_turns_pillow_decompression_bomb_into_valueerror(tmp_path, rgb, monkeypatch):
    Image.fromarray(rgb).save(tmp_path / "a.png")  # 120 pixels
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 50)  # Pillow refuses > 2 * 50 pixels
    with pytest.raises(ValueError, match="too large"):
        load_image(tmp_path / "a.png")


def test_load_does_not_repeat_pillows_bomb_warning_under_our_limit(tmp_path, rgb, monkeypatch):
    Image.fromarray(rgb).save(tmp_path / "a.png")  # 120 pixels, between 100 and 2 * 100
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert load_image(tmp_path / "a.png").shape == rgb.shape


@pytest.mark.parametrize("source", [42, None, b"chelsea", np.zeros((2, 2, 3), np.uint8)])
def test_load_wrong_type_raises_typeerror(source):
    with pytest.raises(TypeError, match="source must be"):
        load_image(source)


@pytest.mark.parametrize(
    ("max_pixels", "error"), [(2.5, TypeError), (True, TypeError), (0, ValueError)]
)
def test_load_bad_max_pixels_is_refused(max_pixels, error):
    with pytest.raises(error, match="max_pixels"):
        load_image("chelsea", max_pixels=max_pixels)


# --- save_image ------------------------------------------------------------------------


def test_save_png_round_trip_is_lossless(tmp_path, rgb):
    path = save_image(rgb, tmp_path / "a.png")
    assert path == tmp_path / "a.png"
    with Image.open(path) as im:
        assert im.format == "PNG" and im.mode == "RGB"
        np.testing.assert_array_equal(np.asarray(im), rgb)


def test_save_gray_writes_an_l_image(tmp_path, rgb):
    gray = to_gray(rgb)
    save_image(gray, str(tmp_path / "g.png"))
    with Image.open(tmp_path / "g.png") as im:
        assert im.mode == "L"
        np.testing.assert_array_equal(np.asarray(im), gray)


def test_save_jpeg_by_suffix_is_close(tmp_path):
    smooth = np.broadcast_to(np.linspace(0, 255, 32).astype(np.uint8)[None, :, None], (16, 32, 3))
    save_image(smooth, tmp_path / "a.JPG")
    with Image.open(tmp_path / "a.JPG") as im:
        assert im.format == "JPEG"
    assert np.abs(load_image(tmp_path / "a.JPG").astype(int) - smooth).max() <= 8


def test_save_refuses_to_overwrite(tmp_path, rgb):
    target = tmp_path / "a.png"
    target.write_bytes(b"precious")
    with pytest.raises(FileExistsError, match="overwrite=True"):
        save_image(rgb, target)
    assert target.read_bytes() == b"precious"
    assert issubclass(FileExistsError, OSError)


def test_save_overwrites_when_asked(tmp_path, rgb):
    target = tmp_path / "a.png"
    target.write_bytes(b"old")
    save_image(rgb, target, overwrite=True)
    np.testing.assert_array_equal(load_image(target), rgb)


def test_save_into_missing_folder_raises_filenotfounderror(tmp_path, rgb):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        save_image(rgb, tmp_path / "no" / "such" / "a.png")


def test_save_unknown_suffix_lists_allowed_ones(tmp_path, rgb):
    with pytest.raises(ValueError, match=r"\.png") as info:
        save_image(rgb, tmp_path / "a.xyz")
    assert ".jpg" in str(info.value)
    assert not (tmp_path / "a.xyz").exists()


@pytest.mark.parametrize(
    ("img", "error"),
    [
        (np.zeros((2, 2, 3), dtype=np.float64), TypeError),
        (np.zeros((2, 2), dtype=np.float32), TypeError),
        (np.zeros((2, 2, 4), dtype=np.uint8), ValueError),
        (np.full((2, 2), 300, dtype=np.int64), ValueError),
        ("a.png", TypeError),
    ],
)
def test_save_refuses_bad_images(tmp_path, img, error):
    with pytest.raises(error):
        save_image(img, tmp_path / "a.png")
    assert not (tmp_path / "a.png").exists()


def test_save_refuses_non_path(rgb):
    with pytest.raises(TypeError, match="path"):
        save_image(rgb, 42)


# --- load_image: premultiplied alpha, color profiles, damaged EXIF, the array returned ---


@pytest.mark.parametrize("mode", ["La", "RGBa"])
def test_load_premultiplied_alpha_composites_on_white(mode):
    rng = np.random.default_rng(12)
    bands = len(mode)
    alpha = rng.integers(0, 256, size=(5, 8), dtype=np.uint8)
    alpha[0, 0], alpha[0, 1] = 0, 255
    color = rng.integers(0, 256, size=(5, 8, bands - 1))
    premultiplied = np.round(color * alpha[..., None] / 255).astype(np.uint8)
    im = Image.frombytes(mode, (8, 5), np.dstack([premultiplied, alpha]).tobytes())
    img = load_image(im)
    # Over white, a premultiplied color c' = c a / 255 becomes c' + 255 - a.
    expected = np.minimum(premultiplied.astype(int) + 255 - alpha[..., None].astype(int), 255)
    expected = np.broadcast_to(expected, (5, 8, 3)) if bands == 2 else expected
    assert np.abs(img.astype(int) - expected).max() <= 1  # Pillow un-premultiplies first
    assert (img[0, 0] == 255).all()


def test_load_pa_image_composites_the_palette_color_on_white():
    palette = np.array([[200, 0, 0], [0, 0, 200]], dtype=np.uint8)
    im = Image.new("PA", (2, 1))
    im.putpalette(palette.ravel().tolist())
    im.putdata([(0, 255), (1, 0)])
    np.testing.assert_array_equal(load_image(im), [[[200, 0, 0], [255, 255, 255]]])


def _srgb_profile() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def _profile_with_primaries_rotated() -> bytes:
    """The sRGB profile with its primaries rotated: red := sRGB's green, green := blue,
    blue := red. A pixel (r, g, b) in it is the sRGB color (b, r, g), exactly."""
    data = bytearray(_srgb_profile())
    count = struct.unpack(">I", data[128:132])[0]
    entry = {bytes(data[132 + 12 * i:136 + 12 * i]): 132 + 12 * i for i in range(count)}
    offsets = {tag: bytes(data[entry[tag] + 4:entry[tag] + 12])
               for tag in (b"rXYZ", b"gXYZ", b"bXYZ")}
    for tag, source in ((b"rXYZ", b"gXYZ"), (b"gXYZ", b"bXYZ"), (b"bXYZ", b"rXYZ")):
        data[entry[tag] + 4:entry[tag] + 12] = offsets[source]
    data[84:100] = bytes(16)  # the profile ID (an MD5) no longer matches: 0 = not computed
    return bytes(data)


def test_load_converts_an_icc_tagged_image_to_srgb(tmp_path, rgb):
    Image.fromarray(rgb).save(tmp_path / "p.png", icc_profile=_profile_with_primaries_rotated())
    img = load_image(tmp_path / "p.png")
    np.testing.assert_array_equal(img, rgb[..., [2, 0, 1]])


def test_load_keeps_an_srgb_tagged_image_as_it_is(tmp_path, rgb):
    Image.fromarray(rgb).save(tmp_path / "s.png", icc_profile=_srgb_profile())
    np.testing.assert_array_equal(load_image(tmp_path / "s.png"), rgb)


def test_load_keeps_the_alpha_of_an_icc_tagged_rgba_image(tmp_path, rgb):
    alpha = np.full(rgb.shape[:2], 255, dtype=np.uint8)
    alpha[0] = 0
    Image.fromarray(np.dstack([rgb, alpha])).save(
        tmp_path / "p.png", icc_profile=_profile_with_primaries_rotated())
    img = load_image(tmp_path / "p.png")
    assert (img[0] == 255).all()
    np.testing.assert_array_equal(img[1:], rgb[1:, :, [2, 0, 1]])


def test_load_ignores_a_broken_color_profile_with_a_warning(tmp_path, rgb):
    Image.fromarray(rgb).save(tmp_path / "b.png", icc_profile=b"this is no ICC profile")
    with pytest.warns(UserWarning, match="color profile cannot be used"):
        img = load_image(tmp_path / "b.png")
    np.testing.assert_array_equal(img, rgb)


def test_load_converts_the_adobe_rgb_sample_and_keeps_the_srgb_ones():
    for name, converted in (("rocket", True), ("chelsea", False), ("astronaut", False)):
        from labkit.samples import sample_path

        with Image.open(sample_path(name)) as im:
            assert "icc_profile" in im.info
            raw = np.asarray(im.convert("RGB"))
        img = load_image(name)
        assert (img != raw).any() == converted, name


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_load_damaged_exif_block_loads_the_pixels_with_a_warning(tmp_path, rgb, fmt):
    path = tmp_path / f"e.{fmt.lower()}"
    Image.fromarray(rgb).save(path, fmt, exif=b"Exif\x00\x00garbage!garbage!", lossless=True)
    with Image.open(path) as im, pytest.raises(SyntaxError):
        ImageOps.exif_transpose(im)  # what Pillow alone does
    with pytest.warns(UserWarning, match="EXIF block is damaged"):
        img = load_image(path)
    np.testing.assert_array_equal(img, rgb)


def _every_mode_image(mode: str) -> Image.Image:
    rng = np.random.default_rng(13)
    if mode in ("I", "F", "I;16"):
        dtype = {"I": np.int32, "F": np.float32, "I;16": np.uint16}[mode]
        return Image.fromarray(rng.integers(0, 255, size=(4, 5)).astype(dtype))
    im = Image.new(mode, (5, 4))
    im.frombytes(rng.integers(0, 256, size=len(im.tobytes()), dtype=np.uint8).tobytes())
    return im


MODES = ["1", "L", "P", "RGB", "RGBA", "RGBX", "RGBa", "CMYK", "YCbCr", "LAB", "HSV", "LA",
         "La", "PA", "I", "I;16", "I;16B", "F"]


@pytest.mark.filterwarnings("ignore:.*CMYK")
@pytest.mark.parametrize("mode", MODES)
def test_load_returns_a_new_writable_c_contiguous_rgb_uint8_array_for_every_mode(mode):
    im = _every_mode_image(mode)
    img = load_image(im)
    assert img.shape == (4, 5, 3) and img.dtype == np.uint8
    assert img.flags.writeable and img.flags.c_contiguous and img.flags.owndata


@pytest.mark.parametrize("suffix", [".png", ".jpg", ".gif", ".bmp", ".tif", ".webp"])
def test_load_from_a_file_returns_a_writable_array(tmp_path, rgb, suffix):
    Image.fromarray(rgb).save(tmp_path / f"a{suffix}")
    img = load_image(tmp_path / f"a{suffix}")
    assert img.flags.writeable and img.flags.c_contiguous
    img[0, 0] = 1  # a student may paint on it


def test_load_gives_a_new_array_each_time():
    a, b = load_image("chelsea"), load_image("chelsea")
    assert not np.shares_memory(a, b)


def test_load_animated_gif_gives_the_first_frame(tmp_path):
    frames = [Image.new("RGB", (3, 2), color) for color in ((255, 0, 0), (0, 0, 255))]
    frames[0].save(tmp_path / "a.gif", save_all=True, append_images=frames[1:])
    assert (load_image(tmp_path / "a.gif") == [255, 0, 0]).all()


def test_load_special_file_is_refused(tmp_path):
    fifo = tmp_path / "pipe.png"
    os.mkfifo(fifo)
    with pytest.raises(OSError, match="not a regular file"):
        load_image(fifo)  # and does not hang waiting for a writer


# --- save_image: atomic, never over an input ---------------------------------------------


def test_save_refuses_to_write_over_its_input_even_with_overwrite(tmp_path, rgb):
    source = tmp_path / "in.png"
    Image.fromarray(rgb).save(source)
    before = source.read_bytes()
    with pytest.raises(ValueError, match="input"):
        save_image(rgb[::-1], tmp_path / "." / "in.png", overwrite=True, inputs=[source])
    assert source.read_bytes() == before


def test_save_failing_part_way_leaves_the_old_file_and_no_partial_file(tmp_path):
    target = tmp_path / "wide.jpg"
    target.write_bytes(b"old photo")
    too_wide = np.zeros((1, 70_000, 3), dtype=np.uint8)  # JPEG holds at most 65,500
    with pytest.raises(OSError, match="wide.jpg"):
        save_image(too_wide, target, overwrite=True)
    assert target.read_bytes() == b"old photo"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["wide.jpg"]


def test_save_expands_the_home_folder(tmp_path, rgb, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    assert save_image(rgb, "~/home.png") == tmp_path / "home.png"
    np.testing.assert_array_equal(load_image("~/home.png"), rgb)


@pytest.mark.parametrize("suffix", sorted(SAVE_FORMATS))
def test_save_writes_the_format_its_suffix_names(tmp_path, rgb, suffix):
    path = save_image(rgb, tmp_path / f"a{suffix}")
    with Image.open(path) as im:
        assert im.format == SAVE_FORMATS[suffix]


def test_as_rgb_image_and_as_gray_image_check_like_the_shared_checks():
    with pytest.raises(TypeError, match="img"):
        as_rgb_image(np.zeros((2, 2, 3)))
    with pytest.raises(ValueError, match="gray"):
        as_gray_image(np.zeros((2, 2, 3), dtype=np.uint8))
    arr = np.zeros((2, 2, 3), dtype=np.uint8)
    assert as_rgb_image(arr) is arr


def test_old_import_path_of_the_sample_functions_still_works():
    from labkit import images, samples

    assert images.sample_images is samples.sample_images
    assert images.sample_path is samples.sample_path
