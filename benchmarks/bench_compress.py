"""Color compression side by side: labkit.compress vs scikit-learn, faiss, imagequant, Pillow.

    python benchmarks/bench_compress.py            # full run (about five minutes)
    python benchmarks/bench_compress.py --quick    # k = 4, 16 and 256; no sklearn on 15 MP

Every method runs in the same process, one after the other, so the *ratios* are fair on a
shared machine even when the absolute times drift. Time = fitting + assigning every pixel.
MSE over all R, G, B values (0..255) of the image each method would save: scikit-learn's
and faiss' centroids rounded to uint8 with nearest-centroid labels; imagequant and Pillow
converted back to RGB. imagequant runs twice: without dithering (its fastest call and its
lowest MSE), and as called with its defaults ("iq default": dithering 1.0), the issue's bar. Medians over seeds 0, 1, 2 (deterministic
methods: median of 3 runs; scikit-learn at k = 256 and on 15 MP: seed 0 only, 20-40 s a run).

Photos. "0.3 MP": the four bundled photos (0.14-0.27 MP). "15 MP": real large images from
Debian packages, fetched at run time into benchmarks/results/ (git-ignored) with
``apt-get download`` + ``dpkg-deb -x``: *SafeLanding* (KDE Plasma wallpaper, 5120×2880, a
digital painting with film grain: 1.14 M distinct colors, the hardest case for a color
histogram; GPL-2+) and *Elephants* (MATE wallpaper, a Sony RX100 IV camera photograph of a
painting, 5640×3172, its central 5120×2880 crop: 14.7 MP, ~0.4 M colors; GPL-2+). Where
those packages cannot be fetched, a synthetic stand-in is used and the table says so:
coffee upscaled to 5120×2880 plus sensor-like noise (Gaussian, sigma 2.5 levels) so that it
has about a million distinct colors, as a camera's photo does. The per-megapixel curve
uses central crops of the first 15 MP image at 0.3, 1, 4 and 15 MP; peak memory is the
maximum resident size (VmHWM; ``resource.getrusage`` off Linux) of a fresh process that
loads the 15 MP image and compresses it. labkit is warmed up once per image size before it
is timed (imports, and the first touch of fresh memory, slow on virtual machines like this
one); the peers run after it on the same image.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image

from labkit.compress import MAX_K, compress, elbow
from labkit.images import load_image

PHOTOS = ("coffee", "astronaut", "rocket", "chelsea")
RESULTS = Path(__file__).resolve().parent / "results"
LARGE = {  # name: (Debian package, file inside it, crop to 5120×2880)
    "SafeLanding": ("plasma-workspace-wallpapers",
                    "usr/share/wallpapers/SafeLanding/contents/images/5120x2880.jpg"),
    "Elephants": ("mate-backgrounds",
                  "usr/share/backgrounds/mate/abstract/Elephants_5640x3172.jpg"),
}
SIZE_15MP = (5120, 2880)


def _mse(a: np.ndarray, b: np.ndarray) -> float:
    diff = a.astype(np.float64) - b
    return float(np.einsum("ijk,ijk->", diff, diff) / diff.size)


def _timed(fn):
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def run_labkit(img, k, seed):
    seconds, q = _timed(lambda: compress(img, k, seed=seed))
    return seconds, q.mse


def run_sklearn(img, k, seed):
    from sklearn.cluster import KMeans

    def fit():
        pixels = img.reshape(-1, 3).astype(np.float64)
        model = KMeans(n_clusters=k, n_init=1, random_state=seed).fit(pixels)
        return model, model.predict(pixels)

    seconds, (model, labels) = _timed(fit)
    palette = np.clip(np.rint(model.cluster_centers_), 0, 255).astype(np.uint8)
    return seconds, _mse(palette[labels].reshape(img.shape), img)


def run_pillow(img, k, seed, method=Image.Quantize.MEDIANCUT):
    pil = Image.fromarray(img)
    seconds, out = _timed(lambda: pil.quantize(k, method=method).convert("RGB"))
    return seconds, _mse(np.asarray(out), img)


def run_faiss(img, k, seed):
    import faiss

    def fit():
        pixels = img.reshape(-1, 3).astype(np.float32)
        km = faiss.Kmeans(3, k, seed=seed, verbose=False)
        km.train(pixels)
        return km.centroids, km.index.search(pixels, 1)[1][:, 0]

    seconds, (centroids, labels) = _timed(fit)
    palette = np.clip(np.rint(centroids), 0, 255).astype(np.uint8)
    return seconds, _mse(palette[labels].reshape(img.shape), img)


def run_imagequant(img, k, seed, dithering=0.0):
    import imagequant

    pil = Image.fromarray(img).convert("RGBA")
    seconds, out = _timed(
        lambda: imagequant.quantize_pil_image(pil, dithering_level=dithering, max_colors=k))
    return seconds, _mse(np.asarray(out.convert("RGB")), img)


def run_imagequant_default(img, k, seed):
    """imagequant as called with its defaults (``dithering_level=1.0``): slower than
    undithered and with a higher MSE; PEERS.md's 0.3 MP, k = 256 figures are of this call."""
    return run_imagequant(img, k, seed, dithering=1.0)


