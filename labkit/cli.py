"""The ``labkit`` command line: compress, elbow and colorize a photo; grade notebooks.

    labkit compress photo.jpg -k 16 -o small.png
    labkit elbow photo.jpg --kmax 12 --plot elbow.png
    labkit colorize photo.jpg --agent knn -o colored.png
    labkit grade submissions/ --csv grades.csv

``python -m labkit`` is the same program. Every argument and output path is checked
before any work starts; every failure is one sentence on standard error, never a
traceback; the exit statuses are listed in :data:`EPILOG` (``labkit --help``). Only
``elbow --plot`` imports matplotlib (the views are never imported otherwise), so the
command starts fast.
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from pathlib import Path

from labkit._files import output_path, write_atomically
from labkit.colorize import colorize
from labkit.compress import MAX_K, SAVE_SUFFIXES, check_save, compress, elbow, find_elbow
from labkit.images import SAVE_FORMATS, load_image, save_image
from labkit.samples import sample_images, sample_path

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130

#: Output suffixes: images (the suffix chooses the format) and the elbow plot (matplotlib).
IMAGE_SUFFIXES = tuple(SAVE_FORMATS)
PLOT_SUFFIXES = (".png", ".pdf", ".svg", ".jpg", ".jpeg", ".tif", ".tiff", ".webp", ".eps")
#: Largest --k of colorize, --kmax of elbow and --patch of colorize.
MAX_AGENT_K, MAX_KMAX, MAX_PATCH = 256, 256, 15

EPILOG = """\
exit status:
  0    success
  1    the work could not be done: an input that cannot be read, an output that
       cannot be written (it exists, it is the input, it is a folder, its folder is
       missing, the disk is full), not enough memory; one sentence says which
  2    a usage error: an unknown option, a missing argument, a number out of range,
       an output suffix that cannot be written
  130  interrupted (Ctrl-C)

files:
  An existing output file is replaced only with --overwrite. The input image is never
  written over, even with --overwrite (not under another spelling, a symbolic link or
  a hard link either). Outputs go to a temporary file renamed into place when complete:
  a failed write leaves no partial file and any old file intact. '~' is expanded.
