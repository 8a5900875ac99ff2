"""The file machinery under ``labkit.images`` and every writer; not needed to follow the course.

Writing. Every file labkit writes goes through :func:`write_atomically`: the data goes to a
temporary file in the target's own folder, which is then renamed into place (atomic on one
file system). A write that fails part way (a full disk, a crash, Ctrl-C) leaves no partial
file, and a file being replaced stays intact until the new one is complete. Nothing that
exists is replaced unless the caller asks, and a call's own input files are never written
over, whatever it asks. :func:`output_path` runs the same checks before any work is done.

Reading. :func:`decoded_to_rgb` brings a decoded Pillow image of any mode to the lab's one
form, by the rules that ``labkit.images.load_image`` documents.
"""

from __future__ import annotations

import io
import os
import secrets
import stat
import warnings
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import BinaryIO

import numpy as np
from PIL import ExifTags, Image, ImageCms, ImageOps

# --- writing ------------------------------------------------------------------------------


def output_path(path, *, overwrite: bool = False, inputs: Iterable = (), name: str = "path",
                flag: str = "overwrite=True") -> Path:
    """Check that ``path`` may be written, before any work is done; return it expanded.

    ``name`` is the argument's name and ``flag`` the way to allow replacing a file, as the
    messages should say them (the command line passes ``"--output"`` and ``"--overwrite"``).

    Raises
    ------
    TypeError
        If ``path`` is not a str or os.PathLike.
    ValueError
        If ``path`` is empty, or is one of ``inputs`` (the same path once resolved, through
        symbolic links, or the same file on disk, e.g. a hard link), whatever ``overwrite``.
    IsADirectoryError
        If ``path`` is a folder.
    FileNotFoundError
        If the folder that should hold it does not exist.
    PermissionError
        If that folder is not writable.
    FileExistsError
        If it exists and ``overwrite`` is False.
    """
    if not isinstance(path, (str, os.PathLike)) or isinstance(path, bytes):
        raise TypeError(f"{name} must be a file path such as 'out.png', "
                        f"got {type(path).__name__}")
    text = os.fspath(path)
    if not isinstance(text, str) or text.strip() in ("", "."):
        raise ValueError(f"{name} must name a file such as 'out.png', got {text!r}")
    path = Path(text).expanduser()
    for source in inputs:
        if source is not None and _same_file(path, Path(source).expanduser()):
            raise ValueError(f"{name} {path} is the input of this call; refusing to write over "
                             "it (whatever the flags): choose another output name")
    if path.is_dir():
        raise IsADirectoryError(f"{name} {path} is a folder; give a file name inside it, "
                                f"such as {path / 'out.png'}")
    folder = path.parent
    if not folder.is_dir():
        what = "is not a folder" if folder.exists() else "does not exist"
        raise FileNotFoundError(f"{name} {path}: the folder {folder} {what}; create it first")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise PermissionError(f"{name} {path}: no permission to write into the folder {folder}")
    if (path.exists() or path.is_symlink()) and not overwrite:
        raise FileExistsError(f"{name} {path} already exists; pass {flag} to replace it")
    return path


def write_atomically(path, write: Callable[[BinaryIO], None], *, overwrite: bool = False,
                     inputs: Iterable = (), name: str = "path",
                     flag: str = "overwrite=True") -> Path:
    """Write a file through ``write(handle)`` to a temporary file, then rename it into place.

    Parameters
    ----------
    path : str or os.PathLike
        The file to write (``~`` is expanded): exactly this name, nothing appended.
    write : callable
        Called once with a binary file handle open for writing.
    overwrite : bool, default False
        Replace ``path`` if it exists (keeping its permission bits). Without it an
        existing file is never touched, even one created by someone else while ``write``
        ran. A symbolic link at ``path`` is replaced, not the file it points to.
    inputs : iterable of paths, default ()
        The files this call reads; ``path`` may never be one of them.
    name, flag : str
        How messages name the argument and the way to allow replacing (see output_path).

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    OSError subclasses, ValueError, TypeError
        As :func:`output_path`; and, when the write fails (a full disk, a file too large),
        an OSError of the same kind that names ``path``, raised after the temporary file
        was removed: ``path`` is then as it was. Whatever ``write`` raises otherwise passes
        through, after the same clean-up.
    """
    inputs = tuple(inputs)
    path = output_path(path, overwrite=overwrite, inputs=inputs, name=name, flag=flag)
    existed = path.exists()
    temporary = path.parent / f".labkit-{secrets.token_hex(8)}.part"  # hidden, unique
    try:
        handle = open(temporary, "xb")  # a new file, mode 0o666 less the umask
    except OSError as exc:
        raise _write_error(exc, path, existed) from None
    try:
        with handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        if overwrite:
            if existed:
                os.chmod(temporary, stat.S_IMODE(path.stat().st_mode))
            os.replace(temporary, path)
        else:
            _link_new(temporary, path, name, flag)
    except FileExistsError:
        raise
    except OSError as exc:
        raise _write_error(exc, path, existed) from None
    finally:
        temporary.unlink(missing_ok=True)
    return path


def _link_new(temporary: Path, path: Path, name: str, flag: str) -> None:
    """Give the finished file its name, failing if the name appeared meanwhile."""
    try:
        os.link(temporary, path)  # fails if path exists: nothing is ever replaced
    except FileExistsError:
        raise FileExistsError(f"{name} {path} already exists; pass {flag} to replace "
                              "it") from None
    except OSError:  # file systems without hard links
        if path.exists():
            raise FileExistsError(f"{name} {path} already exists; pass {flag} to replace "
                                  "it") from None
        os.replace(temporary, path)


