"""Time `dlex run lab06` (full) against the same trainings written plainly, on the fastest backend.

    DLEX_DATA_DIR=../shared/data .venv/bin/python benchmarks/lab06_vs_plain.py --repeat 2

1. Probe: two epochs of the plain CNN on each installed backend (JAX, TensorFlow, and
   PyTorch in channels-first: channels-last is ten times slower there, see
   benchmarks/backends.py), seconds per epoch of the second epoch.
2. The full lab and the full plain script (on the fastest backend of step 1), alternately
   (A B A B), as whole processes timed from start to exit. Per epoch, the lab's
   `cnn.seconds_per_epoch` is compared with the plain script's; both are the fit's wall
   time divided by the epochs run. Targets: per-epoch ratio ≤ 1, lab under 240 s.
"""

import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PLAIN = HERE / "plain" / "lab06_plain.py"


def plain(mnist: Path, backend: str, *extra, data_format=None) -> tuple[float, list[dict]]:
    env = {**os.environ, "KERAS_BACKEND": backend, "TF_CPP_MIN_LOG_LEVEL": "3"}
    layout = ["--channels-first"] if data_format == "channels_first" else []
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, str(PLAIN), str(mnist), *extra, *layout],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    rows = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    return time.perf_counter() - start, rows


def probe(mnist: Path) -> dict:
    """Seconds per epoch of the plain CNN (second of two epochs) on each installed backend."""
    found = {}
    setups = [("jax", None), ("tensorflow", None), ("torch", "channels_first")]
    for backend, data_format in setups:
        if importlib.util.find_spec(backend) is None:
            continue
        _, one = plain(mnist, backend, "--only", "cnn", "--epochs", "1", data_format=data_format)
        _, two = plain(mnist, backend, "--only", "cnn", "--epochs", "2", data_format=data_format)
        second = 2 * two[0]["seconds_per_epoch"] - one[0]["seconds_per_epoch"]
        label = backend + (f" ({data_format})" if data_format else "")
        found[label] = (backend, data_format, second)
        print(f"probe: {label:26} {second:6.2f} s per epoch (50,000 images)", flush=True)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--backend", help="skip the probe; time the plain script on this backend")
    args = parser.parse_args()
    mnist = Path(os.environ["DLEX_DATA_DIR"]) / "mnist.npz"
    if args.backend:
        backend, data_format = args.backend, None
    else:
        label, (backend, data_format, _) = min(probe(mnist).items(), key=lambda item: item[1][2])
        print(f"fastest: {label}", flush=True)
    lab_s, plain_s, lab_epoch, plain_epoch = [], [], [], []
    for i in range(args.repeat):
        with tempfile.TemporaryDirectory() as out:
            start = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "dlex", "run", "lab06", "--out", f"{out}/run"],
                check=True,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            lab_s.append(time.perf_counter() - start)
            metrics = json.loads(Path(f"{out}/run/metrics.json").read_text())
        seconds, rows = plain(mnist, backend, data_format=data_format)
        plain_s.append(seconds)
        cnn = next(r for r in rows if r["model"] == "cnn")
        lab_epoch.append(metrics["cnn.seconds_per_epoch"])
        plain_epoch.append(cnn["seconds_per_epoch"])
        print(
            f"round {i + 1}: lab {lab_s[-1]:.1f} s on {metrics['run.backend']} "
            f"(CNN {metrics['cnn.epochs_run']} epochs, {lab_epoch[-1]:.2f} s/epoch, "
            f"test accuracy {metrics['cnn.test_accuracy']:.4f}); "
            f"plain {plain_s[-1]:.1f} s on {backend} (CNN {cnn['epochs']} epochs, "
            f"{plain_epoch[-1]:.2f} s/epoch, test accuracy {cnn['test_accuracy']:.4f})",
            flush=True,
        )
    median = statistics.median
    ratio = median(lab_epoch) / median(plain_epoch)
    print(
        f"median: dlex run lab06 {median(lab_s):.1f} s, plain Keras {median(plain_s):.1f} s; "
        f"CNN seconds per epoch: lab {median(lab_epoch):.2f}, plain {median(plain_epoch):.2f}, "
        f"ratio {ratio:.2f}"
    )


if __name__ == "__main__":
    main()
