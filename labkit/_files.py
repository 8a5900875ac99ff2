"""Writing files safely: every file labkit writes goes through :func:`write_atomically`.

The data goes to a temporary file in the target's own folder, which is then renamed into
place (``os.replace``, atomic on one file system). So a write that fails part way (a full
disk, a crash, Ctrl-C) leaves no partial file, and a file being replaced stays intact
until the new one is complete. Nothing that exists is replaced unless the caller asks,
and a call's own input files are never written over, whatever it asks.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import BinaryIO


def output_path(path, *, overwrite: bool = False, inputs: Iterable = (),
                name: str = "path") -> Path:
    """Check that ``path`` may be written, before any work is done; return it expanded.

    Raises
    ------
    TypeError
        If ``path`` is not a str or os.PathLike.
    IsADirectoryError
        If ``path`` is a folder.
    FileNotFoundError
        If the folder that should hold it does not exist.
    FileExistsError
        If it exists and ``overwrite`` is False.
    ValueError
        If it is one of ``inputs`` (the same path, or the same file on disk).
    """
    if not isinstance(path, (str, os.PathLike)) or isinstance(path, bytes):
        raise TypeError(f"{name} must be a file path such as 'out.png', "
                        f"got {type(path).__name__}")
    path = Path(path).expanduser()
    if str(path) in ("", "."):
        raise ValueError(f"{name} must name a file, got {str(path)!r}")
    for source in inputs:
        if source is not None and _same_file(path, Path(source).expanduser()):
            raise ValueError(f"refusing to write {path}: it is the input of this call; "
                             "choose another output name")
    if path.is_dir():
        raise IsADirectoryError(f"{path} is a folder; give a file name inside it, "
                                f"such as {path / 'out.png'}")
    if not path.parent.is_dir():
        raise FileNotFoundError(f"cannot write {path.name}: the folder {path.parent} does not "
                                "exist; create it first")
    if path.exists() and not overwrite:
        raise FileExistsError(f"{path} already exists; pass overwrite=True (--overwrite on "
                              "the command line) to replace it")
    return path


def write_atomically(path, write: Callable[[BinaryIO], None], *, overwrite: bool = False,
                     inputs: Iterable = ()) -> Path:
    """Write a file through ``write(handle)`` to a temporary file, then rename it into place.

    Parameters
    ----------
    path : str or os.PathLike
        The file to write (``~`` is expanded).
    write : callable
        Called once with a binary file handle open for writing.
    overwrite : bool, default False
        Replace ``path`` if it exists. Without it an existing file is never touched, even
        one created by someone else while ``write`` ran.
    inputs : iterable of paths, default ()
        The files this call reads; ``path`` may never be one of them.

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    OSError subclasses, ValueError, TypeError
        As :func:`output_path`; and whatever ``write`` or the file system raises, after the
        temporary file has been removed (the target is then as it was).
    """
    inputs = tuple(inputs)
    path = output_path(path, overwrite=overwrite, inputs=inputs)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        mode = 0o666 & ~_umask()
        os.chmod(temporary, mode)
        if overwrite:
            os.replace(temporary, path)
        else:
            # link() fails if path appeared meanwhile: an existing file is never replaced.
            try:
                os.link(temporary, path)
            except FileExistsError:
                raise FileExistsError(f"{path} already exists; pass overwrite=True to "
                                      "replace it") from None
            except OSError:  # file systems without hard links
                if path.exists():
                    raise FileExistsError(f"{path} already exists; pass overwrite=True to "
                                          "replace it") from None
                os.replace(temporary, path)
    finally:
        Path(temporary).unlink(missing_ok=True)
    return path


def _same_file(a: Path, b: Path) -> bool:
    try:
        if a.resolve() == b.resolve():
            return True
    except OSError:
        pass
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
