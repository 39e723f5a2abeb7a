"""Time `dlex run lab02` (full) against the same trainings written plainly, interleaved A B A B.

    DLEX_DATA_DIR=../shared/data .venv/bin/python benchmarks/lab02_vs_plain.py --repeat 2

Both are whole processes timed from start to exit, on the same backend; the lab's
time includes its kernel start, plots, HTML report and metrics. Target: ratio ≤ 1.2.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    mnist = Path(os.environ["DLEX_DATA_DIR"]) / "mnist.npz"
    lab, plain = [], []
    for i in range(args.repeat):
        with tempfile.TemporaryDirectory() as out:
            lab.append(timed([sys.executable, "-m", "dlex", "run", "lab02", "--out", f"{out}/run"]))
        plain.append(timed([sys.executable, str(HERE / "plain" / "lab02_plain.py"), str(mnist)]))
        print(f"round {i + 1}: lab {lab[-1]:.1f} s, plain {plain[-1]:.1f} s", flush=True)
    lab_s, plain_s = statistics.median(lab), statistics.median(plain)
    print(f"median: dlex run lab02 {lab_s:.1f} s, plain Keras {plain_s:.1f} s, ratio {lab_s / plain_s:.2f}")


if __name__ == "__main__":
    main()