"""


# --- argument types: each raises one sentence that argparse prefixes with the option ---


def _integer(low: int, high: int | None = None, odd: bool = False):
    allowed = ("an odd integer" if odd else "an integer") + (
        f" in {low}..{high}" if high is not None else f" ≥ {low}")

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be {allowed}, got {text!r}") from None
        if value < low or (high is not None and value > high) or (odd and value % 2 == 0):
            raise argparse.ArgumentTypeError(f"must be {allowed}, got {text!r}")
        return value

    return parse


def _output_file(suffixes: tuple[str, ...]):
    def parse(text: str) -> Path:
        path = Path(text).expanduser()  # a folder passes: _check gives it its own message
        if not text.strip() or not path.is_dir() and path.suffix.lower() not in suffixes:
            raise argparse.ArgumentTypeError(
                f"must be a file name ending in one of {', '.join(suffixes)} (the suffix "
                f"chooses the format), got {text!r}")
        return path

    return parse


# --- the commands: arguments were checked by main, so each one just does the work ---


def cmd_compress(args: argparse.Namespace) -> None:
    q = compress(load_image(args.image), args.k, seed=args.seed, progress=sys.stderr.isatty())
    suffix = args.output.suffix.lower()
    if suffix in SAVE_SUFFIXES:  # .png, .gif: indexed with the palette (PNG above 256: RGB)
        q.save(args.output, overwrite=args.overwrite, inputs=args.inputs)
        kind = ("indexed " if q.n_colors <= 256 else "truecolor ") + SAVE_FORMATS[suffix]
    else:
        save_image(q.image, args.output, overwrite=args.overwrite, inputs=args.inputs)
        kind = SAVE_FORMATS[suffix]
    print(f"wrote {args.output} ({kind}, {_size(args.output.stat().st_size)}): "
          f"{q.n_colors} color{'s' * (q.n_colors != 1)}, {q.bits_per_pixel} "
          f"bit{'s' * (q.bits_per_pixel != 1)} per pixel "
          f"({q.compression_ratio:.1f}x fewer than 24-bit RGB), MSE {q.mse:.1f}")


def cmd_elbow(args: argparse.Namespace) -> None:
    img = load_image(args.image)
    df = elbow(img, range(1, args.kmax + 1), seed=args.seed, progress=sys.stderr.isatty())
    print(df[["k", "sse", "mse"]].to_string(index=False, float_format=lambda v: f"{v:,.1f}"))
    knee = find_elbow(df) if len(df) >= 3 else None
    print(f"knee: k = {knee}" if knee is not None else "knee: needs --kmax ≥ 3")
    if args.plot is not None:
        import matplotlib

        matplotlib.use("Agg")
        from labkit.plots import elbow_plot

        fig = elbow_plot(df, knee=knee)
        fmt = args.plot.suffix.lower().lstrip(".")
        write_atomically(args.plot, lambda handle: fig.savefig(
            handle, format=fmt, dpi=120, bbox_inches="tight"),
            overwrite=args.overwrite, inputs=args.inputs, name="--plot", flag="--overwrite")
        print(f"wrote {args.plot}")


def cmd_colorize(args: argparse.Namespace) -> None:
    params = {name: value for name, value in (("k", args.k), ("patch", args.patch))
              if value is not None}
    result = colorize(load_image(args.image), agent=args.agent, seed=args.seed,
                      preserve_luma=args.preserve_luma, **params)
    save_image(result.image, args.output, overwrite=args.overwrite, inputs=args.inputs)
    print(f"wrote {args.output}: left half original, right half colored by the {args.agent} "
          "agent")
    table = result.metrics.table.rename(index={
        "train": "left half (training)", "test": "right half (test)",
        "train_luma": "left, luma preserved", "test_luma": "right, luma preserved"})
    print(table.round(2).to_string())
    print(f"right-half pixels given their k-means color: {result.metrics.accuracy:.1%}")


def cmd_grade(args: argparse.Namespace) -> None:
    from labkit.grading import grade_command  # nbclient starts only for grading

    status = grade_command(args.notebooks, csv=args.csv, timeout=args.timeout,
                           overwrite=args.overwrite)
    if status:
        raise SystemExit(status)


def _size(n_bytes: int) -> str:
    return f"{n_bytes / 1024:.1f} KB" if n_bytes < 1024**2 else f"{n_bytes / 1024**2:.2f} MB"


# --- the parser ----------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``labkit`` command (its ``--help`` ends with EPILOG)."""
    common = {"epilog": EPILOG, "formatter_class": argparse.RawDescriptionHelpFormatter}
    parser = argparse.ArgumentParser(
        prog="labkit", description="Color Lab: k-means color compression and grayscale "
        "colorization.", **common)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    seed = {"type": _integer(0), "default": 0, "help": "random seed, an integer ≥ 0 (default 0)"}
    image = {"help": "input image (any file Pillow reads) or a sample name: "
                     + ", ".join(sample_images())}

    p = sub.add_parser("compress", help="reduce a photo to k colors (k-means)", **common)
    p.add_argument("image", **image)
    p.add_argument("-k", type=_integer(1, MAX_K), required=True,
                   help=f"number of colors, 1..{MAX_K} (.gif: at most 256)")
    p.add_argument("-o", "--output", type=_output_file(IMAGE_SUFFIXES), required=True,
                   help=f"output image: {', '.join(IMAGE_SUFFIXES)}; .png and .gif give an "
                        "indexed image with the palette (a .png above 256 colors: truecolor)")
    p.add_argument("--seed", **seed)
    p.add_argument("--overwrite", action="store_true", help="replace OUTPUT if it exists")
    p.set_defaults(run=cmd_compress, parser=p, outputs=("output",))

    p = sub.add_parser("elbow", help="SSE against k, and the knee of the curve", **common)
    p.add_argument("image", **image)
    p.add_argument("--kmax", type=_integer(1, MAX_KMAX), default=12,
                   help=f"largest k, 1..{MAX_KMAX} (default 12)")
    p.add_argument("--plot", type=_output_file(PLOT_SUFFIXES), default=None,
                   help=f"also save the curve: {', '.join(PLOT_SUFFIXES)}")
    p.add_argument("--seed", **seed)
    p.add_argument("--overwrite", action="store_true", help="replace the plot file if it exists")
    p.set_defaults(run=cmd_elbow, parser=p, outputs=("plot",))

    p = sub.add_parser("colorize", help="color the right half from the left half", **common)
    p.add_argument("image", **image)
    p.add_argument("--agent", choices=("knn", "neural"), default="knn",
                   help="basic KNN agent or the neural agent (default knn)")
    p.add_argument("-o", "--output", type=_output_file(IMAGE_SUFFIXES), required=True,
                   help=f"output image: {', '.join(IMAGE_SUFFIXES)}")
    p.add_argument("--k", type=_integer(1, MAX_AGENT_K), default=None,
                   help=f"number of colors, 1..{MAX_AGENT_K} (neural: 2..{MAX_AGENT_K}; "
                        "default: 5 for knn, 8 for neural)")
    p.add_argument("--patch", type=_integer(1, MAX_PATCH, odd=True), default=None,
                   help=f"patch size, an odd integer in 1..{MAX_PATCH} (default 3)")
    p.add_argument("--seed", **seed)
    p.add_argument("--preserve-luma", action="store_true",
                   help="shift each color so its gray value matches the gray photo")
    p.add_argument("--overwrite", action="store_true", help="replace OUTPUT if it exists")
    p.set_defaults(run=cmd_colorize, parser=p, outputs=("output",))

    p = sub.add_parser("grade", help="run submitted lab notebooks and grade their exercises",
                       **common)
    p.add_argument("notebooks", nargs="+", metavar="NOTEBOOK",
                   help="notebooks (.ipynb) or folders of notebooks")
    p.add_argument("--csv", type=Path, default=None,
                   help="also write the table as CSV: notebook, exercise, status, message")
    p.add_argument("--timeout", type=float, default=300.0,
                   help="seconds each notebook may run (default 300)")
    p.add_argument("--overwrite", action="store_true", help="replace the CSV if it exists")
    p.set_defaults(run=cmd_grade, parser=p, outputs=())
    return parser


