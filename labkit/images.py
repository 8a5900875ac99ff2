"""Images as arrays: load, check, gray, halves, save, and the bundled sample photos.

Every image in the lab is a NumPy array of ``uint8`` values 0..255: shape (H, W, 3) for
color (R, G, B) and (H, W) for gray. :func:`load_image` turns any file Pillow reads
(or a bundled sample such as ``"chelsea"``) into that form; :func:`save_image` writes one.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps

#: Largest image (width × height) that :func:`load_image` decodes by default: 50 million
#: pixels, i.e. a 150 MB RGB array. Bigger files are refused before they are decoded.
MAX_PIXELS = 50_000_000

#: File suffixes of the bundled sample photos in ``data/``.
SAMPLE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".gif", ".webp")

# The formats save_image writes, by suffix (lower case).
_SAVE_FORMATS = {
    ".png": "PNG",
    ".jpg": "JPEG",
    ".jpeg": "JPEG",
    ".bmp": "BMP",
    ".tif": "TIFF",
    ".tiff": "TIFF",
    ".gif": "GIF",
    ".webp": "WEBP",
}

# Modes that carry an alpha channel (Pillow's lower-case "a" means premultiplied alpha).
_ALPHA_MODES = ("RGBA", "RGBa", "LA", "La", "PA")


def as_rgb_image(img, name: str = "img") -> np.ndarray:
    """Return ``img`` as a C-contiguous uint8 array of shape (H, W, 3).

    Integer arrays whose values lie in 0..255 are converted; anything else is refused.
    Public functions call this at the door, so that their insides can trust the array.

    Parameters
    ----------
    img : array_like of shape (H, W, 3), integers 0..255
        An RGB image.
    name : str, default "img"
        The argument's name, used in error messages.

    Returns
    -------
    img : ndarray of shape (H, W, 3), uint8
        The same image; no copy when it already is a C-contiguous uint8 array.

    Raises
    ------
    TypeError
        If ``img`` is not an array of integers (floats are refused: scale them to 0..255
        and convert with ``.astype(np.uint8)`` first).
    ValueError
        If its shape is not (H, W, 3) with H, W ≥ 1, or its values leave 0..255.

    Examples
    --------
    >>> as_rgb_image([[[0, 128, 255]]])
    array([[[  0, 128, 255]]], dtype=uint8)
    """
    if isinstance(img, (str, bytes)) or img is None:
        raise TypeError(
            f"{name} must be an image array of shape (H, W, 3), got {type(img).__name__}; "
            "load files with labkit.load_image"
        )
    arr = np.asarray(img)
    if arr.dtype == bool or not np.issubdtype(arr.dtype, np.integer):
        raise TypeError(
            f"{name} must hold uint8 values 0..255, got dtype {arr.dtype}; "
            "scale floats to 0..255 and use .astype(np.uint8)"
        )
    if arr.ndim != 3 or arr.shape[2] != 3:
        raise ValueError(f"{name} must have shape (H, W, 3) (RGB), got {arr.shape}")
    if arr.shape[0] == 0 or arr.shape[1] == 0:
        raise ValueError(f"{name} is empty: shape {arr.shape}")
    if arr.dtype != np.uint8:
        if arr.min() < 0 or arr.max() > 255:
            raise ValueError(f"{name} values must lie in 0..255, got {arr.min()}..{arr.max()}")
        arr = arr.astype(np.uint8)
    return np.ascontiguousarray(arr)


def as_gray_image(gray, name: str = "gray") -> np.ndarray:
    """Return ``gray`` as a uint8 array of shape (H, W), the gray twin of :func:`as_rgb_image`.

    Raises
    ------
    TypeError
        If ``gray`` is not an array of integers.
    ValueError
        If it is not a non-empty 2-D array, or its values leave 0..255.

    Examples
    --------
    >>> as_gray_image([[0, 255]])
    array([[  0, 255]], dtype=uint8)
    """
    if isinstance(gray, (str, bytes)) or gray is None:
        raise TypeError(f"{name} must be a gray image array (H, W), got {type(gray).__name__}")
    arr = np.asarray(gray)
    if arr.dtype == bool or not np.issubdtype(arr.dtype, np.integer):
        raise TypeError(f"{name} must hold uint8 values 0..255, got dtype {arr.dtype}")
    if arr.ndim != 2 or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty 2-D image (H, W), got shape {arr.shape}")
    if arr.dtype != np.uint8:
        if arr.min() < 0 or arr.max() > 255:
            raise ValueError(f"{name} values must lie in 0..255, got {arr.min()}..{arr.max()}")
        arr = arr.astype(np.uint8)
    return arr


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

    Works for color (H, W, 3) and gray (H, W) images; the right half is the wider one
    when W is odd. The colorization agents learn on the left half and predict the right.

    Parameters
    ----------
    img : ndarray of shape (H, W) or (H, W, 3)
        An image at least 2 pixels wide.

    Returns
    -------
    left : ndarray of shape (H, W // 2) or (H, W // 2, 3)
        A view of the columns ``0 .. W // 2 - 1`` (no copy: writing to it changes ``img``).
    right : ndarray of shape (H, W - W // 2) or (H, W - W // 2, 3)
        A view of the remaining columns.

    Raises
    ------
    ValueError
        If ``img`` is not 2-D or 3-D, or is narrower than 2 pixels.

    Notes
    -----
    Used by ``labkit.colorize``; the colorization notebooks (the basic agent, then
    ``notebooks/04_knn_agent.ipynb``) show both halves.

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


# --- the bundled sample photos ---------------------------------------------------------


def _data_dir() -> Path:
    """The folder of sample photos: ``$LABKIT_DATA`` if set, else the repository's ``data/``."""
    override = os.environ.get("LABKIT_DATA")
    if override:
        return Path(override).expanduser()
    return Path(__file__).resolve().parent.parent / "data"


