"""dlex: the "Deep Learning Explained" course as runnable, self-checking labs.

    import dlex
    dlex.seed(9898)                       # seeds Python, NumPy and the Keras backend
    dlex.record("model_a.test_accuracy", 0.98)   # a measured number for metrics.json

Run a lab from the shell with ``dlex run lab02``; see ``dlex --help``.
"""

from dlex import _backend

BACKEND = _backend.configure()

from dlex.errors import DlexError  # noqa: E402
from dlex.runtime import record, seed  # noqa: E402

try:  # the version lives once, in pyproject.toml; an uninstalled source tree has none
    from importlib.metadata import version as _version

    __version__ = _version("dlex")
except Exception:  # PackageNotFoundError: running from a bare checkout on sys.path
    __version__ = "0+unknown"
__all__ = ["BACKEND", "DlexError", "record", "seed", "__version__"]


def __getattr__(name):
    """Import sub-packages on first use (``dlex.data``, ``dlex.plots``, ``dlex.scratch`` …)."""
    import importlib

    if name in {"data", "plots", "scratch", "labs", "runner", "grading"}:
        return importlib.import_module(f"dlex.{name}")
    if name == "check":  # dlex.check("lab02.ex1"): imported on first use, keeps `import dlex` light
        from dlex.grading.exercises.check import check

        return check
    if name in {"quiz", "answer"}:  # dlex.quiz("lab02"), dlex.answer("lab02.q3", 2)
        return getattr(importlib.import_module("dlex.grading.questions.quiz"), name)
    raise AttributeError(f"module 'dlex' has no attribute {name!r}")
