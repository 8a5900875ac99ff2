"""The bundled sample photos, one loader each (in the manner of ``skimage.data``).

    >>> from labkit import samples
    >>> samples.chelsea().shape
    (300, 451, 3)

The photos live in the repository's ``data/`` folder; ``data/README.md`` gives each one's
source and licence, and :data:`REGISTRY` the SHA-256 hash of each file, which the tests
check. Any sample can also be loaded by name: ``labkit.load_image("chelsea")``. To use
other photos, point the environment variable ``LABKIT_DATA`` at a folder of image files:
their names (file stems) then become the sample names.
Shown in ``notebooks/00_start_here.ipynb``.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

#: SHA-256 hash of every bundled photo, by file name (as ``sha256sum data/*`` prints it).
REGISTRY = {
    "astronaut.png": "7f5d38a7dc6bb6d0090a44e64473cf30b04116d3c3d217565dced3836b7f64f6",
    "chelsea.png": "596aa1e7cb875eb79f437e310381d26b338a81c2da23439704a73c4651e8c4bb",
    "coffee.png": "cc02f8ca188b167c775a7101b5d767d1e71792cf762c33d6fa15a4599b5a8de7",
    "rocket.jpg": "c2dd0de7c538df8d111e479619b129464d0269d0ae5fd18ca91d33a7fdfea95c",
}

#: File suffixes that count as sample photos in the data folder.
SAMPLE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".gif", ".webp")


def data_dir() -> Path:
    """The folder of sample photos: ``$LABKIT_DATA`` if set, else the repository's ``data/``.

    Examples
    --------
    >>> data_dir().name
    'data'
    """
    override = os.environ.get("LABKIT_DATA")
    if override:
        return Path(override).expanduser()
    return Path(__file__).resolve().parent.parent / "data"


def _files() -> dict[str, Path]:
    """Each sample name (file stem) → its file; the first suffix in sorted order wins."""
    folder = data_dir()
    if not folder.is_dir():
        return {}
    found: dict[str, Path] = {}
    for path in sorted(folder.iterdir()):
        if path.is_file() and path.suffix.lower() in SAMPLE_SUFFIXES:
            found.setdefault(path.stem, path)
    return found


def sample_images() -> list[str]:
    """Names of the sample photos, sorted: the stems of the image files in :func:`data_dir`.

    Returns
    -------
    names : list of str
        ``["astronaut", "chelsea", "coffee", "rocket"]`` for the bundled photos; empty if
        the folder does not exist.

    Examples
    --------
    >>> sample_images()
    ['astronaut', 'chelsea', 'coffee', 'rocket']
    """
    return sorted(_files())


def sample_path(name: str) -> Path:
    """Path of the sample photo called ``name``.

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
    files = _files()
    if name in files:
        return files[name]
    if not files:
        raise ValueError(f"there is no sample photo called {name!r}: no sample photos found in "
                         f"{data_dir()} (set the environment variable LABKIT_DATA to the "
                         "folder that holds them)")
    raise ValueError(f"there is no sample photo called {name!r}; the samples are "
                     + ", ".join(repr(n) for n in sorted(files)))


def _load(name: str) -> np.ndarray:
    from labkit.images import load_image  # images.py looks sample names up here

    return load_image(sample_path(name))


def chelsea() -> np.ndarray:
    """Chelsea the cat: ``data/chelsea.png``.

    Good for colorization: fur is a fine, repetitive gray texture with few colors
    (browns, white, black), so what an agent learns on the left half carries over.

    Returns
    -------
    img : ndarray of shape (300, 451, 3), uint8

    Notes
    -----
    Photograph by Stefan van der Walt, scikit-image's ``data/chelsea.png`` byte for byte.
    Licence: CC0 (no copyright restrictions).
    """
    return _load("chelsea")


def coffee() -> np.ndarray:
    """A coffee cup on a saucer: ``data/coffee.png``.

    Good for color compression: strong, distinct colors (red-brown cup, white porcelain,
    golden crema, a silver spoon, wood grain), each easy to name in a small palette.

    Returns
    -------
    img : ndarray of shape (400, 600, 3), uint8

    Notes
    -----
    Photograph by Rachel Michetti, courtesy of Pikolo Espresso Bar; scikit-image's
    ``data/coffee.png`` byte for byte. Licence: CC0 (no copyright restrictions).
    """
    return _load("coffee")


def astronaut() -> np.ndarray:
    """The astronaut Eileen Collins: ``data/astronaut.png``.

    Good for a portrait: skin tones, an orange flight suit, the US flag and a shuttle model
    on a gray backdrop; square, so it splits into two equal halves.

    Returns
    -------
    img : ndarray of shape (512, 512, 3), uint8

    Notes
    -----
    NASA, from the NASA Great Images database (https://flic.kr/p/r9qvLn); scikit-image's
    ``data/astronaut.png``, re-saved losslessly (same pixels, smaller file).
    Licence: public domain (a NASA photograph).
    """
    return _load("astronaut")


def rocket() -> np.ndarray:
    """The DSCOVR launch on a Falcon 9: ``data/rocket.jpg``.

    Good for a scene: sky, smoke, flame and landscape, a wide range of colors and large
    smooth areas; the one JPEG, and the one photo stored in Adobe RGB (1998), so loading
    converts its colors to sRGB through its embedded color profile.

    Returns
    -------
    img : ndarray of shape (427, 640, 3), uint8

    Notes
    -----
    SpaceX, launch of DSCOVR from Launch Complex 40, Cape Canaveral
    (https://www.flickr.com/photos/spacexphotos/16511594820); scikit-image's
    ``data/rocket.jpg`` byte for byte. Licence: public domain (released by SpaceX).
    """
    return _load("rocket")