def _check(args: argparse.Namespace) -> None:
    """What argparse cannot check alone: usage errors exit 2, output files exit 1.

    A subcommand sets ``run``, ``parser`` and ``outputs`` (the destinations of its output
    paths) with ``set_defaults``; its input files are ``image`` and any in ``inputs``.
    """
    parser = args.parser
    if args.command == "compress" and args.output.suffix.lower() in SAVE_SUFFIXES:
        try:
            check_save(args.output, args.k)  # a .gif holds at most 256 colors
        except ValueError as exc:
            parser.error(f"argument -k: {exc}")
    if args.command == "colorize" and args.agent == "neural" and args.k == 1:
        parser.error("argument --k: the neural agent needs k ≥ 2, got 1")
    # The input (its path, and the sample photo of that name) is never an output.
    image = getattr(args, "image", None)
    args.inputs = [Path(p).expanduser() for p in [image, *getattr(args, "inputs", ())] if p]
    if image in sample_images():
        args.inputs.append(sample_path(image))
    for dest in getattr(args, "outputs", ()):
        if getattr(args, dest) is not None:
            output_path(getattr(args, dest), overwrite=args.overwrite, inputs=args.inputs,
                        name=f"--{dest}", flag="--overwrite")


def _sentence(exc: BaseException) -> str:
    """An exception as one line: its message, or errno's words and the file name."""
    if isinstance(exc, OSError) and exc.strerror and len(exc.args) > 1:
        text = f"{exc.filename}: {exc.strerror}" if exc.filename else exc.strerror
    else:
        text = str(exc) or type(exc).__name__
    return " ".join(text.split())


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status (see EPILOG)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help (0) or a usage error (2, message already printed)
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    prog = f"labkit {args.command}"

    def one_line(message, category, filename, lineno, file=None, line=None):
        print(f"{prog}: warning: {' '.join(str(message).split())}", file=sys.stderr)

    with warnings.catch_warnings():
        warnings.showwarning = one_line
        try:
            _check(args)
            args.run(args)
        except SystemExit as exc:  # parser.error in _check
            return exc.code if isinstance(exc.code, int) else EXIT_USAGE
        except KeyboardInterrupt:
            print(f"{prog}: interrupted", file=sys.stderr)
            return EXIT_INTERRUPTED
        except BrokenPipeError:  # whoever read our output stopped (`labkit elbow … | head`)
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return EXIT_FAILED
        except MemoryError as exc:
            detail = f" ({_sentence(exc)})" if str(exc) else ""
            what = getattr(args, "image", "the input")
            print(f"{prog}: error: not enough memory to process {what}{detail}; try a "
                  "smaller image", file=sys.stderr)
            return EXIT_FAILED
        except (OSError, ValueError, TypeError) as exc:
            print(f"{prog}: error: {_sentence(exc)}", file=sys.stderr)
            return EXIT_FAILED
        except Exception as exc:  # a bug of labkit: still one line, and say so
            print(f"{prog}: error: unexpected {type(exc).__name__}: {_sentence(exc)} (a bug "
                  "in labkit; please report it)", file=sys.stderr)
            return EXIT_FAILED
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
