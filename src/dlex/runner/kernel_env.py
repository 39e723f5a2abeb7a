"""The environment a lab's kernel starts with, assembled in one place for ``dlex run`` and the grader.

Both set the Keras backend the lab runs on, whether it runs quick, and a fixed hash
seed; ``dlex run`` adds where ``record`` writes and JAX's compilation cache, the grader
its flag and, in the sandbox, a private home and nothing else of the grader's. The
names of dlex's own variables live in :mod:`dlex.runtime` and :mod:`dlex.paths`.
"""

import importlib.util
import os
from pathlib import Path

from dlex import paths, runtime
from dlex.labs.catalog import Lab

OFFLINE = "DLEX_OFFLINE"  # never download (dlex.data)
# Library settings every kernel gets: figures without a screen, no GPU memory grabbed up
# front, no TensorFlow start-up chatter.
HEADLESS_LIBRARIES = {
    "MPLBACKEND": "Agg",
    "XLA_PYTHON_CLIENT_PREALLOCATE": "false",
    "TF_CPP_MIN_LOG_LEVEL": "2",
}


def kernel_backend(lab: Lab) -> str:
    """The Keras backend for the lab's kernel.

    The user's ``KERAS_BACKEND`` if they set one; else the lab's preferred backend
    (header field ``backend``) if it is installed; else dlex's default.
    """
    import dlex
    from dlex import _backend

    if _backend.USER_CHOSE_BACKEND or not lab.backend:
        return dlex.BACKEND
    return lab.backend if importlib.util.find_spec(lab.backend) is not None else dlex.BACKEND


def jax_cache_environment() -> dict:
    """Environment for JAX's persistent compilation cache, unless the user configured one.

    Every new Keras model compiles its training step again, although the labs build
    many models of the same shapes; with the cache, a model whose program was compiled
    before (earlier in the run, or in an earlier run) loads it from disk instead. The
    cache lives in dlex's per-user folder and is capped at 1 GB (oldest entries go).
    Each setting the user made in the environment wins.
    """
    defaults = {
        "JAX_COMPILATION_CACHE_DIR": paths.user_data_dir() / "cache" / "jax",
        "JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS": "0",
        "JAX_PERSISTENT_CACHE_MIN_ENTRY_SIZE_BYTES": "0",
        "JAX_COMPILATION_CACHE_MAX_SIZE": str(1 << 30),
    }
    return {k: v for k, v in defaults.items() if not os.environ.get(k)}


def _common(backend: str, quick: bool) -> dict:
    return {"KERAS_BACKEND": backend, runtime.QUICK: str(int(quick)), "PYTHONHASHSEED": "0"}


def run_environment(backend: str, quick: bool, metrics_path: Path) -> dict:
    """What ``dlex run`` adds to its own environment for the lab's kernel."""
    env = {runtime.METRICS_PATH: str(metrics_path), **_common(backend, quick)}
    env.update(
        {
            k: str(Path(os.environ[k]).expanduser().resolve())
            for k in paths.PATH_VARIABLES
            if os.environ.get(k)
        }
    )
    env.update(jax_cache_environment())
    return env


def sandbox_data_dir() -> str | None:
    """The dataset folder the sandbox reads: ``$DLEX_DATA_DIR``, else the grader's Keras cache."""
    folder = paths.data_dir_override()
    if folder is None and (paths.keras_cache_dir() / "mnist.npz").exists():
        folder = paths.keras_cache_dir()
    return str(folder.expanduser().resolve()) if folder else None


def graded_environment(workdir: Path, quick: bool, backend: str, isolated: bool = True) -> dict:
    """The whole environment of a graded kernel. Sandboxed: nothing of the grader's but the data."""
    fixed = {**_common(backend, quick), runtime.GRADING: "1", **HEADLESS_LIBRARIES}
    if not isolated:  # `dlex check`: the learner's own notebook, the learner's setup
        env = {k: v for k, v in os.environ.items() if k != runtime.METRICS_PATH}
        env.update(fixed)
        env["JUPYTER_RUNTIME_DIR"] = str(workdir / ".jupyter")
        return env
    w = str(workdir)
    env = {
        "HOME": w,
        "USER": "student",
        "LOGNAME": "student",
        "LANG": "C.UTF-8",
        "TMPDIR": "/tmp",
        OFFLINE: "1",
        paths.HOME: f"{w}/.dlex",
        paths.KERAS_HOME: f"{w}/.keras",
        "MPLCONFIGDIR": f"{w}/.matplotlib",
        "IPYTHONDIR": f"{w}/.ipython",
        "JUPYTER_RUNTIME_DIR": f"{w}/.jupyter",
        "JUPYTER_CONFIG_DIR": f"{w}/.jupyter-config",
        "JUPYTER_DATA_DIR": f"{w}/.jupyter-data",
        "XDG_CACHE_HOME": f"{w}/.cache",
        "XDG_CONFIG_HOME": f"{w}/.config",
        "XDG_DATA_HOME": f"{w}/.local/share",
        "PYTHONDONTWRITEBYTECODE": "1",
        **fixed,
    }
    data = sandbox_data_dir()
    if data:
        env[paths.DATA_DIR] = data
    return env