def _samples() -> dict[str, Path]:
    """Map each sample name (file stem) to its file; the first suffix in sorted order wins."""
    folder = _data_dir()
    if not folder.is_dir():
        return {}
    found: dict[str, Path] = {}
    for path in sorted(folder.iterdir()):
        if path.is_file() and path.suffix.lower() in SAMPLE_SUFFIXES:
            found.setdefault(path.stem, path)
    return found


def sample_images() -> list[str]:
    """Names of the bundled sample photos, sorted.

    The names are the stems of the image files in the ``data/`` folder of the repository
    (or in the folder named by the environment variable ``LABKIT_DATA``). Pass a name to
    :func:`load_image` or :func:`sample_path`. ``data/README.md`` gives each photo's source
    and licence.

    Returns
    -------
    names : list of str
        For example ``["astronaut", "chelsea", "coffee", "rocket"]``; empty if the folder
        does not exist.

    Examples
    --------
    >>> "chelsea" in sample_images()
    True
    """
    return sorted(_samples())


def sample_path(name: str) -> Path:
    """Path of the bundled sample photo called ``name``.

    Parameters
    ----------
    name : str
        One of :func:`sample_images`, e.g. ``"chelsea"``.

    Returns
    -------
    path : pathlib.Path
        The photo's file, e.g. ``…/data/chelsea.png``.

    Raises
    ------
    TypeError
        If ``name`` is not a string.
    ValueError
        If there is no sample photo of that name (the message lists the names).

    Examples
    --------
    >>> sample_path("chelsea").name
    'chelsea.png'
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a string such as 'chelsea', got {type(name).__name__}")
    samples = _samples()
    if name not in samples:
        raise ValueError(f"unknown sample image {name!r}; {_sample_names_sentence(samples)}")
    return samples[name]


def _sample_names_sentence(samples: dict[str, Path]) -> str:
    if not samples:
        return (
            f"no sample photos found in {_data_dir()} "
            "(set the environment variable LABKIT_DATA to the folder that holds them)"
        )
    return "the sample images are " + ", ".join(repr(n) for n in sorted(samples))


# --- loading ---------------------------------------------------------------------------


def _resolve_source(source: str | os.PathLike) -> Path:
    """Turn a path or a sample name into the path of an existing file."""
    path = Path(source).expanduser()
    if path.is_file():
        return path
    if isinstance(source, str):
        samples = _samples()
        if source in samples:
            return samples[source]
        is_bare_name = os.sep not in source and "/" not in source and not path.suffix
        if is_bare_name:
            raise FileNotFoundError(
                f"no image file {source!r} and no sample image of that name; "
                f"{_sample_names_sentence(samples)}"
            )
    if path.is_dir():
        raise IsADirectoryError(f"{path} is a folder, not an image file")
    raise FileNotFoundError(f"no such image file: {path}")


def _check_size(size: tuple[int, int], max_pixels: int, where: str) -> None:
    width, height = size
    if width * height > max_pixels:
        raise ValueError(
            f"{where} is {width}x{height} = {width * height:,} pixels, more than "
            f"max_pixels = {max_pixels:,}; resize it first or pass a larger max_pixels"
        )


def _sixteen_bit_gray_to_rgb(im: Image.Image) -> np.ndarray:
    """16-bit gray (modes I;16*, and I as Pillow uses it for 16-bit files) → RGB uint8."""
    values = np.asarray(im).astype(np.int64)  # I;16B arrives big-endian; I is int32
    values = np.clip(values, 0, 65535)
    gray = (values >> 8).astype(np.uint8)  # 0..65535 → 0..255: keep the high byte
    return np.repeat(gray[:, :, None], 3, axis=2)


def _composite_on_white(rgba: np.ndarray) -> np.ndarray:
    """Blend an (H, W, 4) uint8 RGBA array over a white background → (H, W, 3) uint8."""
    rgb = rgba[..., :3].astype(np.uint32)
    alpha = rgba[..., 3:].astype(np.uint32)
    # out = round((c * a + 255 * (255 - a)) / 255); the numerator is an integer, so
    # adding 127 before the floor division rounds to nearest (no exact halves occur).
    return ((rgb * alpha + 255 * (255 - alpha) + 127) // 255).astype(np.uint8)


def _pil_to_rgb(im: Image.Image) -> np.ndarray:
    """Decoded Pillow image (any mode) → (H, W, 3) uint8, upright, alpha over white."""
    im = ImageOps.exif_transpose(im)
    if im.mode == "I" or im.mode.startswith("I;16"):
        return _sixteen_bit_gray_to_rgb(im)
    if im.mode in _ALPHA_MODES or "transparency" in im.info:
        return _composite_on_white(np.asarray(im.convert("RGBA")))
    try:
        rgb = im.convert("RGB")  # P, L, 1, CMYK, YCbCr, … (CMYK naively, without ICC)
    except ValueError as exc:
        raise ValueError(f"cannot convert an image of mode {im.mode!r} to RGB: {exc}") from None
    return np.ascontiguousarray(np.asarray(rgb), dtype=np.uint8)


def load_image(
    source: str | os.PathLike | Image.Image, *, max_pixels: int = MAX_PIXELS
) -> np.ndarray:
    """Load an image file, a bundled sample or a Pillow image as an RGB uint8 array.

    Any file Pillow reads is accepted (PNG, JPEG, TIFF, BMP, GIF, WebP, …) and brought
    to the one form the lab works with: upright, three 8-bit channels, no transparency.

    Parameters
    ----------
    source : str, os.PathLike or PIL.Image.Image
        A path to an image file (``~`` is expanded), the name of a bundled sample photo
        (see :func:`sample_images`: ``"chelsea"``, ``"coffee"``, ``"astronaut"``,
        ``"rocket"``), or an image already opened with Pillow. A string that names an
        existing file is read as a file, otherwise as a sample name.
    max_pixels : int, default MAX_PIXELS (50,000,000)
        Largest accepted width × height. Checked from the file header, before the pixels
        are decoded, so that a huge or malicious file cannot fill the memory.

    Returns
    -------
    img : ndarray of shape (H, W, 3), uint8
        Red, green and blue values 0..255.

    Raises
    ------
    TypeError
        If ``source`` is not a path, a string or a Pillow image, or ``max_pixels`` is not
        an integer.
    FileNotFoundError
        If the file does not exist (for a bare name, the message lists the sample names).
    OSError
        If the file is not an image Pillow can read, or is truncated or damaged.
    ValueError
        If the image has more than ``max_pixels`` pixels (or more than Pillow's own
        decompression-bomb limit, ``2 * PIL.Image.MAX_IMAGE_PIXELS``).

    Notes
    -----
    The conversions, in order:

    - EXIF orientation is applied (``PIL.ImageOps.exif_transpose``): a phone photo taken
      upright comes out upright.
    - Transparency (RGBA, LA, PA, and palette or RGB/L images with a transparent color)
      is blended over white: ``out = round((c * a + 255 * (255 - a)) / 255)``.
    - 16-bit gray (Pillow modes ``I;16``, ``I;16B``, ``I``) maps 0..65535 to 0..255 by
      keeping the high byte, ``v >> 8`` (a floor, so 65535 → 255 and 257·v → v); values
      of mode ``I`` outside 0..65535 are clipped first. Pillow's own ``convert("L")``
      would clip instead of scale (256 → 255). 16-bit RGB(A) PNGs are reduced to
      8 bits by Pillow itself, also by keeping the high byte.
    - Palette (P), gray (L), 1-bit (1), CMYK and YCbCr images go through Pillow's
      ``convert("RGB")`` (CMYK without color management), gray repeated in R, G and B.
    - Multi-frame files (animated GIF, multi-page TIFF) give their first frame.

    ``PIL.ImageFile.LOAD_TRUNCATED_IMAGES`` is left as it is (False by default), so a
    truncated file raises an error instead of coming back half gray.
    Taught in ``notebooks/00_start_here.ipynb``.

    Examples
    --------
    >>> img = load_image("chelsea")
    >>> img.shape, img.dtype
    ((300, 451, 3), dtype('uint8'))
    >>> from PIL import Image
    >>> load_image(Image.new("LA", (2, 1), (0, 0)))  # fully transparent → white
    array([[[255, 255, 255],
            [255, 255, 255]]], dtype=uint8)
    """
    if isinstance(max_pixels, (bool, np.bool_)) or not isinstance(max_pixels, (int, np.integer)):
        raise TypeError(f"max_pixels must be a positive integer, got {max_pixels!r}")
    if max_pixels < 1:
        raise ValueError(f"max_pixels must be a positive integer, got {max_pixels!r}")
    if isinstance(source, Image.Image):
        return _load_pil(source, max_pixels, "the image")
    if not isinstance(source, (str, os.PathLike)):
        raise TypeError(
            "source must be a path, a sample name such as 'chelsea' or a PIL.Image.Image, "
            f"got {type(source).__name__}"
        )
    path = _resolve_source(source)
    try:
        with warnings.catch_warnings():
            # We apply our own max_pixels below; Pillow's warning would only repeat it.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            im = Image.open(path)
    except Image.DecompressionBombError as exc:
        raise ValueError(f"{path} is too large for Pillow to open safely: {exc}") from None
    except Image.UnidentifiedImageError:
        raise OSError(f"{path} is not an image file Pillow can read") from None
    except (OSError, SyntaxError, EOFError) as exc:  # e.g. a header cut short
        raise OSError(f"{path} is truncated or damaged; Pillow could not read it ({exc})") from None
    with im:
        return _load_pil(im, max_pixels, str(path))


def _load_pil(im: Image.Image, max_pixels: int, where: str) -> np.ndarray:
    """Check the size from the header, decode (forcing Pillow's lazy load), convert."""
    _check_size(im.size, max_pixels, where)
    try:
        im.load()
    except (OSError, SyntaxError, EOFError, ValueError) as exc:
        # Truncated data, broken chunks, bad compressed streams: all surface here.
        raise OSError(
            f"{where} is truncated or damaged; Pillow could not decode it ({exc})"
        ) from None
    return _pil_to_rgb(im)


# --- saving ----------------------------------------------------------------------------


def _as_image_to_save(img) -> np.ndarray:
    """Check a color (H, W, 3) or gray (H, W) image of values 0..255 → uint8 array."""
    arr = img if isinstance(img, np.ndarray) else None
    if arr is not None and arr.ndim == 2:
        if arr.dtype == bool or not np.issubdtype(arr.dtype, np.integer):
            raise TypeError(f"img must hold uint8 values 0..255, got dtype {arr.dtype}")
        if arr.size == 0:
            raise ValueError(f"img is empty: shape {arr.shape}")
        if arr.dtype != np.uint8 and (arr.min() < 0 or arr.max() > 255):
            raise ValueError(f"img values must lie in 0..255, got {arr.min()}..{arr.max()}")
        return np.ascontiguousarray(arr, dtype=np.uint8)
    return as_rgb_image(img)


def save_image(img, path: str | os.PathLike, *, overwrite: bool = False) -> Path:
    """Write an RGB or gray image to a file, in the format its suffix names.

    Parameters
    ----------
    img : ndarray of shape (H, W, 3) or (H, W), uint8
        A color (RGB) or gray image, values 0..255.
    path : str or os.PathLike
        Where to write. The suffix chooses the format: ``.png`` (lossless, the lab's
        choice), ``.jpg``/``.jpeg`` (quality 95), ``.bmp``, ``.tif``/``.tiff``, ``.gif``
        (at most 256 colors), ``.webp`` (quality 95, where Pillow supports it).
    overwrite : bool, default False
        Replace an existing file. By default an existing file is never touched.

    Returns
    -------
    path : pathlib.Path
        The path written.

    Raises
    ------
    TypeError
        If ``img`` is not an integer image array or ``path`` is not a path.
    ValueError
        If ``img`` has the wrong shape or values, or the suffix is not one listed above.
    FileExistsError
        If ``path`` exists and ``overwrite`` is False.
    FileNotFoundError
        If the folder that should hold ``path`` does not exist.

    Notes
    -----
    Without ``overwrite`` the file is opened in exclusive mode (``"xb"``), so that even
    a file created at the same moment by someone else is not replaced. A file left
    half written by a failed save is removed.

    Examples
    --------
    >>> import tempfile
    >>> img = np.zeros((2, 3, 3), dtype=np.uint8)
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = save_image(img, Path(folder) / "black.png")
    ...     load_image(path).shape
    (2, 3, 3)
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a file path such as 'out.png', got {type(path).__name__}")
    arr = _as_image_to_save(img)
    path = Path(path).expanduser()
    fmt = _SAVE_FORMATS.get(path.suffix.lower())
    if fmt is None:
        allowed = ", ".join(sorted(_SAVE_FORMATS))
        raise ValueError(
            f"cannot tell the image format from the suffix {path.suffix!r} of {path}; "
            f"use one of {allowed}"
        )
    if path.is_dir():
        raise IsADirectoryError(f"{path} is a folder; give a file name such as {path / 'out.png'}")
    if not path.parent.is_dir():
        raise FileNotFoundError(
            f"cannot save {path.name}: the folder {path.parent} does not exist; create it "
            "first, e.g. with Path(folder).mkdir(parents=True)"
        )
    if path.exists() and not overwrite:
        raise FileExistsError(f"{path} already exists; pass overwrite=True to replace it")
    options = {"quality": 95} if fmt in ("JPEG", "WEBP") else {}
    try:
        with open(path, "wb" if overwrite else "xb") as handle:
            Image.fromarray(arr).save(handle, format=fmt, **options)
    except FileExistsError:  # created by someone else since the check above
        raise FileExistsError(f"{path} already exists; pass overwrite=True to replace it") from None
    except BaseException:
        path.unlink(missing_ok=True)  # do not leave a half-written file behind
        raise
    return path
