"""Colorization benchmark: both agents on every sample photo, and the exact 6-NN search.

    python benchmarks/bench_colorize.py            # all photos + a 640×400 photo
    python benchmarks/bench_colorize.py --quick    # the cat + a 320×200 photo, fewer peers

Prints markdown tables:

1. per photo: time and test RMSE of the KNN agent and the neural agent (defaults), plain
   and luma-preserving (both are scored in one run, see ``labkit.colorize``);
2. the 6-nearest-neighbour search of the 640×400 photo's right-half patches among its
   left-half patches: our agent (k-d tree, ``labkit._fast.neighbors``) and its engine's
   two libraries, vs pykdtree and scipy's cKDTree called directly, scikit-learn
   (kd_tree, exact), our brute force (``KNNAgent(search="brute")``) and the seed's
   per-patch loop (both timed on a few hundred queries, extrapolated); every method's
   distances are checked against ours;
3. PASS/FAIL of the targets: 640×400 basic agent ≤ 15 s and ≥ 50× faster than the seed
   loop; neural ≤ 30 s and a lower test RMSE than KNN on most photos; preserve_luma
   lowers the test RMSE for both agents on most photos.

Timings on a shared 2-core machine are noisy: compare ratios within one run.

A NumPy search pruned by the lower bound ‖a − b‖² ≥ (s(a) − s(b))² / p² on the patch sums
s was measured here too (2026-12-01, --quick): exact, but 12× slower than the k-d tree on
the 320×200 photo (4.79 s against 0.40 s), so labkit dropped it.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
from PIL import Image

from labkit._fast.neighbors import KDTree as EngineTree
from labkit._fast.neighbors import available_library
from labkit.colorize import colorize
from labkit.images import load_image, sample_images, to_gray
from labkit.knn import KNNAgent
from labkit.patches import column_features


def timed(fn, repeat=1):
    """(median seconds, last result) of ``repeat`` calls."""
    times, out = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), out


def resized(name: str, width: int, height: int) -> np.ndarray:
    img = Image.fromarray(load_image(name)).resize((width, height), Image.LANCZOS)
    return np.asarray(img)


def photos(quick: bool) -> dict[str, np.ndarray]:
    if quick:
        return {"chelsea": load_image("chelsea"), "coffee 320×200": resized("coffee", 320, 200)}
    out = {name: load_image(name) for name in sample_images()}
    out["coffee 640×400"] = resized("coffee", 640, 400)
    return out


def agents_table(imgs: dict[str, np.ndarray]):
    try:
        import labkit.neural  # noqa: F401
        agents = ("knn", "neural")
    except ImportError as exc:
        print(f"> note: labkit.neural does not import yet ({exc}); the neural agent is skipped\n")
        agents = ("knn",)
    rows = {}
    print("| photo | size | agent | time (s) | test RMSE | test RMSE, preserve_luma | "
          "train RMSE (knn: leave-one-out) | accuracy vs k-means |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for name, img in imgs.items():
        for agent in agents:
            seconds, c = timed(lambda img=img, agent=agent: colorize(img, agent, seed=0))
            m = c.metrics
            rows[name, agent] = (seconds, m.test["rmse"], m.test_luma["rmse"])
            print(f"| {name} | {img.shape[1]}×{img.shape[0]} | {agent} | {seconds:.2f} | "
                  f"{m.test['rmse']:.2f} | {m.test_luma['rmse']:.2f} | {m.train['rmse']:.2f} | "
                  f"{m.accuracy:.3f} |")
    print()
    return rows, agents


def seed_loop(train: np.ndarray, queries: np.ndarray, n: int = 6) -> np.ndarray:
    """The seed's search: for each query, distances to every training patch, argsort."""
    train = train.astype(np.float64)
    out = np.empty((len(queries), n), dtype=np.intp)
    for i, q in enumerate(queries.astype(np.float64)):
        distances = np.linalg.norm(train - q, axis=1)
        out[i] = np.argsort(distances)[:n]
    return out


