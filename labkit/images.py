"""Images as arrays: load any image file, gray, halves, save.

Every image in the lab is a NumPy array of ``uint8`` values 0..255: shape (H, W, 3) for
color (R, G, B) and (H, W) for gray. :func:`load_image` turns any file Pillow reads (or a
bundled sample photo such as ``"chelsea"``, see ``labkit.samples``) into that form;
:func:`save_image` writes one. Taught in ``notebooks/00_start_here.ipynb``.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterable
from pathlib import Path

import numpy as np
from PIL import Image

from labkit import _checks
from labkit._files import decoded_to_rgb, output_path, write_atomically
from labkit.samples import sample_images, sample_path  # noqa: F401 (the old import path)

#: Largest image (width × height) that :func:`load_image` decodes by default: 50 million
#: pixels, i.e. a 150 MB RGB array. Bigger files are refused before they are decoded.
MAX_PIXELS = 50_000_000

#: The formats :func:`save_image` writes, by file suffix (lower case).
SAVE_FORMATS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".bmp": "BMP", ".tif": "TIFF",
                ".tiff": "TIFF", ".gif": "GIF", ".webp": "WEBP"}


def as_rgb_image(img, name: str = "img") -> np.ndarray:
    """Return ``img`` as a C-contiguous uint8 array of shape (H, W, 3), or raise.

    Integers 0..255 are converted (no copy for a C-contiguous uint8 array); floats are
    refused (TypeError: 0..1 and 0..255 cannot be told apart); a wrong shape or values
    outside 0..255 raise ValueError. The check is ``labkit._checks.rgb_image``.

    Examples
    --------
    >>> as_rgb_image([[[0, 128, 255]]])
    array([[[  0, 128, 255]]], dtype=uint8)
    """
    return _checks.rgb_image(img, name)


def as_gray_image(gray, name: str = "gray") -> np.ndarray:
    """Return ``gray`` as a C-contiguous uint8 array of shape (H, W), or raise.

    The gray twin of :func:`as_rgb_image` (``labkit._checks.gray_image``).

    Examples
    --------
    >>> as_gray_image([[0, 255]])
    array([[  0, 255]], dtype=uint8)
    """
    return _checks.gray_image(gray, name)


def to_gray(img) -> np.ndarray:
    """Gray (luma) image of an RGB image, identical to ``PIL.ImageOps.grayscale``.

    Parameters
    ----------
    img : ndarray of shape (H, W, 3), uint8

    Returns
    -------
    gray : ndarray of shape (H, W), uint8

    Notes
    -----
    ITU-R 601-2 luma, L = 0.299 R + 0.587 G + 0.114 B, computed as Pillow does in
    fixed point: ``(19595 R + 38470 G + 7471 B + 2**15) >> 16``.
    Taught in ``notebooks/00_start_here.ipynb``.

    Examples
    --------
    >>> to_gray(np.array([[[255, 0, 0], [255, 255, 255]]], dtype=np.uint8))
    array([[ 76, 255]], dtype=uint8)
    """
    arr = as_rgb_image(img).astype(np.uint32)
    luma = arr[..., 0] * 19595 + arr[..., 1] * 38470 + arr[..., 2] * 7471 + 0x8000
    return (luma >> 16).astype(np.uint8)


def split_halves(img) -> tuple[np.ndarray, np.ndarray]:
    """Split an image at column ``W // 2`` into its left and right halves (views).

    Parameters
    ----------
    img : ndarray of shape (H, W) or (H, W, 3), W ≥ 2

    Returns
    -------
    left : ndarray of shape (H, W // 2) or (H, W // 2, 3)
        A view (no copy: writing to it changes ``img``).
    right : ndarray of shape (H, W - W // 2) or (H, W - W // 2, 3)
        A view of the remaining columns: the wider half when W is odd.

    Raises
    ------
    ValueError
        If ``img`` is not 2-D or 3-D, or is narrower than 2 pixels.

    Notes
    -----
    The agents learn on the left half, predict the right (``notebooks/04_knn_agent.ipynb``).

    Examples
    --------
    >>> left, right = split_halves(np.zeros((2, 5), dtype=np.uint8))
    >>> left.shape, right.shape
    ((2, 2), (2, 3))
    """
    arr = np.asarray(img)
    if arr.ndim not in (2, 3):
        raise ValueError(f"img must be (H, W) or (H, W, 3), got shape {arr.shape}")
    if arr.shape[1] < 2:
        raise ValueError(f"img must be at least 2 pixels wide to split, got width {arr.shape[1]}")
    half = arr.shape[1] // 2
    return arr[:, :half], arr[:, half:]


def load_image(source: str | os.PathLike | Image.Image, *,
               max_pixels: int = MAX_PIXELS) -> np.ndarray:
    """Load an image file, a bundled sample or a Pillow image as an RGB uint8 array.

    Parameters
    ----------
    source : str, os.PathLike or PIL.Image.Image
        A path to any file Pillow reads (``~`` is expanded), the name of a bundled sample
        photo (``labkit.samples.sample_images()``: ``"chelsea"``, ``"coffee"``, …; an
        existing file of that name wins), or an image opened with Pillow.
    max_pixels : int, default MAX_PIXELS (50,000,000)
        Largest accepted width × height, checked from the header before decoding.

    Returns
    -------
    img : ndarray of shape (H, W, 3), uint8
        Always a new, writable, C-contiguous array: upright, sRGB, no transparency.

    Raises
    ------
    TypeError
        If ``source`` is not a path, a string or a Pillow image, or ``max_pixels`` not an int.
    FileNotFoundError, IsADirectoryError
        If there is no such file (a bare name lists the samples), or it is a folder.
    OSError
        If the file is not an image Pillow can read, or is truncated or damaged.
    ValueError
        If the image has more than ``max_pixels`` pixels (or more than Pillow's limit,
        ``2 * PIL.Image.MAX_IMAGE_PIXELS``), or a float image holds NaN or infinity.

    Notes
    -----
    The rules, in order (taught in ``notebooks/00_start_here.ipynb``):

    - EXIF orientation is applied (``ImageOps.exif_transpose``); a damaged EXIF block is
      ignored with a warning, the pixels are loaded as stored.
    - An embedded ICC color profile is applied: the colors are converted to sRGB with
      ``PIL.ImageCms`` (Adobe RGB, Display P3, CMYK, …); a profile that cannot be used is
      ignored with a warning. CMYK without a profile: Pillow's formula, with a warning.
    - Transparency (RGBA, LA, PA, premultiplied La/RGBa, a transparent palette index or
      color) is blended over white: ``out = round((c * a + 255 * (255 - a)) / 255)``.
    - One-channel images of wider numbers become gray, by their range: 16-bit modes
      (``I;16*``) keep the high byte, ``v >> 8`` (65535 → 255); mode ``I`` (32-bit) keeps
      values within 0..255 and treats 0..65535 as 16-bit; mode ``F`` (float) scales 0..1
      by 255 and rounds 0..255. Any other range is stretched linearly from its minimum
      (→ 0) to its maximum (→ 255), with a warning.
    - Palette, gray, 1-bit, YCbCr, LAB, HSV images: ``convert("RGB")``. Multi-frame files
      (animated GIF, multi-page TIFF) give their first frame.

    Examples
    --------
    >>> img = load_image("chelsea")
    >>> img.shape, img.dtype, img.flags.writeable
    ((300, 451, 3), dtype('uint8'), True)
    >>> load_image(Image.new("LA", (2, 1), (0, 0)))  # fully transparent → white
    array([[[255, 255, 255],
            [255, 255, 255]]], dtype=uint8)
    """
    max_pixels = _checks.positive_int(max_pixels, "max_pixels")
    if isinstance(source, Image.Image):
        return _decode(source, max_pixels, "the image")
    path = _source_path(source)
    try:
        with warnings.catch_warnings():  # our max_pixels check follows; no need to repeat
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            im = Image.open(path)
    except Image.DecompressionBombError as exc:
        raise ValueError(f"{path} is too large for Pillow to open safely: {exc}") from None
    except Image.UnidentifiedImageError:
        raise OSError(f"{path} is not an image file Pillow can read") from None
    except PermissionError:
        raise PermissionError(f"cannot read {path}: permission denied") from None
    except MemoryError:
        raise
    except Exception as exc:  # Pillow's parsers raise SyntaxError, struct.error, …
        raise OSError(f"{path} is truncated or damaged; Pillow could not read it ({exc})") from None
    with im:
        return _decode(im, max_pixels, str(path))


def _source_path(source) -> Path:
    """The file that ``source`` (a path or a sample name) names."""
    if not isinstance(source, (str, os.PathLike)):
        raise TypeError("source must be a path, a sample name such as 'chelsea' or a "
                        f"PIL.Image.Image, got {type(source).__name__}")
    path = Path(source).expanduser()
    if path.is_file():
        return path
    if path.is_dir():
        raise IsADirectoryError(f"{path} is a folder, not an image file")
    if path.exists():
        raise OSError(f"{path} is not a regular file (a device or a pipe?), not an image file")
    if isinstance(source, str) and "/" not in source and os.sep not in source:
        try:
            return sample_path(source)
        except ValueError as exc:  # the message lists the sample names
            if not path.suffix:
                raise FileNotFoundError(f"no image file {source!r} here, and {exc}") from None
    raise FileNotFoundError(f"no such image file: {path}")


def _decode(im: Image.Image, max_pixels: int, where: str) -> np.ndarray:
    """Check the size from the header, decode (Pillow loads lazily), convert by the rules."""
    width, height = im.size
    if width * height > max_pixels:
        raise ValueError(f"{where} is {width}x{height} = {width * height:,} pixels, more than "
                         f"max_pixels = {max_pixels:,}; resize it first or pass a larger "
                         "max_pixels")
    try:
        im.load()
    except MemoryError:
        raise
    except Exception as exc:  # truncated data, broken chunks, bad compressed streams
        raise OSError(f"{where} is truncated or damaged; Pillow could not decode it "
                      f"({exc})") from None
    return decoded_to_rgb(im, where)


def save_image(img, path: str | os.PathLike, *, overwrite: bool = False,
               inputs: Iterable = ()) -> Path:
    """Write an RGB or gray image to a file, in the format its suffix names.

    The image goes to a temporary file beside ``path``, renamed into place when complete
    (``labkit._files.write_atomically``): a failed save leaves no partial file.

    Parameters
    ----------
    img : ndarray of shape (H, W, 3) or (H, W), uint8
        A color (RGB) or gray image, values 0..255.
    path : str or os.PathLike
        Where to write (``~`` is expanded). The suffix chooses the format (``SAVE_FORMATS``):
        ``.png`` (lossless, the lab's choice), ``.jpg``/``.jpeg`` and ``.webp`` (quality
        95), ``.bmp``, ``.tif``/``.tiff``, ``.gif`` (at most 256 colors).
    overwrite : bool, default False
        Replace an existing file. By default an existing file is never touched.
    inputs : iterable of paths, default ()
        Files this image was made from: ``path`` may never be one of them.

    Returns
    -------
    path : pathlib.Path
        The path written.

    Raises
    ------
    TypeError
        If ``img`` is not an integer image array or ``path`` is not a path.
    ValueError
        If ``img`` has the wrong shape or values, the suffix is not one listed above, or
        ``path`` is one of ``inputs``.
    FileExistsError, IsADirectoryError, FileNotFoundError
        If ``path`` exists (without ``overwrite``), is a folder, or its folder is missing.
    OSError
        If the disk is full or the write fails otherwise: the old file is then unchanged.

    Examples
    --------
    >>> import tempfile
    >>> img = np.zeros((2, 3, 3), dtype=np.uint8)
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = save_image(img, Path(folder) / "black.png")
    ...     load_image(path).shape
    (2, 3, 3)
    """
    gray = isinstance(img, np.ndarray) and img.ndim == 2
    arr = _checks.gray_image(img, "img") if gray else _checks.rgb_image(img, "img")
    path = output_path(path, overwrite=overwrite, inputs=inputs)
    fmt = SAVE_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ValueError(f"path must end in one of {', '.join(SAVE_FORMATS)} (the suffix "
                         f"chooses the format), got {path.name!r}")
    image = Image.fromarray(arr)  # quality: used by JPEG and WebP only
    return write_atomically(path, lambda handle: image.save(handle, format=fmt, quality=95),
                            overwrite=overwrite, inputs=inputs)
