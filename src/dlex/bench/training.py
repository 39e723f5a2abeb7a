"""Lab models against plain Keras on every installed backend: the core of ``dlex bench``.

Each backend runs in its own worker process (:mod:`dlex.bench.epochs`), because a
process holds one Keras backend. Within a worker the lab and plain variants alternate.
"""

import importlib.util
import json
import os
import statistics
import subprocess
import sys

from dlex import _backend
from dlex.bench.models import resolve
from dlex.errors import DlexError

KNOWN_BACKENDS = ("jax", "tensorflow", "torch")


def installed_backends() -> list[str]:
    return [b for b in KNOWN_BACKENDS if importlib.util.find_spec(b) is not None]


def _worker(backend: str, models: list[str], lab_models: list[str], repeat: int, samples: int | None) -> dict:
    command = [
        sys.executable,
        "-m",
        "dlex.bench.epochs",
        "--repeat",
        str(repeat),
        "--models",
        *models,
        "--lab-models",
        *lab_models,
        *(["--samples", str(samples)] if samples else []),
    ]
    env = {**os.environ, "KERAS_BACKEND": backend, "TF_CPP_MIN_LOG_LEVEL": "3"}
    proc = subprocess.run(command, capture_output=True, text=True, env=env)
    for line in proc.stdout.splitlines():
        if line.startswith("DLEX-BENCH "):
            return json.loads(line.removeprefix("DLEX-BENCH "))
    raise DlexError(
        f"the {backend} benchmark worker failed: {proc.stderr.strip()[-800:]}",
        f"run `KERAS_BACKEND={backend} dlex doctor` to check that backend",
    )


def run(
    models: list[str] | None = None,
    backends: list[str] | None = None,
    repeat: int = 3,
    samples: int | None = None,
) -> list[dict]:
    """One row per model: examples per epoch, median epoch seconds per backend, lab/plain
    ratio, GEMM floor. ``samples`` times only that many examples of each epoch."""
    specs = resolve(models)
    available = installed_backends()
    backends = backends or available
    missing = sorted(set(backends) - set(available))
    if missing:
        raise DlexError(
            f"backend(s) not installed: {', '.join(missing)}",
            f"installed: {', '.join(available)}; e.g. pip install 'dlex[tensorflow]'",
        )
    default = _backend.DEFAULT_BACKEND
    lab_backend = {s.name: s.lab_backend or default for s in specs}
    results = {}
    for backend in backends:
        on_this = [name for name, b in lab_backend.items() if b == backend]
        results[backend] = _worker(backend, [s.name for s in specs], on_this, repeat, samples)
    rows = []
    for spec in specs:
        plain = {b: statistics.median(r["models"][spec.name]["epochs"]["plain"]) for b, r in results.items()}
        fastest = min(plain, key=plain.get)
        row = {
            "model": spec.name,
            "samples": next(iter(results.values()))["models"][spec.name]["samples"],
            "plain_seconds": plain,
            "fastest_backend": fastest,
            "lab_backend": lab_backend[spec.name],
        }
        lab_result = results.get(lab_backend[spec.name], {}).get("models", {}).get(spec.name)
        if lab_result and "lab" in lab_result["epochs"]:
            lab_s = statistics.median(lab_result["epochs"]["lab"])
            row.update(lab_seconds=lab_s, ratio_lab_to_fastest_plain=lab_s / plain[fastest])
            flops = spec.epoch_flops(lab_result["samples"])
            if flops:
                rate = results[lab_backend[spec.name]]["gemm_gflops"]
                row.update(
                    gemm_gflops=rate,
                    floor_seconds=flops / rate / 1e9,
                    ratio_lab_to_floor=lab_s / (flops / rate / 1e9),
                )
        rows.append(row)
    return rows
