"""Color compression side by side: labkit.compress vs scikit-learn KMeans vs Pillow.

    python benchmarks/bench_compress.py            # full run (several minutes)
    python benchmarks/bench_compress.py --quick    # k = 4 and 16; no sklearn on 15 MP

Every method runs in the same process, one after the other, so the *ratios* are fair on a
shared machine even when the absolute times drift. Time = fitting + assigning every
pixel. MSE over all R, G, B values (0..255) of the image each method would save:
scikit-learn's centroids rounded to uint8 with ``predict`` labels; Pillow's quantized
image converted back to RGB. Medians over seeds 0, 1, 2 (Pillow is deterministic: median
of 3 runs). Optional peers (faiss, imagequant) run only if importable.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import time

import numpy as np
from PIL import Image

from labkit.compress import compress, elbow
from labkit.images import load_image

PHOTOS = ("coffee", "astronaut", "rocket", "chelsea")


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


def run_pillow(img, k, method):
    pil = Image.fromarray(img)
    seconds, out = _timed(lambda: pil.quantize(k, method=method).convert("RGB"))
    return seconds, _mse(np.asarray(out), img)


def optional_peers():
    peers = {}
    if importlib.util.find_spec("faiss") is not None:

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

        peers["faiss"] = run_faiss
    if importlib.util.find_spec("imagequant") is not None:

        def run_imagequant(img, k, seed):
            import imagequant

            pil = Image.fromarray(img).convert("RGBA")
            seconds, out = _timed(lambda: imagequant.quantize_pil_image(pil, dithering_level=0.0, max_colors=k))
            return seconds, _mse(np.asarray(out.convert("RGB")), img)

        peers["imagequant"] = run_imagequant
    return peers


def median_runs(fn, seeds):
    runs = [fn(seed) for seed in seeds]
    return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)


def geomean(values) -> float:
    return float(np.exp(np.mean(np.log(values))))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short run (well under a minute)")
    args = parser.parse_args(argv)

    seeds = (0, 1, 2)
    ks = (4, 16) if args.quick else (4, 8, 16, 32)
    peers = optional_peers()
    cut, octree = Image.Quantize.MEDIANCUT, Image.Quantize.FASTOCTREE

    cols = ["photo", "k", "labkit s", "sklearn s", "speed-up", "MSE labkit", "MSE ratio",
            "mediancut s", "MSE ratio", "octree s", "MSE ratio"]
    cols += [f"{p} {h}" for p in peers for h in ("s", "MSE ratio")]
    print("| " + " | ".join(cols) + " |")
    print("|" + "---|" * len(cols))
    speedups, ratios, small_times, rows_15 = [], [], [], []

    def row(name, img, k, run_sk=True):
        ours_t, ours_mse = median_runs(lambda s: run_labkit(img, k, s), seeds)
        if run_sk:
            # sklearn on 15 MP takes 20-40 s per seed: one seed only.
            sk_seeds = seeds if img.size < 3e6 else (0,)
            sk_t, sk_mse = median_runs(lambda s: run_sklearn(img, k, s), sk_seeds)
        else:
            sk_t = sk_mse = float("nan")
        mc_t, mc_mse = median_runs(lambda s: run_pillow(img, k, cut), seeds)
        oc_t, oc_mse = median_runs(lambda s: run_pillow(img, k, octree), seeds)
        cells = [name, k, f"{ours_t:.3f}", f"{sk_t:.3f}", f"{sk_t / ours_t:.1f}x",
                 f"{ours_mse:.2f}", f"{ours_mse / sk_mse:.4f}", f"{mc_t:.3f}",
                 f"{mc_mse / sk_mse:.3f}", f"{oc_t:.3f}", f"{oc_mse / sk_mse:.3f}"]
        for run in peers.values():
            p_t, p_mse = median_runs(lambda s, run=run: run(img, k, s), seeds)
            cells += [f"{p_t:.3f}", f"{p_mse / sk_mse:.3f}"]
        print("| " + " | ".join(str(c) for c in cells) + " |", flush=True)
        return ours_t, sk_t, ours_mse / sk_mse, mc_t

    for name in PHOTOS:
        img = load_image(name)
        for k in ks:
            ours_t, sk_t, ratio, _ = row(f"{name} {img.shape[1]}x{img.shape[0]}", img, k)
            speedups.append(sk_t / ours_t)
            ratios.append(ratio)
            small_times.append(ours_t)

    big = np.asarray(Image.fromarray(load_image("coffee")).resize((4740, 3160),
                                                                  Image.Resampling.LANCZOS))
    rows_15.append(row("coffee 4740x3160 (15 MP)", big, 16, run_sk=not args.quick))

    start = time.perf_counter()
    elbow(load_image("coffee"), range(1, 13), seed=0)
    elbow_s = time.perf_counter() - start

    def verdict(ok):
        return "PASS" if ok else "FAIL"

    print()
    sp, gr, wr = geomean(speedups), geomean(ratios), max(ratios)
    print(f"- 0.3 MP speed-up vs sklearn (geomean): {sp:.1f}x (bar >= 5x): {verdict(sp >= 5)}")
    print(f"- 0.3 MP MSE ratio vs sklearn: geomean {gr:.4f} (bar <= 1.01), worst {wr:.4f} "
          f"(bar <= 1.05): {verdict(gr <= 1.01 and wr <= 1.05)}")
    print(f"- 0.3 MP time per compress: worst {max(small_times):.3f} s, median "
          f"{statistics.median(small_times):.3f} s (goal < 0.1 s): "
          f"{verdict(max(small_times) < 0.1)}")
    ours_t, sk_t, ratio, mc_t = rows_15[0]
    if np.isnan(sk_t):
        vs_sklearn = "sklearn not run (--quick)"
    else:
        vs_sklearn = (f"{sk_t / ours_t:.1f}x faster than sklearn (bar >= 20x): "
                      f"{verdict(sk_t / ours_t >= 20)}; MSE ratio {ratio:.4f} (bar <= 1.02): "
                      f"{verdict(ratio <= 1.02)}")
    print(f"- 15 MP k=16: {ours_t:.2f} s; {vs_sklearn}; vs Pillow median cut {mc_t:.2f} s: "
          f"{verdict(ours_t < mc_t)}; goal <= 1 s: {verdict(ours_t <= 1)}")
    print(f"- elbow k=1..12 on coffee (0.24 MP): {elbow_s:.2f} s (bar < 3 s): "
          f"{verdict(elbow_s < 3)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