def peers():
    found = {"sklearn": run_sklearn}
    if importlib.util.find_spec("faiss") is not None:
        found["faiss"] = run_faiss
    if importlib.util.find_spec("imagequant") is not None:
        found["imagequant"] = run_imagequant
        found["iq default"] = run_imagequant_default
    found["mediancut"] = run_pillow
    return found


def median_runs(fn, seeds):
    runs = [fn(seed) for seed in seeds]
    return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)


def geomean(values) -> float:
    return float(np.exp(np.mean(np.log(values))))


def large_photos() -> dict[str, tuple[np.ndarray, str]]:
    """The 15 MP images (name -> (image, note)); a synthetic one where none can be had."""
    out = {}
    Image.MAX_IMAGE_PIXELS = None
    for name, (package, member) in LARGE.items():
        path = RESULTS / package / member
        if not path.exists():
            folder = RESULTS / package
            folder.mkdir(parents=True, exist_ok=True)
            try:
                subprocess.run(["apt-get", "download", "-q", package], cwd=folder, check=True,
                               capture_output=True, timeout=600)
                deb = next(folder.glob(f"{package}_*.deb"))
                subprocess.run(["dpkg-deb", "-x", str(deb), str(folder)], check=True,
                               capture_output=True, timeout=600)
            except (OSError, subprocess.SubprocessError, StopIteration) as exc:
                print(f"(could not fetch {package}: {exc})", file=sys.stderr)
                continue
        with Image.open(path) as im:
            img = np.asarray(im.convert("RGB"))
        h, w = img.shape[:2]
        top, left = (h - SIZE_15MP[1]) // 2, (w - SIZE_15MP[0]) // 2
        img = np.ascontiguousarray(img[top:top + SIZE_15MP[1], left:left + SIZE_15MP[0]])
        out[name] = (img, "real, Debian " + package)
    if not out:
        big = Image.fromarray(load_image("coffee")).resize(SIZE_15MP, Image.Resampling.LANCZOS)
        noisy = np.asarray(big) + np.random.default_rng(0).normal(0, 2.5, (*SIZE_15MP[::-1], 3))
        out["synthetic"] = (np.clip(np.rint(noisy), 0, 255).astype(np.uint8),
                            "SYNTHETIC: upscaled coffee + noise")
    return out