def _write_error(exc: OSError, path: Path, existed: bool) -> OSError:
    """The same kind of OSError, as one sentence that names the file and what happened."""
    reason = exc.strerror or str(exc) or type(exc).__name__
    after = "the existing file is unchanged" if existed else "no file was left behind"
    message = f"could not write {path} ({reason}); {after}"
    try:
        error = type(exc)(message)
    except TypeError:
        error = OSError(message)
    error.errno = exc.errno
    return error


def _same_file(a: Path, b: Path) -> bool:
    try:
        if a.resolve() == b.resolve():
            return True
    except (OSError, RuntimeError):  # a symbolic-link loop
        pass
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


# --- reading ------------------------------------------------------------------------------

_ALPHA_MODES = ("RGBA", "RGBa", "LA", "La", "PA")  # lower-case "a": premultiplied alpha
_ICC_MODES = {"RGB": "RGB", "RGBA": "RGB", "P": "RGB", "PA": "RGB", "L": "L", "LA": "L",
              "CMYK": "CMYK"}  # image mode → the mode its color profile describes


def decoded_to_rgb(im: Image.Image, where: str) -> np.ndarray:
    """A decoded Pillow image of any mode → a new, writable (H, W, 3) uint8 sRGB array.

    Upright (EXIF orientation), converted to sRGB (ICC profile), alpha blended over
    white, wide numbers scaled; ``where`` names the image in warnings and errors. The rules
    are listed in ``labkit.images.load_image``.
    """
    try:
        if im.getexif().get(ExifTags.Base.Orientation, 1) != 1:  # else: no copy needed
            im = ImageOps.exif_transpose(im)
    except MemoryError:
        raise
    except Exception as exc:  # Pillow's EXIF parser raises SyntaxError, ValueError, …
        warnings.warn(f"{where}: its EXIF block is damaged ({exc}); ignored, so the image is "
                      "not turned upright", stacklevel=4)
    im = _to_srgb(im, where)
    if im.mode in ("I", "F") or im.mode.startswith("I;16"):
        gray = _numbers_to_gray(np.asarray(im), im.mode, where)
        return np.repeat(gray[:, :, None], 3, axis=2)
    if _has_alpha(im):
        rgba = np.asarray(im.convert(im.mode.upper()).convert("RGBA"))  # La → LA → RGBA
        color, alpha = rgba[..., :3].astype(np.uint32), rgba[..., 3:].astype(np.uint32)
        # round((c a + 255 (255 - a)) / 255): the numerator is an integer, so + 127 and a
        # floor division round to nearest (no exact halves occur).
        return ((color * alpha + 255 * (255 - alpha) + 127) // 255).astype(np.uint8)
    rgb = im if im.mode == "RGB" else im.convert("RGB")
    return np.array(rgb, dtype=np.uint8)  # np.array copies: a new, writable array


def _has_alpha(im: Image.Image) -> bool:
    return im.mode in _ALPHA_MODES or "transparency" in im.info


def _to_srgb(im: Image.Image, where: str) -> Image.Image:
    """Apply the embedded ICC profile, if any: the same image in sRGB colors."""
    icc = im.info.get("icc_profile")
    if not icc:
        if im.mode == "CMYK":
            warnings.warn(f"{where} is a CMYK image without a color profile: converted with "
                          "Pillow's plain formula, its colors may look off", stacklevel=5)
        return im
    try:
        if im.mode not in _ICC_MODES:
            raise ValueError(f"no conversion for mode {im.mode}")
        alpha = im.convert("RGBA").getchannel("A") if _has_alpha(im) else None
        srgb = ImageCms.profileToProfile(im.convert(_ICC_MODES[im.mode]),
                                         ImageCms.ImageCmsProfile(io.BytesIO(icc)),
                                         ImageCms.createProfile("sRGB"), outputMode="RGB")
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError) as exc:
        warnings.warn(f"{where}: its color profile cannot be used ({exc}); the colors are "
                      "taken as sRGB", stacklevel=5)
        return im
    if alpha is not None:
        srgb.putalpha(alpha)
    return srgb


def _numbers_to_gray(values: np.ndarray, mode: str, where: str) -> np.ndarray:
    """16-bit, 32-bit integer or float gray values → uint8 by the rules of load_image."""
    values = values.astype(np.float64)
    if not np.isfinite(values).all():
        raise ValueError(f"{where} holds NaN or infinite values: it cannot be shown as an image")
    low, high = (values.min(), values.max()) if values.size else (0.0, 0.0)
    if mode.startswith("I;16") or (mode == "I" and low >= 0 and 255 < high <= 65535):
        return (values.astype(np.uint16) >> 8).astype(np.uint8)
    if mode == "F" and low >= 0 and high <= 1:
        return np.round(values * 255).astype(np.uint8)
    if low >= 0 and high <= 255:
        return np.round(values).astype(np.uint8)
    warnings.warn(f"{where} holds values {low:g}..{high:g}, outside 0..255: stretched "
                  "linearly to 0..255", stacklevel=5)
    span = high - low if high > low else 1.0
    return np.round((values - low) / span * 255).astype(np.uint8)
