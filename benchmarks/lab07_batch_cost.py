"""Cost of Lab 7's GRU classifier per review and time step, by batch size and backend.

    for b in jax tensorflow; do KERAS_BACKEND=$b python benchmarks/lab07_batch_cost.py; done
    python benchmarks/lab07_batch_cost.py 32 128      # other batch sizes

Trains the lab's practitioner's GRU classifier, built as `dlex bench` builds it
(`lab07.gru_fixed`: Embedding(10000, 32) → GRU(32) → Dense(1, sigmoid), RMSprop, small
L2), on random word numbers, 250 words per review, at each batch size: ten batches,
three times after a compiling first batch; prints the best round's training time per
review and time step in microseconds. This chose Lab 7's backend and its batches of 32 (docs/performance.md,
"Lab 7").
"""

import argparse
import time

import keras
import numpy as np

from dlex.bench.models import SPECS

WIDTH, BATCHES, ROUNDS = 250, 10, 3

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument(
    "sizes",
    nargs="*",
    type=int,
    default=[32, 64, 256, 1024],
    metavar="BATCH_SIZE",
    help="batch sizes to time (default: 32 64 256 1024)",
)
sizes = parser.parse_args().sizes
if any(size < 1 for size in sizes):
    parser.error(f"batch sizes must be positive whole numbers, not {sizes}")

rng = np.random.default_rng(0)
for batch in sizes:
    keras.utils.set_random_seed(1)
    model = SPECS["lab07.gru_fixed"].lab_build()
    x = rng.integers(1, 10000, size=(batch * BATCHES, WIDTH)).astype("int32")
    y = rng.integers(0, 2, size=batch * BATCHES).astype("float32")
    model.fit(x[:batch], y[:batch], batch_size=batch, verbose=0)  # compile
    seconds = float("inf")
    for _ in range(ROUNDS):
        start = time.perf_counter()
        model.fit(x, y, batch_size=batch, verbose=0)
        seconds = min(seconds, time.perf_counter() - start)
    print(
        f"{keras.backend.backend():11} batch {batch:>5}: {seconds / (batch * BATCHES * WIDTH) * 1e6:.2f} µs "
        f"per review and step",
        flush=True,
    )
