"""Time `dlex run lab07` (full) against the same trainings written plainly, model by model.

    DLEX_DATA_DIR=../shared/data .venv/bin/python benchmarks/lab07_vs_plain.py
    ... --probe-epochs 2        # first: seconds per epoch of every plain model on each backend

1. Optional probe (``--probe-epochs N``): every plain model for N epochs on each installed
   backend, to show which backend is fastest for this lab's recurrent layers.
2. The full lab and the full plain script (benchmarks/plain/lab07_plain.py) on the lab's
   backend, alternately (A B A B with ``--repeat 2``), as whole processes timed from start
   to exit. Per model: seconds per epoch (median of epochs 2 onwards, both sides), epochs
   run, seconds of training, test result.

The plain script is the course's specification written plainly: reviews padded to 250,
all 25,000 training reviews, 20 epochs, no early stopping, no length buckets. The lab
trains on 20,000 (5,000 held out for early stopping), in length buckets, and stops early.
Targets (docs/performance.md, "Lab 7"): lab under 480 s, best test accuracy ≥ 0.88.
"""

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PLAIN = HERE / "plain" / "lab07_plain.py"
MODELS = (
    "embedding",
    "simple_rnn",
    "gru",
    "gru_fixed",
    "lstm",
    "gru_dropout",
    "bigru",
    "char_gru",
    "forecast",
    "forecast_stacked",
)


def plain(data_dir: str, backend: str, *extra) -> tuple[float, dict]:
    env = {**os.environ, "KERAS_BACKEND": backend, "TF_CPP_MIN_LOG_LEVEL": "3"}
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, str(PLAIN), data_dir, *extra], env=env, check=True, capture_output=True, text=True
    )
    rows = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    return time.perf_counter() - start, {row["model"]: row for row in rows}


def lab(data_dir: str) -> tuple[float, dict]:
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "dlex", "run", "lab07", "--out", f"{out}/run"],
            check=True,
            env={**os.environ, "DLEX_DATA_DIR": data_dir},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        seconds = time.perf_counter() - start
        return seconds, json.loads(Path(f"{out}/run/metrics.json").read_text())


def lab_rows(metrics: dict) -> dict:
    """Per model: seconds per epoch, epochs run, seconds of training, test accuracy (classifiers)."""
    return {
        name: {
            "seconds_per_epoch": metrics[f"{name}.seconds_per_epoch"],
            "epochs": metrics[f"{name}.epochs_run"],
            "fit_seconds": metrics[f"{name}.fit_seconds"],
            "result": metrics.get(f"{name}.test_accuracy"),
        }
        for name in MODELS
        if f"{name}.seconds_per_epoch" in metrics
    }


def probe(data_dir: str, epochs: int) -> None:
    print(f"probe: seconds per epoch, {epochs} epochs of every plain model (25,000 reviews, padded to 250)")
    for backend in ("jax", "tensorflow", "torch"):
        if importlib.util.find_spec(backend) is None:
            continue
        _, rows = plain(data_dir, backend, "--epochs", str(epochs))
        print(
            f"  {backend:11}"
            + "".join(f" {name} {row['seconds_per_epoch']:.2f}" for name, row in rows.items()),
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--probe-epochs", type=int, default=0)
    parser.add_argument(
        "--plain-epochs",
        type=int,
        default=0,
        help="train the plain models for this many epochs only (seconds per epoch "
        "is what is compared; 0: the plain script's full 20 epochs)",
    )
    args = parser.parse_args()
    data_dir = str(Path(os.environ["DLEX_DATA_DIR"]).resolve())
    if args.probe_epochs:
        probe(data_dir, args.probe_epochs)
    for i in range(args.repeat):
        lab_s, metrics = lab(data_dir)
        backend = metrics["run.backend"]
        extra = ("--epochs", str(args.plain_epochs)) if args.plain_epochs else ()
        plain_s, plain_rows = plain(data_dir, backend, *extra)
        mine = lab_rows(metrics)
        print(
            f"round {i + 1}: dlex run lab07 {lab_s:.0f} s on {backend} "
            f"(run.seconds {metrics['run.seconds']:.0f}, "
            f"best test accuracy {metrics['summary.best_test_accuracy']:.4f}); plain script {plain_s:.0f} s",
            flush=True,
        )
        print(
            f"  {'model':17}{'lab s/ep':>9}{'plain s/ep':>11}{'lab ep':>7}{'plain ep':>9}"
            f"{'lab fit s':>10}{'plain fit s':>12}  lab / plain result"
        )
        for name in MODELS:
            a, b = mine.get(name), plain_rows.get(name)
            if not (a and b):
                continue
            result = b.get("test_accuracy", b.get("rmse", b.get("val_bits_per_char")))
            shown = f"{a['result']:.4f} / {result:.4f}" if a["result"] is not None else f"- / {result:.4f}"
            print(
                f"  {name:17}{a['seconds_per_epoch']:>9.2f}{b['seconds_per_epoch']:>11.2f}{a['epochs']:>7}"
                f"{b['epochs']:>9}{a['fit_seconds']:>10.1f}{b['fit_seconds']:>12.1f}  {shown}",
                flush=True,
            )


if __name__ == "__main__":
    main()
