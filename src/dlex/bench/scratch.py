"""How fast is from-scratch NumPy next to Keras? The numbers in docs/performance.md.

Each case times a ``dlex.scratch`` function and the matching Keras computation on the
same inputs, in float32 on the CPU this runs on:

- ``conv2d_forward`` + ``conv2d_backward`` against a Keras ``Conv2D`` forward pass and its
  gradients with respect to the input, kernel and bias (target: at most 3x slower);
- ``lstm_forward`` against a Keras ``LSTM`` forward pass returning all hidden states
  (target: at most 5x slower).

Keras runs compiled (``jax.jit`` on JAX, ``tf.function`` on TensorFlow; eager autograd on
torch) and warmed up first. Timings alternate NumPy, Keras, NumPy, Keras, ... so that
background load hits both sides alike; each result is the median over ``repeat`` rounds.
``blas_threads`` caps NumPy's BLAS threads (Keras is not affected): OpenBLAS threads
spin while they wait, which on a machine already busy with other work can make NumPy
several times slower than its single-threaded speed. The warm-up also checks that both
sides compute the same outputs (``max_rel_diff``: the largest difference relative to
each output's largest magnitude).

    from dlex.bench.scratch import run
    for row in run(repeat=5):
        print(row["name"], row["numpy_ms"], row["keras_ms"], row["ratio"])
"""

import argparse
import json
import os
import statistics
import sys
import time

import numpy as np

from dlex.scratch.conv import conv2d_backward, conv2d_forward
from dlex.scratch.rnn import lstm_forward

# (name, kind, input shape, output channels or units, target ratio)
CASES = [
    ("conv2d fwd+bwd 128x28x28x1 -> 32 (3x3)", "conv2d", (128, 28, 28, 1), 32, 3.0),
    ("conv2d fwd+bwd 128x13x13x32 -> 64 (3x3)", "conv2d", (128, 13, 13, 32), 64, 3.0),
    ("lstm fwd 32x250x32 -> 32 units", "lstm", (32, 250, 32), 32, 5.0),
]


def run(repeat=5, seed=0, blas_threads=None):
    """Time every case ``repeat`` times, interleaved; return one dict per case."""
    if repeat < 1:
        raise ValueError(f"repeat must be >= 1, got {repeat}")
    if blas_threads is not None:
        from threadpoolctl import threadpool_limits

        with threadpool_limits(limits=blas_threads, user_api="blas"):
            return _run(repeat, seed, blas_threads)
    return _run(repeat, seed, blas_threads)


def _run(repeat, seed, blas_threads):
    import keras

    rng = np.random.default_rng(seed)
    prepared = [_prepare(keras, kind, shape, width, rng) for _, kind, shape, width, _ in CASES]
    times = [([], []) for _ in CASES]
    for _ in range(repeat):
        for (numpy_fn, keras_fn, _), (numpy_times, keras_times) in zip(prepared, times):
            numpy_times.append(_time(numpy_fn))
            keras_times.append(_time(keras_fn))
    results = []
    for (name, kind, shape, width, target), (_, _, max_diff), (numpy_times, keras_times) in zip(
        CASES, prepared, times
    ):
        numpy_ms = statistics.median(numpy_times) * 1e3
        keras_ms = statistics.median(keras_times) * 1e3
        results.append(
            {
                "name": name,
                "kind": kind,
                "input_shape": list(shape),
                "channels_or_units": width,
                "numpy_ms": round(numpy_ms, 3),
                "keras_ms": round(keras_ms, 3),
                "ratio": round(numpy_ms / keras_ms, 3),
                "target_ratio": target,
                "within_target": numpy_ms / keras_ms <= target,
                "max_rel_diff": max_diff,
                "repeat": repeat,
                "backend": keras.backend.backend(),
                "blas_threads": blas_threads,
                "cpu_count": os.cpu_count(),
            }
        )
    return results


def _time(fn):
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _prepare(keras, kind, shape, width, rng):
    """Build the NumPy and Keras callables for one case; run each once (warm-up) and compare."""
    if kind == "conv2d":
        x = rng.normal(size=shape).astype(np.float32)
        kernel = (rng.normal(size=(3, 3, shape[-1], width)) / np.sqrt(9 * shape[-1])).astype(np.float32)
        bias = rng.normal(size=width).astype(np.float32)
        out_shape = (shape[0], shape[1] - 2, shape[2] - 2, width)
        dy = rng.normal(size=out_shape).astype(np.float32)

        def numpy_fn():
            y, cache = conv2d_forward(x, kernel, bias)
            return (y, *conv2d_backward(dy, cache))

        keras_fn = _keras_conv2d(keras, x, kernel, bias, dy)
    elif kind == "lstm":
        x = rng.normal(size=shape).astype(np.float32)
        weights = [
            (rng.normal(size=(shape[-1], 4 * width)) / np.sqrt(shape[-1])).astype(np.float32),
            (rng.normal(size=(width, 4 * width)) / np.sqrt(width)).astype(np.float32),
            rng.normal(scale=0.1, size=4 * width).astype(np.float32),
        ]

        def numpy_fn():
            return (lstm_forward(x, *weights)[0],)

        keras_fn = _keras_lstm(keras, x, weights)
    else:
        raise ValueError(f"unknown benchmark kind {kind!r}")
    ours, theirs = numpy_fn(), keras_fn()
    # Largest difference relative to each output's scale (float32 sums differ in order).
    max_diff = max(
        float(np.max(np.abs(a - np.asarray(b))) / np.max(np.abs(np.asarray(b)))) for a, b in zip(ours, theirs)
    )
    return numpy_fn, keras_fn, max_diff


