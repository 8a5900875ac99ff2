"""The ``labkit`` command line: compress, elbow and colorize a photo.

    labkit compress photo.jpg -k 16 -o small.png
    labkit elbow photo.jpg --kmax 12 --plot elbow.png
    labkit colorize photo.jpg --agent knn -o colored.png

``python -m labkit`` is the same program. Exit status: 0 on success, 1 when the
input is bad (an unreadable file, an output that exists, a value out of range), 2 on
a usage error (an unknown option or a missing argument), 130 when interrupted.
Errors are one sentence on standard error, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

EXIT_BAD_INPUT = 1


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number ≥ 1, got {value}")
    return value


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number ≥ 0, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a whole number ≥ 0, got {value}")
    return value


def _check_output(path: Path, overwrite: bool) -> None:
    if path.exists() and not overwrite:
        raise FileExistsError(f"{path} already exists; pass --overwrite to replace it")
    if not path.parent.exists():
        raise FileNotFoundError(f"the folder {path.parent} does not exist")


def _size(n_bytes: int) -> str:
    return f"{n_bytes / 1024:.1f} KB" if n_bytes < 1024**2 else f"{n_bytes / 1024**2:.2f} MB"


def cmd_compress(args: argparse.Namespace) -> None:
    from labkit.compress import compress
    from labkit.images import load_image, save_image

    _check_output(args.output, args.overwrite)
    img = load_image(args.image)
    q = compress(img, args.k, seed=args.seed)
    if args.output.suffix.lower() == ".png":
        q.save(args.output, overwrite=args.overwrite)
        kind = "indexed PNG"
    else:
        save_image(q.image, args.output, overwrite=args.overwrite)
        kind = args.output.suffix.lstrip(".").upper() or "image"
    print(
        f"wrote {args.output} ({kind}, {_size(args.output.stat().st_size)}): "
        f"{q.n_colors} colors, {q.bits_per_pixel} bits per pixel "
        f"({q.compression_ratio:.1f}x fewer than 24-bit RGB), MSE {q.mse:.1f}"
    )


def cmd_elbow(args: argparse.Namespace) -> None:
    from labkit.compress import elbow, find_elbow
    from labkit.images import load_image

    if args.plot is not None:
        _check_output(args.plot, args.overwrite)
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
        fig.savefig(args.plot, dpi=120, bbox_inches="tight")
        print(f"wrote {args.plot}")


def cmd_colorize(args: argparse.Namespace) -> None:
    from labkit.colorize import colorize
    from labkit.images import load_image, save_image

    _check_output(args.output, args.overwrite)
    img = load_image(args.image)
    params = {}
    if args.k is not None:
        params["k"] = args.k
    if args.patch is not None:
        params["patch"] = args.patch
    result = colorize(
        img, agent=args.agent, seed=args.seed, preserve_luma=args.preserve_luma, **params
    )
    save_image(result.image, args.output, overwrite=args.overwrite)
    print(f"wrote {args.output}: left half original, right half colored by the {args.agent} agent")
    table = result.metrics.table.rename(index={
        "train": "left half (training)", "test": "right half (test)",
        "train_luma": "left, luma preserved", "test_luma": "right, luma preserved"})
    print(table.round(2).to_string())
    print(f"right-half pixels given their k-means color: {result.metrics.accuracy:.1%}")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="labkit",
        description="Color Lab: k-means color compression and grayscale colorization.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("compress", help="reduce a photo to k colors (k-means)")
    p.add_argument("image", help="input image (any format Pillow reads) or a sample name")
    p.add_argument("-k", type=_positive_int, required=True, help="number of colors (≥ 1)")
    p.add_argument("-o", "--output", type=Path, required=True,
                   help="output file; .png gives an indexed PNG with the palette")
    p.add_argument("--seed", type=_seed, default=0, help="random seed (default 0)")
    p.add_argument("--overwrite", action="store_true", help="replace OUTPUT if it exists")
    p.set_defaults(run=cmd_compress)

    p = sub.add_parser("elbow", help="SSE against k, and the knee of the curve")
    p.add_argument("image", help="input image or a sample name")
    p.add_argument("--kmax", type=_positive_int, default=12, help="largest k (default 12)")
    p.add_argument("--plot", type=Path, default=None, help="also save the curve as an image")
    p.add_argument("--seed", type=_seed, default=0, help="random seed (default 0)")
    p.add_argument("--overwrite", action="store_true", help="replace the plot file if it exists")
    p.set_defaults(run=cmd_elbow)

    p = sub.add_parser("colorize", help="color the right half from the left half")
    p.add_argument("image", help="a color photo or a sample name")
    p.add_argument("--agent", choices=("knn", "neural"), default="knn",
                   help="basic KNN agent or the neural agent (default knn)")
    p.add_argument("-o", "--output", type=Path, required=True, help="output image")
    p.add_argument("--k", type=_positive_int, default=None,
                   help="number of colors (default: the agent's, 5 for knn, 8 for neural)")
    p.add_argument("--patch", type=_positive_int, default=None,
                   help="patch size, odd (default 3)")
    p.add_argument("--seed", type=_seed, default=0, help="random seed (default 0)")
    p.add_argument("--preserve-luma", action="store_true",
                   help="shift each color so its gray value matches the gray photo")
    p.add_argument("--overwrite", action="store_true", help="replace OUTPUT if it exists")
    p.set_defaults(run=cmd_colorize)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = build_parser().parse_args(argv)
    try:
        args.run(args)
    except (OSError, ValueError, TypeError) as exc:
        message = str(exc) or type(exc).__name__
        print(f"labkit {args.command}: error: {message}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
