"""What a lab calls while it runs: seeding, recording measured numbers, and how it is run.

Inside ``dlex run`` the runner sets :data:`METRICS_PATH` (``DLEX_METRICS_PATH``); every
``record`` call then rewrites that JSON file atomically, so the runner can read the
numbers even if a later cell fails. In an interactive notebook the numbers are kept in
``METRICS`` only. The variables a kernel is started with are named here, once, and
assembled by :mod:`dlex.runner.kernel_env`.
"""

import json
import math
import numbers
import os
import random
import sys
from pathlib import Path

import numpy as np

METRICS: dict[str, object] = {}

# The environment variables through which dlex tells a lab's kernel how it is run.
METRICS_PATH = "DLEX_METRICS_PATH"  # `dlex run`: where `record` writes the run's numbers
GRADING = "DLEX_GRADING"  # `dlex grade` / `dlex check NOTEBOOK`: judged from outside
QUICK = "DLEX_QUICK"  # "1" when the lab runs with its quick parameters


def graded() -> bool:
    """Whether this kernel runs under the grader, which judges every exercise after the run."""
    return bool(os.environ.get(GRADING))


def headless() -> bool:
    """Whether this kernel runs with nobody watching (``dlex run`` or the grader): no widgets,
    no progress saved for a learner."""
    return bool(os.environ.get(METRICS_PATH)) or graded()


def seed(n: int) -> None:
    """Seed Python, NumPy and the Keras backend, as ``keras.utils.set_random_seed`` does.

    Keras's function also imports TensorFlow whenever it is installed, only to seed
    ``tf.data``; that costs seconds per lab on the other backends, where Keras shuffles
    with NumPy. So unless TensorFlow is the backend or already imported, the same
    seeding is done without it.
    """
    import keras

    n = int(n)
    if keras.backend.backend() == "tensorflow" or sys.modules.get("tensorflow") is not None:
        keras.utils.set_random_seed(n)
        return
    try:
        from keras.src.backend.common import global_state
        from keras.src.random import seed_generator
        from keras.src.utils.rng_utils import GLOBAL_RANDOM_SEED
    except ImportError:  # a future Keras moved its internals: fall back to the public call
        keras.utils.set_random_seed(n)
        return
    global_state.set_global_attribute(GLOBAL_RANDOM_SEED, n)
    global_state.set_global_attribute(seed_generator.GLOBAL_SEED_GENERATOR, None)
    random.seed(n)
    np.random.seed(n)
    if keras.backend.backend() == "torch":
        import torch

        torch.manual_seed(n)


def _plain(value):
    """Turn NumPy scalars and 0-d arrays into JSON-ready Python values."""
    if hasattr(value, "item") and getattr(value, "ndim", 0) == 0:
        value = value.item()
    if isinstance(value, bool) or isinstance(value, str) or value is None:
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        value = float(value)
        if not math.isfinite(value):
            return None if math.isnan(value) else str(value)
        return value
    raise TypeError(
        f"dlex.record takes a number, bool or string, not {type(value).__name__}; "
        "record each number under its own dotted key, e.g. 'model_a.test_accuracy'."
    )


def record(key: str, value) -> None:
    """Record one measured number under a dotted key.

    Returns nothing, so a cell that ends with ``dlex.record(...)`` shows no ``Out[n]:`` line
    with the unrounded value; the lab prints the number it talks about, rounded, itself.
    """
    if not isinstance(key, str) or not key or key.strip() != key:
        raise ValueError(f"metric key must be a non-empty string, got {key!r}")
    METRICS[key] = _plain(value)
    path = os.environ.get(METRICS_PATH)
    if path:
        _write_atomic(Path(path), METRICS)


def _write_atomic(path: Path, data: dict) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, indent=1, sort_keys=True))
    os.replace(tmp, path)