def _keras_conv2d(keras, x, kernel, bias, dy):
    """Compiled Keras Conv2D: output and gradients w.r.t. (x, kernel, bias), like conv2d_backward."""
    layer = keras.layers.Conv2D(kernel.shape[-1], kernel.shape[:2], dtype="float32")
    layer.build(x.shape)

    def forward(x, k, b):
        return layer.stateless_call([k, b], [], x)[0]

    return _compiled_vjp(keras, forward, [x, kernel, bias], dy)


def _keras_lstm(keras, x, weights):
    """Compiled Keras LSTM forward returning every hidden state, like lstm_forward."""
    layer = keras.layers.LSTM(weights[1].shape[0], return_sequences=True, dtype="float32")
    layer.build(x.shape)
    state = [v.value for v in layer.non_trainable_variables]

    def forward(x, *w):
        return layer.stateless_call(list(w), state, x)[0]

    return _compiled_forward(keras, forward, [x, *weights])


def _compiled_vjp(keras, forward, args, dy):
    backend = keras.backend.backend()
    if backend == "jax":
        import jax

        def step(args, dy):
            y, pull = jax.vjp(forward, *args)
            return (y, *pull(dy))

        step = jax.jit(step)
        device_args, device_dy = jax.device_put(args), jax.device_put(dy)
        return lambda: jax.block_until_ready(step(device_args, device_dy))
    if backend == "tensorflow":
        import tensorflow as tf

        @tf.function
        def step(args, dy):
            with tf.GradientTape() as tape:
                tape.watch(args)
                y = forward(*args)
            return (y, *tape.gradient(y, args, output_gradients=dy))

        tensors, tensor_dy = [tf.constant(a) for a in args], tf.constant(dy)
        return lambda: [t.numpy() for t in step(tensors, tensor_dy)]
    if backend == "torch":
        import torch

        def step():
            leaves = [torch.tensor(a, requires_grad=True) for a in args]
            y = forward(*leaves)
            grads = torch.autograd.grad(y, leaves, grad_outputs=torch.tensor(dy))
            return [t.detach().numpy() for t in (y, *grads)]

        return step
    raise ValueError(f"no benchmark for the {backend} backend")


def _compiled_forward(keras, forward, args):
    backend = keras.backend.backend()
    if backend == "jax":
        import jax

        step = jax.jit(lambda args: (forward(*args),))
        device_args = jax.device_put(args)
        return lambda: jax.block_until_ready(step(device_args))
    if backend == "tensorflow":
        import tensorflow as tf

        step = tf.function(lambda args: forward(*args))
        tensors = [tf.constant(a) for a in args]
        return lambda: (step(tensors).numpy(),)
    if backend == "torch":
        import torch

        def step():
            with torch.no_grad():
                return (forward(*[torch.tensor(a) for a in args]).numpy(),)

        return step
    raise ValueError(f"no benchmark for the {backend} backend")


def print_table(results, file=None):
    """Print the results as a table (rich)."""
    from rich.console import Console
    from rich.table import Table

    backend = results[0]["backend"] if results else "?"
    repeat = results[0]["repeat"] if results else 0
    table = Table(title=f"dlex.scratch (NumPy) vs Keras ({backend}), float32, median of {repeat} rounds")
    table.add_column("benchmark", no_wrap=True)
    for column in ("NumPy ms", "Keras ms", "ratio", "target", "ok", "rel. diff"):
        table.add_column(column, justify="right")
    for row in results:
        table.add_row(
            row["name"],
            f"{row['numpy_ms']:.1f}",
            f"{row['keras_ms']:.1f}",
            f"{row['ratio']:.2f}x",
            f"<= {row['target_ratio']:g}x",
            "yes" if row["within_target"] else "NO",
            f"{row['max_rel_diff']:.1e}",
        )
    console = Console(file=file)
    if not console.is_terminal:
        console.width = max(console.width, 110)  # logs and pipes: keep each row on one line
    console.print(table)


def main(argv=None):
    """Command line: ``bench_scratch.py [--repeat N] [--json PATH]``; returns an exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="timed rounds per case (default 5)")
    parser.add_argument("--json", metavar="PATH", help="also write the results as JSON to PATH")
    parser.add_argument(
        "--blas-threads",
        type=int,
        metavar="N",
        help="limit NumPy's BLAS to N threads (threadpoolctl); busy shared machines measure more steadily",
    )
    args = parser.parse_args(argv)
    results = run(repeat=args.repeat, blas_threads=args.blas_threads)
    print_table(results)
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(results, handle, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