def peak_rss_mb(path: Path, k: int) -> float:
    """Peak resident memory of a fresh process that loads ``path`` (.npy) and compresses.

    Read from /proc/self/status (VmHWM, which starts afresh at exec) where there is one:
    ``getrusage``'s ru_maxrss survives exec on Linux, so a child started from this large
    process would report this process's size. Elsewhere ru_maxrss."""
    code = ("import resource, numpy as np; from labkit.compress import compress; "
            f"compress(np.load({str(path)!r}), {k}, seed=0); "
            "hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')] "
            "if __import__('os').path.exists('/proc/self/status') else []; "
            "print(int(hwm[0].split()[1]) if hwm else "
            "resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                         text=True)
    return int(out.stdout.split()[-1]) / 1024


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short run (about a minute)")
    args = parser.parse_args(argv)

    seeds = (0, 1, 2)
    ks = (4, 16) if args.quick else (4, 8, 16, 32)
    found = peers()
    compress(load_image("chelsea"), 4, seed=0)  # warm up imports and caches

    cols = ["photo", "k", "labkit s", "MSE labkit"]
    for p in found:
        cols += [f"{p} s", f"{p} MSE ratio"]
    print("| " + " | ".join(cols) + " |")
    print("|" + "---|" * len(cols))

    def row(name, img, k, skip=(), sk_seeds=seeds):
        ours_t, ours_mse = median_runs(lambda s: run_labkit(img, k, s), seeds)
        cells = [name, k, f"{ours_t:.3f}", f"{ours_mse:.2f}"]
        results = {}
        for p, run in found.items():
            if p in skip:
                cells += ["—", "—"]
                continue
            p_seeds = sk_seeds if p == "sklearn" else seeds
            p_t, p_mse = median_runs(lambda s, run=run: run(img, k, s), p_seeds)
            results[p] = (p_t, p_mse)
            cells += [f"{p_t:.3f}", f"{p_mse / ours_mse:.3f}"]
        print("| " + " | ".join(str(c) for c in cells) + " |", flush=True)
        return ours_t, ours_mse, results

    small = {name: load_image(name) for name in PHOTOS}
    times, speedups, ratios = {}, [], []
    for name, img in small.items():
        for k in ks:
            t, mse, res = row(f"{name} {img.shape[1]}x{img.shape[0]}", img, k)
            times[(name, k)] = t
            speedups.append(res["sklearn"][0] / t)
            ratios.append(mse / res["sklearn"][1])
    big_k = {}
    for name, img in small.items():
        skip = ("sklearn", "faiss") if args.quick else ("faiss",)
        big_k[name] = row(f"{name} {img.shape[1]}x{img.shape[0]}", img, 256, skip=skip,
                          sk_seeds=(0,))
    large = large_photos()
    # Warm up on the large images too: on this kind of virtual machine a process's first
    # touch of fresh memory costs about 10 µs a page (5 s for 500 MB, measured), which
    # would be charged to whichever method runs first.
    cold = [_timed(lambda img=img: compress(img, 16, seed=0))[0] for img, _ in large.values()]
    print(f"(first 15 MP compress in this process, cold memory: {cold[0]:.2f} s; "
          "the rows below are warm)", file=sys.stderr)
    large_rows = {}
    for name, (img, note) in large.items():
        skip = ("sklearn",) if args.quick else ()
        large_rows[name] = row(f"{name} {img.shape[1]}x{img.shape[0]} ({note})", img, 16,
                               skip=skip, sk_seeds=(0,))
    print("\n(MSE ratio = the peer's MSE / labkit's: above 1, labkit is better.)\n")

    first, (img15, _) = next(iter(large.items())), next(iter(large.values()))
    print("| size | pixels | labkit s (k=16, median of 3 seeds) | s per megapixel |")
    print("|---|---|---|---|")
    h, w = img15.shape[:2]
    for mp in (0.3, 1, 4, 15):
        side = np.sqrt(mp * 1e6 / (w * h))
        ch, cw = min(h, int(h * side)), min(w, int(w * side))
        crop = np.ascontiguousarray(img15[(h - ch) // 2:(h - ch) // 2 + ch,
                                          (w - cw) // 2:(w - cw) // 2 + cw])
        run_labkit(crop, 16, 0)  # warm up (fresh memory for this size)
        t, _ = median_runs(lambda s, crop=crop: run_labkit(crop, 16, s), seeds)
        print(f"| {mp} MP ({cw}x{ch}) | {crop.shape[0] * crop.shape[1]:,} | {t:.3f} | "
              f"{t / (crop.shape[0] * crop.shape[1] / 1e6):.4f} |", flush=True)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "photo.npy"
        np.save(path, img15)
        rss = peak_rss_mb(path, 16)
    print(f"\n- peak memory, {first[0]} k=16 in a fresh process: {rss:.0f} MB")
    max_k = [("coffee 0.24 MP", small["coffee"])] + ([] if args.quick else [(first[0], img15)])
    for name, img in max_k:
        t, q = _timed(lambda img=img: compress(img, MAX_K, seed=0))
        print(f"- k = MAX_K = {MAX_K} on {name}: {t:.1f} s ({q.n_iter} refinement iterations)")
    t, _ = _timed(lambda: elbow(small["coffee"], range(1, 13), seed=0))
    print(f"- elbow k=1..12 on coffee (0.24 MP): {t:.2f} s")

    def verdict(ok):
        return "PASS" if ok else "FAIL"

    worst = max(times.values())  # each a median over the seeds
    sp, gr = geomean(speedups), geomean(ratios)
    print(f"- 0.3 MP, k <= 32: worst photo {worst:.3f} s (goal < 0.1 s): {verdict(worst < 0.1)}; "
          f"{sp:.1f}x scikit-learn (geomean, goal >= 8x): {verdict(sp >= 8)}; MSE ratio "
          f"{gr:.4f} (geomean, goal <= 1.00): {verdict(gr <= 1.0)}")
    for name, (t, mse, res) in big_k.items():
        parts = [f"{t:.3f} s (goal <= 0.3 s): {verdict(t <= 0.3)}"]
        for peer, call in (("iq default", "imagequant's default (dithered)"),
                           ("imagequant", "imagequant undithered")):
            if peer in res:
                p_t, p_mse = res[peer]
                parts.append(f"{call} {p_t:.3f} s, MSE {p_mse:.2f} vs ours {mse:.2f}: "
                             f"{verdict(t <= p_t and mse < p_mse)}")
        if "sklearn" in res:
            parts.append(f"MSE {mse / res['sklearn'][1]:.4f}x sklearn (goal <= 1.01): "
                         f"{verdict(mse <= 1.01 * res['sklearn'][1])}")
        print(f"- k=256 {name}: " + "; ".join(parts))
    for name, (t, mse, res) in large_rows.items():
        parts = [f"{t:.3f} s (goal <= 0.4 s): {verdict(t <= 0.4)}"]
        if "faiss" in res:
            parts.append(f"{res['faiss'][0] / t:.2f}x faster than faiss (goal >= 1.5x): "
                         f"{verdict(res['faiss'][0] >= 1.5 * t)}")
        if "sklearn" in res:
            parts.append(f"MSE {mse / res['sklearn'][1]:.4f}x sklearn (goal <= 1): "
                         f"{verdict(mse <= res['sklearn'][1])}")
        print(f"- 15 MP {name} k=16: " + "; ".join(parts))
    print(f"- 15 MP peak memory {rss:.0f} MB (goal <= 1536 MB): {verdict(rss <= 1536)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
