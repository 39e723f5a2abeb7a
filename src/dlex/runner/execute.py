"""``dlex run``: execute a lab in a fresh kernel, then write notebook, report, metrics.

from dlex.labs import get_lab
from dlex.runner import run_lab
result = run_lab(get_lab("lab02"), quick=True)
print(result.metrics["model_a.test_accuracy"])
"""

import json
import os
import platform
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

from dlex.errors import LabError
from dlex.labs.catalog import Lab
from dlex.runner import parameters, report, runs, sections
from dlex.runner.kernel_env import kernel_backend, run_environment


@dataclass
class RunResult:
    """What a run produced: where, its flat metrics, and the error if a cell failed."""

    out_dir: Path
    metrics: dict
    notebook_path: Path
    report_path: Path
    metrics_path: Path
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def _versions(backend: str) -> dict:
    names = [
        "dlex",
        "keras",
        "numpy",
        {"jax": "jaxlib", "tensorflow": "tensorflow", "torch": "torch"}.get(backend, backend),
    ]
    if backend == "jax":
        names.append("jax")
    found = {"versions.python": platform.python_version()}
    for name in names:
        try:
            found[f"versions.{name}"] = metadata.version(name)
        except metadata.PackageNotFoundError:
            if name == "tensorflow":
                try:
                    found["versions.tensorflow"] = metadata.version("tensorflow-cpu")
                except metadata.PackageNotFoundError:
                    pass
    return found


@contextmanager
def _kernel_environment(values: dict):
    """Set environment variables for the kernel the client starts, then restore them."""
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update({k: str(v) for k, v in values.items()})
    try:
        yield
    finally:
        for key, old in saved.items():
            if old is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = old


def _describe_failure(nb, exc: Exception) -> str:
    """The failing cell's number, its first lines, and the error's last line."""
    if isinstance(exc, CellExecutionError):
        for index, cell in enumerate(nb.cells):
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    head = "\n".join(cell.source.splitlines()[:6])
                    return (
                        f"cell {index} failed with {output['ename']}: {output['evalue']}\n"
                        f"--- cell {index} source (first lines) ---\n{head}"
                    )
    if isinstance(exc, CellTimeoutError):
        return f"a cell ran past its time limit: {exc}"
    if isinstance(exc, DeadKernelError):
        return (
            "the kernel died while running the lab (out of memory, or the process was killed); "
            "its last words are in kernel.log in the run folder"
        )
    return f"{type(exc).__name__}: {exc}"


def run_lab(
    lab: Lab,
    quick: bool = False,
    out: Path | None = None,
    overrides: dict | None = None,
    cell_timeout: int = 1800,
    on_cell=None,
) -> RunResult:
    """Execute ``lab`` in a fresh kernel and write its outputs to ``out``.

    ``on_cell(index, total, section)`` is called before each code cell (for progress).
    The run never raises for a failing cell: the error is in ``RunResult.error``.
    """
    out = Path(out or runs.new_run_dir(lab.name)).resolve()
    out.mkdir(parents=True, exist_ok=True)
    nb = lab.notebook()
    chosen = dict(lab.quick) if quick else {}
    chosen.update(overrides or {})
    params = parameters.inject(nb, chosen, "dlex run --quick" if quick else "dlex run --set")

    metrics_path = out / runs.METRICS_NAME
    lab_metrics_path = out / ".lab-metrics.json"
    lab_metrics_path.unlink(missing_ok=True)
    backend = kernel_backend(lab)
    env = run_environment(backend, quick, lab_metrics_path)

    code_cells = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    section_of, current = {}, "setup"
    for i, cell in enumerate(nb.cells):
        current = sections.heading_of(cell) or current
        section_of[i] = current.lstrip("# ").strip()

    def hook(cell, cell_index, **_):
        if on_cell and cell.cell_type == "code":
            on_cell(code_cells.index(cell_index), len(code_cells), section_of[cell_index])

    client = NotebookClient(
        nb,
        timeout=cell_timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(out)}},
        record_timing=True,
        on_cell_start=hook,
    )
    started = time.perf_counter()
    error = None
    # The kernel's own stderr (library start-up chatter such as TensorFlow's oneDNN notice
    # and ipykernel's transport warning) goes to a log in the run folder, not the terminal.
    with _kernel_environment(env), open(out / "kernel.log", "w") as kernel_log:
        try:
            client.execute(stderr=kernel_log)
        except Exception as exc:  # noqa: BLE001 - every failure is reported, none hidden
            error = _describe_failure(nb, exc)
    seconds = time.perf_counter() - started

    metrics = json.loads(lab_metrics_path.read_text()) if lab_metrics_path.exists() else {}
    lab_metrics_path.unlink(missing_ok=True)
    metrics.update({f"params.{k}": v for k, v in params.items() if isinstance(v, (int, float, str, bool))})
    metrics.update({f"seconds.{k}": v for k, v in sections.seconds_per_section(nb).items()})
    metrics.update(_versions(backend))
    metrics.update(
        {
            "run.lab": lab.name,
            "run.quick": quick,
            "run.backend": backend,
            "run.ok": error is None,
            "run.seconds": round(seconds, 2),
            "run.started": datetime.now(UTC).isoformat(timespec="seconds"),
            "run.platform": f"{platform.system()} {platform.machine()}, "
            f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}",
        }
    )

    notebook_path = out / f"{lab.path.stem}.ipynb"
    nbformat.write(nb, notebook_path)
    metrics_path.write_text(json.dumps(metrics, indent=1, sort_keys=True))
    status = "passed" if error is None else f"FAILED — {error.splitlines()[0]}"
    report_path = report.write_report(
        nb, out / "report.html", f"Lab {lab.number}: {lab.title}", status, metrics
    )
    return RunResult(out, metrics, notebook_path, report_path, metrics_path, error)


def require_ok(result: RunResult) -> RunResult:
    """Raise a LabError naming the failing cell if the run failed."""
    if not result.ok:
        raise LabError(
            f"the lab failed: {result.error}",
            f"the executed notebook with the error is at {result.notebook_path}",
        )
    return result
