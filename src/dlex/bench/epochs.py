"""Time training epochs of lab models on the backend this process runs (a ``dlex bench`` worker).

    KERAS_BACKEND=jax python -m dlex.bench.epochs --models lab02.model_a --repeat 3
    ... --lab-models lab02.model_a --samples 2000   # also the lab variant; a subset per epoch

Prints one JSON object: per model, the examples per epoch and the seconds of each timed
epoch for the "plain" and "lab" variants (interleaved plain, lab, plain, lab …, after one
warm-up fit each, which also compiles), and this machine's float32 GEMM rate.
"""

import argparse
import json
import os
import time

import numpy as np


def gemm_gflops(size: int = 1024, repeat: int = 5) -> float:
    """Best float32 matrix-multiply rate (GFLOP/s) of NumPy or the Keras backend here."""
    import keras

    a = np.random.default_rng(0).random((size, size), dtype=np.float32)
    best = float("inf")
    ka = keras.ops.convert_to_tensor(a)
    for multiply in (lambda: a @ a, lambda: keras.ops.convert_to_numpy(keras.ops.matmul(ka, ka))):
        multiply()
        for _ in range(repeat):
            start = time.perf_counter()
            multiply()
            best = min(best, time.perf_counter() - start)
    return 2 * size**3 / best / 1e9


def _epoch(model, inputs: dict, epochs: int) -> float:
    """Seconds per epoch of one ``fit`` call over ``epochs`` epochs."""
    start = time.perf_counter()
    model.fit(**inputs, epochs=epochs, verbose=0)
    return (time.perf_counter() - start) / epochs


def _variants(spec, x, y, with_lab: bool) -> dict:
    """Per variant: the function building its model and what its ``fit`` reads.

    Plain: the arrays, shuffled, in batches of the spec's size. The lab: its own model
    and dataset where the spec has them.
    """
    arrays = {"x": x, "y": y, "batch_size": spec.batch_size, "shuffle": True}
    variants = {"plain": (spec.build, arrays)}
    if with_lab:
        inputs = {"x": spec.lab_data(x, y, spec.batch_size)} if spec.lab_data else arrays
        variants["lab"] = (spec.lab_build or spec.build, inputs)
    return variants


def time_model(spec, repeat: int, with_lab: bool, samples: int | None = None) -> dict:
    """Seconds per epoch, ``repeat`` times each, of the plain (and lab) variant, on the
    first ``samples`` examples of the epoch's data (all by default)."""
    from dlex.runtime import seed  # as the labs seed: without importing TensorFlow on other backends

    x, y = spec.data()
    x, y = x[:samples], y[:samples]
    variants = _variants(spec, x, y, with_lab)
    models = {}
    for name, (build, inputs) in variants.items():
        seed(0)
        models[name] = build()
        _epoch(models[name], inputs, spec.fit_epochs)  # warm-up and compile
    times = {name: [] for name in variants}
    for _ in range(repeat):
        for name, (_, inputs) in variants.items():
            times[name].append(_epoch(models[name], inputs, spec.fit_epochs))
    return {"samples": len(x), "epochs": times}


def main() -> None:
    from dlex.bench.models import resolve

    parser = argparse.ArgumentParser()
    parser.add_argument("--models", nargs="*")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--samples", type=int, help="time only the first N examples of each epoch")
    parser.add_argument(
        "--lab-models", nargs="*", default=[], help="models whose lab variant runs on this backend"
    )
    args = parser.parse_args()
    import keras

    result = {"backend": keras.backend.backend(), "gemm_gflops": gemm_gflops(), "models": {}}
    for spec in resolve(args.models):
        result["models"][spec.name] = time_model(
            spec, args.repeat, spec.name in args.lab_models, args.samples
        )
    print("DLEX-BENCH " + json.dumps(result), flush=True)


if __name__ == "__main__":
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    main()
