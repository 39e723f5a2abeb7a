"""Execute a lab in a fresh Jupyter kernel and write its notebook, report and metrics."""

from dlex.runner.execute import RunResult, run_lab

__all__ = ["RunResult", "run_lab"]
