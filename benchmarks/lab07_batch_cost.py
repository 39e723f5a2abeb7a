"""Cost of Lab 7's GRU classifier per review and time step, by batch size and backend.

    for b in jax tensorflow; do KERAS_BACKEND=$b python benchmarks/lab07_batch_cost.py; done

Trains Embedding(10000, 32) → GRU(32) → Dense(1, sigmoid) with RMSprop on random word
numbers, 250 words per review, for ten batches after a compiling first batch, at each
batch size; prints the training time per review and time step in microseconds. This
chose Lab 7's backend and its batches of 32 (docs/performance.md, "Lab 7").
"""

import sys
import time

import keras
import numpy as np

WIDTH = 250
sizes = [int(a) for a in sys.argv[1:]] or [32, 64, 256, 1024]
rng = np.random.default_rng(0)
for batch in sizes:
    keras.utils.set_random_seed(1)
    model = keras.Sequential([keras.Input((None,), dtype="int32"), keras.layers.Embedding(10000, 32),
                              keras.layers.GRU(32), keras.layers.Dense(1, activation="sigmoid")])
    model.compile("rmsprop", "binary_crossentropy", metrics=["accuracy"])
    x = rng.integers(1, 10000, size=(batch * 10, WIDTH)).astype("int32")
    y = rng.integers(0, 2, size=batch * 10).astype("float32")
    model.fit(x[:batch], y[:batch], batch_size=batch, verbose=0)          # compile
    start = time.perf_counter()
    model.fit(x, y, batch_size=batch, verbose=0)
    seconds = time.perf_counter() - start
    print(f"{keras.backend.backend():11} batch {batch:>5}: {seconds / (batch * 10 * WIDTH) * 1e6:.2f} µs "
          f"per review and step", flush=True)
