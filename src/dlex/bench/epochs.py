"""Time training epochs of lab models on the backend this process runs (a ``dlex bench`` worker).

    KERAS_BACKEND=jax python -m dlex.bench.epochs --models lab02.model_a --repeat 3

Prints one JSON object: per model, the seconds of each timed epoch for the "lab" and
"plain" variants (interleaved lab, plain, lab, plain …, after one warm-up epoch each,
which also compiles), and this machine's float32 GEMM rate.
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


def _epoch(model, x, y, batch_size, fit_kwargs) -> float:
    start = time.perf_counter()
    model.fit(x, y, batch_size=batch_size, epochs=1, verbose=0, shuffle=True, **fit_kwargs)
    return time.perf_counter() - start


def time_model(spec, repeat: int, with_lab: bool) -> dict:
    """Seconds per epoch, ``repeat`` times each, of the plain (and lab) variant."""
    import keras

    x, y = spec.data()
    variants = {"plain": {}}
    if with_lab:
        variants["lab"] = dict(spec.lab_fit)
    models = {}
    for name in variants:
        keras.utils.set_random_seed(0)
        models[name] = spec.build()
        _epoch(models[name], x, y, spec.batch_size, variants[name])  # warm-up and compile
    times = {name: [] for name in variants}
    for _ in range(repeat):
        for name, fit_kwargs in variants.items():
            times[name].append(_epoch(models[name], x, y, spec.batch_size, fit_kwargs))
    return {"samples": len(x), "epochs": times}


def main() -> None:
    from dlex.bench.models import resolve

    parser = argparse.ArgumentParser()
    parser.add_argument("--models", nargs="*")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--lab-models", nargs="*", default=[], help="models whose lab variant runs on this backend"
    )
    args = parser.parse_args()
    import keras

    result = {"backend": keras.backend.backend(), "gemm_gflops": gemm_gflops(), "models": {}}
    for spec in resolve(args.models):
        result["models"][spec.name] = time_model(spec, args.repeat, spec.name in args.lab_models)
    print("DLEX-BENCH " + json.dumps(result), flush=True)


if __name__ == "__main__":
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    main()
