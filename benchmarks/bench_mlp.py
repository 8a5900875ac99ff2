"""Benchmark of the from-scratch network and the neural colorization agent.

1. Training time per epoch of the 9-20-20-8 network on the ≈128k left-half patches of
   coffee.png resized to 640×400 (Pillow LANCZOS), for each optimiser, next to
   scikit-learn's MLPClassifier (same architecture, Adam, same batch size) as the peer.
   An epoch includes the pass that records the loss on all training samples afterwards
   (``MLP.loss_history_``; its cost is shown on its own row); scikit-learn's
   ``loss_curve_`` is the mean of the batch losses met during the epoch, with no such pass.
   ``sgd`` makes one Python step per sample: it is timed on a subset and extrapolated.
2. The NeuralAgent's defaults on each bundled photo: fit + predict time and test RMSE
   (right half against the original), next to the KNN agent (6 neighbours, majority
   vote) with the same k = 8 colors and with its own default k = 5.

Run: ``python benchmarks/bench_mlp.py [--quick]``. Prints markdown tables.
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
from PIL import Image

from labkit import compress, load_image, sample_images, split_halves, to_gray
from labkit.mlp import DEFAULT_LEARNING_RATES, MLP
from labkit.neural import BATCH_SIZE, NeuralAgent
from labkit.patches import column_features


def photo_task(img: np.ndarray, k: int):
    """Left/right patches, left labels and palette, as the colorization pipeline builds them."""
    img = np.ascontiguousarray(img)
    _height, width = img.shape[:2]
    half = width // 2
    left, right = split_halves(img)
    q = compress(np.ascontiguousarray(left), k, seed=0)
    gray = to_gray(img)
    X_left = column_features(gray, 0, half)
    X_right = column_features(gray, half, width)
    return X_left, q.labels.ravel().astype(np.intp), X_right, q.palette, left, right


def rmse(labels: np.ndarray, palette: np.ndarray, original: np.ndarray) -> float:
    colored = palette[labels].reshape(original.shape).astype(float)
    return float(np.sqrt(np.mean((colored - original.astype(float)) ** 2)))


def epoch_times(X, y, quick: bool) -> list[dict]:
    """Seconds per epoch of each optimiser (median over repeats)."""
    epochs, repeats = (1, 1) if quick else (2, 3)
    rows = []
    for optimizer in ("gd", "mbgd", "momentum", "adam"):
        times, loss = [], None
        for _ in range(repeats):
            net = MLP((9, 20, 20, 8), "sigmoid", seed=0)
            t = time.perf_counter()
            net.fit(X, y, optimizer=optimizer, epochs=epochs, batch_size=BATCH_SIZE)
            times.append((time.perf_counter() - t) / epochs)
            loss = net.loss_history_[-1]
        rows.append({"method": f"labkit {optimizer}", "per_epoch": np.median(times),
                     "steps": 1 if optimizer == "gd" else -(-len(X) // BATCH_SIZE),
                     "loss": loss, "note": f"lr={DEFAULT_LEARNING_RATES[optimizer]}"})
    net = MLP((9, 20, 20, 8), "sigmoid", seed=0).fit(X, y, epochs=1, batch_size=BATCH_SIZE)
    times = []
    for _ in range(3 if quick else 7):
        t = time.perf_counter()
        net.loss(X, y)  # the same pass as the one after each epoch, plus the input checks
        times.append(time.perf_counter() - t)
    rows.append({"method": "labkit: loss on all samples", "per_epoch": min(times), "steps": 0,
                 "loss": float("nan"), "note": "included once in every epoch above"})
    subset = 2000 if quick else 8000
    net = MLP((9, 20, 20, 8), "sigmoid", seed=0)
    t = time.perf_counter()
    net.fit(X[:subset], y[:subset], optimizer="sgd", epochs=1)
    per_sample = (time.perf_counter() - t) / subset
    rows.append({"method": "labkit sgd", "per_epoch": per_sample * len(X), "steps": len(X),
                 "loss": float("nan"), "note": f"extrapolated from {subset} samples"})
    try:
        from sklearn.exceptions import ConvergenceWarning
        from sklearn.neural_network import MLPClassifier
    except ImportError:
        return rows
    times = []
    for _ in range(repeats):
        clf = MLPClassifier((20, 20), activation="logistic", solver="adam", batch_size=BATCH_SIZE,
                            learning_rate_init=0.01, max_iter=epochs, tol=0, alpha=0.0,
                            n_iter_no_change=10**6, random_state=0)
        t = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            clf.fit(X.astype(float) / 255, y)
        times.append((time.perf_counter() - t) / epochs)
    rows.append({"method": "scikit-learn MLPClassifier adam", "per_epoch": np.median(times),
                 "steps": -(-len(X) // BATCH_SIZE), "loss": clf.loss_curve_[-1],
                 "note": "peer: same network, lr=0.01, inputs X / 255"})
    return rows


def agent_rows(names, seeds, quick: bool) -> list[dict]:
    from labkit.knn import KNNAgent

    rows = []
    for name in names:
        img = load_image(name)
        X_left, y_left, X_right, palette, left, right = photo_task(img, 8)
        fits, tests, trains = [], [], []
        for seed in seeds:
            t = time.perf_counter()
            agent = NeuralAgent(seed=seed).fit(X_left, y_left)
            pred = agent.predict(X_right)
            fits.append(time.perf_counter() - t)
            tests.append(rmse(pred, palette, right))
            trains.append(rmse(agent.predict(X_left), palette, left))
        row = {"photo": f"{name} {img.shape[1]}×{img.shape[0]}", "n": len(X_left),
               "neural_time": np.median(fits), "neural_test": np.median(tests),
               "neural_range": (min(tests), max(tests)), "neural_train": np.median(trains)}
        for k in (8,) if quick else (8, 5):
            if k != 8:
                X_left, y_left, X_right, palette, left, right = photo_task(img, k)
            t = time.perf_counter()
            pred = KNNAgent(k=k).fit(X_left, y_left).predict(X_right)
            row[f"knn{k}_time"] = time.perf_counter() - t
            row[f"knn{k}_test"] = rmse(pred, palette, right)
        rows.append(row)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats, one photo")
    quick = parser.parse_args().quick

    coffee = np.asarray(Image.fromarray(load_image("coffee")).resize((640, 400),
                                                                      Image.LANCZOS))
    X, y, *_ = photo_task(coffee, 8)
    print(f"## Training time per epoch: 9-20-20-8 sigmoid network, {len(X):,} patches "
          f"(coffee 640×400), batch {BATCH_SIZE}\n")
    rows = epoch_times(X, y, quick)
    adam = next(r["per_epoch"] for r in rows if r["method"] == "labkit adam")
    print("| method | s / epoch | vs labkit adam | steps / epoch | loss after the epoch | note |")
    print("| --- | --- | --- | --- | --- | --- |")
    for r in rows:
        loss = "—" if np.isnan(r["loss"]) else f"{r['loss']:.3f}"
        print(f"| {r['method']} | {r['per_epoch']:.3f} | {r['per_epoch'] / adam:.2f}× | "
              f"{r['steps']:,} | {loss} | {r['note']} |")

    names = ["chelsea"] if quick else sample_images()
    seeds = (0,) if quick else (0, 1, 2)
    agent = NeuralAgent()
    print(f"\n## NeuralAgent defaults ({agent!r}) against the KNN agent\n")
    print(f"Neural: median over seeds {list(seeds)} of fit + predict time and test RMSE "
          "(right half vs original, 0..255); KNN: 6 neighbours, majority vote.\n")
    cols = "| photo | train patches | neural fit+predict s | neural test RMSE (min–max) | " \
           "neural train RMSE | KNN k=8 s | KNN k=8 test RMSE |"
    if not quick:
        cols += " KNN k=5 test RMSE |"
    print(cols)
    print("|" + " --- |" * (cols.count("|") - 1))
    for r in agent_rows(names, seeds, quick):
        lo, hi = r["neural_range"]
        line = (f"| {r['photo']} | {r['n']:,} | {r['neural_time']:.1f} | "
                f"{r['neural_test']:.2f} ({lo:.2f}–{hi:.2f}) | {r['neural_train']:.2f} | "
                f"{r['knn8_time']:.1f} | {r['knn8_test']:.2f} |")
        if not quick:
            line += f" {r['knn5_test']:.2f} |"
        print(line)


if __name__ == "__main__":
    main()