def search_table(img: np.ndarray, quick: bool, repeat: int) -> dict[str, float]:
    from pykdtree.kdtree import KDTree
    from scipy.spatial import cKDTree
    from sklearn.neighbors import NearestNeighbors

    gray = to_gray(img)
    half = gray.shape[1] // 2
    train, queries = column_features(gray, 0, half), column_features(gray, half, gray.shape[1])
    m = len(queries)
    zeros = np.zeros(len(train), int)
    t_ours, (ref, _) = timed(lambda: KNNAgent().fit(train, zeros).kneighbors(queries), repeat)

    def same(d):
        return "yes" if np.allclose(np.asarray(d, float).reshape(ref.shape), ref,
                                    rtol=0, atol=1e-6) else "NO"

    rows = [(f"labkit KNNAgent (k-d tree: {available_library()})", t_ours, "yes", "")]

    def engine(library):
        return EngineTree(train, library).query(queries, 6)[0] ** 0.5
    for library in ("pykdtree", "scipy"):
        t, d = timed(lambda library=library: engine(library), repeat)
        rows.append((f"labkit._fast.neighbors.KDTree(library={library!r})", t, same(d), ""))

    def pykd():
        d, _ = KDTree(train.astype(np.float64)).query(queries.astype(np.float64), k=6)
        return d
    t, d = timed(pykd, repeat)
    rows.append(("pykdtree, float64 (direct)", t, same(d), ""))

    def ckd():
        d, _ = cKDTree(train.astype(np.float64)).query(queries.astype(np.float64), k=6,
                                                       workers=-1)
        return d
    t, d = timed(ckd, repeat)
    rows.append(("scipy cKDTree (workers=-1)", t, same(d), ""))

    def sk():
        nn = NearestNeighbors(n_neighbors=6, algorithm="kd_tree").fit(train)
        return nn.kneighbors(queries)[0]
    t, d = timed(sk)
    rows.append(("scikit-learn NearestNeighbors(kd_tree)", t, same(d), ""))

    sub = np.random.default_rng(0).choice(m, 2000 if not quick else 500, replace=False)

    def extrapolate(fn, label, note_sub):
        fn()  # warm-up: the first matrix products pay for BLAS threads and fresh pages
        t, d = timed(fn)
        rows.append((label, t * m / len(sub), same_sub(d), f"extrapolated from {note_sub}"))

    def same_sub(d):
        return "yes" if np.allclose(d, ref[sub], rtol=0, atol=1e-6) else "NO"

    brute = KNNAgent(search="brute").fit(train, zeros)
    extrapolate(lambda: brute.kneighbors(queries[sub])[0],
                "labkit KNNAgent(search='brute') (NumPy matrix products)", f"{len(sub)} queries")
    n_loop = 200 if not quick else 50
    t, idx = timed(lambda: seed_loop(train, queries[:n_loop]))
    loop_d = np.sqrt(((train[idx].astype(np.int64)
                       - queries[:n_loop, None].astype(np.int64)) ** 2).sum(-1))
    ok = "yes" if np.allclose(np.sort(loop_d, 1), ref[:n_loop]) else "NO"
    t_loop = t * m / n_loop
    rows.append(("seed loop (np.linalg.norm + argsort per patch)", t_loop, ok,
                 f"extrapolated from {n_loop} queries"))

    print(f"Exact 6-NN search, {img.shape[1]}×{img.shape[0]} photo: {len(train):,} left-half "
          f"3×3 patches, {m:,} right-half queries (build + query)\n")
    print("| method | time (s) | × ours | same distances as ours | note |")
    print("| --- | --- | --- | --- | --- |")
    for label, t, ok, note in rows:
        print(f"| {label} | {t:.2f} | {t / t_ours:.1f} | {ok} | {note} |")
    print()
    return {"ours": t_ours, "seed_loop": t_loop}


def verdicts(rows, agents, big: str, search: dict[str, float], quick: bool) -> None:
    def line(ok, text):
        print(f"- {'PASS' if ok else 'FAIL'}: {text}")

    print("Targets" + (" (quick run: on the 320×200 photo, not the 640×400 one)" if quick else "")
          + ":\n")
    t_knn = rows[big, "knn"][0]
    line(t_knn <= 15, f"basic agent on {big}: {t_knn:.1f} s ≤ 15 s (whole colorize: k-means, "
                      "patches, fit, predict both halves, metrics)")
    ratio = search["seed_loop"] / t_knn
    line(ratio >= 50, f"basic agent ≥ 50× faster than the seed loop's search alone: {ratio:.0f}×")
    names = sorted({name for name, _ in rows})
    if "neural" in agents:
        t_nn = rows[big, "neural"][0]
        line(t_nn <= 30, f"neural agent on {big}: {t_nn:.1f} s ≤ 30 s")
        wins = sum(rows[n, "neural"][1] < rows[n, "knn"][1] for n in names)
        line(2 * wins > len(names), f"neural test RMSE lower than KNN's on {wins} of "
                                    f"{len(names)} photos")
    else:
        print("- SKIPPED: neural targets (labkit.neural missing)")
    for agent in agents:
        wins = sum(rows[n, agent][2] < rows[n, agent][1] for n in names)
        line(2 * wins > len(names), f"preserve_luma lowers {agent}'s test RMSE on {wins} of "
                                    f"{len(names)} photos")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a short run (under a minute)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="repeats of the tree searches (median reported)")
    args = parser.parse_args()
    imgs = photos(args.quick)
    big = list(imgs)[-1]
    rows, agents = agents_table(imgs)
    search = search_table(imgs[big], args.quick, args.repeat)
    verdicts(rows, agents, big, search, args.quick)


if __name__ == "__main__":
    main()
